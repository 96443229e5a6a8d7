// validateDraft: every fact, link and phrase in a draft, with problems in words.
import { describe, expect, it } from "vitest";
import { OfferSchema, type OfferInput } from "~/core/flows/plan";
import { CatalogProductSchema, ShopFactsSchema } from "~/core/content/facts";
import type { DraftCopy } from "~/core/content/draft";
import { requiredFooter, validateDraft, type ValidationContext } from "~/core/content/validate";
import { BrandVoiceSchema } from "~/core/content/voice";
import { APP_ORIGIN, MUG, SCARF, SHOP, VOICE } from "./fixtures";

function ctx(offer: OfferInput | null = null, extra: Partial<ValidationContext> = {}): ValidationContext {
  return {
    shop: ShopFactsSchema.parse(SHOP),
    products: [CatalogProductSchema.parse(SCARF), CatalogProductSchema.parse(MUG)],
    offer: offer ? OfferSchema.parse(offer) : null,
    voice: BrandVoiceSchema.parse(VOICE),
    appOrigin: APP_ORIGIN,
    ...extra,
  };
}

function copy(overrides: Partial<DraftCopy> = {}, text = "The Aurora Wool Scarf is $49.00, down from $59.00."): DraftCopy {
  return {
    subjectVariants: ["Meet the Aurora Wool Scarf", "Something new at Acme Goods", "A closer look at our scarf"],
    previewText: "Soft merino, knitted in Scotland.",
    headline: "Introducing the Aurora Wool Scarf",
    bodyBlocks: [{ type: "greeting" }, { type: "paragraph", text }, { type: "product", productId: "p-scarf" }],
    callToAction: { label: "Take a look", url: "https://acme.example.com/products/aurora-wool-scarf" },
    ...overrides,
  };
}

const problemsOf = (text: string, offer: OfferInput | null = null, extra: Partial<ValidationContext> = {}) => {
  const c = copy({}, text);
  if (offer) c.bodyBlocks.push({ type: "offer" });
  return validateDraft(c, ctx(offer, extra)).problems;
};

