// Everything that reaches an email from data (copy, names, titles, codes, URLs)
// passes through here. One escaper for text and attributes: it also encodes the
// braces, so no data can ever spell a merge slot ({{lw:…}}) in the HTML.

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "{": "&#123;",
  "}": "&#125;",
};
const HTML_SPECIAL = /[&<>"'{}]/g;

/** Text or attribute value → HTML (safe inside elements and quoted attributes). */
export function escapeHtml(value: string): string {
  return value.replace(HTML_SPECIAL, (c) => HTML_ESCAPES[c]!);
}

// C0/C1 controls, zero-width and bidirectional overrides (which can make a name
// display as something else), line and paragraph separators.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** One line of plain text: invisible characters dropped, whitespace collapsed. */
export function cleanText(value: string): string {
  return value.replace(INVISIBLE, " ").replace(/\s+/g, " ").trim();
}

/** Like cleanText, but keeps line breaks (collapsing blank lines to one). */
export function cleanMultiline(value: string): string {
  return value
    .split(/\r\n|\r|\n/)
    .map(cleanText)
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** Shortens to at most `max` characters (code points), with an ellipsis. */
export function truncate(value: string, max: number): string {
  if (value.length <= max) return value; // UTF-16 length bounds the code point count
  const chars = Array.from(value);
  return chars.length <= max ? value : chars.slice(0, max - 1).join("").trimEnd() + "…";
}

/**
 * The URL in canonical form when it is an absolute http(s) URL without
 * credentials, else null: javascript:, data:, relative and malformed URLs are
 * dropped. The canonical form percent-encodes quotes, spaces and brackets.
 */
export function safeHttpUrl(raw: unknown): string | null {
  if (typeof raw !== "string") return null;
  const text = raw.trim();
  if (!/^https?:\/\//i.test(text)) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.username || url.password || !url.hostname) return null;
  return url.href;
}
