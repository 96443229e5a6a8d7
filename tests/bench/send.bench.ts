// A 100,000-recipient send: messages queued in 100 batches of 1,000 (as the
// dispatcher leaves them), each batch's `delivery.send` job run by the embedded
// queue against the fake SendGrid over HTTP (keepBodies false). Prints total
// time, HTTP requests (the floor is 100), peak RSS and messages per second.
// Prints, never asserts.
//   npx tsx tests/bench/send.bench.ts     (BENCH_MESSAGES=100000, BENCH_DATABASE_URL=postgresql://… for PostgreSQL)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrateDeploy } from "../../bin/demo";

const total = Number(process.env.BENCH_MESSAGES ?? 100_000);
const BATCH = 1_000;
let url = process.env.BENCH_DATABASE_URL;
if (!url) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loopwise-bench-send-"));
  url = "file:" + path.join(dir, "bench.db");
}
migrateDeploy(url);
Object.assign(process.env, {
  DATABASE_URL: url, NODE_ENV: "test", LOG_LEVEL: "error", LOOPWISE_WORKER: "off",
  SHOPIFY_API_KEY: "loopwise-test-api-key", SHOPIFY_API_SECRET: "loopwise-test-api-secret", SHOPIFY_APP_URL: "https://loopwise.test",
});

const { default: prisma } = await import("../../app/db.server");
const { seedShop, NOW } = await import("../integration/campaigns/fixtures");
const { approvedWinBack, fakeConfig } = await import("../integration/delivery/send-fixtures");
const { startFakeSendGrid } = await import("../fakes/sendgrid");
const { embeddedQueue } = await import("../../app/jobs/queue.server");
const { sendJobHandler } = await import("../../app/core/delivery/send.server");
const { DELIVERY_SEND_JOB } = await import("../../app/core/delivery/job-types");

const shopId = `bench-send-${Date.now().toString(36)}.myshopify.com`;
await seedShop(shopId, 0);
const campaignId = await approvedWinBack(shopId, NOW);
for (let start = 0; start < total; start += 5_000) {
  const n = Math.min(5_000, total - start);
  await prisma.customer.createMany({ data: Array.from({ length: n }, (_, k) => ({ shopId, shopifyId: String(10_000_000 + start + k), email: `r${start + k}@example.com`, firstName: `Reader${start + k}`, emailConsentState: "SUBSCRIBED" })) });
}
const customers = await prisma.customer.findMany({ where: { shopId }, orderBy: { shopifyId: "asc" }, select: { id: true, email: true } });
const batchIds: string[] = [];
for (let b = 0; b * BATCH < customers.length; b++) {
  const batchId = `bench-${b}`;
  batchIds.push(batchId);
  const chunk = customers.slice(b * BATCH, (b + 1) * BATCH);
  await prisma.message.createMany({
    data: chunk.map((c, i) => ({ shopId, campaignId, customerId: c.id, flowType: "win-back", step: 0, variant: "A", key: `${batchId}:${i}`, email: c.email, status: "queued", scheduledFor: NOW, queuedAt: NOW, batchId })),
  });
}

const sg = await startFakeSendGrid({ keepBodies: false });
const queue = embeddedQueue(prisma);
queue.register(DELIVERY_SEND_JOB, sendJobHandler({ config: fakeConfig(sg), now: NOW }));
for (const batchId of batchIds) await queue.enqueue(DELIVERY_SEND_JOB, { shopId, batchId }, { shopId, idempotencyKey: `send:${batchId}` });

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
const started = performance.now();
await queue.drain();
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);

const sent = await prisma.message.count({ where: { shopId, status: "sent" } });
const byStatus = await prisma.message.groupBy({ by: ["status"], where: { shopId }, _count: true });
const valuesBytes = await prisma.$queryRawUnsafe<Array<{ n: number | bigint }>>(url.startsWith("file:") ? `SELECT SUM(LENGTH("values")) AS n FROM "Message"` : `SELECT SUM(OCTET_LENGTH("values")) AS n FROM "Message"`);
const figures = {
  database: url.startsWith("file:") ? "sqlite" : "postgresql",
  messages: total,
  batches: batchIds.length,
  seconds: Number(seconds.toFixed(1)),
  messagesPerSecond: Math.round(sent / seconds),
  httpRequests: sg.requests.length,
  accepted: sg.requests.filter((r) => r.status === 202).length,
  recipientsAtFake: sg.messages.length,
  sent,
  byStatus: Object.fromEntries(byStatus.map((s) => [s.status, s._count])),
  peakRssMb: Math.round(peakRss / 1024 / 1024),
  storedValuesBytesPerMessage: Math.round(Number(valuesBytes[0]?.n ?? 0) / Math.max(1, sent)),
};
console.log(JSON.stringify(figures, null, 2));
await sg.close();
await prisma.$disconnect();
