// The unsubscribe pages: small, script-free HTML with every interpolated value
// escaped (a shop's name is the merchant's text and may hold markup).
import { escapeHtml } from "../render/escape";

export type PageKind = "confirm" | "already" | "done" | "invalid" | "not-found" | "gone" | "too-large" | "error";

export interface PageModel {
  kind: PageKind;
  shopName?: string;
  maskedEmail?: string;
}

const STATUS: Record<PageKind, number> = { confirm: 200, already: 200, done: 200, invalid: 400, "not-found": 404, gone: 410, "too-large": 413, error: 500 };

/**
 * Served with every page: nothing may load or run, the form may only post back
 * here, the page is never cached or indexed, and the token in the URL never
 * leaks through a Referer header.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  "Content-Type": "text/html; charset=utf-8",
  "Cache-Control": "no-store",
  "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "Referrer-Policy": "no-referrer",
  "X-Content-Type-Options": "nosniff",
  "X-Robots-Tag": "noindex, nofollow",
};

function content(model: PageModel): { title: string; body: string } {
  const shop = escapeHtml(model.shopName ?? "this store");
  const email = escapeHtml(model.maskedEmail ?? "your address");
  switch (model.kind) {
    case "confirm":
      return {
        title: "Unsubscribe",
        body: `<h1>Unsubscribe ${email} from ${shop}?</h1>
<p>You will no longer receive marketing email from ${shop}.</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
      };
    case "already":
      return { title: "Already unsubscribed", body: `<h1>Already unsubscribed</h1><p>${email} is already unsubscribed from ${shop}'s marketing email.</p>` };
    case "done":
      return { title: "Unsubscribed", body: `<h1>You are unsubscribed</h1><p>${email} will no longer receive marketing email from ${shop}.</p>` };
    case "invalid":
      return { title: "Invalid link", body: `<h1>This unsubscribe link is not valid</h1><p>It may have been copied incompletely. Please use the link in the email you received.</p>` };
    case "not-found":
      return { title: "Not found", body: `<h1>We could not find this subscription</h1><p>There is nothing to unsubscribe from at this link.</p>` };
    case "gone":
      return { title: "No longer sending", body: `<h1>${shop} no longer sends email through Loopwise</h1><p>You will not receive marketing email from it through us.</p>` };
    case "too-large":
      return { title: "Request too large", body: `<h1>Request too large</h1><p>Please use the button on the unsubscribe page.</p>` };
    case "error":
      return { title: "Something went wrong", body: `<h1>Something went wrong</h1><p>Your request was not recorded. Please try again in a moment.</p>` };
  }
}

export function renderPage(model: PageModel): { status: number; html: string } {
  const { title, body } = content(model);
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex,nofollow">
<title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#202223}h1{font-size:1.4rem}button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:.4rem;background:#202223;color:#fff;cursor:pointer}@media(prefers-color-scheme:dark){body{background:#111;color:#eee}button{background:#eee;color:#111}}</style>
</head><body><main>
${body}
</main></body></html>`;
  return { status: STATUS[model.kind], html };
}
