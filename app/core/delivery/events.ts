// SendGrid engagement events on plain data: parsing a delivered batch, and
// planning what the new events change (docs/decisions/011-delivery.md, step 5).
//
// Events arrive in batches, in any order, and may be delivered again, so the
// plan is expressed as moves that only go forward: "set this time unless an
// earlier one is stored", "add n to this counter" (n counts events stored for
// the first time). Moves are grouped by value, so a batch of thousands of
// events becomes a few dozen set-based updates instead of one per event.
import { z } from "zod";

export const EVENT_TYPES = [
  "processed",
  "deferred",
  "delivered",
  "open",
  "click",
  "bounce",
  "dropped",
  "spamreport",
  "unsubscribe",
  "group_unsubscribe",
  "group_resubscribe",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const MAX_URL_LENGTH = 2048;
export const MAX_REASON_LENGTH = 500;

/** One event, as we keep it. */
export interface EngagementEvent {
  sgEventId: string;
  type: EventType;
  occurredAt: Date;
  /** custom_args.lw_msg: our Message.id (SendGrid puts custom args at the top level). */
  messageId: string | null;
  /** sg_message_id up to its first dot: the X-Message-Id of the send request (Message.sgMessageId). */
  sendRequestId: string | null;
  email: string | null;
  machineOpen: boolean;
  /** bounce: "bounce" (hard) or "blocked" (not a hard bounce). */
  bounceType: string | null;
  url: string | null;
  reason: string | null;
}

export type SkipReason = "not-an-object" | "no-event-id" | "unknown-type" | "bad-timestamp" | "duplicate-in-batch";

export type BatchParse =
  | { ok: true; events: EngagementEvent[]; skipped: Partial<Record<SkipReason, number>> }
  | { ok: false; error: string };

const text = (max: number) =>
  z
    .string()
    .transform((s) => s.replaceAll("\u0000", "").slice(0, max))
    .nullish()
    .catch(null);

// Loose where SendGrid is loose (extra fields, numbers as strings), strict
// where we depend on a field: an event we cannot key or date is skipped.
const eventSchema = z.object({
  sg_event_id: z.string().trim().min(1).max(200),
  event: z.string(),
  timestamp: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]),
  sg_message_id: text(300),
  lw_msg: text(100),
  email: text(320),
  sg_machine_open: z.union([z.boolean(), z.string()]).nullish().catch(null),
  type: text(40),
  url: text(MAX_URL_LENGTH),
  reason: text(MAX_REASON_LENGTH),
  response: text(MAX_REASON_LENGTH),
});

const isEventType = (value: string): value is EventType => (EVENT_TYPES as readonly string[]).includes(value);

// SendGrid's timestamps are unix seconds; anything before 2001 or after 2100 is not one.
const MIN_SECONDS = 1e9;
const MAX_SECONDS = 4.1e9;

/** One raw event → an EngagementEvent, or why it is skipped. */
export function parseEvent(raw: unknown): EngagementEvent | SkipReason {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return "not-an-object";
  const parsed = eventSchema.safeParse(raw);
  if (!parsed.success) {
    const path = parsed.error.issues[0]?.path[0];
    return path === "timestamp" ? "bad-timestamp" : path === "event" ? "unknown-type" : "no-event-id";
  }
  const e = parsed.data;
  if (!isEventType(e.event)) return "unknown-type";
  if (!Number.isFinite(e.timestamp) || e.timestamp < MIN_SECONDS || e.timestamp > MAX_SECONDS) return "bad-timestamp";
  const sendRequestId = e.sg_message_id ? e.sg_message_id.split(".")[0]! : null;
  return {
    sgEventId: e.sg_event_id,
    type: e.event,
    occurredAt: new Date(Math.round(e.timestamp * 1000)),
    messageId: e.lw_msg || null,
    sendRequestId: sendRequestId || null,
    email: e.email?.trim() || null,
    machineOpen: e.event === "open" && (e.sg_machine_open === true || e.sg_machine_open === "true"),
    bounceType: e.event === "bounce" ? (e.type ?? "bounce") : null,
    url: e.event === "click" || e.event === "group_unsubscribe" || e.event === "group_resubscribe" ? (e.url ?? null) : null,
    reason: e.reason ?? e.response ?? null,
  };
}

/**
 * A delivered body (already JSON-parsed) → its valid events, first of each
 * sg_event_id, and the count of what was skipped. Not an array: refused whole.
 */
