// Frequency caps on plain data: the smart-sending window and the weekly maximum.
//
// Smart sending: no second marketing email to a person within the window
// (default 16 h), whatever flow it comes from. Priority decides who gets the
// slot: the dispatcher takes due messages highest priority first, so when cart
// recovery (100) and a campaign (30) are due together, cart recovery goes and
// the campaign is skipped "smart-sending". An email already on its way counts
// whatever its priority: the person has it, and a second one inside the window
// is exactly what the cap forbids. Weekly maximum: at most N marketing emails
// in any 7 days. A message held back is skipped with its reason, never delayed.

export type CapReason = "smart-sending" | "weekly-cap";

/** A marketing email already handed over or on its way to the person (sent, sending, unknown or queued). */
export interface RecentEmail {
  /** When it went (sentAt), or was queued to go (queuedAt). */
  at: Date;
}

export interface CapSettings {
  smartSendingHours: number;
  weeklyMax: number;
}

const HOUR_MS = 3_600_000;
export const WEEK_MS = 7 * 24 * HOUR_MS;

/** Whether one more marketing email may go to the person at `now`, given what they already have. */
export function capDecision(now: Date, recent: readonly RecentEmail[], settings: CapSettings): { ok: true } | { ok: false; reason: CapReason } {
  const t = now.getTime();
  const window = settings.smartSendingHours * HOUR_MS;
  // Strictly inside the window: an email exactly 16 h ago no longer blocks.
  if (window > 0 && recent.some((r) => t - r.at.getTime() < window)) return { ok: false, reason: "smart-sending" };
  const thisWeek = recent.filter((r) => t - r.at.getTime() < WEEK_MS).length;
  if (thisWeek >= settings.weeklyMax) return { ok: false, reason: "weekly-cap" };
  return { ok: true };
}

/** Due messages in the order they claim a person's slot: highest priority first, then the oldest due. */
export function byClaimOrder<T extends { priority: number; scheduledFor: Date; id: string }>(a: T, b: T): number {
  return b.priority - a.priority || a.scheduledFor.getTime() - b.scheduledFor.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
