// Render throughput: personalised emails per second when a variant is compiled
// once (MJML) and merged per recipient (string splicing), against a full MJML
// render per recipient; and the largest email's size (a 50-item cart, shown
// whole, every link tagged by a realistic click-tracking hook). Prints, never asserts.
//   npx tsx tests/bench/render.bench.ts      BENCH_MERGE=20000 BENCH_FULL=200 to change the counts
import { checkRendered, GMAIL_CLIP_BYTES, mergeEmail, type LinkContext, type Recipient } from "../../app/core/render";
import { compileEmail, renderFull } from "../../app/core/render/compile.server";
import { FOOTER, input, product, recipient } from "../unit/render/fixtures";

const MERGES = Number(process.env.BENCH_MERGE ?? 20_000);
const FULLS = Number(process.env.BENCH_FULL ?? 200);

/** What delivery's hook will look like: a click token and UTM parameters on every link. */
function trackingHook(recipientIndex: number) {
  let n = 0;
  return (url: string, c: LinkContext) => {
    const u = new URL(url);
    u.searchParams.set("utm_source", "loopwise");
    u.searchParams.set("utm_medium", "email");
    u.searchParams.set("utm_campaign", "cart-recovery");
    u.searchParams.set("lw", `${recipientIndex.toString(36)}.${c.kind}.${n++}.abcdefghijklmnopqrstuvwx`);
    return u.href;
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const fmt = (n: number, d = 0) => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });

async function main() {
  const recipients: Recipient[] = Array.from({ length: 1_000 }, (_, i) => recipient(i));

  // Compile: once per variant.
  const compileMs: number[] = [];
  let compiled = await compileEmail(input());
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    compiled = await compileEmail(input());
    compileMs.push(performance.now() - t0);
  }

  // Warm both paths, then time them.
  for (let i = 0; i < 500; i++) mergeEmail(compiled, recipients[i % recipients.length]!, { link: trackingHook(i) });
  for (let i = 0; i < 10; i++) await renderFull(input(), recipients[i]!, { link: trackingHook(i) });

  let bytes = 0;
  let t0 = performance.now();
  for (let i = 0; i < MERGES; i++) bytes += mergeEmail(compiled, recipients[i % recipients.length]!).html.length;
  const plainRate = MERGES / ((performance.now() - t0) / 1000);

  t0 = performance.now();
  for (let i = 0; i < MERGES; i++) bytes += mergeEmail(compiled, recipients[i % recipients.length]!, { link: trackingHook(i) }).html.length;
  const mergeSec = (performance.now() - t0) / 1000;
  const mergeRate = MERGES / mergeSec;

  t0 = performance.now();
  for (let i = 0; i < FULLS; i++) bytes += (await renderFull(input(), recipients[i % recipients.length]!, { link: trackingHook(i) })).html.length;
  const fullSec = (performance.now() - t0) / 1000;
  const fullRate = FULLS / fullSec;

  // checkRendered per email (delivery may run it on every message).
  const sample = mergeEmail(compiled, recipients[1]!, { link: trackingHook(1) });
  t0 = performance.now();
  for (let i = 0; i < 500; i++) checkRendered(sample.html, sample.text, FOOTER);
  const checkMs = (performance.now() - t0) / 500;

  // The largest email: a 50-item cart with long titles and URLs, all shown.
  const title = "Hand-loomed organic cotton and linen blend oversized weekend shirt with mother-of-pearl buttons, garment dyed in small batches, limited run";
  const cart = Array.from({ length: 50 }, (_, i) => product(i, { title: `${title} ${i}`.slice(0, 150), url: `https://acme.example/products/${"weekend-shirt-".repeat(6)}${i}?variant=${4_000_000 + i}` }));
  const whole = await compileEmail(input({ options: { maxProductsPerBlock: 50 } }));
  const largest = mergeEmail(whole, recipient(0, { products: { cart } }), { link: trackingHook(0) });
  const capped = mergeEmail(compiled, recipient(0, { products: { cart } }), { link: trackingHook(0) });
  const typical = mergeEmail(compiled, recipients[2]!, { link: trackingHook(2) });

  console.log(`\nRender (node ${process.version}, mjml 5, one process)\n`);
  console.log("| path | emails | seconds | emails/s | ms/email |");
  console.log("|---|---:|---:|---:|---:|");
  console.log(`| compile once + merge per recipient | ${fmt(MERGES)} | ${fmt(mergeSec, 2)} | ${fmt(mergeRate)} | ${fmt(1000 / mergeRate, 3)} |`);
  console.log(`| (the same, links left as they are) | ${fmt(MERGES)} | ${fmt(MERGES / plainRate, 2)} | ${fmt(plainRate)} | ${fmt(1000 / plainRate, 3)} |`);
  console.log(`| full MJML render per recipient | ${fmt(FULLS)} | ${fmt(fullSec, 2)} | ${fmt(fullRate)} | ${fmt(1000 / fullRate, 2)} |`);
  console.log(`\nratio (merge / full render, both with the tracking hook): ${fmt(mergeRate / fullRate)}x`);
  console.log(`compile one variant: ${fmt(median(compileMs), 1)} ms (median of 7)`);
  console.log(`checkRendered: ${fmt(checkMs, 2)} ms/email`);
  console.log(`\n| email | HTML bytes | text bytes | checkRendered |`);
  console.log("|---|---:|---:|---|");
  for (const [name, e] of [
    ["typical (1-4 cart items, offer)", typical],
    ["50-item cart, default cap (6 shown)", capped],
    ["50-item cart, all 50 shown (largest)", largest],
  ] as const) {
    const problems = checkRendered(e.html, e.text, FOOTER);
    console.log(`| ${name} | ${fmt(Buffer.byteLength(e.html))} | ${fmt(Buffer.byteLength(e.text))} | ${problems.length ? problems.join("; ") : "ok"} |`);
  }
  console.log(`\nGmail clipping limit used: ${fmt(GMAIL_CLIP_BYTES)} bytes (checksum ${bytes % 9973})`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