export function parseEventBatch(json: unknown): BatchParse {
  if (!Array.isArray(json)) return { ok: false, error: "the body is not a JSON array of events" };
  const events: EngagementEvent[] = [];
  const skipped: Partial<Record<SkipReason, number>> = {};
  const seen = new Set<string>();
  for (const raw of json) {
    const event = parseEvent(raw);
    const reason = typeof event === "string" ? event : seen.has(event.sgEventId) ? "duplicate-in-batch" : null;
    if (reason) {
      skipped[reason] = (skipped[reason] ?? 0) + 1;
      continue;
    }
    const ok = event as EngagementEvent;
    seen.add(ok.sgEventId);
    events.push(ok);
  }
  return { ok: true, events, skipped };
}

export const countSkipped = (skipped: Partial<Record<SkipReason, number>>) => Object.values(skipped).reduce((a, b) => a + (b ?? 0), 0);

// ---------------------------------------------------------------------------
// Matching events to messages

/** What the planner needs of a message (read in the token's shop only). */
export interface MessageRef {
  id: string;
  customerId: string | null;
  email: string | null;
  test: boolean;
  sgMessageId: string | null;
  /** Message.status when read; absent = unknown to the caller. */
  status?: string;
}

/**
 * The message an event is about: by lw_msg when it carries one (it must be one
 * of `byId`, i.e. of this shop, or the event matches nothing), else by the send
 * request id plus the address (a request carries up to 1,000 messages).
 */
export function matchMessage(event: EngagementEvent, byId: ReadonlyMap<string, MessageRef>, byRequest: ReadonlyMap<string, MessageRef[]>): MessageRef | null {
  if (event.messageId) return byId.get(event.messageId) ?? null;
  if (!event.sendRequestId) return null;
  const candidates = byRequest.get(event.sendRequestId) ?? [];
  if (candidates.length === 1) return candidates[0]!;
  const email = event.email?.toLowerCase();
  const same = email ? candidates.filter((m) => m.email?.toLowerCase() === email) : [];
  return same.length === 1 ? same[0]! : null;
}

// ---------------------------------------------------------------------------
// Planning the effects of newly stored events

export type MessageTimeField = "deliveredAt" | "openedAt" | "machineOpenedAt" | "clickedAt" | "bouncedAt" | "droppedAt" | "spamReportedAt" | "unsubscribedAt";
export type MessageCounter = "opens" | "clicks";
export type ProfileCounter = "emailsDelivered" | "emailOpens" | "emailClicks";
export type ProfileTimeField = "lastEmailOpenAt" | "lastEmailClickAt";
export type SuppressionCause = "hard-bounce" | "spam-report" | "unsubscribe";

export interface TimeMove<F> {
  field: F;
  at: Date;
  ids: string[];
}
export interface CounterMove<F> {
  field: F;
  by: number;
  ids: string[];
}

export interface SuppressionAction {
  cause: SuppressionCause;
  messageId: string;
  customerId: string | null;
  /** The message's address, else the event's. */
  email: string | null;
  at: Date;
}

export interface EngagementPlan {
  /** Set when empty or later than `at` (the earliest event wins). */
  messageEarliest: TimeMove<MessageTimeField>[];
  messageCounters: CounterMove<MessageCounter>[];
  /** Messages whose outcome was `unknown`: any event proves SendGrid took them (→ sent, at the first event). */
  markSent: TimeMove<"sentAt">[];
  profileCounters: CounterMove<ProfileCounter>[];
  /** Set when empty or earlier than `at` (the latest event wins). */
  profileLatest: TimeMove<ProfileTimeField>[];
  suppressions: SuppressionAction[];
}

export interface MatchedEvent {
  event: EngagementEvent;
  message: MessageRef;
}

/** The Message time field an event sets, if any. */
export function messageFieldFor(e: EngagementEvent): MessageTimeField | null {
  switch (e.type) {
    case "delivered":
      return "deliveredAt";
    case "open":
      return e.machineOpen ? "machineOpenedAt" : "openedAt";
    case "click":
      return "clickedAt";
    case "bounce":
      return e.bounceType === "bounce" ? "bouncedAt" : null; // "blocked" is a temporary refusal, not a hard bounce
    case "dropped":
      return "droppedAt";
    case "spamreport":
      return "spamReportedAt";
    case "unsubscribe":
    case "group_unsubscribe":
      return "unsubscribedAt";
    case "processed":
    case "deferred":
    case "group_resubscribe":
      return null;
  }
}

