// The recommend-eval protocol on small order sets, and the order-line reader
// (cancellations, returns, non-products, guests, dates, errors).
import { describe, expect, it } from "vitest";
import { parseCsv } from "~/core/import/csv";
import { evaluateRecommender } from "~/core/recommend/evaluate";
import { OrderLineRows, parseOrderDate, type BasketOrder } from "~/core/recommend/order-lines";
import { TransactionInputError } from "~/core/audience/clv/transaction-rows";

const SPLIT = Date.UTC(2024, 2, 1);
const day = (d: number) => SPLIT + d * 86_400_000;
const order = (orderId: string, customerId: string | null, at: number, products: string[]): BasketOrder => ({ orderId, customerId, at, products });

describe("evaluateRecommender", () => {
  // Training: X+Y in 3 orders (one a guest's), Z in 4 single-product orders (the most popular).
  const train = [
    order("t1", "a", day(-30), ["X", "Y"]),
    order("t2", "b", day(-20), ["X", "Y"]),
    order("t3", null, day(-10), ["X", "Y"]),
    ...["z1", "z2", "z3", "z4"].map((id, i) => order(id, `z${i}`, day(-5), ["Z"])),
    order("t4", "c", day(-1) + 86_399_999, ["X"]), // the last millisecond before the split: training
  ];

  it("hits what co-purchase predicts and popularity misses, on each customer's first order after the split", () => {
    const r = evaluateRecommender(
      [
        ...train,
        // c bought X; their first order after the split (t5, the earliest; t6 ties on time, larger id) holds Y.
        order("t6", "c", day(2), ["W"]),
        order("t5", "c", day(2), ["Y"]),
        order("t0", "c", day(3), ["Q"]), // later: not their first
        // a bought X, Y: first order after the split re-buys X only → no target.
        order("t8", "a", day(0), ["X"]),
        // z0 bought Z: next buys X; popularity (X then Y by orders) and ours (nothing goes with Z: popular) both hit.
        order("t9", "z0", day(4), ["X", "Z"]),
        // new customer d, and a guest: not evaluated.
        order("t10", "d", day(1), ["X"]),
        order("t11", null, day(1), ["Y"]),
      ],
      { splitAt: SPLIT, k: 1 },
    );
    expect(r).toMatchObject({
      customers: 2,
      customersBothSides: 3,
      withoutNewProducts: 1,
      hits: 2, // c: Y goes with X; z0: X is the most popular
      popularityHits: 1, // c gets Z (4 orders) and misses; z0 gets X
      onlyOurs: 1,
      onlyPopularity: 0,
      trainOrders: 8,
      guestTrainOrders: 1,
      testOrders: 7,
      trainProducts: 3,
      meanTargets: 1,
    });
    expect(r.hitRate).toBe(1);
    expect(r.popularityHitRate).toBe(0.5);
  });

  it("gives the same answer for the orders in any order, and zero rates with nobody to evaluate", () => {
    const orders = [...train, order("t5", "c", day(2), ["Y"]), order("t9", "z0", day(4), ["X"])];
    expect(evaluateRecommender([...orders].reverse(), { splitAt: SPLIT, k: 2 })).toEqual(evaluateRecommender(orders, { splitAt: SPLIT, k: 2 }));
    expect(evaluateRecommender(train, { splitAt: SPLIT, k: 2 })).toMatchObject({ customers: 0, hitRate: 0, popularityHitRate: 0 });
  });
});

describe("OrderLineRows", () => {
  const columns = { order: "Invoice", customer: "Customer", product: "Item", date: "When" };
  const read = (text: string, options: Partial<ConstructorParameters<typeof OrderLineRows>[0]> = {}) => {
    const rows = new OrderLineRows({ columns, ...options });
    rows.startFile("f.csv");
    for (const r of parseCsv(text)) rows.add(r);
    return rows.result();
  };

  it("groups rows into orders; skips cancellations, non-products and (with a quantity column) returns; keeps guests", () => {
    const csv = "invoice,ITEM,Qty,When,Customer\n1,A,2,20240101,17850.0\n1,K,1,20240101,17850\n1,A,1,20240101,17850\nC2,A,-1,20240102,17850\n3,post,1,20240103,9\n3,N,0,20240103,9\n3,L,1,2024-01-03T10:00:00+01:00,9\n4,E,1,1/5/2024 8:26,\n";
    const out = read(csv, { columns: { ...columns, quantity: "Qty" } });
    expect(out.orders).toEqual([
      { orderId: "1", customerId: "17850", at: Date.UTC(2024, 0, 1), products: ["A", "K"] },
      { orderId: "3", customerId: "9", at: Date.UTC(2024, 0, 3, 9), products: ["L"] },
      { orderId: "4", customerId: null, at: Date.UTC(2024, 0, 5, 8, 26), products: ["E"] },
    ]);
    expect(out).toMatchObject({ rows: 8, skipped: { cancellations: 1, nonPositiveQuantity: 1, nonProducts: 1 }, guestRows: 1, errorCount: 0 });
    // Without the quantity column the zero-quantity row is a purchase; with no cancel prefix C2 is an order;
    // with no non-product list "post" is a product. By default the UCI codes (POST, D, M, …) are not products.
    expect(read("Invoice,Item,When,Customer\n1,D,20240101,x\n1,M,20240101,x\n1,Bank Charges,20240101,x\n").skipped.nonProducts).toBe(3);
    const loose = read(csv, { cancelPrefix: "", nonProducts: [] });
    expect(loose.orders.map((o) => [o.orderId, o.products])).toEqual([["1", ["A", "K"]], ["C2", ["A"]], ["3", ["post", "N", "L"]], ["4", ["E"]]]);
  });

  it("reports bad rows with file and line, and missing columns by name", () => {
    const out = read("Invoice,Item,When,Customer\n1,A,2024-13-01,x\n,A,20240101,x\n2,,20240101,x\n3,A,yesterday,x\n4,A,20240101,x\n4,K,20240101,y\n");
    expect(out.errors.map((e) => e.line)).toEqual([2, 3, 4, 5, 7]);
    expect(out.errors[0]!.message).toMatch(/^f\.csv line 2: When: invalid date/);
    expect(out.errors[1]!.message).toMatch(/empty Invoice/);
    expect(out.errors[2]!.message).toMatch(/empty Item/);
    expect(out.errors[3]!.message).toMatch(/unrecognised date "yesterday" \(expected YYYYMMDD, YYYY-MM-DD, an ISO date-time or M\/D\/YYYY H:mm\)/);
    expect(out.errors[4]!.message).toMatch(/order 4 belongs to customer x \(f\.csv line 6\), not y/);
    expect(() => read("Invoice,Item,Date,Customer\n")).toThrow(TransactionInputError);
    expect(() => read("Invoice,Item,Date,Customer\n")).toThrow(/not in the header.*When/);
    expect(() => read("Invoice,Item,When,Customer\n", { columns: { ...columns, quantity: "Qty" } })).toThrow(/Qty/);
  });

  it("parses the four date forms as UTC", () => {
    expect(parseOrderDate("20111209")).toBe(Date.UTC(2011, 11, 9));
    expect(parseOrderDate("2011-12-09")).toBe(Date.UTC(2011, 11, 9));
    expect(parseOrderDate("2011-12-09 12:50:00")).toBe(Date.UTC(2011, 11, 9, 12, 50));
    expect(parseOrderDate("12/9/2011 12:50")).toBe(Date.UTC(2011, 11, 9, 12, 50));
    expect(parseOrderDate("13/9/2011 12:50")).toMatch(/unrecognised|invalid/);
  });
});
