// requireShop: the first line of every admin loader and action. It runs
// authenticate.admin (which throws the redirects and 401s Shopify's auth
// needs) and loads the shop's row; a shop without one gets a 404 Response.
import type { Shop } from "@prisma/client";
import { authenticate } from "../../shopify.server";
import prisma from "../../db.server";

export type AdminContext = Awaited<ReturnType<typeof authenticate.admin>>;

// On the very first load, the layout's and the page's loaders run in parallel:
// one of them exchanges the token and runs the install (afterAuth), the other
// may already find the stored session and get here before the Shop row exists.
const INSTALL_WAIT_MS = 5000;

async function findShop(id: string, waitMs: number): Promise<Shop | null> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const shop = await prisma.shop.findUnique({ where: { id } });
    if (shop || Date.now() >= deadline) return shop;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function requireShop(request: Request): Promise<AdminContext & { shop: Shop }> {
  const context = await authenticate.admin(request);
  const shop = await findShop(context.session.shop, INSTALL_WAIT_MS);
  if (!shop || shop.status !== "installed") {
    throw new Response("This shop has not installed Loopwise.", { status: 404, headers: { "content-type": "text/plain" } });
  }
  return { ...context, shop };
}
