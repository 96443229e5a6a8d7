// What the Flows, Campaigns and review pages say about a flow's state and an
// objective, in the merchant's words (the plan itself is put in words by the
// campaigns service's planText). Pure: runs on the server and in the browser.
import type { ApprovalState } from "~/core/approval/approval";
import { FLOW_DEFAULTS } from "~/core/flows/plan/defaults";
import { formatDelay, type FlowType, type Objective, type Plan } from "~/core/flows/plan/types";

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

/** "1 hour later", "Day 3": when an email goes, counted from the trigger (the plan editor's label). */
export function whenWords(step: Plan["steps"][number]): string {
  const delay = formatDelay(step.delay);
  return step.delay.unit === "days" ? (step.delay.amount === 0 ? "Day 0 (at once)" : capitalize(delay)) : `${capitalize(delay)} later`;
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
