// segmentTrend on the real database (SQLite, and PostgreSQL with TEST_DATABASE=postgres):
// daily sizes rebuilt from transitions must equal the sizes recorded at the end of each day.
import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { all } from "~/core/audience/segments/rule";
import {
  countMembers,
  evaluateCustomerSegments,
  evaluateShopSegments,
  saveSegment,
  segmentTrend,
  SegmentNotFoundError,
  SegmentRuleError,
} from "~/core/audience/segments/segments.server";

const SHOP = "trend-a.myshopify.com"; // America/Los_Angeles: UTC−7 in June
const OTHER = "trend-b.myshopify.com";
const GOLD = all({ type: "tag", op: "has", tag: "gold" });
const cid = (n: number) => `tr-${n}`;

async function setTags(n: number, tags: string) {
  await prisma.customer.update({ where: { id: cid(n) }, data: { tags } });
}

/** Size at the end of each local day, as recorded while the days happened. */
const recorded = new Map<string, number>();
let segmentId = "";

beforeAll(async () => {
  await prisma.shop.create({ data: { id: SHOP, timezone: "America/Los_Angeles" } });
  await prisma.shop.create({ data: { id: OTHER } });
  for (let n = 0; n < 10; n++) {
    await prisma.customer.create({ data: { id: cid(n), shopId: SHOP, shopifyId: String(n), tags: n < 3 ? "gold" : "" } });
  }
  const size = () => countMembers(SHOP, GOLD);

  // 2026-06-01 (local): saved at 10:00 with 3 members; a fourth joins at 23:30 local, which is already June 2 in UTC.
  segmentId = (await saveSegment(SHOP, { name: "Gold", rule: GOLD }, { now: new Date("2026-06-01T17:00:00Z") })).id;
  await setTags(3, "gold");
  await evaluateCustomerSegments(SHOP, cid(3), { now: new Date("2026-06-02T06:30:00Z") });
  recorded.set("2026-06-01", await size());
  // June 2: one leaves, two join.
  await setTags(0, "");
  await setTags(4, "Gold");
  await setTags(5, "silver, gold");
  for (const n of [0, 4, 5]) await evaluateCustomerSegments(SHOP, cid(n), { now: new Date("2026-06-02T18:00:00Z") });
  recorded.set("2026-06-02", await size());
  // June 3: nothing happens.
  recorded.set("2026-06-03", await size());
  // June 4: the daily recompute finds two gone and one new.
  await setTags(1, "");
  await setTags(2, "");
  await setTags(6, "gold");
  await evaluateShopSegments(SHOP, { now: new Date("2026-06-04T20:00:00Z") });
  recorded.set("2026-06-04", await size());
  // June 5 (today): one more joins in the morning.
  await setTags(7, "gold");
  await evaluateCustomerSegments(SHOP, cid(7), { now: new Date("2026-06-05T16:00:00Z") });
  recorded.set("2026-06-05", await size());
}, 60_000);

const NOW = new Date("2026-06-05T19:00:00Z");

describe.each([
  ["grouped by instant", undefined],
  ["counted day by day", 0],
])("segmentTrend, %s", (_path, groupedLimit) => {
  it("equals the sizes recorded at the end of each day of the shop's time zone, zero before the segment existed", async () => {
    expect([...recorded.values()]).toEqual([4, 5, 5, 4, 5]); // the scenario moved the size every day but one
    const trend = await segmentTrend(SHOP, segmentId, 7, { now: NOW, groupedLimit });
    expect(trend).toEqual([
      { date: "2026-05-30", size: 0 },
      { date: "2026-05-31", size: 0 },
      ...[...recorded].map(([date, size]) => ({ date, size })),
    ]);
    expect(trend.at(-1)!.size).toBe((await prisma.segment.findUniqueOrThrow({ where: { id: segmentId } })).size);
    expect(await segmentTrend(SHOP, segmentId, 1, { now: NOW, groupedLimit })).toEqual([{ date: "2026-06-05", size: 5 }]);
  });

  it("uses UTC days for a shop without a time zone", async () => {
    await prisma.shop.update({ where: { id: SHOP }, data: { timezone: null } });
    try {
      // The 23:30 local join (06:30 UTC on June 2) now counts on June 2.
      expect(await segmentTrend(SHOP, segmentId, 3, { now: NOW, groupedLimit })).toEqual([
        { date: "2026-06-03", size: 5 },
        { date: "2026-06-04", size: 4 },
        { date: "2026-06-05", size: 5 },
      ]);
      expect((await segmentTrend(SHOP, segmentId, 5, { now: NOW, groupedLimit })).slice(0, 2)).toEqual([
        { date: "2026-06-01", size: 3 },
        { date: "2026-06-02", size: 5 },
      ]);
    } finally {
      await prisma.shop.update({ where: { id: SHOP }, data: { timezone: "America/Los_Angeles" } });
    }
  });

  it("works for a built-in segment from the rows the profile recompute writes", async () => {
    const key = `at-risk-${groupedLimit ?? "g"}`; // built-in in kind; a key per run of this block
    const builtin = await prisma.segment.create({ data: { shopId: SHOP, key, name: "At risk", kind: "builtin", definition: {} } });
    const batch = async (when: string, enter: number[], leave: number[]) => {
      const at = new Date(when);
      if (enter.length) await prisma.segmentMembership.createMany({ data: enter.map((n) => ({ shopId: SHOP, segmentId: builtin.id, customerId: cid(n), enteredAt: at })) });
      await prisma.segmentMembership.deleteMany({ where: { segmentId: builtin.id, customerId: { in: leave.map(cid) } } });
      await prisma.segmentTransition.createMany({
        data: [...enter.map((n) => ({ n, kind: "entered" })), ...leave.map((n) => ({ n, kind: "left" }))].map(({ n, kind }) => ({ shopId: SHOP, segmentId: builtin.id, customerId: cid(n), kind, at })),
      });
    };
    await batch("2026-06-02T11:00:00Z", [0, 1, 2, 3, 4, 5], []); // a recompute: one instant for the batch
    await batch("2026-06-03T15:00:00Z", [6], [0]);
    await batch("2026-06-03T15:00:01Z", [], [1]);
    await batch("2026-06-05T10:00:00Z", [7, 8], [2, 3, 4]);
    expect(await segmentTrend(SHOP, builtin.id, 5, { now: NOW, groupedLimit })).toEqual([
      { date: "2026-06-01", size: 0 },
      { date: "2026-06-02", size: 6 },
      { date: "2026-06-03", size: 5 },
      { date: "2026-06-04", size: 5 },
      { date: "2026-06-05", size: 4 },
    ]);
  });

  it("refuses a bad number of days and another shop's segment", async () => {
    for (const days of [0, -1, 2.5, 367, Number.NaN]) await expect(segmentTrend(SHOP, segmentId, days, { now: NOW })).rejects.toBeInstanceOf(SegmentRuleError);
    await expect(segmentTrend(OTHER, segmentId, 7, { now: NOW })).rejects.toBeInstanceOf(SegmentNotFoundError);
    await expect(segmentTrend(SHOP, "missing", 7, { now: NOW })).rejects.toBeInstanceOf(SegmentNotFoundError);
  });
});
