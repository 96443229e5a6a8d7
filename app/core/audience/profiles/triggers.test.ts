import { describe, expect, it } from "vitest";
import { LIVE_WINDOW_MS, scheduleAfterWebhook } from "./triggers.server";

describe("profile updates after webhooks", () => {
  it("skips history (older than the live window) before touching the database", async () => {
    const now = Date.parse("2026-11-27T12:00:00Z");
    const untouchable = new Proxy({}, { get: () => { throw new Error("database touched"); } }) as never;
    for (const updated_at of [new Date(now - LIVE_WINDOW_MS - 1000), "2025-01-01T00:00:00Z"]) {
      await expect(scheduleAfterWebhook(untouchable, "s.myshopify.com", "orders/create", { id: "1", updated_at }, now)).resolves.toBeUndefined();
    }
    await expect(scheduleAfterWebhook(untouchable, "s.myshopify.com", "orders/create", { id: "1", updated_at: new Date(now - 1000) }, now)).rejects.toThrow(/database touched/);
  });
});
