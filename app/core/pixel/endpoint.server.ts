// POST /pixel/events: the Web Pixel's batches (wire format in ./schema.ts).
// Order of checks, cheapest first: size, JSON, envelope, rate limits, installed
// shop, then each event. Valid events of a batch are kept when others in it are
// malformed (the pixel cannot retry usefully; one odd event must not lose the rest):
// the answer lists the rejected ones by index.
import prisma, { type Database } from "../../db.server";
import { env } from "../../env.server";
import { requestLogger } from "../../logger.server";
import { scheduleAfterPixelEvents } from "../audience/profiles/triggers.server";
import { pixelJson, preflight, readBodyLimited } from "./http";
import { countPerBrowser, PixelRateLimiter } from "./rate-limit";
import { claimedBrowserId, MAX_BODY_BYTES, parseEnvelope, parseEvent, type PixelEvent } from "./schema";
import { storePixelEvents } from "./store.server";

export interface PixelDeps {
  db: Database;
  limiter: PixelRateLimiter;
  now: () => Date;
  secret: string;
}

/** Bursts: a browser may send a page's worth of events at once, a shop a few seconds' worth. */
export function createPixelLimiter(now: () => number = Date.now): PixelRateLimiter {
  return new PixelRateLimiter({
    shop: { ratePerSecond: env.PIXEL_RATE_PER_SHOP, burst: env.PIXEL_RATE_PER_SHOP * 2 },
    browser: { ratePerSecond: env.PIXEL_RATE_PER_BROWSER, burst: Math.max(60, env.PIXEL_RATE_PER_BROWSER * 5) },
    now,
  });
}

export const pixelLimiter = createPixelLimiter();

const defaultDeps: PixelDeps = { db: prisma, limiter: pixelLimiter, now: () => new Date(), secret: env.SHOPIFY_API_SECRET };

export async function handlePixelRequest(request: Request, deps: PixelDeps = defaultDeps): Promise<Response> {
  if (request.method === "OPTIONS") return preflight();
  if (request.method !== "POST") return pixelJson({ error: "method not allowed" }, 405, { Allow: "POST, OPTIONS" });

  const body = await readBodyLimited(request, MAX_BODY_BYTES);
  if (!body.ok) {
    return body.reason === "too_large"
      ? pixelJson({ error: `body larger than ${MAX_BODY_BYTES} bytes` }, 413)
      : pixelJson({ error: "unreadable body" }, 400);
  }
  let json: unknown;
  try {
    json = JSON.parse(body.text);
  } catch {
    return pixelJson({ error: "body is not JSON" }, 400);
  }
  const envelope = parseEnvelope(json);
  if (!envelope.ok) return pixelJson({ error: envelope.error }, envelope.tooMany ? 413 : 400);
  const { shop, events: rawEvents, identity } = envelope.value;
  const log = requestLogger(request, shop);

  const admission = deps.limiter.admit(shop, countPerBrowser(rawEvents.map(claimedBrowserId)));
  if (!admission.ok) {
    log.warn("pixel batch rate-limited", { limit: admission.limit, events: rawEvents.length });
    return pixelJson({ error: `rate limited (${admission.limit})` }, 429, { "Retry-After": String(admission.retryAfterSeconds) });
  }

  const shopRow = await deps.db.shop.findUnique({ where: { id: shop }, select: { status: true } });
  if (shopRow?.status !== "installed") return pixelJson({ error: "shop is not installed" }, 403);

  const now = deps.now();
  const valid: PixelEvent[] = [];
  const rejected: Array<{ index: number; error: string }> = [];
  rawEvents.forEach((raw, index) => {
    const parsed = parseEvent(raw, identity ?? {}, now);
    if (parsed.ok) valid.push(parsed.value);
    else rejected.push({ index, error: parsed.error });
  });
  if (rejected.length > 0) log.info("pixel events rejected", { rejected: rejected.length, events: rawEvents.length });
  if (valid.length === 0) return pixelJson({ error: "no valid events", accepted: 0, duplicates: 0, rejected }, 400);

  const result = await storePixelEvents(deps.db, shop, valid, { secret: deps.secret, receivedAt: now });
  await scheduleAfterPixelEvents(deps.db, shop, valid.map((e) => e.eventId));
  return pixelJson({ accepted: result.accepted, duplicates: result.duplicates, rejected });
}
