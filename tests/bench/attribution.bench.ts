// Attribution and dashboard benchmark (issue 6, "Measure and report"). Prints, never asserts.
//
//   npx tsx tests/bench/attribution.bench.ts
//   BENCH_MESSAGES=1000000 (sizes, comma-separated, each in its own child process so its peak
//   memory is its own; BENCH_MESSAGES=20000 for a quick run), BENCH_CUSTOMERS (default
//   messages / 10, so 100,000 at 1M), BENCH_ORDERS=200 (orders per kind), BENCH_DATABASE=postgres
//   (a fresh database on BENCH_POSTGRES_URL's server, default postgresql://postgres@127.0.0.1:5432/test,
//   dropped afterwards), BENCH_KEEP=1 (keep the database), BENCH_WEBHOOKS=50 (0: skip the route).
//
// 1. Attribution of one order with BENCH_MESSAGES sent messages stored. The fixture, bulk-inserted
//    (better-sqlite3 prepared inserts in one transaction per chunk on SQLite, one INSERT … SELECT
//    FROM unnest(…) per table and chunk on PostgreSQL: Prisma's createMany is far too slow): a shop
//    of BENCH_CUSTOMERS customers, 30 campaigns (8 flows sending every day of the year: cart
//    recovery, browse abandonment, welcome, post-purchase, win-back and three custom flows; 22
//    one-off launches and sales), their enrollments and sent messages over the last year, SendGrid
//    events (delivered ~97 %, bounced ~2 %, opens ~20 % of which a third machine opens, clicks ~3 %,
//    a few unsubscribes), discount-code offers on win-back, cart recovery's second email and a third
//    of the launches, and ~30 % of clicks (~0.9 % of messages) followed by an attributed order (history for the
//    dashboard). Then BENCH_ORDERS orders of each kind (discount code, checkout token, click token,
//    last click, unattributed), interleaved, each in its own transaction as the order webhook does
//    (create the Order row, then attributeOrder): p50/p95/max of attributeOrder and of the whole
//    transaction per rule, and each order's rule and message checked against the one the fixture
//    says it must get (mismatches printed). Then BENCH_WEBHOOKS click-token orders through the real
//    /webhooks/orders route action with signed requests (verify, receipt, upsert, attribute).
// 2. Dashboard. DailyStats derived from the seeded messages and attributions by rebuildStats
//    (timed), plus a second shop whose DailyStats are seeded directly, dense (30 campaigns sending
//    every day of the year × steps × variants A/B: the worst case the rollups can reach). Then the
//    dashboard for 7, 30 and 365 days on both shops: loadDashboard from
//    app/core/reports/dashboard.server.ts when that file exists, else a direct read of the
//    DailyStats (sums by day, by campaign, by campaign × step × variant and the previous period),
//    "cold" (a new database client per call: connection and first query included) and warm (the
//    same client, after one call), p50 of 20 each. Then refreshStats for a typical day's marks: 50
//    (campaign, day) buckets of the last week, and 50 drawn from the whole year (one-off campaign
//    days included), 5 rounds each.
// Prints seed time, the peak RSS of the seed and of the measurements, and the load average.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { mulberry32 } from "../../app/core/random";
import { bulkWriter, freshDatabase, loadAverage, mb, postgres, resetPeak, round, vmHwmMb, type BulkWriter, type Row } from "./bench-db";
import { percentile } from "./load";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const SHOP = "bench-attribution.myshopify.com";
const DENSE_SHOP = "bench-dashboard-dense.myshopify.com";
const ZONE = "America/Chicago";
const HOUR = 3_600_000;
const DAY = 86_400_000;
const KINDS = ["discount-code", "checkout-token", "click-token", "last-click", "unattributed"] as const;
type Kind = (typeof KINDS)[number];

process.env.NODE_ENV = "test";
process.env.SHOPIFY_API_KEY ??= "bench-key";
process.env.SHOPIFY_API_SECRET ??= "bench-secret";
process.env.SHOPIFY_APP_URL ??= "https://loopwise.example.com";
process.env.LOG_LEVEL = "error";
process.env.LOOPWISE_WORKER = "off";

// ---------------------------------------------------------------- the fixture's shape

interface CampaignSpec {
  id: string;
  kind: "flow" | "campaign";
  flowType: string;
  name: string;
  /** Delay of each step after the trigger (flows) or the send day (campaigns). */
  delays: number[];
  /** Share of the messages (flows) or of the campaigns' share. */
  weight: number;
  /** Steps that carry a discount code. */
  offerSteps: number[];
  /** One-off: the day it goes (days before now). */
  daysAgo?: number;
}

