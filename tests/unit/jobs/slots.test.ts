import { describe, expect, it } from "vitest";
import { Slots } from "~/jobs/slots";

describe("Slots", () => {
  it("hands out at most `limit` slots; a release goes to the longest waiter", async () => {
    const slots = new Slots(2);
    expect(slots.tryAcquire()).toBe(true);
    await slots.acquire();
    expect(slots.tryAcquire()).toBe(false);
    const order: string[] = [];
    const a = slots.acquire().then(() => order.push("a"));
    const b = slots.acquire().then(() => order.push("b"));
    slots.release();
    await a;
    expect(order).toEqual(["a"]);
    expect(slots.inUse).toBe(2);
    slots.release();
    await b;
    expect(order).toEqual(["a", "b"]);
    slots.release();
    slots.release();
    expect(slots.free).toBe(2);
  });

  it("refuses a limit that is not a whole number of at least 1", () => {
    expect(() => new Slots(0)).toThrow(/at least 1/);
    expect(() => new Slots(1.5)).toThrow(/whole number/);
  });
});
