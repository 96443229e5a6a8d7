// The demo's orchestration, one small step per function so later issues can
// extend both modes: `loopwise demo` (serve) and `loopwise demo --headless --json`.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describeStore, generateDemoStore, DEMO_SHOP_DOMAIN, type DemoStoreOptions } from "../app/demo/generator";
import { replayStore, type ReplaySummary } from "../app/demo/replay.server";
import { adminHostParam, mintSessionToken } from "../app/core/shopify/session-token";
import type { DemoStore } from "../app/demo/types";
import type { FakeSendGrid } from "../tests/fakes/sendgrid";
import type { ShoppersReport } from "../app/demo/shoppers.server";
import { headlessRecipients, liveRecipients, startDemoSendGrid } from "./demo-sendgrid";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const DEMO_DATABASE = path.join(root, "prisma", "demo.db");
export const DEMO_API_KEY = "loopwise-demo-api-key";
export const DEMO_API_SECRET = "loopwise-demo-api-secret";
export const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

export interface DemoOptions {
  headless: boolean;
  json: boolean;
  port: number;
  seed: number;
  customers: number;
  products?: number;
  now?: string;
  database?: string;
  log: (line: string) => void;
}

export interface Closable {
  close(): Promise<void>;
}

export function refuseProduction(env = process.env) {
  if (env.NODE_ENV === "production") throw new Error("the demo is refused when NODE_ENV=production");
}

