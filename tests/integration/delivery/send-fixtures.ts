// Shared by the send tests and the send benchmark: an approved win-back
// campaign on a seeded shop, queued messages as the dispatcher leaves them, and
// a tiny event-webhook server that hands the fake SendGrid's signed events to
// the app's real event processing.
import http from "node:http";
import type { AddressInfo } from "node:net";
import prisma from "~/db.server";
import { approveCampaign } from "~/core/approval/approval.server";
import { createCampaign, generateDrafts } from "~/core/campaigns/campaigns.server";
import { OfflineContentProvider } from "~/core/content/offline/provider";
import { handleEventWebhook } from "~/core/delivery/events.server";
import type { SendgridConfig } from "~/core/delivery/sendgrid.server";
import { ensureWebhookToken } from "~/core/delivery/webhook-token.server";
import type { FakeSendGrid } from "../../fakes/sendgrid";
import { TEST_API_SECRET, TEST_APP_URL } from "../../setup/test-config";

export function fakeConfig(sg: FakeSendGrid, overrides: Partial<SendgridConfig> = {}): SendgridConfig {
  return { appKey: null, apiUrl: sg.origin, secret: TEST_API_SECRET, production: false, ...overrides };
}

/** An approved win-back campaign (drafts by the offline writer), with an offer on its later emails. */
export async function approvedWinBack(shopId: string, now: Date): Promise<string> {
  const { id } = await createCampaign(shopId, { objective: "win-back", offer: { kind: "percentage", percent: 10, expiresInDays: 7 } }, { queue: null });
  await generateDrafts(shopId, id, { now, provider: new OfflineContentProvider({ appOrigin: TEST_APP_URL }) });
  const campaign = await prisma.campaign.findUniqueOrThrow({ where: { id }, select: { version: true } });
  await approveCampaign(shopId, id, { by: "merchant@acme.example.com", version: campaign.version });
  return id;
}

export interface Queued {
  campaignId: string;
  batchId: string;
  customers: Array<{ id: string; email: string | null }>;
  step?: number;
  variant?: string;
  now: Date;
}

/** Messages as the dispatcher leaves them: queued, with variant, email and batch. Returns their ids in customer order. */
export async function queueBatch(shopId: string, q: Queued): Promise<string[]> {
  const step = q.step ?? 0;
  await prisma.message.createMany({
    data: q.customers.map((c, i) => ({
      shopId,
      campaignId: q.campaignId,
      customerId: c.id,
      flowType: "win-back",
      step,
      variant: q.variant ?? "A",
      key: `${q.batchId}:${i}:${step}`,
      email: c.email,
      status: "queued",
      scheduledFor: q.now,
      queuedAt: q.now,
      batchId: q.batchId,
    })),
  });
  const rows = await prisma.message.findMany({ where: { shopId, batchId: q.batchId }, select: { id: true, key: true } });
  const byKey = new Map(rows.map((r) => [r.key, r.id]));
  return q.customers.map((_, i) => byKey.get(`${q.batchId}:${i}:${step}`)!);
}

/** A loopback server standing in for the app's /webhooks/sendgrid/<token> route: the real processing behind it. */
export async function eventReceiver(shopId: string, sg: FakeSendGrid): Promise<{ url: string; close(): Promise<void> }> {
  const token = await ensureWebhookToken(shopId, { db: prisma });
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
    const request = new Request(`${TEST_APP_URL}/webhooks/sendgrid/${token}`, { method: "POST", headers, body: Buffer.concat(chunks) });
    const response = await handleEventWebhook(request, token, { db: prisma, appPublicKey: sg.eventWebhook.publicKey });
    res.writeHead(response.status, { "content-type": "text/plain" });
    res.end(await response.text());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/sendgrid/${token}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
