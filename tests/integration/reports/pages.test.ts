// The report page and the CSV export through their real route loaders, with an
// authenticated admin request (a session token and the shop's stored offline
// session): funnel, variants, top products and attributed orders with their
// rules; the CSV streamed, quoted and formula-safe; another shop's campaign a 404.
import { beforeAll, describe, expect, it } from "vitest";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { parseCsv } from "../../unit/reports/parse-csv";
import prisma from "~/db.server";
import { RULE_TEXT } from "~/core/attribution/rules";
import { ATTRIBUTION_RECREDIT_JOB, recreditJobHandler } from "~/core/attribution/settings.server";
import { embeddedQueue } from "~/jobs/queue.server";
import { CSV_COLUMNS } from "~/core/reports/export";
import { exportPage } from "~/core/reports/export.server";
import { addDays, dayBounds, dayOf } from "~/core/reports/days";
import { loader as reportLoader } from "~/routes/app.reports.$id/route";
import { loader as csvLoader } from "~/routes/app.reports.orders[.]csv";
import { handleAttributionSettingsForm, loadAttributionSettingsView } from "~/routes/app.settings/attribution.server";
import { A, B, buildShops, HOSTILE_CAMPAIGN, HOSTILE_NAME, ids, adminRequest } from "./fixtures";


async function thrown(promise: Promise<unknown>): Promise<Response> {
  const e = await promise.then(() => undefined, (x: unknown) => x);
  if (!(e instanceof Response)) throw new Error(`expected a thrown Response, got ${String(e)}`);
  return e;
}

const call = async <T>(loader: (args: LoaderFunctionArgs) => Promise<T>, path: string, params: Record<string, string> = {}) =>
  loader({ request: await adminRequest(path), params, context: {} });

beforeAll(buildShops);

describe("report page", () => {
  it("shows the cart flow's funnel, variants, top products and its attributed orders with the rule in words", async () => {
    const { report: r } = await call(reportLoader, `/app/reports/${ids.cart}`, { id: ids.cart });
    const sent = await prisma.message.findMany({ where: { shopId: A.id, campaignId: ids.cart, status: "sent", test: false } });
    expect(r.funnel.map((s) => [s.key, s.count])).toEqual([
      ["sent", sent.length],
      ["delivered", sent.filter((m) => m.deliveredAt).length],
      ["clicked", sent.filter((m) => m.clickedAt).length],
      ["ordered", 3], // #R2, #R3, #R7 (#R8 was cancelled)
    ]);
    expect(r.funnel[1]!.rate).toBe(sent.filter((m) => m.deliveredAt).length / sent.length);
    expect(r.totals.revenue).toBe(4550 + 8025 + 7000);
    expect(r.byVariant.map((v) => `${v.step}${v.variant}`)).toEqual(["0A", "0B", "1B"]);

    // Every attributed order of the flow, cancelled one included (marked), newest first, with its rule and email.
    expect(r.orders.total).toBe(4);
    expect(r.orders.rows.map((o) => [o.name, o.rule, o.cancelled])).toEqual([
      ["#R8", "last-click", true],
      ["#R3", "last-click", false],
      ["#R2", "click-token", false],
      ["#R7", "last-click", false],
    ]);
    const r3 = r.orders.rows.find((o) => o.name === "#R3")!;
    expect(r3).toMatchObject({ customer: HOSTILE_NAME, revenue: 8025, ruleText: RULE_TEXT["last-click"], messageId: ids.messages.m3, step: 1, variant: "B" });

    // Top products: the fixture's two lines in each of #R2, #R3, #R7 (not the cancelled #R8).
    expect(r.topProducts).toEqual([
      { title: "Merino Beanie", productId: "8012345678901", quantity: 6, revenue: 3 * (2999 * 2 - 600) },
      { title: "Wool Socks", productId: "8012345678902", quantity: 3, revenue: 3 * (2999 - 400) },
    ]);
    expect(r.attribution).toMatch(/^Each order is credited to at most one email/);
  });

  it("narrows to a period and pages the orders", async () => {
    const { report: week } = await call(reportLoader, `/app/reports/${ids.cart}?days=7`, { id: ids.cart });
    expect(week.period?.days).toBe(7);
    expect(week.orders.rows.map((o) => o.name)).not.toContain("#R7");
    const { report: far } = await call(reportLoader, `/app/reports/${ids.cart}?page=99`, { id: ids.cart });
    expect(far.orders.page).toBe(1); // one page only: clamped
  });

  it("is a 404 for another shop's campaign, and for no campaign at all", async () => {
    expect((await thrown(call(reportLoader, `/app/reports/${ids.other}`, { id: ids.other }))).status).toBe(404);
    expect((await thrown(call(reportLoader, `/app/reports/nope`, { id: "nope" }))).status).toBe(404);
  });
});

