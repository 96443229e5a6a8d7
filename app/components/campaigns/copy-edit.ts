// In-place editing of one draft's words, pure part: the subject lines, preview
// text, headline and paragraphs as fields, and the edits to send to
// editDraftCopy. Only the words are editable here: the greeting, product and
// offer blocks and the call to action's link stay where the generator put them.
import type { BodyBlock, DraftCopy } from "~/core/content/draft";

export interface CopyFields {
  subjects: string[];
  previewText: string;
  headline: string;
  /** The text of each paragraph block, in order. */
  paragraphs: string[];
}

export function copyFields(copy: Pick<DraftCopy, "subjectVariants" | "previewText" | "headline" | "bodyBlocks">): CopyFields {
  return {
    subjects: [...copy.subjectVariants],
    previewText: copy.previewText,
    headline: copy.headline,
    paragraphs: copy.bodyBlocks.flatMap((b) => (b.type === "paragraph" ? [b.text] : [])),
  };
}

/**
 * The changed parts only, as editDraftCopy takes them. An emptied subject line
 * or paragraph is removed (validation then says if too few subjects remain).
 */
export function copyEdits(original: Pick<DraftCopy, "subjectVariants" | "previewText" | "headline" | "bodyBlocks">, fields: CopyFields): Partial<DraftCopy> {
  const edits: Partial<DraftCopy> = {};
  const subjects = fields.subjects.map((s) => s.trim()).filter(Boolean);
  if (JSON.stringify(subjects) !== JSON.stringify(original.subjectVariants)) edits.subjectVariants = subjects;
  if (fields.previewText.trim() !== original.previewText) edits.previewText = fields.previewText.trim();
  if (fields.headline.trim() !== original.headline) edits.headline = fields.headline.trim();
  let n = 0;
  const blocks: BodyBlock[] = original.bodyBlocks.flatMap((b): BodyBlock[] => {
    if (b.type !== "paragraph") return [b];
    const text = (fields.paragraphs[n++] ?? b.text).trim();
    return text ? [{ type: "paragraph", text }] : [];
  });
  if (JSON.stringify(blocks) !== JSON.stringify(original.bodyBlocks)) edits.bodyBlocks = blocks;
  return edits;
}

/** The form the review screen posts an edit in: one JSON field, so paragraph breaks and commas survive. */
export const COPY_FIELD = "copy";

/** A posted edit, read strictly: anything that is not the shape of CopyFields is refused. */
export function readCopyFields(json: string): CopyFields | null {
  if (json.length > 50_000) return null;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  const strings = (x: unknown, max: number): x is string[] => Array.isArray(x) && x.length <= max && x.every((s) => typeof s === "string");
  if (!strings(v.subjects, 10) || typeof v.previewText !== "string" || typeof v.headline !== "string" || !strings(v.paragraphs, 40)) return null;
  return { subjects: v.subjects, previewText: v.previewText, headline: v.headline, paragraphs: v.paragraphs };
}

/** How a body block reads in the draft card when it is not editable text. */
export function blockWords(block: BodyBlock, productTitle: (id: string) => string | null): string | null {
  switch (block.type) {
    case "paragraph":
      return null;
    case "greeting":
      return "Greeting with the recipient's first name";
    case "offer":
      return "The recipient's own single-use offer code";
    case "product":
      return `Product: ${productTitle(block.productId) ?? "a product no longer in the catalog"}`;
    case "products":
      return `Products for each recipient: ${PRODUCT_SOURCE_WORDS[block.source]}`;
  }
}

const PRODUCT_SOURCE_WORDS: Record<Extract<BodyBlock, { type: "products" }>["source"], string> = {
  cart: "the items in their cart",
  viewed: "products they viewed",
  "co-purchase": "products often bought with theirs",
  popular: "popular products they have not bought",
  "new-arrivals": "new arrivals",
};
