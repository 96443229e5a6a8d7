// Email rendering: compile a variant once (compile.server.ts, MJML), merge per
// recipient here (string splicing), check what comes out. See
// docs/decisions/009-email-rendering.md.
export { mergeEmail, finishText, type CompiledEmail, type MergeOptions } from "./merge";
export { checkRendered, GMAIL_CLIP_BYTES } from "./check";
export { prepareModel, shownProduct, TITLE_MAX, type EmailModel, type ShownProduct } from "./model";
export { behaviourLine, formatExpiry, greetingName, FIRST_NAME_MAX } from "./personalize";
export { escapeHtml, cleanText, safeHttpUrl } from "./escape";
export { BrandSchema, contrast, themeFor, type Brand, type BrandInput, type Theme } from "./theme";
export { identityLink } from "./values";
export * from "./types";
export { composeEml, encodeQuotedPrintable, encodeWords, formatAddress, type EmlInput, type MailAddress } from "./eml";