function campaignSpecs(prefix: string): CampaignSpec[] {
  const flows: CampaignSpec[] = [
    { id: `${prefix}f01`, kind: "flow", flowType: "cart-recovery", name: "Cart recovery", delays: [HOUR, DAY, 3 * DAY], weight: 0.3, offerSteps: [1] },
    { id: `${prefix}f02`, kind: "flow", flowType: "browse-abandonment", name: "Browse abandonment", delays: [4 * HOUR, 2 * DAY], weight: 0.2, offerSteps: [] },
    { id: `${prefix}f03`, kind: "flow", flowType: "welcome", name: "Welcome series", delays: [5 * 60_000, 2 * DAY, 5 * DAY], weight: 0.15, offerSteps: [] },
    { id: `${prefix}f04`, kind: "flow", flowType: "post-purchase", name: "Post-purchase", delays: [3 * DAY, 14 * DAY], weight: 0.12, offerSteps: [] },
    { id: `${prefix}f05`, kind: "flow", flowType: "win-back", name: "Win-back", delays: [0, 7 * DAY, 14 * DAY], weight: 0.1, offerSteps: [0, 1, 2] },
    { id: `${prefix}f06`, kind: "flow", flowType: "custom", name: "Back in stock", delays: [0], weight: 0.05, offerSteps: [] },
    { id: `${prefix}f07`, kind: "flow", flowType: "custom", name: "Birthday", delays: [0, 3 * DAY], weight: 0.04, offerSteps: [0] },
    { id: `${prefix}f08`, kind: "flow", flowType: "custom", name: "Replenishment", delays: [0, 7 * DAY], weight: 0.04, offerSteps: [] },
  ];
  const oneOff: CampaignSpec[] = Array.from({ length: 22 }, (_, k) => ({
    id: `${prefix}c${String(k + 1).padStart(2, "0")}`,
    kind: "campaign",
    flowType: k % 2 === 0 ? "launch" : "custom",
    name: k % 2 === 0 ? `Launch ${k / 2 + 1}` : `Sale ${(k + 1) / 2}`,
    delays: [0],
    weight: 1 / 22,
    offerSteps: k % 6 === 0 ? [0] : [],
    daysAgo: 5 + Math.floor(((k + 0.5) * 355) / 22),
  }));
  return [...flows, ...oneOff];
}

/** What the orders of each kind are built from, kept while the fixture is written. */
interface Samples {
  offers: Array<{ code: string; customerId: string; messageId: string; sentAt: number }>;
  checkouts: Array<{ token: string; customerId: string; messages: Array<{ id: string; sentAt: number }> }>;
  sent: Array<{ id: string; customerId: string; sentAt: number }>;
  clicks: Array<{ customerId: string; at: number }>;
  /** Every click, by customer (~3 % of messages): the expected last click is computed from these. */
  clicksByCustomer: Map<string, Array<{ messageId: string; at: number; sentAt: number }>>;
  customersWithMessages: string[];
}

function reservoir<T>(list: T[], cap: number, seen: number, item: T, random: () => number) {
  if (list.length < cap) list.push(item);
  else {
    const j = Math.floor(random() * seen);
    if (j < cap) list[j] = item;
  }
}

// ---------------------------------------------------------------- bulk writers

/** Seconds spent inserting into each table (the fixture's cost, printed with the seed time). */
const insertSeconds: Record<string, number> = {};

function timed(w: BulkWriter): BulkWriter {
  return {
    async insert(table, rows) {
      const t = performance.now();
      await w.insert(table, rows);
      insertSeconds[table] = round((insertSeconds[table] ?? 0) + (performance.now() - t) / 1000);
    },
    close: () => w.close(),
  };
}

// ---------------------------------------------------------------- seed

interface Counts {
  customers: number;
  enrollments: number;
  messages: number;
  events: number;
  offers: number;
  orders: number;
  attributions: number;
}

