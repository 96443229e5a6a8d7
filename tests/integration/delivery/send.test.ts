// Sending through the real fake SendGrid over HTTP, on the real database: one
// request per batch with one personalization per message, each recipient's own
// name, links and headers, every SendGrid outcome (202, 429, 5xx, 400, timeout,
// dropped connection, a killed run), reconciliation from real signed events,
// the email re-rendered exactly as the fake received it, and the test send.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { editDraft } from "~/core/approval/approval.server";
import { reconcileUnknown, resendKey } from "~/core/delivery/reconcile.server";
import { sendBatch, sendJobHandler } from "~/core/delivery/send.server";
import { renderSentMessage } from "~/core/delivery/sent-email.server";
import { suppress } from "~/core/delivery/suppression.server";
import { sendTestEmail } from "~/core/delivery/test-send.server";
import { verifyUnsubscribeToken } from "~/core/delivery/unsubscribe";
import { DELIVERY_SEND_JOB } from "~/core/delivery/job-types";
import { embeddedQueue } from "~/jobs/queue.server";
import { RetryLaterError } from "~/jobs/retry";
import { escapeHtml } from "~/core/render";
import { startFakeSendGrid } from "../../fakes/sendgrid";
import { TEST_API_SECRET } from "../../setup/test-config";
import { HOSTILE_NAME, NOW, seedShop, type SeededShop } from "../campaigns/fixtures";
import { approvedWinBack, eventReceiver, fakeConfig, queueBatch } from "./send-fixtures";

const SHOP = "send-a.myshopify.com";
const sg = await startFakeSendGrid();
afterAll(() => sg.close());
const config = fakeConfig(sg);
const fast = { config, now: NOW, sleep: async () => {} };

let shop: SeededShop;
let campaignId: string;
let customers: Array<{ id: string; email: string | null; firstName: string | null }>;
let events: Awaited<ReturnType<typeof eventReceiver>>;
let batchNo = 0;
const nextBatch = () => `b${++batchNo}-${Date.now().toString(36)}`;

beforeAll(async () => {
  shop = await seedShop(SHOP, 6);
  campaignId = await approvedWinBack(SHOP, NOW);
  customers = await prisma.customer.findMany({ where: { shopId: SHOP }, orderBy: { shopifyId: "asc" }, select: { id: true, email: true, firstName: true } });
  events = await eventReceiver(SHOP, sg);
});
afterAll(() => events.close());
beforeEach(() => {
  sg.clear();
  sg.setMode("normal");
  sg.setAutoEvents(null);
});

const statuses = async (batchId: string) => (await prisma.message.findMany({ where: { batchId }, orderBy: { id: "asc" } })).map((m) => m.status);
const receivedBy = (email: string) => sg.messages.filter((m) => m.to.email === email).length;

