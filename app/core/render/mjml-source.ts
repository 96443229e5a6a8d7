// The model as MJML. `fill` decides what goes into each slot: a merge token when
// compiling a variant once, the recipient's own values for a full render. Both
// go through the same source, so a merged email and a full render can be
// compared byte for byte. Content inside mj-text/mj-table/mj-button passes
// through MJML untouched; MJML adds the responsive columns, the Outlook ghost
// tables (conditional comments) and the head.
import { escapeHtml } from "./escape";
import { productRowsHtml } from "./fragments";
import type { EmailModel, Piece } from "./model";
import type { Theme } from "./theme";

export type Fill = (slot: string) => string;

const FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Helvetica, Arial, sans-serif";
/** Invisible characters after the preview text, so clients do not fill the preview with the first lines of the body. */
const PREVIEW_PAD = "&#847;&zwnj;&nbsp;".repeat(60);

export function buildMjml(model: EmailModel, fill: Fill): string {
  const { theme } = model;
  const link = (i: number) => fill(`link.${i}`);
  const p = (inner: string, style = "margin:0 0 16px;") => `<p class="lw-t" style="${style}color:${theme.text};">${inner}</p>`;
  const behaviour = fill("behaviour");

  const body: string[] = [];
  body.push(`<mj-text><h1 class="lw-t" style="margin:0 0 16px;font-size:26px;line-height:32px;font-weight:bold;color:${theme.text};">${escapeHtml(model.headline)}</h1></mj-text>`);
  if (!model.hasGreeting) body.push(`<mj-text>${behaviour}</mj-text>`);
  for (const block of model.blocks) {
    switch (block.type) {
      case "greeting":
        body.push(`<mj-text>${p(`Hi ${fill("first")},`)}${behaviour}</mj-text>`);
        break;
      case "paragraph":
        body.push(`<mj-text>${p(block.lines.map((line) => line.map((piece) => pieceHtml(piece, link, theme)).join("")).join("<br>"))}</mj-text>`);
        break;
      case "product":
        body.push(`<mj-table>${productRowsHtml([{ product: block.product, href: block.link === null ? null : link(block.link) }], 0, theme)}</mj-table>`);
        break;
      case "products":
        body.push(`<mj-table>${fill(block.slot)}</mj-table>`);
        break;
      case "offer":
        body.push(`<mj-text>${fill("offer")}</mj-text>`);
        break;
    }
  }
  body.push(
    `<mj-button href="${link(model.cta.link)}" background-color="${theme.primary}" color="${theme.onPrimary}" font-size="16px" font-weight="bold" inner-padding="14px 28px" border-radius="6px" padding="8px 24px 8px">${escapeHtml(model.cta.label)}</mj-button>`,
  );

  const shop = escapeHtml(model.brand.shopName);
  const header = model.header.logoUrl
    ? `<mj-image src="${escapeHtml(model.header.logoUrl)}" alt="${shop}" href="${link(model.header.link)}" width="160px" padding="8px 24px"></mj-image>`
    : `<mj-text align="center" padding="8px 24px"><a href="${link(model.header.link)}" target="_blank" style="color:${theme.text};font-size:22px;line-height:28px;font-weight:bold;text-decoration:none;">${shop}</a></mj-text>`;

  const footer =
    `<mj-text css-class="lw-footer" align="center" font-size="12px" line-height="18px" color="${theme.muted}">` +
    `${shop}<br>${escapeHtml(model.brand.postalAddress)}<br>You are receiving this email because you subscribed to ${shop} emails.<br>` +
    `<a href="${fill("unsub")}" target="_blank" style="color:${theme.muted};text-decoration:underline;">Unsubscribe</a></mj-text>`;

  return (
    `<mjml lang="en"><mj-head>` +
    `<mj-title>${escapeHtml(model.headline)}</mj-title>` +
    `<mj-preview>${escapeHtml(model.previewText)}${PREVIEW_PAD}</mj-preview>` +
    `<mj-attributes><mj-all font-family="${FONT}"></mj-all>` +
    `<mj-text font-size="16px" line-height="24px" color="${theme.text}" padding="0 24px"></mj-text>` +
    `<mj-table font-size="15px" line-height="22px" color="${theme.text}" padding="0 24px"></mj-table>` +
    `<mj-section padding="0"></mj-section></mj-attributes>` +
    `<mj-raw><meta name="color-scheme" content="light dark"><meta name="supported-color-schemes" content="light dark"></mj-raw>` +
    `<mj-style>${darkCss(theme)}</mj-style>` +
    `</mj-head><mj-body background-color="${theme.background}" width="600px" css-class="lw-bg">` +
    // The header keeps its light background in dark mode: a dark logo stays visible.
    `<mj-section padding="24px 0 0"><mj-column background-color="${theme.surface}" padding="8px 0">${header}</mj-column></mj-section>` +
    `<mj-section background-color="${theme.surface}" css-class="lw-card" padding="16px 0 24px"><mj-column>${body.join("")}</mj-column></mj-section>` +
    `<mj-section padding="16px 0 32px"><mj-column>${footer}</mj-column></mj-section>` +
    `</mj-body></mjml>`
  );
}

function pieceHtml(piece: Piece, link: (i: number) => string, theme: Theme): string {
  if ("text" in piece) return escapeHtml(piece.text);
  return `<a href="${link(piece.link)}" target="_blank" class="lw-link" style="color:${theme.link};text-decoration:underline;">${escapeHtml(piece.label)}</a>`;
}

/** Dark palette for clients that honour prefers-color-scheme, and Outlook.com's own dark mode attributes. */
function darkCss(theme: Theme): string {
  const d = theme.dark;
  const rules =
    `body,.lw-bg,.lw-bg>div{background-color:${d.background} !important;}` +
    `.lw-card,.lw-card>table{background-color:${d.surface} !important;}` +
    `.lw-t{color:${d.text} !important;}` +
    `.lw-muted,.lw-footer div,.lw-footer a{color:${d.muted} !important;}` +
    `.lw-link{color:${d.link} !important;}` +
    `.lw-offer{border-color:${d.border} !important;}`;
  return (
    `:root{color-scheme:light dark;supported-color-schemes:light dark;}` +
    `@media (prefers-color-scheme: dark){${rules}}` +
    `[data-ogsc] .lw-t{color:${d.text} !important;}[data-ogsc] .lw-muted{color:${d.muted} !important;}[data-ogsc] .lw-link{color:${d.link} !important;}` +
    `[data-ogsb] .lw-card,[data-ogsb] .lw-card>table{background-color:${d.surface} !important;}`
  );
}
