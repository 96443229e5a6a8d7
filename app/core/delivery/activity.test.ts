import { describe, expect, it } from "vitest";
import { foldCounts, reasonWords, sendProgress } from "./activity";

describe("reasonWords", () => {
  it("says smart sending and the weekly cap with the shop's own numbers", () => {
    expect(reasonWords("smart-sending", { smartSendingHours: 16, weeklyMax: 5 })).toBe("Smart sending: they had an email less than 16 hours ago");
    expect(reasonWords("smart-sending", { smartSendingHours: 1, weeklyMax: 5 })).toBe("Smart sending: they had an email less than 1 hour ago");
    expect(reasonWords("weekly-cap", { smartSendingHours: 16, weeklyMax: 3 })).toMatch(/already had 3 marketing emails in the last 7 days/);
  });

  it("explains every documented code, and shows an unknown one rather than hiding it", () => {
    for (const code of ["not-subscribed", "suppressed", "no-email", "higher-priority", "not-approved", "flow-disabled", "redacted", "purchase"]) {
      expect(reasonWords(code)).not.toMatch(/-/);
    }
    expect(reasonWords("some_new-reason")).toBe("Some new reason");
    expect(reasonWords(null)).toBe("No reason was recorded");
  });
});

describe("foldCounts", () => {
  it("sums statuses, lists skip and cancel reasons most frequent first, and keeps unknown statuses visible", () => {
    const c = foldCounts([
      { status: "sent", skipReason: null, count: 7, delivered: 6, opened: 3, clicked: 1, bounced: 1 },
      { status: "skipped", skipReason: "smart-sending", count: 2 },
      { status: "skipped", skipReason: "suppressed", count: 4 },
      { status: "skipped", skipReason: null, count: 1 },
      { status: "cancelled", skipReason: "purchase", count: 3 },
      { status: "scheduled", skipReason: null, count: 5 },
      { status: "paused", skipReason: null, count: 2 },
    ]);
    expect(c.total).toBe(24);
    expect(c.byStatus).toMatchObject({ sent: 7, skipped: 7, cancelled: 3, scheduled: 5, queued: 0, failed: 0 });
    expect(c.other).toBe(2);
    expect(c.skipped.map((r) => [r.reason, r.count])).toEqual([
      ["suppressed", 4],
      ["smart-sending", 2],
      ["unspecified", 1],
    ]);
    expect(c.cancelled).toEqual([{ reason: "purchase", count: 3, words: reasonWords("purchase") }]);
    expect(c).toMatchObject({ delivered: 6, opened: 3, clicked: 1, bounced: 1 });
  });
});

describe("sendProgress", () => {
  it("follows the step being handed over; later emails are not work in progress", () => {
    const p = sendProgress([
      { step: 0, status: "sent", due: true, count: 90 },
      { step: 0, status: "queued", due: true, count: 8 },
      { step: 0, status: "skipped", due: true, count: 2 },
      { step: 1, status: "scheduled", due: false, count: 100 },
    ]);
    expect(p).toEqual({ step: 0, total: 100, done: 92, sent: 90, inFlight: 8, percent: 92, later: 100, active: true });
  });

  it("is done (not active) when every due message is settled, and shows the latest step", () => {
    const p = sendProgress([
      { step: 0, status: "sent", due: true, count: 10 },
      { step: 1, status: "sent", due: true, count: 9 },
      { step: 1, status: "unknown", due: true, count: 1 },
    ]);
    expect(p).toMatchObject({ step: 1, total: 10, done: 10, sent: 10, percent: 100, active: false });
  });

  it("counts due scheduled messages as waiting to go, and nothing due as no progress", () => {
    expect(sendProgress([{ step: 0, status: "scheduled", due: true, count: 5 }])).toMatchObject({ step: 0, done: 0, inFlight: 5, active: true, percent: 0 });
    expect(sendProgress([{ step: 0, status: "scheduled", due: false, count: 5 }])).toEqual({ step: null, total: 0, done: 0, sent: 0, inFlight: 0, percent: 0, later: 5, active: false });
    expect(sendProgress([])).toMatchObject({ step: null, active: false });
  });
});
