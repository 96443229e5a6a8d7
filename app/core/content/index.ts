// Content generation: one provider interface, an offline generator and an
// OpenAI one (import contentProvider from ./provider.server), and validation.
export * from "./draft";
export * from "./facts";
export * from "./input";
export * from "./voice";
export { formatMoney } from "./money";
export { cleanNote, noteHints, offlineNoteSummary, NOTE_MAX, type NoteHints } from "./note";
export { describeOffer } from "./claims";
export { validateDraft, requiredFooter, SUBJECT_RECOMMENDED, SUBJECT_MAX, PREVIEW_MAX, type ValidationContext, type DraftValidation, type FooterFacts } from "./validate";
export { SPAM_PATTERNS } from "./spam";
export { draftCacheKey, LruDraftCache, CONTENT_PROMPT_VERSION, type DraftCache, type CachedDraft } from "./cache";
export { reviseDraft, validationContext, DEFAULT_MAX_ATTEMPTS, type ContentProvider, type GenerateOptions, type GenerationResult } from "./provider";
export { OfflineContentProvider } from "./offline/provider";
export { writeOfflineCopy } from "./offline/generator";
export { draftRequests, generateDrafts, type CampaignDraftSpec, type DraftOutcome } from "./campaign";
