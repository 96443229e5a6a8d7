// The fake OpenAI-compatible server: see tests/fakes/README.md.
export {
  startFakeOpenAI,
  estimateTokens,
  FAKE_OPENAI_API_KEY,
  FAKE_OPENAI_MODELS,
  type ChatMessage,
  type FakeChatReply,
  type FakeChatRequest,
  type FakeOpenAI,
  type FakeOpenAIMode,
  type FakeOpenAIOptions,
  type FakeOpenAIRequestLog,
  type FakeResponder,
} from "./server";
export { fillSchema, promptWords, strictSchemaProblem } from "./schema";
