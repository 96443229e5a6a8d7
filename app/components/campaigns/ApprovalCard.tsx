// The one-click approval: the Approve button sends the version the page shows;
// it is disabled, with the reason, while drafts are missing or have problems.
// After approval: who approved which version, when. After an edit: "needs
// approval again". A flow can be switched on here once approved.
import { useFetcher } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, InlineStack, Text } from "@shopify/polaris";
import { formatDate } from "../audience/format";

export type ApprovalViewState =
  | { approved: true; version: number; by: string; at: string }
  | { approved: false; reason: "never-approved" | "edited-since-approval"; message: string };

interface ApproveResult {
  intent: string;
  ok: boolean;
  code?: string;
  error?: string;
  problems?: string[];
  enabled?: boolean;
}

interface Props {
  action: string;
  kind: "flow" | "campaign";
  version: number;
  approval: ApprovalViewState;
  /** Why Approve cannot be pressed now, or null. */
  blocked: string | null;
  enabled: boolean;
  timeZone: string | null;
}

export function ApprovalCard({ action, kind, version, approval, blocked, enabled, timeZone }: Props) {
  const approve = useFetcher<ApproveResult>();
  const toggle = useFetcher<ApproveResult>();
  const refused = approve.state === "idle" && approve.data && !approve.data.ok ? approve.data : null;
  const toggleRefused = toggle.state === "idle" && toggle.data && !toggle.data.ok ? toggle.data : null;
  const current = approval.approved && approval.version === version;

  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center" gap="300">
          <BlockStack gap="100">
            <InlineStack gap="200" blockAlign="center">
              <Text as="h2" variant="headingMd">
                Approval
              </Text>
              <span data-approval-state={current ? "approved" : approval.approved ? "stale" : approval.reason}>
                {current ? (
                  <Badge tone="success">Approved</Badge>
                ) : !approval.approved && approval.reason === "edited-since-approval" ? (
                  <Badge tone="attention">Needs approval again</Badge>
                ) : (
                  <Badge tone="attention">Needs approval</Badge>
                )}
              </span>
            </InlineStack>
            <Text as="p" tone="subdued">
              <span data-version={version}>Version {version}</span>
              {" · "}
              {approval.approved ? (
                <span data-approved-by="">
                  Approved by {approval.by}, version {approval.version}, on {formatDate(approval.at, timeZone, true)}
                </span>
              ) : (
                <span data-approval-message="">{approval.message}</span>
              )}
            </Text>
          </BlockStack>
          <InlineStack gap="200" blockAlign="center">
            {!current ? (
              <approve.Form method="post" action={action}>
                <input type="hidden" name="intent" value="approve" />
                <input type="hidden" name="version" value={version} />
                <Button submit variant="primary" size="large" disabled={blocked !== null} loading={approve.state !== "idle"}>
                  {`Approve version ${version}`}
                </Button>
              </approve.Form>
            ) : null}
            {kind === "flow" && current ? (
              <toggle.Form method="post" action={action}>
                <input type="hidden" name="intent" value={enabled ? "disable" : "enable"} />
                <Button submit variant={enabled ? "secondary" : "primary"} loading={toggle.state !== "idle"}>
                  {enabled ? "Turn flow off" : "Turn flow on"}
                </Button>
              </toggle.Form>
            ) : null}
          </InlineStack>
        </InlineStack>
        {blocked !== null && !current ? (
          <Text as="p" tone="caution">
            <span data-approve-blocked="">{blocked}</span>
          </Text>
        ) : null}
        {kind === "flow" && current ? (
          <Text as="p" tone="subdued">
            {enabled ? "The flow is on: it sends this approved version to everyone who qualifies." : "Approved but off: turn it on to start sending."}
          </Text>
        ) : null}
        {refused ? (
          <Banner tone={refused.code === "stale-version" ? "warning" : "critical"} title={refused.code === "stale-version" ? "This changed since you opened it: review it again" : "Not approved"}>
            <p data-approve-refused={refused.code}>{refused.error}</p>
            {refused.code === "stale-version" ? <p>The page now shows the latest version. Read it through, then approve it.</p> : null}
          </Banner>
        ) : null}
        {toggleRefused ? (
          <Banner tone="warning" title="Not switched on">
            <p>{toggleRefused.error}</p>
          </Banner>
        ) : null}
        <Text as="p" variant="bodySm" tone="subdued">
          Nothing is scheduled or sent until the version you see is approved. Every approval is recorded.
        </Text>
      </BlockStack>
    </Card>
  );
}
