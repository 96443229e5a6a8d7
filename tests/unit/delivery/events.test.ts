// The event webhook's pure parts: signature, batch parsing, matching, and the
// forward-only plan of what new events change.
import { generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { matchMessage, parseEvent, parseEventBatch, planEngagement, type EngagementEvent, type MessageRef } from "~/core/delivery/events";
import { isValidPublicKey, MAX_EVENT_AGE_SECONDS, verifyEventSignature } from "~/core/delivery/events-signature";
import { createEventWebhook } from "../../fakes/sendgrid";

const NOW = new Date("2026-11-27T12:00:00Z");
const SEC = NOW.getTime() / 1000;

describe("verifyEventSignature", () => {
  const hook = createEventWebhook();
  const body = JSON.stringify([{ event: "delivered", sg_event_id: "e1", timestamp: SEC }]);
  const bytes = new TextEncoder().encode(body);
  const check = (o: { publicKey?: string; signature?: string | null; timestamp?: string | null; body?: Uint8Array; now?: Date }) => {
    const signed = hook.sign(body, String(SEC));
    return verifyEventSignature({
      publicKey: o.publicKey ?? hook.publicKey,
      signature: o.signature === undefined ? signed.signature : o.signature,
      timestamp: o.timestamp === undefined ? signed.timestamp : o.timestamp,
      body: o.body ?? bytes,
      now: o.now ?? NOW,
    });
  };

  it("accepts SendGrid's signature over timestamp + raw body, with the key as base64 DER or PEM", () => {
    expect(check({})).toEqual({ ok: true });
    const pem = `-----BEGIN PUBLIC KEY-----\n${hook.publicKey.match(/.{1,64}/g)!.join("\n")}\n-----END PUBLIC KEY-----\n`;
    expect(check({ publicKey: pem })).toEqual({ ok: true });
  });

  it("refuses a changed body, a missing header, another key, a non-P-256 key, garbage signatures", () => {
    expect(check({ body: new TextEncoder().encode(body.replace("delivered", "open")) })).toEqual({ ok: false, reason: "bad-signature" });
    expect(check({ body: new TextEncoder().encode(JSON.stringify(JSON.parse(body), null, 1)) })).toEqual({ ok: false, reason: "bad-signature" });
    expect(check({ signature: null })).toEqual({ ok: false, reason: "missing" });
    expect(check({ timestamp: null })).toEqual({ ok: false, reason: "missing" });
    expect(check({ publicKey: createEventWebhook().publicKey })).toEqual({ ok: false, reason: "bad-signature" });
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ type: "spki", format: "der" }).toString("base64");
    expect(check({ publicKey: rsa })).toEqual({ ok: false, reason: "bad-key" });
    expect(check({ publicKey: "not a key" })).toEqual({ ok: false, reason: "bad-key" });
    expect(check({ signature: "AAAA" })).toEqual({ ok: false, reason: "bad-signature" });
    expect(check({ signature: "" })).toEqual({ ok: false, reason: "missing" });
    expect(isValidPublicKey(hook.publicKey)).toBe(true);
    expect(isValidPublicKey(rsa)).toBe(false);
  });

  it("the timestamp is part of what is signed: re-dating a captured delivery breaks it", () => {
    const { signature } = hook.sign(body, String(SEC - 5000));
    expect(check({ signature, timestamp: String(SEC) })).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("refuses stale (replayed) and future timestamps, allowing a minute of clock skew", () => {
    const at = (offset: number) => {
      const ts = String(SEC + offset);
      return verifyEventSignature({ publicKey: hook.publicKey, signature: hook.sign(body, ts).signature, timestamp: ts, body: bytes, now: NOW });
    };
    expect(at(-MAX_EVENT_AGE_SECONDS + 5)).toEqual({ ok: true });
    expect(at(-MAX_EVENT_AGE_SECONDS - 5)).toEqual({ ok: false, reason: "stale" });
    expect(at(30)).toEqual({ ok: true });
    expect(at(300)).toEqual({ ok: false, reason: "future" });
    expect(check({ timestamp: "12.5" })).toEqual({ ok: false, reason: "bad-timestamp" });
  });

  it("a signature made with the right key over other bytes does not verify", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const der = publicKey.export({ type: "spki", format: "der" }).toString("base64");
    const signature = sign("sha256", Buffer.from(body), { key: privateKey, dsaEncoding: "der" }).toString("base64"); // no timestamp
    expect(verifyEventSignature({ publicKey: der, signature, timestamp: String(SEC), body: bytes, now: NOW })).toEqual({ ok: false, reason: "bad-signature" });
  });
});

