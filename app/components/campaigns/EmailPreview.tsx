// Desktop and mobile previews of one email variant, rendered for real sample
// recipients (a selector picks whose). The HTML is shown in iframes with an
// empty sandbox: no scripts, no same-origin access, no navigation of the app.
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, InlineStack, Select, Spinner, Text } from "@shopify/polaris";
import { useEffect, useState } from "react";

export interface PreviewData {
  ok: boolean;
  step: number;
  variant: string;
  previews?: Array<{ label: string; subject: string; previewText: string; html: string; text: string; bytes: number; problems: string[] }>;
  error?: string;
  problems?: string[];
}

interface Props {
  campaignId: string;
  step: number;
  variants: string[];
  /** The campaign's version: an open preview is rendered again when it changes. */
  version: number;
}

export const DESKTOP_WIDTH = 600;
export const MOBILE_WIDTH = 375;
const FRAME_HEIGHT = 720;

export function EmailPreview({ campaignId, step, variants, version }: Props) {
  const [open, setOpen] = useState(false);
  const [variant, setVariant] = useState(variants[0] ?? "A");
  const [recipient, setRecipient] = useState(0);
  const fetcher = useFetcher<PreviewData>();
  const load = fetcher.load;

  useEffect(() => {
    if (!open) return;
    load(`/app/campaigns/${campaignId}/preview?${new URLSearchParams({ step: String(step), variant })}`);
  }, [open, campaignId, step, variant, version, load]);

  if (!open) {
    return (
      <InlineStack>
        <Button onClick={() => setOpen(true)} accessibilityLabel={`Preview email ${step + 1}`}>
          {`Preview email ${step + 1}`}
        </Button>
      </InlineStack>
    );
  }

  const data = fetcher.data?.step === step && fetcher.data.variant === variant ? fetcher.data : undefined;
  const previews = data?.ok ? (data.previews ?? []) : [];
  const shown = previews[Math.min(recipient, previews.length - 1)];
  return (
    <BlockStack gap="300">
      <InlineStack gap="300" blockAlign="end" wrap>
        <Select
          label="Variant"
          options={variants.map((v) => ({ label: `Variant ${v}`, value: v }))}
          value={variant}
          onChange={(v) => {
            setVariant(v);
            setRecipient(0);
          }}
        />
        <Select
          label="Sample recipient"
          options={previews.length > 0 ? previews.map((p, i) => ({ label: p.label, value: String(i) })) : [{ label: "…", value: "0" }]}
          value={String(Math.min(recipient, Math.max(previews.length - 1, 0)))}
          onChange={(v) => setRecipient(Number(v))}
          disabled={previews.length === 0}
        />
        <Button onClick={() => setOpen(false)}>Hide preview</Button>
        {fetcher.state !== "idle" ? <Spinner size="small" accessibilityLabel="Rendering the preview" /> : null}
      </InlineStack>
      {data && !data.ok ? (
        <Banner tone="warning" title={data.error ?? "This preview cannot be rendered"}>
          {(data.problems ?? []).length > 0 ? (
            <ul>
              {(data.problems ?? []).map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          ) : null}
        </Banner>
      ) : null}
      {shown ? (
        <BlockStack gap="200">
          <Text as="p">
            <strong>
              <span data-preview-subject="">{shown.subject}</span>
            </strong>{" "}
            <Text as="span" tone="subdued">
              {shown.previewText}
            </Text>
          </Text>
          {shown.problems.length > 0 ? (
            <Banner tone="critical" title="The rendered email has problems">
              <ul>
                {shown.problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </Banner>
          ) : null}
          <div style={{ display: "flex", gap: 16, alignItems: "flex-start", overflowX: "auto" }}>
            <Frame title={`Email ${step + 1}${variant} on a desktop, for ${shown.label}`} label="Desktop" width={DESKTOP_WIDTH} html={shown.html} />
            <Frame title={`Email ${step + 1}${variant} on a phone, for ${shown.label}`} label="Mobile" width={MOBILE_WIDTH} html={shown.html} />
          </div>
          <Text as="p" variant="bodySm" tone="subdued">
            {`${(shown.bytes / 1024).toFixed(1)} KB (Gmail clips emails over 102 KB). The offer code and unsubscribe link are samples.`}
          </Text>
        </BlockStack>
      ) : null}
    </BlockStack>
  );
}

function Frame({ title, label, width, html }: { title: string; label: string; width: number; html: string }) {
  return (
    <div style={{ flex: "none" }}>
      <Text as="p" variant="bodySm" tone="subdued">
        {`${label} (${width}px)`}
      </Text>
      <iframe
        title={title}
        data-preview-frame={label.toLowerCase()}
        srcDoc={html}
        sandbox=""
        width={width}
        height={FRAME_HEIGHT}
        style={{ border: "1px solid #d4d4d4", borderRadius: 8, background: "#fff", display: "block" }}
      />
    </div>
  );
}