async function seed(url: string, messagesWanted: number, customers: number, ordersPerKind: number, now: number): Promise<{ samples: Samples; counts: Counts }> {
  const { openDatabase } = await import("../../app/db.server");
  const db = openDatabase(url);
  const random = mulberry32(6);
  const sampleRandom = mulberry32(60);
  const stamp = new Date(now);
  await db.shop.create({ data: { id: SHOP, name: "Bench Attribution", currency: "USD", timezone: ZONE } });
  await db.shop.create({ data: { id: DENSE_SHOP, name: "Bench Dense", currency: "USD", timezone: ZONE } });
  const specs = campaignSpecs("bc");
  for (const [shopId, list] of [[SHOP, specs], [DENSE_SHOP, campaignSpecs("dc")]] as const) {
    await db.campaign.createMany({
      data: list.map((c) => ({ id: c.id, shopId, kind: c.kind, flowType: c.flowType, objective: "sales", name: c.name, plan: {}, status: "approved", enabled: c.kind === "flow" })),
    });
  }
  await db.$disconnect();
  const w = timed(await bulkWriter(url));
  const cid = (i: number) => `c${String(i).padStart(7, "0")}`;
  const counts: Counts = { customers, enrollments: 0, messages: 0, events: 0, offers: 0, orders: 0, attributions: 0 };

  for (let start = 0; start < customers; start += 10_000) {
    const rows: Row[] = [];
    for (let i = start; i < Math.min(customers, start + 10_000); i++) {
      rows.push({ id: cid(i), shopId: SHOP, shopifyId: String(1_000_000 + i), email: `b${i}@example.com`, firstName: `Reader${i}`, emailConsentState: "SUBSCRIBED", createdAt: stamp, updatedAt: stamp });
    }
    await w.insert("Customer", rows);
  }

  const samples: Samples = { offers: [], checkouts: [], sent: [], clicks: [], clicksByCustomer: new Map(), customersWithMessages: [] };
  const seen = { offers: 0, checkouts: 0, sent: 0, clicks: 0, customers: 0 };
  const offerKeys = new Set<string>();
  const cap = ordersPerKind;
  let enrollments: Row[] = [];
  let messages: Row[] = [];
  let events: Row[] = [];
  let offers: Row[] = [];
  let orders: Row[] = [];
  let attributions: Row[] = [];
  let eventSeq = 0;
  const flush = async (force: boolean) => {
    if (!force && messages.length < 10_000) return;
    await w.insert("Enrollment", enrollments);
    await w.insert("Message", messages);
    await w.insert("EmailEvent", events);
    await w.insert("Offer", offers);
    await w.insert("Order", orders);
    await w.insert("Attribution", attributions);
    counts.enrollments += enrollments.length;
    counts.messages += messages.length;
    counts.events += events.length;
    counts.offers += offers.length;
    counts.orders += orders.length;
    counts.attributions += attributions.length;
    if (Math.floor(counts.messages / 200_000) !== Math.floor((counts.messages - messages.length) / 200_000)) {
      process.stderr.write(`  fixture: ${counts.messages.toLocaleString("en")} messages written, RSS ${mb(process.memoryUsage().rss)} MB, load ${loadAverage()}\n`);
    }
    enrollments = [];
    messages = [];
    events = [];
    offers = [];
    orders = [];
    attributions = [];
  };
  const event = (messageId: string, type: string, at: number, extra: Row = {}) => {
    const id = `e${String(eventSeq++).padStart(9, "0")}`;
    events.push({ id, shopId: SHOP, messageId, sgEventId: id, type, machineOpen: false, occurredAt: new Date(at), url: null, receivedAt: new Date(at + 60_000), ...extra });
  };

  /** One enrollment and the messages its steps sent (a flow stops early ~30 % of the time per step). */
  const enroll = (spec: CampaignSpec, customer: number, triggeredAt: number, maxMessages: number) => {
    const eid = `n${String(counts.enrollments + enrollments.length).padStart(8, "0")}`;
    const customerId = cid(customer);
    const token = spec.flowType === "cart-recovery" ? `tok${eid}` : null;
    enrollments.push({
      id: eid,
      shopId: SHOP,
      campaignId: spec.id,
      customerId,
      triggerKey: token ? `checkout:${token}` : `${spec.flowType}:${eid}`,
      triggeredAt: new Date(triggeredAt),
      status: "completed",
      createdAt: new Date(triggeredAt),
      updatedAt: new Date(triggeredAt),
    });
    const sentHere: Array<{ id: string; sentAt: number }> = [];
    for (let step = 0; step < spec.delays.length && sentHere.length < maxMessages; step++) {
      if (step > 0 && random() < 0.3) break;
      const sentAt = triggeredAt + spec.delays[step]! + Math.floor(random() * 120_000);
      if (sentAt > now - HOUR) break;
      const id = `m${String(counts.messages + messages.length).padStart(8, "0")}`;
      const variant = random() < 0.5 ? "A" : "B";
      const m: Row = {
        id,
        shopId: SHOP,
        campaignId: spec.id,
        enrollmentId: eid,
        customerId,
        flowType: spec.flowType,
        step,
        variant,
        key: `${eid}:${step}`,
        email: `b${customer}@example.com`,
        status: "sent",
        scheduledFor: new Date(sentAt - 60_000),
        queuedAt: new Date(sentAt - 30_000),
        sentAt: new Date(sentAt),
        attempts: 1,
        batchId: `batch${Math.floor((counts.messages + messages.length) / 1000)}`,
        sgMessageId: `sg${id}`,
        deliveredAt: null,
        openedAt: null,
        machineOpenedAt: null,
        clickedAt: null,
        bouncedAt: null,
        unsubscribedAt: null,
        opens: 0,
        clicks: 0,
        createdAt: new Date(sentAt - 60_000),
        updatedAt: new Date(sentAt),
      };
      messages.push(m);
      sentHere.push({ id, sentAt });
      reservoir(samples.sent, cap, ++seen.sent, { id, customerId, sentAt }, sampleRandom);
      if (random() < 0.02) {
        m.bouncedAt = new Date(sentAt + 10_000);
        event(id, "bounce", sentAt + 10_000, { reason: "550 5.1.1 mailbox unavailable" });
      } else if (random() < 0.99) {
        m.deliveredAt = new Date(sentAt + 5_000);
        event(id, "delivered", sentAt + 5_000);
        if (random() < 0.2) {
          const at = sentAt + Math.floor(random() * 2 * DAY);
          if (random() < 0.35) {
            m.machineOpenedAt = new Date(sentAt + 30_000);
            event(id, "open", sentAt + 30_000, { machineOpen: true });
          } else {
            m.openedAt = new Date(at);
            m.opens = 1;
            event(id, "open", at);
          }
        }
        if (random() < 0.03) {
          const at = sentAt + 60_000 + Math.floor(random() * 2 * DAY);
          m.clickedAt = new Date(at);
          m.clicks = 1;
          event(id, "click", at, { url: `https://bench.example.com/products/p?lw=${id}` });
          reservoir(samples.clicks, cap, ++seen.clicks, { customerId, at }, sampleRandom);
          const list = samples.clicksByCustomer.get(customerId) ?? [];
          list.push({ messageId: id, at, sentAt });
          samples.clicksByCustomer.set(customerId, list);
          if (random() < 0.3) {
            // A past order this click earned: history for the dashboard.
            const placed = at + Math.floor(random() * 2 * DAY);
            if (placed < now - HOUR) {
              const oid = `h${String(counts.orders + orders.length).padStart(8, "0")}`;
              const total = 2000 + Math.floor(random() * 18_000);
              orders.push({ id: oid, shopId: SHOP, shopifyId: `9${oid.slice(1)}`, name: `#H${oid.slice(1)}`, customerId, email: `b${customer}@example.com`, currency: "USD", totalPrice: total, shopifyCreatedAt: new Date(placed), shopifyUpdatedAt: new Date(placed), createdAt: new Date(placed), updatedAt: new Date(placed) });
              attributions.push({ id: `a${oid}`, shopId: SHOP, orderId: oid, messageId: id, campaignId: spec.id, flowType: spec.flowType, step, variant, customerId, rule: "last-click", touchedAt: new Date(at), orderCreatedAt: new Date(placed), revenue: total, currency: "USD", cancelled: false, createdAt: new Date(placed), updatedAt: new Date(placed) });
            }
          }
        }
        if (random() < 0.002) {
          m.unsubscribedAt = new Date(sentAt + HOUR);
          event(id, "unsubscribe", sentAt + HOUR);
        }
      }
      if (spec.offerSteps.includes(step)) {
        const key = `${spec.id}:${step}:${customerId}`;
        if (!offerKeys.has(key)) {
          offerKeys.add(key);
          const code = `LW${id.slice(1)}X`;
          offers.push({ id: `o${id}`, shopId: SHOP, campaignId: spec.id, step, customerId, code, kind: "percentage", value: 10, expiresAt: new Date(sentAt + 14 * DAY), status: "created", createdAt: new Date(sentAt), updatedAt: new Date(sentAt) });
          reservoir(samples.offers, cap, ++seen.offers, { code, customerId, messageId: id, sentAt }, sampleRandom);
        }
      }
    }
    if (token && sentHere.length > 0) reservoir(samples.checkouts, cap, ++seen.checkouts, { token, customerId, messages: sentHere }, sampleRandom);
    if (sentHere.length > 0) reservoir(samples.customersWithMessages, cap * 4, ++seen.customers, customerId, sampleRandom);
    return sentHere.length;
  };

  // Flows: 60 % of the messages, triggered uniformly over the year.
  const flows = specs.filter((s) => s.kind === "flow");
  const oneOffs = specs.filter((s) => s.kind === "campaign");
  const flowTarget = Math.round(messagesWanted * 0.6);
  const flowWeights = flows.map((f) => f.weight);
  const totalWeight = flowWeights.reduce((a, b) => a + b, 0);
  let written = 0;
  while (written < flowTarget) {
    let r = random() * totalWeight;
    let f = 0;
    while (r > flowWeights[f]! && f < flows.length - 1) r -= flowWeights[f++]!;
    const triggeredAt = now - 365 * DAY + Math.floor(random() * 364 * DAY);
    written += enroll(flows[f]!, Math.floor(random() * customers), triggeredAt, flowTarget - written);
    await flush(false);
  }
  // One-off campaigns: the rest, each to a slice of the customers over a few hours of its day.
  const perCampaign = Math.floor((messagesWanted - written) / oneOffs.length);
  for (const [k, spec] of oneOffs.entries()) {
    const sendAt = now - spec.daysAgo! * DAY;
    const n = k === oneOffs.length - 1 ? messagesWanted - written : perCampaign;
    const offset = Math.floor(random() * customers);
    for (let i = 0; i < n; i++) {
      written += enroll(spec, (offset + i) % customers, sendAt + Math.floor((i / Math.max(1, n)) * 3 * HOUR), 1);
      await flush(false);
    }
  }
  await flush(true);
  await w.close();
  return { samples, counts };
}