describe("parseEventBatch", () => {
  const base = { sg_event_id: "e1", event: "open", timestamp: SEC, email: "a@example.com", sg_message_id: "REQ123.filter0001.1", lw_msg: "msg1" };

  it("keeps what we use, caps urls and reasons, reads machine opens and bounce types", () => {
    const r = parseEventBatch([
      { ...base, sg_machine_open: true },
      { ...base, sg_event_id: "e2", event: "click", url: "https://x.test/" + "a".repeat(5000), extra: { nested: true } },
      { ...base, sg_event_id: "e3", event: "bounce", type: "blocked", reason: "r".repeat(900) },
      { ...base, sg_event_id: "e4", event: "bounce", lw_msg: undefined, sg_message_id: "REQ9.filter.2" },
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.skipped).toEqual({});
    const [open, click, blocked, bounce] = r.events;
    expect(open).toMatchObject({ type: "open", machineOpen: true, messageId: "msg1", sendRequestId: "REQ123", occurredAt: NOW });
    expect(click!.url).toHaveLength(2048);
    expect(blocked).toMatchObject({ bounceType: "blocked" });
    expect(blocked!.reason).toHaveLength(500);
    expect(bounce).toMatchObject({ bounceType: "bounce", messageId: null, sendRequestId: "REQ9" });
  });

  it("skips and counts malformed events, keeping the valid ones", () => {
    const r = parseEventBatch([
      base,
      null,
      "delivered",
      [1],
      { ...base, sg_event_id: undefined },
      { ...base, sg_event_id: "" },
      { ...base, sg_event_id: "e5", event: "account_status_change" },
      { ...base, sg_event_id: "e6", timestamp: "yesterday" },
      { ...base, sg_event_id: "e7", timestamp: 12 },
      { ...base, sg_event_id: "e8", timestamp: "1795780800" },
      { ...base, lw_msg: 42 }, // same id as the first: repeated in the batch
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.events.map((e) => e.sgEventId)).toEqual(["e1", "e8"]);
    expect(r.skipped).toEqual({ "not-an-object": 3, "no-event-id": 2, "unknown-type": 1, "bad-timestamp": 2, "duplicate-in-batch": 1 });
  });

  it("refuses a body that is not an array", () => {
    expect(parseEventBatch({ events: [] })).toMatchObject({ ok: false });
    expect(parseEventBatch(null)).toMatchObject({ ok: false });
    expect(parseEventBatch([])).toEqual({ ok: true, events: [], skipped: {} });
  });

  it("drops NUL characters (PostgreSQL refuses them in text)", () => {
    const e = parseEvent({ ...base, event: "dropped", reason: "bad\u0000reason" });
    expect(typeof e === "object" && e.reason).toBe("badreason");
  });
});

describe("matchMessage", () => {
  const m = (id: string, email: string | null, sgMessageId = "REQ"): MessageRef => ({ id, customerId: null, email, test: false, sgMessageId });
  const byId = new Map([["m1", m("m1", "a@x.test")]]);
  const byRequest = new Map([
    ["REQ", [m("m1", "a@x.test"), m("m2", "B@x.test")]],
    ["SOLO", [m("m3", null, "SOLO")]],
  ]);
  const ev = (o: Partial<EngagementEvent>): EngagementEvent => ({
    sgEventId: "e",
    type: "delivered",
    occurredAt: NOW,
    messageId: null,
    sendRequestId: null,
    email: null,
    machineOpen: false,
    bounceType: null,
    url: null,
    reason: null,
    ...o,
  });

  it("by lw_msg, only among this shop's messages; else by send request and address", () => {
    expect(matchMessage(ev({ messageId: "m1" }), byId, byRequest)?.id).toBe("m1");
    expect(matchMessage(ev({ messageId: "other-shops", sendRequestId: "REQ", email: "a@x.test" }), byId, byRequest)).toBeNull();
    expect(matchMessage(ev({ sendRequestId: "REQ", email: "b@x.test" }), byId, byRequest)?.id).toBe("m2");
    expect(matchMessage(ev({ sendRequestId: "REQ", email: "c@x.test" }), byId, byRequest)).toBeNull();
    expect(matchMessage(ev({ sendRequestId: "SOLO", email: "z@x.test" }), byId, byRequest)?.id).toBe("m3");
    expect(matchMessage(ev({}), byId, byRequest)).toBeNull();
  });
});

describe("planEngagement", () => {
  const msg = (id: string, customerId: string | null, test = false): MessageRef => ({ id, customerId, email: `${id}@x.test`, test, sgMessageId: null });
  const at = (s: number) => new Date(NOW.getTime() + s * 1000);
  const ev = (type: EngagementEvent["type"], s: number, o: Partial<EngagementEvent> = {}): EngagementEvent => ({
    sgEventId: `${type}${s}${Math.random()}`,
    type,
    occurredAt: at(s),
    messageId: null,
    sendRequestId: null,
    email: null,
    machineOpen: false,
    bounceType: type === "bounce" ? "bounce" : null,
    url: null,
    reason: null,
    ...o,
  });

  it("keeps the earliest message times and the latest profile times, whatever the order", () => {
    const a = msg("a", "ca");
    const plan = planEngagement([
      { event: ev("click", 30), message: a },
      { event: ev("open", 20), message: a },
      { event: ev("open", 10), message: a },
      { event: ev("delivered", 5), message: a },
      { event: ev("processed", 1), message: a },
    ]);
    const field = (f: string) => plan.messageEarliest.filter((m) => m.field === f);
    expect(field("openedAt")).toEqual([{ field: "openedAt", at: at(10), ids: ["a"] }]);
    expect(field("clickedAt")).toEqual([{ field: "clickedAt", at: at(30), ids: ["a"] }]);
    expect(field("deliveredAt")).toEqual([{ field: "deliveredAt", at: at(5), ids: ["a"] }]);
    expect(plan.markSent).toEqual([{ field: "sentAt", at: at(1), ids: ["a"] }]);
    expect(plan.messageCounters).toEqual(expect.arrayContaining([{ field: "opens", by: 2, ids: ["a"] }, { field: "clicks", by: 1, ids: ["a"] }]));
    expect(plan.profileLatest).toEqual(expect.arrayContaining([{ field: "lastEmailOpenAt", at: at(20), ids: ["ca"] }]));
    expect(plan.profileCounters).toEqual(
      expect.arrayContaining([
        { field: "emailsDelivered", by: 1, ids: ["ca"] },
        { field: "emailOpens", by: 2, ids: ["ca"] },
        { field: "emailClicks", by: 1, ids: ["ca"] },
      ]),
    );
  });

  it("groups equal moves: a thousand messages delivered in one second are one update", () => {
    const matched = Array.from({ length: 1000 }, (_, i) => ({ event: ev("delivered", 0), message: msg(`m${i}`, `c${i}`) }));
    const plan = planEngagement(matched);
    expect(plan.messageEarliest).toHaveLength(1);
    expect(plan.messageEarliest[0]!.ids).toHaveLength(1000);
    expect(plan.profileCounters).toHaveLength(1);
  });

  it("machine opens set machineOpenedAt only; test sends never touch a profile", () => {
    const plan = planEngagement([
      { event: ev("open", 1, { machineOpen: true }), message: msg("a", "ca") },
      { event: ev("open", 2), message: msg("t", "ct", true) },
      { event: ev("delivered", 2), message: msg("t", "ct", true) },
    ]);
    expect(plan.messageEarliest.map((m) => [m.field, m.ids])).toEqual(
      expect.arrayContaining([
        ["machineOpenedAt", ["a"]],
        ["openedAt", ["t"]],
      ]),
    );
    expect(plan.messageCounters).toEqual([{ field: "opens", by: 1, ids: ["t"] }]);
    expect(plan.profileCounters).toEqual([]);
    expect(plan.profileLatest).toEqual([]);
  });

  it("hard bounces, spam reports and unsubscribes suppress; blocked, dropped and deferred do not", () => {
    const plan = planEngagement([
      { event: ev("bounce", 1), message: msg("a", "ca") },
      { event: ev("bounce", 2, { bounceType: "blocked" }), message: msg("b", "cb") },
      { event: ev("spamreport", 3), message: msg("c", "cc") },
      { event: ev("unsubscribe", 4), message: msg("d", null) },
      { event: ev("group_unsubscribe", 5), message: msg("e", "ce") },
      { event: ev("dropped", 6), message: msg("f", "cf") },
      { event: ev("deferred", 7), message: msg("g", "cg") },
      { event: ev("group_resubscribe", 8), message: msg("h", "ch") },
    ]);
    expect(plan.suppressions.map((s) => [s.cause, s.messageId, s.email])).toEqual([
      ["hard-bounce", "a", "a@x.test"],
      ["spam-report", "c", "c@x.test"],
      ["unsubscribe", "d", "d@x.test"],
      ["unsubscribe", "e", "e@x.test"],
    ]);
    expect(plan.messageEarliest.map((m) => m.field).sort()).toEqual(["bouncedAt", "droppedAt", "spamReportedAt", "unsubscribedAt", "unsubscribedAt"].sort());
  });
});
