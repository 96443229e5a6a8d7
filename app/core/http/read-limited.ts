// Reads a request body with a byte limit, for endpoints that take bodies from
// anyone (webhooks, the pixel): a body declared or actually larger than the
// limit is refused without reading (or holding) more than `limit` bytes.

/**
 * The body's bytes, or null when it is larger than `limit` (by its
 * Content-Length, or once more than `limit` bytes have been read: reading
 * stops there). An absent body is empty. A failed read throws.
 */
export async function readLimited(request: Request, limit: number): Promise<Uint8Array | null> {
  const declared = Number(request.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > limit) return null;
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}
