// Saving and deleting merchant segments on the real database (SQLite, and PostgreSQL
// with TEST_DATABASE=postgres): reserved built-in keys, names, deletion rules.
import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { SEGMENT_KEYS } from "~/core/audience/profiles/lifecycle";
import { all } from "~/core/audience/segments/rule";
import {
  BuiltinSegmentError,
  deleteSegment,
  evaluateCustomerSegments,
  saveSegment,
  SegmentNotFoundError,
  SegmentRuleError,
} from "~/core/audience/segments/segments.server";

const SHOP = "manage-a.myshopify.com";
const OTHER = "manage-b.myshopify.com";
const RULE = all({ type: "tag", op: "has", tag: "vip" });
const NOW = new Date("2026-06-01T12:00:00Z");

let builtinId = "";

beforeAll(async () => {
  for (const shop of [SHOP, OTHER]) {
    await prisma.shop.create({ data: { id: shop } });
    await prisma.customer.createMany({
      data: [0, 1, 2].map((n) => ({ id: `${shop}-c${n}`, shopId: shop, shopifyId: String(n), tags: n === 2 ? "" : "VIP" })),
    });
  }
  builtinId = (await prisma.segment.create({ data: { shopId: SHOP, key: "dormant", name: "Dormant", kind: "builtin", definition: {} } })).id;
});

describe("reserved keys", () => {
  it("never gives a merchant segment a built-in segment's key, whether or not the shop has it yet", async () => {
    const keys: string[] = [];
    for (const name of ["At risk", "at-risk", "Dormant", "NEW!", "Champions", "High value", "One time", "Active", "Subscribers without orders"]) {
      keys.push((await saveSegment(SHOP, { name, rule: RULE }, { now: NOW })).key);
    }
    expect(keys).toEqual(["at-risk-2", "at-risk-3", "dormant-2", "new-2", "champions-2", "high-value-2", "one-time-2", "active-2", "subscribers-without-orders-2"]);
    // The profile recompute's clash check (a non-built-in row holding a built-in key) finds nothing.
    expect(await prisma.segment.findFirst({ where: { shopId: SHOP, key: { in: [...SEGMENT_KEYS] }, kind: { not: "builtin" } } })).toBeNull();
    // An ordinary slug is untouched; the same name twice gets the next free one.
    expect((await saveSegment(SHOP, { name: "VIP buyers", rule: RULE }, { now: NOW })).key).toBe("vip-buyers");
    expect((await saveSegment(SHOP, { name: "VIP buyers", rule: RULE }, { now: NOW })).key).toBe("vip-buyers-2");
    expect((await saveSegment(OTHER, { name: "VIP buyers", rule: RULE }, { now: NOW })).key).toBe("vip-buyers"); // keys are per shop
  });

  it("keeps the key when a segment is renamed", async () => {
    const s = await saveSegment(SHOP, { name: "Gold club", rule: RULE }, { now: NOW });
    const renamed = await saveSegment(SHOP, { id: s.id, name: "At risk", rule: RULE }, { now: NOW });
    expect(renamed).toMatchObject({ id: s.id, key: "gold-club", name: "At risk" });
  });
});

describe("names", () => {
  it("are trimmed, whitespace and control characters collapsed, 1 to 80 characters", async () => {
    const s = await saveSegment(SHOP, { name: "  Spring\n\tbuyers\u0000 2026 ", rule: RULE }, { now: NOW });
    expect(s.name).toBe("Spring buyers 2026");
    expect((await saveSegment(SHOP, { name: "é".repeat(80), rule: RULE }, { now: NOW })).name).toHaveLength(80);
    const refused = async (name: string) => {
      const error = await saveSegment(SHOP, { name, rule: RULE }, { now: NOW }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SegmentRuleError);
      return (error as SegmentRuleError).errors;
    };
    expect(await refused("")).toEqual(["the segment needs a name"]);
    expect(await refused(" \n\t ")).toEqual(["the segment needs a name"]);
    expect(await refused("x".repeat(81))).toEqual(["the name must be at most 80 characters (it has 81)"]);
    expect(await refused(undefined as unknown as string)).toEqual(["the segment needs a name"]);
  });

  it("keep hostile text as data", async () => {
    const name = `<img src=x onerror=alert(1)> ignore previous instructions`;
    const s = await saveSegment(SHOP, { name, rule: RULE }, { now: NOW });
    expect(s.name).toBe(name);
    expect(s.key).toBe("img-src-x-onerror-alert-1-ignore-previous-instructions");
  });
});

describe("deleteSegment", () => {
  it("deletes a merchant segment with its memberships and transitions", async () => {
    const s = await saveSegment(SHOP, { name: "To delete", rule: RULE }, { now: NOW });
    expect(s.size).toBe(2);
    expect(await prisma.segmentTransition.count({ where: { segmentId: s.id } })).toBe(2);
    expect(await deleteSegment(SHOP, s.id)).toEqual({ key: "to-delete" });
    expect(await prisma.segment.findUnique({ where: { id: s.id } })).toBeNull();
    expect(await prisma.segmentMembership.count({ where: { segmentId: s.id } })).toBe(0);
    expect(await prisma.segmentTransition.count({ where: { segmentId: s.id } })).toBe(0);
    await expect(deleteSegment(SHOP, s.id)).rejects.toBeInstanceOf(SegmentNotFoundError);
    // Per-customer updates carry on without it.
    const changes = await evaluateCustomerSegments(SHOP, `${SHOP}-c0`, { now: NOW });
    expect(changes.entered).not.toContain("to-delete");
  });

  it("refuses a built-in segment, and another shop's segment is not found", async () => {
    await expect(deleteSegment(SHOP, builtinId)).rejects.toBeInstanceOf(BuiltinSegmentError);
    await expect(saveSegment(SHOP, { id: builtinId, name: "Mine now", rule: RULE }, { now: NOW })).rejects.toBeInstanceOf(BuiltinSegmentError);
    expect(await prisma.segment.findUnique({ where: { id: builtinId } })).toMatchObject({ kind: "builtin", key: "dormant", name: "Dormant" });

    const theirs = await saveSegment(OTHER, { name: "Theirs", rule: RULE }, { now: NOW });
    await expect(deleteSegment(SHOP, theirs.id)).rejects.toBeInstanceOf(SegmentNotFoundError);
    await expect(saveSegment(SHOP, { id: theirs.id, name: "Stolen", rule: RULE }, { now: NOW })).rejects.toBeInstanceOf(SegmentNotFoundError);
    expect(await prisma.segment.findUnique({ where: { id: theirs.id } })).toMatchObject({ shopId: OTHER, name: "Theirs", size: 2 });
  });
});
