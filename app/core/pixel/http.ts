// HTTP pieces of the pixel endpoint that need no database: CORS and a size-capped body.
import { readLimited } from "../http/read-limited";

/**
 * Pixels run in a sandbox whose origin is opaque ("null") or Shopify's CDN, and
 * send no cookies: any origin may post, and none may send credentials.
 */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "POST, OPTIONS",
  "Access-Control-Allow-Headers": "Content-Type",
  "Access-Control-Max-Age": "86400",
};

export function pixelJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...CORS_HEADERS, "Content-Type": "application/json", "Cache-Control": "no-store", ...headers },
  });
}

export function preflight(): Response {
  return new Response(null, { status: 204, headers: { ...CORS_HEADERS } });
}

export type BodyResult = { ok: true; text: string } | { ok: false; reason: "too_large" | "unreadable" };

/** Reads at most `limit` bytes of the body (stops as soon as it is larger) and decodes it as UTF-8. */
export async function readBodyLimited(request: Request, limit: number): Promise<BodyResult> {
  let bytes: Uint8Array | null;
  try {
    bytes = await readLimited(request, limit);
  } catch {
    return { ok: false, reason: "unreadable" };
  }
  if (bytes === null) return { ok: false, reason: "too_large" };
  return { ok: true, text: new TextDecoder().decode(bytes) };
}
