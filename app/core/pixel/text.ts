// Untrusted storefront text, made safe to store: no control characters (PostgreSQL
// rejects NUL), no broken surrogate pairs, bounded length, and URLs reduced to
// http(s) addresses without credentials, fragments or unknown query parameters.

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export const MAX_URL_LENGTH = 2048;
export const MAX_SEARCH_LENGTH = 200;

/** Removes control characters, collapses whitespace, caps the length (in UTF-16 units). */
export function cleanText(value: string, max: number): string {
  const flat = value.replace(CONTROL, " ").replace(/\s+/g, " ").trim();
  return flat.slice(0, max).replace(LONE_SURROGATE, "\uFFFD");
}

/** A search as typed, stored as plain text: markup characters are dropped as well. */
export function cleanSearch(value: string): string | null {
  const text = cleanText(value.replace(/[<>]/g, ""), MAX_SEARCH_LENGTH);
  return text === "" ? null : text;
}

// Query parameters worth keeping: campaign tags and storefront navigation. Anything
// else (emails in a query string, tokens) is dropped.
const KEPT_PARAMS = /^(utm_[a-z]+|variant|q|page|sort_by)$/;

/** An http(s) URL without credentials, fragment or unknown parameters; null when not one. */
export function cleanUrl(value: string): string | null {
  if (value.length > 16_384) return null;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  url.username = "";
  url.password = "";
  url.hash = "";
  for (const key of [...url.searchParams.keys()]) {
    if (!KEPT_PARAMS.test(key)) url.searchParams.delete(key);
  }
  const href = url.href;
  return href.length > MAX_URL_LENGTH ? href.slice(0, MAX_URL_LENGTH) : href;
}
