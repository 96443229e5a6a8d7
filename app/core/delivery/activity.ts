// What the admin shows about a flow's or campaign's mail: counts per status,
// why messages were held back in words a merchant understands, and a campaign's
// send progress. Pure: the database reads are in activity.server.ts, and the
// words run in the browser too.
import { formatRate, type Deliverability } from "./deliverability";

/** Every status a Message can have (docs/decisions/011-delivery.md), in the order the page lists them. */
export const MESSAGE_STATUSES = ["scheduled", "queued", "sending", "sent", "skipped", "cancelled", "failed", "unknown"] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export function isMessageStatus(value: string): value is MessageStatus {
  return (MESSAGE_STATUSES as readonly string[]).includes(value);
}

/** How a status reads on the page. */
export const STATUS_WORDS: Record<MessageStatus, string> = {
  scheduled: "Scheduled",
  queued: "Queued to send",
  sending: "Sending",
  sent: "Sent",
  skipped: "Skipped",
  cancelled: "Cancelled",
  failed: "Failed",
  unknown: "Being confirmed",
};

export interface ReasonCount {
  /** The stored code (Message.skipReason), "unspecified" when none was stored. */
  reason: string;
  count: number;
  /** The reason in words, e.g. "Smart sending: they had an email less than 16 hours ago". */
  words: string;
}

export interface ActivityCounts {
  /** Messages per status (every status present, 0 when none). */
  byStatus: Record<MessageStatus, number>;
  /** Statuses the app does not know (a newer version's): kept visible rather than dropped. */
  other: number;
  total: number;
  /** Skipped messages by reason, most frequent first. */
  skipped: ReasonCount[];
  /** Cancelled messages by reason (an exit: they bought, unsubscribed, were erased), most frequent first. */
  cancelled: ReasonCount[];
  /** Engagement of the messages sent (first human open, first click, bounce: machine opens never count). */
  delivered: number;
  opened: number;
  clicked: number;
  bounced: number;
}

/** What the reason words depend on: the shop's own caps. */
export interface ReasonContext {
  smartSendingHours: number;
  weeklyMax: number;
}

export const DEFAULT_REASON_CONTEXT: ReasonContext = { smartSendingHours: 16, weeklyMax: 5 };

/**
 * A skip or cancel reason in the merchant's words. Codes come from dispatch,
 * triggers, exits and customers/redact; an unknown code is shown as itself
 * (spaced) rather than hidden, so nothing held back goes unexplained.
 */
export function reasonWords(reason: string | null, context: ReasonContext = DEFAULT_REASON_CONTEXT): string {
  const hours = context.smartSendingHours;
  switch (reason) {
    case null:
    case "":
    case "unspecified":
      return "No reason was recorded";
    case "smart-sending":
      return `Smart sending: they had an email less than ${hours} hour${hours === 1 ? "" : "s"} ago`;
    case "weekly-cap":
      return `Weekly limit: they already had ${context.weeklyMax} marketing email${context.weeklyMax === 1 ? "" : "s"} in the last 7 days`;
    case "higher-priority":
      return "A more important email went to them instead (cart recovery comes before campaigns)";
    case "not-subscribed":
      return "Not subscribed to email marketing";
    case "suppressed":
      return "On your suppression list (they unsubscribed, bounced or marked an email as spam)";
    case "no-email":
      return "No email address to send to";
    case "not-approved":
      return "The version to send was not approved (edited since approval)";
    case "flow-disabled":
      return "The flow was turned off before it was due";
    case "redacted":
      return "Their data was erased at their request";
    case "purchase":
      return "They placed an order, so the rest of the sequence stopped";
    case "unsubscribe":
    case "unsubscribed":
      return "They unsubscribed";
    case "left-segment":
      return "They left the audience before it was due";
    case "render-failed":
    case "render-error":
      return "The email could not be put together for them (a product or offer was missing)";
    case "bounced":
      return "An earlier email to them bounced";
    case "spam-report":
      return "They marked an earlier email as spam";
    case "stale":
    case "expired":
      return "It was due too long ago to still be useful";
    case "guest-checkout":
    case "checkout-email-not-allowed":
      return "A guest checkout email: your settings send cart recovery to subscribers only";
    default:
      return capitalize(reason.replace(/[-_]+/g, " "));
  }
}

export interface StatusRow {
  status: string;
  skipReason: string | null;
  count: number;
  delivered?: number;
  opened?: number;
  clicked?: number;
  bounced?: number;
}

export function emptyCounts(): ActivityCounts {
  const byStatus = Object.fromEntries(MESSAGE_STATUSES.map((s) => [s, 0])) as Record<MessageStatus, number>;
  return { byStatus, other: 0, total: 0, skipped: [], cancelled: [], delivered: 0, opened: 0, clicked: 0, bounced: 0 };
}

