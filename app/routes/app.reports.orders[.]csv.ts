// /app/reports/orders.csv: attributed orders as CSV, streamed page by page.
//   ?campaign=<id>   one flow's or campaign's (another shop's is a 404)
//   ?days=7|30|90|365  orders placed in the last N shop days (the dashboard's period)
// Neither: every attributed order of the shop.
import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { requireShop } from "../core/shopify/require-shop.server";
import { dayBounds, dayOf, shopZone } from "../core/reports/days";
import { parsePeriod, periodsEnding } from "../core/reports/dashboard";
import { exportFileName } from "../core/reports/export";
import { attributedOrdersCsv } from "../core/reports/export.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const url = new URL(request.url);
  const campaignId = url.searchParams.get("campaign");
  const rawDays = url.searchParams.get("days");

  let campaignName: string | null = null;
  if (campaignId !== null) {
    const campaign = await prisma.campaign.findFirst({ where: { id: campaignId, shopId: shop.id }, select: { name: true } });
    if (!campaign) throw new Response("No such flow or campaign in this shop.", { status: 404, headers: { "content-type": "text/plain" } });
    campaignName = campaign.name;
  }

  let range: { from: string; to: string; start: Date; end: Date } | null = null;
  if (rawDays !== null) {
    if (String(parsePeriod(rawDays)) !== rawDays) throw new Response("days must be 7, 30, 90 or 365.", { status: 400, headers: { "content-type": "text/plain" } });
    const zone = shopZone(shop.timezone);
    const { current } = periodsEnding(dayOf(new Date(), zone), parsePeriod(rawDays));
    range = { from: current.from, to: current.to, start: dayBounds(current.from, zone).start, end: dayBounds(current.to, zone).end };
  }

  const body = attributedOrdersCsv(shop.id, { campaignId, from: range?.start ?? null, to: range?.end ?? null });
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${exportFileName({ campaignName, from: range?.from, to: range?.to })}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
};
