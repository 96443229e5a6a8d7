// Shared set-up of the delivery reliability tests: a shop with many subscribed
// customers written in bulk, an approved campaign (offline drafts, no offer, so
// sending needs no Shopify call), both queue backends, and a worker process
// that can be killed (reliability-worker.ts).
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { DELIVERY_SEND_JOB } from "~/core/delivery/job-types";
import prisma from "~/db.server";
import { approve, createCampaign, generateDrafts, setFlowEnabled, listFlows } from "~/core/campaigns/campaigns.server";
import { OfflineContentProvider } from "~/core/content/offline/provider";
import { scheduleLaunch } from "~/core/delivery/triggers.server";
import { ensureWebhookToken } from "~/core/delivery/webhook-token.server";
import { bullmqQueue } from "~/jobs/bullmq.server";
import { embeddedQueue, type JobWorker } from "~/jobs/queue.server";
import type { FakeSendGrid } from "../../fakes/sendgrid";
import { action as eventWebhookAction } from "~/routes/webhooks.sendgrid.$token";
import { saveDeliverySettings } from "~/core/delivery/settings.server";
import { seedShop as seedCampaignShop } from "../campaigns/fixtures";

export { REDIS_URL, redisReachable } from "../../setup/redis";
import { REDIS_URL } from "../../setup/redis";
export const CI = process.env.CI === "true" || process.env.CI === "1";
export const LEASE_MS = 2000;


export type BackendName = "embedded" | "bullmq";

/** A queue on this test file's database (embedded) or on Redis under `prefix` (BullMQ), for enqueuing from the test process. */
export function testQueue(backend: BackendName, prefix: string): JobWorker {
  return backend === "bullmq" ? bullmqQueue({ redisUrl: REDIS_URL, db: prisma, prefix, leaseMs: LEASE_MS, backoffMs: 50, relayMs: 50 }) : embeddedQueue(prisma, { leaseMs: LEASE_MS, backoffMs: 50 });
}

/** BullMQ's record of the send jobs under `prefix`: counts by state, and why failed ones failed (for a test's timeout message). */
export interface SendJobStates {
  counts: Record<string, number>;
  failed: Array<{ id: string | undefined; attemptsMade: number; stalledCounter: number | undefined; reason: string }>;
}

export async function sendJobStates(prefix: string): Promise<SendJobStates> {
  const queue = new Queue(DELIVERY_SEND_JOB, { connection: { url: REDIS_URL }, prefix });
  try {
    const counts = await queue.getJobCounts("waiting", "active", "delayed", "failed", "completed");
    const failed = (await queue.getFailed(0, 9)).map((j) => ({ id: j.id, attemptsMade: j.attemptsMade, stalledCounter: (j as unknown as { stalledCounter?: number }).stalledCounter, reason: j.failedReason }));
    return { counts, failed };
  } finally {
    await queue.close();
  }
}

/** Deletes every Redis key under the prefix. */
export async function dropPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

/** `count` subscribed customers more, written in bulk (createMany in pages), addresses `<tag>-<n>@example.com`. */
export async function addSubscribers(shopId: string, count: number, tag: string): Promise<string[]> {
  const emails: string[] = [];
  for (let start = 0; start < count; start += 100) {
    const rows = [];
    for (let i = start; i < Math.min(count, start + 100); i++) {
      const email = `${tag}-${i}@example.com`;
      emails.push(email);
      rows.push({ shopId, shopifyId: `${tag}-${i}`, email, firstName: `Reader${i}`, emailConsentState: "SUBSCRIBED" });
    }
    await prisma.customer.createMany({ data: rows });
  }
  return emails;
}

const provider = () => new OfflineContentProvider({ appOrigin: process.env.SHOPIFY_APP_URL });

/** A sales campaign with offline drafts, approved; its first email goes to every subscriber at `startsAt`. */
export async function approvedCampaign(shopId: string, now: Date): Promise<string> {
  const { id } = await createCampaign(shopId, { objective: "sales", name: "Reliability sale" }, { queue: null, now });
  await generateDrafts(shopId, id, { provider: provider(), now });
  const row = await prisma.campaign.findUniqueOrThrow({ where: { id }, select: { version: true } });
  await approve(shopId, id, { by: "owner", version: row.version }, { now });
  await scheduleLaunch(shopId, id, now, { now, queue: null });
  return id;
}

/** Every built-in flow approved (offline drafts) and switched on. */
export async function approvedFlows(shopId: string, now: Date): Promise<string[]> {
  const flows = await listFlows(shopId, { queue: null, now });
  for (const flow of flows) {
    await generateDrafts(shopId, flow.id, { provider: provider(), now });
    const row = await prisma.campaign.findUniqueOrThrow({ where: { id: flow.id }, select: { version: true } });
    await approve(shopId, flow.id, { by: "owner", version: row.version }, { now });
    await setFlowEnabled(shopId, flow.id, true, { queue: null, now });
  }
  return flows.map((f) => f.id);
}

/**
 * The campaigns fixture's shop, with quiet hours off: these tests run on the
 * wall clock (worker processes), and are about crashes and retries, not about
 * send times, so they must not depend on the hour CI happens to run at.
 */
export async function seedShop(shopId: string, customers: number): ReturnType<typeof seedCampaignShop> {
  const shop = await seedCampaignShop(shopId, customers);
  await saveDeliverySettings(shopId, { quietHours: { start: 0, end: 0 } });
  return shop;
}

/** The shop's event webhook, verified with the fake's key; returns a poster of signed event batches through the real route's action. */
export async function eventPoster(shopId: string, sg: FakeSendGrid) {
  await prisma.shopSettings.upsert({ where: { shopId }, create: { shopId, sendgridWebhookKey: sg.eventWebhook.publicKey }, update: { sendgridWebhookKey: sg.eventWebhook.publicKey } });
  const token = await ensureWebhookToken(shopId);
  return async (events: Parameters<FakeSendGrid["eventWebhook"]["build"]>[0]) => {
    for (let i = 0; i < events.length; i += 1000) {
      const payload = JSON.stringify(sg.eventWebhook.build(events.slice(i, i + 1000)));
      const { signature, timestamp } = sg.eventWebhook.sign(payload);
      const request = new Request(`http://127.0.0.1/webhooks/sendgrid/${token}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-twilio-email-event-webhook-signature": signature, "x-twilio-email-event-webhook-timestamp": timestamp },
        body: payload,
      });
      const response = await eventWebhookAction({ request, params: { token }, context: {} });
      if (response.status !== 200) throw new Error(`event webhook answered ${response.status}: ${await response.text()}`);
    }
  };
}

/** A worker process (reliability-worker.ts) running send jobs against this file's database and the fake. */
export function startWorker(backend: BackendName, prefix: string, sg: FakeSendGrid): { child: ChildProcess; ready: Promise<void>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "reliability-worker.ts"), backend, prefix], {
    env: { ...process.env, SENDGRID_API_URL: sg.origin, SENDGRID_API_KEY: sg.apiKey, LOG_LEVEL: "error" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (c: Buffer) => {
      if (c.toString().includes("ready")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`worker exited (${code}) before it was ready`)));
  });
  ready.catch(() => undefined);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, ready, exited };
}
