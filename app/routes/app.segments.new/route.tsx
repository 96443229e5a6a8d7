import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useLoaderData } from "@remix-run/react";
import { Page } from "@shopify/polaris";
import { requireShop } from "../../core/shopify/require-shop.server";
import { SUGGESTIONS } from "../../core/audience/segments/natural-language";
import { MAX_NAME_LENGTH } from "../../core/audience/segments/segments.server";
import { SegmentBuilder } from "../../components/audience/SegmentBuilder";
import { BUILDER_ACTION } from "../../components/audience/builder-protocol";

// Keeps Shopify's auth headers on this route's own responses (see app._index).
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export const meta: MetaFunction = () => [{ title: "New segment · Loopwise" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  return { currency: shop.currency, suggestions: SUGGESTIONS, maxNameLength: MAX_NAME_LENGTH };
};

// The builder's previews and parses change nothing this loader reads.
export const shouldRevalidate: ShouldRevalidateFunction = ({ formAction, defaultShouldRevalidate }) =>
  formAction === BUILDER_ACTION ? false : defaultShouldRevalidate;

export default function NewSegment() {
  const { currency, suggestions, maxNameLength } = useLoaderData<typeof loader>();
  return (
    <Page title="New segment" backAction={{ content: "Segments", url: "/app/segments" }}>
      <SegmentBuilder action={BUILDER_ACTION} currency={currency} suggestions={suggestions} maxNameLength={maxNameLength} />
    </Page>
  );
}
