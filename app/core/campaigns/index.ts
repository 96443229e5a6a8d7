// Campaigns and flows, pure part: the types of the service contract, stored
// drafts, the plan in words. The service itself is campaigns.server.ts.
export * from "./types";
export { planText } from "./plan-text";
export { DEFAULT_VARIANTS, variantLetter, variantIndex, readStoredDraft, staleSteps, toneFor, BLOCK_FOR_SOURCE, type StoredDraft } from "./drafts";
