import { describe, expect, it } from "vitest";
import prisma, { isUniqueViolation } from "~/db.server";

describe("the data model", () => {
  it("deletes all of a shop's rows with the shop, and only that shop's", async () => {
    for (const id of ["a.myshopify.com", "b.myshopify.com"]) {
      await prisma.shop.create({ data: { id } });
      await prisma.customer.create({ data: { shopId: id, shopifyId: "1", email: `x@${id}` } });
      await prisma.product.create({ data: { shopId: id, shopifyId: "9", title: "Hat", handle: "hat" } });
    }
    await prisma.shop.delete({ where: { id: "a.myshopify.com" } });
    expect(await prisma.customer.count({ where: { shopId: "a.myshopify.com" } })).toBe(0);
    expect(await prisma.product.count({ where: { shopId: "a.myshopify.com" } })).toBe(0);
    expect(await prisma.customer.count({ where: { shopId: "b.myshopify.com" } })).toBe(1);
  });

  it("reports a duplicate Shopify id as a unique violation on either database", async () => {
    await prisma.shop.create({ data: { id: "c.myshopify.com" } });
    await prisma.customer.create({ data: { shopId: "c.myshopify.com", shopifyId: "7" } });
    const error = await prisma.customer.create({ data: { shopId: "c.myshopify.com", shopifyId: "7" } }).catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
  });
});
