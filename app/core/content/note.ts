// The merchant's note when regenerating one email ("shorter, please"). For a
// model it is data (a <data> element), never instructions. The offline
// generator cannot read free text, so it follows only the few requests it can
// recognise here, deterministically, and says which; the rest is reported as
// not followed rather than pretended.
import type { Tone } from "./input";

/** A note longer than this is cut: it is a hint, not a brief. */
export const NOTE_MAX = 500;

export interface NoteHints {
  /** Pick the shortest lines and leave out the closing paragraph. */
  shorter: boolean;
  /** A tone the note asks for, when it names exactly one. */
  tone: Tone | null;
}

const SHORTER = /\b(?:shorter|short|brief(?:er)?|concise|succinct|less text|fewer words|too long|trim|tighter|cut it down)\b/i;
const TONE_WORDS: Array<[Tone, RegExp]> = [
  ["formal", /\b(?:formal|professional|polite|serious)\b/i],
  ["casual", /\b(?:casual|relaxed|friendl(?:y|ier)|informal|chatty|warmer)\b/i],
  ["urgency", /\b(?:urgent|urgency|more pressing|sense of urgency|push harder)\b/i],
];

/** Trimmed, control characters removed, at most NOTE_MAX characters; null when empty. */
export function cleanNote(note: unknown): string | null {
  if (typeof note !== "string") return null;
  // eslint-disable-next-line no-control-regex
  const text = note.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, " ").trim();
  if (text === "") return null;
  // Cut between code points, never inside a surrogate pair.
  let out = "";
  for (const ch of text) {
    if (out.length + ch.length > NOTE_MAX) break;
    out += ch;
  }
  return out.trim();
}

export function noteHints(note: string | null | undefined): NoteHints {
  if (!note) return { shorter: false, tone: null };
  const tones = TONE_WORDS.filter(([, pattern]) => pattern.test(note)).map(([tone]) => tone);
  return { shorter: SHORTER.test(note), tone: tones.length === 1 ? tones[0]! : null };
}

/** What the offline generator did with a note, in words for the merchant. */
export function offlineNoteSummary(note: string | null | undefined): string | null {
  if (!note) return null;
  const hints = noteHints(note);
  const followed = [hints.shorter ? "shorter lines" : null, hints.tone ? `a ${hints.tone === "urgency" ? "more urgent" : hints.tone} tone` : null].filter(Boolean);
  return followed.length > 0
    ? `The offline generator followed your note as: ${followed.join(" and ")}. It reads only requests for length and tone; set an OpenAI key for free-form notes.`
    : "The offline generator cannot follow free-form notes (it reads only requests for length and tone): it wrote a fresh variation. Set an OpenAI key for free-form notes.";
}
