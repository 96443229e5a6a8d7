// Profiles, RFM scores and lifecycle segments: recomputeShop on a fresh database
// of N customers with 5 orders each (bulk-inserted directly: a benchmark, not the
// demo), then updateCustomer after one more order. Prints, never asserts.
//   npx tsx tests/bench/profiles.bench.ts
//   BENCH_CUSTOMERS=10000,100000 (sizes, each run in its own child process so its
//   peak memory is its own), BENCH_DATABASE=postgres (a fresh database on
//   BENCH_POSTGRES_URL's server, default postgresql://postgres@127.0.0.1:5432/test,
//   dropped afterwards), BENCH_PAGE_SIZE=1000, BENCH_KEEP=1 (keep the database),
//   BENCH_RERUN=0 (skip the second, unchanged recompute: at 1M it is another long pass).
// Per pass it reports wall time and this process's CPU time (process.cpuUsage: on
// SQLite that includes the database's work, on PostgreSQL not), a progress line on
// stderr per pass (and every 15 s inside one), the peak RSS and the machine's load.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { mulberry32 } from "../../app/core/random";
import { bulkWriter, freshDatabase, loadAverage, mb, postgres, resetPeak, round, vmHwmMb } from "./bench-db";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const SHOP = "bench-profiles.myshopify.com";
const ORDERS_PER_CUSTOMER = 5;

/** Deterministic PRNG (mulberry32). */
function rng(seed: number) {
  return mulberry32(seed);
}

/** Bulk insert (in its own process, so the recompute's peak memory is its own): 200 products, N customers, 5 orders and 5 line items each. */
async function insertData(url: string, n: number, now: Date) {
  const { openDatabase } = await import("../../app/db.server");
  const db = openDatabase(url);
  const random = rng(42);
  const DAY = 86_400_000;
  await db.shop.create({ data: { id: SHOP, currency: "USD" } });
  const types = ["Hats", "Scarves", "Gloves", "Socks", "Sweaters"];
  await db.product.createMany({ data: Array.from({ length: 200 }, (_, p) => ({ shopId: SHOP, shopifyId: String(100 + p), title: `P${p}`, handle: `p${p}`, productType: types[p % 5]! })) });
  // No SQLite statistics (PostgreSQL gets ANALYZE): the figures in ADR 008 were measured so.
  const writer = await bulkWriter(url, { statistics: false });
  const CHUNK = 10_000;
  for (let start = 0; start < n; start += CHUNK) {
    const customers: Array<{ id: string; shopId: string; shopifyId: string; email: string; emailConsentState: string }> = [];
    const orders: Array<{ id: string; shopId: string; shopifyId: string; customerId: string; currency: string; totalPrice: number; shopifyCreatedAt: Date; shopifyUpdatedAt: Date }> = [];
    const items: Array<{ shopId: string; orderId: string; shopifyId: string; productShopifyId: string; title: string; quantity: number; price: number }> = [];
    for (let i = start; i < Math.min(n, start + CHUNK); i++) {
      const id = `c${String(i).padStart(8, "0")}`;
      customers.push({ id, shopId: SHOP, shopifyId: String(1_000_000 + i), email: `b${i}@example.com`, emailConsentState: random() < 0.4 ? "SUBSCRIBED" : "NOT_SUBSCRIBED" });
      // First order 0..730 days ago, then gaps of 5..120 days (capped at today).
      let at = now.getTime() - Math.floor(random() * 730) * DAY;
      for (let k = 0; k < ORDERS_PER_CUSTOMER; k++) {
        const oid = `o${String(i).padStart(8, "0")}_${k}`;
        const created = new Date(Math.min(at, now.getTime() - 3_600_000));
        orders.push({ id: oid, shopId: SHOP, shopifyId: String(i * ORDERS_PER_CUSTOMER + k), customerId: id, currency: "USD", totalPrice: 1000 + Math.floor(random() * 19_000), shopifyCreatedAt: created, shopifyUpdatedAt: created });
        items.push({ shopId: SHOP, orderId: oid, shopifyId: `li${i}_${k}`, productShopifyId: String(100 + Math.floor(random() * 200)), title: "Item", quantity: 1, price: 1000 });
        at += (5 + Math.floor(random() * 115)) * DAY;
      }
    }
    const stamp = { createdAt: now, updatedAt: now };
    await writer.insert("Customer", customers.map((c) => ({ ...c, ...stamp })));
    await writer.insert("Order", orders.map((o) => ({ ...o, ...stamp })));
    await writer.insert("LineItem", items.map((li) => ({ id: `${li.orderId}_li`, ...li })));
    if ((start / CHUNK) % 20 === 19) process.stderr.write(`  fixtures: ${(start + CHUNK).toLocaleString("en")} customers written\n`);
  }
  await writer.close();
  await db.$disconnect();
}

