// A fake OpenAI-compatible server on loopback: POST /v1/chat/completions (plain and SSE
// streaming), GET /v1/models. Structured output (`response_format: json_schema`) gets JSON
// that satisfies the schema, derived deterministically from a hash of the request.
// Used by tests (vitest) and by the demo (tsx): it must not import vitest.
import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { fillSchema, promptWords, strictSchemaProblem } from "./schema";
import { mulberry32 } from "../../../app/core/random";

export const FAKE_OPENAI_API_KEY = "sk-loopwise-fake-openai-key";
export const FAKE_OPENAI_MODELS = ["gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "gpt-4.1"];

type Json = Record<string, unknown>;

export interface ChatMessage {
  role: string;
  /** Text of the message (array content parts joined). */
  content: string;
}

/** What a responder sees for one chat completion call. */
export interface FakeChatRequest {
  /** 0-based number of this chat completion call on the server. */
  index: number;
  model: string;
  messages: ChatMessage[];
  /** All message text, joined by newlines. */
  prompt: string;
  /** The JSON schema of `response_format: { type: "json_schema" }`, if any. */
  schema?: unknown;
  schemaName?: string;
  stream: boolean;
  body: Json;
}

/** A scripted reply. A bare string is the assistant's content. */
export type FakeChatReply =
  | string
  | {
      content?: string | null;
      /** Sent as JSON.stringify(json). */
      json?: unknown;
      toolCalls?: Array<{ name: string; arguments: string | Json }>;
      refusal?: string;
      finishReason?: "stop" | "length" | "tool_calls" | "content_filter";
      /** Answer with an HTTP error instead (OpenAI's error body). */
      status?: number;
      error?: { message: string; type?: string; code?: string | null };
      headers?: Record<string, string>;
      delayMs?: number;
    };

/** Return undefined to fall back to the default (schema-derived) reply. */
export type FakeResponder = (request: FakeChatRequest) => FakeChatReply | undefined | Promise<FakeChatReply | undefined>;

export type FakeOpenAIMode =
  | "normal"
  | { kind: "normal" }
  /** 401 whatever the key. */
  | { kind: "unauthorized"; times?: number }
  /** 429 with retry-after / retry-after-ms and x-ratelimit-* headers. */
  | { kind: "rate-limited"; retryAfterMs?: number; times?: number }
  | { kind: "error"; status?: number; times?: number }
  /** The reply's content is truncated, unparseable JSON. */
  | { kind: "invalid-json"; times?: number }
  /** The reply is valid JSON that does not match the requested schema. */
  | { kind: "schema-mismatch"; times?: number }
  /** Waits `ms` before answering. */
  | { kind: "slow"; ms: number; times?: number };

export interface FakeOpenAIRequestLog {
  index: number;
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body?: Json;
  status: number;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  receivedAt: Date;
}

export interface FakeOpenAIOptions {
  /** The only key accepted as `Authorization: Bearer <key>`. */
  apiKey?: string;
  responder?: FakeResponder;
  mode?: FakeOpenAIMode;
  models?: string[];
  port?: number;
}

export interface FakeOpenAI {
  origin: string;
  /** origin + "/v1": pass it as `new OpenAI({ baseURL })`. */
  baseURL: string;
  apiKey: string;
  requests: FakeOpenAIRequestLog[];
  /** Totals over answered chat completions. */
  usage(): { calls: number; promptTokens: number; completionTokens: number };
  setMode(mode: FakeOpenAIMode): void;
  setResponder(responder: FakeResponder | undefined): void;
  /** Forgets logged requests and restarts the chat call count (`FakeChatRequest.index`). */
  clear(): void;
  close(): Promise<void>;
}

type ActiveMode = Exclude<FakeOpenAIMode, "normal">;

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const apiKey = options.apiKey ?? FAKE_OPENAI_API_KEY;
  const models = options.models ?? FAKE_OPENAI_MODELS;
  let responder = options.responder;
  const requests: FakeOpenAIRequestLog[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let mode: ActiveMode = { kind: "normal" };
  let remaining = Infinity;
  let chatCalls = 0;

  const setMode = (next: FakeOpenAIMode) => {
    mode = next === "normal" ? { kind: "normal" } : next;
    remaining = "times" in mode && typeof mode.times === "number" ? mode.times : Infinity;
  };
  if (options.mode) setMode(options.mode);
  /** The mode for this chat call (consumes one of `times`). */
  const takeMode = (): ActiveMode => {
    if (mode.kind === "normal" || remaining <= 0) return { kind: "normal" };
    const current = mode;
    if (--remaining <= 0) setMode("normal");
    return current;
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const log: FakeOpenAIRequestLog = {
      index: requests.length,
      method: req.method ?? "GET",
      path: url.pathname,
      headers: req.headers,
      status: 0,
      receivedAt: new Date(),
    };
    requests.push(log);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      log.status = status;
      const text = JSON.stringify(body);
      if (res.destroyed) return;
      res.writeHead(status, {
        "Content-Type": "application/json",
        "Content-Length": String(Buffer.byteLength(text)),
        "x-request-id": `req_${randomBytes(12).toString("hex")}`,
        ...headers,
      });
      res.end(text);
    };
    const fail = (status: number, message: string, type: string, code: string | null = null, param: string | null = null, headers?: Record<string, string>) =>
      send(status, { error: { message, type, param, code } }, headers);

    const raw = await readBody(req);
    const auth = req.headers.authorization;
    const key = auth?.startsWith("Bearer ") ? auth.slice(7) : undefined;
    if (!key) {
      return fail(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        "invalid_request_error",
      );
    }
    if (key !== apiKey) {
      return fail(401, `Incorrect API key provided: ${maskKey(key)}.`, "invalid_request_error", "invalid_api_key");
    }

    if (req.method === "GET" && url.pathname === "/v1/models") {
      return send(200, { object: "list", data: models.map(modelObject) });
    }
    const modelMatch = /^\/v1\/models\/(.+)$/.exec(url.pathname);
    if (req.method === "GET" && modelMatch) {
      const id = decodeURIComponent(modelMatch[1] as string);
      if (!models.includes(id)) return fail(404, `The model '${id}' does not exist`, "invalid_request_error", "model_not_found", "model");
      return send(200, modelObject(id));
    }
    if (url.pathname !== "/v1/chat/completions" || req.method !== "POST") {
      return fail(404, `Invalid URL (${req.method} ${url.pathname})`, "invalid_request_error");
    }

    let body: Json;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
      body = parsed as Json;
    } catch {
      return fail(400, "We could not parse the JSON body of your request.", "invalid_request_error");
    }
    log.body = body;

    const active = takeMode();
    if (active.kind === "unauthorized") {
      return fail(401, `Incorrect API key provided: ${maskKey(key)}.`, "invalid_request_error", "invalid_api_key");
    }
    if (active.kind === "rate-limited") {
      const ms = active.retryAfterMs ?? 1000;
      return fail(429, "Rate limit reached for requests. Please try again later.", "requests", "rate_limit_exceeded", null, {
        "retry-after": String(Math.max(1, Math.ceil(ms / 1000))),
        "retry-after-ms": String(ms),
        "x-ratelimit-limit-requests": "500",
        "x-ratelimit-remaining-requests": "0",
        "x-ratelimit-reset-requests": `${ms}ms`,
        "x-ratelimit-limit-tokens": "200000",
        "x-ratelimit-remaining-tokens": "0",
        "x-ratelimit-reset-tokens": `${ms}ms`,
      });
    }
    if (active.kind === "error") {
      return fail(active.status ?? 500, "The server had an error while processing your request. Sorry about that!", "server_error");
    }

    const problem = validateChatBody(body);
    if (problem) return fail(400, problem.message, "invalid_request_error", problem.code ?? null, problem.param);

    const request = toChatRequest(body, chatCalls++);
    let reply: FakeChatReply | undefined;
    try {
      reply = responder ? await responder(request) : undefined;
    } catch (error) {
      return fail(500, `fake responder threw: ${(error as Error).message}`, "server_error");
    }
    const scripted = typeof reply === "string" ? { content: reply } : reply;
    if (active.kind === "slow") await sleep(active.ms);
    if (scripted?.delayMs) await sleep(scripted.delayMs);
    if (scripted?.status) {
      const e = scripted.error ?? { message: `scripted ${scripted.status}` };
      return fail(scripted.status, e.message, e.type ?? "invalid_request_error", e.code ?? null, null, scripted.headers);
    }

    const n = typeof body.n === "number" && !request.stream ? Math.max(1, Math.min(8, body.n)) : 1;
    const choices = Array.from({ length: n }, (_, i) => buildChoice(request, scripted, active, i));
    const promptTokens = estimatePromptTokens(request.messages);
    const completionTokens = choices.reduce((sum, c) => sum + estimateTokens(c.text), 0);
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    };
    log.usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
    const id = `chatcmpl-${hash(JSON.stringify(body) + request.index).slice(0, 24)}`;
    const created = Math.floor(Date.now() / 1000);
    const common = { id, created, model: request.model, system_fingerprint: "fp_loopwise_fake", service_tier: "default" };
    const headers = { "openai-processing-ms": "1", "x-ratelimit-remaining-requests": "499", ...scripted?.headers };

    if (!request.stream) {
      return send(
        200,
        {
          ...common,
          object: "chat.completion",
          choices: choices.map((c, index) => ({ index, message: c.message, logprobs: null, finish_reason: c.finishReason })),
          usage,
        },
        headers,
      );
    }

    if (res.destroyed) return;
    log.status = 200;
    res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache", Connection: "keep-alive", ...headers });
    const includeUsage = isObject(body.stream_options) && body.stream_options.include_usage === true;
    const chunk = (delta: Json, finish: string | null) =>
      `data: ${JSON.stringify({
        ...common,
        object: "chat.completion.chunk",
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
        ...(includeUsage ? { usage: null } : {}),
      })}\n\n`;
    const choice = choices[0] as (typeof choices)[number];
    res.write(chunk({ role: "assistant", content: "", refusal: null }, null));
    for (const piece of splitForStream(choice.message.content ?? "")) res.write(chunk({ content: piece }, null));
    if (choice.message.refusal) res.write(chunk({ refusal: choice.message.refusal }, null));
    (choice.message.tool_calls ?? []).forEach((call, index) => res.write(chunk({ tool_calls: [{ index, ...call }] }, null)));
    res.write(chunk({}, choice.finishReason));
    if (includeUsage) res.write(`data: ${JSON.stringify({ ...common, object: "chat.completion.chunk", choices: [], usage })}\n\n`);
    res.end("data: [DONE]\n\n");
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    baseURL: origin + "/v1",
    apiKey,
    requests,
    usage() {
      const answered = requests.filter((r) => r.usage);
      return {
        calls: answered.length,
        promptTokens: answered.reduce((s, r) => s + (r.usage?.prompt_tokens ?? 0), 0),
        completionTokens: answered.reduce((s, r) => s + (r.usage?.completion_tokens ?? 0), 0),
      };
    },
    setMode,
    setResponder(next) {
      responder = next;
    },
    /** Forgets logged requests and restarts the chat call count (`FakeChatRequest.index`). */
    clear() {
      requests.length = 0;
      chatCalls = 0;
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

interface BuiltChoice {
  message: { role: "assistant"; content: string | null; refusal: string | null; annotations: unknown[]; tool_calls?: Json[] };
  finishReason: string;
  text: string;
}

function buildChoice(
  request: FakeChatRequest,
  scripted: Exclude<FakeChatReply, string> | undefined,
  active: ActiveMode,
  choiceIndex: number,
): BuiltChoice {
  let content: string | null;
  if (scripted && scripted.json !== undefined) content = JSON.stringify(scripted.json);
  else if (scripted && scripted.content !== undefined) content = scripted.content;
  else if (scripted?.toolCalls || scripted?.refusal) content = null;
  else content = defaultContent(request, choiceIndex);

  if (content !== null && active.kind === "invalid-json") content = content.slice(0, Math.max(1, Math.floor(content.length * 0.6)));
  if (content !== null && active.kind === "schema-mismatch") content = JSON.stringify({ unexpected_field: true, note: content.slice(0, 40) });

  const toolCalls = scripted?.toolCalls?.map((call, i) => ({
    id: `call_${hash(request.index + call.name + i).slice(0, 24)}`,
    type: "function",
    function: { name: call.name, arguments: typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments) },
  }));
  let finishReason = scripted?.finishReason ?? (toolCalls ? "tool_calls" : "stop");
  const limit = num(request.body.max_completion_tokens) ?? num(request.body.max_tokens);
  if (content !== null && limit !== undefined && estimateTokens(content) > limit) {
    content = content.slice(0, limit * 4);
    finishReason = "length";
  }
  const text = (content ?? "") + (scripted?.refusal ?? "") + (toolCalls ? JSON.stringify(toolCalls) : "");
  return {
    message: {
      role: "assistant",
      content,
      refusal: scripted?.refusal ?? null,
      annotations: [],
      ...(toolCalls ? { tool_calls: toolCalls } : {}),
    },
    finishReason,
    text,
  };
}

