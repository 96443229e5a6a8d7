// What happens once a shop has installed (or re-authorised) Loopwise.
import prisma from "../../db.server";
import { logger } from "../../logger.server";

export interface InstallContext {
  shop: string;
  scopes: string;
  /** The Admin API client of the just-authenticated shop. */
  admin: unknown;
}

/** Marks the shop installed. Issue 2's pixel activation and backfill hook in here. */
export async function onInstalled({ shop, scopes }: InstallContext) {
  await prisma.shop.upsert({
    where: { id: shop },
    create: { id: shop, scopes, status: "installed" },
    update: { scopes, status: "installed", uninstalledAt: null },
  });
  logger.info("shop installed", { shop });
}