/** DailyStats seeded directly for the dense shop: every campaign, every day of the year, every step, variants A and B. */
async function seedDenseStats(url: string, now: number): Promise<number> {
  const { addDays, dayOf } = await import("../../app/core/reports/days");
  const today = dayOf(new Date(now), ZONE);
  const w = timed(await bulkWriter(url));
  const random = mulberry32(9);
  let rows: Row[] = [];
  let n = 0;
  for (const spec of campaignSpecs("dc")) {
    for (let d = 0; d < 365; d++) {
      const day = addDays(today, -d);
      for (let step = 0; step < spec.delays.length; step++) {
        for (const variant of ["A", "B"]) {
          const sent = 50 + Math.floor(random() * 400);
          const delivered = Math.round(sent * 0.97);
          const orders = Math.floor(random() * 4);
          rows.push({
            id: `ds${n++}`,
            shopId: DENSE_SHOP,
            day,
            campaignId: spec.id,
            flowType: spec.flowType,
            step,
            variant,
            sent,
            delivered,
            opened: Math.round(delivered * 0.13),
            clicked: Math.round(delivered * 0.03),
            bounced: sent - delivered,
            unsubscribed: Math.floor(random() * 2),
            spamReports: 0,
            orders,
            revenue: orders * (2000 + Math.floor(random() * 8000)),
          });
        }
      }
      if (rows.length >= 10_000) {
        await w.insert("DailyStats", rows);
        rows = [];
      }
    }
  }
  await w.insert("DailyStats", rows);
  await w.close();
  return n;
}

// ---------------------------------------------------------------- orders to attribute

interface BenchOrder {
  kind: Kind;
  id: string;
  customerId: string;
  at: number;
  discountCode?: string;
  checkoutToken?: string;
  landingSite?: string;
  expect: { rule: string | null; messageId: string | null };
}

function lastClick(samples: Samples, customerId: string, at: number, windowMs: number): { messageId: string; at: number } | null {
  let best: { messageId: string; at: number } | null = null;
  for (const c of samples.clicksByCustomer.get(customerId) ?? []) {
    if (c.at < at - windowMs || c.at > at || c.sentAt > at) continue;
    if (!best || c.at > best.at || (c.at === best.at && c.messageId > best.messageId)) best = { messageId: c.messageId, at: c.at };
  }
  return best;
}

