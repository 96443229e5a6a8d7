// The Loopwise command line: `npx loopwise <command> [options]`.
import path from "node:path";
import { intOption, parseCommand, UsageError } from "./args";
import { clvCommand } from "./clv";
import { DEFAULT_NON_PRODUCTS } from "../app/core/recommend/order-lines";
import { FLOW_TYPES } from "../app/core/flows/plan/types";

/** The flows every shop has (the one-off sales campaign is not one). */
const BUILT_IN_FLOW_TYPES = FLOW_TYPES.filter((t) => t !== "sales-campaign");

type Command = { summary: string; usage: string; run: (argv: string[]) => Promise<number> };

const log = (line: string) => process.stderr.write(line + "\n");

const COMMANDS: Record<string, Command> = {
  clv: clvCommand,
  demo: {
    summary: "seed the demo shop and serve the admin on 127.0.0.1",
    usage: `Usage: loopwise demo [--headless] [--json] [--port N] [--seed N] [--customers N] [--products N] [--now ISO]

Creates prisma/demo.db, starts a fake Shopify Admin loaded with a generated
store, starts the app on 127.0.0.1, installs the demo shop through token
exchange, replays the store as signed webhooks and pixel events, and prints a
URL that opens the admin. Refused when NODE_ENV=production.

  --headless      seed, summarise and exit instead of serving
  --json          with --headless: print the summary as one JSON object
  --port N        port to serve on (default 3000; 0 picks a free one)
  --seed N        generator seed (default 42)
  --customers N   customers to generate (default 2000)
  --products N    products to generate (default 240)
  --now ISO       end of the store's year of history (default: this hour)`,
    run: async (argv) => {
      const { values } = parseCommand("demo", argv, {
        headless: { type: "boolean" },
        json: { type: "boolean" },
        port: { type: "string" },
        seed: { type: "string" },
        customers: { type: "string" },
        products: { type: "string" },
        now: { type: "string" },
      });
      if (values.help) return help("demo");
      if (values.json && !values.headless) throw new UsageError("demo: --json needs --headless");
      const now = checkNow("demo", values.now);
      const { runDemo } = await import("./demo");
      return runDemo({
        headless: !!values.headless,
        json: !!values.json,
        port: intOption("demo", "port", values.port, values.headless ? 0 : 3000, { max: 65535 }),
        seed: intOption("demo", "seed", values.seed, 42, { max: 2 ** 32 - 1 }),
        customers: intOption("demo", "customers", values.customers, 2000, { min: 1, max: 200_000 }),
        products: values.products === undefined ? undefined : intOption("demo", "products", values.products, 240, { min: 1, max: 20_000 }),
        now,
        log: values.json ? () => {} : log,
      });
    },
  },
  seed: {
    summary: "replay the generated store into a running app (or seed the demo database)",
    usage: `Usage: loopwise seed --url <app origin> --secret <api secret> [--shop D] [--seed N] [--customers N] [--products N] [--now ISO] [--concurrency N]
       loopwise seed [--seed N] [--customers N] [--json]     (no --url: recreate and seed prisma/demo.db, then exit)

With --url, sends the store as signed webhooks (X-Shopify-Hmac-Sha256 with --secret,
or SHOPIFY_API_SECRET) and pixel batches to a running app; the shop must be installed.`,
    run: async (argv) => {
      const { values } = parseCommand("seed", argv, {
        url: { type: "string" },
        secret: { type: "string" },
        shop: { type: "string" },
        seed: { type: "string" },
        customers: { type: "string" },
        products: { type: "string" },
        now: { type: "string" },
        concurrency: { type: "string" },
        json: { type: "boolean" },
      });
      if (values.help) return help("seed");
      const seed = intOption("seed", "seed", values.seed, 42, { max: 2 ** 32 - 1 });
      const customers = intOption("seed", "customers", values.customers, 2000, { min: 1, max: 200_000 });
      const now = checkNow("seed", values.now);
      if (!values.url) {
        if (values.secret || values.shop) throw new UsageError("seed: --secret and --shop need --url");
        const { runDemo } = await import("./demo");
        return runDemo({ headless: true, json: !!values.json, port: 0, seed, customers, now, log: values.json ? () => {} : log });
      }
      let appUrl: URL;
      try {
        appUrl = new URL(values.url);
      } catch {
        throw new UsageError(`seed: --url is not a URL: "${values.url}"`);
      }
      const secret = values.secret ?? process.env.SHOPIFY_API_SECRET;
      if (!secret) throw new UsageError("seed: --secret (or SHOPIFY_API_SECRET) is required with --url");
      const shop = values.shop ?? "loopwise-demo.myshopify.com";
      if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shop)) throw new UsageError(`seed: --shop must be a myshopify.com domain, got "${shop}"`);
      const { generateDemoStore, describeStore } = await import("../app/demo/generator");
      const { replayStore } = await import("../app/demo/replay.server");
      const products = values.products === undefined ? undefined : intOption("seed", "products", values.products, 240, { min: 1, max: 20_000 });
      const store = generateDemoStore({ seed, customers, shopDomain: shop, ...(products ? { products } : {}), ...(now ? { now } : {}) });
      const summary = await replayStore(store, { appUrl: appUrl.origin, apiSecret: secret }, {
        concurrency: intOption("seed", "concurrency", values.concurrency, 8, { min: 1, max: 64 }),
        onProgress: values.json ? undefined : ({ phase, done, total }) => done === total && log(`  ${phase}: ${done}/${total}`),
      });
      const out = { shop, ...describeStore(store), sent: summary };
      process.stdout.write(values.json ? JSON.stringify(out) + "\n" : `seeded ${shop} at ${appUrl.origin}: ${summary.webhooks} webhooks, ${summary.pixelEvents} pixel events in ${summary.seconds.toFixed(1)} s\n`);
      return 0;
    },
  },
  "import-orders": {
    summary: "import an order-history CSV for a shop",
    usage: `Usage: loopwise import-orders <file.csv> --shop <domain> --columns customer=COL,date=COL,amount=COL[,product=COL][,quantity=COL][,order=COL][,email=COL]
                              [--currency USD] [--date-format auto|iso|M/D/YYYY|D/M/YYYY] [--delimiter ,] [--max-errors 100] [--json]

Roles in --columns (header names, case-insensitive):
  customer  customer id (required)          date      order date (required)
  amount    the row's total, or             price     unit price (× quantity)
  quantity  units (default 1)               product   product title or code
  order     order/invoice id (rows sharing it form one order; default: customer + date)
  email     customer email
Rows with a quantity ≤ 0 or a negative amount (returns, cancellations) are skipped.
Dates without a UTC offset are read as UTC; "auto" accepts ISO 8601 and M/D/YYYY H:mm.
Writes to DATABASE_URL. Re-importing the same file updates in place (ids "import:…").`,
    run: async (argv) => {
      const { values, positionals } = parseCommand(
        "import-orders",
        argv,
        {
          shop: { type: "string" },
          columns: { type: "string" },
          currency: { type: "string" },
          "date-format": { type: "string" },
          delimiter: { type: "string" },
          "max-errors": { type: "string" },
          json: { type: "boolean" },
        },
        1,
      );
      if (values.help) return help("import-orders");
      const file = positionals[0];
      if (!file) throw new UsageError("import-orders: the CSV file is required");
      if (!values.shop) throw new UsageError("import-orders: --shop <domain> is required");
      if (!values.columns) throw new UsageError("import-orders: --columns is required (e.g. customer=CustomerID,date=InvoiceDate,amount=Total)");
      const { parseColumnSpec, DATE_FORMATS, ImportInputError } = await import("../app/core/import/order-rows");
      const dateFormat = (values["date-format"] ?? "auto") as (typeof DATE_FORMATS)[number];
      if (!DATE_FORMATS.includes(dateFormat)) throw new UsageError(`import-orders: --date-format must be one of ${DATE_FORMATS.join(", ")}`);
      const currency = (values.currency ?? "USD").toUpperCase();
      if (!/^[A-Z]{3}$/.test(currency)) throw new UsageError(`import-orders: --currency must be a 3-letter ISO code, got "${values.currency}"`);
      const delimiter = values.delimiter === "\\t" ? "\t" : values.delimiter ?? ",";
      if (delimiter.length !== 1 || delimiter === '"') throw new UsageError("import-orders: --delimiter must be one character");
      try {
        const columns = parseColumnSpec(values.columns);
        const { importOrders } = await import("../app/core/import/import.server");
        const { openDatabase } = await import("../app/db.server");
        const db = openDatabase();
        try {
          const summary = await importOrders(db, {
            file: path.resolve(file),
            shop: values.shop,
            columns,
            currency,
            dateFormat,
            delimiter,
            maxErrors: intOption("import-orders", "max-errors", values["max-errors"], 100, { max: 1_000_000 }),
          });
          if (values.json) process.stdout.write(JSON.stringify(summary) + "\n");
          else {
            process.stdout.write(`imported ${summary.orders} orders (${summary.lineItems} lines) for ${summary.customers} customers from ${summary.rows} rows in ${summary.seconds.toFixed(1)} s; ${summary.skippedRows} rows skipped (quantity ≤ 0 or negative amount), ${summary.errorCount} bad rows\n`);
            for (const e of summary.errors.slice(0, 20)) process.stdout.write(`  line ${e.line}: ${e.message}\n`);
          }
          return summary.errorCount > 0 ? 1 : 0;
        } finally {
          await db.$disconnect();
        }
      } catch (error) {
        if (error instanceof ImportInputError) throw new UsageError(`import-orders: ${error.message}`);
        throw error;
      }
    },
  },
  "recommend-eval": {
    summary: "measure product recommendations on an order-line CSV against popularity",
    usage: `Usage: loopwise recommend-eval --orders PATH... --order-col NAME --customer-col NAME --product-col NAME --date-col NAME
                               --split-date YYYY-MM-DD [--k 4] [--quantity-col NAME] [--cancel-prefix C]
                               [--exclude-products LIST] [--similarity cosine|jaccard|conditional|lift] [--json]

Trains the co-purchase recommender (the one behind the emails' "often bought
with" blocks) on the orders before the split date and tests it on what
customers bought next.

  --orders PATH...      CSV files with a header line, one row per product of an order;
                        several files (or directories: their *.csv, in name order) are
                        read as one history
  --order-col NAME      order / invoice id (rows sharing it form one order)
  --customer-col NAME   customer id ("17850.0" and "17850" are one customer)
  --product-col NAME    product id or stock code
  --date-col NAME       YYYYMMDD, YYYY-MM-DD, an ISO date-time, or M/D/YYYY H:mm (the
                        original UCI form); without an offset read as UTC
  --split-date D        orders from this day on (00:00 UTC) are the test side
  --k N                 products recommended per customer (default 4)
  --quantity-col NAME   with it, rows with a quantity <= 0 (returns) are skipped
  --cancel-prefix P     an order id starting with P then a digit is a cancellation and
                        skipped (default C, the UCI convention; "" for none)
  --exclude-products L  comma-separated codes that are not products, skipped
                        (default ${DEFAULT_NON_PRODUCTS.join(",")}; "" for none)
  --similarity S        co-purchase similarity (default cosine, chosen by measurement)
  --json                print one JSON object

Protocol (issue 4): every customer with orders on both sides of the split is
evaluated on their first order after it (ties: the smaller order id); the
targets are its products they had not bought before; a hit is any target among
the k recommendations. A customer whose first order holds only products they
had bought is counted in withoutNewProducts and left out of both rates (neither
method recommends bought products). The baseline recommends the k products in
most training orders that the customer has not bought.
Rows without a customer id are guest orders: they train both methods and are
never evaluated. A product counts once per order, whatever its quantity.
Prints customers, hitRate, popularityHitRate, and hits, onlyOurs/onlyPopularity
(customers hit by one method only), coverage, counts of skipped rows, seconds.
Bad input (missing file or column, a bad date) exits with code 2.`,
    run: async (argv) => {
      const { values, positionals } = parseCommand(
        "recommend-eval",
        argv,
        {
          orders: { type: "string", multiple: true },
          "order-col": { type: "string" },
          "customer-col": { type: "string" },
          "product-col": { type: "string" },
          "date-col": { type: "string" },
          "quantity-col": { type: "string" },
          "split-date": { type: "string" },
          k: { type: "string" },
          "cancel-prefix": { type: "string" },
          "exclude-products": { type: "string" },
          similarity: { type: "string" },
          json: { type: "boolean" },
        },
        Infinity,
      );
      if (values.help) return help("recommend-eval");
      if (!values.orders?.length) throw new UsageError("recommend-eval: --orders is required (see loopwise recommend-eval --help)");
      for (const name of ["order-col", "customer-col", "product-col", "date-col", "split-date"] as const) {
        if (!values[name]) throw new UsageError(`recommend-eval: --${name} is required (see loopwise recommend-eval --help)`);
      }
      const similarity = values.similarity ?? "cosine";
      if (!["cosine", "jaccard", "conditional", "lift"].includes(similarity)) throw new UsageError(`recommend-eval: --similarity must be cosine, jaccard, conditional or lift, got "${similarity}"`);
      const cancelPrefix = values["cancel-prefix"];
      if (cancelPrefix !== undefined && !/^[A-Za-z]*$/.test(cancelPrefix)) throw new UsageError(`recommend-eval: --cancel-prefix must be letters (or ""), got "${cancelPrefix}"`);
      const excluded = values["exclude-products"];
      const { runRecommendEval, RecommendEvalInputError } = await import("../app/core/recommend/evaluate-files.server");
      const { TransactionInputError } = await import("../app/core/audience/clv/transaction-rows");
      try {
        const result = await runRecommendEval({
          paths: [...values.orders, ...positionals].map((p) => path.resolve(p)),
          columns: {
            order: values["order-col"]!,
            customer: values["customer-col"]!,
            product: values["product-col"]!,
            date: values["date-col"]!,
            ...(values["quantity-col"] ? { quantity: values["quantity-col"] } : {}),
          },
          splitDate: values["split-date"]!,
          k: intOption("recommend-eval", "k", values.k, 4, { min: 1, max: 100 }),
          cancelPrefix,
          nonProducts: excluded === undefined ? undefined : excluded.split(",").map((c) => c.trim()).filter(Boolean),
          similarity: similarity as "cosine" | "jaccard" | "conditional" | "lift",
        });
        if (values.json) process.stdout.write(JSON.stringify(result) + "\n");
        else {
          const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
          process.stdout.write(
            `${result.customers} customers evaluated (${result.customersBothSides} with orders on both sides of ${result.splitDate}; ${result.withoutNewProducts} bought nothing new)\n` +
              `hit rate at k=${result.k}: ours ${pct(result.hitRate)} (${result.hits}), popularity ${pct(result.popularityHitRate)} (${result.popularityHits}); hit by ours only ${result.onlyOurs}, by popularity only ${result.onlyPopularity}\n` +
              `trained on ${result.trainOrders} orders (${result.guestTrainOrders} guest) and ${result.trainProducts} products from ${result.rows} rows in ${result.files} file(s); skipped ${result.skipped.cancellations} cancellation, ${result.skipped.nonPositiveQuantity} return and ${result.skipped.nonProducts} non-product rows; ${result.seconds.toFixed(2)} s\n`,
          );
        }
        return 0;
      } catch (error) {
        if (error instanceof RecommendEvalInputError || error instanceof TransactionInputError) throw new UsageError(`recommend-eval: ${error.message}`);
        throw error;
      }
    },
  },
  "db-setup": {
    summary: "apply the database migrations to DATABASE_URL (prisma migrate deploy)",
    usage: `Usage: loopwise db-setup

Runs \`prisma migrate deploy\` for DATABASE_URL (SQLite by default:
prisma/dev.db; a postgres:// URL uses the PostgreSQL migrations).`,
    run: async (argv) => {
      const { values } = parseCommand("db-setup", argv, {});
      if (values.help) return help("db-setup");
      const { databaseUrl } = await import("../prisma/database-url.js");
      const { migrateDeploy } = await import("./demo");
      const url = databaseUrl();
      migrateDeploy(url, "inherit");
      log(`database ready: ${url.replace(/\/\/[^@/]*@/, "//***@")}`);
      return 0;
    },
  },
  worker: {
    summary: "run background jobs (install backfill, sending, …) without serving HTTP",
    usage: `Usage: loopwise worker [--concurrency N]

Runs the job worker until SIGINT/SIGTERM, then takes no new job, lets the
running ones finish and exits (a second signal exits at once; those jobs run
again elsewhere after their lease). Needs the app's environment (.env or
variables: SHOPIFY_API_KEY, SHOPIFY_API_SECRET, SHOPIFY_APP_URL, DATABASE_URL).
Run any number of them beside web processes started with LOOPWISE_WORKER=off.
LOOPWISE_QUEUE=bullmq (with REDIS_URL) takes jobs from Redis instead of the
database; workers then also relay jobs written to the Job table in a
transaction (the outbox).

  --concurrency N   jobs at once in this process (default 1 on SQLite, 4 on PostgreSQL)`,
    run: async (argv) => {
      const { values } = parseCommand("worker", argv, { concurrency: { type: "string" } });
      if (values.help) return help("worker");
      await import("dotenv/config");
      process.env.NODE_ENV ??= "production";
      const { defaultConcurrency, runWorker } = await import("../app/jobs/worker.server");
      const concurrency = intOption("worker", "concurrency", values.concurrency, defaultConcurrency(process.env.DATABASE_URL), { min: 1, max: 256 });
      const { queue } = await import("../app/jobs/index.server");
      await runWorker(queue, { concurrency, log });
      return 0;
    },
  },
  preview: {
    summary: "render every email of a built-in flow for sample recipients of the demo shop (.html, .txt, .eml)",
    usage: `Usage: loopwise preview --flow TYPE --out DIR [--recipients 3] [--database URL] [--shop DOMAIN]

Renders every email (each step × variant) of the shop's built-in flow TYPE for
a few of its sample recipients (real customers of the flow's audience) into DIR:
<flow>-<step>-<variant>-<n>.html, .txt and .eml (multipart/alternative with
Subject, From, To and List-Unsubscribe headers). Offer codes and unsubscribe
links in previews are samples; nothing is sent and no discount is created.
Drafts the flow does not have yet are written first. Exits 1 if any email lacks
the legal footer or its plain-text part, is 102,000 bytes or more (Gmail clips
it), or has open validation problems.

  --flow TYPE       ${BUILT_IN_FLOW_TYPES.join(", ")}
  --out DIR         where the files go (created if missing)
  --recipients N    sample recipients per email (1 to 10, default 3)
  --database URL    default file:prisma/demo.db (made by \`npm run demo\` or \`npx loopwise seed\`)
  --shop DOMAIN     default the demo shop (loopwise-demo.myshopify.com)`,
    run: async (argv) => {
      const { values } = parseCommand("preview", argv, {
        flow: { type: "string" },
        out: { type: "string" },
        recipients: { type: "string" },
        database: { type: "string" },
        shop: { type: "string" },
      });
      if (values.help) return help("preview");
      if (!values.flow) throw new UsageError(`preview: --flow is required (${BUILT_IN_FLOW_TYPES.join(", ")})`);
      if (!(BUILT_IN_FLOW_TYPES as readonly string[]).includes(values.flow)) throw new UsageError(`preview: --flow must be one of ${BUILT_IN_FLOW_TYPES.join(", ")}, got "${values.flow}"`);
      if (!values.out) throw new UsageError("preview: --out DIR is required");
      const recipients = intOption("preview", "recipients", values.recipients, 3, { min: 1, max: 10 });
      const { DEMO_DATABASE, DEMO_API_KEY, DEMO_API_SECRET } = await import("./demo");
      const databaseUrl = values.database ?? "file:" + DEMO_DATABASE;
      if (databaseUrl.startsWith("file:")) {
        const fs = await import("node:fs");
        const file = path.resolve(databaseUrl.slice(5));
        if (!fs.existsSync(file) || fs.statSync(file).size === 0) {
          throw new Error(`no demo database at ${path.relative(process.cwd(), file) || file}: make it with \`npm run demo\` (or \`npx loopwise seed\`), or pass --database URL`);
        }
      }
      // The app reads its environment once, at import: the demo's, unless the caller set their own.
      process.env.DATABASE_URL = databaseUrl;
      process.env.SHOPIFY_API_KEY ??= DEMO_API_KEY;
      process.env.SHOPIFY_API_SECRET ??= DEMO_API_SECRET;
      process.env.SHOPIFY_APP_URL ??= "http://127.0.0.1:3000";
      process.env.LOG_LEVEL ??= "warn";
      const { runPreview } = await import("../app/core/campaigns/preview-cli.server");
      const result = await runPreview({
        databaseUrl,
        shop: values.shop ?? process.env.LOOPWISE_DEMO_SHOP ?? "loopwise-demo.myshopify.com",
        flowType: values.flow as (typeof BUILT_IN_FLOW_TYPES)[number],
        outDir: path.resolve(values.out),
        recipients,
        log,
      });
      process.stdout.write(`wrote ${result.emails} emails (${result.files.length} files) to ${path.resolve(values.out)}; largest HTML ${result.largestBytes.toLocaleString("en-US")} bytes\n`);
      if (result.problems.length > 0) {
        log(`preview: ${result.problems.length} problem(s):`);
        for (const p of result.problems) log(`  ${p}`);
        return 1;
      }
      return 0;
    },
  },
  "compare-demo": {
    summary: "compare the demo store's distributions with the UCI Online Retail data",
    usage: `Usage: loopwise compare-demo [--seed N] [--customers N] [--data DIR]

Prints a Markdown table (docs/demo-store.md holds the current one).`,
    run: async (argv) => {
      const { values } = parseCommand("compare-demo", argv, { seed: { type: "string" }, customers: { type: "string" }, data: { type: "string" } });
      if (values.help) return help("compare-demo");
      const { compareDemo, UCI_DIR } = await import("./compare-demo");
      const fs = await import("node:fs");
      const dir = values.data ?? UCI_DIR;
      if (!fs.existsSync(dir)) throw new UsageError(`compare-demo: no data directory at ${dir}`);
      process.stdout.write(
        (await compareDemo({
          seed: intOption("compare-demo", "seed", values.seed, 42, { max: 2 ** 32 - 1 }),
          customers: intOption("compare-demo", "customers", values.customers, 2000, { min: 1, max: 200_000 }),
          uciDir: dir,
        })) + "\n",
      );
      return 0;
    },
  },
};

function checkNow(command: string, now: string | undefined): string | undefined {
  if (now !== undefined && !Number.isFinite(Date.parse(now))) throw new UsageError(`${command}: --now must be an ISO date, got "${now}"`);
  return now;
}

function help(command?: string): number {
  if (command) process.stdout.write(COMMANDS[command]!.usage + "\n");
  else {
    const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(14)} ${c.summary}`);
    process.stdout.write(`Usage: loopwise <command> [options]   (loopwise <command> --help for details)\n\nCommands:\n${lines.join("\n")}\n`);
  }
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") return help(rest[0] && COMMANDS[rest[0]] ? rest[0] : undefined);
  const entry = COMMANDS[command];
  if (!entry) throw new UsageError(`unknown command "${command}" (commands: ${Object.keys(COMMANDS).join(", ")})`);
  return entry.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`loopwise ${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`loopwise: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
