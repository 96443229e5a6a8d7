// The review page's delivery section: when a launch or campaign goes (and a
// field to set it), a test email to the shop's own address, the live progress
// while it sends, what happened to its emails (with skip reasons), its
// deliverability, and the newest emails with a link to each as it was received.
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, InlineStack, Link, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import type { CampaignDeliveryView as CampaignDeliveryViewData } from "../../core/delivery/activity";
import { formatDate } from "../audience/format";
import { ActivitySummary } from "./ActivitySummary";
import { DeliverabilityCard } from "./DeliverabilityCard";
import { RecentMessages } from "./RecentMessages";
import { SendProgressBar } from "./SendProgressCard";
import { startTimeValue } from "./start-time";

interface ActionResult {
  intent: string;
  ok: boolean;
  error?: string;
  startsAt?: string;
  to?: string;
  messageId?: string;
}

interface Props {
  action: string;
  kind: "flow" | "campaign";
  flowType: string;
  /** Launches and campaigns go at a chosen time; flows run from their triggers. */
  scheduled: boolean;
  approved: boolean;
  delivery: CampaignDeliveryViewData;
  timeZone: string | null;
  /** The emails of the plan and their variants, for the test send. */
  emails: Array<{ step: number; variants: string[] }>;
  olderUrl: string | null;
  newestUrl: string | null;
}

export function CampaignDelivery({ action, kind, flowType, scheduled, approved, delivery: d, timeZone, emails, olderUrl, newestUrl }: Props) {
  const scope = kind === "flow" ? "this flow" : "this campaign";
  return (
    <BlockStack gap="400">
      <Card>
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            Delivery
          </Text>
          {scheduled ? <Schedule action={action} approved={approved} startsAt={d.startsAt} launchedAt={d.launchedAt} timeZone={timeZone} /> : null}
          {scheduled ? <SendProgressBar progress={d.progress} /> : null}
          <ActivitySummary activity={d.activity} name={flowType} />
          <TestSend action={action} to={d.testAddress} emails={emails} />
        </BlockStack>
      </Card>
      {d.deliverability.counts.sent > 0 ? <DeliverabilityCard deliverability={d.deliverability} scope={scope} /> : null}
      {d.activity.total > 0 ? (
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              Recent emails
            </Text>
            <RecentMessages messages={d.recent.messages} timeZone={timeZone} olderUrl={olderUrl} newestUrl={newestUrl} />
          </BlockStack>
        </Card>
      ) : null}
    </BlockStack>
  );
}

function Schedule({ action, approved, startsAt, launchedAt, timeZone }: { action: string; approved: boolean; startsAt: string | null; launchedAt: string | null; timeZone: string | null }) {
  const save = useFetcher<ActionResult>();
  const [value, setValue] = useState(() => (startsAt ? startTimeValue(startsAt, timeZone) : ""));
  const result = save.state === "idle" ? save.data : undefined;
  if (launchedAt) {
    return (
      <Text as="p">
        <span data-launched-at="">{`Went out on ${formatDate(launchedAt, timeZone, true)}.`}</span>
      </Text>
    );
  }
  return (
    <save.Form method="post" action={action}>
      <input type="hidden" name="intent" value="schedule" />
      <BlockStack gap="200">
        <InlineStack gap="300" blockAlign="end" wrap>
          <TextField
            label={`Start sending on (${timeZone ?? "UTC"})`}
            type="datetime-local"
            name="startsAt"
            autoComplete="off"
            value={value}
            onChange={setValue}
            disabled={!approved}
            error={result && !result.ok ? result.error : undefined}
          />
          <Button submit disabled={!approved} loading={save.state !== "idle"}>
            {startsAt ? "Change start" : "Schedule"}
          </Button>
        </InlineStack>
        <Text as="p" variant="bodySm" tone="subdued">
          <span data-starts-at={startsAt ?? ""}>
            {!approved
              ? "Approve the emails first: only an approved version is scheduled."
              : startsAt
                ? `Starts ${formatDate(startsAt, timeZone, true)}. Later emails count their delays from then.`
                : "Not scheduled yet: pick when the first email goes."}
          </span>
        </Text>
      </BlockStack>
    </save.Form>
  );
}

function TestSend({ action, to, emails }: { action: string; to: string | null; emails: Array<{ step: number; variants: string[] }> }) {
  const send = useFetcher<ActionResult>();
  const options = emails.flatMap((e) => e.variants.map((v) => ({ label: `Email ${e.step + 1}${v}`, value: `${e.step}:${v}` })));
  const [choice, setChoice] = useState(options[0]?.value ?? "");
  const result = send.state === "idle" ? send.data : undefined;
  if (options.length === 0) return null;
  const [step, variant] = choice.split(":");
  return (
    <BlockStack gap="200">
      <InlineStack gap="300" blockAlign="end" wrap>
        <Select label="Send a test of" options={options} value={choice} onChange={setChoice} />
        <Button onClick={() => send.submit({ intent: "send-test", step: step ?? "0", variant: variant ?? "A" }, { method: "post", action })} loading={send.state !== "idle"} disabled={!to}>
          Send test email
        </Button>
      </InlineStack>
      <Text as="p" variant="bodySm" tone="subdued">
        {to ? `Goes to ${to}, marked as a test; it is not counted anywhere.` : "Your store has no email address to send a test to."}
      </Text>
      {result?.ok ? (
        <Banner tone="success">
          <p data-test-sent="">
            {`Test email sent to ${result.to}. `}
            {result.messageId ? <Link url={`/app/messages/${result.messageId}`}>See it as sent</Link> : null}
          </p>
        </Banner>
      ) : result ? (
        <Banner tone="critical">
          <p data-test-refused="">{result.error}</p>
        </Banner>
      ) : null}
    </BlockStack>
  );
}
