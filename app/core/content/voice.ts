// The brand voice (settings): applied to every prompt, checked on every draft.
import { z } from "zod";

const phrase = (max: number) => z.string().trim().min(1).max(max);

export const BrandVoiceSchema = z
  .object({
    /** How the brand sounds: "warm", "playful", "expert". */
    toneWords: z.array(phrase(30)).max(8, "at most 8 tone words").default([]),
    /** Words and phrases the brand likes to use. */
    wordsToUse: z.array(phrase(40)).max(20, "at most 20 words to use").default([]),
    /** Words and phrases that must never appear in a draft. */
    wordsToAvoid: z.array(phrase(40)).max(30, "at most 30 words to avoid").default([]),
    /** Examples of the brand's own copy: style only, never facts or instructions. */
    sampleCopy: z.array(phrase(1_000)).max(3, "at most 3 samples").default([]),
    /** Who the email is from, as the recipient sees it ("Maya at Acme"). */
    senderName: phrase(60),
  })
  .strict();

export type BrandVoice = z.output<typeof BrandVoiceSchema>;
export type BrandVoiceInput = z.input<typeof BrandVoiceSchema>;

/** Whole-word (or whole-phrase), case-insensitive match; letters of any script. */
export function containsPhrase(text: string, phrase: string): boolean {
  const p = phrase.trim();
  if (!p) return false;
  const escaped = p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\s+/g, "\\s+");
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, "iu").test(text);
}

/** The avoid-words that appear in `text`. */
export function avoidedWordsIn(text: string, voice: Pick<BrandVoice, "wordsToAvoid">): string[] {
  return voice.wordsToAvoid.filter((w) => containsPhrase(text, w));
}
