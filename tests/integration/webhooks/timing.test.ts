// How long one signed orders/create takes through the route action (verify,
// receipt, parse, write), on the test database. Guards Shopify's 5 s budget
// with a wide margin and prints the figures.
import { expect, it } from "vitest";
import prisma from "~/db.server";
import { fixture, send, signedRequest } from "./send";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

it("handles an orders/create well within Shopify's 5 seconds", async () => {
  const base = fixture<Json>("orders-create");
  const body = (id: number): Json => ({ ...base, id, checkout_token: `tok-${id}`, line_items: base.line_items.map((li: Json, i: number) => ({ ...li, id: id * 10 + i })) });
  for (let i = 0; i < 10; i++) await send({ topic: "orders/create", body: body(1000 + i) }); // warm-up
  const n = 200;
  const requests = Array.from({ length: n }, (_, i) => signedRequest({ topic: "orders/create", body: body(2000 + i) }));
  const ms: number[] = [];
  const t0 = performance.now();
  for (const r of requests) {
    const t = performance.now();
    expect((await send(r)).status).toBe(200);
    ms.push(performance.now() - t);
  }
  const total = performance.now() - t0;
  ms.sort((a, b) => a - b);
  const p = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!.toFixed(1);
  const db = (process.env.DATABASE_URL ?? "").startsWith("postgres") ? "postgres" : "sqlite";
  process.stdout.write(`orders/create on ${db}: ${n} in ${total.toFixed(0)} ms, ${(n / (total / 1000)).toFixed(0)}/s, p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${ms[ms.length - 1]!.toFixed(1)} ms\n`);
  expect(await prisma.order.count()).toBe(n + 10);
  expect(Number(p(0.99))).toBeLessThan(1000);
});
