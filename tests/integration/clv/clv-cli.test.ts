// `loopwise clv` end to end: the published CDNOW values from the CSV (skipped
// when ../shared/data is absent), and bad input exiting with code 2.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const repoRoot = path.resolve(__dirname, "../../..");
const bin = path.join(repoRoot, "bin/loopwise.js");
const CDNOW = path.resolve(repoRoot, "..", "shared", "data", "cdnow", "cdnowElog.csv");
const present = fs.existsSync(CDNOW);
if (!present) console.warn(`clv-cli.test.ts: CDNOW test skipped: no data at ${CDNOW}`);

const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, "clv", ...args], { encoding: "utf8", env: { ...process.env, NODE_ENV: "test" }, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "loopwise-clv-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, text);
  return p;
};
const cols = ["--customer-col", "Customer", "--date-col", "Date", "--amount-col", "Total"];

describe("loopwise clv", () => {
  it.skipIf(!present)("prints the published BG/NBD and Gamma-Gamma fits and the holdout for the CDNOW sample", () => {
    const r = run("--orders", CDNOW, "--customer-col", "sampleid", "--date-col", "date", "--amount-col", "sales", "--calibration-end", "1997-09-30", "--holdout-end", "1998-06-30", "--json");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out);
    expect(out.customers).toBe(2357);
    const { r: rr, alpha, a, b, logLikelihood } = out.bgnbd;
    expect([rr, alpha, a, b].map((v: number) => v.toFixed(3))).toEqual(["0.243", "4.414", "0.793", "2.426"]);
    expect(logLikelihood.toFixed(1)).toBe("-9582.4");
    expect([out.gammaGamma.p, out.gammaGamma.q, out.gammaGamma.gamma].map((v: number) => v.toFixed(2))).toEqual(["6.25", "3.74", "15.44"]);
    expect(out.gammaGamma.customers).toBe(946);
    expect(out.gammaGamma.logLikelihood).toBeCloseTo(-4055.9177, 3);
    expect(out.holdout.actual).toBe(1882);
    expect(out.holdout.predicted.toFixed(1)).toBe("1653.4");
    expect(out.holdout.correlation.toFixed(3)).toBe("0.626");
  });

  it("states the Fader–Hardie conventions in --help", () => {
    const r = run("--help");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: loopwise clv/);
    expect(r.out).toMatch(/same day .* merged/s);
    expect(r.out).toMatch(/first purchase day is not counted/);
    expect(r.out).toMatch(/Gamma-Gamma is fitted on repeat purchases only/);
  });

  it("reports too little data instead of a fit (exit 1)", () => {
    const csv = file("tiny.csv", "Customer,Date,Total\nA,20240101,10\nA,2024-01-08,12\nB,2024-01-02T10:00:00Z,5\n");
    const r = run("--orders", csv, ...cols, "--calibration-end", "2024-02-01", "--json");
    expect(r.code).toBe(1);
    const out = JSON.parse(r.out);
    expect(out).toMatchObject({ customers: 2, repeatBuyers: 1, bgnbd: { status: "insufficient-data" }, gammaGamma: { status: "insufficient-data" } });
    expect(out.bgnbd.reason).toMatch(/2 customers; BG\/NBD needs at least 200/);
  });

  it.each([
    [[], /--orders is required/],
    [["--orders", "x.csv", ...cols], /--calibration-end is required/],
    [["--orders", "missing.csv", ...cols, "--calibration-end", "2024-02-01"], /no such file/],
    [["--orders", "x.csv", ...cols, "--calibration-end", "2024-02-30"], /--calibration-end must be a date YYYY-MM-DD/],
    [["--orders", "x.csv", ...cols, "--calibration-end", "2024-02-01", "--holdout-end", "2024-01-01"], /--holdout-end must be after/],
    [["--orders", "x.csv", ...cols, "--calibration-end", "2024-02-01", "--unit", "month"], /--unit must be week or day/],
  ])("%j exits 2", (args, message) => {
    const r = run(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it("exits 2 on a missing column or bad rows, naming them", () => {
    const noColumn = file("nocol.csv", "Client,Date,Total\nA,20240101,10\n");
    const r1 = run("--orders", noColumn, ...cols, "--calibration-end", "2024-02-01");
    expect(r1.code).toBe(2);
    expect(r1.err).toMatch(/column\(s\) not in the header.*Customer/);
    const bad = file("bad.csv", "Customer,Date,Total\nA,20240101,10\nA,01/02/2024,10\nB,20240105,ten\n");
    const r2 = run("--orders", bad, ...cols, "--calibration-end", "2024-02-01");
    expect(r2.code).toBe(2);
    expect(r2.err).toMatch(/2 bad row\(s\)[\s\S]*line 3: Date[\s\S]*line 4: Total: not an amount/);
  });
});
