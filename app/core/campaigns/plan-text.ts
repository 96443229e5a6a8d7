// A plan in words, for the review screen and the CLI: what each email does and
// when, what ends the flow, and what the incentive is. Pure.
import { describeOffer } from "../content/claims";
import { FLOW_DEFAULTS, type Delay, type ExitCondition, type Plan, type ProductFocus, type Trigger } from "../flows/plan";

const TRIGGER_WORDS: Record<Trigger["kind"], string> = {
  "checkout-abandoned": "a shopper leaves a checkout unfinished",
  "product-viewed": "a visitor views a product without adding it to their cart",
  subscribed: "someone subscribes to the shop's emails",
  "order-placed": "a customer places an order",
  "segment-entered": "a customer enters a segment",
  scheduled: "the start date you choose",
};

const EXIT_WORDS: Record<ExitCondition, string> = {
  purchase: "they buy",
  unsubscribe: "they unsubscribe",
  "higher-priority-flow": "a higher-priority flow starts for them",
  "left-segment": "they leave the segment",
};

const FOCUS_WORDS: Record<ProductFocus, string> = {
  none: "no products",
  featured: "the featured product",
  cart: "their cart",
  viewed: "what they viewed",
  "co-purchase": "products often bought with theirs",
  popular: "popular products",
  "new-arrivals": "new arrivals",
};

function when(delay: Delay, scheduled: boolean): string {
  if (delay.unit === "hours") return `${delay.amount} hour${delay.amount === 1 ? "" : "s"} after the trigger`;
  if (delay.amount === 0) return scheduled ? "on the start date" : "at once";
  return `day ${delay.amount}`;
}

/** Several lines: a heading line, one line per email, then exits and the incentive. */
export function planText(plan: Plan, currency: string): string {
  const scheduled = plan.trigger.kind === "scheduled";
  const start =
    plan.trigger.kind === "segment-entered" ? `a customer enters the "${plan.trigger.segmentKey}" segment` : TRIGGER_WORDS[plan.trigger.kind];
  const lines = [
    `${plan.name}: ${FLOW_DEFAULTS[plan.flowType].label.toLowerCase()}, ${plan.steps.length} email${plan.steps.length === 1 ? "" : "s"}, starting when ${start}.`,
  ];
  if (plan.product) lines.push(`Featured product: ${plan.product.title}.`);
  plan.steps.forEach((step, i) => {
    const stage = plan.stages.find((s) => s.key === step.stage)?.name ?? step.stage;
    const offer = step.incentive && plan.offer ? " Carries the offer." : "";
    lines.push(`Email ${i + 1} (${stage}, ${when(step.delay, scheduled)}): ${step.goal} Angle: ${step.angle} Shows ${FOCUS_WORDS[step.productFocus]}.${offer}`);
  });
  lines.push(`Stops for a customer when ${plan.exitConditions.map((e) => EXIT_WORDS[e]).join(", or ")}.`);
  if (plan.incentive.allowed && plan.offer) {
    const days = plan.offer.expiresInDays ? `, each code valid for ${plan.offer.expiresInDays} days` : "";
    lines.push(`Incentive: ${describeOffer(plan.offer, currency)}${days}, from email ${plan.incentive.fromStep ?? 1}, a unique single-use code per recipient. ${plan.incentive.rationale}`);
  } else {
    lines.push(`Incentive: none. ${plan.incentive.rationale}`);
  }
  return lines.join("\n");
}
