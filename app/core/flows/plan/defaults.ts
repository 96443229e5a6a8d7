// The built-in flows and their default plans. Where each number comes from
// (published practice or our judgement) is in docs/flows/default-plans.md: keep
// the two in step.
import type { AngleKey, Delay, ExitCondition, FlowType, Objective, ProductFocus, Stage, Trigger } from "./types";

export interface DefaultStep {
  stage: string;
  delay: Delay;
  goal: string;
  angle: string;
  angleKey: AngleKey;
  productFocus: ProductFocus;
}

export interface FlowDefault {
  flowType: FlowType;
  label: string;
  /** The objective a plan of this type serves when none is given. */
  objective: Objective;
  trigger: Trigger;
  priority: number;
  stages: Stage[];
  steps: DefaultStep[];
  exitConditions: ExitCondition[];
  /** 1-based: the first email that may carry an offer, when the merchant gives one. */
  incentiveFromStep: number;
  incentiveRationale: string;
}

const h = (amount: number): Delay => ({ amount, unit: "hours" });
const d = (amount: number): Delay => ({ amount, unit: "days" });
const ALL_EXITS: ExitCondition[] = ["purchase", "unsubscribe", "higher-priority-flow"];

export const FLOW_DEFAULTS: Record<FlowType, FlowDefault> = {
  "cart-recovery": {
    flowType: "cart-recovery",
    label: "Cart recovery",
    objective: "cart-recovery",
    trigger: { kind: "checkout-abandoned" },
    priority: 100,
    stages: [
      { key: "reminder", name: "Reminder", purpose: "Bring the shopper back while the cart is fresh." },
      { key: "reassurance", name: "Reassurance", purpose: "Answer the doubts that stop a checkout." },
      { key: "last-call", name: "Last call", purpose: "A final nudge, with the offer if the plan has one." },
    ],
    steps: [
      { stage: "reminder", delay: h(1), goal: "Get the shopper back to the checkout they started.", angle: "A short, friendly reminder that the items are still in their cart.", angleKey: "cart-reminder", productFocus: "cart" },
      { stage: "reassurance", delay: h(24), goal: "Remove the doubt that stopped the purchase.", angle: "Offer help: invite questions and point back to the cart.", angleKey: "cart-reassurance", productFocus: "cart" },
      { stage: "last-call", delay: h(72), goal: "Recover the order before interest fades.", angle: "A last reminder; the place for an incentive if one is allowed.", angleKey: "cart-last-call", productFocus: "cart" },
    ],
    exitConditions: ALL_EXITS,
    incentiveFromStep: 3,
    incentiveRationale: "Only on the last email, so shoppers are not taught to abandon carts to get a discount.",
  },
  "browse-abandonment": {
    flowType: "browse-abandonment",
    label: "Browse abandonment",
    objective: "browse-recovery",
    trigger: { kind: "product-viewed" },
    priority: 80,
    stages: [
      { key: "reminder", name: "Reminder", purpose: "Show the products they looked at." },
      { key: "discovery", name: "Discovery", purpose: "Widen the choice with related products." },
    ],
    steps: [
      { stage: "reminder", delay: h(4), goal: "Bring the visitor back to the product they viewed.", angle: "A light reminder of what they were looking at, no pressure.", angleKey: "viewed-reminder", productFocus: "viewed" },
      { stage: "discovery", delay: h(48), goal: "Turn interest into a first click on something that fits.", angle: "Suggest popular products close to what they viewed.", angleKey: "related-picks", productFocus: "popular" },
    ],
    exitConditions: ALL_EXITS,
    incentiveFromStep: 2,
    incentiveRationale: "Browsing is low intent: an offer, if any, only in the second email.",
  },
  "product-launch": {
    flowType: "product-launch",
    label: "Product launch",
    objective: "launch",
    trigger: { kind: "scheduled" },
    priority: 60,
    stages: [
      { key: "teaser", name: "Teaser", purpose: "Build anticipation before the launch." },
      { key: "education", name: "Education", purpose: "Announce the product and explain what it is." },
      { key: "urgency", name: "Urgency", purpose: "A last reminder for those who have not bought." },
    ],
    steps: [
      { stage: "teaser", delay: d(0), goal: "Make subscribers expect the launch.", angle: "Something new is coming; hint at it without details that are not yet public.", angleKey: "teaser", productFocus: "none" },
      { stage: "education", delay: d(3), goal: "Announce the launch and get the first orders.", angle: "It is here: what it is, its price, where to get it.", angleKey: "launch", productFocus: "featured" },
      { stage: "education", delay: d(5), goal: "Help undecided subscribers understand the product.", angle: "Explain the product using its description.", angleKey: "education", productFocus: "featured" },
      { stage: "urgency", delay: d(8), goal: "Convert the subscribers who are still undecided.", angle: "A clear last reminder; mention the offer's end only if the offer has one.", angleKey: "last-chance", productFocus: "featured" },
    ],
    exitConditions: ALL_EXITS,
    incentiveFromStep: 4,
    incentiveRationale: "A launch sells on novelty first; an offer, if any, only in the closing email.",
  },
  welcome: {
    flowType: "welcome",
    label: "Welcome series",
    objective: "onboarding",
    trigger: { kind: "subscribed" },
    priority: 70,
    stages: [
      { key: "welcome", name: "Welcome", purpose: "Greet new subscribers and introduce the shop." },
      { key: "nurture", name: "Nurture", purpose: "Show what the shop sells best." },
      { key: "conversion", name: "First order", purpose: "Invite the first order." },
    ],
    steps: [
      { stage: "welcome", delay: d(0), goal: "Welcome the subscriber and set expectations.", angle: "Thank them for joining and introduce the shop.", angleKey: "welcome", productFocus: "none" },
      { stage: "nurture", delay: d(2), goal: "Get a first click on a product.", angle: "Show the shop's most popular products.", angleKey: "bestsellers", productFocus: "popular" },
      { stage: "conversion", delay: d(5), goal: "Turn the subscriber into a customer.", angle: "Invite the first order; the place for a welcome offer if one is allowed.", angleKey: "first-order", productFocus: "popular" },
    ],
    exitConditions: ALL_EXITS,
    incentiveFromStep: 1,
    incentiveRationale: "A welcome offer is usually promised at sign-up, so it may appear from the first email.",
  },
  "post-purchase": {
    flowType: "post-purchase",
    label: "Post-purchase cross-sell",
    objective: "upsell",
    trigger: { kind: "order-placed" },
    priority: 40,
    stages: [
      { key: "thanks", name: "Thank you", purpose: "Thank the customer after Shopify's order confirmation." },
      { key: "cross-sell", name: "Cross-sell", purpose: "Suggest what goes with what they bought." },
      { key: "check-in", name: "Check-in", purpose: "Ask how it is going and keep the relationship warm." },
    ],
    steps: [
      { stage: "thanks", delay: d(2), goal: "Make the customer feel welcome after their order.", angle: "A warm thank-you, no selling.", angleKey: "thanks", productFocus: "none" },
      { stage: "cross-sell", delay: d(10), goal: "Get a second order.", angle: "Products often bought with theirs.", angleKey: "cross-sell", productFocus: "co-purchase" },
      { stage: "check-in", delay: d(30), goal: "Keep the customer engaged until their next purchase.", angle: "Ask how they are getting on and invite them back.", angleKey: "check-in", productFocus: "popular" },
    ],
    exitConditions: ALL_EXITS,
    incentiveFromStep: 2,
    incentiveRationale: "Never in the thank-you email; an offer may support the cross-sell.",
  },
  "win-back": {
    flowType: "win-back",
    label: "Win-back",
    objective: "win-back",
    trigger: { kind: "segment-entered", segmentKey: "at-risk" },
    priority: 50,
    stages: [
      { key: "reconnect", name: "Reconnect", purpose: "Remind lapsing customers of the shop." },
      { key: "value", name: "What's new", purpose: "Give them a reason to come back." },
      { key: "incentive", name: "Last call", purpose: "A final invitation, with the offer if there is one." },
    ],
    steps: [
      { stage: "reconnect", delay: d(0), goal: "Get a lapsing customer to open and click again.", angle: "It has been a while: a warm hello and what they might like.", angleKey: "miss-you", productFocus: "popular" },
      { stage: "value", delay: d(7), goal: "Show them what they have missed.", angle: "New arrivals since their last visit.", angleKey: "whats-new", productFocus: "new-arrivals" },
      { stage: "incentive", delay: d(14), goal: "Win back the order before they are gone.", angle: "A last invitation; the place for an incentive if one is allowed.", angleKey: "comeback-offer", productFocus: "popular" },
    ],
    exitConditions: [...ALL_EXITS, "left-segment"],
    incentiveFromStep: 3,
    incentiveRationale: "Reminder and value first; an offer only for those who did not come back.",
  },
  "sales-campaign": {
    flowType: "sales-campaign",
    label: "Sales campaign",
    objective: "sales",
    trigger: { kind: "scheduled" },
    priority: 30,
    stages: [
      { key: "announce", name: "Announcement", purpose: "Tell the audience about the product or offer." },
      { key: "reminder", name: "Reminder", purpose: "Remind those who have not acted." },
      { key: "last-chance", name: "Last chance", purpose: "Close the campaign." },
    ],
    steps: [
      { stage: "announce", delay: d(0), goal: "Drive the campaign's first orders.", angle: "Announce the product or offer clearly.", angleKey: "announce", productFocus: "featured" },
      { stage: "reminder", delay: d(3), goal: "Reach those who missed the announcement.", angle: "A short reminder with a different angle.", angleKey: "campaign-reminder", productFocus: "featured" },
      { stage: "last-chance", delay: d(6), goal: "Convert the last undecided customers.", angle: "A last reminder; mention the offer's end only if it has one.", angleKey: "last-chance", productFocus: "featured" },
    ],
    exitConditions: ALL_EXITS,
    incentiveFromStep: 1,
    incentiveRationale: "In a sales campaign the offer is the message, so it may appear from the first email.",
  },
};

/** Which flow types serve an objective; the first is the default. */
export const OBJECTIVE_FLOWS: Record<Objective, FlowType[]> = {
  sales: ["sales-campaign", "product-launch", "cart-recovery", "browse-abandonment"],
  retention: ["post-purchase", "win-back"],
  onboarding: ["welcome"],
  upsell: ["post-purchase", "sales-campaign"],
  "cart-recovery": ["cart-recovery"],
  "browse-recovery": ["browse-abandonment"],
  "win-back": ["win-back"],
  launch: ["product-launch"],
};
