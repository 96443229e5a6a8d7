// What the Flows, Campaigns and review pages say about a plan and its state, in
// the merchant's words. Pure: runs on the server and in the browser alike.
import type { ApprovalState } from "~/core/approval/approval";
import { describeOffer } from "~/core/content/claims";
import { FLOW_DEFAULTS } from "~/core/flows/plan/defaults";
import { formatDelay, type FlowType, type Objective, type Plan, type Trigger } from "~/core/flows/plan/types";

/** The objective select's options, in the order a merchant thinks of them; the label is what they want done. */
export const OBJECTIVE_CHOICES: ReadonlyArray<{ value: Objective; label: string }> = [
  { value: "win-back", label: "Win back at-risk customers" },
  { value: "sales", label: "Sell a product or an offer" },
  { value: "launch", label: "Launch a new product" },
  { value: "retention", label: "Bring recent customers back for another order" },
  { value: "upsell", label: "Sell more to recent buyers" },
  { value: "onboarding", label: "Welcome new subscribers" },
  { value: "cart-recovery", label: "Recover abandoned checkouts" },
  { value: "browse-recovery", label: "Follow up on products people viewed" },
];

export function objectiveLabel(objective: string): string {
  return OBJECTIVE_CHOICES.find((o) => o.value === objective)?.label ?? objective;
}

export function flowLabel(flowType: string): string {
  return flowType in FLOW_DEFAULTS ? FLOW_DEFAULTS[flowType as FlowType].label : flowType;
}

export function triggerWords(trigger: Trigger): string {
  switch (trigger.kind) {
    case "checkout-abandoned":
      return "after a checkout is abandoned";
    case "product-viewed":
      return "after a product is viewed without a purchase";
    case "subscribed":
      return "after someone subscribes";
    case "order-placed":
      return "after an order";
    case "segment-entered":
      return `after a customer becomes ${trigger.segmentKey === "at-risk" ? "at risk" : "dormant"}`;
    case "scheduled":
      return "from the start date";
  }
}

/** "1 hour", "day 3" → when, counted from the trigger. */
export function whenWords(step: Plan["steps"][number]): string {
  const delay = formatDelay(step.delay);
  return step.delay.unit === "days" ? (step.delay.amount === 0 ? "Day 0 (at once)" : capitalize(delay)) : `${capitalize(delay)} later`;
}

/** "3 emails over 14 days, after a customer becomes at risk". */
export function planHeadline(plan: Plan): string {
  const n = plan.steps.length;
  const last = plan.steps[n - 1];
  const span = last ? (last.delay.unit === "days" ? `${last.delay.amount} days` : `${last.delay.amount} hours`) : "";
  const emails = n === 1 ? "1 email" : `${n} emails`;
  return `${emails}${n > 1 && span ? ` over ${span}` : ""}, ${triggerWords(plan.trigger)}`;
}

const EXIT_WORDS: Record<string, string> = {
  purchase: "they buy",
  unsubscribe: "they unsubscribe",
  "higher-priority-flow": "a more important flow starts for them",
  "left-segment": "they leave the segment",
};

export function exitWords(plan: Plan): string {
  const parts = plan.exitConditions.map((e) => EXIT_WORDS[e] ?? e);
  if (parts.length === 0) return "";
  const list = parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(", ")} or ${parts[parts.length - 1]}`;
  return `Stops early when ${list}.`;
}

export function offerWords(offer: Plan["offer"], currency: string): string {
  if (!offer) return "No offer";
  const expiry = offer.expiresInDays ? `, code valid ${offer.expiresInDays} days` : "";
  return `${capitalize(describeOffer(offer, currency))}${expiry}`;
}

export type FlowStatus = "draft" | "writing" | "needs-approval" | "approved" | "on";

export const STATUS_BADGE: Record<FlowStatus, { label: string; tone?: "info" | "attention" | "success" | "warning" }> = {
  draft: { label: "Draft" },
  writing: { label: "Writing drafts", tone: "info" },
  "needs-approval": { label: "Needs approval", tone: "attention" },
  approved: { label: "Approved", tone: "info" },
  on: { label: "On", tone: "success" },
};

/** Where a flow or campaign stands, from its summary. */
export function statusOf(s: { enabled: boolean; status: string; drafts: number; approval: Pick<ApprovalState, "approved"> }): FlowStatus {
  if (s.approval.approved) return s.enabled ? "on" : "approved";
  if (s.status === "generating") return "writing";
  return s.drafts > 0 ? "needs-approval" : "draft";
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