/** One demo per database file: a second run would delete the first one's data under it. */
export function lockDatabase(file: string): () => void {
  const lock = `${file}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
      const release = () => {
        if (fs.existsSync(lock) && fs.readFileSync(lock, "utf8") === String(process.pid)) fs.rmSync(lock, { force: true });
      };
      process.once("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number(fs.readFileSync(lock, "utf8"));
      let alive = false;
      try {
        process.kill(pid, 0);
        alive = pid > 0;
      } catch {
        alive = false;
      }
      if (alive) throw new Error(`another demo (pid ${pid}) is using ${path.relative(root, file)}; stop it first`);
      fs.rmSync(lock, { force: true }); // stale lock from a run that died
    }
  }
  throw new Error(`could not lock ${file}`);
}

/** Deletes and re-creates the demo SQLite database with `prisma migrate deploy`. */
export function prepareDatabase(file = DEMO_DATABASE): string {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) fs.rmSync(f, { force: true });
  const url = "file:" + file;
  migrateDeploy(url);
  return url;
}

export function migrateDeploy(url: string, stdio: "ignore" | "inherit" = "ignore") {
  execFileSync(process.execPath, [path.join(root, "node_modules", "prisma", "build", "index.js"), "migrate", "deploy"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
    stdio: ["ignore", stdio, "inherit"],
  });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (!/\.test\.tsx?$/.test(entry.name)) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** True when build/ is missing or older than the app's sources. */
export function buildIsStale(): boolean {
  const server = path.join(root, "build", "server", "index.js");
  if (!fs.existsSync(server)) return true;
  const sources = Math.max(newestMtime(path.join(root, "app")), ...["vite.config.ts", "package.json"].map((f) => fs.statSync(path.join(root, f)).mtimeMs));
  return fs.statSync(server).mtimeMs < sources;
}

export function ensureBuild(log: (line: string) => void) {
  if (!buildIsStale()) return;
  log("building the app (remix vite:build)…");
  const cli = path.join(root, "node_modules", "@remix-run", "dev", "dist", "cli.js");
  const result = spawnSync(process.execPath, [cli, "vite:build"], { cwd: root, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, NODE_ENV: "production" } });
  if (result.status !== 0) throw new Error(`remix vite:build failed (exit ${result.status ?? result.signal})`);
}

export async function startFakeAdmin(store: DemoStore): Promise<Closable & { origin: string }> {
  const { startFakeShopify } = await import("../tests/fakes/shopify-admin/index");
  const fake = await startFakeShopify({
    apiKey: DEMO_API_KEY,
    apiSecret: DEMO_API_SECRET,
    stores: {
      [store.shop.domain]: {
        shop: { name: store.shop.name, currency: store.shop.currency, iana_timezone: store.shop.timezone, email: store.shop.email },
        // The demo store's catalog is what the install backfill finds in Shopify; its
        // year of customers, orders, checkouts and browsing then arrives the way a
        // live store's does: as signed webhooks and pixel events (the replay). Giving
        // the backfill the same customers and orders would only write everything twice.
        products: store.products,
        customers: [],
        orders: [],
      } as never,
    },
  });
  return fake;
}

/** Where the fake SendGrid writes the demo's emails: beside the demo database (prisma/demo-emails/ by default). */
export function demoEmailDir(databaseFile: string): string {
  return path.join(path.dirname(databaseFile), `${path.basename(databaseFile, path.extname(databaseFile))}-emails`);
}

export interface DemoSendGridEnv {
  origin: string;
  apiKey: string;
  /** The fake's event-webhook key: the app verifies the fake's signed events with it. */
  publicKey: string;
}

export function demoEnv(opts: { databaseUrl: string; adminOrigin: string; shop: string; appUrl?: string; sendgrid?: DemoSendGridEnv }): Record<string, string | undefined> {
  return {
    NODE_ENV: process.env.NODE_ENV === "test" ? "test" : "development",
    SHOPIFY_API_KEY: DEMO_API_KEY,
    SHOPIFY_API_SECRET: DEMO_API_SECRET,
    SHOPIFY_APP_URL: opts.appUrl,
    SHOPIFY_ADMIN_ORIGIN: opts.adminOrigin,
    LOOPWISE_DEMO: "1",
    LOOPWISE_DEMO_SHOP: opts.shop,
    DATABASE_URL: opts.databaseUrl,
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    // The replay sends a month of browsing in seconds: lift the per-shop and
    // per-browser pixel limits for the demo process only.
    PIXEL_RATE_PER_SHOP: "1000000",
    PIXEL_RATE_PER_BROWSER: "1000000",
    // Mail goes to the local fake SendGrid; its signed events come back to the real webhook route.
    SENDGRID_API_URL: opts.sendgrid?.origin,
    SENDGRID_API_KEY: opts.sendgrid?.apiKey,
    SENDGRID_WEBHOOK_PUBLIC_KEY: opts.sendgrid?.publicKey,
  };
}

export async function startApp(port: number, env: Record<string, string | undefined>): Promise<Closable & { url: string }> {
  const { startAppServer } = await import("./serve");
  return startAppServer({ host: "127.0.0.1", port, env });
}

/** Opens the embedded app once with a fresh session token: token exchange installs the shop. */
export async function installShop(appUrl: string, shop: string, attempts = 3) {
  for (let attempt = 1; ; attempt++) {
    const token = mintSessionToken({ shop, apiKey: DEMO_API_KEY, apiSecret: DEMO_API_SECRET });
    const url = `${appUrl}/app?embedded=1&shop=${encodeURIComponent(shop)}&host=${encodeURIComponent(adminHostParam(shop))}&id_token=${encodeURIComponent(token)}`;
    const res = await fetch(url, { headers: { "User-Agent": BROWSER_UA, Accept: "text/html" }, redirect: "manual" });
    const body = await res.text();
    if (res.status === 200) return;
    // The first document request runs the token exchange in parallel loaders;
    // a child loader may look for the Shop row before afterAuth has written it.
    if (attempt >= attempts) throw new Error(`installing ${shop} through token exchange failed: GET /app answered ${res.status}: ${body.slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 300 * attempt));
  }
}

/** Waits until the background queue has no due work left (or the timeout passes). */
export async function waitForQueue(databaseUrl: string, timeoutMs = 120_000): Promise<boolean> {
  const { openDatabase } = await import("../app/db.server");
  const db = openDatabase(databaseUrl);
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const pending = await db.job.count({ where: { status: { in: ["queued", "running"] }, runAt: { lte: new Date(Date.now() + 1000) } } });
      if (pending === 0) return true;
      await new Promise((r) => setTimeout(r, 250));
    }
    return false;
  } finally {
    await db.$disconnect();
  }
}