/** Folds (status, reason) aggregate rows of one flow or campaign into its counts. */
export function foldCounts(rows: readonly StatusRow[], context: ReasonContext = DEFAULT_REASON_CONTEXT): ActivityCounts {
  const counts = emptyCounts();
  const skipped = new Map<string, number>();
  const cancelled = new Map<string, number>();
  for (const row of rows) {
    counts.total += row.count;
    if (isMessageStatus(row.status)) counts.byStatus[row.status] += row.count;
    else counts.other += row.count;
    const reason = row.skipReason || "unspecified";
    if (row.status === "skipped") skipped.set(reason, (skipped.get(reason) ?? 0) + row.count);
    if (row.status === "cancelled") cancelled.set(reason, (cancelled.get(reason) ?? 0) + row.count);
    counts.delivered += row.delivered ?? 0;
    counts.opened += row.opened ?? 0;
    counts.clicked += row.clicked ?? 0;
    counts.bounced += row.bounced ?? 0;
  }
  const list = (m: Map<string, number>) =>
    [...m].map(([reason, count]) => ({ reason, count, words: reasonWords(reason, context) })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  counts.skipped = list(skipped);
  counts.cancelled = list(cancelled);
  return counts;
}

export interface SendProgress {
  /** The 0-based plan step being sent (or last sent); null when nothing is due yet. */
  step: number | null;
  /** Messages of that step due by now. */
  total: number;
  /** Handed to SendGrid or settled (sent, skipped, cancelled, failed, being confirmed). */
  done: number;
  /** Of those, sent (or being confirmed). */
  sent: number;
  /** Due but not settled yet: scheduled and due, queued, sending. While > 0 the page follows it. */
  inFlight: number;
  /** 0–100 for the progress bar. */
  percent: number;
  /** Messages still scheduled for later (later emails of the plan, or before the start). */
  later: number;
  active: boolean;
}

export interface StepStatusRow {
  step: number;
  status: string;
  /** True when the rows counted were due by now (scheduledFor <= now). */
  due: boolean;
  count: number;
}

const SETTLED: ReadonlySet<string> = new Set(["sent", "skipped", "cancelled", "failed", "unknown"]);
const SENT_LIKE: ReadonlySet<string> = new Set(["sent", "unknown"]);
const IN_FLIGHT: ReadonlySet<string> = new Set(["queued", "sending"]);

/**
 * A campaign's progress: the step in flight (the latest step with anything
 * still to hand over), else the latest step that is due. Scheduled messages
 * not yet due count as "later", never as work in progress, so a campaign set
 * for next week does not show a bar stuck at 0%.
 */
export function sendProgress(rows: readonly StepStatusRow[]): SendProgress {
  const steps = new Map<number, { total: number; done: number; sent: number; inFlight: number }>();
  let later = 0;
  for (const row of rows) {
    if (row.status === "scheduled" && !row.due) {
      later += row.count;
      continue;
    }
    const s = steps.get(row.step) ?? { total: 0, done: 0, sent: 0, inFlight: 0 };
    s.total += row.count;
    if (SETTLED.has(row.status)) s.done += row.count;
    if (SENT_LIKE.has(row.status)) s.sent += row.count;
    if (IN_FLIGHT.has(row.status) || row.status === "scheduled") s.inFlight += row.count;
    steps.set(row.step, s);
  }
  const ordered = [...steps.keys()].sort((a, b) => a - b);
  const busy = ordered.filter((k) => steps.get(k)!.inFlight > 0);
  const step = busy.length > 0 ? busy[busy.length - 1]! : (ordered[ordered.length - 1] ?? null);
  if (step === null) return { step: null, total: 0, done: 0, sent: 0, inFlight: 0, percent: 0, later, active: false };
  const s = steps.get(step)!;
  const inFlight = ordered.reduce((n, k) => n + steps.get(k)!.inFlight, 0);
  const percent = s.total > 0 ? Math.floor((100 * s.done) / s.total) : 0;
  return { step, total: s.total, done: s.done, sent: s.sent, inFlight, percent, later, active: inFlight > 0 };
}

export interface MessageRow {
  id: string;
  /** The address masked (a***@e***.com), or a placeholder: the page never shows a full address. */
  recipient: string;
  step: number;
  variant: string | null;
  status: string;
  statusWords: string;
  /** Why it was skipped or cancelled, in words; null otherwise. */
  reason: string | null;
  scheduledFor: string;
  sentAt: string | null;
  deliveredAt: string | null;
  openedAt: string | null;
  clickedAt: string | null;
  bouncedAt: string | null;
  spamReportedAt: string | null;
  unsubscribedAt: string | null;
  /** True when the email as the recipient saw it can be shown (it went out and what it was merged from is kept). */
  viewable: boolean;
}

export interface MessagePage {
  messages: MessageRow[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  next: string | null;
}

export interface CampaignDeliveryView {
  activity: ActivityCounts;
  progress: SendProgress;
  recent: MessagePage;
  deliverability: DeliverabilityView;
  /** When a launch or campaign goes (ISO), when its audience was enrolled; null for flows. */
  startsAt: string | null;
  launchedAt: string | null;
  /** The address test emails go to (the shop's own). */
  testAddress: string | null;
}

/** Deliverability as the page shows it, over the last `days` days. */
export interface DeliverabilityView extends Deliverability {
  days: number;
  /** The rates as the page prints them ("0.12%", "–" when nothing to divide by). */
  shown: { bounceRate: string; unsubscribeRate: string; spamComplaintRate: string; openRate: string; clickRate: string };
}

export function deliverabilityView(d: Deliverability, days: number): DeliverabilityView {
  return {
    ...d,
    days,
    shown: {
      bounceRate: formatRate(d.rates.bounceRate),
      unsubscribeRate: formatRate(d.rates.unsubscribeRate),
      spamComplaintRate: formatRate(d.rates.spamComplaintRate),
      openRate: formatRate(d.rates.openRate),
      clickRate: formatRate(d.rates.clickRate),
    },
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
