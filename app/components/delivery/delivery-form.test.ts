import { describe, expect, it } from "vitest";
import { DEFAULT_DELIVERY_SETTINGS, parseDeliverySettings } from "~/core/delivery/settings";
import { deliveryFieldErrors, fieldsFromDeliverySettings, readDeliveryForm, type DeliveryFields } from "./delivery-form";

function form(fields: Partial<DeliveryFields>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries({ ...fieldsFromDeliverySettings(DEFAULT_DELIVERY_SETTINGS), ...fields })) f.set(k, v);
  return f;
}

describe("delivery settings form", () => {
  it("shows the defaults and reads them back unchanged", () => {
    expect(fieldsFromDeliverySettings(DEFAULT_DELIVERY_SETTINGS)).toEqual({
      smartSendingHours: "16",
      weeklyMax: "5",
      quietStart: "21",
      quietEnd: "8",
      cartRecoveryAudience: "subscribers",
      abandonedCheckoutMinutes: "60",
    });
    const read = readDeliveryForm(form({}));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    const parsed = parseDeliverySettings(read.input, DEFAULT_DELIVERY_SETTINGS);
    expect(parsed).toEqual({ ok: true, settings: DEFAULT_DELIVERY_SETTINGS });
  });

  it("refuses blanks, words and an unknown audience with a sentence per field", () => {
    const read = readDeliveryForm(form({ smartSendingHours: "", weeklyMax: "five", cartRecoveryAudience: "everyone-ever" }));
    expect(read).toEqual({
      ok: false,
      errors: {
        smartSendingHours: "The smart-sending window is required.",
        weeklyMax: "The weekly maximum must be a number.",
        cartRecoveryAudience: "Choose who cart-recovery emails may go to.",
      },
    });
  });

  it("puts the service's rule errors beside the field they concern", () => {
    const read = readDeliveryForm(form({ quietStart: "25", abandonedCheckoutMinutes: "5", weeklyMax: "2.5" }));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    const parsed = parseDeliverySettings(read.input, DEFAULT_DELIVERY_SETTINGS);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const { fields, form: rest } = deliveryFieldErrors(parsed.errors);
    expect(fields.quietStart).toMatch(/quiet hours must be an hour from 0 to 23\.$/);
    expect(fields.abandonedCheckoutMinutes).toMatch(/at least 10\.$/);
    expect(fields.weeklyMax).toMatch(/whole number\.$/);
    expect(rest).toEqual([]);
    expect(deliveryFieldErrors({ "browse.minViews": "Too many" })).toEqual({ fields: {}, form: ["Too many."] });
  });
});
