// Delivery benchmark: a campaign to BENCH_RECIPIENTS subscribers (default
// 100,000) from the merchant's approval to every email handed to SendGrid (the
// local fake, bodies not kept): approval → launch (triggers enroll the audience)
// → dispatch (consent, caps, batches of 1,000) → send jobs on the queue → one
// request per batch. Once on the embedded backend and once on BullMQ (real Redis;
// skipped with a message when none answers). Reports total time and its parts,
// HTTP requests used (the floor is recipients / 1,000), peak RSS of the process
// (it runs the worker too), and the machine's load.
//
//   npx tsx tests/bench/delivery.bench.ts          BENCH_RECIPIENTS=10000 for a quick run
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { REDIS_URL, redisReachable } from "../setup/redis";

const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 100_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loopwise-delivery-bench-"));

process.env.NODE_ENV = "test";
process.env.SHOPIFY_API_KEY ??= "bench-key";
process.env.SHOPIFY_API_SECRET ??= "bench-secret";
process.env.SHOPIFY_APP_URL ??= "https://loopwise.example.com";
process.env.LOG_LEVEL = "error";
process.env.LOOPWISE_WORKER = "off";

type Backend = "embedded" | "bullmq";


async function run(backend: Backend) {
  const file = path.join(dir, `${backend}.db`);
  const { migrateDeploy } = await import("../../bin/demo");
  migrateDeploy("file:" + file);
  process.env.DATABASE_URL = "file:" + file;
  const { openDatabase } = await import("../../app/db.server");
  const db = openDatabase("file:" + file);
  const { approve, createCampaign, generateDrafts } = await import("../../app/core/campaigns/campaigns.server");
  const { OfflineContentProvider } = await import("../../app/core/content/offline/provider");
  const { scheduleLaunch } = await import("../../app/core/delivery/triggers.server");
  const { runTick } = await import("../../app/core/delivery/tick.server");
  const { DELIVERY_SEND_JOB } = await import("../../app/core/delivery/job-types");
  const { sendJobHandler } = await import("../../app/core/delivery/send.server");
  const { embeddedQueue } = await import("../../app/jobs/queue.server");
  const { bullmqQueue } = await import("../../app/jobs/bullmq.server");
  const { startFakeSendGrid } = await import("../fakes/sendgrid/index");

  const shopId = "bench-delivery.myshopify.com";
  await db.shop.create({ data: { id: shopId, name: "Bench Goods", currency: "USD", timezone: "America/Chicago", domain: "bench.example.com", email: "hello@bench.example.com", address: "1 Main Street, Springfield, IL 62701, USA" } });
  await db.product.create({ data: { shopId, shopifyId: "101", title: "Aurora Wool Scarf", handle: "aurora-wool-scarf", description: "A soft merino scarf.", productType: "Home", status: "ACTIVE", priceMin: 4900, priceMax: 4900, totalInventory: 10, variants: { create: [{ shopId, shopifyId: "v101", price: 4900, available: true, inventoryQuantity: 10 }] } } });
  const seedStart = performance.now();
  for (let start = 0; start < RECIPIENTS; start += 100) {
    const rows = [];
    for (let i = start; i < Math.min(RECIPIENTS, start + 100); i++) rows.push({ shopId, shopifyId: `b${i}`, email: `reader-${i}@example.com`, firstName: `Reader${i}`, emailConsentState: "SUBSCRIBED" });
    await db.customer.createMany({ data: rows });
  }
  const seedSeconds = (performance.now() - seedStart) / 1000;
  const now = new Date();
  const { id } = await createCampaign(shopId, { objective: "sales", name: "Bench sale" }, { db, queue: null, now });
  await generateDrafts(shopId, id, { db, now, provider: new OfflineContentProvider({ appOrigin: process.env.SHOPIFY_APP_URL }) });
  const { version } = await db.campaign.findUniqueOrThrow({ where: { id }, select: { version: true } });

  const sg = await startFakeSendGrid({ keepBodies: false });
  const prefix = `lwbench-${process.pid}-${backend}`;
  const queue = backend === "bullmq" ? bullmqQueue({ redisUrl: REDIS_URL, db, prefix }) : embeddedQueue(db);
  // The fake answers from this process: on a loaded machine a 1,000-recipient request can wait its turn
  // past SendGrid's usual timeout, which would leave its messages `unknown` (reconciled only 15 minutes later).
  queue.register(DELIVERY_SEND_JOB, sendJobHandler({ db, timeoutMs: 300_000, config: { appKey: null, apiUrl: sg.origin, secret: process.env.SHOPIFY_API_SECRET!, production: false } }));
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
  const load = os.loadavg()[0]!;

  // Approval is the start: the merchant's click, then the launch at once.
  const t0 = performance.now();
  await approve(shopId, id, { by: "owner", version }, { db, now });
  await scheduleLaunch(shopId, id, now, { db, now, queue: null });
  const stop = queue.start({ concurrency: 2, pollMs: 50 });
  // The per-minute tick chain, run back to back: one tick dispatches for at most 45 s, so a
  // large launch takes several (in the app the next minute's tick takes over).
  let enrolled = 0;
  let ticks = 0;
  let dispatched = 0;
  for (;;) {
    const tick = await runTick(shopId, { db, queue, now: ticks === 0 ? now : new Date() });
    ticks++;
    enrolled += tick.enrolled;
    if ((await db.message.count({ where: { shopId, step: 0, status: "scheduled" } })) === 0) break;
  }
  dispatched = (performance.now() - t0) / 1000;
  for (;;) {
    const left = await db.message.count({ where: { shopId, step: 0, status: { in: ["scheduled", "queued", "sending"] } } });
    if (left === 0) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const total = (performance.now() - t0) / 1000;
  await stop();
  clearInterval(sampler);
  const sent = await db.message.count({ where: { shopId, step: 0, status: "sent" } });
  const unknown = await db.message.count({ where: { shopId, step: 0, status: "unknown" } });
  const recipientsAtSendGrid = new Set(sg.messages.map((m) => m.to.email)).size;
  const figures = {
    backend,
    recipients: RECIPIENTS,
    enrolled,
    ticks,
    sent,
    unknown,
    recipientsAtSendGrid,
    atSendGrid: sg.messages.length,
    httpRequests: sg.requests.length,
    requestFloor: Math.ceil(RECIPIENTS / 1000),
    seedSeconds: +seedSeconds.toFixed(1),
    approvalToDispatchedSeconds: +dispatched.toFixed(1),
    approvalToAllHandedSeconds: +total.toFixed(1),
    emailsPerSecond: Math.round(sent / total),
    sendJobsPerSecond: +(sg.requests.length / (total - dispatched)).toFixed(2),
    peakRssMB: Math.round(peakRss / 1024 / 1024),
    loadAverageAtStart: +load.toFixed(1),
    loadAverageAtEnd: +os.loadavg()[0]!.toFixed(1),
  };
  console.log(JSON.stringify(figures));
  await queue.close();
  await sg.close();
  await db.$disconnect();
  if (recipientsAtSendGrid !== RECIPIENTS || sg.messages.length !== RECIPIENTS) throw new Error(`${backend}: ${recipientsAtSendGrid} recipients (${sg.messages.length} emails) of ${RECIPIENTS} at SendGrid`);
  return figures;
}

try {
  console.log(`Delivery bench: a ${RECIPIENTS.toLocaleString("en")}-recipient campaign, approval to all handed to SendGrid (${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)})`);
  await run("embedded");
  if (await redisReachable()) await run("bullmq");
  else console.log(`SKIPPED BullMQ: no Redis answered at ${REDIS_URL}`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
