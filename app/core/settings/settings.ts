// The merchant's settings for content and sending, pure part: the schema an
// edit must pass, and the effective settings (what is stored, else defaults
// drawn from the shop's own details, so a new install writes good copy at once).
import { z } from "zod";
import { BrandVoiceSchema, type BrandVoice } from "../content/voice";
import { DEFAULT_INCENTIVE_POLICY, type IncentivePolicy } from "../offers/offer";

/** The voice as stored: the sender name is a setting of its own. */
export const storedVoiceSchema = BrandVoiceSchema.omit({ senderName: true });

export const incentivePolicySchema = z
  .object({
    allowDiscounts: z.boolean(),
    maxPercentOff: z.number().int().min(1).max(90).nullable(),
    allowFreeShipping: z.boolean(),
    maxAmountOff: z.number().int().min(0),
    maxExpiryDays: z.number().int().min(1).max(90),
  })
  .strict();

export const settingsSchema = z.object({
  brandVoice: storedVoiceSchema,
  senderName: z.string().trim().min(1, "sender name is required").max(60),
  senderEmail: z.string().trim().email("sender email must be an email address").max(254),
  postalAddress: z.string().trim().min(10, "the footer needs the shop's full postal address").max(300),
  incentivePolicy: incentivePolicySchema,
});
export type ShopSettingsInput = z.infer<typeof settingsSchema>;

export interface EffectiveSettings {
  /** The voice every prompt and check uses, sender name included. */
  brandVoice: BrandVoice;
  senderName: string;
  senderEmail: string | null;
  postalAddress: string | null;
  incentivePolicy: IncentivePolicy;
  /** Settings still missing before anything can be sent (in words). */
  missing: string[];
}

export const DEFAULT_VOICE: z.output<typeof storedVoiceSchema> = { toneWords: ["warm", "clear"], wordsToUse: [], wordsToAvoid: [], sampleCopy: [] };

export function effectiveSettings(
  shop: { id: string; name: string | null; email: string | null; address: string | null },
  stored: { brandVoice: unknown; senderName: string | null; senderEmail: string | null; postalAddress: string | null; incentivePolicy: unknown } | null,
): EffectiveSettings {
  const voice = storedVoiceSchema.safeParse(stored?.brandVoice ?? undefined);
  const policy = incentivePolicySchema.safeParse(stored?.incentivePolicy ?? undefined);
  const senderEmail = stored?.senderEmail ?? shop.email;
  const postalAddress = stored?.postalAddress ?? shop.address;
  const missing: string[] = [];
  if (!senderEmail) missing.push("a sender email address");
  if (!postalAddress) missing.push("the shop's postal address for the email footer");
  const senderName = (stored?.senderName ?? shop.name ?? shop.id.replace(/\.myshopify\.com$/, "")).slice(0, 60);
  return {
    brandVoice: { ...(voice.success ? voice.data : DEFAULT_VOICE), senderName },
    senderName,
    senderEmail,
    postalAddress,
    incentivePolicy: policy.success ? policy.data : DEFAULT_INCENTIVE_POLICY,
    missing,
  };
}

/** A form's fields → settings, or the problems in words keyed by field. */
export function parseSettings(input: unknown): { ok: true; settings: ShopSettingsInput } | { ok: false; errors: Record<string, string> } {
  const r = settingsSchema.safeParse(input);
  if (r.success) return { ok: true, settings: r.data };
  const errors: Record<string, string> = {};
  for (const issue of r.error.issues) errors[issue.path.join(".") || "settings"] ??= issue.message;
  return { ok: false, errors };
}
