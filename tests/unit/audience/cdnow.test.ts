// Validation against the literature on the CDNOW sample (Fader, Hardie & Lee 2005):
// 2,357 customers, 39-week calibration, 39-week holdout. Reads ../shared/data/cdnow in
// place; skipped with a message when it is absent.
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseCsv } from "~/core/import/csv";
import {
  conditionalExpectedPurchases,
  expectedPurchases,
  fitBgnbd,
  probabilityAlive,
  probabilityOfPurchases,
  type BgnbdParams,
} from "~/core/audience/clv/bgnbd";
import { conditionalExpectedSpend, fitGammaGamma } from "~/core/audience/clv/gamma-gamma";
import { scoreHoldout } from "~/core/audience/clv/model";
import { correlation } from "~/core/audience/clv/special";
import { summarize, type Summary } from "~/core/audience/clv/summary";
import { TransactionRows } from "~/core/audience/clv/transaction-rows";

const repoRoot = path.resolve(__dirname, "../../..");
const DIR = path.resolve(repoRoot, "..", "shared", "data", "cdnow");
const present = fs.existsSync(path.join(DIR, "cdnowElog.csv"));
if (!present) console.warn(`cdnow.test.ts: skipped: no CDNOW data at ${DIR}`);

interface Reference {
  bgnbd: Record<string, unknown> & {
    published_paper: { r: number; alpha: number; a: number; b: number; log_likelihood: number };
    published_btyd_vignette_mle: { r: number; alpha: number; a: number; b: number };
    published_clvtools_test_mle: { r: number; alpha: number; a: number; b: number; log_likelihood: number };
    recomputed_mle: { r: number; alpha: number; a: number; b: number; log_likelihood: number };
    conditional_expectation_examples: { x: number; t_x: number; T: number; t: number; expected?: number; tolerance?: number; p_alive?: number; recomputed_with_published_params?: number }[];
    unconditional_expectation_E_X_t: { t: number[]; expected: number[] };
    pmf_with_published_params: { "P(X(2)=10)": number; "P(X(39)=0)": number; "P(X(30)=n) for n=11..20": number[] };
    calibration_histogram: { actual_x_0_to_6_and_7plus: number[]; recomputed_expected_mle: number[]; chi2_3df: { published_paper: number } };
    holdout: {
      actual_repeat_transactions_weeks_40_78: number;
      actual_repeat_transactions_weeks_1_39: number;
      sum_of_conditional_expectations_39wk_recomputed: number;
      cond_exp_by_calibration_frequency: { n: number[]; actual: number[]; expected: number[] };
      corr_conditional_expectation_vs_actual: { published_paper: number };
    };
  };
  gamma_gamma: {
    published: { p: number; q: number; gamma: number; n_customers: number; log_likelihood_clvtools_test: number };
    recomputed_mle_on_zbar_rounded_to_cents: { population_mean_p_gamma_over_q_minus_1: number };
    conditional_expected_average_profit_first_10: { params: { p: number; q: number; v: number }; expected: number[] };
  };
}

const readCsvRows = (file: string) => parseCsv(fs.readFileSync(path.join(DIR, file), "utf8")).slice(1).map((r) => r.fields);

