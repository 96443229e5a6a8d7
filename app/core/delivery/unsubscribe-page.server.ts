// GET and POST /unsubscribe/<token> (app/routes/unsubscribe.$token.tsx).
//
// Public: no Shopify session, no cookies read or set. GET only shows a
// confirmation (link scanners and mail clients prefetch GETs, so a GET never
// unsubscribes). POST unsubscribes and answers 200 with a plain page, never a
// redirect: RFC 8058 one-click clients POST `List-Unsubscribe=One-Click`, form
// or multipart encoded, and ignore whatever comes back. Checks, cheapest first:
// method, token (pure), body size, then the database.
import prisma, { type Database } from "../../db.server";
import { env } from "../../env.server";
import { requestLogger } from "../../logger.server";
import { readLimited } from "../http/read-limited";
import { shopDomainHash } from "../ingest/store.server";
import { isSuppressed } from "./suppression.server";
import { maskEmail, verifyUnsubscribeToken } from "./unsubscribe";
import { PAGE_HEADERS, renderPage, type PageModel } from "./unsubscribe-page";
import { unsubscribe } from "./unsubscribe.server";

export const MAX_BODY_BYTES = 16 * 1024;

export interface PageDeps {
  db?: Database;
  secret?: string;
  now?: () => Date;
}

function page(model: PageModel, extra: Record<string, string> = {}): Response {
  const { status, html } = renderPage(model);
  return new Response(html, { status, headers: { ...PAGE_HEADERS, ...extra } });
}

const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

/** The one-click body, when there is one: a form whose List-Unsubscribe field, if present, says One-Click. */
async function readOneClickBody(request: Request): Promise<"ok" | "too-large" | "invalid"> {
  let bytes: Uint8Array | null;
  try {
    bytes = await readLimited(request, MAX_BODY_BYTES);
  } catch {
    return "invalid";
  }
  if (bytes === null) return "too-large";
  const type = request.headers.get("content-type") ?? "";
  if (bytes.length === 0 || !FORM_TYPES.some((t) => type.toLowerCase().startsWith(t))) return "ok";
  try {
    const form = await new Response(Buffer.from(bytes), { headers: { "content-type": type } }).formData();
    const value = form.get("List-Unsubscribe");
    return value === null || value === "One-Click" ? "ok" : "invalid";
  } catch {
    return "invalid";
  }
}

export async function handleUnsubscribeRequest(request: Request, token: string, deps: PageDeps = {}): Promise<Response> {
  const method = request.method.toUpperCase();
  if (method !== "GET" && method !== "HEAD" && method !== "POST") {
    return new Response("Method not allowed", { status: 405, headers: { Allow: "GET, POST", "Cache-Control": "no-store" } });
  }
  const db = deps.db ?? prisma;
  const verified = verifyUnsubscribeToken(deps.secret ?? env.SHOPIFY_API_SECRET, token);
  if (!verified.ok) {
    requestLogger(request).info("unsubscribe link refused", { reason: verified.reason });
    return page({ kind: "invalid" });
  }
  const { shopId, customerId, messageId } = verified.claim;
  const log = requestLogger(request, shopId);

  if (method === "POST") {
    const body = await readOneClickBody(request);
    if (body === "too-large") return page({ kind: "too-large" });
    if (body === "invalid") return page({ kind: "invalid" });
  }

  try {
    const shop = await db.shop.findUnique({ where: { id: shopId }, select: { name: true, status: true } });
    if (!shop) {
      const redacted = await db.redactedShop.findUnique({ where: { domainHash: shopDomainHash(shopId) }, select: { domainHash: true } });
      return page({ kind: redacted ? "gone" : "not-found" });
    }
    const shopName = shop.name?.trim() || shopId.replace(/\.myshopify\.com$/, "");
    if (shop.status !== "installed" && shop.status !== "uninstalled") return page({ kind: "not-found" });
    const customer = await db.customer.findFirst({ where: { id: customerId, shopId }, select: { email: true, emailConsentState: true } });
    if (!customer) return page({ kind: "not-found" });
    const maskedEmail = customer.email ? maskEmail(customer.email) : undefined;

    if (method !== "POST") {
      if (shop.status !== "installed") return page({ kind: "gone", shopName });
      const already = !customer.email || customer.emailConsentState === "UNSUBSCRIBED" || (await isSuppressed(shopId, customer.email, { db, secret: deps.secret }));
      return page({ kind: already ? "already" : "confirm", shopName, maskedEmail });
    }

    // After an uninstall the request is still recorded (the shop's data stays
    // until shop/redact, and a reinstall must not mail this person), but there
    // is nothing to write back to Shopify: unsubscribe() queues no job then.
    const outcome = await unsubscribe(shopId, customerId, {
      reason: "unsubscribe",
      source: messageId ? `message:${messageId}` : "link",
      db,
      secret: deps.secret,
      now: deps.now?.(),
    });
    log.info("unsubscribe recorded", { outcome: outcome.status, writeBack: "writeBackQueued" in outcome ? outcome.writeBackQueued : false });
    if (shop.status !== "installed") return page({ kind: "gone", shopName });
    return page({ kind: outcome.status === "unsubscribed" ? "done" : "already", shopName, maskedEmail });
  } catch (error) {
    // Names only: a database error's message may quote the values it was given.
    log.error("unsubscribe failed", { error: error instanceof Error ? error.name : "unknown" });
    return page({ kind: "error" });
  }
}
