// `loopwise preview` end to end, as a user runs it: every email of a flow for
// sample recipients, written as .html, .txt and .eml files that parse as MIME;
// clear errors for bad arguments and a missing demo database. Also the demo's
// flows step (the same shop: flows with offline drafts, idempotent).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { seedDemoFlows } from "~/demo/flows.server";
import { ADDRESS, seedShop } from "./fixtures";

const SHOP = "preview-cli.myshopify.com";
const bin = path.resolve(__dirname, "../../../bin/loopwise.js");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "loopwise-preview-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, "preview", ...args], {
    encoding: "utf8",
    env: { ...process.env, NODE_ENV: "test", LOOPWISE_LLM: "offline" },
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

function decodeQuotedPrintable(input: string): string {
  const bytes: number[] = [];
  const text = input.replace(/=\r\n/g, "");
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "=") {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(text.charCodeAt(i));
  }
  return Buffer.from(bytes).toString("utf8");
}

/** Headers (unfolded, RFC 2047 words decoded) and body of a message or a part. */
function parse(raw: string) {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split);
  expect(head).not.toMatch(/(?<!\r)\n/); // CRLF line ends only
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]/g, " ").split("\r\n")) {
    const colon = line.indexOf(":");
    const value = line.slice(colon + 1).trim().replace(/(\?=)\s+(?==\?UTF-8\?B\?)/g, "$1").replace(/=\?UTF-8\?B\?([^?]+)\?=/g, (_, b64: string) => Buffer.from(b64, "base64").toString("utf8"));
    headers.set(line.slice(0, colon).toLowerCase(), value);
  }
  return { headers, body: raw.slice(split + 4) };
}

beforeAll(async () => {
  await seedShop(SHOP, 6);
});

describe("loopwise preview", () => {
  it("writes every email of the flow for each sample recipient as .html, .txt and a .eml that parses", () => {
    const out = path.join(tmp, "win-back");
    const r = run("--flow", "win-back", "--out", out, "--recipients", "2", "--database", process.env.DATABASE_URL!, "--shop", SHOP);
    expect(r.err).toContain("writing the win-back flow's missing drafts first");
    expect(r.code).toBe(0);
    const files = fs.readdirSync(out).sort();
    const bases = ["1-A", "1-B", "2-A", "2-B", "3-A", "3-B"].flatMap((e) => [1, 2].map((n) => `win-back-${e}-${n}`));
    expect(files).toEqual(bases.flatMap((b) => [`${b}.eml`, `${b}.html`, `${b}.txt`]).sort());
    expect(r.out).toMatch(new RegExp(`^wrote 12 emails \\(36 files\\) to ${out.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}; largest HTML [\\d,]+ bytes\\n$`));

    for (const base of bases) {
      const html = fs.readFileSync(path.join(out, `${base}.html`), "utf8");
      const text = fs.readFileSync(path.join(out, `${base}.txt`), "utf8");
      expect(Buffer.byteLength(html)).toBeLessThan(102_000);
      expect(html).toContain(ADDRESS);
      expect(text).toContain(ADDRESS);
      expect(text).toMatch(/^Unsubscribe: https:\/\/\S+$/m);

      const message = parse(fs.readFileSync(path.join(out, `${base}.eml`), "utf8"));
      expect(message.headers.get("mime-version")).toBe("1.0");
      expect(message.headers.get("from")).toBe("Acme Goods <hello@acme.example.com>");
      expect(message.headers.get("to")).toMatch(/<customer\d+@example\.com>$/);
      expect(message.headers.get("subject")!.length).toBeGreaterThan(3);
      expect(message.headers.get("list-unsubscribe")).toMatch(/^<https:\/\/loopwise\.test\/unsubscribe\/preview-sample-link>$/);
      expect(message.headers.get("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
      const boundary = message.headers.get("content-type")!.match(/^multipart\/alternative; boundary="([^"]+)"$/)![1]!;
      const parts = message.body.split(`--${boundary}`).slice(1, -1).map((p) => parse(p.replace(/^\r\n/, "").replace(/\r\n$/, "")));
      expect(parts.map((p) => p.headers.get("content-type"))).toEqual(["text/plain; charset=utf-8", "text/html; charset=utf-8"]);
      expect(decodeQuotedPrintable(parts[0]!.body).replace(/\r\n/g, "\n")).toBe(text);
      expect(decodeQuotedPrintable(parts[1]!.body).replace(/\r\n/g, "\n")).toBe(html.replace(/\r\n/g, "\n"));
    }
    expect(fs.readFileSync(path.join(out, "win-back-1-A-1.eml"), "utf8")).toContain(`Subject: `);
  });

  it("exits 2 on bad arguments and 1 with how to make the demo database when it is missing", () => {
    expect(run("--out", tmp)).toMatchObject({ code: 2, err: expect.stringMatching(/--flow is required/) });
    expect(run("--flow", "sales-campaign", "--out", tmp)).toMatchObject({ code: 2, err: expect.stringMatching(/--flow must be one of cart-recovery, browse-abandonment/) });
    expect(run("--flow", "welcome")).toMatchObject({ code: 2, err: expect.stringMatching(/--out DIR is required/) });
    expect(run("--flow", "welcome", "--out", tmp, "--recipients", "50")).toMatchObject({ code: 2, err: expect.stringMatching(/--recipients must be a whole number from 1 to 10/) });
    const missing = run("--flow", "welcome", "--out", tmp, "--database", `file:${path.join(tmp, "nothing.db")}`);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no demo database at .*nothing\.db: make it with `npm run demo` \(or `npx loopwise seed`\)/);
    const help = spawnSync(process.execPath, [bin, "preview", "--help"], { encoding: "utf8" });
    expect(help.stdout).toMatch(/^Usage: loopwise preview --flow TYPE --out DIR/);
  });
});

describe("the demo's flows step", () => {
  it("writes every built-in flow's drafts with no validation problem, once", async () => {
    const first = await seedDemoFlows(SHOP, { db: prisma });
    expect(first).toMatchObject({ flows: 6, drafts: 36, draftsWithProblems: 0 });
    const second = await seedDemoFlows(SHOP, { db: prisma });
    expect(second).toMatchObject({ flows: 6, drafts: 36 });
    const flows = await prisma.campaign.findMany({ where: { shopId: SHOP, kind: "flow" }, select: { status: true, enabled: true } });
    expect(flows.every((f) => f.status === "review" && !f.enabled)).toBe(true);
  });
});
