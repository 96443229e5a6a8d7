// When a failed job runs again: the same rule on every queue backend, so a
// handler behaves the same whichever backend runs it.

/** The longest a retry waits, whatever the attempt. */
export const MAX_BACKOFF_MS = 60 * 60_000;

/**
 * Thrown by a handler that knows when it may try again (SendGrid's
 * X-RateLimit-Reset, a Retry-After header): the retry waits at least that long.
 */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
    this.name = "RetryLaterError";
  }
}

/**
 * The wait before the next attempt after attempt `attempt` (1 = the first run)
 * failed: exponential (base·2^attempt: 2 s, 4 s, 8 s… with the default 1 s base),
 * at least what the error asked for, never more than an hour.
 */
export function retryDelayMs(attempt: number, baseMs: number, error?: unknown): number {
  const exponential = baseMs * 2 ** Math.max(1, attempt);
  const asked = retryAfterOf(error);
  return Math.min(MAX_BACKOFF_MS, Math.max(exponential, asked));
}

function retryAfterOf(error: unknown): number {
  if (typeof error !== "object" || error === null) return 0;
  const value = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
}

/** An error's message for a job's record (bounded). */
export function errorText(error: unknown, max = 1000): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, max);
}
