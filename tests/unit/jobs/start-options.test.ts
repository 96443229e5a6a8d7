import { describe, expect, it } from "vitest";
import { startOptions } from "~/jobs/queue.server";
import { defaultConcurrency } from "~/jobs/worker.server";

describe("worker start options", () => {
  it("accepts the older start(pollMs, share) spelling", () => {
    expect(startOptions(500, 0.5)).toEqual({ pollMs: 500, share: 0.5, concurrency: 1 });
    expect(startOptions(undefined, undefined)).toEqual({ pollMs: 500, share: 1, concurrency: 1 });
  });

  it("a throttled worker (share < 1) runs one job at a time", () => {
    expect(startOptions({ concurrency: 8, share: 0.5 }, undefined).concurrency).toBe(1);
    expect(startOptions({ concurrency: 8 }, undefined).concurrency).toBe(8);
  });

  it("refuses nonsense with a clear message", () => {
    expect(() => startOptions({ concurrency: 0 }, undefined)).toThrow(/concurrency must be a whole number of at least 1/);
    expect(() => startOptions({ share: 0 }, undefined)).toThrow(/share must be in/);
    expect(() => startOptions({ share: 2 }, undefined)).toThrow(/share must be in/);
  });

  it("a worker runs one job at a time on SQLite, four on PostgreSQL, unless told", () => {
    expect(defaultConcurrency("file:./prisma/dev.db")).toBe(1);
    expect(defaultConcurrency(undefined)).toBe(1);
    expect(defaultConcurrency("postgresql://postgres@127.0.0.1:5432/app")).toBe(4);
  });
});
