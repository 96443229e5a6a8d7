// `npx tsx tests/bench/clv.bench.ts`: the CLV models on real data (prints, asserts nothing).
//   - fit time (summary + BG/NBD + Gamma–Gamma) on the CDNOW sample (2,357 customers)
//     and the full CDNOW cohort (23,570 customers, CDNOW_master.txt, whitespace-separated);
//   - UCI Online Retail (one-third customer subset): invoices as orders (cancellations,
//     "C…" invoices, excluded; amount = Σ Quantity × UnitPrice per invoice), calibrated
//     on the first nine months (2010-12-01..2011-08-31), predicting 2011-09-01..2011-12-09:
//     aggregate repeat purchases predicted vs actual and the per-customer correlation,
//     next to a naive baseline: each customer repeats their past rate, x / T × holdout length.
// Reads ../shared/data in place; a data set that is absent is reported and skipped.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readCsv, parseCsv } from "../../app/core/import/csv";
import { normalizeKey, parseMoney } from "../../app/core/import/order-rows";
import { fitClvModels, type ClvFits } from "../../app/core/audience/clv/model";
import { correlation } from "../../app/core/audience/clv/special";
import { summarize, type Summary, type Transaction } from "../../app/core/audience/clv/summary";
import { parseTransactionDate, TransactionRows } from "../../app/core/audience/clv/transaction-rows";

const DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "shared", "data");
const CDNOW = path.join(DATA, "cdnow");
const UCI = path.join(DATA, "online_retail_uci");

interface Row {
  data: string;
  customers: number;
  repeatBuyers: number;
  fitMs: number;
  fits: ClvFits;
  summary: Summary;
}

function fitTimed(name: string, transactions: Transaction[], calibrationEnd: number, holdoutEnd: number, unit: "week" | "day" = "week"): Row {
  const runs: number[] = [];
  let last: { summary: Summary; fits: ClvFits } | null = null;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const summary = summarize(transactions, { calibrationEnd, holdoutEnd, unit });
    const fits = fitClvModels(summary, { spendScale: 100 });
    runs.push(performance.now() - t0);
    last = { summary, fits };
  }
  runs.sort((a, b) => a - b);
  const { summary, fits } = last!;
  return { data: name, customers: summary.customers.length, repeatBuyers: summary.customers.filter((c) => c.x > 0).length, fitMs: runs[1]!, fits, summary };
}

function cdnowSample(): Transaction[] {
  const rows = new TransactionRows({ customer: "sampleid", date: "date", amount: "sales" });
  for (const r of parseCsv(fs.readFileSync(path.join(CDNOW, "cdnowElog.csv"), "utf8"))) rows.add(r);
  return rows.result().transactions;
}

/** CDNOW_master.txt: a header line, then "customer YYYYMMDD cds dollars", whitespace-separated, CRLF. */
function cdnowMaster(): Transaction[] {
  const out: Transaction[] = [];
  const lines = fs.readFileSync(path.join(CDNOW, "CDNOW_master.txt"), "utf8").split(/\r?\n/);
  for (const line of lines.slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4) continue;
    const at = parseTransactionDate(f[1]!);
    const amount = parseMoney(f[3]!, 2);
    if (typeof at === "string" || amount === null) throw new Error(`CDNOW_master.txt: bad line "${line}"`);
    out.push({ customerId: f[0]!, at, amount });
  }
  return out;
}

/** UCI monthly files → one transaction per purchase invoice (cancellations excluded). */
async function uciInvoices(): Promise<Transaction[]> {
  const invoices = new Map<string, Transaction>();
  const files = fs.readdirSync(UCI).filter((f) => /^online_retail_cust3_\d{4}-\d{2}\.csv$/.test(f)).sort();
  for (const file of files) {
    let header: string[] | null = null;
    for await (const record of readCsv(fs.createReadStream(path.join(UCI, file)))) {
      if (!header) {
        header = record.fields;
        continue;
      }
      const get = (name: string) => record.fields[header!.indexOf(name)]!.trim();
      const invoice = get("InvoiceNo");
      if (invoice.startsWith("C")) continue;
      const at = parseTransactionDate(get("InvoiceDate"));
      const price = parseMoney(get("UnitPrice"), 2);
      if (typeof at === "string" || price === null) throw new Error(`${file} line ${record.line}: bad date or price`);
      const line = Number(get("Quantity")) * price;
      const t = invoices.get(invoice);
      if (t) t.amount += line;
      else invoices.set(invoice, { customerId: normalizeKey(get("CustomerID")), at, amount: line });
    }
  }
  return [...invoices.values()].filter((t) => t.amount >= 0);
}

