// `loopwise clv`: fit BG/NBD and Gamma–Gamma to an order-history CSV and print
// the parameters (and, with a holdout, how well the calibration predicts it).
import fs from "node:fs";
import path from "node:path";
import { parseCommand, UsageError } from "./args";
import { readCsv } from "../app/core/import/csv";
import { fitClvModels, type ClvFits } from "../app/core/audience/clv/model";
import { summarize, type TimeUnit } from "../app/core/audience/clv/summary";
import { TransactionInputError, TransactionRows } from "../app/core/audience/clv/transaction-rows";

const USAGE = `Usage: loopwise clv --orders FILE.csv --customer-col NAME --date-col NAME --amount-col NAME
                    --calibration-end YYYY-MM-DD [--holdout-end YYYY-MM-DD] [--unit week|day] [--json]

Fits the BG/NBD purchase model (r, alpha, a, b) and the Gamma-Gamma spend model
(p, q, gamma) by maximum likelihood on the calibration period, and with
--holdout-end compares the expected repeat purchases in the holdout with the actual.

  --orders FILE         CSV with a header line (one row per transaction or order line)
  --customer-col NAME   customer id column ("17850.0" and "17850" are one customer)
  --date-col NAME       date column: YYYYMMDD, YYYY-MM-DD or an ISO date-time
                        (without an offset read as UTC; only the UTC day counts)
  --amount-col NAME     the row's amount; rows with a negative amount (returns,
                        cancellations) are skipped
  --calibration-end D   last day of the calibration period (inclusive)
  --holdout-end D       last day of the holdout period (inclusive)
  --unit week|day       time unit of t_x, T, alpha and the holdout (default week)
  --json                print one JSON object

Conventions (Fader, Hardie & Lee 2005; Fader & Hardie 2013):
  - purchases on the same day by one customer are merged into one transaction
    (amounts summed); the first purchase day is not counted: x = repeat purchase days
  - t_x = last calibration purchase - first purchase; T = calibration end - first
    purchase; customers whose first purchase is after the calibration end are left out
  - Gamma-Gamma is fitted on repeat purchases only: m_x = mean amount of the x repeat
    transactions, over customers with x > 0; in the file's currency units
  - holdout: predicted = sum over customers of E[repeat purchases in the holdout |
    calibration history]; actual = sum of their distinct purchase days in the
    holdout; correlation = per-customer Pearson correlation of the two
Bad input (missing file or column, a bad date or amount) exits with code 2.`;

export interface ClvCliOptions {
  file: string;
  columns: { customer: string; date: string; amount: string };
  calibrationEnd: string;
  holdoutEnd?: string;
  unit: TimeUnit;
}

export interface ClvCliResult {
  file: string;
  unit: TimeUnit;
  calibrationEnd: string;
  holdoutEnd: string | null;
  rows: number;
  skippedRows: number;
  customers: number;
  repeatBuyers: number;
  excludedFirstPurchaseAfterCalibration: number;
  bgnbd: { r: number; alpha: number; a: number; b: number; logLikelihood: number; converged: boolean; atBound: boolean } | { status: "insufficient-data"; reason: string };
  gammaGamma: { p: number; q: number; gamma: number; logLikelihood: number; customers: number; meanSpend: number } | { status: "insufficient-data"; reason: string; customers: number };
  holdout?: { length: number; predicted: number; actual: number; correlation: number };
  seconds: number;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function dayOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = DAY.exec(value);
  const ms = m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!) : NaN;
  if (!m || new Date(ms).getUTCDate() !== +m[3]!) throw new UsageError(`clv: --${name} must be a date YYYY-MM-DD, got "${value}"`);
  return ms;
}

