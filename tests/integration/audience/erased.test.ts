// A deleted customer leaves the built-in segments with "left" transitions, so the
// segments' past sizes (their trends) stay right: through the per-customer update
// and through the shop's full recompute.
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { recomputeShop, updateCustomer } from "~/core/audience/profiles/recompute.server";

const SHOP = "erased-a.myshopify.com";
const NOW = new Date("2026-06-01T12:00:00.000Z");

beforeEach(async () => {
  await prisma.shop.deleteMany({ where: { id: SHOP } });
  await prisma.shop.create({ data: { id: SHOP, status: "installed" } });
  for (const [id, days] of [["er-1", 5], ["er-2", 400]] as const) {
    await prisma.customer.create({ data: { id, shopId: SHOP, shopifyId: id } });
    const at = new Date(NOW.getTime() - days * 86_400_000);
    await prisma.order.create({ data: { shopId: SHOP, shopifyId: `o-${id}`, customerId: id, currency: "USD", totalPrice: 5_000, shopifyCreatedAt: at, shopifyUpdatedAt: at } });
  }
  await recomputeShop(SHOP, { now: NOW });
});

async function state(customerId: string) {
  const memberships = await prisma.segmentMembership.count({ where: { shopId: SHOP, customerId } });
  const left = await prisma.segmentTransition.findMany({ where: { shopId: SHOP, customerId, kind: "left" }, select: { segment: { select: { key: true } } } });
  return { memberships, left: left.map((t) => t.segment.key).sort() };
}

describe("erased customers and built-in segment history", () => {
  it("the per-customer update writes a 'left' transition for every segment the customer leaves", async () => {
    const before = await prisma.segmentMembership.findMany({ where: { shopId: SHOP, customerId: "er-1" }, select: { segment: { select: { key: true, size: true } } } });
    expect(before.length).toBeGreaterThan(0);
    await prisma.customer.update({ where: { id: "er-1" }, data: { deletedAt: NOW } });
    const r = await updateCustomer(SHOP, "er-1", { now: NOW });
    const after = await state("er-1");
    expect(after.memberships).toBe(0);
    expect(after.left).toEqual(before.map((m) => m.segment.key).sort());
    expect([...r!.left].sort()).toEqual(after.left);
    for (const m of before) expect((await prisma.segment.findFirstOrThrow({ where: { shopId: SHOP, key: m.segment.key } })).size).toBe(m.segment.size - 1);
  });

  it("the full recompute does the same for customers deleted since the last run", async () => {
    const keys = (await prisma.segmentMembership.findMany({ where: { shopId: SHOP, customerId: "er-2" }, select: { segment: { select: { key: true } } } })).map((m) => m.segment.key).sort();
    expect(keys).toContain("dormant");
    await prisma.customer.update({ where: { id: "er-2" }, data: { deletedAt: NOW } });
    await recomputeShop(SHOP, { now: NOW });
    expect(await state("er-2")).toEqual({ memberships: 0, left: keys });
    expect(await prisma.customerProfile.count({ where: { customerId: "er-2" } })).toBe(0);
  });
});