const fmt = (v: number, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : String(v));

function paramsLine(row: Row): string {
  const { bgnbd, gammaGamma } = row.fits;
  const bg = bgnbd.status === "ok" ? `r ${fmt(bgnbd.params.r)} α ${fmt(bgnbd.params.alpha)} a ${fmt(bgnbd.params.a)} b ${fmt(bgnbd.params.b)} LL ${fmt(bgnbd.logLikelihood, 1)}${bgnbd.atBound ? " (at a bound)" : ""}${bgnbd.converged ? "" : " (not converged)"}` : bgnbd.reason;
  const gg = gammaGamma.status === "ok" ? `p ${fmt(gammaGamma.params.p)} q ${fmt(gammaGamma.params.q)} γ ${fmt(gammaGamma.params.gamma)} (${gammaGamma.customers})` : gammaGamma.reason;
  return `| ${row.data} | ${row.customers} | ${row.repeatBuyers} | ${fmt(row.fitMs, 0)} | ${bg} | ${gg} |`;
}

function forecastLines(row: Row): string[] {
  const s = row.summary;
  const h = row.fits.holdout;
  if (!h) return [`| ${row.data} | (no fit) | | | | |`];
  // Naive baseline: the customer's calibration repeat rate x / T carried over the holdout.
  const naive = s.customers.map((c) => (c.T > 0 ? (c.x / c.T) * s.holdoutLength : 0));
  const actual = s.customers.map((c) => c.xStar);
  const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
  const pct = (p: number, a: number) => `${p >= a ? "+" : ""}${fmt((100 * (p - a)) / a, 1)}%`;
  return [
    `| ${row.data} | BG/NBD | ${fmt(h.predicted, 1)} | ${h.actual} | ${pct(h.predicted, h.actual)} | ${fmt(h.correlation)} |`,
    `| ${row.data} | naive x/T | ${fmt(sum(naive), 1)} | ${sum(actual)} | ${pct(sum(naive), sum(actual))} | ${fmt(correlation(naive, actual))} |`,
  ];
}

async function main() {
  const rows: Row[] = [];
  if (fs.existsSync(path.join(CDNOW, "cdnowElog.csv"))) {
    const cal = Date.UTC(1997, 8, 30);
    const hold = Date.UTC(1998, 5, 30);
    rows.push(fitTimed("CDNOW sample (39 wk)", cdnowSample(), cal, hold));
    rows.push(fitTimed("CDNOW master (39 wk)", cdnowMaster(), cal, hold));
  } else console.log(`CDNOW: skipped, no data at ${CDNOW}`);
  if (fs.existsSync(UCI)) {
    const t0 = performance.now();
    const invoices = await uciInvoices();
    console.log(`UCI: ${invoices.length} purchase invoices read in ${fmt(performance.now() - t0, 0)} ms`);
    rows.push(fitTimed("UCI retail (9 mo → 3.3 mo, weeks)", invoices, Date.UTC(2011, 7, 31), Date.UTC(2011, 11, 9)));
    rows.push(fitTimed("UCI retail (9 mo → 3.3 mo, days)", invoices, Date.UTC(2011, 7, 31), Date.UTC(2011, 11, 9), "day"));
  } else console.log(`UCI: skipped, no data at ${UCI}`);

  console.log("\nFit (summary + BG/NBD + Gamma–Gamma; median of 3 runs; node " + process.version + ")\n");
  console.log("| data | customers | repeat buyers | fit ms | BG/NBD | Gamma–Gamma (repeat buyers) |");
  console.log("|---|---:|---:|---:|---|---|");
  for (const row of rows) console.log(paramsLine(row));
  console.log("\nHoldout: repeat purchase days predicted vs actual\n");
  console.log("| data | model | predicted | actual | error | per-customer correlation |");
  console.log("|---|---|---:|---:|---:|---:|");
  for (const row of rows) for (const line of forecastLines(row)) console.log(line);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