export async function summarize(databaseUrl: string, shop: string) {
  const { openDatabase } = await import("../app/db.server");
  const db = openDatabase(databaseUrl);
  try {
    const where = { shopId: shop };
    const [customers, orders, lineItems, refunds, products, variants, checkouts, abandonedCheckouts, browseEvents, webhookReceipts, subscribed] = await Promise.all([
      db.customer.count({ where }),
      db.order.count({ where }),
      db.lineItem.count({ where }),
      db.refund.count({ where }),
      db.product.count({ where }),
      db.variant.count({ where }),
      db.checkout.count({ where }),
      db.checkout.count({ where: { ...where, completedAt: null } }),
      db.browseEvent.count({ where }),
      db.webhookReceipt.count({ where: { shopDomain: shop } }),
      db.customer.count({ where: { ...where, emailConsentState: "SUBSCRIBED" } }),
    ]);
    const installed = await db.shop.findUnique({ where: { id: shop }, select: { status: true } });
    return { shop, installed: installed?.status ?? "missing", customers, subscribedCustomers: subscribed, orders, lineItems, refunds, products, variants, checkouts, abandonedCheckouts, browseEvents, webhookReceipts };
  } finally {
    await db.$disconnect();
  }
}

/**
 * The demo shop's audience once its history is in: profiles, the purchase model,
 * lifecycle and merchant segments (the job a real install runs after its backfill
 * and nightly; the replayed history is older than the live window, so no
 * per-customer update ran for it).
 */
export async function recomputeAudience(databaseUrl: string, shop: string) {
  const { openDatabase } = await import("../app/db.server");
  const { recomputeShop } = await import("../app/core/audience/profiles/recompute.server");
  const { evaluateShopSegments } = await import("../app/core/audience/segments/segments.server");
  const db = openDatabase(databaseUrl);
  try {
    const t = performance.now();
    const r = await recomputeShop(shop, { db });
    await evaluateShopSegments(shop, { db });
    return { customers: r.customers, segments: r.sizes, predictions: r.predictions.status ?? r.predictions.decision, seconds: (performance.now() - t) / 1000 };
  } finally {
    await db.$disconnect();
  }
}

/** The demo shop's built-in flows with their drafts (offline generator), ready for review. */
export async function seedFlows(databaseUrl: string, shop: string) {
  const { openDatabase } = await import("../app/db.server");
  const { seedDemoFlows } = await import("../app/demo/flows.server");
  const db = openDatabase(databaseUrl);
  try {
    // The demo merchant gives some flows an offer: their emails carry single-use codes.
    return await seedDemoFlows(shop, { db, offers: true });
  } finally {
    await db.$disconnect();
  }
}

export function databaseBytes(file: string): number {
  return [file, `${file}-wal`].reduce((n, f) => n + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0);
}

function progressLogger(log: (line: string) => void) {
  let last = 0;
  return ({ phase, done, total }: { phase: string; done: number; total: number }) => {
    const now = Date.now();
    if (done === total || now - last > 1000) {
      last = now;
      log(`  ${phase}: ${done}/${total}`);
    }
  };
}

export interface DemoRun {
  app: Closable & { url: string };
  fake: Closable & { origin: string };
  /** The fake SendGrid: every email the app sends lands here, and as an .eml file in `emailDir`. */
  sendgrid: FakeSendGrid;
  emailDir: string;
  /** The demo shop's event-webhook address on the app (/webhooks/sendgrid/<token>). */
  eventWebhookUrl: string;
  store: DemoStore;
  replay: ReplaySummary;
  databaseUrl: string;
  /** False when background jobs (e.g. the install backfill) were still running at the summary. */
  queueIdle: boolean;
  /** Profiles, the purchase model and segments, computed after the replay. */
  audience: { customers: number; segments: Record<string, number>; predictions: string; seconds: number };
  /** The built-in flows seeded with offline drafts. */
  flows: { flows: number; drafts: number; draftsWithProblems: number; offers: number; seconds: number };
  timings: { generateSeconds: number; seedSeconds: number };
  close(): Promise<void>;
}

