// Drafts cached by their input: the same email, segment, variant, tone, seed,
// facts and model give the same draft without another model call. The key is
// pure; the store is behind a small interface so a database table can replace
// the in-memory LRU later.
import { createHash } from "node:crypto";
import type { DraftCopy } from "./draft";
import type { GenerationInput } from "./input";

/** Bump when prompts or the output schema change: old entries stop matching. */
export const CONTENT_PROMPT_VERSION = "content-1";

export interface CachedDraft {
  copy: DraftCopy;
  warnings: string[];
}

export interface DraftCache {
  get(key: string): Promise<CachedDraft | undefined>;
  set(key: string, value: CachedDraft): Promise<void>;
}

/** sha256 of the normalised input, the model and the prompt version. */
export function draftCacheKey(input: GenerationInput, model: string): string {
  const canonical = JSON.stringify(normalise({ v: CONTENT_PROMPT_VERSION, model, input }));
  return createHash("sha256").update(canonical).digest("hex");
}

/** Object keys sorted, strings NFC with whitespace collapsed: equal meaning, equal key. */
function normalise(value: unknown): unknown {
  if (typeof value === "string") return value.normalize("NFC").replace(/\s+/g, " ").trim();
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = normalise(v);
    }
    return out;
  }
  return value;
}

/** Least recently used first out; a Map keeps insertion order, re-inserting on a hit. */
export class LruDraftCache implements DraftCache {
  private readonly entries = new Map<string, CachedDraft>();
  constructor(readonly maxEntries = 500) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new Error("an LRU cache needs at least 1 entry");
  }
  async get(key: string): Promise<CachedDraft | undefined> {
    const hit = this.entries.get(key);
    if (hit === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, hit);
    return structuredClone(hit);
  }
  async set(key: string, value: CachedDraft): Promise<void> {
    this.entries.delete(key);
    this.entries.set(key, structuredClone(value));
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }
  get size(): number {
    return this.entries.size;
  }
}
