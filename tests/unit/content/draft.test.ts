// Drafts as stored and edited: JSON with a version, edits revalidated.
import { describe, expect, it } from "vitest";
import { EmailDraftSchema } from "~/core/content/draft";
import { parseGenerationInput } from "~/core/content/input";
import { OfflineContentProvider } from "~/core/content/offline/provider";
import { reviseDraft, validationContext } from "~/core/content/provider";
import { LlmBudget } from "~/core/llm/llm";
import { APP_ORIGIN, inputFor, plan } from "./fixtures";

const p = plan("launch", "product-launch", { kind: "percentage", percent: 15 }, true);
const raw = inputFor(p, 3, { tone: "formal" });

describe("drafts", () => {
  it("are plain JSON with a version, the step, the variant and their source", async () => {
    const r = await new OfflineContentProvider().generateEmail(raw, { budget: new LlmBudget(0, 0) });
    const stored = JSON.parse(JSON.stringify(r.draft));
    expect(EmailDraftSchema.parse(stored)).toEqual(r.draft);
    expect(stored).toMatchObject({ version: 1, stepId: "email-4", segmentKey: null, tone: "formal", variant: 0, source: { provider: "offline", model: null, seed: 7 } });
    expect(stored.source.cacheKey).toMatch(/^[0-9a-f]{64}$/);
  });

  it("take a merchant's edit as the next version, validated like generated copy", async () => {
    const { draft } = await new OfflineContentProvider().generateEmail(raw, { budget: new LlmBudget(0, 0) });
    const ctx = validationContext(parseGenerationInput(raw), APP_ORIGIN);
    const edited = reviseDraft(draft, { subjectVariants: ["Our new scarf is here", ...draft.subjectVariants.slice(1)] }, ctx);
    expect(edited.problems).toEqual([]);
    expect(edited.draft.version).toBe(2);
    expect(edited.draft.subjectVariants[0]).toBe("Our new scarf is here");
    const invented = reviseDraft(edited.draft, { headline: "Now only $19.99" }, ctx);
    expect(invented.draft.version).toBe(3);
    expect(invented.problems).toEqual(["headline mentions $19.99, which is not a price in the catalog facts or the offer"]);
    const broken = reviseDraft(edited.draft, { subjectVariants: ["Only one"] }, ctx);
    expect(broken.draft).toBe(edited.draft);
    expect(broken.problems).toEqual(["subjectVariants: at least 3 subject lines are needed for testing"]);
  });
});
