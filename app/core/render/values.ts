// One recipient's slot values, for the HTML (escaped) and the plain text. The
// link hook runs here, once per link, and its answer is used in both parts.
import { cleanText, escapeHtml, safeHttpUrl } from "./escape";
import { behaviourHtml, offerHtml, offerText, productRowsHtml, productRowsText, type LinkedProduct } from "./fragments";
import { shownProduct, type EmailModel } from "./model";
import { behaviourLine, formatExpiry, greetingName, offerCode } from "./personalize";
import { RenderInputError, type LinkContext, type LinkHook, type Recipient } from "./types";

export interface SlotValues {
  html: Record<string, string>;
  text: Record<string, string>;
}

export const identityLink: LinkHook = (url) => url;

export function recipientValues(model: EmailModel, recipient: Recipient, hook: LinkHook = identityLink): SlotValues {
  const html: Record<string, string> = {};
  const text: Record<string, string> = {};
  const link = (url: string, context: LinkContext) => {
    const out = hook(url, context);
    const safe = safeHttpUrl(out);
    if (!safe) throw new Error(`the link hook turned a ${context.kind} link into ${JSON.stringify(out)}, which is not an absolute http(s) URL`);
    return safe;
  };

  const unsubscribe = safeHttpUrl(recipient.unsubscribeUrl);
  if (!unsubscribe) throw new RenderInputError(["the recipient's unsubscribe link must be an absolute http(s) URL"]);
  text.unsub = link(unsubscribe, { kind: "unsubscribe" });
  html.unsub = escapeHtml(text.unsub);

  model.links.forEach((ref, i) => {
    const url = link(ref.url, ref.productId === undefined ? { kind: ref.kind } : { kind: ref.kind, productId: ref.productId });
    text[`link.${i}`] = url;
    html[`link.${i}`] = escapeHtml(url);
  });

  text.first = greetingName(recipient.firstName, model.brand.firstNameFallback);
  html.first = escapeHtml(text.first);
  text.behaviour = behaviourLine(recipient.behaviour);
  html.behaviour = behaviourHtml(text.behaviour, model.theme);

  for (const block of model.blocks) {
    if (block.type === "products") {
      const { items, more } = recipientProducts(model, recipient, block.source, link);
      html[block.slot] = productRowsHtml(
        items.map((item) => ({ product: item.product, href: item.href === null ? null : escapeHtml(item.href) })),
        more,
        model.theme,
      );
      text[block.slot] = productRowsText(items, more);
    } else if (block.type === "offer") {
      if (recipient.offer) {
        const code = offerCode(recipient.offer.code);
        const expiry = formatExpiry(recipient.offer.expiresAt, model.brand.timeZone);
        html.offer = offerHtml(code, expiry, model.theme);
        text.offer = offerText(code, expiry);
      } else {
        html.offer = "";
        text.offer = "";
      }
    }
  }
  return { html, text };
}

/** Their products for one block: shown ones (at most the cap, each once) and how many more there are. */
function recipientProducts(model: EmailModel, recipient: Recipient, source: keyof NonNullable<Recipient["products"]>, link: (url: string, c: LinkContext) => string) {
  const given = recipient.products?.[source] ?? [];
  const items: LinkedProduct[] = [];
  const seen = new Set<string>();
  let more = 0;
  for (const raw of given) {
    if (items.length >= model.maxProductsPerBlock) {
      // Past the cap only count: the same rule as shown products (a title, each id once).
      const id = String(raw?.id);
      if (typeof raw?.title === "string" && cleanText(raw.title) !== "" && !seen.has(id)) {
        seen.add(id);
        more++;
      }
      continue;
    }
    const product = shownProduct(raw, model.brand.currency);
    if (!product || seen.has(product.id)) continue;
    seen.add(product.id);
    items.push({ product, href: product.url ? link(product.url, { kind: "product", productId: product.id }) : null });
  }
  return { items, more };
}
