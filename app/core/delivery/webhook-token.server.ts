// Each shop's event-webhook address: /webhooks/sendgrid/<token>, where the
// token (ShopSettings.webhookToken) is 32 random bytes, base64url: it names the
// shop without revealing it and cannot be guessed. It only routes: every
// delivery must still carry a valid SendGrid signature.
//
//   ensureWebhookToken(shopId, { db })  → the token, created once (concurrent callers get the same one)
//   eventWebhookUrl(shopId, { db })     → the URL to paste into SendGrid's Event Webhook settings
import { randomBytes } from "node:crypto";
import prisma, { isUniqueViolation, type Database } from "../../db.server";
import { env } from "../../env.server";

const TOKEN_BYTES = 32;

export interface WebhookTokenOptions {
  db?: Database;
}

export class WebhookTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookTokenError";
  }
}

/** Shape check before any database lookup: base64url, 20–100 characters. */
export function isWellFormedToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{20,100}$/.test(token);
}

export const newWebhookToken = () => randomBytes(TOKEN_BYTES).toString("base64url");

/** The shop's token, created (once) if it has none. */
export async function ensureWebhookToken(shopId: string, options: WebhookTokenOptions = {}): Promise<string> {
  if (!shopId) throw new WebhookTokenError("ensureWebhookToken: a shop is required");
  const db = options.db ?? prisma;
  const read = () => db.shopSettings.findUnique({ where: { shopId }, select: { webhookToken: true } });
  const existing = await read();
  if (existing?.webhookToken) return existing.webhookToken;
  if (!existing) {
    if (!(await db.shop.findUnique({ where: { id: shopId }, select: { id: true } }))) throw new WebhookTokenError(`ensureWebhookToken: no shop ${shopId}`);
    try {
      const token = newWebhookToken();
      await db.shopSettings.create({ data: { shopId, webhookToken: token } });
      return token;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error; // another request created the settings row first
    }
  }
  // Only where there is still none: of two concurrent callers, the first write wins and both read it.
  await db.shopSettings.updateMany({ where: { shopId, webhookToken: null }, data: { webhookToken: newWebhookToken() } });
  const row = await read();
  if (!row?.webhookToken) throw new WebhookTokenError(`ensureWebhookToken: could not store a token for ${shopId}`);
  return row.webhookToken;
}

/** `${appUrl}/webhooks/sendgrid/<token>`. */
export function buildEventWebhookUrl(appUrl: string, token: string): string {
  return `${appUrl.replace(/\/+$/, "")}/webhooks/sendgrid/${token}`;
}

/** The URL for SendGrid's Event Webhook settings (Settings page); creates the token if needed. */
export async function eventWebhookUrl(shopId: string, options: WebhookTokenOptions = {}): Promise<string> {
  return buildEventWebhookUrl(env.SHOPIFY_APP_URL, await ensureWebhookToken(shopId, options));
}
