// SendGrid engagement events on plain data: parsing a delivered batch, and
// planning what the new events change (docs/decisions/011-delivery.md, step 5).
//
// Events arrive in batches, in any order, and may be delivered again, so the
// plan is expressed as moves that only go forward: "set this time unless an
// earlier one is stored", "add n to this counter" (n counts events stored for
// the first time). Moves are grouped by value, so a batch of thousands of
// events becomes a few dozen set-based updates instead of one per event.

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

/** A string field, NUL characters dropped (PostgreSQL refuses them in text), capped; anything else is null. */
function text(value: unknown, max: number): string | null {
  if (typeof value !== "string") return null;
  const clean = value.includes("\u0000") ? value.replaceAll("\u0000", "") : value;
  return clean.slice(0, max);
}

const isEventType = (value: unknown): value is EventType => typeof value === "string" && (EVENT_TYPES as readonly string[]).includes(value);

// SendGrid's timestamps are unix seconds; anything before 2001 or after 2100 is not one.
const MIN_SECONDS = 1e9;
const MAX_SECONDS = 4.1e9;

function seconds(value: unknown): number | null {
  const n = typeof value === "number" ? value : typeof value === "string" && /^\d{1,12}$/.test(value) ? Number(value) : NaN;
  return Number.isFinite(n) && n >= MIN_SECONDS && n <= MAX_SECONDS ? n : null;
}

/**
 * One raw event → an EngagementEvent, or why it is skipped. Checked by hand
 * rather than with zod: a batch holds thousands of events, and this is the
 * schema: strict where we depend on a field (an event we cannot key, date or
 * type is skipped), loose elsewhere (extra fields ignored, a wrong-typed
 * optional field read as absent).
 */
export function parseEvent(raw: unknown): EngagementEvent | SkipReason {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return "not-an-object";
  const e = raw as Record<string, unknown>;
  const sgEventId = typeof e.sg_event_id === "string" ? e.sg_event_id.trim() : "";
  if (sgEventId.length === 0 || sgEventId.length > 200) return "no-event-id";
  if (!isEventType(e.event)) return "unknown-type";
  const timestamp = seconds(e.timestamp);
  if (timestamp === null) return "bad-timestamp";
  const type = e.event;
  const sgMessageId = text(e.sg_message_id, 300);
  const sendRequestId = sgMessageId ? sgMessageId.split(".")[0]! : null;
  return {
    sgEventId,
    type,
    occurredAt: new Date(Math.round(timestamp * 1000)),
    messageId: text(e.lw_msg, 100) || null,
    sendRequestId: sendRequestId || null,
    email: text(e.email, 320)?.trim() || null,
    machineOpen: type === "open" && (e.sg_machine_open === true || e.sg_machine_open === "true"),
    bounceType: type === "bounce" ? (text(e.type, 40) ?? "bounce") : null,
    url: type === "click" || type === "group_unsubscribe" || type === "group_resubscribe" ? text(e.url, MAX_URL_LENGTH) : null,
    reason: text(e.reason, MAX_REASON_LENGTH) ?? text(e.response, MAX_REASON_LENGTH),
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
  /** For the daily stats (the day the message was sent) where the caller read them. */
  campaignId?: string;
  sentAt?: Date | null;
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
