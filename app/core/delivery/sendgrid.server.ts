// One SendGrid client per shop, never a global: `@sendgrid/mail`'s MailService
// with its own `@sendgrid/client` Client, keyed with the shop's own API key
// (ShopSettings.sendgridApiKey, encrypted at rest) or else the app's
// SENDGRID_API_KEY. SENDGRID_API_URL points it elsewhere (the local fake in the
// demo and tests); with no key and no URL nothing is sent, loudly.
import http from "node:http";
import https from "node:https";
import { Client } from "@sendgrid/client";
import { MailService } from "@sendgrid/mail";
import prisma, { type Database } from "../../db.server";
import { env } from "../../env.server";
import { decryptSecret, encryptSecret, last4, SENDGRID_KEY_PURPOSE, sendgridKeyProblems } from "./secret";

/** What the client is built from: the environment by default, given explicitly by tests and the demo. */
export interface SendgridConfig {
  /** The app-wide key (SENDGRID_API_KEY). */
  appKey?: string | null;
  /** Another API origin (SENDGRID_API_URL): the local fake. */
  apiUrl?: string | null;
  /** Decrypts shop keys (SHOPIFY_API_SECRET). */
  secret: string;
  production: boolean;
}

export function sendgridConfig(): SendgridConfig {
  return { appKey: env.SENDGRID_API_KEY ?? null, apiUrl: env.SENDGRID_API_URL ?? null, secret: env.SHOPIFY_API_SECRET, production: env.NODE_ENV === "production" };
}

export type SendgridSource = "shop" | "app" | "local-fake" | "none";

export class SendgridConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SendgridConfigError";
  }
}

/** The fake accepts only its own key; a key is still sent so the request looks like SendGrid's. */
const LOCAL_FAKE_KEY = "SG.loopwise-fake.sendgrid-api-key";

export interface ShopMailer {
  mail: MailService;
  source: Exclude<SendgridSource, "none">;
}

export interface MailerOptions {
  db?: Database;
  config?: SendgridConfig;
  /** Client-side timeout of one request (default 60 s): past it the outcome is unknown. */
  timeoutMs?: number;
}

async function storedKey(db: Database, shopId: string, secret: string): Promise<string | null> {
  const row = await db.shopSettings.findUnique({ where: { shopId }, select: { sendgridApiKey: true } });
  return row?.sendgridApiKey ? decryptSecret(secret, SENDGRID_KEY_PURPOSE, row.sendgridApiKey) : null;
}

/** The shop's mailer. Throws SendgridConfigError when there is nothing to send with. */
export async function mailerFor(shopId: string, options: MailerOptions = {}): Promise<ShopMailer> {
  const db = options.db ?? prisma;
  const config = options.config ?? sendgridConfig();
  const shopKey = await storedKey(db, shopId, config.secret);
  const key = shopKey ?? config.appKey ?? null;
  if (!key && !config.apiUrl) {
    throw new SendgridConfigError("No SendGrid API key: set one in Settings (or SENDGRID_API_KEY for the whole app). Nothing was sent.");
  }
  if (config.apiUrl && config.production && !config.apiUrl.startsWith("https://")) {
    throw new SendgridConfigError(`SENDGRID_API_URL must be https in production (got ${new URL(config.apiUrl).origin}). Nothing was sent.`);
  }
  const client = new Client();
  client.setApiKey(key ?? config.appKey ?? LOCAL_FAKE_KEY);
  // setApiKey resets the base URL, so the override comes after it.
  if (config.apiUrl) client.setDefaultRequest("baseUrl", config.apiUrl.replace(/\/+$/, "") + "/");
  // A fresh connection per request: one request carries up to 1,000 emails, so
  // the handshake costs nothing, while a pooled connection the server closed
  // while we were merging would fail the next request with ECONNRESET, an
  // outcome nobody can tell from "sent" (reconciled only after 15 minutes).
  const setRequest = client.setDefaultRequest.bind(client) as (key: string, value: unknown) => void;
  setRequest("httpAgent", new http.Agent({ keepAlive: false }));
  setRequest("httpsAgent", new https.Agent({ keepAlive: false }));
  const mail = new MailService();
  mail.setClient(client);
  mail.setTimeout(options.timeoutMs ?? 60_000);
  return { mail, source: shopKey ? "shop" : key ? "app" : "local-fake" };
}

/** Stores (or with null, removes) the shop's own SendGrid API key, encrypted. Throws SendgridConfigError with the problem. */
export async function setSendgridApiKey(shopId: string, key: string | null, options: { db?: Database; config?: SendgridConfig } = {}): Promise<void> {
  const db = options.db ?? prisma;
  const config = options.config ?? sendgridConfig();
  if (key !== null) {
    const problems = sendgridKeyProblems(key);
    if (problems.length > 0) throw new SendgridConfigError(problems.join("; "));
  }
  const sendgridApiKey = key === null ? null : encryptSecret(config.secret, SENDGRID_KEY_PURPOSE, key);
  await db.shopSettings.upsert({ where: { shopId }, create: { shopId, sendgridApiKey }, update: { sendgridApiKey } });
}

/** For the Settings page: whose key mail goes out with, and its last four characters (never the key). */
export async function sendgridStatus(shopId: string, options: { db?: Database; config?: SendgridConfig } = {}): Promise<{ source: SendgridSource; last4: string | null }> {
  const db = options.db ?? prisma;
  const config = options.config ?? sendgridConfig();
  const row = await db.shopSettings.findUnique({ where: { shopId }, select: { sendgridApiKey: true } });
  if (row?.sendgridApiKey) {
    try {
      return { source: "shop", last4: last4(decryptSecret(config.secret, SENDGRID_KEY_PURPOSE, row.sendgridApiKey)) };
    } catch {
      // Undecryptable (the app secret changed): shown as no key, so the merchant enters it again.
      return { source: "none", last4: null };
    }
  }
  if (config.appKey) return { source: "app", last4: last4(config.appKey) };
  if (config.apiUrl) return { source: "local-fake", last4: null };
  return { source: "none", last4: null };
}
