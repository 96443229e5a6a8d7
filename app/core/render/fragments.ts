// The per-recipient pieces of an email, as HTML (escaped here, nowhere else)
// and as plain text. Hand-written table markup that Outlook's Word engine lays
// out like every other client: no flexbox, no floats, widths as attributes.
// Colours are theme hex values (validated), never data.
import { escapeHtml } from "./escape";
import type { ShownProduct } from "./model";
import type { Theme } from "./theme";

/**
 * A product with its link already passed through the link hook (null: no
 * link). For HTML the href is attribute-ready: escaped, or a merge token.
 */
export interface LinkedProduct {
  product: ShownProduct;
  href: string | null;
}

export const IMAGE_SIZE = 96;

export function productRowsHtml(items: readonly LinkedProduct[], more: number, theme: Theme): string {
  let html = "";
  for (const { product: p, href } of items) {
    const title = escapeHtml(p.title);
    const a = (inner: string, style = "") => (href ? `<a href="${href}" target="_blank"${style}>${inner}</a>` : inner);
    let row = "<tr>";
    if (p.imageUrl) {
      const img = `<img src="${escapeHtml(p.imageUrl)}" width="${IMAGE_SIZE}" alt="${title}" style="display:block;width:${IMAGE_SIZE}px;max-width:${IMAGE_SIZE}px;height:auto;border:0;border-radius:4px;">`;
      row += `<td width="${IMAGE_SIZE}" valign="top" style="width:${IMAGE_SIZE}px;padding:8px 16px 8px 0;vertical-align:top;">${a(img)}</td>`;
    }
    let prices = "";
    if (p.price) prices += `<br><span class="lw-t" style="color:${theme.text};">${escapeHtml(p.price)}</span>`;
    if (p.price && p.compareAt) prices += ` <s class="lw-muted" style="color:${theme.muted};">${escapeHtml(p.compareAt)}</s>`;
    const nameHtml = href
      ? a(title, ` class="lw-t" style="color:${theme.text};font-weight:bold;text-decoration:none;"`)
      : `<span class="lw-t" style="color:${theme.text};font-weight:bold;">${title}</span>`;
    row += `<td valign="top"${p.imageUrl ? "" : ' colspan="2"'} style="padding:8px 0;vertical-align:top;font-size:15px;line-height:22px;">${nameHtml}${prices}</td></tr>`;
    html += row;
  }
  if (more > 0) {
    html += `<tr><td colspan="2" class="lw-muted" style="padding:8px 0;color:${theme.muted};font-size:14px;line-height:20px;">and ${more} more</td></tr>`;
  }
  return html;
}

export function productRowsText(items: readonly LinkedProduct[], more: number): string {
  const lines = items.map(({ product: p, href }) => {
    let line = p.title;
    if (p.price) line += ` - ${p.price}${p.compareAt ? ` (was ${p.compareAt})` : ""}`;
    return href ? `${line}\n${href}` : line;
  });
  if (more > 0) lines.push(`and ${more} more`);
  return lines.join("\n\n");
}

export function offerHtml(code: string, expiry: string | null, theme: Theme): string {
  const until = expiry ? `<p class="lw-muted" style="margin:4px 0 0;font-size:13px;line-height:18px;color:${theme.muted};">Valid until ${escapeHtml(expiry)}</p>` : "";
  return (
    `<table role="presentation" border="0" cellpadding="0" cellspacing="0" width="100%" style="border-collapse:separate;margin:0 0 16px;">` +
    `<tr><td class="lw-offer" align="center" style="border:2px dashed ${theme.muted};border-radius:6px;padding:16px;">` +
    `<p class="lw-muted" style="margin:0 0 4px;font-size:13px;line-height:18px;color:${theme.muted};">Your code</p>` +
    `<p class="lw-t" style="margin:0;font-size:22px;line-height:28px;font-weight:bold;letter-spacing:2px;color:${theme.text};font-family:Menlo,Consolas,monospace;">${escapeHtml(code)}</p>` +
    `${until}</td></tr></table>`
  );
}

export function offerText(code: string, expiry: string | null): string {
  return expiry ? `Your code: ${code} (valid until ${expiry})` : `Your code: ${code}`;
}

export function behaviourHtml(line: string, theme: Theme): string {
  return line ? `<p class="lw-t" style="margin:0 0 16px;font-weight:bold;color:${theme.text};">${escapeHtml(line)}</p>` : "";
}
