// The SendGrid event webhook through the real route module, on the real
// database: messages are really sent to the fake SendGrid (so the events carry
// its real sg_message_id and our custom_args), and every delivery is signed by
// the fake's event webhook exactly as SendGrid signs it.
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@sendgrid/client";
import { MailService } from "@sendgrid/mail";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { env } from "~/env.server";
import { CONSENT_WRITEBACK_JOB } from "~/core/delivery/consent.server";
import { deliverabilityFor } from "~/core/delivery/deliverability.server";
import { MAX_EVENT_BODY_BYTES } from "~/core/delivery/events.server";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from "~/core/delivery/events-signature";
import { isSuppressed } from "~/core/delivery/suppression.server";
import { ensureWebhookToken, eventWebhookUrl } from "~/core/delivery/webhook-token.server";
import { action } from "~/routes/webhooks.sendgrid.$token";
import { action as appAction } from "~/routes/webhooks.sendgrid._index";
import { createEventWebhook, startFakeSendGrid, type FakeEventSpec, type FakeEventWebhook, type FakeSendGridMessage, type SendGridEvent } from "../../fakes/sendgrid";
import { TEST_APP_URL } from "../../setup/test-config";

const SHOP = "events-a.myshopify.com";
const OTHER = "events-b.myshopify.com";

const sg = await startFakeSendGrid({ keepBodies: false });
const hook = sg.eventWebhook;
const client = new Client();
client.setApiKey(sg.apiKey);
client.setDefaultRequest("baseUrl", sg.origin + "/");
const mail = new MailService();
mail.setClient(client);

// The real route behind a real HTTP server, for deliveries sent with the fake's emit().
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", async () => {
    const token = decodeURIComponent(req.url!.split("/").pop()!);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const request = new Request(TEST_APP_URL + req.url, { method: req.method, headers, body: req.method === "POST" ? Buffer.concat(chunks) : undefined });
    const response = await action({ request, params: { token }, context: {} });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const serverOrigin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

