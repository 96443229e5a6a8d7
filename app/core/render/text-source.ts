// The plain-text part, built from the same model as the HTML (never converted
// from it): the same copy, the same hooked links, the same legal footer.
import type { EmailModel } from "./model";
import type { Spliced } from "./types";

type TextPiece = string | { slot: string };

export function buildText(model: EmailModel): Spliced {
  const out: TextPiece[] = [];
  const slot = (name: string) => ({ slot: name });
  const link = (i: number) => slot(`link.${i}`);
  const para = (...pieces: TextPiece[]) => out.push(...pieces, "\n\n");

  para(model.brand.shopName);
  para(model.headline);
  if (!model.hasGreeting) para(slot("behaviour"));
  for (const block of model.blocks) {
    switch (block.type) {
      case "greeting":
        para("Hi ", slot("first"), ",\n", slot("behaviour"));
        break;
      case "paragraph": {
        const pieces: TextPiece[] = [];
        block.lines.forEach((line, i) => {
          if (i > 0) pieces.push("\n");
          for (const piece of line) pieces.push("text" in piece ? piece.text : link(piece.link));
        });
        para(...pieces);
        break;
      }
      case "product": {
        const p = block.product;
        let line = p.title;
        if (p.price) line += ` - ${p.price}${p.compareAt ? ` (was ${p.compareAt})` : ""}`;
        if (block.link === null) para(line);
        else para(line, "\n", link(block.link));
        break;
      }
      case "products":
        para(slot(block.slot));
        break;
      case "offer":
        para(slot("offer"));
        break;
    }
  }
  para(`${model.cta.label}: `, link(model.cta.link));
  out.push("-----\n", model.brand.shopName, "\n", model.brand.postalAddress, "\n");
  out.push(`You are receiving this email because you subscribed to ${model.brand.shopName} emails.\n`, "Unsubscribe: ", slot("unsub"), "\n");
  return toSpliced(out);
}

function toSpliced(pieces: TextPiece[]): Spliced {
  const parts = [""];
  const slots: string[] = [];
  for (const piece of pieces) {
    if (typeof piece === "string") parts[parts.length - 1] += piece;
    else {
      slots.push(piece.slot);
      parts.push("");
    }
  }
  return { parts, slots };
}
