// `loopwise compare-demo`: the demo store's distributions next to the UCI
// Online Retail data set's (../shared/data/online_retail_uci), as Markdown.
import fs from "node:fs";
import path from "node:path";
import { comparisonTable, demoPurchases, storeStats, UciPurchases } from "../app/demo/compare";
import { generateDemoStore } from "../app/demo/generator";
import { readCsv } from "../app/core/import/csv";

export const UCI_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..", "shared", "data", "online_retail_uci");

export async function uciStats(dir = UCI_DIR) {
  const files = fs.readdirSync(dir).filter((f) => /^online_retail_cust3_\d{4}-\d{2}\.csv$/.test(f)).sort();
  if (files.length === 0) throw new Error(`no UCI files in ${dir}`);
  const acc = new UciPurchases();
  let header = false;
  for (const file of files) {
    for await (const record of readCsv(fs.createReadStream(path.join(dir, file)))) {
      if (header && record.line === 1) continue;
      header = true;
      acc.add(record.fields);
    }
  }
  // Twelve whole months: December 2010 to November 2011.
  return storeStats(acc.purchases({ from: "2010-12-01", to: "2011-11-30" }));
}

export async function compareDemo(options: { seed: number; customers: number; now?: string; uciDir?: string }): Promise<string> {
  const store = generateDemoStore({ seed: options.seed, customers: options.customers, now: options.now ?? "2026-11-30T23:00:00Z" });
  const demo = storeStats(demoPurchases(store));
  const uci = await uciStats(options.uciDir);
  return comparisonTable(demo, uci, [`demo store (seed ${options.seed}, ${options.customers} customers, USD)`, "UCI Online Retail, 1/3 of customers (GBP)"]);
}