function benchOrders(samples: Samples, perKind: number, now: number): BenchOrder[] {
  const random = mulberry32(11);
  const window = 5 * DAY;
  const byKind: Record<Kind, BenchOrder[]> = { "discount-code": [], "checkout-token": [], "click-token": [], "last-click": [], unattributed: [] };
  for (const [i, o] of samples.offers.slice(0, perKind).entries()) {
    byKind["discount-code"].push({ kind: "discount-code", id: `bd${i}`, customerId: o.customerId, at: o.sentAt + 30 * 60_000, discountCode: o.code.toLowerCase(), expect: { rule: "discount-code", messageId: o.messageId } });
  }
  for (const [i, c] of samples.checkouts.slice(0, perKind).entries()) {
    const last = c.messages.at(-1)!;
    byKind["checkout-token"].push({ kind: "checkout-token", id: `bk${i}`, customerId: c.customerId, at: last.sentAt + 30 * 60_000, checkoutToken: c.token, expect: { rule: "checkout-token", messageId: last.id } });
  }
  for (const [i, m] of samples.sent.slice(0, perKind).entries()) {
    byKind["click-token"].push({ kind: "click-token", id: `bt${i}`, customerId: m.customerId, at: m.sentAt + 2 * HOUR, landingSite: `/products/p?utm_source=loopwise&utm_medium=email&lw=${m.id}`, expect: { rule: "click-token", messageId: m.id } });
  }
  for (const [i, c] of samples.clicks.slice(0, perKind).entries()) {
    const at = c.at + DAY;
    const best = lastClick(samples, c.customerId, at, window)!;
    byKind["last-click"].push({ kind: "last-click", id: `bl${i}`, customerId: c.customerId, at, expect: { rule: "last-click", messageId: best.messageId } });
  }
  // Customers who were emailed, at an instant with no click of theirs in the window: every rule is looked up, none matches.
  for (const customerId of samples.customersWithMessages) {
    if (byKind.unattributed.length >= perKind) break;
    for (let tries = 0; tries < 5; tries++) {
      const at = now - 360 * DAY + Math.floor(random() * 359 * DAY);
      if (lastClick(samples, customerId, at, window)) continue;
      byKind.unattributed.push({ kind: "unattributed", id: `bu${byKind.unattributed.length}`, customerId, at, expect: { rule: null, messageId: null } });
      break;
    }
  }
  // Interleaved, so no kind runs on caches another one warmed.
  const out: BenchOrder[] = [];
  for (let i = 0; i < perKind; i++) for (const k of KINDS) if (byKind[k][i]) out.push(byKind[k][i]!);
  return out;
}

// ---------------------------------------------------------------- measurements

type Stat = { n: number; p50: number; p95: number; max: number };

function stats(xs: number[]): Stat {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50: round(percentile(s, 50)), p95: round(percentile(s, 95)), max: round(s.at(-1) ?? NaN) };
}

type DashboardFn = (shopId: string, days: number, db: import("../../app/db.server").Database) => Promise<unknown>;

/** loadDashboard when app/core/reports/dashboard.server.ts exists; else a direct read of a period's DailyStats (what the loader reads). */
async function dashboardLoader(): Promise<{ name: string; load: DashboardFn }> {
  const file = path.join(root, "app", "core", "reports", "dashboard.server.ts");
  if (fs.existsSync(file)) {
    const mod = (await import(pathToFileURL(file).href)) as { loadDashboard?: (shopId: string, options: Record<string, unknown>) => Promise<unknown> };
    if (typeof mod.loadDashboard === "function") {
      const loadDashboard = mod.loadDashboard;
      return { name: "loadDashboard", load: (shopId, days, db) => loadDashboard(shopId, { days, db }) };
    }
  }
  const { addDays, dayOf } = await import("../../app/core/reports/days");
  const { refreshStats } = await import("../../app/core/reports/stats.server");
  const sums = { sent: true, delivered: true, opened: true, clicked: true, bounced: true, unsubscribed: true, spamReports: true, orders: true, revenue: true } as const;
  return {
    name: "direct DailyStats read (refreshStats, then sums by day, by campaign, by campaign × step × variant, and the previous period)",
    load: async (shopId, days, db) => {
      await refreshStats(shopId, { db });
      const today = dayOf(new Date(), ZONE);
      const from = addDays(today, -(days - 1));
      const before = addDays(from, -days);
      const where = { shopId, day: { gte: from, lte: today } };
      const [byDay, byCampaign, byVariant, previous, campaigns] = await Promise.all([
        db.dailyStats.groupBy({ by: ["day"], where, _sum: sums, orderBy: { day: "asc" } }),
        db.dailyStats.groupBy({ by: ["campaignId", "flowType"], where, _sum: sums }),
        db.dailyStats.groupBy({ by: ["campaignId", "step", "variant"], where, _sum: sums }),
        db.dailyStats.aggregate({ where: { shopId, day: { gte: before, lt: from } }, _sum: sums }),
        db.campaign.findMany({ where: { shopId }, select: { id: true, name: true, kind: true, flowType: true } }),
      ]);
      return { byDay, byCampaign, byVariant, previous, campaigns };
    },
  };
}