/** Everything up to a seeded, running app: database, fake Admin, app, install, replay. */
export async function seedDemo(opts: DemoOptions): Promise<DemoRun> {
  refuseProduction();
  const started = performance.now();
  // LOOPWISE_DEMO_DATABASE: tests run the real demo on a database of their own.
  const file = opts.database ?? process.env.LOOPWISE_DEMO_DATABASE ?? DEMO_DATABASE;
  opts.log(`preparing ${path.relative(root, file)}…`);
  const unlock = lockDatabase(file);
  const databaseUrl = prepareDatabase(file);
  ensureBuild(opts.log);
  const t = performance.now();
  const storeOptions: DemoStoreOptions = { seed: opts.seed, customers: opts.customers, shopDomain: DEMO_SHOP_DOMAIN, ...(opts.products ? { products: opts.products } : {}), ...(opts.now ? { now: opts.now } : {}) };
  const store = generateDemoStore(storeOptions);
  const generateSeconds = (performance.now() - t) / 1000;
  const counts = describeStore(store);
  opts.log(`generated ${counts.products} products, ${counts.customers} customers, ${counts.orders} orders, ${counts.checkouts} abandoned checkouts, ${counts.browseEvents} browse events in ${generateSeconds.toFixed(1)} s`);
  const fake = await startFakeAdmin(store);
  const emailDir = demoEmailDir(file);
  const sendgrid = await startDemoSendGrid(emailDir);
  let app: (Closable & { url: string }) | null = null;
  try {
    const sendgridEnv = { origin: sendgrid.origin, apiKey: sendgrid.apiKey, publicKey: sendgrid.eventWebhook.publicKey };
    app = await startApp(opts.port, demoEnv({ databaseUrl, adminOrigin: fake.origin, shop: store.shop.domain, appUrl: opts.port ? `http://127.0.0.1:${opts.port}` : undefined, sendgrid: sendgridEnv }));
    opts.log(`app on ${app.url}; installing ${store.shop.domain}…`);
    await installShop(app.url, store.shop.domain);
    opts.log(`replaying ${counts.webhooks} webhooks and ${counts.browseEvents} pixel events…`);
    const replay = await replayStore(store, { appUrl: app.url, apiSecret: DEMO_API_SECRET }, { concurrency: 8, onProgress: progressLogger(opts.log) });
    const queueIdle = await waitForQueue(databaseUrl);
    if (!queueIdle) opts.log("warning: background jobs still pending after 120 s");
    const audience = await recomputeAudience(databaseUrl, store.shop.domain);
    opts.log(`profiles, predictions (${audience.predictions}) and segments for ${audience.customers} customers in ${audience.seconds.toFixed(1)} s`);
    const flows = await seedFlows(databaseUrl, store.shop.domain);
    opts.log(`wrote ${flows.drafts} drafts for ${flows.flows} built-in flows in ${flows.seconds.toFixed(1)} s`);
    if (flows.draftsWithProblems > 0) opts.log(`warning: ${flows.draftsWithProblems} flow drafts have validation problems`);
    const eventWebhookUrl = await webhookUrlFor(databaseUrl, app.url, store.shop.domain);
    const running = app;
    return {
      app: running,
      fake,
      sendgrid,
      emailDir,
      eventWebhookUrl,
      store,
      replay,
      databaseUrl,
      queueIdle,
      audience,
      flows,
      timings: { generateSeconds, seedSeconds: (performance.now() - started) / 1000 },
      close: async () => {
        await running.close();
        await fake.close();
        await sendgrid.close();
        unlock();
      },
    };
  } catch (error) {
    await app?.close();
    await fake.close();
    await sendgrid.close();
    unlock();
    throw error;
  }
}

/** The shop's SendGrid event-webhook address on the app (its token is created on first use). */
export async function webhookUrlFor(databaseUrl: string, appUrl: string, shop: string): Promise<string> {
  const { openDatabase } = await import("../app/db.server");
  const { ensureWebhookToken, buildEventWebhookUrl } = await import("../app/core/delivery/webhook-token.server");
  const db = openDatabase(databaseUrl);
  try {
    return buildEventWebhookUrl(appUrl, await ensureWebhookToken(shop, { db }));
  } finally {
    await db.$disconnect();
  }
}

/**
 * Headless: the merchant approves every demo flow, delivery runs on the demo's
 * clock (app/demo/delivery.server.ts) and the recipients answer through the
 * real event webhook. Returns what came of it, read back from the database.
 */