describe("CSV export", () => {
  it("streams every attributed order of the shop as an attachment, RFC 4180 quoted and formula-safe", async () => {
    const res = await call(csvLoader, "/app/reports/orders.csv");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="loopwise-attributed-orders.csv"');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8's byte order mark, for Excel
    const text = new TextDecoder().decode(bytes); // drops the mark
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual([...CSV_COLUMNS]);
    expect(rows.map((r) => r[0]).sort()).toEqual(["#R1", "#R2", "#R3", "#R5", "#R7", "#R8"]);
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    const r1 = rows.find((r) => r[0] === "#R1")!;
    const order1 = await prisma.order.findFirstOrThrow({ where: { shopId: A.id, name: "#R1" } });
    expect(r1[col("order id")]).toBe("7001");
    expect(r1[col("placed at")]).toBe("2026-06-10T20:00:00.000Z");
    expect(r1[col("net revenue")]).toBe(((12000 - order1.refundedAmount) / 100).toFixed(2));
    expect(r1[col("refunded")]).toBe("yes");
    expect(r1[col("campaign")]).toBe(`'${HOSTILE_CAMPAIGN}`); // the formula is inert, the commas and quotes kept in one cell
    expect(r1[col("rule")]).toBe("discount-code");
    expect(r1[col("rule text")]).toBe(RULE_TEXT["discount-code"]);
    expect(r1[col("message id")]).toBe(ids.messages.m1);
    const r8 = rows.find((r) => r[0] === "#R8")!;
    expect([r8[col("cancelled")], r8[col("net revenue")], r8[col("step")], r8[col("variant")]]).toEqual(["yes", "0.00", "2", "B"]);
    // Nothing of the other shop.
    expect(text).not.toContain("theirs@example.com");
  });

  it("exports one campaign, or the dashboard's period; another shop's campaign is a 404 and a bad period a 400", async () => {
    const one = await call(csvLoader, `/app/reports/orders.csv?campaign=${ids.sale}`);
    expect(one.headers.get("content-disposition")).toMatch(/^attachment; filename="loopwise-attributed-orders-hyperlink-http-evil-example-summer-sale\.csv"$/);
    expect(parseCsv(await one.text()).slice(1).map((r) => r[0]).sort()).toEqual(["#R1", "#R5"]);
    // The route's period ends today (the real clock): the orders placed since today - 364 in New York.
    const year = await call(csvLoader, "/app/reports/orders.csv?days=365");
    const since = dayBounds(addDays(dayOf(new Date(), A.timezone), -364), A.timezone).start;
    const placed = await prisma.attribution.findMany({ where: { shopId: A.id, orderCreatedAt: { gte: since } }, select: { orderId: true } });
    const names = (await prisma.order.findMany({ where: { id: { in: placed.map((p) => p.orderId) } }, select: { name: true } })).map((o) => o.name);
    expect(parseCsv(await year.text()).slice(1).map((r) => r[0]).sort()).toEqual(names.sort());
    // The period's bounds as the route passes them, for the fixture's week (NOW): not #R7, placed on June 5th.
    const week = await exportPage(A.id, { from: dayBounds("2026-06-09", A.timezone).start, to: dayBounds("2026-06-15", A.timezone).end }, null);
    expect(parseCsv(week.text).map((r) => r[0]).sort()).toEqual(["#R1", "#R2", "#R3", "#R5", "#R8"]);
    const oneDay = (day: string) => exportPage(A.id, { from: dayBounds(day, A.timezone).start, to: dayBounds(day, A.timezone).end }, null);
    expect(parseCsv((await oneDay("2026-06-12")).text).map((r) => r[0])).toEqual(["#R3"]); // 02:30 UTC on the 13th: the 12th in New York
    expect(parseCsv((await oneDay("2026-06-13")).text)).toEqual([]);
    expect((await thrown(call(csvLoader, `/app/reports/orders.csv?campaign=${ids.other}`))).status).toBe(404);
    expect((await thrown(call(csvLoader, "/app/reports/orders.csv?days=12"))).status).toBe(400);
  });

  it("reads in keyset pages: small pages give the same rows as one", async () => {
    let cursor: Parameters<typeof exportPage>[2] = null;
    let text = "";
    let pages = 0;
    do {
      const page = await exportPage(A.id, {}, cursor, { pageSize: 2 });
      text += page.text;
      cursor = page.next;
      pages++;
    } while (cursor);
    expect(pages).toBe(4); // 2 + 2 + 2, then an empty page
    expect(text).toBe((await exportPage(A.id, {}, null, { pageSize: 1000 })).text);
  });
});

