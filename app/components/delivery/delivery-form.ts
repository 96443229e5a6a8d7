// The Settings page's delivery section, pure part: the shop's delivery settings
// as the strings the form shows, and those strings back to the edit
// saveDeliverySettings validates. Problems come back keyed by form field, in
// sentences (the service's own messages for its rules, ours for unreadable input).
import type { DeliverySettings } from "~/core/delivery/settings";

export interface DeliveryFields {
  smartSendingHours: string;
  weeklyMax: string;
  quietStart: string;
  quietEnd: string;
  cartRecoveryAudience: string;
  abandonedCheckoutMinutes: string;
}

export type DeliveryField = keyof DeliveryFields;
export type DeliveryFieldErrors = Partial<Record<DeliveryField, string>>;

export const DELIVERY_FIELDS: readonly DeliveryField[] = ["smartSendingHours", "weeklyMax", "quietStart", "quietEnd", "cartRecoveryAudience", "abandonedCheckoutMinutes"];

/** The service's error keys (paths in DeliverySettings) → the form field that shows them. */
const FIELD_OF_PATH: Record<string, DeliveryField> = {
  smartSendingHours: "smartSendingHours",
  weeklyMax: "weeklyMax",
  "quietHours.start": "quietStart",
  "quietHours.end": "quietEnd",
  quietHours: "quietStart",
  cartRecoveryAudience: "cartRecoveryAudience",
  abandonedCheckoutMinutes: "abandonedCheckoutMinutes",
};

export const CART_RECOVERY_CHOICES = [
  { value: "subscribers", label: "Only customers subscribed to email marketing" },
  { value: "checkout-email", label: "Everyone who gave an email at checkout" },
] as const;

/** Said beside the choice: the merchant decides, knowing where the law allows it. */
export const CART_RECOVERY_LAW =
  "In the EU, the UK and Canada a cart reminder to someone who has not subscribed can count as marketing that needs their consent; " +
  "in the United States it is generally allowed when every email has an unsubscribe link. Choose “everyone” only where the law that applies to your customers allows it, and ask your legal adviser if unsure.";

export function fieldsFromDeliverySettings(s: DeliverySettings): DeliveryFields {
  return {
    smartSendingHours: String(s.smartSendingHours),
    weeklyMax: String(s.weeklyMax),
    quietStart: String(s.quietHours.start),
    quietEnd: String(s.quietHours.end),
    cartRecoveryAudience: s.cartRecoveryAudience,
    abandonedCheckoutMinutes: String(s.abandonedCheckoutMinutes),
  };
}

const LABEL: Record<Exclude<DeliveryField, "cartRecoveryAudience">, string> = {
  smartSendingHours: "The smart-sending window",
  weeklyMax: "The weekly maximum",
  quietStart: "The start of quiet hours",
  quietEnd: "The end of quiet hours",
  abandonedCheckoutMinutes: "The abandoned-checkout delay",
};

export type DeliveryFormRead = { ok: true; input: Record<string, unknown> } | { ok: false; errors: DeliveryFieldErrors };

/** The posted form → the edit for saveDeliverySettings; a blank or non-numeric number is refused here with a sentence. */
export function readDeliveryForm(form: FormData): DeliveryFormRead {
  const errors: DeliveryFieldErrors = {};
  const number = (field: Exclude<DeliveryField, "cartRecoveryAudience">): number | undefined => {
    const raw = form.get(field);
    const text = typeof raw === "string" ? raw.trim() : "";
    if (text === "") {
      errors[field] = `${LABEL[field]} is required.`;
      return undefined;
    }
    if (!/^-?\d+(\.\d+)?$/.test(text)) {
      errors[field] = `${LABEL[field]} must be a number.`;
      return undefined;
    }
    return Number(text);
  };
  const input: Record<string, unknown> = {
    smartSendingHours: number("smartSendingHours"),
    weeklyMax: number("weeklyMax"),
    quietHours: { start: number("quietStart"), end: number("quietEnd") },
    abandonedCheckoutMinutes: number("abandonedCheckoutMinutes"),
  };
  const audience = form.get("cartRecoveryAudience");
  if (!CART_RECOVERY_CHOICES.some((c) => c.value === audience)) errors.cartRecoveryAudience = "Choose who cart-recovery emails may go to.";
  else input.cartRecoveryAudience = audience;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, input };
}

/** The service's errors (keyed by settings path) → per form field, with a sentence's full stop. */
export function deliveryFieldErrors(errors: Record<string, string>): { fields: DeliveryFieldErrors; form: string[] } {
  const fields: DeliveryFieldErrors = {};
  const form: string[] = [];
  for (const [path, message] of Object.entries(errors)) {
    const sentence = /[.!?]$/.test(message) ? message : `${message}.`;
    const field = FIELD_OF_PATH[path];
    if (field) fields[field] ??= sentence;
    else form.push(sentence);
  }
  return { fields, form };
}
