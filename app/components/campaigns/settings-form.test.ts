import { describe, expect, it } from "vitest";
import { effectiveSettings, parseSettings } from "~/core/settings/settings";
import { fieldErrors, fieldForPath, fieldsFromSettings, minorToMajor, readSettingsForm, settingsInput, splitList, type SettingsFields } from "./settings-form";

const shop = { id: "knit.myshopify.com", name: "Knit", email: "owner@knit.example", address: "1 Yarn St, York, YO1 7AA, UK" };

function form(fields: Partial<Record<keyof SettingsFields, string | boolean>>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v === true ? "on" : v === false ? "" : v);
  return f;
}

describe("settings form", () => {
  it("shows the defaults as fields, amounts in major units", () => {
    const fields = fieldsFromSettings(effectiveSettings(shop, null), "USD");
    expect(fields).toEqual({
      toneWords: "warm, clear",
      wordsToUse: "",
      wordsToAvoid: "",
      sample1: "",
      sample2: "",
      sample3: "",
      senderName: "Knit",
      senderEmail: "owner@knit.example",
      postalAddress: "1 Yarn St, York, YO1 7AA, UK",
      allowDiscounts: true,
      maxPercentOff: "15",
      maxAmountOff: "20.00",
      allowFreeShipping: true,
      maxExpiryDays: "14",
    });
    expect(fieldsFromSettings(effectiveSettings(shop, null), "JPY").maxAmountOff).toBe("2000");
    expect(minorToMajor(5, "USD")).toBe("0.05");
    for (const [typed, minor] of [["1,000.50", 100050], ["20,50", 2050], ["EUR 20", 2000], ["20 €", 2000]] as const) {
      const read = settingsInput(readSettingsForm(form({ maxAmountOff: typed, maxExpiryDays: "7" })), "EUR");
      expect(read.ok && read.input, typed).toMatchObject({ incentivePolicy: { maxAmountOff: minor } });
    }
    expect(minorToMajor(1234, "KWD")).toBe("1.234");
  });

  it("round-trips the defaults through the form and the schema unchanged", () => {
    const settings = effectiveSettings(shop, null);
    const fields = fieldsFromSettings(settings, "USD");
    const data = form({ ...fields, allowDiscounts: "on", allowFreeShipping: "on" });
    const read = settingsInput(readSettingsForm(data), "USD");
    expect(read.ok).toBe(true);
    const parsed = parseSettings(read.ok ? read.input : null);
    expect(parsed.ok && parsed.settings.incentivePolicy).toEqual(settings.incentivePolicy);
    expect(parsed.ok && parsed.settings.brandVoice).toEqual({ toneWords: ["warm", "clear"], wordsToUse: [], wordsToAvoid: [], sampleCopy: [] });
  });

  it("reads lists by comma or line, drops blanks and repeats, and unchecked boxes are off", () => {
    expect(splitList(" warm ,\n\nplayful,Warm,  bold   voice ")).toEqual(["warm", "playful", "bold voice"]);
    const read = settingsInput(readSettingsForm(form({ maxPercentOff: "", maxAmountOff: "$12.5", maxExpiryDays: "7", sample2: " Wrap up warm. " })), "USD");
    expect(read.ok && read.input).toMatchObject({
      brandVoice: { sampleCopy: ["Wrap up warm."] },
      incentivePolicy: { allowDiscounts: false, allowFreeShipping: false, maxPercentOff: null, maxAmountOff: 1250, maxExpiryDays: 7 },
    });
  });

  it("says which fields are not numbers, before the schema", () => {
    const read = settingsInput(readSettingsForm(form({ maxPercentOff: "ten", maxAmountOff: "a lot", maxExpiryDays: "1.5" })), "EUR");
    expect(read).toEqual({
      ok: false,
      errors: {
        maxPercentOff: "the largest percentage off is a whole number (blank for no limit)",
        maxAmountOff: "the largest amount off is an amount in EUR, such as 20.00",
        maxExpiryDays: "codes expire after a whole number of days",
      },
    });
  });

  it("maps the schema's errors to the fields they belong to, in words", () => {
    expect(fieldForPath("brandVoice.sampleCopy.2")).toBe("sample3");
    expect(fieldForPath("brandVoice.wordsToAvoid.0")).toBe("wordsToAvoid");
    expect(fieldForPath("incentivePolicy.maxExpiryDays")).toBe("maxExpiryDays");
    expect(fieldForPath("settings")).toBeNull();
    const fields = fieldsFromSettings(effectiveSettings(shop, null), "USD");
    const bad = settingsInput(
      readSettingsForm(form({ ...fields, toneWords: `warm, ${"x".repeat(31)}`, senderEmail: "nope", maxPercentOff: "95", maxExpiryDays: "0" })),
      "USD",
    );
    const parsed = parseSettings(bad.ok ? bad.input : null);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(fieldErrors(parsed.errors)).toEqual({
      fields: {
        toneWords: "too long (item 2): at most 30 characters",
        senderEmail: "sender email must be an email address",
        maxPercentOff: "at most 90",
        maxExpiryDays: "at least 1",
      },
      form: [],
    });
  });
});
