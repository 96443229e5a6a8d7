// Merchant segments kept live: a shop of N customers (5 orders each, profiles,
// tags, browsing) with 50 merchant segments of every condition kind. Measures
// saving them (each save evaluates the segment), evaluateCustomerSegments after
// one new order (the per-customer job's work), evaluateShopSegments (the daily
// recompute) and segmentTrend over 90 days, also with 20,000 transitions at
// distinct instants (the worst case for its grouped query). Prints, never asserts.
//   npx tsx tests/bench/segments.bench.ts
//   BENCH_CUSTOMERS=10000, BENCH_SEGMENTS=50, BENCH_DATABASE=postgres (a fresh database on
//   BENCH_POSTGRES_URL's server, default postgresql://postgres@127.0.0.1:5432/test, dropped afterwards), BENCH_KEEP=1 (keep the database).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { mulberry32 } from "../../app/core/random";

process.env.SHOPIFY_API_KEY ??= "bench";
process.env.SHOPIFY_API_SECRET ??= "bench";
process.env.SHOPIFY_APP_URL ??= "https://bench.example.com";
process.env.LOG_LEVEL ??= "error";

const SHOP = "bench-segments.myshopify.com";
const N = Number(process.env.BENCH_CUSTOMERS ?? 10_000);
const SEGMENTS = Number(process.env.BENCH_SEGMENTS ?? 50);
const postgres = process.env.BENCH_DATABASE === "postgres";
const pgBase = process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const DAY = 86_400_000;

function rng(seed: number) {
  return mulberry32(seed);
}

