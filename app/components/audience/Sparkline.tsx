// A segment's size over the last days as a small line, with the change in words
// beside it (the line alone says nothing to a screen reader).
import { InlineStack, Text } from "@shopify/polaris";
import { formatChange } from "./format";

export interface SparklineProps {
  sizes: readonly number[];
  /** What the change is over, e.g. "30 days". */
  period: string;
  width?: number;
  height?: number;
}

export function sparklinePoints(sizes: readonly number[], width: number, height: number): string {
  if (sizes.length === 0) return "";
  const max = Math.max(...sizes);
  const min = Math.min(...sizes);
  const span = max - min || 1;
  const step = sizes.length > 1 ? width / (sizes.length - 1) : 0;
  // A flat series sits in the middle; otherwise the lowest size touches the bottom.
  return sizes
    .map((s, i) => `${(i * step).toFixed(1)},${(max === min ? height / 2 : height - ((s - min) / span) * (height - 2) - 1).toFixed(1)}`)
    .join(" ");
}

export function Sparkline({ sizes, period, width = 96, height = 24 }: SparklineProps) {
  const change = sizes.length > 0 ? sizes[sizes.length - 1]! - sizes[0]! : 0;
  const tone = change > 0 ? "success" : change < 0 ? "critical" : "subdued";
  return (
    <InlineStack gap="200" blockAlign="center" wrap={false}>
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} aria-hidden="true" focusable="false">
        <polyline points={sparklinePoints(sizes, width, height)} fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />
      </svg>
      <Text as="span" variant="bodySm" tone={tone}>
        <span data-trend-change={change}>{formatChange(change)}</span> in {period}
      </Text>
    </InlineStack>
  );
}
