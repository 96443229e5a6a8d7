// The shop's delivery settings (ShopSettings.delivery): caps, quiet hours, who
// cart recovery may reach, and the trigger windows. Pure: the schema, its
// defaults, and parsing. Reading and saving are in settings.server.ts.
import { z } from "zod";

const hour = (what: string) =>
  z.number({ invalid_type_error: `${what} must be an hour from 0 to 23` }).int(`${what} must be a whole hour`).min(0, `${what} must be an hour from 0 to 23`).max(23, `${what} must be an hour from 0 to 23`);

const whole = (what: string, min: number, max: number) =>
  z
    .number({ invalid_type_error: `${what} must be a number` })
    .int(`${what} must be a whole number`)
    .min(min, `${what} must be at least ${min}`)
    .max(max, `${what} must be at most ${max}`);

export const CART_RECOVERY_AUDIENCES = ["subscribers", "checkout-email"] as const;
export type CartRecoveryAudience = (typeof CART_RECOVERY_AUDIENCES)[number];

export const DeliverySettingsSchema = z
  .object({
    /** No second marketing email to a person within this many hours (0: off). */
    smartSendingHours: whole("The smart-sending window", 0, 168).default(16),
    /** Marketing emails per person in any 7 days. */
    weeklyMax: whole("The weekly maximum", 1, 50).default(5),
    /** Local hours with no marketing email: from `start` (inclusive) to `end` (exclusive), wrapping midnight. start = end: none. */
    quietHours: z.object({ start: hour("The start of quiet hours"), end: hour("The end of quiet hours") }).strict().default({ start: 21, end: 8 }),
    /** "subscribers": cart recovery only to subscribed customers; "checkout-email": also to the email given at checkout, where the law allows it. */
    cartRecoveryAudience: z.enum(CART_RECOVERY_AUDIENCES, { errorMap: () => ({ message: `The cart-recovery audience must be one of ${CART_RECOVERY_AUDIENCES.join(", ")}` }) }).default("subscribers"),
    /** Minutes after a checkout's last update with no order before it counts as abandoned. */
    abandonedCheckoutMinutes: whole("The abandoned-checkout delay", 10, 7 * 24 * 60).default(60),
    browse: z
      .object({
        /** Views of one product that count as interest (adding to cart counts at once). */
        minViews: whole("The browse minimum views", 1, 20).default(2),
        /** The window those views must fall in. */
        windowHours: whole("The browse window", 1, 168).default(24),
        /** Minutes without browsing before the visit counts as over. */
        quietMinutes: whole("The browse quiet time", 10, 24 * 60).default(60),
      })
      .strict()
      .default({}),
    /** The share of send times picked at random among allowed hours, so the hour model keeps learning. */
    explorationShare: z.number({ invalid_type_error: "The exploration share must be a number" }).min(0, "The exploration share must be between 0 and 0.5").max(0.5, "The exploration share must be between 0 and 0.5").default(0.1),
  })
  .strict();

export type DeliverySettings = z.output<typeof DeliverySettingsSchema>;
export type DeliverySettingsInput = z.input<typeof DeliverySettingsSchema>;

export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = DeliverySettingsSchema.parse({});

export type ParsedDeliverySettings = { ok: true; settings: DeliverySettings } | { ok: false; errors: Record<string, string> };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A merchant's edit, laid over what is stored (fields not given keep their
 * value), validated as a whole. Errors are keyed by field path ("browse.minViews"),
 * like the shop settings' parseSettings.
 */
export function parseDeliverySettings(input: unknown, current: DeliverySettings = DEFAULT_DELIVERY_SETTINGS): ParsedDeliverySettings {
  if (!isObject(input)) return { ok: false, errors: { delivery: "The delivery settings must be an object" } };
  const merged: Record<string, unknown> = { ...current, ...input };
  if (isObject(input.browse)) merged.browse = { ...current.browse, ...input.browse };
  if (isObject(input.quietHours)) merged.quietHours = { ...current.quietHours, ...input.quietHours };
  const r = DeliverySettingsSchema.safeParse(merged);
  if (r.success) return { ok: true, settings: r.data };
  const errors: Record<string, string> = {};
  for (const issue of r.error.issues) {
    const key = issue.path.join(".") || "delivery";
    errors[key] ??= issue.code === "unrecognized_keys" ? `Unknown setting: ${issue.keys.join(", ")}` : issue.message;
  }
  return { ok: false, errors };
}

/**
 * What is stored, read leniently: a field that no longer validates (an older
 * version's value) falls back to its default, so mail keeps flowing under the
 * safe defaults instead of stopping on a stored typo.
 */
export function readDeliverySettings(stored: unknown): DeliverySettings {
  if (!isObject(stored)) return DEFAULT_DELIVERY_SETTINGS;
  const whole = DeliverySettingsSchema.safeParse(stored);
  if (whole.success) return whole.data;
  const out: Record<string, unknown> = {};
  const shape = DeliverySettingsSchema.shape;
  for (const key of Object.keys(shape) as Array<keyof typeof shape>) {
    const field = shape[key].safeParse(stored[key]);
    if (field.success) out[key] = field.data;
  }
  return DeliverySettingsSchema.parse(out);
}

/** True when a local hour is inside the quiet hours. */
export function inQuietHours(localHour: number, quiet: DeliverySettings["quietHours"]): boolean {
  if (quiet.start === quiet.end) return false;
  return quiet.start < quiet.end ? localHour >= quiet.start && localHour < quiet.end : localHour >= quiet.start || localHour < quiet.end;
}
