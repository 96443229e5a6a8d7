// Structured JSON logs, one line each. Every line carries the shop and the
// request id when known; callers pass ids and counts, never personal data
// (emails, names, addresses): `redact` drops such keys if they slip in.
import { env } from "./env.server";

type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level | "silent", number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };
const PERSONAL_KEYS = /^(email|e-?mail|first_?name|last_?name|name|phone|address\d?|zip|city)$/i;

export type LogFields = Record<string, unknown> & { shop?: string; requestId?: string };

function redact(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [k, v] of Object.entries(fields)) out[k] = PERSONAL_KEYS.test(k) ? "[redacted]" : v;
  return out;
}

function write(level: Level, msg: string, fields: LogFields) {
  if (ORDER[level] < ORDER[env.LOG_LEVEL]) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...redact(fields) });
  (level === "error" || level === "warn" ? process.stderr : process.stdout).write(line + "\n");
}

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export function createLogger(base: LogFields = {}): Logger {
  return {
    debug: (m, f) => write("debug", m, { ...base, ...f }),
    info: (m, f) => write("info", m, { ...base, ...f }),
    warn: (m, f) => write("warn", m, { ...base, ...f }),
    error: (m, f) => write("error", m, { ...base, ...f }),
    child: (f) => createLogger({ ...base, ...f }),
  };
}

export const logger = createLogger();

/** A logger for one request: the shop (when known) and a request id. */
export function requestLogger(request: Request, shop?: string): Logger {
  const requestId =
    request.headers.get("x-request-id") ??
    request.headers.get("x-shopify-webhook-id") ??
    crypto.randomUUID();
  return logger.child({ requestId, ...(shop ? { shop } : {}) });
}
