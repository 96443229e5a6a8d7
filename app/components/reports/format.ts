// How the revenue dashboard and reports write their figures (server and browser).
import { formatMoney } from "../format";

/** 0.4271 → "42.7%"; null → "—". */
export function formatRate(r: number | null): string {
  if (r === null) return "—";
  const pct = r * 100;
  return `${pct >= 10 || pct === 0 ? pct.toFixed(1).replace(/\.0$/, "") : pct.toFixed(pct < 1 ? 2 : 1)}%`;
}

/** +12.3% / −4% / "new" when there was nothing before; null → "". */
export function formatChange(pct: number | null, hadBefore = true): string {
  if (pct === null) return hadBefore ? "" : "new";
  if (Math.abs(pct) < 0.05) return "no change";
  const rounded = Math.abs(pct) >= 10 ? Math.round(Math.abs(pct)).toString() : Math.abs(pct).toFixed(1);
  return `${pct > 0 ? "+" : "−"}${rounded}%`;
}

/** Revenue per recipient (fractional minor units) as money, rounded to the currency's unit. */
export function formatPerRecipient(minor: number | null, currency: string): string {
  return minor === null ? "—" : formatMoney(Math.round(minor), currency);
}

const FLOW_NAMES: Record<string, string> = {
  "cart-recovery": "Cart recovery",
  "browse-abandonment": "Browse abandonment",
  "product-launch": "Product launch",
  welcome: "Welcome",
  "post-purchase": "Post-purchase",
  "win-back": "Win-back",
  "sales-campaign": "Sales campaign",
};

/** "cart-recovery" → "Cart recovery"; an unknown type is shown in words rather than hidden. */
export function flowName(flowType: string): string {
  const known = FLOW_NAMES[flowType];
  if (known) return known;
  const words = flowType.replace(/[-_]+/g, " ").trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : "Other";
}

/** "Email 2 · variant B" (steps are stored 0-based). */
export function emailLabel(step: number, variant: string): string {
  return `Email ${step + 1}${variant ? ` · variant ${variant}` : ""}`;
}