export async function deliverDemo(run: DemoRun, opts: Pick<DemoOptions, "seed" | "log">) {
  const { openDatabase } = await import("../app/db.server");
  const { runDemoDelivery, deliveryCounts } = await import("../app/demo/delivery.server");
  const { demoShoppers } = await import("../app/demo/shoppers.server");
  const db = openDatabase(run.databaseUrl);
  const started = performance.now();
  try {
    const recipients = headlessRecipients(run.sendgrid, run.eventWebhookUrl, { seed: opts.seed, shopHosts: [run.store.shop.domain] });
    // Shoppers: fresh abandoned carts now, then orders (signed webhooks through the real routes) after the emails they answer.
    const shoppers = demoShoppers({ db, store: run.store, seed: opts.seed, target: { appUrl: run.app.url, apiSecret: DEMO_API_SECRET } });
    await shoppers.openCheckouts();
    let events = 0;
    const report = await runDemoDelivery(run.store.shop.domain, {
      db,
      now: new Date(run.store.now),
      sendgrid: { appKey: run.sendgrid.apiKey, apiUrl: run.sendgrid.origin, secret: DEMO_API_SECRET, production: false },
      beforeTick: (at) => shoppers.advance(at),
      afterSend: async (at, messageIds) => {
        events += await recipients.playNew(at);
        await shoppers.afterSend(at, messageIds);
      },
      log: opts.log,
    });
    const shopping = await shoppers.finish();
    const counts = await deliveryCounts(db, run.store.shop.domain);
    const seconds = (performance.now() - started) / 1000;
    opts.log(`delivery: ${report.flowsApproved} flows approved, ${counts.messagesSent} emails sent in ${report.ticks} ticks up to ${report.simulatedUntil.toISOString()}, ${events} recipient events posted, in ${seconds.toFixed(1)} s`);
    return { ...report, ...counts, eventsPosted: events, shopping, seconds };
  } finally {
    await db.$disconnect();
  }
}

/**
 * What the shoppers' orders earned, read back from the Attribution rows the
 * app's webhook routes wrote; the dashboard's daily stats are brought up to date first.
 */
export async function attributeDemo(databaseUrl: string, shop: string, shopping: ShoppersReport, log: (line: string) => void) {
  const { openDatabase } = await import("../app/db.server");
  const { refreshStats } = await import("../app/core/reports/stats.server");
  const { attributionSummary } = await import("../app/demo/attribution-summary.server");
  const { formatMoney } = await import("../app/components/format");
  const { currencyExponent } = await import("../app/core/ingest/money");
  const db = openDatabase(databaseUrl);
  try {
    const statsRefreshed = await refreshStats(shop, { db });
    const summary = await attributionSummary(db, shop);
    const placed = Object.values(shopping.ordersPlaced).reduce((a, b) => a + b, 0);
    const rules = Object.entries(summary.attributionByRule).filter(([, n]) => n > 0).map(([rule, n]) => `${n} ${rule}`).join(", ");
    const revenue = formatMoney(Math.round(summary.attributedRevenue * 10 ** currencyExponent(summary.attributedRevenueCurrency)), summary.attributedRevenueCurrency);
    log(`orders: ${placed} placed by the demo's shoppers (${shopping.unrelatedOrders.length} unrelated to any email, ${shopping.refunds} returned, ${shopping.cancelled} cancelled); ${summary.ordersAttributed} attributed (${rules || "none"}), ${revenue} attributed revenue; ${statsRefreshed} daily stats refreshed`);
    return { ...summary, statsRefreshed };
  } finally {
    await db.$disconnect();
  }
}

export function emlFiles(dir: string): number {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".eml")).length : 0;
}

/** Keeps stdout for the JSON summary: the app's own console output goes to stderr. */
export function consoleToStderr() {
  const toStderr = (...args: unknown[]) => console.error(...args);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
}

