// Real Requests for the pixel route, as the extension (or the demo generator) sends them.
import prisma from "~/db.server";

export const ENDPOINT = "https://loopwise.test/pixel/events";

export function pixelRequest(body: unknown, init: { headers?: Record<string, string>; raw?: string } = {}): Request {
  return new Request(ENDPOINT, {
    method: "POST",
    headers: { "Content-Type": "text/plain;charset=UTF-8", Origin: "null", ...init.headers },
    body: init.raw ?? JSON.stringify(body),
  });
}

export async function installShop(id: string, status = "installed") {
  await prisma.shop.create({ data: { id, status } });
}
