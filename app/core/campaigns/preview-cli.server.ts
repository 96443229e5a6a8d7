// `loopwise preview`: every email (each step × variant) of one built-in flow of
// a shop (the demo shop by default), rendered for a few sample recipients into
// a folder as .html, .txt and .eml (a real multipart/alternative message), so
// they can be opened outside the app. Fails when any email misses its footer or
// plain text, or is over Gmail's clipping limit.
import fs from "node:fs";
import path from "node:path";
import { openDatabase } from "../../db.server";
import { listUnsubscribeHeaders } from "../delivery/unsubscribe";
import type { FlowType } from "../flows/plan";
import { composeEml } from "../render/eml";
import { generateDrafts, getCampaign, listFlows, previewEmails } from "./campaigns.server";
import { expectedDrafts } from "./drafts";
import { shopContext } from "./facts.server";
import { CampaignError } from "./types";

export interface PreviewCliOptions {
  databaseUrl: string;
  shop: string;
  flowType: FlowType;
  outDir: string;
  recipients: number;
  now?: Date;
  log: (line: string) => void;
}

export interface PreviewCliResult {
  files: string[];
  emails: number;
  largestBytes: number;
  problems: string[];
}

export async function runPreview(options: PreviewCliOptions): Promise<PreviewCliResult> {
  const db = openDatabase(options.databaseUrl);
  const now = options.now ?? new Date();
  try {
    const shop = await db.shop.findUnique({ where: { id: options.shop }, select: { id: true } });
    if (!shop) throw new Error(`the database has no shop ${options.shop}: seed the demo first (npm run demo, or npx loopwise seed)`);
    const flow = (await listFlows(options.shop, { db, queue: null })).find((f) => f.flowType === options.flowType);
    if (!flow) throw new Error(`the shop has no ${options.flowType} flow`);
    if (flow.drafts < expectedDrafts(flow.plan)) {
      options.log(`writing the ${options.flowType} flow's missing drafts first…`);
      const result = await generateDrafts(options.shop, flow.id, { db, now });
      if (result.failed.length > 0) throw new Error(`some drafts could not be written: ${result.failed.join("; ")}`);
    }
    const detail = await getCampaign(options.shop, flow.id, { db });
    const ctx = await shopContext(db, options.shop);
    const from = { email: ctx.settings.senderEmail ?? `no-reply@${ctx.domain}`, name: ctx.settings.senderName };
    fs.mkdirSync(options.outDir, { recursive: true });

    const out: PreviewCliResult = { files: [], emails: 0, largestBytes: 0, problems: [] };
    for (const draft of detail.drafts) {
      const previews = await previewEmails(options.shop, flow.id, { step: draft.step, variant: draft.variant, recipients: options.recipients }, { db, now });
      for (const [i, email] of previews.entries()) {
        const base = `${options.flowType}-${draft.step + 1}-${draft.variant}-${i + 1}`;
        const eml = composeEml({
          from,
          to: [email.to ?? { email: "sample.recipient@example.com", name: email.label }],
          subject: email.subject,
          date: now,
          messageId: `${base}.${now.getTime()}@preview.loopwise.invalid`,
          headers: { ...listUnsubscribeHeaders(email.unsubscribeUrl), "X-Loopwise-Preview": "a preview: never sent, the offer code and unsubscribe link are samples" },
          text: email.text,
          html: email.html,
        });
        for (const [ext, body] of [["html", email.html], ["txt", email.text], ["eml", eml]] as const) {
          const file = path.join(options.outDir, `${base}.${ext}`);
          fs.writeFileSync(file, body);
          out.files.push(file);
        }
        out.emails++;
        out.largestBytes = Math.max(out.largestBytes, email.bytes);
        for (const p of email.problems) out.problems.push(`${base} (${email.label}): ${p}`);
        // Drafts with open validation problems render, but they are not approvable: say so too.
        if (i === 0) for (const p of draft.problems) out.problems.push(`${options.flowType} email ${draft.step + 1}${draft.variant}: ${p}`);
      }
    }
    return out;
  } catch (error) {
    // The merchant-facing problems are the useful part on a terminal.
    if (error instanceof CampaignError && error.problems?.length) throw new Error(`${error.message} ${error.problems.join("; ")}`);
    throw error;
  } finally {
    await db.$disconnect();
  }
}
