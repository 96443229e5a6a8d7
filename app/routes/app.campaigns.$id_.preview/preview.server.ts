// Previews for the review screen: one email variant rendered for a few real
// sample recipients of its audience (previewEmails: compiled once, merged per
// recipient, with a sample offer code and unsubscribe link). The page shows each
// in sandboxed iframes; only what the page needs is sent.
import defaultDb, { type Database } from "../../db.server";
import { previewEmails } from "../../core/campaigns/campaigns.server";
import { CampaignError } from "../../core/campaigns/types";
import { notFound } from "../app.flows._index/flows.server";

export const PREVIEW_RECIPIENTS = 3;

export interface PreviewView {
  label: string;
  subject: string;
  previewText: string;
  html: string;
  text: string;
  bytes: number;
  problems: string[];
}

export type PreviewResult = { ok: true; step: number; variant: string; previews: PreviewView[] } | { ok: false; step: number; variant: string; error: string; problems: string[] };

export async function loadPreviews(shopId: string, campaignId: string, params: URLSearchParams, options: { db?: Database; now?: Date } = {}): Promise<PreviewResult> {
  const stepText = params.get("step") ?? "";
  const variant = (params.get("variant") ?? "").slice(0, 5);
  const step = /^\d{1,2}$/.test(stepText) ? Number(stepText) : -1;
  if (step < 0) return { ok: false, step, variant, error: "Which email to preview is missing.", problems: [] };
  const db = options.db ?? defaultDb;
  try {
    const previews = await previewEmails(shopId, campaignId, { step, variant, recipients: PREVIEW_RECIPIENTS }, { db, now: options.now });
    return {
      ok: true,
      step,
      variant,
      previews: previews.map((p) => ({ label: p.label, subject: p.subject, previewText: p.previewText, html: p.html, text: p.text, bytes: p.bytes, problems: p.problems })),
    };
  } catch (error) {
    if (error instanceof CampaignError) {
      // Another shop's campaign, like an unknown one, is a 404; an email not written yet is the page's to say.
      if (error.code === "not-found" && !(await db.campaign.findFirst({ where: { id: campaignId, shopId }, select: { id: true } }))) throw notFound();
      return { ok: false, step, variant, error: error.message, problems: error.problems ?? [] };
    }
    throw error;
  }
}