async function runOne(n: number) {
  const db0 = await freshDatabase("profiles", n);
  process.env.DATABASE_URL = db0.url; // before the app's modules open their client
  const now = new Date();
  const t0 = performance.now();
  const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
  const inserted = spawnSync(process.execPath, [tsx, fileURLToPath(import.meta.url)], {
    cwd: root,
    env: { ...process.env, BENCH_ONE: "", BENCH_INSERT: String(n), BENCH_URL: db0.url, BENCH_NOW: now.toISOString() },
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (inserted.status !== 0) throw new Error(`insert failed (exit ${inserted.status})`);
  const insertS = (performance.now() - t0) / 1000;
  const { openDatabase } = await import("../../app/db.server");
  const { recomputeShop, updateCustomer } = await import("../../app/core/audience/profiles/recompute.server");
  const db = openDatabase(db0.url);
  const random = rng(7);

  // The full recompute, with its own peak memory.
  global.gc?.();
  const peakReset = resetPeak();
  let heapPeak = 0;
  let rssPeak = 0;
  const sample = () => {
    const m = process.memoryUsage();
    heapPeak = Math.max(heapPeak, m.heapUsed);
    rssPeak = Math.max(rssPeak, m.rss);
  };
  const sampler = setInterval(sample, 20);
  const loadBefore = loadAverage();
  const t1 = performance.now();
  const cpu1 = process.cpuUsage();
  let lastLine = 0;
  const r = await recomputeShop(SHOP, {
    db,
    now,
    pageSize: Number(process.env.BENCH_PAGE_SIZE ?? 1000),
    onProgress: (p) => {
      if (!p.done && performance.now() - lastLine < 15_000) return;
      lastLine = performance.now();
      const rss = mb(process.memoryUsage().rss);
      process.stderr.write(`  ${n.toLocaleString("en")}: ${p.pass}${p.done ? " done" : ""}, ${p.customers.toLocaleString("en")} customers, ${seconds(p.wallMs)} s wall, ${seconds(p.cpuMs)} s CPU, RSS ${rss} MB, load ${loadAverage()}\n`);
    },
  });
  const recomputeS = (performance.now() - t1) / 1000;
  const recomputeCpuS = cpuSeconds(process.cpuUsage(cpu1));
  const loadAfter = loadAverage();
  clearInterval(sampler);
  sample();
  const recomputePeak = vmHwmMb();

  // Second run: nothing changed (the daily refresh of a quiet shop).
  const rerun = process.env.BENCH_RERUN !== "0";
  const t2 = performance.now();
  const cpu2 = process.cpuUsage();
  const again = rerun ? await recomputeShop(SHOP, { db, now }) : null;
  const rerunS = rerun ? (performance.now() - t2) / 1000 : null;
  const rerunCpuS = rerun ? cpuSeconds(process.cpuUsage(cpu2)) : null;

  // Incremental: one more order for an overdue customer, then updateCustomer (the queued job's work).
  const target = await db.customerProfile.findFirst({ where: { shopId: SHOP, lifecycleStage: { in: ["at-risk", "dormant"] } }, select: { customerId: true, lifecycleStage: true } });
  const latencies: number[] = [];
  let moved = "";
  for (let k = 0; k < 5; k++) {
    const cid = k === 0 && target ? target.customerId : `c${String(Math.floor(random() * n)).padStart(8, "0")}`;
    const at = new Date();
    await db.order.create({ data: { id: `x${k}`, shopId: SHOP, shopifyId: `x${k}`, customerId: cid, currency: "USD", totalPrice: 5000, shopifyCreatedAt: at, shopifyUpdatedAt: at } });
    const s = performance.now();
    const changes = await updateCustomer(SHOP, cid, { db, now: at });
    latencies.push(performance.now() - s);
    if (k === 0 && target) moved = `${target.lifecycleStage} → entered [${changes?.entered.join(", ")}], left [${changes?.left.join(", ")}]`;
  }
  const result = {
    database: postgres ? "postgresql" : "sqlite",
    customers: n,
    orders: n * ORDERS_PER_CUSTOMER,
    insertSeconds: round(insertS),
    recomputeSeconds: round(recomputeS),
    recomputeCpuSeconds: round(recomputeCpuS),
    customersPerSecond: Math.round(n / recomputeS),
    timings: r.timings,
    cpu: r.cpu,
    load: { before: loadBefore, after: loadAfter },
    rerunUnchangedSeconds: rerunS === null ? null : round(rerunS),
    rerunUnchangedCpuSeconds: rerunCpuS === null ? null : round(rerunCpuS),
    peakRssMb: peakReset ? recomputePeak : null,
    peakRssMbSampled: mb(rssPeak),
    peakRssMbWholeProcess: vmHwmMb(),
    peakHeapMb: mb(heapPeak),
    rssAfterMb: mb(process.memoryUsage().rss),
    transitions: { entered: r.entered, left: r.left, rerunEntered: again?.entered ?? null, rerunLeft: again?.left ?? null },
    sizes: r.sizes,
    rfmBasis: r.rfm.basis,
    thresholds: { newDays: r.thresholds.newDays, activeDays: r.thresholds.activeDays, dormantDays: r.thresholds.dormantDays },
    updateCustomerMs: latencies.map((x) => round(x)),
    updateCustomerExample: moved,
  };
  await db.$disconnect();
  const { default: globalDb } = await import("../../app/db.server");
  await globalDb.$disconnect();
  if (process.env.BENCH_KEEP !== "1") await db0.drop();
  process.stdout.write(JSON.stringify(result) + "\n");
}

function seconds(ms: number) {
  return (ms / 1000).toFixed(1);
}

function cpuSeconds(u: NodeJS.CpuUsage) {
  return (u.user + u.system) / 1e6;
}

async function main() {
  if (process.env.BENCH_INSERT) return insertData(process.env.BENCH_URL!, Number(process.env.BENCH_INSERT), new Date(process.env.BENCH_NOW!));
  if (process.env.BENCH_ONE) return runOne(Number(process.env.BENCH_ONE));
  const sizes = (process.env.BENCH_CUSTOMERS ?? "10000,100000").split(",").map(Number);
  const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
  const rows: Array<Record<string, unknown>> = [];
  for (const n of sizes) {
    console.log(`\n${postgres ? "PostgreSQL" : "SQLite"}: ${n.toLocaleString("en")} customers × ${ORDERS_PER_CUSTOMER} orders …`);
    const child = spawnSync(process.execPath, ["--expose-gc", tsx, fileURLToPath(import.meta.url)], {
      cwd: root,
      env: { ...process.env, BENCH_ONE: String(n), LOG_LEVEL: "error" },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      maxBuffer: 1 << 24,
    });
    const line = child.stdout.trim().split("\n").at(-1) ?? "";
    if (child.status !== 0 || !line.startsWith("{")) {
      console.log(`failed (exit ${child.status}): ${child.stdout.slice(-500)}`);
      continue;
    }
    const row = JSON.parse(line) as Record<string, unknown>;
    rows.push(row);
    console.log(JSON.stringify(row, null, 2));
  }
  if (rows.length > 1) {
    console.log("\nsummary");
    const passes = ["profiles", "predictions", "distribution", "segments"] as const;
    for (const r of rows) {
      const wall = r.timings as Record<string, number>;
      const cpu = r.cpu as Record<string, number>;
      const perPass = passes.map((p) => `${p} ${seconds(wall[`${p}Ms`]!)}/${seconds(cpu[`${p}Ms`]!)}`).join(", ");
      console.log(`  ${r.database} ${String(r.customers).padStart(8)} customers: recompute ${r.recomputeSeconds} s wall / ${r.recomputeCpuSeconds} s CPU (${perPass}; wall/CPU s), rerun ${r.rerunUnchangedSeconds ?? "skipped"} s, peak RSS ${r.peakRssMb ?? r.peakRssMbSampled} MB, load ${JSON.stringify(r.load)}, updateCustomer ${JSON.stringify(r.updateCustomerMs)} ms`);
    }
    const [a, b] = [rows[0]!, rows.at(-1)!];
    const growth = (b.recomputeSeconds as number) / (a.recomputeSeconds as number);
    const cpuGrowth = (b.recomputeCpuSeconds as number) / (a.recomputeCpuSeconds as number);
    console.log(`  time grows ×${growth.toFixed(1)} wall, ×${cpuGrowth.toFixed(1)} CPU for ×${((b.customers as number) / (a.customers as number)).toFixed(0)} customers`);
  }
}

await main();