async function runOne(messagesWanted: number) {
  const customers = Number(process.env.BENCH_CUSTOMERS ?? Math.max(1000, Math.round(messagesWanted / 10)));
  const perKind = Number(process.env.BENCH_ORDERS ?? 200);
  const webhookOrders = Number(process.env.BENCH_WEBHOOKS ?? 50);
  const database = await freshDatabase("attribution", messagesWanted);
  process.env.DATABASE_URL = database.url; // before the app's modules open their client
  const now = Date.now();
  const loadAtStart = loadAverage();

  // Seed, with its own peak memory.
  const t0 = performance.now();
  const { samples, counts } = await seed(database.url, messagesWanted, customers, perKind, now);
  const seedSeconds = (performance.now() - t0) / 1000;
  const denseRows = await seedDenseStats(database.url, now);
  const seedAllSeconds = (performance.now() - t0) / 1000;
  const seedPeakRss = vmHwmMb();
  const peakReset = resetPeak();
  process.stderr.write(`  seeded in ${seedAllSeconds.toFixed(1)} s: ${JSON.stringify(counts)}, load ${loadAverage()}\n`);

  const { openDatabase } = await import("../../app/db.server");
  const { attributeOrder } = await import("../../app/core/attribution/attribute.server");
  const { markStats, rebuildStats, refreshStats } = await import("../../app/core/reports/stats.server");
  const { dayBounds } = await import("../../app/core/reports/days");
  const db = openDatabase(database.url);

  // 1. Attribution, one order per transaction as the order webhook does.
  const orders = benchOrders(samples, perKind, now);
  const attributeMs: Record<string, number[]> = {};
  const transactionMs: Record<string, number[]> = {};
  const mismatches: string[] = [];
  const got: Record<string, Record<string, number>> = {};
  const loadBeforeAttribution = loadAverage();
  for (const o of orders) {
    let ms = 0;
    const t = performance.now();
    const result = await db.$transaction(
      async (tx) => {
        const at = new Date(o.at);
        await tx.order.create({
          data: {
            id: o.id,
            shopId: SHOP,
            shopifyId: `7${o.id}`,
            name: `#${o.id}`,
            customerId: o.customerId,
            email: `${o.customerId}@example.com`,
            currency: "USD",
            totalPrice: 4900,
            subtotalPrice: 4500,
            discountCodes: o.discountCode ? [o.discountCode] : [],
            checkoutToken: o.checkoutToken ?? null,
            landingSite: o.landingSite ?? null,
            financialStatus: "paid",
            shopifyCreatedAt: at,
            shopifyUpdatedAt: at,
          },
        });
        const s = performance.now();
        const r = await attributeOrder(tx, SHOP, o.id);
        ms = performance.now() - s;
        return r;
      },
      { maxWait: 10_000, timeout: 60_000 },
    );
    (transactionMs[o.kind] ??= []).push(performance.now() - t);
    (attributeMs[o.kind] ??= []).push(ms);
    const rule = result.rule ?? "none";
    (got[o.kind] ??= {})[rule] = (got[o.kind]![rule] ?? 0) + 1;
    if (result.rule !== o.expect.rule || result.messageId !== o.expect.messageId) {
      mismatches.push(`${o.kind} order ${o.id}: expected ${o.expect.rule ?? "none"} ${o.expect.messageId ?? ""}, got ${result.rule ?? "none"} ${result.messageId ?? ""}`);
    }
  }
  const all = Object.values(attributeMs).flat();
  const attribution = {
    orders: orders.length,
    loadBefore: loadBeforeAttribution,
    loadAfter: loadAverage(),
    attributeOrderMs: { all: stats(all), ...Object.fromEntries(KINDS.map((k) => [k, stats(attributeMs[k] ?? [])])) },
    transactionMs: { all: stats(Object.values(transactionMs).flat()), ...Object.fromEntries(KINDS.map((k) => [k, stats(transactionMs[k] ?? [])])) },
    rulesGot: got,
    mismatches: mismatches.length,
  };
  for (const line of mismatches.slice(0, 20)) process.stderr.write(`  MISMATCH ${line}\n`);

  // The full orders webhook: signed request → route action (verify, receipt, upsert, attribute, commit).
  let webhook: Awaited<ReturnType<typeof webhookPath>> | null = null;
  if (webhookOrders > 0) webhook = await webhookPath(samples, webhookOrders);

  // 2. Dashboard: the marks the orders above left, then DailyStats rebuilt from everything seeded.
  const t1 = performance.now();
  const afterOrders = await refreshStats(SHOP, { db });
  const afterOrdersMs = performance.now() - t1;
  const t2 = performance.now();
  const rebuilt = await rebuildStats(SHOP, { db });
  const rebuildSeconds = (performance.now() - t2) / 1000;
  const statsRows = await db.dailyStats.count({ where: { shopId: SHOP } });

  const loader = await dashboardLoader();
  const dashboard: { loader: string; shops: Record<string, { dailyStatsRows: number; periods: Record<string, { coldMs: Stat; warmMs: Stat }> }> } = { loader: loader.name, shops: {} };
  for (const shopId of [SHOP, DENSE_SHOP]) {
    const perShop = { dailyStatsRows: await db.dailyStats.count({ where: { shopId } }), periods: {} as Record<string, { coldMs: Stat; warmMs: Stat }> };
    for (const days of [7, 30, 365]) {
      const cold: number[] = [];
      for (let i = 0; i < 20; i++) {
        const fresh = openDatabase(database.url);
        const s = performance.now();
        await loader.load(shopId, days, fresh);
        cold.push(performance.now() - s);
        await fresh.$disconnect();
      }
      await loader.load(shopId, days, db);
      const warm: number[] = [];
      for (let i = 0; i < 20; i++) {
        const s = performance.now();
        await loader.load(shopId, days, db);
        warm.push(performance.now() - s);
      }
      perShop.periods[`${days}d`] = { coldMs: stats(cold), warmMs: stats(warm) };
    }
    dashboard.shops[shopId === SHOP ? "seededShop" : "denseShop"] = perShop;
  }

  // refreshStats for a typical day's marks: 50 buckets of the last week, and 50 from the whole year.
  const buckets = await db.dailyStats.findMany({ where: { shopId: SHOP }, select: { campaignId: true, day: true }, distinct: ["campaignId", "day"], orderBy: [{ day: "desc" }, { campaignId: "asc" }] });
  const random = mulberry32(13);
  const pick = (from: typeof buckets, n: number) => {
    const copy = [...from];
    const out: typeof buckets = [];
    while (out.length < n && copy.length > 0) out.push(copy.splice(Math.floor(random() * copy.length), 1)[0]!);
    return out;
  };
  const lastWeekDays = new Set([...new Set(buckets.map((b) => b.day))].slice(0, 7));
  const refresh: Record<string, { buckets: number; ms: Stat; perBucketMs: number }> = {};
  for (const [name, pool] of [["lastWeek", buckets.filter((b) => lastWeekDays.has(b.day))], ["wholeYear", buckets]] as const) {
    const times: number[] = [];
    let recomputed = 0;
    for (let k = 0; k < 5; k++) {
      const marks = pick(pool, 50);
      await markStats(db, SHOP, marks.map((b) => ({ campaignId: b.campaignId, at: new Date(dayBounds(b.day, ZONE).start.getTime() + HOUR) })), ZONE);
      const s = performance.now();
      recomputed += await refreshStats(SHOP, { db });
      times.push(performance.now() - s);
    }
    refresh[name] = { buckets: recomputed / 5, ms: stats(times), perBucketMs: round(percentile([...times].sort((a, b) => a - b), 50) / Math.max(1, recomputed / 5)) };
  }

  const result = {
    database: postgres ? "postgresql" : "sqlite",
    messages: counts.messages,
    customers,
    fixture: { ...counts, denseDailyStats: denseRows },
    seedSeconds: round(seedSeconds),
    seedWithDenseStatsSeconds: round(seedAllSeconds),
    insertSeconds,
    messagesPerSecondSeeded: Math.round(counts.messages / seedSeconds),
    attribution,
    webhook,
    stats: { refreshAfterOrders: { buckets: afterOrders, ms: round(afterOrdersMs) }, rebuild: { buckets: rebuilt, seconds: round(rebuildSeconds), dailyStatsRows: statsRows } },
    dashboard,
    refreshStats: refresh,
    peakRssMb: { seed: seedPeakRss, measurements: peakReset ? vmHwmMb() : null, wholeProcess: peakReset ? null : vmHwmMb() },
    load: { atStart: loadAtStart, atEnd: loadAverage() },
    cores: os.cpus().length,
  };
  await db.$disconnect();
  const { default: globalDb } = await import("../../app/db.server");
  await globalDb.$disconnect();
  if (process.env.BENCH_KEEP !== "1") await database.drop();
  else process.stderr.write(`  kept: ${database.url}\n`);
  process.stdout.write(JSON.stringify(result) + "\n");
  return result;
}

