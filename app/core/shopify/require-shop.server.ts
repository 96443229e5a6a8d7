// requireShop: the first line of every admin loader and action. It runs
// authenticate.admin (which throws the redirects and 401s Shopify's auth
// needs) and loads the shop's row; a shop without one gets a 404 Response.
import type { Shop } from "@prisma/client";
import { authenticate } from "../../shopify.server";
import prisma from "../../db.server";

export type AdminContext = Awaited<ReturnType<typeof authenticate.admin>>;

export async function requireShop(request: Request): Promise<AdminContext & { shop: Shop }> {
  const context = await authenticate.admin(request);
  const shop = await prisma.shop.findUnique({ where: { id: context.session.shop } });
  if (!shop || shop.status !== "installed") {
    throw new Response("This shop has not installed Loopwise.", { status: 404, headers: { "content-type": "text/plain" } });
  }
  return { ...context, shop };
}