function suppressionCause(e: EngagementEvent): SuppressionCause | null {
  if (e.type === "bounce") return e.bounceType === "bounce" ? "hard-bounce" : null;
  if (e.type === "spamreport") return "spam-report";
  if (e.type === "unsubscribe" || e.type === "group_unsubscribe") return "unsubscribe";
  return null;
}

class Grouper<F extends string> {
  private readonly best = new Map<string, Date>(); // `${field}\u0000${id}` → time

  constructor(private readonly keep: "earliest" | "latest") {}

  add(field: F, id: string, at: Date) {
    const key = `${field}\u0000${id}`;
    const stored = this.best.get(key);
    const better = this.keep === "earliest" ? !stored || at < stored : !stored || at > stored;
    if (better) this.best.set(key, at);
  }

  moves(): TimeMove<F>[] {
    const groups = new Map<string, TimeMove<F>>();
    for (const [key, at] of this.best) {
      const [field, id] = key.split("\u0000") as [F, string];
      const g = `${field}\u0000${at.getTime()}`;
      const move = groups.get(g) ?? { field, at, ids: [] };
      move.ids.push(id);
      groups.set(g, move);
    }
    return [...groups.values()];
  }
}

class Counter<F extends string> {
  private readonly counts = new Map<string, number>();

  add(field: F, id: string) {
    const key = `${field}\u0000${id}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  moves(): CounterMove<F>[] {
    const groups = new Map<string, CounterMove<F>>();
    for (const [key, by] of this.counts) {
      const [field, id] = key.split("\u0000") as [F, string];
      const g = `${field}\u0000${by}`;
      const move = groups.get(g) ?? { field, by, ids: [] };
      move.ids.push(id);
      groups.set(g, move);
    }
    return [...groups.values()];
  }
}

/**
 * What newly stored events change. Pass only events stored for the first
 * time: every counter here adds one per event. Test sends (Message.test) never
 * touch a customer's profile; machine opens touch only machineOpenedAt.
 */
export function planEngagement(matched: readonly MatchedEvent[]): EngagementPlan {
  const earliest = new Grouper<MessageTimeField>("earliest");
  const sent = new Grouper<"sentAt">("earliest");
  const latest = new Grouper<ProfileTimeField>("latest");
  const messageCounters = new Counter<MessageCounter>();
  const profileCounters = new Counter<ProfileCounter>();
  const suppressions = new Map<string, SuppressionAction>();

  for (const { event: e, message: m } of matched) {
    // Only an `unknown` outcome changes (compare-and-set in SQL); `sending` is included
    // because a worker that died mid-request may mark it unknown while we run.
    if (m.status === undefined || m.status === "unknown" || m.status === "sending") sent.add("sentAt", m.id, e.occurredAt);
    const field = messageFieldFor(e);
    if (field) earliest.add(field, m.id, e.occurredAt);
    const humanOpen = e.type === "open" && !e.machineOpen;
    if (humanOpen) messageCounters.add("opens", m.id);
    if (e.type === "click") messageCounters.add("clicks", m.id);

    const customer = m.test ? null : m.customerId;
    if (customer) {
      if (e.type === "delivered") profileCounters.add("emailsDelivered", customer);
      if (humanOpen) {
        profileCounters.add("emailOpens", customer);
        latest.add("lastEmailOpenAt", customer, e.occurredAt);
      }
      if (e.type === "click") {
        profileCounters.add("emailClicks", customer);
        latest.add("lastEmailClickAt", customer, e.occurredAt);
      }
    }

    const cause = suppressionCause(e);
    if (cause) {
      const key = `${cause}\u0000${m.id}`;
      const prior = suppressions.get(key);
      if (!prior || e.occurredAt < prior.at) {
        suppressions.set(key, { cause, messageId: m.id, customerId: m.customerId, email: m.email ?? e.email, at: e.occurredAt });
      }
    }
  }
  return {
    messageEarliest: earliest.moves(),
    messageCounters: messageCounters.moves(),
    markSent: sent.moves(),
    profileCounters: profileCounters.moves(),
    profileLatest: latest.moves(),
    suppressions: [...suppressions.values()],
  };
}