type Result = Awaited<ReturnType<typeof runOne>>;

/** Click-token orders through /webhooks/orders with signed requests; the route uses the app's own client (DATABASE_URL). */
async function webhookPath(samples: Samples, n: number) {
  const { randomUUID } = await import("node:crypto");
  const { signWebhookBody } = await import("../../app/core/shopify/hmac");
  const { API_VERSION } = await import("../../app/core/shopify-api-version");
  const { action } = await import("../../app/routes/webhooks.orders");
  const { default: prisma } = await import("../../app/db.server");
  const fixture = JSON.parse(fs.readFileSync(path.join(root, "tests", "integration", "webhooks", "fixtures", "orders-create.json"), "utf8")) as Record<string, unknown>;
  const times: number[] = [];
  const statuses: Record<number, number> = {};
  let attributed = 0;
  const picks = samples.sent.slice(-n);
  for (const [i, m] of picks.entries()) {
    const customer = Number(m.customerId.slice(1));
    const created = new Date(m.sentAt + 3 * HOUR).toISOString();
    const body = JSON.stringify({
      ...fixture,
      id: 880_000_000 + i,
      admin_graphql_api_id: `gid://shopify/Order/${880_000_000 + i}`,
      name: `#W${i}`,
      order_number: 50_000 + i,
      created_at: created,
      processed_at: created,
      updated_at: created,
      email: `b${customer}@example.com`,
      contact_email: `b${customer}@example.com`,
      discount_codes: [],
      checkout_token: null,
      cart_token: null,
      landing_site: `/products/p?utm_source=loopwise&utm_medium=email&lw=${m.id}`,
      discount_applications: [],
      line_items: (fixture.line_items as Array<Record<string, unknown>>).map((li, k) => ({ ...li, id: 990_000_000 + i * 10 + k, admin_graphql_api_id: `gid://shopify/LineItem/${990_000_000 + i * 10 + k}` })),
      customer: { ...(fixture.customer as Record<string, unknown>), id: 1_000_000 + customer, email: `b${customer}@example.com`, admin_graphql_api_id: `gid://shopify/Customer/${1_000_000 + customer}` },
    });
    const bytes = new TextEncoder().encode(body);
    const request = new Request("https://loopwise.example.com/webhooks/orders", {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Hmac-Sha256": signWebhookBody(bytes, process.env.SHOPIFY_API_SECRET!),
        "X-Shopify-Shop-Domain": SHOP,
        "X-Shopify-Webhook-Id": randomUUID(),
        "X-Shopify-Event-Id": randomUUID(),
        "X-Shopify-Triggered-At": created,
        "X-Shopify-API-Version": API_VERSION,
        "Content-Length": String(bytes.byteLength),
      },
      body: bytes,
    });
    const s = performance.now();
    const res = await action({ request, params: {}, context: {} });
    times.push(performance.now() - s);
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    const stored = await prisma.order.findUnique({ where: { shopId_shopifyId: { shopId: SHOP, shopifyId: String(880_000_000 + i) } }, select: { id: true } });
    const a = stored ? await prisma.attribution.findUnique({ where: { orderId: stored.id }, select: { rule: true, messageId: true } }) : null;
    if (a?.rule === "click-token" && a.messageId === m.id) attributed++;
  }
  return { orders: n, ms: stats(times), statuses, attributedByClickToken: attributed };
}

