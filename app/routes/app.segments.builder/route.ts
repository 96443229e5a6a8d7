// POST /app/segments/builder: the segment builder's preview, natural-language
// parse and save (see builder.server.ts). A successful save redirects to the segment.
import { data, redirect, type ActionFunctionArgs } from "@remix-run/node";
import { requireShop } from "../../core/shopify/require-shop.server";
import { segmentParser } from "../../core/audience/segments/segments.server";
import { handleBuilderForm } from "./builder.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const result = await handleBuilderForm(shop, await request.formData(), { parser: segmentParser(undefined, { currency: shop.currency }) });
  if (result.intent === "save" && result.ok) return redirect(`/app/segments/${result.id}`);
  return data(result, { status: result.ok ? 200 : 422 });
};
