// Attributed revenue per day as an inline SVG bar chart (no chart library:
// Polaris Viz is not a dependency). Accessible: the SVG is one image with a
// title and a description of the whole series, each bar has its own title
// (shown on hover), and the figures are in a table for screen readers.
import { useId } from "react";
import { Text } from "@shopify/polaris";
import { formatMoney } from "../format";
import { formatDate } from "../audience/format";

export interface ChartPoint {
  day: string; // YYYY-MM-DD
  revenue: number;
  orders: number;
}

const WIDTH = 720;
const HEIGHT = 160;

const dayDate = (day: string) => formatDate(`${day}T12:00:00Z`, "UTC");

export function RevenueChart({ series, currency }: { series: ChartPoint[]; currency: string }) {
  const id = useId();
  if (series.length === 0) return null;
  const max = Math.max(...series.map((p) => p.revenue), 0);
  const slot = WIDTH / series.length;
  const gap = series.length > 60 ? 0 : Math.min(4, slot * 0.2);
  const total = series.reduce((s, p) => s + p.revenue, 0);
  const best = series.reduce((b, p) => (p.revenue > b.revenue ? p : b), series[0]!);
  const first = series[0]!.day;
  const last = series[series.length - 1]!.day;
  const description =
    max === 0
      ? `No attributed revenue from ${dayDate(first)} to ${dayDate(last)}.`
      : `${formatMoney(total, currency)} in total from ${dayDate(first)} to ${dayDate(last)}; the highest day was ${dayDate(best.day)} with ${formatMoney(best.revenue, currency)}.`;
  return (
    <figure style={{ margin: 0 }} data-revenue-chart={series.length}>
      <svg
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        width="100%"
        height={HEIGHT}
        style={{ display: "block" }}
      >
        <title id={`${id}-title`}>Attributed revenue per day</title>
        <desc id={`${id}-desc`}>{description}</desc>
        <line x1={0} x2={WIDTH} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} stroke="#8a8a8a" strokeWidth={1} />
        {series.map((p, i) => {
          const h = max > 0 ? Math.max(p.revenue > 0 ? 2 : 0, (p.revenue / max) * (HEIGHT - 8)) : 0;
          return (
            <rect key={p.day} data-chart-day={p.day} x={i * slot + gap / 2} y={HEIGHT - 1 - h} width={Math.max(0.5, slot - gap)} height={h} fill="#2c6ecb">
              <title>{`${dayDate(p.day)}: ${formatMoney(p.revenue, currency)} from ${p.orders} order${p.orders === 1 ? "" : "s"}`}</title>
            </rect>
          );
        })}
      </svg>
      <div style={{ display: "flex", justifyContent: "space-between" }}>
        <Text as="span" variant="bodySm" tone="subdued">
          {dayDate(first)}
        </Text>
        <Text as="span" variant="bodySm" tone="subdued">
          {dayDate(last)}
        </Text>
      </div>
      <table style={VISUALLY_HIDDEN}>
        <caption>Attributed revenue and orders per day</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Revenue</th>
            <th scope="col">Orders</th>
          </tr>
        </thead>
        <tbody>
          {series
            .filter((p) => p.revenue > 0 || p.orders > 0)
            .map((p) => (
              <tr key={p.day}>
                <th scope="row">{dayDate(p.day)}</th>
                <td>{formatMoney(p.revenue, currency)}</td>
                <td>{p.orders}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </figure>
  );
}

const VISUALLY_HIDDEN = {
  position: "absolute",
  width: 1,
  height: 1,
  padding: 0,
  margin: -1,
  overflow: "hidden",
  clip: "rect(0, 0, 0, 0)",
  whiteSpace: "nowrap",
  border: 0,
} as const;