export async function runDemo(opts: DemoOptions): Promise<number> {
  if (opts.json) consoleToStderr();
  const run = await seedDemo(opts);
  const file = run.databaseUrl.replace(/^file:/, "");
  if (opts.headless) {
    const delivery = await deliverDemo(run, opts);
    const attribution = await attributeDemo(run.databaseUrl, run.store.shop.domain, delivery.shopping, opts.log);
    const summary = {
      ...(await summarize(run.databaseUrl, run.store.shop.domain)),
      seed: opts.seed,
      sent: { webhooks: run.replay.webhooks, pixelBatches: run.replay.pixelBatches, pixelEvents: run.replay.pixelEvents },
      generateSeconds: round(run.timings.generateSeconds),
      replaySeconds: round(run.replay.seconds),
      seedSeconds: round(run.timings.seedSeconds),
      databaseBytes: databaseBytes(file),
      queueIdle: run.queueIdle,
      segments: run.audience.segments,
      predictions: run.audience.predictions,
      audienceSeconds: round(run.audience.seconds),
      flows: run.flows.flows,
      drafts: run.flows.drafts,
      flowsSeconds: round(run.flows.seconds),
      flowsApproved: delivery.flowsApproved,
      messagesSent: delivery.messagesSent,
      messagesSkipped: delivery.messagesSkipped,
      messagesCancelled: delivery.messagesCancelled,
      messagesScheduled: delivery.messagesScheduled,
      messagesFailed: delivery.messagesFailed,
      sendRequests: delivery.sendRequests,
      emailDir: run.emailDir,
      emlFiles: emlFiles(run.emailDir),
      delivered: delivery.delivered,
      opens: delivery.opens,
      machineOpens: delivery.machineOpens,
      clicks: delivery.clicks,
      bounces: delivery.bounces,
      spamReports: delivery.spamReports,
      unsubscribes: delivery.unsubscribes,
      emailEvents: delivery.events,
      deliveryTicks: delivery.ticks,
      simulatedUntil: delivery.simulatedUntil.toISOString(),
      deliverySeconds: round(delivery.seconds),
      checkoutsOpened: delivery.shopping.checkoutsOpened,
      ordersPlaced: delivery.shopping.ordersPlaced,
      unrelatedOrders: delivery.shopping.unrelatedOrders,
      refundsPlaced: delivery.shopping.refunds,
      cancelledPlaced: delivery.shopping.cancelled,
      ...attribution,
    };
    process.stdout.write(opts.json ? JSON.stringify(summary) + "\n" : formatSummary(summary));
    // Closing waits for the worker's current job (a long backfill, say): give it 5 s, then exit.
    await Promise.race([run.close(), new Promise((r) => setTimeout(r, 5000).unref())]);
    return 0;
  }
  const url = `${run.app.url}/demo`;
  // The app's in-process worker runs the delivery tick once the merchant switches a flow on; these recipients answer what arrives.
  // Shoppers on the wall clock: fresh abandoned carts now; a recipient who opened or clicked may buy
  // seconds later (an hour of the plan is a second here, at most 20 s), through the signed order webhook.
  const { openDatabase } = await import("../app/db.server");
  const { demoShoppers } = await import("../app/demo/shoppers.server");
  const shopperDb = openDatabase(run.databaseUrl);
  const shoppers = demoShoppers({
    db: shopperDb,
    store: run.store,
    seed: opts.seed,
    target: { appUrl: run.app.url, apiSecret: DEMO_API_SECRET },
    placeAt: (planned) => Date.now() + Math.min(20_000, Math.max(3_000, (planned - Date.now()) / 3600)),
  });
  await shoppers.openCheckouts();
  const shopping = setInterval(() => void shoppers.advance(new Date()).catch((error: unknown) => opts.log(`demo shoppers: ${String(error)}`)), 2000);
  const recipients = liveRecipients(run.sendgrid, run.eventWebhookUrl, {
    seed: opts.seed,
    shopHosts: [run.store.shop.domain],
    log: opts.log,
    afterEvents: (messageIds) => shoppers.afterSend(new Date(), messageIds),
  });
  process.stdout.write(
    `\nLoopwise demo is ready (seeded in ${run.timings.seedSeconds.toFixed(1)} s).\nOpen ${url}\n` +
      `Approve a flow under Flows and switch it on: its due emails go to a local fake SendGrid and are written to ${path.relative(process.cwd(), run.emailDir) || run.emailDir}/ as .eml files; simulated recipients open and click a few seconds later, and some buy (Home then shows the revenue each email brought back).\nPress Ctrl+C to stop.\n`,
  );
  await new Promise<void>((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => resolve());
  });
  await recipients.stop();
  clearInterval(shopping);
  await shopperDb.$disconnect();
  await run.close();
  return 0;
}

const round = (n: number) => Math.round(n * 100) / 100;

export function formatSummary(summary: Record<string, unknown>): string {
  return Object.entries(summary)
    .map(([k, v]) => `${k.padEnd(20)} ${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join("\n") + "\n";
}
