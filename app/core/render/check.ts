// The last check before an email leaves: what every message must have, read
// back from the rendered parts themselves (not from the inputs), in words.
import { Parser } from "htmlparser2";
import { requiredFooter, type FooterFacts } from "../content/validate";

/** Gmail clips a message's HTML past about 102 KB; we count 102,000 bytes to stay clear of it. */
export const GMAIL_CLIP_BYTES = 102_000;

interface HtmlFacts {
  anchors: Array<{ href: string | null; text: string; inFooter: boolean }>;
  imagesWithoutAlt: string[];
  footerFound: boolean;
  footerText: string;
}

function readHtml(html: string): HtmlFacts {
  const facts: HtmlFacts = { anchors: [], imagesWithoutAlt: [], footerFound: false, footerText: "" };
  let footerDepth = 0; // open <td>s since the footer's own <td>
  let skip = 0; // inside <head>, <style>, <script>, <title>
  let anchor: HtmlFacts["anchors"][number] | null = null;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name === "head" || name === "style" || name === "script" || name === "title") skip++;
        if (footerDepth > 0 && name === "td") footerDepth++;
        else if (name === "td" && /(^|\s)lw-footer(\s|$)/.test(attrs.class ?? "")) {
          footerDepth = 1;
          facts.footerFound = true;
        }
        if (name === "a") {
          anchor = { href: attrs.href ?? null, text: "", inFooter: footerDepth > 0 };
          facts.anchors.push(anchor);
        }
        if (name === "img" && !(attrs.alt ?? "").trim()) facts.imagesWithoutAlt.push(attrs.src ?? "(no src)");
        if (name === "br" && footerDepth > 0) facts.footerText += "\n";
      },
      ontext(text) {
        if (skip > 0) return;
        if (anchor) anchor.text += text;
        if (footerDepth > 0) facts.footerText += text;
      },
      onclosetag(name) {
        if (name === "head" || name === "style" || name === "script" || name === "title") skip = Math.max(0, skip - 1);
        if (name === "a") anchor = null;
        if (name === "td" && footerDepth > 0) footerDepth--;
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  return facts;
}

const HTTP = /^https?:\/\/[^\s]+$/i;

/**
 * Problems with a rendered email, in words (empty: fine to send): size under
 * Gmail's clipping limit, the legal footer with an unsubscribe link in both
 * parts, only http(s) links, alt text on every image, no merge slot left. With
 * `footer`, also that the footer names the shop and shows its postal address.
 */
export function checkRendered(html: string, text: string, footer?: FooterFacts): string[] {
  const problems: string[] = [];
  const bytes = Buffer.byteLength(html, "utf8");
  if (bytes >= GMAIL_CLIP_BYTES) problems.push(`HTML: the email is ${bytes.toLocaleString("en-US")} bytes; Gmail clips messages over ${GMAIL_CLIP_BYTES.toLocaleString("en-US")} bytes`);
  // Data cannot spell a slot in the HTML (braces are escaped); the text part has no tokens at all.
  if (html.includes("{{lw:")) problems.push("HTML: a merge slot was left unfilled");

  const facts = readHtml(html);
  if (!facts.footerFound) problems.push("HTML: there is no legal footer");
  else {
    const unsubscribe = facts.anchors.find((a) => a.inFooter && /unsubscribe/i.test(a.text));
    if (!unsubscribe) problems.push("HTML: the footer has no unsubscribe link");
    else if (!HTTP.test(unsubscribe.href ?? "")) problems.push("HTML: the unsubscribe link is not an http(s) URL");
    if (footer) {
      const footerAsText = facts.footerText + "\n" + facts.anchors.filter((a) => a.inFooter).map((a) => a.href ?? "").join("\n");
      problems.push(...requiredFooter(footerAsText, footer).map((p) => `HTML: ${p}`));
    }
  }
  const badLinks = facts.anchors.filter((a) => !HTTP.test(a.href ?? ""));
  if (badLinks.length > 0) problems.push(`HTML: ${badLinks.length} link${badLinks.length === 1 ? " is" : "s are"} not http(s): ${badLinks.slice(0, 3).map((a) => JSON.stringify(a.href ?? "")).join(", ")}`);
  if (facts.imagesWithoutAlt.length > 0) problems.push(`HTML: ${facts.imagesWithoutAlt.length} image${facts.imagesWithoutAlt.length === 1 ? " has" : "s have"} no alt text`);

  if (!text.trim()) problems.push("plain text: the plain-text part is empty");
  else {
    if (!/^Unsubscribe: https?:\/\/\S+$/im.test(text)) problems.push("plain text: there is no unsubscribe link");
    if (footer) problems.push(...requiredFooter(text, footer).map((p) => `plain text: ${p}`));
  }
  return problems;
}
