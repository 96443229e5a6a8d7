// `loopwise demo --headless --json` end to end, on a small store and a database
// of its own: the replay, the audience, the flows approved by the demo merchant,
// delivery to the fake SendGrid (.eml files), and the recipients' signed events
// back through the app's real webhook route; then the shoppers' orders, refunds
// and a cancellation through the real order webhooks, and what attribution made of them.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clickTokenOf, discountCodesOf, netRevenue } from "~/core/attribution/rules";
import { openDatabase, type Database } from "~/db.server";

const bin = path.resolve(__dirname, "../../../bin/loopwise.js");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loopwise-demo-test-"));
const database = path.join(dir, "demo.db");

interface Summary {
  customers: number;
  flowsApproved: number;
  messagesSent: number;
  messagesSkipped: Record<string, number>;
  messagesCancelled: Record<string, number>;
  emailDir: string;
  emlFiles: number;
  delivered: number;
  opens: number;
  machineOpens: number;
  clicks: number;
  emailEvents: number;
  deliverySeconds: number;
  sendRequests: number;
  simulatedUntil: string;
  checkoutsOpened: number;
  ordersPlaced: Record<string, number>;
  unrelatedOrders: string[];
  refundsPlaced: number;
  cancelledPlaced: number;
  ordersAttributed: number;
  attributedRevenue: number;
  attributedRevenueCurrency: string;
  attributionByRule: Record<string, number>;
  attributedCancelled: number;
}

let summary: Summary;
let stderr = "";
let db: Database;

function runDemo(): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, "demo", "--headless", "--json", "--customers", "150", "--products", "40", "--seed", "7"], {
      env: { ...process.env, NODE_ENV: "test", LOOPWISE_DEMO_DATABASE: database, LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-20_000)));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out }));
  });
}

/** RFC 5322: CRLF lines, header fields (folded lines start with white space), an empty line, then the body. */
function parseEml(raw: string): { headers: Map<string, string>; body: string } {
  const end = raw.indexOf("\r\n\r\n");
  if (end < 0) throw new Error("no empty line between header and body");
  const head = raw.slice(0, end);
  if (/[^\r]\n|\r[^\n]/.test(head)) throw new Error("bare CR or LF in the header");
  const headers = new Map<string, string>();
  let last = "";
  for (const line of head.split("\r\n")) {
    if (/^[ \t]/.test(line)) {
      if (!last) throw new Error("a folded line before any field");
      headers.set(last, `${headers.get(last)!} ${line.trim()}`.trim());
      continue;
    }
    const m = /^([!-9;-~]+):[ \t]?(.*)$/.exec(line);
    if (!m) throw new Error(`not a header field: ${line.slice(0, 80)}`);
    last = m[1]!.toLowerCase();
    headers.set(last, m[2]!);
    if (line.length > 998) throw new Error("a header line over 998 characters");
  }
  return { headers, body: raw.slice(end + 4) };
}

beforeAll(async () => {
  const { code, out } = await runDemo();
  if (code !== 0) throw new Error(`demo exited ${code}:\n${stderr.slice(-3000)}`);
  summary = JSON.parse(out.trim().split("\n").pop()!) as Summary;
  db = openDatabase("file:" + database);
  const { messagesSent, messagesSkipped, messagesCancelled, sendRequests, emlFiles, delivered, opens, machineOpens, clicks, emailEvents, deliverySeconds } = summary;
  console.info(`[demo delivery] ${JSON.stringify({ messagesSent, messagesSkipped, messagesCancelled, sendRequests, emlFiles, delivered, opens, machineOpens, clicks, emailEvents, deliverySeconds })}`);
  const { checkoutsOpened, ordersPlaced, refundsPlaced, cancelledPlaced, ordersAttributed, attributedRevenue, attributionByRule, attributedCancelled } = summary;
  console.info(`[demo orders] ${JSON.stringify({ checkoutsOpened, ordersPlaced, refundsPlaced, cancelledPlaced, ordersAttributed, attributedRevenue, attributionByRule, attributedCancelled })}`);
}, 900_000);

