// A transaction's rollback must never undo, or show, another request's work.
// (On SQLite Prisma's adapter shares one connection: app/db.server.ts serializes
// plain queries around transactions. PostgreSQL isolates them by itself.)
import { describe, expect, it } from "vitest";
import prisma, { SharedExclusiveLock } from "~/db.server";

const event = (eventId: string) => ({ shopId: "a.myshopify.com", eventId, browserId: "b", type: "page_viewed", occurredAt: new Date() });

describe("transactions and plain queries", () => {
  it("a rollback keeps a plain write made while the transaction was open", async () => {
    await prisma.shop.create({ data: { id: "a.myshopify.com" } });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const rolledBack = prisma
      .$transaction(async (tx) => {
        await tx.shop.create({ data: { id: "in-tx.myshopify.com" } });
        await gate;
        throw new Error("boom");
      })
      .catch((e: unknown) => String(e));
    await new Promise((r) => setTimeout(r, 50));
    const plainWrite = prisma.browseEvent.create({ data: event("e1") }).then((row) => row); // Prisma queries start on then()
    await new Promise((r) => setTimeout(r, 100));
    release();
    expect(await rolledBack).toMatch(/boom/);
    await plainWrite;
    expect(await prisma.browseEvent.count()).toBe(1);
    expect(await prisma.shop.count({ where: { id: "in-tx.myshopify.com" } })).toBe(0);
  });

  it("a plain read never sees a transaction's uncommitted rows", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const rolledBack = prisma
      .$transaction(async (tx) => {
        await tx.shop.create({ data: { id: "uncommitted.myshopify.com" } });
        await gate;
        throw new Error("boom");
      })
      .catch((e: unknown) => String(e));
    await new Promise((r) => setTimeout(r, 50));
    const read = prisma.shop.count({ where: { id: "uncommitted.myshopify.com" } }).then((n) => n);
    await new Promise((r) => setTimeout(r, 100));
    release();
    await rolledBack;
    expect(await read).toBe(0);
  });

  it("the global client used inside a transaction's callback does not deadlock", async () => {
    await prisma.shop.create({ data: { id: "b.myshopify.com" } });
    const n = await prisma.$transaction(async (tx) => {
      await tx.customer.create({ data: { shopId: "b.myshopify.com", shopifyId: "1" } });
      return prisma.customer.count({ where: { shopId: "b.myshopify.com" } });
    }, { timeout: 5000 });
    expect(n).toBeGreaterThanOrEqual(0);
  });
});

describe("SharedExclusiveLock", () => {
  it("shares between readers, excludes a writer, and serves a waiting writer before newer readers", async () => {
    const lock = new SharedExclusiveLock();
    const order: string[] = [];
    await lock.acquire(false);
    await lock.acquire(false);
    const writer = lock.acquire(true).then(() => order.push("writer"));
    const reader = lock.acquire(false).then(() => order.push("late reader"));
    await Promise.resolve();
    expect(order).toEqual([]);
    lock.release(false);
    lock.release(false);
    await writer;
    expect(order).toEqual(["writer"]);
    lock.release(true);
    await reader;
    expect(order).toEqual(["writer", "late reader"]);
  });
});