export async function runClv(options: ClvCliOptions): Promise<ClvCliResult> {
  const started = performance.now();
  const calibrationEnd = dayOption("calibration-end", options.calibrationEnd)!;
  const holdoutEnd = dayOption("holdout-end", options.holdoutEnd);
  if (holdoutEnd !== undefined && holdoutEnd <= calibrationEnd) throw new UsageError("clv: --holdout-end must be after --calibration-end");
  if (!fs.existsSync(options.file) || !fs.statSync(options.file).isFile()) throw new UsageError(`clv: no such file: ${options.file}`);
  const rows = new TransactionRows(options.columns, 5);
  try {
    for await (const record of readCsv(fs.createReadStream(options.file))) rows.add(record);
  } catch (error) {
    if (error instanceof TransactionInputError) throw new UsageError(`clv: ${path.basename(options.file)}: ${error.message}`);
    throw error;
  }
  let read;
  try {
    read = rows.result();
  } catch (error) {
    if (error instanceof TransactionInputError) throw new UsageError(`clv: ${path.basename(options.file)}: ${error.message}`);
    throw error;
  }
  if (read.errorCount > 0) {
    const lines = read.errors.map((e) => `  line ${e.line}: ${e.message}`).join("\n");
    throw new UsageError(`clv: ${read.errorCount} bad row(s) in ${path.basename(options.file)}:\n${lines}`);
  }
  const summary = summarize(read.transactions, { calibrationEnd, holdoutEnd, unit: options.unit });
  // Amounts are read in minor units (hundredths); Gamma–Gamma reports the file's units.
  const fits: ClvFits = fitClvModels(summary, { spendScale: 100 });
  const { bgnbd, gammaGamma } = fits;
  const result: ClvCliResult = {
    file: options.file,
    unit: options.unit,
    calibrationEnd: options.calibrationEnd,
    holdoutEnd: options.holdoutEnd ?? null,
    rows: read.rows,
    skippedRows: read.skippedRows,
    customers: summary.customers.length,
    repeatBuyers: summary.customers.filter((c) => c.x > 0).length,
    excludedFirstPurchaseAfterCalibration: summary.excludedLate,
    bgnbd: bgnbd.status === "ok" ? { ...bgnbd.params, logLikelihood: bgnbd.logLikelihood, converged: bgnbd.converged, atBound: bgnbd.atBound } : { status: bgnbd.status, reason: bgnbd.reason },
    gammaGamma:
      gammaGamma.status === "ok"
        ? { ...gammaGamma.params, logLikelihood: gammaGamma.logLikelihood, customers: gammaGamma.customers, meanSpend: gammaGamma.params.q > 1 ? (gammaGamma.params.p * gammaGamma.params.gamma) / (gammaGamma.params.q - 1) : NaN }
        : { status: gammaGamma.status, reason: gammaGamma.reason, customers: gammaGamma.customers },
    ...(fits.holdout ? { holdout: { length: summary.holdoutLength, ...fits.holdout } } : {}),
    seconds: (performance.now() - started) / 1000,
  };
  return result;
}

function formatText(r: ClvCliResult): string {
  const f = (v: number, d = 4) => (Number.isFinite(v) ? v.toFixed(d) : String(v));
  const out = [
    `${r.customers} customers (${r.repeatBuyers} repeat buyers) from ${r.rows} rows; ${r.skippedRows} negative-amount rows skipped; ${r.excludedFirstPurchaseAfterCalibration} customers first bought after ${r.calibrationEnd}`,
    "status" in r.bgnbd
      ? `BG/NBD: insufficient data: ${r.bgnbd.reason}`
      : `BG/NBD (per ${r.unit}): r ${f(r.bgnbd.r)}  alpha ${f(r.bgnbd.alpha)}  a ${f(r.bgnbd.a)}  b ${f(r.bgnbd.b)}  log-likelihood ${f(r.bgnbd.logLikelihood, 3)}`,
    "status" in r.gammaGamma
      ? `Gamma-Gamma: insufficient data: ${r.gammaGamma.reason}`
      : `Gamma-Gamma: p ${f(r.gammaGamma.p)}  q ${f(r.gammaGamma.q)}  gamma ${f(r.gammaGamma.gamma)}  log-likelihood ${f(r.gammaGamma.logLikelihood, 3)}  (${r.gammaGamma.customers} repeat buyers; mean spend ${f(r.gammaGamma.meanSpend, 2)})`,
  ];
  if (r.holdout) out.push(`holdout (${f(r.holdout.length, 2)} ${r.unit}s to ${r.holdoutEnd}): predicted ${f(r.holdout.predicted, 1)} repeat purchases, actual ${r.holdout.actual}, per-customer correlation ${f(r.holdout.correlation, 3)}`);
  out.push(`fitted in ${r.seconds.toFixed(2)} s`);
  return out.join("\n") + "\n";
}

export const clvCommand = {
  summary: "fit BG/NBD + Gamma-Gamma (CLV) to an order CSV; score a holdout",
  usage: USAGE,
  run: async (argv: string[]): Promise<number> => {
    const { values } = parseCommand("clv", argv, {
      orders: { type: "string" },
      "customer-col": { type: "string" },
      "date-col": { type: "string" },
      "amount-col": { type: "string" },
      "calibration-end": { type: "string" },
      "holdout-end": { type: "string" },
      unit: { type: "string" },
      json: { type: "boolean" },
    });
    if (values.help) {
      process.stdout.write(USAGE + "\n");
      return 0;
    }
    for (const name of ["orders", "customer-col", "date-col", "amount-col", "calibration-end"] as const) {
      if (!values[name]) throw new UsageError(`clv: --${name} is required (see loopwise clv --help)`);
    }
    const unit = values.unit ?? "week";
    if (unit !== "week" && unit !== "day") throw new UsageError(`clv: --unit must be week or day, got "${unit}"`);
    const result = await runClv({
      file: path.resolve(values.orders!),
      columns: { customer: values["customer-col"]!, date: values["date-col"]!, amount: values["amount-col"]! },
      calibrationEnd: values["calibration-end"]!,
      holdoutEnd: values["holdout-end"],
      unit,
    });
    process.stdout.write(values.json ? JSON.stringify(result) + "\n" : formatText(result));
    return "status" in result.bgnbd ? 1 : 0;
  },
};
