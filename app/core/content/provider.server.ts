// Chooses the content provider from the environment: OpenAI (or a compatible
// server) when a key is set and not forced offline, else the offline generator.
import type { Env } from "../../env.server";
import { llmConfig } from "../llm/llm";
import { openaiClient } from "../llm/openai.server";
import { LruDraftCache, type DraftCache } from "./cache";
import { OfflineContentProvider } from "./offline/provider";
import { OpenAIContentProvider } from "./openai/provider.server";
import type { ContentProvider } from "./provider";

/** One cache per process until a database-backed DraftCache replaces it. */
const processCache = new LruDraftCache(1_000);

export type ContentEnv = Pick<Env, "OPENAI_API_KEY" | "OPENAI_BASE_URL" | "OPENAI_MODEL" | "LOOPWISE_LLM" | "SHOPIFY_APP_URL">;

export function contentProvider(env: ContentEnv, options: { cache?: DraftCache; maxAttempts?: number; timeoutMs?: number } = {}): ContentProvider {
  const config = llmConfig(env);
  const appOrigin = env.SHOPIFY_APP_URL;
  if (config.provider === "offline") return new OfflineContentProvider({ appOrigin, maxAttempts: options.maxAttempts });
  return new OpenAIContentProvider({
    client: openaiClient(config, { timeoutMs: options.timeoutMs }),
    model: config.model,
    cache: options.cache ?? processCache,
    maxAttempts: options.maxAttempts,
    appOrigin,
  });
}