/** The reply when nothing is scripted: schema-shaped JSON, a JSON object, or a sentence from the prompt. */
function defaultContent(request: FakeChatRequest, choiceIndex: number): string {
  const random = seeded(hash(JSON.stringify([request.model, request.messages, request.body.response_format, choiceIndex])));
  const words = promptWords(request.messages.filter((m) => m.role !== "system" && m.role !== "developer").map((m) => m.content).join(" ") || request.prompt);
  if (request.schema !== undefined) {
    return JSON.stringify(fillSchema(request.schema, { root: request.schema, words, random }));
  }
  const sentence = Array.from({ length: 8 + Math.floor(random() * 8) }, () => words[Math.floor(random() * words.length)]).join(" ");
  const text = sentence.charAt(0).toUpperCase() + sentence.slice(1) + ".";
  const format = request.body.response_format;
  if (isObject(format) && format.type === "json_object") return JSON.stringify({ text });
  return text;
}

function validateChatBody(body: Json): { message: string; param: string | null; code?: string } | null {
  if (typeof body.model !== "string" || body.model === "") return { message: "you must provide a model parameter", param: null };
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return { message: "[] is too short - 'messages'", param: "messages", code: "empty_array" };
  }
  for (const [i, m] of body.messages.entries()) {
    if (!isObject(m) || !["system", "developer", "user", "assistant", "tool", "function"].includes(String(m.role))) {
      return { message: `Invalid value for 'messages[${i}].role'.`, param: `messages.[${i}].role`, code: "invalid_value" };
    }
    const ok = typeof m.content === "string" || Array.isArray(m.content) || (m.role === "assistant" && (m.content === null || m.content === undefined));
    if (!ok) return { message: `Invalid type for 'messages[${i}].content'.`, param: `messages.[${i}].content`, code: "invalid_type" };
  }
  const format = body.response_format;
  if (format !== undefined) {
    if (!isObject(format) || !["text", "json_object", "json_schema"].includes(String(format.type))) {
      return { message: "Invalid value for 'response_format.type'.", param: "response_format.type", code: "invalid_value" };
    }
    if (format.type === "json_object") {
      const text = body.messages.map((m) => contentText((m as Json).content)).join(" ");
      if (!/json/i.test(text)) {
        return { message: "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", param: "messages" };
      }
    }
    if (format.type === "json_schema") {
      const js = format.json_schema;
      if (!isObject(js) || typeof js.name !== "string" || !/^[A-Za-z0-9_-]{1,64}$/.test(js.name)) {
        return { message: "Missing required parameter: 'response_format.json_schema.name'.", param: "response_format.json_schema.name", code: "missing_required_parameter" };
      }
      if (js.strict === true) {
        const problem = strictSchemaProblem(js.schema);
        if (problem) return { message: `Invalid schema for response_format '${js.name}': ${problem}`, param: "response_format", code: "invalid_json_schema" };
      }
    }
  }
  return null;
}

