// GET /app/campaigns/:id/preview?step=0&variant=A: the review screen's previews
// (a fetcher loads them when the merchant opens one). See preview.server.ts.
import { data, type LoaderFunctionArgs } from "@remix-run/node";
import { requireShop } from "../../core/shopify/require-shop.server";
import { loadPreviews } from "./preview.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const result = await loadPreviews(shop.id, params.id ?? "", new URL(request.url).searchParams);
  return data(result, { status: result.ok ? 200 : 422 });
};
