// The live bar while a campaign sends: how much of the email being sent is
// handed to SendGrid (or settled: skipped, cancelled, failed). The page polls
// its loader every 2 s while anything is waiting, queued or sending.
import { BlockStack, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import type { SendProgress } from "../../core/delivery/activity";
import { usePollWhile } from "../campaigns/usePollWhile";
import { formatCount } from "../format";

export const PROGRESS_POLL_MS = 2000;

export function SendProgressBar({ progress }: { progress: SendProgress }) {
  usePollWhile(progress.active, PROGRESS_POLL_MS);
  if (progress.step === null) {
    return progress.later > 0 ? (
      <Text as="p" tone="subdued">
        <span data-send-progress="waiting">{`${formatCount(progress.later)} emails scheduled: nothing is due yet.`}</span>
      </Text>
    ) : null;
  }
  return (
    <BlockStack gap="100">
      <InlineStack align="space-between">
        <Text as="span" fontWeight="semibold">
          {progress.active ? `Sending email ${progress.step + 1}` : `Email ${progress.step + 1} sent`}
        </Text>
        <Text as="span" tone="subdued">
          <span data-send-progress={progress.active ? "sending" : "done"} data-done={progress.done} data-total={progress.total}>
            {`${formatCount(progress.done)} of ${formatCount(progress.total)} handled · ${formatCount(progress.sent)} sent`}
          </span>
        </Text>
      </InlineStack>
      <ProgressBar progress={progress.percent} size="small" tone={progress.active ? "highlight" : "success"} animated={progress.active} />
      {progress.later > 0 ? (
        <Text as="p" variant="bodySm" tone="subdued">
          {`${formatCount(progress.later)} later emails scheduled.`}
        </Text>
      ) : null}
    </BlockStack>
  );
}
