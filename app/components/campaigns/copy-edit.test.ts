import { describe, expect, it } from "vitest";
import type { DraftCopy } from "~/core/content/draft";
import { blockWords, copyEdits, copyFields, readCopyFields } from "./copy-edit";

const copy: DraftCopy = {
  subjectVariants: ["We miss you", "It has been a while", "Come back and see"],
  previewText: "New things since your last visit",
  headline: "It has been a while",
  bodyBlocks: [
    { type: "greeting" },
    { type: "paragraph", text: "We have missed you." },
    { type: "products", source: "popular" },
    { type: "paragraph", text: "See what is new." },
    { type: "offer" },
  ],
  callToAction: { label: "Shop now", url: "https://acme.example/" },
};

describe("copy editing", () => {
  it("sends nothing when nothing changed, and only what changed otherwise", () => {
    expect(copyEdits(copy, copyFields(copy))).toEqual({});
    const fields = copyFields(copy);
    fields.subjects[0] = "  Ann, we saved you a seat ";
    expect(copyEdits(copy, fields)).toEqual({ subjectVariants: ["Ann, we saved you a seat", "It has been a while", "Come back and see"] });
  });

  it("edits paragraphs in place, keeping the product, greeting and offer blocks where they were; an emptied one is removed", () => {
    const fields = copyFields(copy);
    expect(fields.paragraphs).toEqual(["We have missed you.", "See what is new."]);
    fields.paragraphs = ["", "Everything new this season."];
    fields.headline = "Hello again";
    expect(copyEdits(copy, fields)).toEqual({
      headline: "Hello again",
      bodyBlocks: [{ type: "greeting" }, { type: "products", source: "popular" }, { type: "paragraph", text: "Everything new this season." }, { type: "offer" }],
    });
  });

  it("reads a posted edit strictly", () => {
    expect(readCopyFields(JSON.stringify(copyFields(copy)))).toEqual(copyFields(copy));
    expect(readCopyFields("not json")).toBeNull();
    expect(readCopyFields(JSON.stringify({ subjects: "one", previewText: "", headline: "", paragraphs: [] }))).toBeNull();
    expect(readCopyFields(JSON.stringify({ subjects: [1], previewText: "", headline: "", paragraphs: [] }))).toBeNull();
    expect(readCopyFields("x".repeat(60_000))).toBeNull();
  });

  it("describes the blocks that are not words", () => {
    const title = (id: string) => (id === "p1" ? "Merino Beanie" : null);
    expect(copy.bodyBlocks.map((b) => blockWords(b, title))).toEqual([
      "Greeting with the recipient's first name",
      null,
      "Products for each recipient: popular products they have not bought",
      null,
      "The recipient's own single-use offer code",
    ]);
    expect(blockWords({ type: "product", productId: "p1" }, title)).toBe("Product: Merino Beanie");
    expect(blockWords({ type: "product", productId: "gone" }, title)).toBe("Product: a product no longer in the catalog");
  });
});
