import { describe, expect, it } from "vitest";
import { MAX_BACKOFF_MS, RetryLaterError, errorText, retryDelayMs } from "~/jobs/retry";
import { jobIdForKey } from "~/jobs/bullmq.server";

describe("retryDelayMs", () => {
  it("doubles with each failed attempt: 2 s, 4 s, 8 s with a 1 s base", () => {
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a, 1000))).toEqual([2000, 4000, 8000, 16000]);
  });

  it("never waits more than an hour", () => {
    expect(retryDelayMs(40, 1000)).toBe(MAX_BACKOFF_MS);
  });

  it("waits at least what the error asked for (a rate limit's reset), within the hour", () => {
    expect(retryDelayMs(1, 1000, new RetryLaterError("429", 30_000))).toBe(30_000);
    expect(retryDelayMs(5, 1000, new RetryLaterError("429", 10))).toBe(32_000);
    expect(retryDelayMs(1, 1000, Object.assign(new Error("x"), { retryAfterMs: 5000 }))).toBe(5000);
    expect(retryDelayMs(1, 1000, new RetryLaterError("429", 10 * MAX_BACKOFF_MS))).toBe(MAX_BACKOFF_MS);
  });

  it("ignores a nonsense retryAfterMs", () => {
    expect(retryDelayMs(1, 1000, { retryAfterMs: "soon" })).toBe(2000);
    expect(retryDelayMs(1, 1000, { retryAfterMs: Number.NaN })).toBe(2000);
    expect(retryDelayMs(1, 1000, { retryAfterMs: -5 })).toBe(2000);
  });
});

describe("errorText", () => {
  it("keeps an error's message, bounded", () => {
    expect(errorText(new Error("boom"))).toBe("boom");
    expect(errorText("x".repeat(2000))).toHaveLength(1000);
  });
});

describe("jobIdForKey", () => {
  it("is stable, has no ':' and is not an integer (BullMQ refuses both)", () => {
    const id = jobIdForKey("send:shop.myshopify.com:batch:1");
    expect(id).toBe(jobIdForKey("send:shop.myshopify.com:batch:1"));
    expect(id).not.toContain(":");
    expect(id).toMatch(/^k[0-9a-f]{64}$/);
    expect(jobIdForKey("a")).not.toBe(jobIdForKey("b"));
  });
});