function ratio(a: number, b: number) {
  return b > 0 ? `×${(a / b).toFixed(1)}` : "n/a";
}

function summary(r: Result) {
  const a = r.attribution;
  console.log(`\n  ${r.database}, ${r.messages.toLocaleString("en")} messages, ${r.customers.toLocaleString("en")} customers: seeded in ${r.seedSeconds} s (${r.messagesPerSecondSeeded.toLocaleString("en")} messages/s; insert s by table ${JSON.stringify(r.insertSeconds)}; ${r.fixture.events.toLocaleString("en")} events, ${r.fixture.offers.toLocaleString("en")} offers, ${r.fixture.attributions.toLocaleString("en")} past attributions; dense DailyStats ${r.fixture.denseDailyStats.toLocaleString("en")} rows, all in ${r.seedWithDenseStatsSeconds} s)`);
  console.log(`  attributeOrder, ms p50 / p95 / max:   alone                     the transaction (Order insert + attributeOrder + commit)`);
  for (const k of ["all", ...KINDS]) {
    const s = (a.attributeOrderMs as Record<string, Stat>)[k]!;
    const t = (a.transactionMs as Record<string, Stat>)[k]!;
    console.log(`    ${k.padEnd(16)} ${String(s.n).padStart(4)}  ${`${s.p50} / ${s.p95} / ${s.max}`.padEnd(26)}${t.p50} / ${t.p95} / ${t.max}`);
  }
  console.log(`    rules got: ${JSON.stringify(a.rulesGot)}; mismatches ${a.mismatches}`);
  if (r.webhook) console.log(`  orders webhook (signed, route action): p50 ${r.webhook.ms.p50} ms, p95 ${r.webhook.ms.p95} ms, max ${r.webhook.ms.max} ms over ${r.webhook.orders}; statuses ${JSON.stringify(r.webhook.statuses)}; ${r.webhook.attributedByClickToken} attributed by click token`);
  console.log(`  rebuildStats: ${r.stats.rebuild.buckets.toLocaleString("en")} buckets in ${r.stats.rebuild.seconds} s → ${r.stats.rebuild.dailyStatsRows.toLocaleString("en")} DailyStats rows; the attribution orders' marks: ${r.stats.refreshAfterOrders.buckets} buckets in ${r.stats.refreshAfterOrders.ms} ms`);
  console.log(`  dashboard (${r.dashboard.loader}), p50 ms of 20, cold (new client) / warm:`);
  for (const [shop, s] of Object.entries(r.dashboard.shops)) {
    const p = s.periods;
    const cells = [7, 30, 365].map((d) => `${d}d ${p[`${d}d`]!.coldMs.p50} / ${p[`${d}d`]!.warmMs.p50}`);
    console.log(`    ${shop.padEnd(11)} (${s.dailyStatsRows.toLocaleString("en")} rows): ${cells.join(",  ")};  365d/7d warm ${ratio(p["365d"]!.warmMs.p50, p["7d"]!.warmMs.p50)}, cold/warm 365d ${ratio(p["365d"]!.coldMs.p50, p["365d"]!.warmMs.p50)}`);
  }
  for (const [name, v] of Object.entries(r.refreshStats)) {
    console.log(`  refreshStats of 50 marks (${name}): p50 ${v.ms.p50} ms, max ${v.ms.max} ms, ${v.perBucketMs} ms per bucket`);
  }
  console.log(`  peak RSS: seed ${r.peakRssMb.seed} MB, measurements ${r.peakRssMb.measurements ?? r.peakRssMb.wholeProcess} MB; load ${r.load.atStart} → ${r.load.atEnd} (${r.cores} cores)`);
}

async function main() {
  if (process.env.BENCH_ONE) return runOne(Number(process.env.BENCH_ONE));
  const sizes = (process.env.BENCH_MESSAGES ?? "1000000").split(",").map(Number);
  const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
  const rows: Result[] = [];
  console.log(`Attribution and dashboard bench on ${postgres ? "PostgreSQL" : "SQLite"} (${os.cpus().length} cores, load ${loadAverage()})`);
  for (const n of sizes) {
    console.log(`\n${n.toLocaleString("en")} messages …`);
    const child = spawnSync(process.execPath, [tsx, fileURLToPath(import.meta.url)], {
      cwd: root,
      env: { ...process.env, BENCH_ONE: String(n) },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      maxBuffer: 1 << 24,
    });
    const line = child.stdout.trim().split("\n").at(-1) ?? "";
    if (child.status !== 0 || !line.startsWith("{")) {
      console.log(`failed (exit ${child.status}): ${child.stdout.slice(-500)}`);
      continue;
    }
    const row = JSON.parse(line) as Result;
    rows.push(row);
    console.log(JSON.stringify(row));
    summary(row);
  }
  if (rows.length > 1) {
    const [a, b] = [rows[0]!, rows.at(-1)!];
    const warm365 = (r: Result) => r.dashboard.shops.seededShop!.periods["365d"]!.warmMs.p50;
    console.log(`\n  ×${(b.messages / a.messages).toFixed(0)} messages: attributeOrder p50 ${ratio(b.attribution.attributeOrderMs.all.p50, a.attribution.attributeOrderMs.all.p50)}, p95 ${ratio(b.attribution.attributeOrderMs.all.p95, a.attribution.attributeOrderMs.all.p95)}; dashboard 365d warm ${ratio(warm365(b), warm365(a))}`);
  }
}

await main();
