// `npm run bench`: ingest throughput of one app process on SQLite (or PostgreSQL).
//   - signed orders/create webhooks through the real route, and the same server's
//     rate on /healthz (a route that does nothing): the ratio is the cost of ingest;
//   - pixel events (batches of 1 and of 20) through /pixel/events;
//   - p50/p99 latency, and the server process's peak memory (VmHWM);
//   - the demo's seed time and database size (`loopwise demo --headless --json`).
// The app runs in a child process (node + tsx bin/serve.ts) so its memory is its own.
// BENCH_REQUESTS (2000), BENCH_CONCURRENCY (16), BENCH_DEMO=0 (skip the demo), BENCH_CPU_PROF=<dir>,
// BENCH_DATABASE=postgres (a fresh database on BENCH_POSTGRES_URL's server, default
// postgresql://postgres@127.0.0.1:5432/test, dropped afterwards).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { ensureBuild, migrateDeploy, root } from "../../bin/demo";
import { signWebhookBody } from "../../app/core/shopify/hmac";
import { API_VERSION } from "../../app/core/shopify-api-version";
import { runLoad, type LoadResult } from "./load";

const SECRET = "loopwise-bench-secret";
const SHOP = "bench-shop.myshopify.com";
const N = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
// BENCH_CPU_PROF=<dir>: the server writes a V8 CPU profile there when it stops (open it in Chrome DevTools).
const CPU_PROF = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`] : [];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function waitUp(url: string, child: ChildProcess) {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}`);
    try {
      if ((await fetch(url + "/healthz")).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("app did not start");
}

function order(i: number, customerId = 7_000_000 + (i % 500)) {
  const id = 5_000_000_000 + i;
  const at = new Date(Date.now() - (i % 60) * 1000).toISOString(); // live orders: they trigger profile updates
  const money = (amount: string) => ({ shop_money: { amount, currency_code: "USD" }, presentment_money: { amount, currency_code: "USD" } });
  return {
    id, admin_graphql_api_id: `gid://shopify/Order/${id}`, name: `#B${i}`, email: `buyer${i}@example.com`,
    created_at: at, updated_at: at, processed_at: at, currency: "USD", presentment_currency: "USD",
    total_price: "59.90", subtotal_price: "54.90", total_discounts: "5.00", total_tax: "0.00",
    total_price_set: money("59.90"), subtotal_price_set: money("54.90"), total_discounts_set: money("5.00"), total_tax_set: money("0.00"),
    total_shipping_price_set: money("5.00"), financial_status: "paid", fulfillment_status: null, test: false, tags: "",
    discount_codes: [{ code: "WELCOME5", amount: "5.00", type: "fixed_amount" }],
    landing_site: "/products/hat?utm_source=loopwise", referring_site: "https://mail.example.com/", source_name: "web",
    checkout_token: `ck${i}`, cart_token: `ct${i}`, cancelled_at: null, cancel_reason: null,
    customer: { id: customerId, email: `buyer${customerId}@example.com`, first_name: "Ada", last_name: "Lovelace", created_at: at, updated_at: at },
    line_items: [
      { id: 9_000_000_000 + i * 2, product_id: 100 + (i % 50), variant_id: 1000 + (i % 50), title: "Wool hat", variant_title: "Red", sku: "HAT-R", quantity: 1, price: "29.95", price_set: money("29.95"), total_discount: "0.00" },
      { id: 9_000_000_001 + i * 2, product_id: 200 + (i % 30), variant_id: 2000 + (i % 30), title: "Scarf", variant_title: null, sku: "SCF", quantity: 1, price: "24.95", price_set: money("24.95"), total_discount: "5.00" },
    ],
    refunds: [],
  };
}

function pixelEvent(i: number) {
  return {
    id: `ev-${randomUUID()}`, name: "product_viewed", timestamp: new Date().toISOString(), clientId: `browser-${i % 997}`,
    context: { document: { location: { href: `https://${SHOP}/products/hat-${i % 50}` } } },
    data: { productVariant: { id: `gid://shopify/ProductVariant/${1000 + (i % 50)}`, product: { id: `gid://shopify/Product/${100 + (i % 50)}` } } },
  };
}

/** SQLite in `dir`, or a fresh PostgreSQL database (BENCH_DATABASE=postgres). */
async function benchDatabase(dir: string): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  if (process.env.BENCH_DATABASE !== "postgres") return { name: "SQLite", url: "file:" + path.join(dir, "bench.db"), drop: async () => {} };
  const { default: pg } = await import("pg");
  const server = new URL(process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test");
  const name = `loopwise_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: server.href });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server.href);
  url.pathname = "/" + name;
  return {
    name: "PostgreSQL",
    url: url.href,
    async drop() {
      const c = new pg.Client({ connectionString: server.href });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function main() {
  const log = (s: string) => process.stderr.write(s + "\n");
  ensureBuild(log);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loopwise-bench-"));
  const db = await benchDatabase(dir);
  migrateDeploy(db.url);
  // The shop as an install leaves it (the pixel endpoint serves installed shops only).
  const { openDatabase } = await import("../../app/db.server");
  const setup = openDatabase(db.url);
  await setup.shop.create({ data: { id: SHOP, status: "installed", currency: "USD" } });
  const merchantSegment = await createBenchSegment(setup);
  await setup.$disconnect();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...CPU_PROF, "--import", "tsx", path.join(root, "bin", "serve.ts")], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env, NODE_ENV: "production", HOST: "127.0.0.1", PORT: String(port), LOG_LEVEL: "error",
      SHOPIFY_API_KEY: "loopwise-bench-key", SHOPIFY_API_SECRET: SECRET, SHOPIFY_APP_URL: "https://bench.loopwise.test",
      DATABASE_URL: db.url, LOOPWISE_WORKER: "inline",
      PIXEL_RATE_PER_SHOP: "1000000", PIXEL_RATE_PER_BROWSER: "1000000",
    },
  });
  try {
    await waitUp(url, child);
    const webhook = (i: number, customerId?: number) => {
      const body = JSON.stringify(order(i, customerId));
      return fetch(`${url}/webhooks/orders`, {
        method: "POST",
        body,
        headers: {
          "content-type": "application/json", "x-shopify-topic": "orders/create", "x-shopify-shop-domain": SHOP,
          "x-shopify-hmac-sha256": signWebhookBody(body, SECRET), "x-shopify-webhook-id": randomUUID(),
          "x-shopify-event-id": randomUUID(), "x-shopify-triggered-at": new Date().toISOString(), "x-shopify-api-version": API_VERSION,
        },
      });
    };
    const pixel = (size: number) => (i: number) =>
      fetch(`${url}/pixel/events`, {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: JSON.stringify({ shop: SHOP, events: Array.from({ length: size }, (_, k) => pixelEvent(i * size + k)) }),
      });

    // Warm up.
    await runLoad(webhook, { total: 50, concurrency: 4 });
    await runLoad(() => fetch(`${url}/healthz`), { total: 200, concurrency: 4 });

    const results: Record<string, LoadResult & { eventsPerSecond?: number }> = {};
    results.noop = await runLoad(() => fetch(`${url}/healthz`), { total: N, concurrency: CONCURRENCY });
    results.ordersCreate = await runLoad((i) => webhook(i + 100), { total: N, concurrency: CONCURRENCY });
    const p1 = await runLoad(pixel(1), { total: N, concurrency: CONCURRENCY });
    results.pixel1 = { ...p1, eventsPerSecond: p1.perSecond };
    const p20 = await runLoad(pixel(20), { total: Math.ceil(N / 10), concurrency: CONCURRENCY });
    results.pixel20 = { ...p20, eventsPerSecond: p20.perSecond * 20 };
    const peakMb = peakRssMb(child.pid!);

    const row = (name: string, r: LoadResult & { eventsPerSecond?: number }) =>
      `| ${name} | ${r.requests} | ${r.perSecond.toFixed(0)} | ${r.eventsPerSecond ? r.eventsPerSecond.toFixed(0) : "-"} | ${r.p50Ms.toFixed(1)} | ${r.p99Ms.toFixed(1)} | ${JSON.stringify(r.statuses)} |`;
    console.log(`\nIngest on one process, ${db.name}, ${CONCURRENCY} concurrent clients (${os.cpus().length} cores)\n`);
    console.log("| route | requests | req/s | events/s | p50 ms | p99 ms | statuses |");
    console.log("|---|---|---|---|---|---|---|");
    console.log(row("GET /healthz (does nothing)", results.noop));
    console.log(row("POST /webhooks/orders (orders/create, signed)", results.ordersCreate));
    console.log(row("POST /pixel/events (1 event)", results.pixel1));
    console.log(row("POST /pixel/events (20 events)", results.pixel20));
    console.log(`\norders/create rate / no-op rate: ${(results.ordersCreate.perSecond / results.noop.perSecond).toFixed(3)}`);
    console.log(`pixel (1 event) rate / no-op rate: ${(results.pixel1.perSecond / results.noop.perSecond).toFixed(3)}`);
    console.log(`server peak memory (VmHWM): ${peakMb.toFixed(0)} MB`);
    const bad = Object.entries(results).filter(([, r]) => Object.keys(r.statuses).some((s) => !s.startsWith("2")));
    if (bad.length) throw new Error(`non-2xx answers in: ${bad.map(([k]) => k).join(", ")}`);

    await segmentLatency(db.url, webhook, merchantSegment);
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    fs.rmSync(dir, { recursive: true, force: true });
    await db.drop();
  }

  if (process.env.BENCH_DEMO !== "0") {
    const t0 = performance.now();
    const demo = spawnSync(process.execPath, [path.join(root, "bin", "loopwise.js"), "demo", "--headless", "--json"], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    const wall = (performance.now() - t0) / 1000;
    if (demo.status !== 0) throw new Error(`demo --headless failed (exit ${demo.status})`);
    const summary = JSON.parse(demo.stdout.trim().split("\n").pop()!) as Record<string, unknown>;
    console.log(`\nDemo (npx loopwise demo --headless --json): ${wall.toFixed(1)} s wall clock`);
    console.log(JSON.stringify(summary, null, 2));
  }
}

/**
 * Webhook → segment membership, end to end on the running app: a first order of a
 * new customer (signed orders/create) until that customer is a member of the
 * built-in "new" segment and of a merchant segment ("at least 1 order"), as seen
 * in the database. Includes the coalescing window that merges a burst of events
 * for one customer into one update (COALESCE_MS + SETTLE_MS), on an idle queue.
 */
/** The merchant segment the latency samples wait for, saved before the server starts (one SQLite writer at a time). */
async function createBenchSegment(db: import("../../app/db.server").Database): Promise<string> {
  // The app's modules read the environment when imported: give them the server's.
  Object.assign(process.env, { SHOPIFY_API_KEY: "loopwise-bench-key", SHOPIFY_API_SECRET: SECRET, SHOPIFY_APP_URL: "https://bench.loopwise.test", LOG_LEVEL: "error" });
  const { saveSegment } = await import("../../app/core/audience/segments/segments.server");
  const rule = { type: "group", combinator: "and", children: [{ type: "profile", field: "orderCount", op: "gte", value: 1 }] };
  return (await saveSegment(SHOP, { name: "Bench buyers", rule }, { db })).id;
}

async function segmentLatency(url: string, webhook: (i: number, customerId?: number) => Promise<Response>, merchantSegmentId: string) {
  const { openDatabase } = await import("../../app/db.server");
  const { COALESCE_MS, SETTLE_MS } = await import("../../app/core/audience/profiles/triggers.server");
  const db = openDatabase(url);
  const merchant = { id: merchantSegmentId };
  try {
    // Let the load's profile jobs that are due drain (the nightly recompute waits for its hour), so each sample meets an idle queue.
    for (let i = 0; i < 600 && (await db.job.count({ where: { OR: [{ status: "running" }, { status: "queued", runAt: { lte: new Date() } }] } })) > 0; i++) await new Promise((r) => setTimeout(r, 200));
    const samples: Array<{ builtinMs: number; merchantMs: number | null }> = [];
    for (let k = 0; k < 5; k++) {
      const i = 900_000 + k;
      const shopifyId = String(8_000_000 + k);
      const started = performance.now();
      const res = await webhook(i, Number(shopifyId));
      if (!res.ok) throw new Error(`webhook answered ${res.status}`);
      let builtinMs: number | null = null;
      let merchantMs: number | null = null;
      while (performance.now() - started < 30_000 && (builtinMs === null || merchantMs === null)) {
        const rows = await db.segmentMembership.findMany({ where: { shopId: SHOP, customer: { shopifyId } }, select: { segment: { select: { key: true, id: true } } } });
        if (builtinMs === null && rows.some((r) => r.segment.key === "new")) builtinMs = performance.now() - started;
        if (merchantMs === null && rows.some((r) => r.segment.id === merchant.id)) merchantMs = performance.now() - started;
        await new Promise((r) => setTimeout(r, 20));
      }
      if (builtinMs === null) throw new Error("the new customer never entered the built-in segment");
      samples.push({ builtinMs: Math.round(builtinMs), merchantMs: merchantMs === null ? null : Math.round(merchantMs) });
      await new Promise((r) => setTimeout(r, COALESCE_MS)); // the next sample in a fresh window
    }
    console.log(`\nWebhook → segment membership (first order of a new customer, idle queue; coalescing window ${COALESCE_MS} ms + settle ${SETTLE_MS} ms):`);
    console.log(`  built-in "new": ${samples.map((s) => s.builtinMs).join(", ")} ms`);
    console.log(`  merchant segment: ${samples.map((s) => s.merchantMs ?? "not reached in 30 s").join(", ")} ms`);
  } finally {
    await db.$disconnect();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