async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const { migrateDeploy } = await import("../../bin/demo");
  if (postgres) {
    const { default: pg } = await import("pg");
    const name = `loopwise_bench_segments_${process.pid}`;
    const run = async (sql: string) => {
      const admin = new pg.Client({ connectionString: pgBase });
      await admin.connect();
      await admin.query(sql);
      await admin.end();
    };
    await run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await run(`CREATE DATABASE ${name}`);
    const url = new URL(pgBase);
    url.pathname = "/" + name;
    migrateDeploy(url.href);
    return { url: url.href, drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loopwise-bench-segments-"));
  const url = "file:" + path.join(dir, "bench.db");
  migrateDeploy(url);
  return { url, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

const TYPES = ["Hats", "Scarves", "Gloves", "Socks", "Sweaters"];
const TAGS = ["", "vip", "wholesale", "newsletter", "vip, wholesale", "returning"];

/** 50 rules cycling through every condition kind with different thresholds. */
function rules(count: number): Array<{ name: string; rule: unknown }> {
  const all = (...children: unknown[]) => ({ type: "group", combinator: "and", children });
  const make = [
    (k: number) => all({ type: "profile", field: "orderCount", op: "gte", value: 2 + k }),
    (k: number) => all({ type: "profile", field: "totalSpent", op: "gt", value: 20_000 * (k + 1) }),
    (k: number) => all({ type: "profile", field: "daysSinceLastOrder", op: "gte", value: 30 * (k + 1) }),
    (k: number) => all({ type: "churnRisk", op: "in", values: [["low", "medium", "high"][k % 3]] }, { type: "emailConsent", op: "in", states: ["SUBSCRIBED"] }),
    (k: number) => all({ type: "tag", op: "has", tag: ["vip", "wholesale", "newsletter", "returning", "VIP"][k % 5] }),
    (k: number) => all({ type: "bought", op: "did", target: { kind: "collection", value: `Collection ${k}` }, withinDays: 90 * (k + 1) }),
    (k: number) => all({ type: "bought", op: "didNot", target: { kind: "productType", value: TYPES[k % 5] } }),
    (k: number) => all({ type: "activity", event: "order", op: "atLeast", count: 2 + (k % 3), withinDays: 180 }),
    (k: number) => all({ type: "activity", event: "productView", op: "atLeast", count: 2 + k, withinDays: 30 }, { type: "activity", event: "order", op: "atMost", count: 0, withinDays: 30 }),
    (k: number) => ({ type: "group", combinator: "or", children: [{ type: "profile", field: "monetaryScore", op: "gte", value: 5 - (k % 3) }, { type: "tag", op: "has", tag: "vip" }] }),
  ];
  return Array.from({ length: count }, (_, i) => ({ name: `Bench segment ${i}`, rule: make[i % make.length]!(Math.floor(i / make.length)) }));
}

async function insertData(db: import("../../app/db.server").Database, now: Date) {
  const random = rng(42);
  await db.shop.create({ data: { id: SHOP, currency: "USD", timezone: "Europe/Paris" } });
  await db.product.createMany({
    data: Array.from({ length: 200 }, (_, p) => ({
      shopId: SHOP, shopifyId: String(100 + p), title: `P${p}`, handle: `p${p}`, productType: TYPES[p % 5]!,
      collections: [{ id: `gid://shopify/Collection/${p % 7}`, handle: `collection-${p % 7}`, title: `Collection ${p % 7}` }],
    })),
  });
  const CHUNK = 1000;
  for (let start = 0; start < N; start += CHUNK) {
    const customers = [], profiles = [], orders = [], items = [], events = [];
    for (let i = start; i < Math.min(N, start + CHUNK); i++) {
      const id = `c${String(i).padStart(8, "0")}`;
      customers.push({ id, shopId: SHOP, shopifyId: String(1_000_000 + i), email: `b${i}@example.com`, tags: TAGS[Math.floor(random() * TAGS.length)]!, emailConsentState: random() < 0.5 ? "SUBSCRIBED" : "NOT_SUBSCRIBED" });
      let at = now.getTime() - Math.floor(random() * 730) * DAY;
      let last = at;
      let spent = 0;
      for (let k = 0; k < 5; k++) {
        const created = new Date(Math.min(at, now.getTime() - 3_600_000));
        const total = 1000 + Math.floor(random() * 19_000);
        spent += total;
        last = created.getTime();
        orders.push({ id: `o${i}_${k}`, shopId: SHOP, shopifyId: `o${i}_${k}`, customerId: id, currency: "USD", totalPrice: total, shopifyCreatedAt: created, shopifyUpdatedAt: created });
        items.push({ shopId: SHOP, orderId: `o${i}_${k}`, shopifyId: `li${i}_${k}`, productShopifyId: String(100 + Math.floor(random() * 200)), title: "Item", quantity: 1, price: total });
        at += (5 + Math.floor(random() * 115)) * DAY;
      }
      profiles.push({
        shopId: SHOP, customerId: id, orderCount: 5, totalSpent: spent, averageOrderValue: Math.round(spent / 5), lastOrderAt: new Date(last),
        firstOrderAt: orders[orders.length - 5]!.shopifyCreatedAt, churnRisk: ["low", "medium", "high"][Math.floor(random() * 3)]!,
        pAlive: random(), monetaryScore: 1 + Math.floor(random() * 5), recencyScore: 1 + Math.floor(random() * 5), frequencyScore: 1 + Math.floor(random() * 5),
      });
      if (random() < 0.3) {
        for (let e = 0; e < 1 + Math.floor(random() * 6); e++) {
          events.push({ shopId: SHOP, eventId: `${id}-${e}`, browserId: `b-${id}`, customerId: id, type: "product_viewed", occurredAt: new Date(now.getTime() - random() * 40 * DAY), productShopifyId: String(100 + Math.floor(random() * 200)) });
        }
      }
    }
    await db.customer.createMany({ data: customers });
    await db.customerProfile.createMany({ data: profiles });
    await db.order.createMany({ data: orders });
    await db.lineItem.createMany({ data: items });
    if (events.length) await db.browseEvent.createMany({ data: events });
  }
}

const round = (x: number) => Math.round(x * 100) / 100;
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

async function main() {
  const fresh = await freshDatabase();
  process.env.DATABASE_URL = fresh.url; // before the app's modules open their client
  const { openDatabase } = await import("../../app/db.server");
  const segments = await import("../../app/core/audience/segments/segments.server");
  const db = openDatabase(fresh.url);
  const now = new Date();
  try {
    const t0 = performance.now();
    await insertData(db, now);
    const insertS = (performance.now() - t0) / 1000;

    const t1 = performance.now();
    const saved = [];
    for (const { name, rule } of rules(SEGMENTS)) saved.push(await segments.saveSegment(SHOP, { name, rule }, { db, now }));
    const saveS = (performance.now() - t1) / 1000;

    // The per-customer job: one new order, then every segment re-evaluated for that customer.
    const random = rng(7);
    const latencies: number[] = [];
    const cpuMs: number[] = [];
    const unchangedMs: number[] = [];
    const unchangedCpuMs: number[] = []; // this process's CPU per call: SQLite runs in-process, so it is the work itself, whatever else the machine runs
    let changes = 0;
    for (let k = 0; k < 300; k++) {
      const cid = `c${String(Math.floor(random() * N)).padStart(8, "0")}`;
      const at = new Date(now.getTime() + (k + 1) * 1000);
      await db.order.create({ data: { id: `x${k}`, shopId: SHOP, shopifyId: `x${k}`, customerId: cid, currency: "USD", totalPrice: 5000, shopifyCreatedAt: at, shopifyUpdatedAt: at } });
      await db.lineItem.create({ data: { shopId: SHOP, orderId: `x${k}`, shopifyId: `xl${k}`, productShopifyId: String(100 + (k % 200)), title: "Item", quantity: 1, price: 5000 } });
      const s = performance.now();
      const cpu = process.cpuUsage();
      const r = await segments.evaluateCustomerSegments(SHOP, cid, { db, now: at });
      const used = process.cpuUsage(cpu);
      if (k >= 20) {
        // the first calls warm Prisma's query caches
        latencies.push(performance.now() - s);
        cpuMs.push((used.user + used.system) / 1000);
      }
      changes += r.entered.length + r.left.length;
      // Again at once: nothing to write (most events change no segment).
      const cpu2 = process.cpuUsage();
      const s2 = performance.now();
      await segments.evaluateCustomerSegments(SHOP, cid, { db, now: at });
      const used2 = process.cpuUsage(cpu2);
      if (k >= 20) {
        unchangedMs.push(performance.now() - s2);
        unchangedCpuMs.push((used2.user + used2.system) / 1000);
      }
    }
    latencies.sort((a, b) => a - b);
    cpuMs.sort((a, b) => a - b);
    unchangedMs.sort((a, b) => a - b);
    unchangedCpuMs.sort((a, b) => a - b);
    // A one-row lookup by primary key, timed the same way: the unit the figures above can be read in.
    const unit: number[] = [];
    for (let k = 0; k < 200; k++) {
      const cpu = process.cpuUsage();
      await db.customer.findFirst({ where: { id: `c${String(k % N).padStart(8, "0")}`, shopId: SHOP }, select: { id: true } });
      const used = process.cpuUsage(cpu);
      unit.push((used.user + used.system) / 1000);
    }
    unit.sort((a, b) => a - b);

    const t2 = performance.now();
    const shop = await segments.evaluateShopSegments(SHOP, { db, now: new Date(now.getTime() + 2 * DAY) });
    const shopS = (performance.now() - t2) / 1000;

    const trendTime = async (id: string) => {
      const s = performance.now();
      const points = await segments.segmentTrend(SHOP, id, 90, { db, now: new Date(now.getTime() + 2 * DAY) });
      return { ms: round(performance.now() - s), lastSize: points.at(-1)!.size };
    };
    const typical = await trendTime(saved[0]!.id);
    // Worst case for the grouped query: 20,000 transitions each at its own instant over 90 days.
    const target = saved[1]!;
    const spread = Array.from({ length: 20_000 }, (_, i) => ({ shopId: SHOP, segmentId: target.id, customerId: `c${String(i % N).padStart(8, "0")}`, kind: i % 2 ? "left" : "entered", at: new Date(now.getTime() - Math.floor((i / 20_000) * 88 * DAY) - i) }));
    for (let i = 0; i < spread.length; i += 2000) await db.segmentTransition.createMany({ data: spread.slice(i, i + 2000) });
    const worst = await trendTime(target.id);

    const result = {
      database: postgres ? "postgresql" : "sqlite",
      customers: N,
      segments: SEGMENTS,
      insertSeconds: round(insertS),
      saveAllSeconds: round(saveS),
      saveEachMs: round((saveS * 1000) / SEGMENTS),
      evaluateCustomerSegmentsMs: { calls: latencies.length, mean: round(latencies.reduce((a, b) => a + b, 0) / latencies.length), p50: round(pct(latencies, 50)), p95: round(pct(latencies, 95)), max: round(latencies.at(-1)!) },
      evaluateCustomerSegmentsCpuMs: { p50: round(pct(cpuMs, 50)), p95: round(pct(cpuMs, 95)) },
      unchangedCustomerMs: { p50: round(pct(unchangedMs, 50)), p95: round(pct(unchangedMs, 95)), cpuP50: round(pct(unchangedCpuMs, 50)) },
      primaryKeyLookupCpuMs: round(pct(unit, 50)),
      perCustomerChanges: changes,
      evaluateShopSegmentsSeconds: round(shopS),
      shopChanges: Object.values(shop.evaluated).reduce((a, e) => a + e.entered + e.left, 0),
      trend90DaysMs: typical.ms,
      trend90DaysWith20kDistinctInstantsMs: worst.ms,
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await db.$disconnect();
    const { default: globalDb } = await import("../../app/db.server");
    await globalDb.$disconnect();
    if (process.env.BENCH_KEEP === "1") console.log(`kept ${fresh.url}`);
    else await fresh.drop();
  }
}

await main();