afterAll(async () => {
  await db?.$disconnect();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("loopwise demo --headless --json: delivery", () => {
  it("approves the flows and sends emails, each once, with skips and their reasons", async () => {
    expect(summary.customers).toBe(150);
    expect(summary.flowsApproved).toBe(6);
    expect(summary.messagesSent).toBeGreaterThan(0);
    expect(Object.keys(summary.messagesSkipped).length).toBeGreaterThan(0);
    for (const [reason, n] of Object.entries(summary.messagesSkipped)) {
      expect(reason).toMatch(/^[a-z-]+$/);
      expect(n).toBeGreaterThan(0);
    }
    // Requests batch the recipients of one email: fewer requests than emails.
    expect(summary.sendRequests).toBeGreaterThan(0);
    expect(summary.sendRequests).toBeLessThan(summary.messagesSent);
    const sent = await db.message.count({ where: { status: "sent" } });
    expect(sent).toBe(summary.messagesSent);
    const skipped = await db.message.groupBy({ by: ["skipReason"], where: { status: "skipped" }, _count: { _all: true } });
    expect(Object.fromEntries(skipped.map((r) => [r.skipReason, r._count._all]))).toEqual(summary.messagesSkipped);
  });

  it("writes one .eml per email sent, each an RFC 5322 message with List-Unsubscribe", async () => {
    expect(summary.emailDir).toBe(path.join(dir, "demo-emails"));
    const files = fs.readdirSync(summary.emailDir).filter((f) => f.endsWith(".eml"));
    expect(files.length).toBe(summary.messagesSent);
    expect(summary.emlFiles).toBe(files.length);
    const sentTo = new Set((await db.message.findMany({ where: { status: "sent" }, select: { email: true } })).map((m) => m.email!.toLowerCase()));
    const seen = new Map<string, number>();
    for (const file of files) {
      const { headers, body } = parseEml(fs.readFileSync(path.join(summary.emailDir, file), "utf8"));
      for (const name of ["from", "to", "subject", "date", "message-id", "mime-version", "list-unsubscribe", "list-unsubscribe-post"]) expect(headers.has(name), `${file}: ${name}`).toBe(true);
      expect(headers.get("list-unsubscribe")).toMatch(/^<https?:\/\/[^>]+\/unsubscribe\/[^>]+>$/);
      expect(headers.get("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
      expect(Number.isNaN(Date.parse(headers.get("date")!))).toBe(false);
      const boundary = /multipart\/alternative;\s*boundary="?([^";]+)"?/.exec(headers.get("content-type") ?? "")?.[1];
      expect(boundary, `${file}: multipart/alternative`).toBeTruthy();
      expect(body).toContain(`--${boundary}--`);
      const to = /<?([^<>\s]+@[^<>\s]+)>?$/.exec(headers.get("to")!)![1]!.toLowerCase();
      expect(sentTo.has(to), `${file} went to ${to}, who has no sent message`).toBe(true);
      seen.set(headers.get("message-id")!, (seen.get(headers.get("message-id")!) ?? 0) + 1);
    }
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
  });

  it("brings opens, machine opens and clicks back through the signed webhook route", async () => {
    expect(summary.delivered).toBeGreaterThan(0);
    expect(summary.opens).toBeGreaterThan(0);
    expect(summary.machineOpens).toBeGreaterThan(0);
    expect(summary.clicks).toBeGreaterThan(0);
    expect(summary.deliverySeconds).toBeGreaterThan(0);
    // The counts are the webhook route's work: stored events, and the messages they moved.
    expect(await db.emailEvent.count()).toBe(summary.emailEvents);
    expect(await db.emailEvent.count({ where: { type: "open", machineOpen: true } })).toBeGreaterThan(0);
    expect(await db.emailEvent.count({ where: { type: "click" } })).toBeGreaterThanOrEqual(summary.clicks);
    expect(await db.message.count({ where: { openedAt: { not: null } } })).toBe(summary.opens);
    // A machine open never counts as a person's open.
    const machineOnly = await db.emailEvent.findMany({ where: { type: "open", machineOpen: true }, select: { messageId: true } });
    const humanOpened = new Set((await db.emailEvent.findMany({ where: { type: "open", machineOpen: false }, select: { messageId: true } })).map((e) => e.messageId));
    const onlyMachine = machineOnly.filter((e) => !humanOpened.has(e.messageId)).map((e) => e.messageId!);
    expect(await db.message.count({ where: { id: { in: onlyMachine }, openedAt: { not: null } } })).toBe(0);
  });
});

describe("loopwise demo --headless --json: the shoppers' orders and what earned them", () => {
  const DAY_MS = 86_400_000;

  it("attributes orders by discount code, checkout, click token and last click, as the Attribution rows say", async () => {
    expect(summary.ordersAttributed).toBeGreaterThan(0);
    expect(summary.attributedRevenueCurrency).toBe("USD");
    for (const rule of ["discount-code", "click-token", "last-click"]) expect(summary.attributionByRule[rule], rule).toBeGreaterThan(0);
    if ((await db.message.count({ where: { flowType: "cart-recovery", status: "sent" } })) > 0) expect(summary.attributionByRule["checkout-token"]).toBeGreaterThan(0);
    // The summary is the database's: a direct count of the rows (cancelled orders apart, as the dashboard counts them).
    const rows = await db.attribution.findMany({ where: { cancelled: false }, select: { rule: true, revenue: true } });
    expect(rows.length).toBe(summary.ordersAttributed);
    const byRule: Record<string, number> = {};
    for (const r of rows) byRule[r.rule] = (byRule[r.rule] ?? 0) + 1;
    expect(Object.fromEntries(Object.entries(summary.attributionByRule).filter(([, n]) => n > 0))).toEqual(byRule);
    expect(Math.round(summary.attributedRevenue * 100)).toBe(rows.reduce((s, r) => s + r.revenue, 0));
    expect(summary.attributedCancelled).toBe(await db.attribution.count({ where: { cancelled: true } }));
  });

  it("each attribution's evidence is on its order, placed after the demo's now and after the touch", async () => {
    const now = new Date((await db.message.findFirst({ where: { status: "sent" }, orderBy: { sentAt: "asc" }, select: { sentAt: true } }))!.sentAt!);
    const attributions = await db.attribution.findMany();
    const orders = new Map((await db.order.findMany({ where: { id: { in: attributions.map((a) => a.orderId) } } })).map((o) => [o.id, o]));
    for (const a of attributions) {
      const order = orders.get(a.orderId)!;
      const message = (await db.message.findUnique({ where: { id: a.messageId } }))!;
      expect(order.shopifyCreatedAt.getTime()).toBeGreaterThanOrEqual(now.getTime());
      expect(message.sentAt!.getTime()).toBeLessThanOrEqual(order.shopifyCreatedAt.getTime());
      expect(a.touchedAt.getTime()).toBeLessThanOrEqual(order.shopifyCreatedAt.getTime());
      expect(a.revenue).toBe(netRevenue(order));
      switch (a.rule) {
        case "discount-code": {
          const offer = await db.offer.findFirst({ where: { campaignId: message.campaignId, step: message.step, customerId: message.customerId! } });
          expect(discountCodesOf(order.discountCodes)).toContain(offer!.code);
          break;
        }
        case "checkout-token": {
          const enrollment = await db.enrollment.findUnique({ where: { id: message.enrollmentId! } });
          expect(enrollment!.triggerKey).toBe(`checkout:${order.checkoutToken}`);
          break;
        }
        case "click-token":
          expect(clickTokenOf(order.landingSite)).toBe(a.messageId);
          expect(order.landingSite).toMatch(/utm_source=loopwise&utm_medium=email&utm_campaign=/);
          break;
        case "last-click": {
          expect(clickTokenOf(order.landingSite)).toBeNull();
          const click = await db.emailEvent.findFirst({ where: { messageId: a.messageId, type: "click", occurredAt: { gte: new Date(order.shopifyCreatedAt.getTime() - 5 * DAY_MS), lte: order.shopifyCreatedAt } } });
          expect(click).not.toBeNull();
          break;
        }
        default:
          throw new Error(`unexpected rule ${a.rule}`);
      }
    }
  });

  it("orders unrelated to any email are placed and not attributed", async () => {
    expect(summary.unrelatedOrders.length).toBeGreaterThanOrEqual(2);
    const unrelated = await db.order.findMany({ where: { name: { in: summary.unrelatedOrders } }, select: { id: true } });
    expect(unrelated).toHaveLength(summary.unrelatedOrders.length);
    expect(await db.attribution.count({ where: { orderId: { in: unrelated.map((o) => o.id) } } })).toBe(0);
    // Nor is anything from the store's history, which predates every email.
    const firstSend = (await db.message.findFirst({ where: { status: "sent" }, orderBy: { sentAt: "asc" }, select: { sentAt: true } }))!.sentAt!;
    const history = await db.order.findMany({ where: { shopifyCreatedAt: { lt: firstSend } }, select: { id: true } });
    expect(history.length).toBeGreaterThan(0);
    expect(await db.attribution.count({ where: { orderId: { in: history.map((o) => o.id) } } })).toBe(0);
  });

  it("refunds and the cancellation net out, and the dashboard's daily stats equal the attributions", async () => {
    expect(summary.cancelledPlaced).toBe(1);
    expect(summary.refundsPlaced).toBeGreaterThanOrEqual(1);
    const attributed = await db.attribution.findMany({ select: { orderId: true, revenue: true, cancelled: true } });
    const orders = await db.order.findMany({ where: { id: { in: attributed.map((a) => a.orderId) } }, select: { id: true, totalPrice: true, refundedAmount: true, cancelledAt: true } });
    expect(orders.filter((o) => o.cancelledAt).length).toBe(summary.attributedCancelled);
    expect(orders.some((o) => o.refundedAmount > 0 && !o.cancelledAt)).toBe(true);
    const net = orders.reduce((s, o) => s + netRevenue(o), 0);
    expect(net).toBeLessThan(orders.reduce((s, o) => s + o.totalPrice, 0));
    expect(Math.round(summary.attributedRevenue * 100)).toBe(net);
    const stats = await db.dailyStats.aggregate({ _sum: { revenue: true, orders: true } });
    expect(stats._sum.revenue).toBe(net);
    expect(stats._sum.orders).toBe(summary.ordersAttributed);
    expect(await db.dirtyStats.count()).toBe(0);
  });
});