describe("validateDraft", () => {
  it("passes a draft built from the facts", () => {
    expect(validateDraft(copy(), ctx())).toEqual({ copy: copy(), problems: [], warnings: [] });
  });

  it("checks the shape first, in words", () => {
    const r = validateDraft({ ...copy(), subjectVariants: ["One", "Two"] }, ctx());
    expect(r.copy).toBeNull();
    expect(r.problems).toEqual(["subjectVariants: at least 3 subject lines are needed for testing"]);
  });

  it("accepts only catalog prices, in the shop's currency", () => {
    expect(problemsOf("The mug is $18 and the scarf $49.00 (was US$59.00).")).toEqual([]);
    expect(problemsOf("The scarf is now $39.00.")).toEqual(["paragraph 1 mentions $39.00, which is not a price in the catalog facts or the offer"]);
    expect(problemsOf("The scarf is 49,00 €.")).toEqual(["paragraph 1 mentions 49,00 €, but the shop sells in USD"]);
    // An offer's amount and minimum are facts too.
    const fixed = { kind: "fixed-amount" as const, amountMinor: 1000, currency: "USD", minimumSubtotalMinor: 7500 };
    expect(problemsOf("Take $10.00 off orders of $75 or more.", fixed)).toEqual([]);
  });

  it("allows a percentage only as the offer or as a catalog fact", () => {
    const pct = { kind: "percentage" as const, percent: 15 };
    expect(problemsOf("Enjoy 15% off your order.", pct)).toEqual([]);
    expect(problemsOf("Enjoy 20% off your order.", pct)).toEqual(["paragraph 1 promises 20% off, but the offer is 15% off"]);
    expect(problemsOf("Save 50% today.")).toEqual(["paragraph 1 promises 50% off, but the plan's offer is none"]);
    expect(problemsOf("It is 100% merino wool.")).toEqual([]);
    expect(problemsOf("It is 80% wool.")).toEqual(["paragraph 1 mentions 80%, which is not in the catalog facts or the offer"]);
  });

  it("refuses discount and shipping claims the offer does not make", () => {
    expect(problemsOf("Use your discount code at checkout.")).toEqual(["paragraph 1 claims a discount, which neither the offer nor the catalog facts support"]);
    expect(problemsOf("Free shipping on every order.")).toEqual(["paragraph 1 claims free shipping, which neither the offer nor the catalog facts support"]);
    expect(problemsOf("Free shipping on your order.", { kind: "free-shipping" })).toEqual([]);
    expect(problemsOf("Free shipping, and 10% off.", { kind: "free-shipping" })).toEqual(["paragraph 1 promises 10% off, but the plan's offer is free shipping on your order"]);
    expect(problemsOf("Only 3 left, selling fast.")).toEqual(["paragraph 1 claims scarcity, which neither the offer nor the catalog facts support"]);
    expect(problemsOf("Our best-seller, with a money-back guarantee.")).toEqual([
      "paragraph 1 claims a guarantee, which neither the offer nor the catalog facts support",
      "paragraph 1 claims a ranking or review claim, which neither the offer nor the catalog facts support",
    ]);
  });

  it("allows only the offer's own deadline", () => {
    const pct = { kind: "percentage" as const, percent: 15, expiresInDays: 7 };
    expect(problemsOf("Your code is valid for 7 days.", pct)).toEqual([]);
    expect(problemsOf("Your code is valid for 3 days.", pct)).toEqual(['paragraph 1 says "valid for 3 days", but the offer lasts 7 days']);
    expect(problemsOf("Hurry, it ends tonight.")).toEqual(["paragraph 1 sets a deadline that the plan does not have"]);
    expect(problemsOf("Today only.")).toEqual(["paragraph 1 sets a deadline that the plan does not have"]);
    expect(problemsOf("Complete your order today.")).toEqual([]);
  });

  it("catches products that are not this email's", () => {
    expect(problemsOf("Try our new Galaxy Hoodie with it.")).toEqual(['paragraph 1 introduces "Galaxy Hoodie", which is not one of this email\'s products']);
    expect(problemsOf("Meet the Aurora Wool Scarf.")).toEqual([]);
    expect(problemsOf("It goes well with the Linen Apron.", null, { otherProductTitles: ["Linen Apron", "Harbor Mug"] })).toEqual([
      'paragraph 1 names "Linen Apron", which is not one of this email\'s products',
    ]);
    const r = validateDraft(copy({ bodyBlocks: [{ type: "paragraph", text: "Hello." }, { type: "product", productId: "p-ghost" }] }), ctx());
    expect(r.problems).toEqual(['a product block shows "p-ghost", which is not one of this email\'s products']);
  });

  it("keeps the offer block and the offer together", () => {
    expect(validateDraft(copy({ bodyBlocks: [{ type: "paragraph", text: "Hello." }, { type: "offer" }] }), ctx()).problems).toEqual([
      "the body has an offer block, but this email carries no offer",
    ]);
    expect(validateDraft(copy(), ctx({ kind: "free-shipping" })).problems).toEqual(["this email carries the offer, but the body has no offer block for the code"]);
  });

  it("sends links only to the shop or the app, over https", () => {
    expect(problemsOf("See https://acme.example.com/pages/care or www.acme.example.com or https://acme-goods.myshopify.com/x.")).toEqual([]);
    expect(problemsOf(`Manage emails at ${APP_ORIGIN}/preferences.`)).toEqual([]);
    expect(problemsOf("Details at https://evil.example.net/win.")).toEqual([
      "paragraph 1's link https://evil.example.net/win goes to evil.example.net; links may only go to acme.example.com, www.acme.example.com, acme-goods.myshopify.com, app.loopwise.example",
    ]);
    expect(validateDraft(copy({ callToAction: { label: "Go", url: "http://acme.example.com/" } }), ctx()).problems).toEqual(["the call to action's link must use https"]);
    expect(validateDraft(copy({ callToAction: { label: "Go", url: "javascript:alert(1)" } }), ctx()).problems).toEqual(["the call to action's link must use https"]);
  });

  it("refuses any markup in copy", () => {
    expect(problemsOf("A <b>soft</b> scarf.")).toEqual(["paragraph 1 contains HTML; copy must be plain text"]);
    expect(problemsOf('<img src=x onerror="alert(1)">')).toEqual(["paragraph 1 contains HTML; copy must be plain text"]);
    expect(problemsOf("Tom &amp; Jerry.")).toEqual(["paragraph 1 contains an HTML entity; copy must be plain text"]);
    expect(problemsOf("Hi {{ first_name }}.")).toEqual(["paragraph 1 contains template or markdown syntax"]);
    expect(problemsOf("See [our shop](https://acme.example.com).")).toEqual(["paragraph 1 contains template or markdown syntax"]);
  });

  it("flags spam phrasing, shouting and exclamation marks, but not product names in capitals", () => {
    expect(problemsOf("Act now!!! Click here.")).toEqual([
      'paragraph 1 uses the spam-trigger phrase "act now"',
      'paragraph 1 uses the spam-trigger phrase "click here"',
      "paragraph 1 repeats exclamation marks",
    ]);
    expect(problemsOf("This is AMAZING.")).toEqual(['paragraph 1 writes "AMAZING" in capitals']);
    const capsTitle = { ...MUG, title: "HARBOR Mug" };
    expect(problemsOf("The HARBOR Mug is $18.", null, { products: [CatalogProductSchema.parse(SCARF), CatalogProductSchema.parse(capsTitle)] })).toEqual([]);
    const r = validateDraft(copy({ subjectVariants: ["YOUR SCARF IS WAITING", "Two", "Three"] }), ctx());
    expect(r.problems).toContain("subject 1 is all capitals");
  });

  it("keeps the brand voice's avoid-words out, as whole words", () => {
    expect(problemsOf("A cheap thrill.")).toEqual(['paragraph 1 uses "cheap", which the brand voice avoids']);
    expect(problemsOf("A cheapskate's dream.")).toEqual([]);
    expect(problemsOf("What a DEAL.")).toEqual(['paragraph 1 writes "DEAL" in capitals', 'paragraph 1 uses "deal", which the brand voice avoids']);
  });

  it("keeps length limits: warns over 60 characters, refuses over the hard limits", () => {
    const long = "A subject line that goes on and on well past sixty characters";
    const r = validateDraft(copy({ subjectVariants: [long, "Two", "Three"] }), ctx());
    expect(r.problems).toEqual([]);
    expect(r.warnings).toEqual([`subject 1 is ${long.length} characters; under 60 shows whole in most inboxes`]);
    const tooLong = validateDraft(copy({ subjectVariants: ["x".repeat(101), "Two", "Three"], previewText: "y".repeat(141) }), ctx());
    expect(tooLong.problems).toEqual(["subject 1 is 101 characters; the limit is 100", "the preview text is 141 characters; the limit is 140"]);
    expect(validateDraft(copy({ subjectVariants: ["Same", "same", "Other"] }), ctx()).problems).toEqual(["subject 2 repeats an earlier subject: variants must differ"]);
  });
});

describe("requiredFooter", () => {
  const facts = { shopName: "Acme Goods", postalAddress: SHOP.postalAddress!, unsubscribeUrl: "https://app.loopwise.example/u/abc" };
  it("passes a footer with the address, the shop and the unsubscribe link", () => {
    const text = "Thanks!\n--\nAcme Goods\n1 Main Street,\nSpringfield, IL 62701, USA\nUnsubscribe: https://app.loopwise.example/u/abc";
    expect(requiredFooter(text, facts)).toEqual([]);
  });
  it("names what is missing", () => {
    expect(requiredFooter("Acme Goods. Bye.", facts)).toEqual([
      "the footer does not show the shop's postal address",
      'the footer has no "unsubscribe" link',
      "the footer does not contain the recipient's unsubscribe link",
    ]);
    expect(requiredFooter("Acme Goods unsubscribe", { shopName: "Acme Goods", postalAddress: "" })).toEqual(["the shop has no postal address for the footer (settings)"]);
  });
});