function toChatRequest(body: Json, index: number): FakeChatRequest {
  const messages = (body.messages as Json[]).map((m) => ({ role: String(m.role), content: contentText(m.content) }));
  const format = isObject(body.response_format) ? body.response_format : undefined;
  const js = format?.type === "json_schema" && isObject(format.json_schema) ? format.json_schema : undefined;
  return {
    index,
    model: String(body.model),
    messages,
    prompt: messages.map((m) => m.content).join("\n"),
    schema: js?.schema,
    schemaName: typeof js?.name === "string" ? js.name : undefined,
    stream: body.stream === true,
    body,
  };
}

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((p) => (isObject(p) && typeof p.text === "string" ? p.text : "")).join("\n");
  return "";
}

/** About 4 characters a token, like OpenAI's rule of thumb; plus per-message overhead. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
function estimatePromptTokens(messages: ChatMessage[]): number {
  return messages.reduce((sum, m) => sum + 4 + estimateTokens(m.content), 3);
}

function splitForStream(text: string): string[] {
  return text.match(/.{1,16}/gs) ?? [];
}

function modelObject(id: string) {
  return { id, object: "model", created: 1_700_000_000, owned_by: "loopwise-fake" };
}

function maskKey(key: string): string {
  return key.length <= 8 ? "****" : `${key.slice(0, 3)}${"*".repeat(8)}${key.slice(-4)}`;
}

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function seeded(hex: string): () => number {
  return mulberry32(parseInt(hex.slice(0, 8), 16));
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
