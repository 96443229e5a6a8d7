// Scripted answers of a well-behaved model for the campaigns tests and the LLM
// benchmark: it uses only the products and links it was given (read from the
// prompt's data elements) and mentions the offer only when there is one.
import type { FakeChatRequest } from "../../fakes/openai";

export function data(req: FakeChatRequest, name: string): unknown {
  const m = req.prompt.match(new RegExp(`<data name="${name}">(.*?)</data>`));
  return m ? JSON.parse(m[1]!) : undefined;
}

/** A well-behaved model: the listed products and links, the offer when there is one, nothing invented. */
export function goodAnswer(req: FakeChatRequest) {
  const products = data(req, "products") as Array<{ id: string; title: string }>;
  const links = data(req, "links") as string[];
  const offer = req.messages[0]!.content.match(/This email carries one offer: ([^,.]+)/)?.[1];
  return {
    json: {
      subjectVariants: ["A note from the shop", "Something for you", "Take another look"],
      previewText: "A short note about what you might like.",
      headline: "Something for you",
      bodyBlocks: [
        { type: "greeting" },
        { type: "paragraph", text: "We picked a few things for you." },
        ...(products[0] ? [{ type: "product", productId: products[0].id }] : [{ type: "products", source: "popular" }]),
        ...(offer ? [{ type: "paragraph", text: `Here is ${offer}.` }, { type: "offer" }] : []),
      ],
      callToAction: { label: "Take a look", url: links[0] },
    },
  };
}
