// `loopwise recommend-eval` end to end: hit rates on a small fixture worked out
// by hand, bad input exiting with code 2, and the UCI retailer (skipped when
// ../shared/data is absent).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const repoRoot = path.resolve(__dirname, "../../..");
const bin = path.join(repoRoot, "bin/loopwise.js");
const fixtures = path.join(__dirname, "fixtures");
const TRAIN = path.join(fixtures, "orders-train.csv");
const TEST = path.join(fixtures, "orders-test.csv");
const UCI = path.resolve(repoRoot, "..", "shared", "data", "online_retail_uci");
const uciPresent = fs.existsSync(UCI);
if (!uciPresent) console.warn(`recommend cli.test.ts: UCI test skipped: no data at ${UCI}`);

const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, "recommend-eval", ...args], { encoding: "utf8", env: { ...process.env, NODE_ENV: "test" }, timeout: 300_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const cols = ["--order-col", "Invoice", "--customer-col", "Customer", "--product-col", "Item", "--date-col", "When"];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "loopwise-rec-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, text);
  return p;
};

// The fixture, worked by hand (split 2024-03-01):
// training orders (11: the cancellation C1008 and the POST line are skipped; 1004 is a guest's):
//   P1 in 4 orders, P3 4, P2 3, P5 3, P4 2, P6 2, P7 1;
//   pairs with support ≥ 2: P1–P2 3 (cosine 3/√12 = .866), P3–P4 2 (2/√8), P5–P6 2 (2/√6).
// evaluated: 101 (bought P1 P2; first next order P3), 104 (P3 P4 → P5), 105 (P5 P6 → P7),
//   108 (P3 → P4), 109 (P5 → P6), 110 (P1 → P2; 2008 and 2011 tie on the day: 2008 first);
//   102 re-buys P1 only (withoutNewProducts); 111 and the guest have no training orders.
// k = 2, popularity (not bought): 101 P3 P5 hit; 104 P1 P2; 105 P1 P3; 108 P1 P2; 109 P1 P3;
//   110 P3 P2 hit → 2/6.
// k = 2, ours = co-purchase score / best + 0.5 × orders / 4: 101 P3 P5 hit (nothing new goes with
//   P1 P2); 104 P1 P2; 105 P1 P3; 108 P4 (1.25) P1 hit; 109 P6 (1.25) P1 hit; 110 P2 (1.375) P1 hit → 4/6.
// k = 1: ours 101 P3, 108 P4, 109 P6, 110 P2 → 4/6; popularity only 101 (P3) → 1/6.
describe("loopwise recommend-eval", () => {
  it.each([
    ["2", { hits: 4, popularityHits: 2, onlyOurs: 2 }],
    ["1", { hits: 4, popularityHits: 1, onlyOurs: 3 }],
  ])("prints the hand-computed hit rates at k=%s", (k, expected) => {
    const r = run("--orders", TRAIN, TEST, ...cols, "--split-date", "2024-03-01", "--k", k, "--json");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out);
    expect(out).toMatchObject({
      customers: 6,
      customersBothSides: 7,
      withoutNewProducts: 1,
      onlyPopularity: 0,
      trainOrders: 11,
      guestTrainOrders: 1,
      testOrders: 11,
      trainProducts: 7,
      files: 2,
      rows: 33,
      skipped: { cancellations: 1, nonPositiveQuantity: 0, nonProducts: 1 },
      guestRows: 3,
      k: Number(k),
      ...expected,
    });
    expect(out.hitRate).toBeCloseTo(expected.hits / 6, 12);
    expect(out.popularityHitRate).toBeCloseTo(expected.popularityHits / 6, 12);
  });

  it("reads a directory's CSV files as one history, and prints a readable summary without --json", () => {
    const dir = path.join(tmp, "dir");
    fs.mkdirSync(dir);
    fs.copyFileSync(TRAIN, path.join(dir, "a.csv"));
    fs.copyFileSync(TEST, path.join(dir, "b.csv"));
    fs.writeFileSync(path.join(dir, "notes.txt"), "not a csv");
    const r = run("--orders", dir, ...cols, "--split-date", "2024-03-01", "--k", "2");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^6 customers evaluated \(7 with orders on both sides of 2024-03-01; 1 bought nothing new\)/);
    expect(r.out).toMatch(/hit rate at k=2: ours 66\.7 % \(4\), popularity 33\.3 % \(2\)/);
  });

  it("states how cancellations, returns, guests and the protocol are handled in --help", () => {
    const r = run("--help");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: loopwise recommend-eval --orders PATH\.\.\./);
    expect(r.out).toMatch(/cancellation/);
    expect(r.out).toMatch(/quantity <= 0 \(returns\)/);
    expect(r.out).toMatch(/guest orders/);
    expect(r.out).toMatch(/POST,DOT,M,D,C2/);
    expect(r.out).toMatch(/first order after it/);
  });

  it.each([
    [[], /--orders is required/],
    [["--orders", TRAIN, ...cols], /--split-date is required/],
    [["--orders", TRAIN, "--order-col", "Invoice", "--split-date", "2024-03-01"], /--customer-col is required/],
    [["--orders", TRAIN, ...cols, "--split-date", "2024-02-30"], /--split-date must be a date YYYY-MM-DD/],
    [["--orders", TRAIN, ...cols, "--split-date", "2024-03-01", "--k", "0"], /--k must be a whole number from 1 to 100/],
    [["--orders", "missing.csv", ...cols, "--split-date", "2024-03-01"], /no such file/],
    [["--orders", TRAIN, ...cols, "--split-date", "2024-03-01", "--similarity", "magic"], /--similarity must be/],
  ])("%j exits 2", (args, message) => {
    const r = run(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it("exits 2 on a missing column or bad rows, naming the file and line", () => {
    const r1 = run("--orders", TRAIN, ...cols.slice(0, 6), "--date-col", "Date", "--split-date", "2024-03-01");
    expect(r1.code).toBe(2);
    expect(r1.err).toMatch(/orders-train\.csv: column\(s\) not in the header \(line 1\): Date/);
    const bad = file("bad.csv", "Invoice,Item,When,Customer\n1,P1,20240101,a\n2,P1,31/01/2024,a\n3,,20240101,b\n");
    const r2 = run("--orders", bad, ...cols, "--split-date", "2024-03-01");
    expect(r2.code).toBe(2);
    expect(r2.err).toMatch(/2 bad row\(s\):\n {2}bad\.csv line 3: When: [^\n]*\n {2}bad\.csv line 4: empty Item/);
    const empty = file("empty.csv", "");
    expect(run("--orders", empty, ...cols, "--split-date", "2024-03-01").err).toMatch(/empty\.csv: the file is empty/);
  });

  // Split 2011-09-01: nine months of training (Dec 2010 – Aug 2011, as the CLV
  // validation of issue 3 calibrates), and the test side holds the busy
  // Sep–Dec season, where most customers order again.
  it.skipIf(!uciPresent)("beats popularity on the UCI retailer (one-third customer subset)", () => {
    const r = run("--orders", UCI, "--order-col", "InvoiceNo", "--customer-col", "CustomerID", "--product-col", "StockCode", "--date-col", "InvoiceDate", "--split-date", "2011-09-01", "--k", "4", "--json");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out);
    console.log(`UCI recommend-eval: ${out.customers} customers, hit rate ${out.hitRate.toFixed(4)} vs popularity ${out.popularityHitRate.toFixed(4)} in ${out.seconds.toFixed(1)} s`);
    expect(out.files).toBe(13);
    expect(out.rows).toBe(143_600);
    expect(out.skipped.cancellations).toBeGreaterThan(0);
    expect(out.customers).toBeGreaterThan(500);
    expect(out.hitRate).toBeGreaterThan(out.popularityHitRate);
    // The paired difference: customers only ours hits outnumber those only popularity hits (McNemar z > 3).
    expect((out.onlyOurs - out.onlyPopularity) / Math.sqrt(out.onlyOurs + out.onlyPopularity)).toBeGreaterThan(3);
  });
});
