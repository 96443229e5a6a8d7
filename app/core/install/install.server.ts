// What happens once a shop has installed (or re-authorised) Loopwise:
// 1. the Shop row, with its name, currency and timezone from the Admin API;
// 2. the browse pixel, activated for the shop (webPixelCreate/Update);
// 3. the install backfill, queued once per install (idempotency key).
// Steps 2 and 3 never fail the merchant's first page load: a failure is logged
// and kept in Shop.installIssues (shown on the home page), and the next
// onInstalled (the next token exchange) tries again.
import type { Prisma } from "@prisma/client";
import prisma, { isUniqueViolation } from "../../db.server";
import { logger } from "../../logger.server";
import { queue } from "../../jobs/index.server";
import { activateWebPixel } from "../pixel/activate.server";
import { throttledAdmin, type AdminGraphqlClient } from "../backfill/admin-client.server";
import { backfillProgress, enqueueBackfill, type BackfillProgress } from "../backfill/backfill.server";
import { SHOP_QUERY, zShop } from "../backfill/queries";
import { shopDomainHash } from "../ingest/store.server";
import { mergeIssues, type InstallIssues, type StepResult } from "./issues";

export interface InstallContext {
  shop: string;
  scopes: string;
  /** The Admin API client of the just-authenticated shop. */
  admin: AdminGraphqlClient;
}

export interface InstallOutcome {
  shop: string;
  reinstalled: boolean;
  shopInfo: StepResult<{ name: string; currency: string; timezone: string }>;
  pixel: StepResult<{ id: string }>;
  backfill: StepResult<{ runId: string; created: boolean }>;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);

async function step<T>(name: string, shop: string, fn: () => Promise<T>): Promise<StepResult<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    logger.warn(`install step failed: ${name}`, { shop, error: errorText(error) });
    return { ok: false, error: errorText(error) };
  }
}

/** Upserts the Shop row; a reinstall (after app/uninstalled) starts a new install. */
async function upsertShop(shop: string, scopes: string) {
  // A shop installing again after shop/redact starts afresh: its data may come back.
  await prisma.redactedShop.deleteMany({ where: { domainHash: shopDomainHash(shop) } });
  for (let attempt = 1; ; attempt++) {
    const existing = await prisma.shop.findUnique({ where: { id: shop }, select: { status: true, installedAt: true } });
    try {
      if (!existing) {
        const created = await prisma.shop.create({ data: { id: shop, scopes, status: "installed" }, select: { installedAt: true } });
        return { installedAt: created.installedAt, reinstalled: false };
      }
      const reinstalled = existing.status !== "installed";
      const updated = await prisma.shop.update({
        where: { id: shop },
        data: { scopes, status: "installed", uninstalledAt: null, ...(reinstalled ? { installedAt: new Date() } : {}) },
        select: { installedAt: true },
      });
      return { installedAt: updated.installedAt, reinstalled };
    } catch (error) {
      if (attempt < 3 && isUniqueViolation(error)) continue; // a concurrent install created it first
      throw error;
    }
  }
}

export async function onInstalled({ shop, scopes, admin }: InstallContext): Promise<InstallOutcome> {
  // The row first: the admin pages wait for it on the very first load.
  const { installedAt, reinstalled } = await upsertShop(shop, scopes);
  const shopInfo = await step("shop details", shop, async () => {
    const { shop: s } = await throttledAdmin(admin).request(SHOP_QUERY, {}, zShop);
    const value = { name: s.name, currency: s.currencyCode, timezone: s.ianaTimezone, email: s.email ?? null, domain: s.primaryDomain?.host ?? null, address: oneLineAddress(s.billingAddress) };
    await prisma.shop.update({ where: { id: shop }, data: value });
    return value;
  });
  const pixel = await step("web pixel", shop, async () => ({ id: await activateWebPixel(admin, shop) }));
  const backfill = await step("backfill", shop, () => enqueueBackfill(queue, shop, installedAt.toISOString()));

  const row = await prisma.shop.findUnique({ where: { id: shop }, select: { installIssues: true } });
  const issues = mergeIssues((row?.installIssues ?? null) as InstallIssues | null, { pixel, backfill }, new Date());
  // {} rather than a JSON null: Prisma's null sentinels differ between the SQLite and PostgreSQL clients.
  await prisma.shop.update({ where: { id: shop }, data: { installIssues: (issues ?? {}) as Prisma.InputJsonValue } });
  logger.info("shop installed", { shop, reinstalled, pixel: pixel.ok, backfill: backfill.ok });
  return { shop, reinstalled, shopInfo, pixel, backfill };
}

export interface InstallStatus {
  installed: boolean;
  webPixelId: string | null;
  issues: InstallIssues;
  backfill: BackfillProgress | null;
}

/** What the home page shows about setup: pixel, backfill progress, and failed install steps. */
export async function installStatus(shopId: string): Promise<InstallStatus | null> {
  const row = await prisma.shop.findUnique({ where: { id: shopId }, select: { status: true, webPixelId: true, installIssues: true } });
  if (!row) return null;
  return {
    installed: row.status === "installed",
    webPixelId: row.webPixelId,
    issues: (row.installIssues ?? {}) as InstallIssues,
    backfill: await backfillProgress(shopId),
  };
}

/** "1 Harbour Street, Portsmouth, PO1 2AB, United Kingdom", or null when Shopify has none. */
export function oneLineAddress(a: Record<string, string | null | undefined> | null | undefined): string | null {
  if (!a) return null;
  const parts = ["address1", "address2", "city", "province", "zip", "country"].map((k) => a[k]?.trim()).filter((v): v is string => !!v);
  return parts.length > 0 ? parts.join(", ") : null;
}