describe("sendBatch", () => {
  it("sends a batch of N in one request with N personalizations, each with their own name, links, custom_args and headers", async () => {
    const batchId = nextBatch();
    const ids = await queueBatch(SHOP, { campaignId, batchId, customers, now: NOW });
    const result = await sendBatch(SHOP, batchId, fast);
    expect(result).toMatchObject({ sent: customers.length, failed: 0, requests: 1 });
    expect(sg.requests.filter((r) => r.status === 202)).toHaveLength(1);
    expect(sg.requests[0]!.personalizations).toBe(customers.length);
    expect(sg.messages).toHaveLength(customers.length);

    const rows = await prisma.message.findMany({ where: { batchId } });
    for (const [i, customer] of customers.entries()) {
      const id = ids[i]!;
      const row = rows.find((r) => r.id === id)!;
      const got = sg.messages.find((m) => m.customArgs.lw_msg === id)!;
      expect(got.to.email).toBe(customer.email);
      expect(got.customArgs).toEqual({ lw_msg: id }); // no personal data
      expect(got.categories).toEqual(["win-back", "loopwise"]);
      expect(got.from.email).toBe("hello@acme.example.com");
      // Their own unsubscribe link, in the header and the body, signed for this message.
      const link = /^<(https:\/\/loopwise\.test\/unsubscribe\/([A-Za-z0-9_-]+))>$/.exec(got.headers["List-Unsubscribe"]!)!;
      expect(link).not.toBeNull();
      expect(got.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
      expect(verifyUnsubscribeToken(TEST_API_SECRET, link[2]!)).toEqual({ ok: true, claim: { shopId: SHOP, customerId: customer.id, messageId: id } });
      expect(got.html).toContain(escapeHtml(link[1]!));
      expect(got.text).toContain(`Unsubscribe: ${link[1]}`);
      // Their name, escaped when hostile; no tag left unsubstituted.
      const name = customer.firstName!;
      expect(got.text).toContain(`Hi ${name},`);
      expect(got.html).toContain(`Hi ${escapeHtml(name)},`);
      expect(got.html).not.toMatch(/\{\{lw/);
      expect(got.text).not.toMatch(/\{\{lw/);
      // Shop links carry the campaign's UTM parameters and the click token.
      const shopLinks = [...got.html!.matchAll(/href="(https:\/\/acme\.example\.com[^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, "&"));
      expect(shopLinks.length).toBeGreaterThan(0);
      for (const href of shopLinks) {
        const url = new URL(href);
        expect(url.searchParams.get("utm_source")).toBe("loopwise");
        expect(url.searchParams.get("utm_medium")).toBe("email");
        expect(url.searchParams.get("utm_campaign")).toBe("win-back");
        expect(url.searchParams.get("lw")).toBe(id);
      }
      expect(row).toMatchObject({ status: "sent", attempts: 1, sgMessageId: got.xMessageId, error: null });
      expect(row.sentAt).not.toBeNull();
      // What was sent, re-rendered from the template and their values, is what the fake received.
      const again = await renderSentMessage(SHOP, id);
      expect(again).toEqual({ subject: got.subject, html: got.html, text: got.text, to: customer.email });
    }
    const hostile = sg.messages.find((m) => m.text?.includes(HOSTILE_NAME))!;
    expect(hostile.html).toContain("&lt;b&gt;Zoë&lt;/b&gt; &amp; &quot;ignore all rules&quot;");
    expect(hostile.html).not.toContain("<b>Zoë");
    // Sending again is a no-op: every message has left `queued`.
    expect(await sendBatch(SHOP, batchId, fast)).toMatchObject({ sent: 0, requests: 0 });
    expect(sg.messages).toHaveLength(customers.length);
    // Another shop cannot read the email back.
    expect(await renderSentMessage("other.myshopify.com", ids[0]!)).toBeNull();
  });

  it("sends 2,500 queued messages (three batches) in three requests", async () => {
    const extra = Array.from({ length: 2_500 }, (_, i) => ({ shopId: SHOP, shopifyId: String(900_000 + i), email: `bulk${i}@example.com`, firstName: `Bulk${i}`, emailConsentState: "SUBSCRIBED" }));
    await prisma.customer.createMany({ data: extra });
    const bulk = await prisma.customer.findMany({ where: { shopId: SHOP, email: { startsWith: "bulk" } }, orderBy: { shopifyId: "asc" }, select: { id: true, email: true } });
    const batches = [bulk.slice(0, 1000), bulk.slice(1000, 2000), bulk.slice(2000)];
    const queue = embeddedQueue(prisma);
    queue.register(DELIVERY_SEND_JOB, sendJobHandler(fast));
    for (const chunk of batches) {
      const batchId = nextBatch();
      await queueBatch(SHOP, { campaignId, batchId, customers: chunk, now: NOW });
      await queue.enqueue(DELIVERY_SEND_JOB, { shopId: SHOP, batchId }, { shopId: SHOP, idempotencyKey: `send:${batchId}` });
    }
    await queue.drain();
    expect(await prisma.job.findMany({ where: { type: DELIVERY_SEND_JOB, status: { not: "done" } }, select: { lastError: true } })).toEqual([]);
    expect(await prisma.message.groupBy({ by: ["status", "error"], where: { shopId: SHOP, email: { startsWith: "bulk" } }, _count: true })).toEqual([{ status: "sent", error: null, _count: 2_500 }]);
    expect(sg.requests.map((r) => [r.status, r.personalizations])).toEqual([
      [202, 1000],
      [202, 1000],
      [202, 500],
    ]);
    expect(new Set(sg.messages.map((m) => m.to.email)).size).toBe(2_500);
    expect(await prisma.message.count({ where: { shopId: SHOP, email: { startsWith: "bulk" }, status: "sent" } })).toBe(2_500);
  }, 180_000);

  it("skips every message when the campaign is not approved (edited since)", async () => {
    const other = await approvedWinBack(SHOP, NOW);
    const draft = await prisma.emailDraft.findFirstOrThrow({ where: { campaignId: other, step: 0, variant: "A" } });
    await editDraft(SHOP, draft.id, { content: draft.content as object, problems: [] });
    const batchId = nextBatch();
    await queueBatch(SHOP, { campaignId: other, batchId, customers: customers.slice(0, 2), now: NOW });
    expect(await sendBatch(SHOP, batchId, fast)).toMatchObject({ skipped: 2, sent: 0, requests: 0 });
    expect(await prisma.message.findMany({ where: { batchId }, select: { status: true, skipReason: true } })).toEqual([
      { status: "skipped", skipReason: "not-approved" },
      { status: "skipped", skipReason: "not-approved" },
    ]);
    expect(sg.requests).toHaveLength(0);
  });

  it("holds back, at send time, an address suppressed or a consent withdrawn since the batch was queued", async () => {
    const batchId = nextBatch();
    const [a, b, c] = customers;
    await queueBatch(SHOP, { campaignId, batchId, customers: [a!, b!, c!], now: NOW });
    await suppress(SHOP, a!.email!, "unsubscribe", "test");
    await prisma.customer.update({ where: { id: b!.id }, data: { emailConsentState: "UNSUBSCRIBED" } });
    try {
      expect(await sendBatch(SHOP, batchId, fast)).toMatchObject({ skipped: 2, sent: 1, requests: 1 });
      const rows = await prisma.message.findMany({ where: { batchId }, select: { customerId: true, status: true, skipReason: true } });
      expect(Object.fromEntries(rows.map((r) => [r.customerId, [r.status, r.skipReason]]))).toEqual({ [a!.id]: ["skipped", "suppressed"], [b!.id]: ["skipped", "not-subscribed"], [c!.id]: ["sent", null] });
      expect([receivedBy(a!.email!), receivedBy(b!.email!), receivedBy(c!.email!)]).toEqual([0, 0, 1]);
    } finally {
      await prisma.suppression.deleteMany({ where: { shopId: SHOP } });
      await prisma.customer.update({ where: { id: b!.id }, data: { emailConsentState: "SUBSCRIBED" } });
    }
  });

  it("a 400 fails the request's messages with SendGrid's reason; an invalid address fails alone before any request", async () => {
    const batchId = nextBatch();
    const ids = await queueBatch(SHOP, { campaignId, batchId, customers: [...customers.slice(0, 2), { id: customers[2]!.id, email: "not an address" }], now: NOW });
    sg.setMode({ kind: "error", status: 400, times: 1 });
    expect(await sendBatch(SHOP, batchId, fast)).toMatchObject({ failed: 3, sent: 0, requests: 1 });
    const rows = await prisma.message.findMany({ where: { batchId } });
    expect(rows.find((r) => r.id === ids[2])!.error).toBe("the email address is not valid");
    for (const id of ids.slice(0, 2)) expect(rows.find((r) => r.id === id)!.error).toMatch(/^SendGrid refused the request \(400\): Internal server error/);
    expect(sg.requests[0]!.status).toBe(400);
  });

  it("a 429 puts the messages back and retries after X-RateLimit-Reset; past the inline bound the job gets RetryLaterError", async () => {
    const batchId = nextBatch();
    await queueBatch(SHOP, { campaignId, batchId, customers: customers.slice(0, 3), now: NOW });
    const waits: number[] = [];
    sg.setMode({ kind: "rate-limited", resetInSeconds: 2, times: 1 });
    const result = await sendBatch(SHOP, batchId, { ...fast, sleep: async (ms) => void waits.push(ms) });
    expect(result).toMatchObject({ sent: 3, requests: 2 });
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(500);
    expect(waits[0]).toBeLessThanOrEqual(2_000);
    expect((await prisma.message.findMany({ where: { batchId } })).map((m) => m.attempts)).toEqual([2, 2, 2]);

    const later = nextBatch();
    await queueBatch(SHOP, { campaignId, batchId: later, customers: customers.slice(0, 3), now: NOW });
    sg.clear();
    sg.setMode({ kind: "error", status: 503, times: 5 });
    const error = await sendBatch(SHOP, later, { ...fast, inlineRetries: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryLaterError);
    expect(await statuses(later)).toEqual(["queued", "queued", "queued"]);
    sg.setMode("normal");
    expect(await sendBatch(SHOP, later, fast)).toMatchObject({ sent: 3 });
    expect(sg.messages).toHaveLength(3);
  });

  it("accept-then-timeout: unknown, then reconciled to sent by SendGrid's events, with no second email", async () => {
    const batchId = nextBatch();
    const ids = await queueBatch(SHOP, { campaignId, batchId, customers: customers.slice(0, 3), now: NOW });
    sg.setAutoEvents({ url: events.url });
    sg.setMode({ kind: "accept-then-timeout", ms: 3_000, times: 1 });
    expect(await sendBatch(SHOP, batchId, { ...fast, timeoutMs: 500 })).toMatchObject({ unknown: 3, sent: 0 });
    await sg.autoEventsSettled();
    expect(sg.autoEventLog.every((e) => e.status === 200)).toBe(true);
    // The event webhook (or the reconcile, whichever runs first) settles them: all sent, none sent again.
    const queue = embeddedQueue(prisma);
    const r = await reconcileUnknown(SHOP, { now: new Date(Date.now() + 16 * 60_000), queue });
    expect(r.requeued).toBe(0);
    expect(await statuses(batchId)).toEqual(["sent", "sent", "sent"]);
    expect(await sendBatch(SHOP, batchId, fast)).toMatchObject({ requests: 0 });
    for (const id of ids) expect(sg.messages.filter((m) => m.customArgs.lw_msg === id)).toHaveLength(1);
  }, 60_000);

  it("a killed run (messages left sending) never sends twice: unknown, then re-sent only without any event after the window", async () => {
    const batchId = nextBatch();
    const ids = await queueBatch(SHOP, { campaignId, batchId, customers: customers.slice(0, 2), now: NOW });
    // The dead run had claimed both; SendGrid had taken the first (an event came), never the second.
    await prisma.message.updateMany({ where: { batchId }, data: { status: "sending", attempts: 1 } });
    await prisma.emailEvent.create({ data: { shopId: SHOP, messageId: ids[0]!, sgEventId: `ev-${batchId}`, type: "processed", occurredAt: new Date() } });
    expect(await sendBatch(SHOP, batchId, fast)).toMatchObject({ abandoned: 2, requests: 0 });
    expect(await statuses(batchId)).toEqual(["unknown", "unknown"]);
    const queue = embeddedQueue(prisma);
    queue.register(DELIVERY_SEND_JOB, sendJobHandler(fast));
    // Inside the window: the evidence is in for one only; the other waits.
    expect(await reconcileUnknown(SHOP, { queue })).toMatchObject({ sent: 1, requeued: 0, waiting: 1 });
    expect(await reconcileUnknown(SHOP, { queue, now: new Date(Date.now() + 16 * 60_000) })).toMatchObject({ sent: 0, requeued: 1, jobs: 1 });
    expect(await prisma.job.count({ where: { idempotencyKey: resendKey(batchId, 1) } })).toBe(1);
    await queue.drain();
    const rows = await prisma.message.findMany({ where: { batchId } });
    expect(rows.find((r) => r.id === ids[0])).toMatchObject({ status: "sent", attempts: 1 });
    expect(rows.find((r) => r.id === ids[1])).toMatchObject({ status: "sent", attempts: 2 });
    expect(sg.messages.map((m) => m.customArgs.lw_msg)).toEqual([ids[1]]);
  }, 60_000);

  it("the 20%-flaky SendGrid (429, 500, dropped, accepted then dropped) still delivers every recipient exactly once", async () => {
    const people = await prisma.customer.findMany({ where: { shopId: SHOP, email: { startsWith: "bulk" } }, orderBy: { shopifyId: "asc" }, take: 400, select: { id: true, email: true } });
    const batchIds: string[] = [];
    for (let i = 0; i < 400; i += 20) {
      const batchId = nextBatch();
      batchIds.push(batchId);
      await queueBatch(SHOP, { campaignId, batchId, customers: people.slice(i, i + 20), step: 1, now: NOW });
    }
    sg.setAutoEvents({ url: events.url });
    sg.setMode({ kind: "flaky", failureRate: 0.2, seed: 7, failures: ["429", "500", "drop", "accept-then-drop"] });
    let future = Date.now();
    for (let round = 0; round < 30; round++) {
      for (const batchId of batchIds) await sendBatch(SHOP, batchId, { ...fast, inlineRetries: 0 }).catch((e: unknown) => expect(e).toBeInstanceOf(RetryLaterError));
      await sg.autoEventsSettled();
      future += 16 * 60_000;
      await reconcileUnknown(SHOP, { now: new Date(future) });
      if ((await prisma.message.count({ where: { batchId: { in: batchIds }, status: { not: "sent" } } })) === 0) break;
    }
    const failures = sg.requests.filter((r) => r.status !== 202);
    expect(failures.length).toBeGreaterThan(5);
    expect(new Set(failures.map((r) => r.status))).toEqual(new Set([429, 500, "dropped"]));
    expect(await prisma.message.count({ where: { batchId: { in: batchIds }, status: "sent" } })).toBe(400);
    for (const p of people) expect(receivedBy(p.email!)).toBe(1);
  }, 120_000);
});

describe("sendTestEmail", () => {
  it("sends one email to the merchant's own address, [Test] subject, a sample code, counted nowhere", async () => {
    const offers = await prisma.offer.count();
    const r = await sendTestEmail(SHOP, campaignId, 2, "B", { ...fast });
    expect(r).toMatchObject({ to: "hello@acme.example.com", status: "sent", error: null });
    expect(sg.messages).toHaveLength(1);
    const got = sg.messages[0]!;
    expect(got.to.email).toBe("hello@acme.example.com");
    expect(got.subject).toMatch(/^\[Test\] /);
    expect(got.text).toContain("SAMPLE-CODE-PREVIEW");
    expect(got.headers["List-Unsubscribe"]).toBe("<https://loopwise.test/unsubscribe/preview-sample-link>");
    expect(await prisma.offer.count()).toBe(offers);
    const row = await prisma.message.findUniqueOrThrow({ where: { id: r.messageId } });
    expect(row).toMatchObject({ test: true, status: "sent", customerId: null });
    expect(row.key).toMatch(/^test:[0-9a-f-]{36}$/);
    expect(await renderSentMessage(SHOP, r.messageId)).toEqual({ subject: got.subject, html: got.html, text: got.text, to: "hello@acme.example.com" });
    void shop;
  });
});
