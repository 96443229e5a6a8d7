import { expect, it } from "vitest";
import { mergeIssues } from "./issues";

it("records failed install steps and clears them when they succeed", () => {
  const now = new Date("2026-01-01T00:00:00Z");
  const failed = mergeIssues(null, { pixel: { ok: false, error: "HTTP 500" }, backfill: { ok: true, value: 1 } }, now);
  expect(failed).toEqual({ pixel: { message: "HTTP 500", at: "2026-01-01T00:00:00.000Z" } });
  expect(mergeIssues(failed, { pixel: { ok: true, value: "1" }, backfill: { ok: true, value: 1 } }, now)).toBeNull();
});
