// One bulk operation's lifecycle against the fake Shopify over real HTTP:
// refused queries, adopting our own running operation, waiting for another.
import { afterAll, beforeAll, expect, it } from "vitest";
import { throttledAdmin } from "~/core/backfill/admin-client.server";
import { awaitBulkOperation, BulkOperationError, startBulkQuery } from "~/core/backfill/bulk.server";
import { customersBulkQuery, productsBulkQuery } from "~/core/backfill/queries";
import { sampleStore, startFakeShopify, type FakeShopify } from "../../fakes/shopify-admin";
import { TEST_API_KEY, TEST_API_SECRET } from "../../setup/test-config";
import { adminFor } from "./helpers";

const shop = "bulk-ops.myshopify.com";
let fake: FakeShopify;
const sleeps: number[] = [];
const poll = { sleep: async (ms: number) => void sleeps.push(ms) };

beforeAll(async () => {
  fake = await startFakeShopify({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, stores: { [shop]: sampleStore() }, bulkPollsUntilDone: 3 });
});
afterAll(() => fake.close());

it("reports bulkOperationRunQuery's userErrors clearly", async () => {
  const api = throttledAdmin(adminFor(fake, shop));
  const error = await startBulkQuery(api, "{ shop { name } }", poll).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BulkOperationError);
  expect((error as BulkOperationError).message).toBe("bulkOperationRunQuery refused the query: query: Bulk queries must contain at least one connection. (INVALID)");
  expect((error as BulkOperationError).restartable).toBe(false);
});

it("adopts its own running operation (a crash lost its id), waits for another one, and polls with backoff", async () => {
  const api = throttledAdmin(adminFor(fake, shop));
  const first = await startBulkQuery(api, customersBulkQuery(), poll);
  expect(await startBulkQuery(api, customersBulkQuery(), poll)).toBe(first); // same query: adopted, not refused
  sleeps.length = 0;
  const second = await startBulkQuery(api, productsBulkQuery(), poll); // another query: waits for the first to end
  expect(second).not.toBe(first);
  expect(sleeps).toEqual([1000]); // it had answered RUNNING twice already (adoption, the in-progress check)
  expect(fake.bulkOperations(shop).map((o) => o.status)).toEqual(["COMPLETED", "RUNNING"]);
  sleeps.length = 0;
  const done = await awaitBulkOperation(api, second as string, { ...poll, maxDelayMs: 1500 });
  expect(done).toMatchObject({ id: second, objectCount: expect.any(Number) as number, url: expect.stringContaining("/bulk/") as string });
  expect(sleeps).toEqual([1000, 1500, 1500]);
});
