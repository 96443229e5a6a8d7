// The CLI's argument errors: exit code 2 and a message naming the problem.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const bin = path.resolve(__dirname, "../../../bin/loopwise.js");
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", env: { ...process.env, NODE_ENV: "test" }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe("loopwise CLI", () => {
  it("lists commands and prints each command's help", () => {
    const top = run("--help");
    expect(top.code).toBe(0);
    for (const c of ["demo", "seed", "import-orders", "db-setup"]) expect(top.out).toContain(c);
    for (const c of ["demo", "seed", "import-orders", "db-setup", "compare-demo"]) {
      const h = run(c, "--help");
      expect(h.code).toBe(0);
      expect(h.out).toMatch(new RegExp(`^Usage: loopwise ${c}`));
    }
  });

  it.each([
    [["frobnicate"], /unknown command "frobnicate"/],
    [["demo", "--bogus"], /demo: Unknown option '--bogus'/],
    [["demo", "--port", "http"], /--port must be a whole number/],
    [["demo", "--json"], /--json needs --headless/],
    [["demo", "--customers", "0"], /--customers must be a whole number from 1/],
    [["demo", "--now", "someday"], /--now must be an ISO date/],
    [["seed", "--url", "not a url", "--secret", "s"], /--url is not a URL/],
    [["seed", "--url", "http://127.0.0.1:9", "--shop", "evil.com", "--secret", "s"], /--shop must be a myshopify.com domain/],
    [["import-orders"], /the CSV file is required/],
    [["import-orders", "a.csv"], /--shop <domain> is required/],
    [["import-orders", "a.csv", "--shop", "x.myshopify.com"], /--columns is required/],
    [["import-orders", "a.csv", "--shop", "x.myshopify.com", "--columns", "customer=C,date=D"], /amount=<column> or price=<column>/],
    [["import-orders", "a.csv", "--shop", "x.myshopify.com", "--columns", "customer=C,date=D,amount=A", "--date-format", "YYYY"], /--date-format must be one of/],
    [["import-orders", "a.csv", "--shop", "x.myshopify.com", "--columns", "customer=C,date=D,amount=A", "--currency", "pounds"], /--currency must be a 3-letter/],
    [["import-orders", "a.csv", "b.csv"], /unexpected argument "b.csv"/],
  ])("%j exits 2", (args, message) => {
    const r = run(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it("refuses the demo when NODE_ENV=production", () => {
    const r = spawnSync(process.execPath, [bin, "demo", "--headless"], { encoding: "utf8", env: { ...process.env, NODE_ENV: "production" } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/refused when NODE_ENV=production/);
  });
});
