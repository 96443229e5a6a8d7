// One-click approval, pure part. An approval covers exactly one version of a
// campaign: its plan and every draft, hashed canonically (object keys sorted), so
// "what was approved" can be checked against "what would be sent" byte for byte.
import { createHash } from "node:crypto";

export interface ApprovableContent {
  plan: unknown;
  drafts: ReadonlyArray<{ step: number; variant: string; content: unknown }>;
}

/** JSON with object keys sorted at every depth: equal content, equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

/** sha256 of the plan and the drafts in (step, variant) order. */
export function contentHash(content: ApprovableContent): string {
  const drafts = [...content.drafts]
    .sort((a, b) => a.step - b.step || (a.variant < b.variant ? -1 : a.variant > b.variant ? 1 : 0))
    .map((d) => ({ step: d.step, variant: d.variant, content: d.content }));
  return createHash("sha256").update(canonicalJson({ plan: content.plan, drafts })).digest("hex");
}

export type ApprovalState =
  | { approved: true; version: number; approvedBy: string; approvedAt: Date }
  | { approved: false; reason: "never-approved" | "edited-since-approval"; message: string };

/** Whether the campaign as it stands now is the version that was approved. */
export function approvalState(
  current: { version: number; hash: string },
  latest: { version: number; contentHash: string; approvedBy: string; approvedAt: Date } | null,
): ApprovalState {
  if (!latest) return { approved: false, reason: "never-approved", message: "Not approved yet: nothing is scheduled or sent until you approve it." };
  if (latest.version !== current.version || latest.contentHash !== current.hash) {
    return { approved: false, reason: "edited-since-approval", message: `Edited since ${latest.approvedBy} approved version ${latest.version}: approve again to send.` };
  }
  return { approved: true, version: latest.version, approvedBy: latest.approvedBy, approvedAt: latest.approvedAt };
}
