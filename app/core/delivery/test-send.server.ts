// A test send: one email of a campaign, to the merchant's own address, exactly
// as a customer would get it (merged for a sample recipient of its audience),
// with "[Test]" before the subject. It makes no discount code (a sample code
// shows where theirs goes), its unsubscribe link is the preview's sample link
// (so it can unsubscribe no one), and its Message row is marked `test`, so no
// statistic ever counts it.
import { randomUUID } from "node:crypto";
import prisma, { type Database } from "../../db.server";
import { logger as rootLogger } from "../../logger.server";
import { sampleRecipients, sampleUnsubscribeUrl, SAMPLE_OFFER_CODE } from "../campaigns/preview.server";
import { buildRecipient, compileVariant, hasOfferBlock } from "../campaigns/recipients.server";
import { expiryDays } from "../offers/offer";
import { checkRendered } from "../render/check";
import type { Recipient } from "../render/types";
import { recipientValues } from "../render/values";
import { envelopeFor, sendPrepared, type SendOptions, type SendResult } from "./send.server";
import { renderSent, sentValues, trackingLinkHook } from "./send-request";
import { mailerFor } from "./sendgrid.server";
import { storeTemplate } from "./sent-email.server";
import { looksLikeEmail } from "./suppression";
import { listUnsubscribeHeaders } from "./unsubscribe";

export const TEST_SUBJECT_PREFIX = "[Test] ";
const DAY_MS = 86_400_000;

export class TestSendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TestSendError";
  }
}

export interface TestSendOptions extends SendOptions {
  /** Another of the merchant's addresses; default the shop's email. */
  to?: string;
}

export interface TestSendResult {
  messageId: string;
  to: string;
  status: string;
  error: string | null;
}

export async function sendTestEmail(shopId: string, campaignId: string, step: number, variant: string, options: TestSendOptions = {}): Promise<TestSendResult> {
  const db: Database = options.db ?? prisma;
  const now = options.now ?? new Date();
  const log = (options.logger ?? rootLogger).child({ shop: shopId, testSend: true });
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { email: true } });
  const to = (options.to ?? shop?.email ?? "").trim();
  if (!to || !looksLikeEmail(to)) throw new TestSendError("There is no address to send the test to: set the shop's email, or give one.");

  const compiled = await compileVariant(db, shopId, campaignId, step, variant);
  const { campaign, plan, ctx } = compiled;
  if (!ctx.settings.senderEmail) throw new TestSendError("The shop has no sender email address (Settings).");
  const unsubscribeUrl = sampleUnsubscribeUrl();
  const offer = hasOfferBlock(compiled.compiled) && plan.offer ? { code: SAMPLE_OFFER_CODE, expiresAt: new Date(now.getTime() + expiryDays(plan.offer) * DAY_MS) } : null;
  const [sample] = await sampleRecipients(db, shopId, campaign, plan, 1, now);
  const recipient: Recipient = sample?.id
    ? await buildRecipient(db, ctx, plan, compiled.step, compiled.sources, { customerId: sample.id, firstName: sample.firstName, offer, unsubscribeUrl }, now)
    : { firstName: null, behaviour: null, products: {}, offer, unsubscribeUrl };

  const templateId = await storeTemplate(db, shopId, compiled.compiled);
  const key = `test:${randomUUID()}`;
  const message = await db.message.create({
    data: { shopId, campaignId, flowType: plan.flowType, step, variant: compiled.variant, key, email: to, status: "queued", test: true, scheduledFor: now, queuedAt: now, batchId: key },
    select: { id: true },
  });
  const slotValues = recipientValues(compiled.compiled.model, recipient, trackingLinkHook(plan.flowType, message.id, [ctx.domain, shopId]));
  const values = sentValues(TEST_SUBJECT_PREFIX + compiled.compiled.subjects[0]!, slotValues);
  const email = renderSent(compiled.compiled, values);
  const problems = checkRendered(email.html, email.text, { shopName: ctx.name, postalAddress: ctx.brand.postalAddress, unsubscribeUrl });
  if (problems.length > 0) {
    await db.message.update({ where: { id: message.id }, data: { status: "failed", error: problems.join("; ").slice(0, 1000) } });
    return { messageId: message.id, to, status: "failed", error: problems.join("; ") };
  }

  const mailer = await mailerFor(shopId, { db, config: options.config, timeoutMs: options.timeoutMs });
  const result: SendResult = { sent: 0, failed: 0, skipped: 0, unknown: 0, abandoned: 0, requests: 0 };
  const envelope = envelopeFor(compiled, shop?.email ?? null, templateId);
  await sendPrepared(db, mailer.mail, envelope, compiled.compiled, [{ id: message.id, to, values, headers: listUnsubscribeHeaders(unsubscribeUrl) }], { ...options, inlineRetries: options.inlineRetries ?? 1 }, result, log);
  const after = await db.message.findUniqueOrThrow({ where: { id: message.id }, select: { status: true, error: true } });
  return { messageId: message.id, to, status: after.status, error: after.error };
}