describe("attribution settings form", () => {
  it("refuses a bad window per field and stores nothing; a good save re-credits and states the new rule", async () => {
    const form = (f: Record<string, string>) => {
      const d = new FormData();
      for (const [k, v] of Object.entries(f)) d.set(k, v);
      return d;
    };
    const bad = await handleAttributionSettingsForm({ id: B.id }, form({ intent: "attribution", windowDays: "45", openWindowDays: "two" }));
    expect(bad).toMatchObject({ ok: false, fields: { windowDays: "The attribution window must be at most 30 days.", openWindowDays: "The open window must be a number of days." } });
    expect((await loadAttributionSettingsView({ id: B.id })).fields).toEqual({ windowDays: "5", countOpens: false, openWindowDays: "1" });
    const queue = embeddedQueue(prisma);
    queue.register(ATTRIBUTION_RECREDIT_JOB, recreditJobHandler());
    const good = await handleAttributionSettingsForm({ id: B.id }, form({ intent: "attribution", windowDays: "7", countOpens: "on", openWindowDays: "3" }));
    expect(good).toMatchObject({ ok: true, changed: true, view: { fields: { windowDays: "7", countOpens: true, openWindowDays: "3" } } });
    expect(good.ok && good.view.text).toMatch(/within 7 days.*within 3 days/);
    // The re-crediting is a job (minutes at a large store), not the request's work; it runs on the worker.
    const job = await prisma.job.findFirstOrThrow({ where: { type: ATTRIBUTION_RECREDIT_JOB, shopId: B.id }, select: { status: true } });
    expect(job.status).toBe("queued");
    // A second change before it ran: the pending job reads the newer rule when it runs, so no second job.
    expect(await handleAttributionSettingsForm({ id: B.id }, form({ intent: "attribution", windowDays: "8", countOpens: "on", openWindowDays: "3" }))).toMatchObject({ ok: true, changed: true });
    expect(await prisma.job.count({ where: { type: ATTRIBUTION_RECREDIT_JOB, shopId: B.id } })).toBe(1);
    await queue.drain();
    expect(await prisma.job.findFirstOrThrow({ where: { type: ATTRIBUTION_RECREDIT_JOB, shopId: B.id }, select: { status: true } })).toEqual({ status: "done" });
  });
});
