// What the campaigns service takes and gives: the contract the admin pages
// (Flows, Campaigns, the review screen) are built against. Pure types and the
// one error the merchant reads.
import type { ApprovalState } from "../approval/approval";
import type { EmailDraft } from "../content/draft";
import type { Tone } from "../content/input";
import type { FlowType, Objective, OfferInput, Plan } from "../flows/plan";

export type CampaignErrorCode =
  | "not-found"
  | "invalid-input"
  | "invalid-plan"
  | "invalid-edit"
  | "generating"
  | "incomplete"
  | "stale-version"
  | "has-problems"
  | "no-drafts"
  | "not-approved"
  | "not-a-flow"
  | "cannot-render"
  | "generation-failed";

/** An error the merchant must read: the message in words, and the problems one per line. */
export class CampaignError extends Error {
  constructor(
    readonly code: CampaignErrorCode,
    message: string,
    readonly problems?: string[],
  ) {
    super(message);
    this.name = "CampaignError";
  }
}

export interface CampaignSummaryBase {
  id: string;
  flowType: FlowType;
  name: string;
  enabled: boolean;
  /** draft | generating | review | approved */
  status: string;
  version: number;
  plan: Plan;
  approval: ApprovalState;
  /** Drafts written for the current plan. */
  drafts: number;
  /** Open validation problems over all drafts (approval waits until there are none). */
  problems: number;
}

export type FlowSummary = CampaignSummaryBase;

export interface CampaignSummary extends CampaignSummaryBase {
  objective: Objective;
  segmentName: string | null;
  createdAt: Date;
}

export interface DraftView {
  id: string;
  /** 0-based index of the email in the plan. */
  step: number;
  /** "A", "B", … */
  variant: string;
  tone: Tone;
  content: EmailDraft;
  problems: string[];
  warnings: string[];
  /** How the draft was made when it matters (a fallback, what was done with a note). */
  notes: string[];
}

/** Summary fields, with `drafts` the drafts themselves (in step, variant order). */
export interface CampaignDetail extends Omit<CampaignSummary, "drafts"> {
  kind: "flow" | "campaign";
  drafts: DraftView[];
  /** Drafts generated / expected, for the progress bar while status is "generating"; `error` when generation failed. */
  progress: { done: number; total: number; error?: string };
  /** The plan in words: each email's delay, goal and angle; exits; incentive. */
  planText: string;
}

export interface CreateCampaignInput {
  objective: Objective;
  flowType?: FlowType;
  /** A Segment id of the shop: the audience. */
  segmentId?: string | null;
  /** A Product of the shop: its id, or its Shopify id. */
  productId?: string | null;
  offer?: OfferInput | null;
  name?: string | null;
}

export interface PreviewRequest {
  /** 0-based index of the email in the plan. */
  step: number;
  /** "A", "B", … or the 0-based variant number. */
  variant: string | number;
  /** Sample recipients (1 to 10); default 3. */
  recipients?: number;
}

export interface PreviewEmail {
  /** Who it is rendered for, in words ("Ann S.", or a made-up sample recipient). */
  label: string;
  subject: string;
  previewText: string;
  html: string;
  text: string;
  /** What checkRendered found (footer, plain text, size); empty when fine to send. */
  problems: string[];
  bytes: number;
  /** The sample recipient's address (for a preview .eml), when they have one. */
  to: { email: string; name: string | null } | null;
  unsubscribeUrl: string;
}
