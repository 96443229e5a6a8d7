// A fake SendGrid v3 API on loopback: POST /v3/mail/send with SendGrid's auth, validation,
// answers and failure modes; every accepted recipient is recorded (and written as .eml).
// Used by tests (vitest) and by the demo (tsx): it must not import vitest.
import { mkdir, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import path from "node:path";
import { toEml, emlFileName } from "./eml";
import { createEventWebhook, type FakeEventWebhook } from "./events";
import { expandMailSend, newXMessageId } from "./expand";
import type { FakeSendGridMessage, FakeSendGridMode, FakeSendGridRequest, FlakyFailure, SendGridErrorItem } from "./types";
import { isObject, validateMailSend } from "./validate";
import { mulberry32 } from "../../../app/core/random";
export { mulberry32 };

export const FAKE_SENDGRID_API_KEY = "SG.loopwise-fake.sendgrid-api-key";
const MAX_BODY_BYTES = 30 * 1024 * 1024; // SendGrid's total message size limit

export interface FakeSendGridOptions {
  /** The only key accepted as `Authorization: Bearer <key>`. */
  apiKey?: string;
  /** When set, every accepted recipient's email is written there as an .eml file. */
  emlDir?: string;
  mode?: FakeSendGridMode;
  /** Keep text/html bodies on recorded messages (default true); turn off for very large sends. */
  keepBodies?: boolean;
  /** Port to listen on (default 0: any free port). Always 127.0.0.1. */
  port?: number;
  /** After accepting mail, POST signed events about it to a webhook, as SendGrid does (see README). */
  autoEvents?: AutoEvents | null;
}

/** Events the fake posts by itself for every accepted recipient (also when it then drops the answer). */
export interface AutoEvents {
  /** The app's event-webhook URL. */
  url: string;
  /** Wait before posting (default 0). */
  delayMs?: number;
  /** Also post `delivered` (default false: `processed` only). */
  delivered?: boolean;
}

export interface FakeSendGrid {
  /** e.g. http://127.0.0.1:43123 (no trailing slash). */
  origin: string;
  apiKey: string;
  emlDir?: string;
  /** One entry per recipient of every accepted request, in arrival order. */
  messages: FakeSendGridMessage[];
  /** Every HTTP request to /v3/*, with how it was answered. */
  requests: FakeSendGridRequest[];
  setMode(mode: FakeSendGridMode): void;
  /** Turns automatic events on (or off with null) for mail accepted from now on. */
  setAutoEvents(autoEvents: AutoEvents | null): void;
  /** Waits until every automatic event batch due so far has been posted. */
  autoEventsSettled(): Promise<void>;
  /** Each automatic batch posted: the webhook's answer status and how many events it carried. */
  autoEventLog: Array<{ status: number | "error"; events: number; error?: string }>;
  /** Forgets recorded messages and requests (the .eml files stay). */
  clear(): void;
  eventWebhook: FakeEventWebhook;
  close(): Promise<void>;
}

type ActiveMode = Exclude<FakeSendGridMode, "normal" | { kind: "normal" }> | { kind: "normal" };

export async function startFakeSendGrid(options: FakeSendGridOptions = {}): Promise<FakeSendGrid> {
  const apiKey = options.apiKey ?? FAKE_SENDGRID_API_KEY;
  const keepBodies = options.keepBodies ?? true;
  const messages: FakeSendGridMessage[] = [];
  const requests: FakeSendGridRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let mode: ActiveMode = { kind: "normal" };
  let remaining = Infinity;
  let rng = mulberry32(1);
  let accepted = 0;
  let emlSequence = 0;
  let autoEvents: AutoEvents | null = options.autoEvents ?? null;
  const pendingEvents = new Set<Promise<void>>();
  const autoEventLog: FakeSendGrid["autoEventLog"] = [];
  const eventWebhook = createEventWebhook();
  let closed = false;

  /** SendGrid posts events about accepted mail on its own: processed at once, delivered a moment later. */
  const scheduleEvents = (batch: FakeSendGridMessage[]) => {
    const auto = autoEvents;
    if (!auto || batch.length === 0) return;
    const specs = batch.flatMap((message) => [
      { event: "processed" as const, message },
      ...(auto.delivered ? [{ event: "delivered" as const, message }] : []),
    ]);
    const done: Promise<void> = new Promise<void>((resolve) => {
      const timer = setTimeout(async () => {
        timers.delete(timer);
        if (closed) return resolve();
        try {
          const r = await eventWebhook.emit(auto.url, specs);
          autoEventLog.push({ status: r.status, events: specs.length });
        } catch (error) {
          autoEventLog.push({ status: "error", events: specs.length, error: String(error) });
        }
        resolve();
      }, auto.delayMs ?? 0);
      timers.add(timer);
    }).finally(() => pendingEvents.delete(done));
    pendingEvents.add(done);
  };

  const setMode = (next: FakeSendGridMode) => {
    mode = next === "normal" ? { kind: "normal" } : next;
    remaining = "times" in mode && typeof mode.times === "number" ? mode.times : Infinity;
    if (mode.kind === "flaky") rng = mulberry32(mode.seed ?? 1);
  };
  if (options.mode) setMode(options.mode);
  if (options.emlDir) await mkdir(options.emlDir, { recursive: true });

  /** The failure to apply to this request, if any (consumes one of `times`). */
  const failureFor = (): FlakyFailure | "timeout" | { status: number } | null => {
    if (mode.kind === "normal") return null;
    if (mode.kind === "flaky") {
      if (rng() >= mode.failureRate) return null;
      const choices = mode.failures ?? ["429", "500", "drop"];
      return choices[Math.floor(rng() * choices.length)] ?? "500";
    }
    if (remaining <= 0) return null;
    remaining--;
    const current = mode;
    if (remaining <= 0) setMode("normal");
    switch (current.kind) {
      case "error":
        return { status: current.status ?? 500 };
      case "rate-limited":
        return "429";
      case "accept-then-timeout":
        return "timeout";
      case "drop":
        return "drop";
    }
  };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const log: FakeSendGridRequest = {
      index: requests.length,
      method: req.method ?? "GET",
      path: url.pathname,
      status: 0,
      personalizations: 0,
      recipients: 0,
      receivedAt: new Date(),
    };
    requests.push(log);
    const answer = (status: number, body?: unknown, headers: Record<string, string | number> = {}) => {
      log.status = status;
      const text = body === undefined ? "" : JSON.stringify(body);
      res.writeHead(status, {
        ...(text ? { "Content-Type": "application/json" } : {}),
        "Content-Length": Buffer.byteLength(text),
        ...headers,
      });
      res.end(text);
    };
    const errors = (status: number, items: SendGridErrorItem[], headers?: Record<string, string | number>) =>
      answer(status, { errors: items }, headers);

    if (url.pathname !== "/v3/mail/send") {
      return errors(404, [{ message: "resource not found", field: null, help: null }]);
    }
    if (req.method !== "POST") return errors(405, [{ message: "method not allowed", field: null, help: null }]);
    const auth = req.headers.authorization;
    if (!auth) return errors(401, [{ message: "authorization required", field: null, help: null }]);
    if (auth !== `Bearer ${apiKey}`) {
      return errors(401, [
        { message: "The provided authorization grant is invalid, expired, or revoked", field: null, help: null },
      ]);
    }

    const active = mode;
    const failure = failureFor();
    if (failure === "drop") {
      log.status = "dropped";
      req.socket.destroy();
      return;
    }
    if (failure === "429") {
      const m = active.kind === "rate-limited" ? active : { limit: 600, resetInSeconds: 1 };
      const limit = m.limit ?? 600;
      return errors(429, [{ message: "too many requests", field: null, help: null }], {
        "X-RateLimit-Limit": limit,
        "X-RateLimit-Remaining": 0,
        "X-RateLimit-Reset": Math.floor(Date.now() / 1000) + (m.resetInSeconds ?? 1),
      });
    }
    if (failure === "500" || (typeof failure === "object" && failure !== null)) {
      const status = typeof failure === "object" && failure !== null ? failure.status : 500;
      return errors(status, [{ message: "Internal server error", field: null, help: null }]);
    }

    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_BODY_BYTES);
    } catch {
      return errors(413, [{ message: "Payload Too Large", field: null, help: null }]);
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      return errors(400, [{ message: "Bad Request", field: null, help: null }]);
    }
    const problems = validateMailSend(body);
    if (problems.length > 0) return errors(400, problems);
    const mail = body as Record<string, unknown>;
    const personalizations = mail.personalizations as unknown[];
    log.personalizations = personalizations.length;

    const sandbox = isObject(mail.mail_settings) && isObject(mail.mail_settings.sandbox_mode) && mail.mail_settings.sandbox_mode.enable === true;
    if (sandbox) return answer(200); // SendGrid validates and sends nothing

    const xMessageId = newXMessageId();
    log.xMessageId = xMessageId;
    const batch = expandMailSend(mail, { xMessageId, requestIndex: accepted++, receivedAt: log.receivedAt, keepBodies });
    log.recipients = batch.length;
    if (options.emlDir) {
      const dir = options.emlDir;
      await Promise.all(
        batch.map((message) => {
          message.emlPath = path.join(dir, emlFileName(message, ++emlSequence));
          return writeFile(message.emlPath, toEml(message));
        }),
      );
    }
    messages.push(...batch);
    scheduleEvents(batch);

    if (failure === "timeout" || failure === "accept-then-drop") {
      log.status = failure === "timeout" ? "timeout" : "dropped";
      const ms = failure === "timeout" && active.kind === "accept-then-timeout" ? active.ms : 0;
      const timer = setTimeout(() => {
        timers.delete(timer);
        req.socket.destroy();
      }, ms);
      timers.add(timer);
      return;
    }
    answer(202, undefined, { "X-Message-Id": xMessageId });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    apiKey,
    emlDir: options.emlDir,
    messages,
    requests,
    setMode,
    setAutoEvents(next) {
      autoEvents = next;
    },
    async autoEventsSettled() {
      while (pendingEvents.size > 0) await Promise.all([...pendingEvents]);
    },
    autoEventLog,
    clear() {
      messages.length = 0;
      requests.length = 0;
    },
    eventWebhook,
    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error("too large"));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Small seeded PRNG so flaky runs repeat exactly. */