afterAll(async () => {
  await sg.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

interface Sent {
  id: string;
  customerId: string | null;
  record: FakeSendGridMessage;
}

let tokenA: string;
let tokenB: string;
let seq = 0;

beforeEach(async () => {
  await prisma.job.deleteMany();
  await prisma.shop.deleteMany({ where: { id: { in: [SHOP, OTHER] } } });
  sg.clear();
  await prisma.shop.create({ data: { id: SHOP, status: "installed", name: "Shop A" } });
  await prisma.shop.create({ data: { id: OTHER, status: "installed", name: "Shop B" } });
  tokenA = await ensureWebhookToken(SHOP);
  tokenB = await ensureWebhookToken(OTHER);
  // Shop A has its own SendGrid account and key; shop B relies on the app's.
  await prisma.shopSettings.update({ where: { shopId: SHOP }, data: { sendgridWebhookKey: hook.publicKey } });
});

/** Customers with profiles, and one message each, really sent to the fake in one request (as the sender does). */
async function sendTo(shopId: string, n: number, o: { test?: boolean; guest?: boolean; status?: string } = {}): Promise<Sent[]> {
  const made = Array.from({ length: n }, () => {
    const k = ++seq;
    return { id: `msg-${k}-${randomUUID()}`, customerId: o.guest ? null : `cust-${k}-${randomUUID()}`, email: `c${k}@example.com`, k };
  });
  const customers = made.filter((m) => m.customerId);
  // 50 rows a statement: SQLite takes at most 999 bound values in one.
  for (let i = 0; i < n; i += 50) {
    const part = customers.slice(i, i + 50);
    await prisma.customer.createMany({ data: part.map((m) => ({ id: m.customerId!, shopId, shopifyId: String(7_000_000 + m.k), email: m.email, emailConsentState: "SUBSCRIBED" })) });
    await prisma.customerProfile.createMany({ data: part.map((m) => ({ shopId, customerId: m.customerId! })) });
    await prisma.message.createMany({
      data: made.slice(i, i + 50).map((m) => ({ id: m.id, shopId, campaignId: "camp-1", customerId: m.customerId, flowType: "win-back", step: 0, key: `k${m.k}`, email: m.email, status: "sending", scheduledFor: new Date(), test: o.test ?? false })),
    });
  }
  const request = {
    from: "shop@example.com",
    subject: "We miss you",
    content: [{ type: "text/plain", value: "Hello" }] as [{ type: string; value: string }],
    personalizations: made.map((m) => ({ to: [{ email: m.email }], customArgs: { lw_msg: m.id } })),
  };
  // A keep-alive socket the fake closed while the rows were written fails before anything is sent: send again.
  const [response] = await mail.send(request).catch((error: { code?: string }) => {
    if (error.code !== "ECONNRESET") throw error;
    return mail.send(request);
  });
  const xMessageId = String(response.headers["x-message-id"]);
  const status = o.status ?? "sent";
  for (let i = 0; i < n; i += 500) {
    await prisma.message.updateMany({
      where: { id: { in: made.slice(i, i + 500).map((m) => m.id) } },
      data: { status, sgMessageId: xMessageId, sentAt: status === "sent" ? new Date() : null },
    });
  }
  return made.map((m) => ({ id: m.id, customerId: m.customerId, record: sg.messages.find((r) => r.customArgs.lw_msg === m.id)! }));
}

async function post(token: string, body: string, headers: Record<string, string> = {}) {
  const request = new Request(`${TEST_APP_URL}/webhooks/sendgrid/${token}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  const response = await action({ request, params: { token }, context: {} });
  const text = await response.text();
  return { status: response.status, body: response.status === 200 ? (JSON.parse(text) as Record<string, number>) : text };
}

/** Signs and posts a batch (with the fake's key unless told otherwise), as SendGrid would. */
async function deliver(token: string, items: Array<FakeEventSpec | SendGridEvent>, o: { signer?: FakeEventWebhook; timestamp?: string; events?: SendGridEvent[] } = {}) {
  const events = o.events ?? hook.build(items);
  const payload = JSON.stringify(events);
  const { signature, timestamp } = (o.signer ?? hook).sign(payload, o.timestamp);
  return { ...(await post(token, payload, { [SIGNATURE_HEADER]: signature, [TIMESTAMP_HEADER]: timestamp })), events };
}

const message = (id: string) => prisma.message.findUniqueOrThrow({ where: { id } });
const profile = (customerId: string) => prisma.customerProfile.findUniqueOrThrow({ where: { customerId } });
const eventCount = () => prisma.emailEvent.count();
// Event times in unix seconds, counted back from the test's start (so one test's values agree).
let startedAt = 0;
beforeEach(() => {
  startedAt = Math.floor(Date.now() / 1000);
});
const t = (secondsAgo: number) => startedAt - secondsAgo;

describe("a signed batch", () => {
  it("over HTTP, as SendGrid posts it: delivered, human open and click update the message and the customer's profile", async () => {
    const [a] = await sendTo(SHOP, 1);
    const r = await hook.emit(`${serverOrigin}/webhooks/sendgrid/${tokenA}`, [
      { event: "processed", message: a!.record, timestamp: t(60) },
      { event: "delivered", message: a!.record, timestamp: t(50) },
      { event: "open", message: a!.record, timestamp: t(40) },
      { event: "click", message: a!.record, timestamp: t(30), url: "https://events-a.myshopify.com/products/hat" },
    ]);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ received: 4, stored: 4, duplicates: 0, unmatched: 0, skipped: 0 });
    const m = await message(a!.id);
    expect(m).toMatchObject({ status: "sent", opens: 1, clicks: 1, machineOpenedAt: null, bouncedAt: null });
    expect(m.deliveredAt!.getTime()).toBe(t(50) * 1000);
    expect(m.openedAt!.getTime()).toBe(t(40) * 1000);
    expect(m.clickedAt!.getTime()).toBe(t(30) * 1000);
    const p = await profile(a!.customerId!);
    expect(p).toMatchObject({ emailsDelivered: 1, emailOpens: 1, emailClicks: 1 });
    expect(p.lastEmailClickAt!.getTime()).toBe(t(30) * 1000);
    const click = await prisma.emailEvent.findFirstOrThrow({ where: { type: "click" } });
    expect(click).toMatchObject({ shopId: SHOP, messageId: a!.id, url: "https://events-a.myshopify.com/products/hat" });
    // Anything but POST is refused.
    expect((await fetch(`${serverOrigin}/webhooks/sendgrid/${tokenA}`, { method: "PUT" })).status).toBe(405);
  });

  it("falls back to sg_message_id and the address when an event carries no lw_msg", async () => {
    const [a, b] = await sendTo(SHOP, 2);
    const r = await deliver(tokenA, [
      { event: "delivered", message: a!.record, extra: { lw_msg: undefined } },
      { event: "delivered", message: b!.record, extra: { lw_msg: undefined } },
    ]);
    expect(r.body).toMatchObject({ stored: 2, unmatched: 0 });
    expect((await message(a!.id)).deliveredAt).not.toBeNull();
    expect((await message(b!.id)).deliveredAt).not.toBeNull();
  });

  it("a shop without its own key is verified with the app's SENDGRID_WEBHOOK_PUBLIC_KEY", async () => {
    const [b] = await sendTo(OTHER, 1);
    const saved = env.SENDGRID_WEBHOOK_PUBLIC_KEY;
    try {
      env.SENDGRID_WEBHOOK_PUBLIC_KEY = undefined;
      expect((await deliver(tokenB, [{ event: "delivered", message: b!.record }])).status).toBe(401); // no key at all: refused
      env.SENDGRID_WEBHOOK_PUBLIC_KEY = hook.publicKey;
      expect((await deliver(tokenB, [{ event: "delivered", message: b!.record }])).body).toMatchObject({ stored: 1 });
      // The shop's own key wins over the app's: the app's signature does not open shop A.
      const [a] = await sendTo(SHOP, 1);
      const appSigner = createEventWebhook();
      env.SENDGRID_WEBHOOK_PUBLIC_KEY = appSigner.publicKey;
      expect((await deliver(tokenA, [{ event: "delivered", message: a!.record }], { signer: appSigner })).status).toBe(401);
    } finally {
      env.SENDGRID_WEBHOOK_PUBLIC_KEY = saved;
    }
  });
});

describe("the app-wide account's webhook (/webhooks/sendgrid)", () => {
  async function postApp(events: SendGridEvent[], signer: FakeEventWebhook = hook) {
    const payload = JSON.stringify(events);
    const { signature, timestamp } = signer.sign(payload);
    const request = new Request(`${TEST_APP_URL}/webhooks/sendgrid`, { method: "POST", headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signature, [TIMESTAMP_HEADER]: timestamp }, body: payload });
    const response = await appAction({ request, params: {}, context: {} });
    const text = await response.text();
    return { status: response.status, body: response.status === 200 ? (JSON.parse(text) as Record<string, number>) : text };
  }

  it("routes each event to the shop of the message it names; drops events naming no message of ours; refuses forgeries", async () => {
    const [a] = await sendTo(SHOP, 1);
    const [b] = await sendTo(OTHER, 1);
    const saved = env.SENDGRID_WEBHOOK_PUBLIC_KEY;
    try {
      env.SENDGRID_WEBHOOK_PUBLIC_KEY = undefined;
      expect((await postApp(hook.build([{ event: "delivered", message: a!.record }]))).status).toBe(404); // no app-wide account
      env.SENDGRID_WEBHOOK_PUBLIC_KEY = hook.publicKey;
      const stranger = { ...hook.build([{ event: "delivered", message: b!.record }])[0]!, lw_msg: "not-ours", sg_event_id: randomUUID() };
      const events = [...hook.build([{ event: "delivered", message: a!.record }, { event: "click", message: b!.record, url: "https://events-b.example/p" }]), stranger];
      const res = await postApp(events);
      expect(res).toMatchObject({ status: 200, body: { received: 3, stored: 2, unmatched: 1 } });
      expect((await message(a!.id)).deliveredAt).not.toBeNull();
      expect(await message(b!.id)).toMatchObject({ clicks: 1 });
      expect(await prisma.emailEvent.findMany({ select: { shopId: true }, orderBy: { shopId: "asc" } })).toEqual([{ shopId: SHOP }, { shopId: OTHER }]);
      expect((await postApp(events)).body).toMatchObject({ stored: 0, duplicates: 2 }); // redelivered: nothing twice
      expect((await postApp(hook.build([{ event: "open", message: a!.record }]), createEventWebhook())).status).toBe(401);
    } finally {
      env.SENDGRID_WEBHOOK_PUBLIC_KEY = saved;
    }
  });
});

describe("duplicates and order", () => {
  it("a redelivered batch counts nothing twice", async () => {
    const [a] = await sendTo(SHOP, 1);
    const items: FakeEventSpec[] = [
      { event: "delivered", message: a!.record },
      { event: "open", message: a!.record },
      { event: "click", message: a!.record },
    ];
    const events = hook.build(items);
    expect((await deliver(tokenA, [], { events })).body).toMatchObject({ stored: 3, duplicates: 0 });
    expect((await deliver(tokenA, [], { events })).body).toMatchObject({ stored: 0, duplicates: 3 });
    // Repeated inside one batch too.
    expect((await deliver(tokenA, [], { events: [...events, ...events] })).body).toMatchObject({ stored: 0, duplicates: 3, skipped: 3 });
    expect(await message(a!.id)).toMatchObject({ opens: 1, clicks: 1 });
    expect(await profile(a!.customerId!)).toMatchObject({ emailsDelivered: 1, emailOpens: 1, emailClicks: 1 });
    expect(await eventCount()).toBe(3);
  });

  it("concurrent deliveries of the same and of overlapping batches: each event counted once", async () => {
    const sent = await sendTo(SHOP, 20);
    const events = hook.build(sent.flatMap((s) => [
      { event: "delivered" as const, message: s.record },
      { event: "open" as const, message: s.record },
      { event: "click" as const, message: s.record },
    ]));
    const halves = [events.slice(0, 40), events.slice(20)]; // overlapping in the middle
    const results = await Promise.all([
      deliver(tokenA, [], { events }),
      deliver(tokenA, [], { events }),
      deliver(tokenA, [], { events: halves[0] }),
      deliver(tokenA, [], { events: halves[1] }),
      deliver(tokenA, [], { events }),
    ]);
    for (const r of results) expect(r.status).toBe(200);
    const stored = results.reduce((sum, r) => sum + (r.body as Record<string, number>).stored!, 0);
    expect(stored).toBe(60);
    expect(await eventCount()).toBe(60);
    for (const s of sent) {
      expect(await message(s.id)).toMatchObject({ opens: 1, clicks: 1 });
      expect(await profile(s.customerId!)).toMatchObject({ emailsDelivered: 1, emailOpens: 1, emailClicks: 1 });
    }
  });

  it("reordered: a click before its delivered, a late earlier open: times only move forward", async () => {
    const [a] = await sendTo(SHOP, 1);
    await deliver(tokenA, [{ event: "click", message: a!.record, timestamp: t(100) }]);
    expect(await message(a!.id)).toMatchObject({ clicks: 1, deliveredAt: null });
    await deliver(tokenA, [{ event: "open", message: a!.record, timestamp: t(200) }]);
    await deliver(tokenA, [
      { event: "delivered", message: a!.record, timestamp: t(300) },
      { event: "open", message: a!.record, timestamp: t(250) }, // earlier than the first open we saw
      { event: "open", message: a!.record, timestamp: t(150) },
    ]);
    const m = await message(a!.id);
    expect(m.deliveredAt!.getTime()).toBe(t(300) * 1000);
    expect(m.openedAt!.getTime()).toBe(t(250) * 1000);
    expect(m.opens).toBe(3);
    const p = await profile(a!.customerId!);
    expect(p.lastEmailOpenAt!.getTime()).toBe(t(150) * 1000); // the latest open, though it came before an older one
    expect(p.emailOpens).toBe(3);
    // An older click arriving later moves clickedAt back to it; a newer one does not.
    await deliver(tokenA, [{ event: "click", message: a!.record, timestamp: t(120) }, { event: "click", message: a!.record, timestamp: t(10) }]);
    expect((await message(a!.id)).clickedAt!.getTime()).toBe(t(120) * 1000);
    expect((await profile(a!.customerId!)).lastEmailClickAt!.getTime()).toBe(t(10) * 1000);
  });
});

describe("refused deliveries store nothing", () => {
  it("a forged signature, a changed body, missing headers or another key: 401", async () => {
    const [a] = await sendTo(SHOP, 1);
    const payload = JSON.stringify(hook.build([{ event: "delivered", message: a!.record }]));
    const good = hook.sign(payload);
    const forged = payload.replace('"delivered"', '"spamreport"');
    expect((await post(tokenA, forged, { [SIGNATURE_HEADER]: good.signature, [TIMESTAMP_HEADER]: good.timestamp })).status).toBe(401);
    expect((await post(tokenA, payload, { [TIMESTAMP_HEADER]: good.timestamp })).status).toBe(401);
    expect((await post(tokenA, payload, { [SIGNATURE_HEADER]: good.signature })).status).toBe(401);
    expect((await post(tokenA, payload, { [SIGNATURE_HEADER]: "MEUCIQ" + "A".repeat(60), [TIMESTAMP_HEADER]: good.timestamp })).status).toBe(401);
    expect((await deliver(tokenA, [{ event: "delivered", message: a!.record }], { signer: createEventWebhook() })).status).toBe(401);
    expect(await eventCount()).toBe(0);
    expect((await message(a!.id)).deliveredAt).toBeNull();
  });

  it("a replayed old delivery (valid signature, timestamp 11 minutes old) and a future one: 401", async () => {
    const [a] = await sendTo(SHOP, 1);
    expect((await deliver(tokenA, [{ event: "delivered", message: a!.record }], { timestamp: String(t(11 * 60)) })).status).toBe(401);
    expect((await deliver(tokenA, [{ event: "delivered", message: a!.record }], { timestamp: String(t(-5 * 60)) })).status).toBe(401);
    expect((await deliver(tokenA, [{ event: "delivered", message: a!.record }], { timestamp: String(t(9 * 60)) })).status).toBe(200);
    expect(await eventCount()).toBe(1);
  });

  it("malformed JSON and a body that is not an array: 400", async () => {
    for (const payload of ["[{", '{"event":"delivered"}', "", "\u00ff\u00fe"]) {
      const { signature, timestamp } = hook.sign(payload);
      const r = await post(tokenA, payload, { [SIGNATURE_HEADER]: signature, [TIMESTAMP_HEADER]: timestamp });
      expect(r.status, JSON.stringify(payload)).toBe(400);
    }
    expect(await eventCount()).toBe(0);
  });

  it("a body over 2 MB: 413, whether declared or not", async () => {
    const big = "[" + " ".repeat(MAX_EVENT_BODY_BYTES) + "]";
    const { signature, timestamp } = hook.sign(big);
    expect((await post(tokenA, big, { [SIGNATURE_HEADER]: signature, [TIMESTAMP_HEADER]: timestamp })).status).toBe(413);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 3; i++) controller.enqueue(new Uint8Array(1024 * 1024).fill(32));
        controller.close();
      },
    });
    const request = new Request(`${TEST_APP_URL}/webhooks/sendgrid/${tokenA}`, { method: "POST", body: stream, duplex: "half" } as RequestInit);
    expect((await action({ request, params: { token: tokenA }, context: {} })).status).toBe(413);
    expect(await eventCount()).toBe(0);
  });

  it("an unknown or malformed token: 404, even with a valid signature", async () => {
    const [a] = await sendTo(SHOP, 1);
    expect((await deliver("A".repeat(43), [{ event: "delivered", message: a!.record }])).status).toBe(404);
    expect((await deliver("../../etc", [{ event: "delivered", message: a!.record }])).status).toBe(404);
    expect((await deliver("", [{ event: "delivered", message: a!.record }])).status).toBe(404);
    expect(await eventCount()).toBe(0);
  });

  it("malformed events in a valid batch are skipped and counted, the valid ones kept", async () => {
    const [a] = await sendTo(SHOP, 1);
    const r = await deliver(tokenA, [
      { event: "delivered", message: a!.record },
      { event: "open", email: "x@example.com", timestamp: t(1) }, // no sg_event_id
      { event: "exploded", sg_event_id: "z1", timestamp: t(1) },
      { event: "open", sg_event_id: "z2", timestamp: "soon" },
      "not an event" as unknown as SendGridEvent,
    ]);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ received: 5, stored: 1, skipped: 4 });
    expect(await eventCount()).toBe(1);
  });
});

describe("what events do", () => {
  it("an event naming another shop's message is kept without effect: that message is untouched", async () => {
    const [b] = await sendTo(OTHER, 1);
    const r = await deliver(tokenA, [
      { event: "delivered", message: b!.record },
      { event: "spamreport", message: b!.record },
    ]);
    expect(r.body).toMatchObject({ stored: 2, unmatched: 2 });
    expect(await message(b!.id)).toMatchObject({ deliveredAt: null, spamReportedAt: null });
    expect(await profile(b!.customerId!)).toMatchObject({ emailsDelivered: 0 });
    expect(await prisma.suppression.count()).toBe(0);
    expect(await prisma.emailEvent.count({ where: { shopId: SHOP, messageId: null } })).toBe(2);
    expect(await prisma.emailEvent.count({ where: { shopId: OTHER } })).toBe(0);
  });

  it("machine opens are kept but set machineOpenedAt only: no opens, no openedAt, nothing on the profile", async () => {
    const [a] = await sendTo(SHOP, 1);
    await deliver(tokenA, [
      { event: "delivered", message: a!.record },
      { event: "open", message: a!.record, machineOpen: true },
      { event: "open", message: a!.record, machineOpen: true },
    ]);
    const m = await message(a!.id);
    expect(m).toMatchObject({ opens: 0, openedAt: null });
    expect(m.machineOpenedAt).not.toBeNull();
    expect(await profile(a!.customerId!)).toMatchObject({ emailOpens: 0, lastEmailOpenAt: null, emailsDelivered: 1 });
    expect(await prisma.emailEvent.count({ where: { machineOpen: true } })).toBe(2);
    const d = await deliverabilityFor(SHOP, { since: new Date(Date.now() - 3600_000) });
    expect(d.counts).toMatchObject({ delivered: 1, opened: 0, machineOpenedOnly: 1 });
    expect(d.rates.openRate).toBe(0);
  });

  it("a hard bounce suppresses the address (no consent change, no write-back); a blocked bounce only records", async () => {
    const [a, b] = await sendTo(SHOP, 2);
    await deliver(tokenA, [
      { event: "bounce", message: a!.record, bounceType: "bounce" },
      { event: "bounce", message: b!.record, bounceType: "blocked" },
    ]);
    expect((await message(a!.id)).bouncedAt).not.toBeNull();
    expect(await isSuppressed(SHOP, a!.record.to.email)).toBe(true);
    expect((await prisma.suppression.findFirstOrThrow()).reason).toBe("hard-bounce");
    expect((await prisma.customer.findUniqueOrThrow({ where: { id: a!.customerId! } })).emailConsentState).toBe("SUBSCRIBED");
    expect(await prisma.job.count()).toBe(0);
    expect((await message(b!.id)).bouncedAt).toBeNull();
    expect(await isSuppressed(SHOP, b!.record.to.email)).toBe(false);
    expect((await prisma.emailEvent.findFirstOrThrow({ where: { messageId: b!.id } })).reason).toMatch(/^blocked: /);
  });

  it("a spam report and an unsubscribe do what our own link does: suppression, consent, one write-back job each", async () => {
    const [a, b, c] = await sendTo(SHOP, 3);
    await deliver(tokenA, [
      { event: "spamreport", message: a!.record },
      { event: "unsubscribe", message: b!.record },
      { event: "group_unsubscribe", message: c!.record },
      { event: "dropped", message: c!.record, reason: "Unsubscribed Address" },
    ]);
    expect((await message(a!.id)).spamReportedAt).not.toBeNull();
    expect((await message(b!.id)).unsubscribedAt).not.toBeNull();
    expect((await message(c!.id)).unsubscribedAt).not.toBeNull();
    expect((await message(c!.id)).droppedAt).not.toBeNull();
    const reasons = Object.fromEntries((await prisma.suppression.findMany()).map((s) => [s.source, s.reason]));
    expect(reasons).toEqual({ [`sendgrid:message:${a!.id}`]: "spam-report", [`sendgrid:message:${b!.id}`]: "unsubscribe", [`sendgrid:message:${c!.id}`]: "unsubscribe" });
    for (const s of [a!, b!, c!]) {
      expect((await prisma.customer.findUniqueOrThrow({ where: { id: s.customerId! } })).emailConsentState).toBe("UNSUBSCRIBED");
      expect(await isSuppressed(SHOP, s.record.to.email)).toBe(true);
    }
    const jobs = await prisma.job.findMany({ where: { type: CONSENT_WRITEBACK_JOB } });
    expect(jobs.map((j) => (j.payload as { customerId: string }).customerId).sort()).toEqual([a!.customerId, b!.customerId, c!.customerId].sort());
    // A redelivery queues nothing more.
    await deliver(tokenA, [{ event: "unsubscribe", message: b!.record }]);
    expect(await prisma.job.count()).toBe(3);
    expect(await prisma.suppression.count()).toBe(3);
  });

  it("a guest's unsubscribe (no customer) suppresses the address alone", async () => {
    const [g] = await sendTo(SHOP, 1, { guest: true });
    await deliver(tokenA, [{ event: "unsubscribe", message: g!.record }]);
    expect(await isSuppressed(SHOP, g!.record.to.email)).toBe(true);
    expect(await prisma.job.count()).toBe(0);
  });

  it("an `unknown` message becomes `sent` on its first event; other statuses are left alone", async () => {
    const [u] = await sendTo(SHOP, 1, { status: "unknown" });
    const [q] = await sendTo(SHOP, 1, { status: "queued" });
    await deliver(tokenA, [
      { event: "processed", message: u!.record, timestamp: t(30) },
      { event: "deferred", message: q!.record, timestamp: t(30) },
    ]);
    const m = await message(u!.id);
    expect(m.status).toBe("sent");
    expect(m.sentAt!.getTime()).toBe(t(30) * 1000);
    expect((await message(q!.id)).status).toBe("queued");
    // Any event type counts, delivered included.
    const [u2] = await sendTo(SHOP, 1, { status: "unknown" });
    await deliver(tokenA, [{ event: "delivered", message: u2!.record }]);
    expect((await message(u2!.id)).status).toBe("sent");
  });

  it("test sends never touch the profile", async () => {
    const [x] = await sendTo(SHOP, 1, { test: true });
    await deliver(tokenA, [
      { event: "delivered", message: x!.record },
      { event: "open", message: x!.record },
      { event: "click", message: x!.record },
    ]);
    expect(await message(x!.id)).toMatchObject({ opens: 1, clicks: 1 });
    expect(await profile(x!.customerId!)).toMatchObject({ emailsDelivered: 0, emailOpens: 0, emailClicks: 0, lastEmailOpenAt: null });
    expect((await deliverabilityFor(SHOP, { since: new Date(0) })).counts.sent).toBe(0);
  });
});

describe("deliverabilityFor", () => {
  it("counts the period's messages in SQL, per shop and per campaign", async () => {
    const sent = await sendTo(SHOP, 10);
    await sendTo(OTHER, 3);
    await prisma.message.updateMany({ where: { id: sent[9]!.id }, data: { campaignId: "camp-2" } });
    await deliver(tokenA, [
      ...sent.slice(0, 8).map((s) => ({ event: "delivered" as const, message: s.record })),
      { event: "bounce", message: sent[8]!.record, bounceType: "bounce" },
      { event: "open", message: sent[0]!.record },
      { event: "open", message: sent[0]!.record },
      { event: "open", message: sent[1]!.record },
      { event: "click", message: sent[1]!.record },
      { event: "spamreport", message: sent[2]!.record },
      { event: "unsubscribe", message: sent[3]!.record },
    ]);
    const since = new Date(Date.now() - 3600_000);
    const d = await deliverabilityFor(SHOP, { since });
    expect(d.counts).toEqual({ sent: 10, delivered: 8, bounced: 1, dropped: 0, opened: 2, machineOpenedOnly: 0, clicked: 1, unsubscribed: 1, spamReports: 1 });
    expect(d.rates.bounceRate).toBeCloseTo(0.1);
    expect(d.rates.openRate).toBeCloseTo(0.25);
    expect(d.rates.spamComplaintRate).toBeCloseTo(0.125);
    expect(d.complaints.level).toBe("too-few");
    expect((await deliverabilityFor(SHOP, { since, minDelivered: 5 })).complaints.level).toBe("alarm");
    expect((await deliverabilityFor(SHOP, { since, campaignId: "camp-2" })).counts.sent).toBe(1);
    expect((await deliverabilityFor(SHOP, { since: new Date(Date.now() + 60_000) })).counts.sent).toBe(0);
    expect((await deliverabilityFor(OTHER, { since })).counts).toMatchObject({ sent: 3, delivered: 0 });
  });
});

describe("the webhook URL", () => {
  it("is created once per shop, unguessable, and the same for concurrent callers", async () => {
    await prisma.shopSettings.update({ where: { shopId: OTHER }, data: { webhookToken: null } });
    const tokens = await Promise.all(Array.from({ length: 5 }, () => ensureWebhookToken(OTHER)));
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokens[0]).not.toBe(tokenB);
    expect(await ensureWebhookToken(SHOP)).toBe(tokenA);
    expect(await eventWebhookUrl(SHOP)).toBe(`${TEST_APP_URL}/webhooks/sendgrid/${tokenA}`);
    // A shop with no settings row yet gets one.
    await prisma.shop.create({ data: { id: "events-c.myshopify.com", status: "installed" } });
    const c = await Promise.all([ensureWebhookToken("events-c.myshopify.com"), ensureWebhookToken("events-c.myshopify.com")]);
    expect(c[0]).toBe(c[1]);
    await prisma.shop.delete({ where: { id: "events-c.myshopify.com" } });
    await expect(ensureWebhookToken("nope.myshopify.com")).rejects.toThrow(/no shop/);
  });
});

describe("a large batch", () => {
  it("3,000 events for 1,000 messages are stored and applied in one request, quickly", async () => {
    const sent = await sendTo(SHOP, 1000);
    const ts = t(20);
    const events = hook.build(sent.flatMap((s, i) => [
      { event: "delivered" as const, message: s.record, timestamp: ts + (i % 5) },
      { event: "open" as const, message: s.record, timestamp: ts + 10 + (i % 7), machineOpen: i % 3 === 0 },
      { event: "click" as const, message: s.record, timestamp: ts + 15 },
    ]));
    const started = performance.now();
    const r = await deliver(tokenA, [], { events });
    const ms = performance.now() - started;
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ stored: 3000 });
    console.log(`[bench] sendgrid events: 3,000 events / 1,000 messages in ${Math.round(ms)} ms (${process.env.TEST_DATABASE ?? "sqlite"})`);
    const again = performance.now();
    expect((await deliver(tokenA, [], { events })).body).toMatchObject({ stored: 0, duplicates: 3000 });
    console.log(`[bench] sendgrid events: the same batch redelivered in ${Math.round(performance.now() - again)} ms`);
    expect(await prisma.message.count({ where: { shopId: SHOP, deliveredAt: { not: null }, clickedAt: { not: null } } })).toBe(1000);
    expect(await prisma.message.count({ where: { shopId: SHOP, openedAt: { not: null } } })).toBe(666);
    const totals = await prisma.customerProfile.aggregate({ where: { shopId: SHOP }, _sum: { emailsDelivered: true, emailOpens: true, emailClicks: true } });
    expect(totals._sum).toEqual({ emailsDelivered: 1000, emailOpens: 666, emailClicks: 1000 });
    expect(ms).toBeLessThan(15_000);
  }, 120_000);
});
