// The file side of `loopwise recommend-eval`: streams order-line CSVs through
// the shared CSV reader into baskets, then runs the pure evaluation.
import fs from "node:fs";
import path from "node:path";
import { readCsv } from "../import/csv";
import { TransactionInputError } from "../audience/clv/transaction-rows";
import type { Similarity } from "./copurchase";
import { evaluateRecommender, type EvaluationResult } from "./evaluate";
import { OrderLineRows, type OrderLineColumns, type OrderLinesResult } from "./order-lines";

export class RecommendEvalInputError extends Error {}

export interface RecommendEvalOptions {
  /** CSV files, or directories whose *.csv files are read in name order. */
  paths: string[];
  columns: OrderLineColumns;
  /** YYYY-MM-DD: orders from this day on (UTC) are the test side. */
  splitDate: string;
  k: number;
  cancelPrefix?: string;
  nonProducts?: readonly string[];
  similarity?: Similarity;
}

export interface RecommendEvalResult extends EvaluationResult {
  k: number;
  splitDate: string;
  files: number;
  rows: number;
  skipped: OrderLinesResult["skipped"];
  guestRows: number;
  similarity: Similarity;
  seconds: number;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseSplitDate(value: string): number {
  const m = DAY.exec(value);
  const ms = m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!) : NaN;
  if (!m || new Date(ms).getUTCDate() !== +m[3]!) throw new RecommendEvalInputError(`--split-date must be a date YYYY-MM-DD, got "${value}"`);
  return ms;
}

export function expandPaths(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    if (!fs.existsSync(p)) throw new RecommendEvalInputError(`no such file: ${p}`);
    if (fs.statSync(p).isDirectory()) {
      const csvs = fs.readdirSync(p).filter((f) => f.toLowerCase().endsWith(".csv")).sort();
      if (csvs.length === 0) throw new RecommendEvalInputError(`no .csv files in ${p}`);
      files.push(...csvs.map((f) => path.join(p, f)));
    } else files.push(p);
  }
  return files;
}

export async function runRecommendEval(options: RecommendEvalOptions): Promise<RecommendEvalResult> {
  const started = performance.now();
  const splitAt = parseSplitDate(options.splitDate);
  const files = expandPaths(options.paths);
  const rows = new OrderLineRows({ columns: options.columns, cancelPrefix: options.cancelPrefix, nonProducts: options.nonProducts, maxErrors: 20 });
  for (const file of files) {
    const name = path.basename(file);
    rows.startFile(name);
    let sawHeader = false;
    try {
      for await (const record of readCsv(fs.createReadStream(file))) {
        sawHeader = true;
        rows.add(record);
        if (rows.tooManyErrors) break;
      }
    } catch (error) {
      if (error instanceof TransactionInputError) throw new RecommendEvalInputError(`${name}: ${error.message}`);
      throw error;
    }
    if (!sawHeader) throw new RecommendEvalInputError(`${name}: the file is empty (no header line)`);
    if (rows.tooManyErrors) break;
  }
  const read = rows.result();
  if (read.errorCount > 0) {
    const lines = read.errors.map((e) => `  ${e.message}`).join("\n");
    throw new RecommendEvalInputError(`${read.errorCount}${rows.tooManyErrors ? "+" : ""} bad row(s):\n${lines}`);
  }
  const similarity = options.similarity ?? "cosine";
  const result = evaluateRecommender(read.orders, { splitAt, k: options.k, copurchase: { similarity } });
  return {
    ...result,
    k: options.k,
    splitDate: options.splitDate,
    files: files.length,
    rows: read.rows,
    skipped: read.skipped,
    guestRows: read.guestRows,
    similarity,
    seconds: (performance.now() - started) / 1000,
  };
}