describe.skipIf(!present)("CDNOW sample: BG/NBD and Gamma–Gamma against the published values", () => {
  let ref: Reference;
  let summary: Summary;
  let mle: BgnbdParams;
  const published = () => {
    const { r, alpha, a, b } = ref.bgnbd.published_paper;
    return { r, alpha, a, b };
  };

  beforeAll(() => {
    ref = JSON.parse(fs.readFileSync(path.join(DIR, "reference_values.json"), "utf8")) as Reference;
    const rows = new TransactionRows({ customer: "sampleid", date: "date", amount: "sales" });
    for (const record of parseCsv(fs.readFileSync(path.join(DIR, "cdnowElog.csv"), "utf8"))) rows.add(record);
    const { transactions, errorCount } = rows.result();
    expect(errorCount).toBe(0);
    summary = summarize(transactions, { calibrationEnd: Date.UTC(1997, 8, 30), holdoutEnd: Date.UTC(1998, 5, 30), unit: "week" });
    summary.customers.sort((a, b) => Number(a.id) - Number(b.id));
    const fit = fitBgnbd(summary.customers);
    if (fit.status !== "ok") throw new Error(fit.reason);
    mle = fit.params;
  });

  it("builds the same x, t_x, T, m_x and x* as the published summaries", () => {
    expect(summary.customers).toHaveLength(2357);
    expect(summary.holdoutLength).toBe(39);
    const published = readCsvRows("cdnow_customers_summary_with_transactions.csv");
    const holdout = new Map(readCsvRows("cdnow_holdout_actuals.csv").map(([id, xStar]) => [id!, Number(xStar)]));
    published.forEach(([id, x, tx, T, zbar], i) => {
      const c = summary.customers[i]!;
      expect(c.id).toBe(id);
      expect(c.x).toBe(Number(x));
      expect(Math.abs(c.tx - Number(tx))).toBeLessThanOrEqual(0.005 + 1e-9); // the file rounds to 2 decimals
      expect(Math.abs(c.T - Number(T))).toBeLessThanOrEqual(0.005 + 1e-9);
      expect(Math.abs(c.mx / 100 - Number(zbar))).toBeLessThanOrEqual(0.005 + 1e-9); // zbar is rounded to cents; m_x is in minor units
      expect(c.xStar).toBe(holdout.get(id!));
    });
    const h = ref.bgnbd.holdout;
    expect(summary.customers.reduce((s, c) => s + c.x, 0)).toBe(h.actual_repeat_transactions_weeks_1_39);
    expect(summary.customers.reduce((s, c) => s + c.xStar, 0)).toBe(h.actual_repeat_transactions_weeks_40_78);
  });

  it("reproduces the published BG/NBD parameters (3 decimals) and log-likelihood (1 decimal)", () => {
    const fit = fitBgnbd(summary.customers);
    if (fit.status !== "ok") throw new Error(fit.reason);
    const p = ref.bgnbd.published_paper;
    expect(fit.params.r.toFixed(3)).toBe(p.r.toFixed(3));
    expect(fit.params.alpha.toFixed(3)).toBe(p.alpha.toFixed(3));
    expect(fit.params.a.toFixed(3)).toBe(p.a.toFixed(3));
    expect(fit.params.b.toFixed(3)).toBe(p.b.toFixed(3));
    expect(fit.logLikelihood.toFixed(1)).toBe(p.log_likelihood.toFixed(1));
    expect(fit).toMatchObject({ customers: 2357, repeatBuyers: 946, converged: true, atBound: false });
    // And the independent recomputation (made on the summary file, whose t_x and T are
    // rounded to 2 decimals; ours are exact days / 7), to 1e-4 relative.
    const re = ref.bgnbd.recomputed_mle;
    for (const k of ["r", "alpha", "a", "b"] as const) expect(Math.abs(fit.params[k] / re[k] - 1)).toBeLessThan(1e-4);
    expect(fit.logLikelihood).toBeCloseTo(re.log_likelihood, 2);
    // CLVTools' test works from exact dates as we do: agreement to 2e-5 relative.
    const clv = ref.bgnbd.published_clvtools_test_mle;
    for (const k of ["r", "alpha", "a", "b"] as const) expect(Math.abs(fit.params[k] / clv[k] - 1)).toBeLessThan(2e-5);
    expect(fit.logLikelihood).toBeCloseTo(clv.log_likelihood, 3);
  });

  it("reproduces the published per-customer conditional expectations and P(alive)", () => {
    const btyd = ref.bgnbd.published_btyd_vignette_mle;
    const [hardie, customer1516, newcomer] = ref.bgnbd.conditional_expectation_examples;
    // Hardie's spreadsheet: fitted parameters, tolerance 0.001.
    const c1 = { x: hardie!.x, tx: hardie!.t_x, T: hardie!.T };
    expect(Math.abs(conditionalExpectedPurchases(mle, c1, hardie!.t) - hardie!.expected!)).toBeLessThan(hardie!.tolerance!);
    expect(probabilityAlive(published(), c1)).toBeCloseTo(0.7266, 4);
    // BTYD walkthrough, customer 1516, with BTYD's own MLE.
    const c2 = { x: customer1516!.x, tx: customer1516!.t_x, T: customer1516!.T };
    const btydParams = { r: btyd.r, alpha: btyd.alpha, a: btyd.a, b: btyd.b };
    // (BTYD prints its parameters to 7 significant digits, which moves this by ~5e-5.)
    expect(Math.abs(conditionalExpectedPurchases(btydParams, c2, customer1516!.t) - customer1516!.expected!)).toBeLessThan(1e-4);
    expect(probabilityAlive(btydParams, c2)).toBeCloseTo(customer1516!.p_alive!, 6);
    // A customer with no repeats.
    const c3 = { x: newcomer!.x, tx: newcomer!.t_x, T: newcomer!.T };
    expect(conditionalExpectedPurchases(published(), c3, newcomer!.t)).toBeCloseTo(newcomer!.recomputed_with_published_params!, 4);
    expect(probabilityAlive(published(), c3)).toBe(newcomer!.p_alive);
  });

  it("reproduces the unconditional E[X(t)] (3 decimals) and the purchase-count distribution", () => {
    const u = ref.bgnbd.unconditional_expectation_E_X_t;
    u.t.forEach((t, i) => expect(Math.abs(expectedPurchases(mle, t) - u.expected[i]!)).toBeLessThan(1.5e-3));
    const pmf = ref.bgnbd.pmf_with_published_params;
    const rel = (a: number, b: number) => Math.abs(a / b - 1);
    expect(rel(probabilityOfPurchases(published(), 2, 10), pmf["P(X(2)=10)"])).toBeLessThan(1e-5);
    expect(rel(probabilityOfPurchases(published(), 39, 0), pmf["P(X(39)=0)"])).toBeLessThan(1e-6);
    pmf["P(X(30)=n) for n=11..20"].forEach((v, i) => expect(rel(probabilityOfPurchases(published(), 30, 11 + i), v)).toBeLessThan(1e-6));
  });

  it("reproduces the calibration-period fit: histogram and χ² = 4.82", () => {
    const hist = ref.bgnbd.calibration_histogram;
    const actual = new Array<number>(8).fill(0);
    for (const c of summary.customers) actual[Math.min(c.x, 7)]!++;
    expect(actual).toEqual(hist.actual_x_0_to_6_and_7plus);
    const expected = new Array<number>(8).fill(0);
    for (const c of summary.customers) for (let k = 0; k < 7; k++) expected[k]! += probabilityOfPurchases(mle, c.T, k);
    expected[7] = 2357 - expected.slice(0, 7).reduce((s, v) => s + v, 0);
    expected.forEach((e, k) => expect(Math.abs(e - hist.recomputed_expected_mle[k]!)).toBeLessThan(0.051));
    const chi2 = actual.reduce((s, o, k) => s + (o - expected[k]!) ** 2 / expected[k]!, 0);
    expect(chi2.toFixed(2)).toBe(hist.chi2_3df.published_paper.toFixed(2));
  });

  it("reproduces the holdout: Σ conditional expectations, per-bin means and the correlation 0.626", () => {
    const h = ref.bgnbd.holdout;
    const score = scoreHoldout(mle, summary);
    expect(score.predicted.toFixed(1)).toBe(h.sum_of_conditional_expectations_39wk_recomputed.toFixed(1));
    expect(score.actual).toBe(h.actual_repeat_transactions_weeks_40_78);
    expect(score.correlation.toFixed(3)).toBe(h.corr_conditional_expectation_vs_actual.published_paper.toFixed(3));
    const btyd = ref.bgnbd.published_btyd_vignette_mle;
    const bins = h.cond_exp_by_calibration_frequency;
    for (let k = 0; k < 8; k++) {
      const members = summary.customers.filter((c) => (k < 7 ? c.x === k : c.x >= 7));
      expect(members).toHaveLength(bins.n[k]!);
      const mean = (f: (c: (typeof members)[number]) => number) => members.reduce((s, c) => s + f(c), 0) / members.length;
      expect(mean((c) => c.xStar)).toBeCloseTo(bins.actual[k]!, 6);
      expect(Math.abs(mean((c) => conditionalExpectedPurchases({ r: btyd.r, alpha: btyd.alpha, a: btyd.a, b: btyd.b }, c, 39)) - bins.expected[k]!)).toBeLessThan(2e-5); // 7 significant digits in BTYD's print
    }
    expect(correlation([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
  });

  it("reproduces the published Gamma–Gamma fit (p 6.25, q 3.74, γ 15.44 at 2 decimals) and conditional expected spend", () => {
    const gg = ref.gamma_gamma.published;
    const fit = fitGammaGamma(summary.customers.map((c) => ({ x: c.x, mx: c.mx / 100 })));
    if (fit.status !== "ok") throw new Error(fit.reason);
    expect(fit.customers).toBe(gg.n_customers);
    // "Published precision": 2 decimals, asserted as |Δ| < 1.5e-2 (numpy's decimal=2, as lifetimes does).
    expect(Math.abs(fit.params.p - gg.p)).toBeLessThan(1.5e-2);
    expect(Math.abs(fit.params.q - gg.q)).toBeLessThan(1.5e-2);
    expect(Math.abs(fit.params.gamma - gg.gamma)).toBeLessThan(1.5e-2);
    // With m_x from exact amounts (not rounded to cents) the fit rounds to the published values exactly.
    expect([fit.params.p.toFixed(2), fit.params.q.toFixed(2), fit.params.gamma.toFixed(2)]).toEqual([gg.p.toFixed(2), gg.q.toFixed(2), gg.gamma.toFixed(2)]);
    expect(fit.logLikelihood).toBeCloseTo(gg.log_likelihood_clvtools_test, 3);
    const mean = conditionalExpectedSpend(fit.params, { x: 0, mx: 0 });
    expect(mean).toBeCloseTo(ref.gamma_gamma.recomputed_mle_on_zbar_rounded_to_cents.population_mean_p_gamma_over_q_minus_1, 1);
    const first10 = ref.gamma_gamma.conditional_expected_average_profit_first_10;
    const params = { p: first10.params.p, q: first10.params.q, gamma: first10.params.v };
    first10.expected.forEach((e, i) => {
      const c = summary.customers[i]!;
      expect(Math.abs(conditionalExpectedSpend(params, { x: c.x, mx: c.mx / 100 }) - e)).toBeLessThan(0.1); // the source's atol
    });
    console.info(`CDNOW fits: BG/NBD ${JSON.stringify(mle)}; Gamma-Gamma ${JSON.stringify(fit.params)} LL ${fit.logLikelihood}`);
  });
});
