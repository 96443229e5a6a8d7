import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Page } from "@shopify/polaris";
import { requireShop } from "../../core/shopify/require-shop.server";
import { SUGGESTIONS } from "../../core/audience/segments/natural-language";
import { MAX_NAME_LENGTH } from "../../core/audience/segments/segments.server";
import { SegmentBuilder } from "../../components/audience/SegmentBuilder";
import { BUILDER_ACTION } from "../../components/audience/builder-protocol";
import { loadEditableSegment } from "./edit.server";

// Keeps Shopify's auth headers on this route's own responses (see app._index).
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export const meta: MetaFunction = () => [{ title: "Edit segment · Loopwise" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const segment = await loadEditableSegment(shop.id, params.id ?? "");
  return { currency: shop.currency, suggestions: SUGGESTIONS, maxNameLength: MAX_NAME_LENGTH, segment };
};

// The builder's previews and parses change nothing this loader reads.
export const shouldRevalidate: ShouldRevalidateFunction = ({ formAction, defaultShouldRevalidate }) =>
  formAction === BUILDER_ACTION ? false : defaultShouldRevalidate;

export default function EditSegment() {
  const { currency, suggestions, maxNameLength, segment } = useLoaderData<typeof loader>();
  return (
    <Page title={`Edit ${segment.name}`} backAction={{ content: segment.name, url: `/app/segments/${segment.id}` }}>
      <BlockStack gap="400">
        {segment.problems.length > 0 ? (
          <Banner tone="warning" title="The saved rule no longer reads as a valid rule: build it again">
            <ul>
              {segment.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </Banner>
        ) : null}
        <SegmentBuilder key={segment.id} action={BUILDER_ACTION} currency={currency} suggestions={suggestions} maxNameLength={maxNameLength} segment={segment} />
      </BlockStack>
    </Page>
  );
}
