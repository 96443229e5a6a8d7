// /unsubscribe/<token> through the route module's loader and action with real
// Requests, on the real database; and the consent write-back job run by the
// embedded queue against the fake Shopify over HTTP.
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { env } from "~/env.server";
import { embeddedQueue } from "~/jobs/queue.server";
import { CONSENT_WRITEBACK_JOB, consentWritebackHandler, ConsentSyncError, writeBackConsent } from "~/core/delivery/consent.server";
import { canReceiveMarketing, isSuppressed } from "~/core/delivery/suppression.server";
import { signUnsubscribeToken } from "~/core/delivery/unsubscribe";
import { unsubscribe, unsubscribeLink } from "~/core/delivery/unsubscribe.server";
import { shopDomainHash } from "~/core/ingest/store.server";
import { action, loader } from "~/routes/unsubscribe.$token";
import { sampleStore, startFakeShopify } from "../../fakes/shopify-admin";
import { TEST_API_KEY, TEST_API_SECRET, TEST_APP_URL } from "../../setup/test-config";
import { adminFor } from "../backfill/helpers";

const SHOP = "unsub-a.myshopify.com";
const OTHER = "unsub-b.myshopify.com";
const HOSTILE_NAME = `<script>alert("x")</script> Tea & "Co"`;
const fake = await startFakeShopify({
  apiKey: TEST_API_KEY,
  apiSecret: TEST_API_SECRET,
  stores: { [SHOP]: sampleStore({ seed: 1, customers: 20 }), [OTHER]: sampleStore({ seed: 2, customers: 20 }) },
});
afterAll(() => fake.close());

const fakeCustomer = (shop: string, shopifyId: string) => fake.state.shops.get(shop)!.store.customers.find((c) => String(c.id) === shopifyId)!;

async function customer(shopId: string, shopifyId: string, email: string | null, emailConsentState = "SUBSCRIBED") {
  return prisma.customer.create({ data: { shopId, shopifyId, email, emailConsentState } });
}

const tokenFor = (shopId: string, customerId: string, messageId: string | null = "msg-1") => signUnsubscribeToken(TEST_API_SECRET, { shopId, customerId, messageId });

interface CallOptions {
  body?: BodyInit;
  contentType?: string;
  headers?: Record<string, string>;
}

/** Calls the route as Remix would: GET and HEAD to the loader, anything else to the action. */
async function call(method: string, token: string, o: CallOptions = {}): Promise<{ status: number; text: string; headers: Headers }> {
  const headers = new Headers(o.headers);
  if (o.contentType) headers.set("content-type", o.contentType);
  const request = new Request(`${TEST_APP_URL}/unsubscribe/${token}`, { method, headers, body: o.body });
  const args = { request, params: { token }, context: {} };
  const response = method === "GET" || method === "HEAD" ? await loader(args) : await action(args);
  return { status: response.status, text: await response.text(), headers: response.headers };
}

const oneClick = (token: string) => call("POST", token, { body: "List-Unsubscribe=One-Click", contentType: "application/x-www-form-urlencoded" });

async function state(customerId: string) {
  const c = await prisma.customer.findUniqueOrThrow({ where: { id: customerId } });
  return {
    consent: c.emailConsentState,
    suppressions: await prisma.suppression.count({ where: { shopId: c.shopId } }),
    jobs: await prisma.job.count({ where: { shopId: c.shopId } }),
  };
}

function expectPlainPage(r: { status: number; headers: Headers }) {
  expect(r.headers.get("set-cookie")).toBeNull();
  expect(r.headers.get("location")).toBeNull();
  expect(r.headers.get("content-type")).toMatch(/^text\/html/);
  expect(r.headers.get("cache-control")).toBe("no-store");
  expect(r.headers.get("referrer-policy")).toBe("no-referrer");
}

let ada: { id: string };
beforeEach(async () => {
  await prisma.job.deleteMany();
  await prisma.shop.deleteMany();
  await prisma.redactedShop.deleteMany();
  await prisma.shop.create({ data: { id: SHOP, status: "installed", name: HOSTILE_NAME } });
  await prisma.shop.create({ data: { id: OTHER, status: "installed", name: "Other shop" } });
  ada = await customer(SHOP, "6000000000001", "customer1@example.com");
});

describe("GET /unsubscribe/<token>", () => {
  it("shows a confirmation with the masked address and the escaped shop name, and changes nothing however often it is fetched", async () => {
    const token = tokenFor(SHOP, ada.id);
    for (let i = 0; i < 3; i++) {
      const r = await call("GET", token);
      expect(r.status).toBe(200);
      expectPlainPage(r);
      expect(r.text).toContain("Unsubscribe c***@e***.com from &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Tea &amp; &quot;Co&quot;?");
      expect(r.text).not.toContain("<script>");
      expect(r.text).not.toContain("customer1@example.com");
      expect(r.text).toContain('<form method="post">');
    }
    expect((await call("HEAD", token)).status).toBe(200);
    expect(await state(ada.id)).toEqual({ consent: "SUBSCRIBED", suppressions: 0, jobs: 0 });
    expect((await canReceiveMarketing(SHOP, ada.id)).ok).toBe(true);
  });

  it("says 'already unsubscribed' once they are, with no button", async () => {
    await unsubscribe(SHOP, ada.id);
    const r = await call("GET", tokenFor(SHOP, ada.id));
    expect(r.status).toBe(200);
    expect(r.text).toContain("Already unsubscribed");
    expect(r.text).not.toContain("<form");
  });
});

describe("POST /unsubscribe/<token> (RFC 8058 one-click and the page's button)", () => {
  it("urlencoded one-click with no cookies: 200, no redirect, effective immediately", async () => {
    expect((await canReceiveMarketing(SHOP, ada.id)).ok).toBe(true);
    const r = await oneClick(tokenFor(SHOP, ada.id, "msg-42"));
    expect(r.status).toBe(200);
    expectPlainPage(r);
    expect(r.text).toContain("You are unsubscribed");
    expect(await canReceiveMarketing(SHOP, ada.id)).toMatchObject({ ok: false, reason: "suppressed" });
    expect(await state(ada.id)).toEqual({ consent: "UNSUBSCRIBED", suppressions: 1, jobs: 1 });
    expect((await prisma.suppression.findFirstOrThrow()).source).toBe("message:msg-42");
  });

  it("multipart one-click works the same, and a repeat is a harmless 200", async () => {
    const form = new FormData();
    form.set("List-Unsubscribe", "One-Click");
    const first = await call("POST", tokenFor(SHOP, ada.id), { body: form });
    expect(first.status).toBe(200);
    expect(first.text).toContain("You are unsubscribed");
    expect(await state(ada.id)).toEqual({ consent: "UNSUBSCRIBED", suppressions: 1, jobs: 1 });
    for (const again of [await call("POST", tokenFor(SHOP, ada.id), { body: form }), await oneClick(tokenFor(SHOP, ada.id))]) {
      expect(again.status).toBe(200);
      expect(again.text).toContain("Already unsubscribed");
    }
    expect(await state(ada.id)).toEqual({ consent: "UNSUBSCRIBED", suppressions: 1, jobs: 1 });
  });

  it("accepts an empty POST (a client that sends no body) and refuses a form that says something else", async () => {
    const bad = await call("POST", tokenFor(SHOP, ada.id), { body: "List-Unsubscribe=Nope", contentType: "application/x-www-form-urlencoded" });
    expect(bad.status).toBe(400);
    const garbled = await call("POST", tokenFor(SHOP, ada.id), { body: "--x\r\nnonsense", contentType: "multipart/form-data; boundary=x" });
    expect(garbled.status).toBe(400);
    expect(await state(ada.id)).toMatchObject({ suppressions: 0 });
    expect((await call("POST", tokenFor(SHOP, ada.id))).status).toBe(200);
    expect(await state(ada.id)).toMatchObject({ suppressions: 1 });
  });

  it("caps the body: a large one is refused unread, and nothing is recorded", async () => {
    const big = "List-Unsubscribe=One-Click&pad=" + "x".repeat(20_000);
    const r = await call("POST", tokenFor(SHOP, ada.id), { body: big, contentType: "application/x-www-form-urlencoded" });
    expect(r.status).toBe(413);
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 40; i++) controller.enqueue(new Uint8Array(1024).fill(120));
        controller.close();
      },
    });
    const request = new Request(`${TEST_APP_URL}/unsubscribe/x`, { method: "POST", body: streamed, duplex: "half" } as RequestInit);
    const token = tokenFor(SHOP, ada.id);
    expect((await action({ request, params: { token }, context: {} })).status).toBe(413);
    expect(await state(ada.id)).toEqual({ consent: "SUBSCRIBED", suppressions: 0, jobs: 0 });
  });

  it("answers other methods with 405", async () => {
    const r = await call("PUT", tokenFor(SHOP, ada.id), { body: "x" });
    expect(r.status).toBe(405);
    expect(r.headers.get("allow")).toBe("GET, POST");
  });
});

describe("refused links", () => {
  it("tampered, forged, truncated and junk tokens get a clear 400 page and change nothing", async () => {
    const good = tokenFor(SHOP, ada.id);
    const bytes = Buffer.from(good, "base64url");
    bytes[5]! ^= 0x20; // one letter of the shop
    const tampered = bytes.toString("base64url");
    const forged = signUnsubscribeToken("not-the-app-secret", { shopId: SHOP, customerId: ada.id, messageId: null });
    for (const token of [tampered, forged, good.slice(0, -3), good.slice(0, 20), "hello", "%3Cscript%3E"]) {
      for (const method of ["GET", "POST"]) {
        const r = await call(method, token, method === "POST" ? { body: "List-Unsubscribe=One-Click", contentType: "application/x-www-form-urlencoded" } : {});
        expect(r.status, `${method} ${token}`).toBe(400);
        expect(r.text).toContain("This unsubscribe link is not valid");
        expect(r.text).not.toContain("<script>");
      }
    }
    expect(await state(ada.id)).toEqual({ consent: "SUBSCRIBED", suppressions: 0, jobs: 0 });
  });

  it("a genuine token cannot reach across shops: naming one shop with another shop's customer is a 404", async () => {
    const bob = await customer(OTHER, "6000000000002", "customer2@example.com");
    const crossed = tokenFor(SHOP, bob.id);
    expect((await call("GET", crossed)).status).toBe(404);
    expect((await oneClick(crossed)).status).toBe(404);
    expect(await state(bob.id)).toEqual({ consent: "SUBSCRIBED", suppressions: 0, jobs: 0 });
    expect(await isSuppressed(SHOP, "customer2@example.com")).toBe(false);
    // Bob's own link unsubscribes Bob in his shop, and nobody in Ada's.
    expect((await oneClick(tokenFor(OTHER, bob.id))).status).toBe(200);
    expect(await state(bob.id)).toEqual({ consent: "UNSUBSCRIBED", suppressions: 1, jobs: 1 });
    expect(await state(ada.id)).toEqual({ consent: "SUBSCRIBED", suppressions: 0, jobs: 0 });
  });

  it("unknown shop → 404, redacted shop → 410, uninstalled shop → 410 (the POST is still recorded, with no write-back)", async () => {
    expect((await call("GET", tokenFor("nobody.myshopify.com", ada.id))).status).toBe(404);
    expect((await call("GET", tokenFor(SHOP, "no-such-customer"))).status).toBe(404);

    await prisma.redactedShop.create({ data: { domainHash: shopDomainHash("erased.myshopify.com") } });
    expect((await call("GET", tokenFor("erased.myshopify.com", ada.id))).status).toBe(410);
    expect((await oneClick(tokenFor("erased.myshopify.com", ada.id))).status).toBe(410);

    await prisma.shop.update({ where: { id: SHOP }, data: { status: "uninstalled" } });
    const get = await call("GET", tokenFor(SHOP, ada.id));
    expect(get.status).toBe(410);
    expect(get.text).not.toContain("<form");
    expect(await state(ada.id)).toEqual({ consent: "SUBSCRIBED", suppressions: 0, jobs: 0 });
    const post = await oneClick(tokenFor(SHOP, ada.id));
    expect(post.status).toBe(410);
    expect(await state(ada.id)).toEqual({ consent: "UNSUBSCRIBED", suppressions: 1, jobs: 0 });
  });

  it("logs no personal data", async () => {
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const writeErr = process.stderr.write.bind(process.stderr);
    const level = env.LOG_LEVEL;
    env.LOG_LEVEL = "debug";
    process.stdout.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      await call("GET", tokenFor(SHOP, ada.id));
      await oneClick(tokenFor(SHOP, ada.id));
      await oneClick("forged");
    } finally {
      process.stdout.write = write;
      process.stderr.write = writeErr;
      env.LOG_LEVEL = level;
    }
    expect(lines.join("")).toContain("unsubscribe recorded");
    expect(lines.join("").toLowerCase()).not.toContain("customer1");
  });
});

describe("the link a sender puts in an email", () => {
  it("is an https URL under the app with the RFC 8058 headers, and it works", async () => {
    const link = unsubscribeLink(SHOP, ada.id, "msg-7");
    expect(link.url).toBe(`${TEST_APP_URL}/unsubscribe/${link.token}`);
    expect(link.headers).toEqual({ "List-Unsubscribe": `<${link.url}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" });
    expect(link.token.length).toBeLessThan(200);
    expect((await oneClick(link.token)).status).toBe(200);
    expect((await canReceiveMarketing(SHOP, ada.id)).ok).toBe(false);
  });
});

describe("consent write-back to Shopify", () => {
  const worker = () => {
    const q = embeddedQueue(prisma);
    q.register(CONSENT_WRITEBACK_JOB, consentWritebackHandler({ admin: async (shop) => adminFor(fake, shop), sleep: async () => undefined }));
    return q;
  };

  it("the queued job sets UNSUBSCRIBED on the right customer gid in the right shop, at the time of the unsubscribe", async () => {
    const now = new Date("2026-06-01T12:00:00.000Z");
    await unsubscribe(SHOP, ada.id, { now });
    const before = fake.mutations("customerEmailMarketingConsentUpdate").length;
    expect(await worker().runOnce()).toBe(1);
    const sent = fake.mutations("customerEmailMarketingConsentUpdate").slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      shop: SHOP,
      variables: { input: { customerId: "gid://shopify/Customer/6000000000001", emailMarketingConsent: { marketingState: "UNSUBSCRIBED", consentUpdatedAt: now.toISOString() } } },
    });
    expect(fakeCustomer(SHOP, "6000000000001").email_marketing_consent).toMatchObject({ state: "unsubscribed", consent_updated_at: now.toISOString() });
    expect(fakeCustomer(OTHER, "6000000000001").email_marketing_consent?.state).not.toBe("unsubscribed");
    expect(await prisma.job.findFirstOrThrow()).toMatchObject({ status: "done", attempts: 1, lastError: null });
  });

  it("a Shopify userError fails the job with Shopify's message (retried, then failed for good), never silently", async () => {
    // Customer 17 of the sample store has no email in Shopify: Shopify refuses the update.
    const noEmail = await customer(SHOP, "6000000000017", "local-only@example.com");
    await unsubscribe(SHOP, noEmail.id);
    const q = worker();
    expect(await q.runOnce()).toBe(1);
    let job = await prisma.job.findFirstOrThrow();
    expect(job.status).toBe("queued"); // retried with backoff
    expect(job.lastError).toBe("Shopify refused the consent update: An email address is required to set the email marketing consent state.");
    await prisma.job.update({ where: { id: job.id }, data: { runAt: new Date(), attempts: job.maxAttempts - 1 } });
    expect(await q.runOnce()).toBe(1);
    job = await prisma.job.findFirstOrThrow();
    expect(job.status).toBe("failed");
    expect(job.lastError).toMatch(/An email address is required/);
    // The local record is untouched by Shopify's refusal: still unsubscribed and suppressed.
    expect(await canReceiveMarketing(SHOP, noEmail.id)).toMatchObject({ ok: false, reason: "suppressed" });
  });

  it("an HTTP failure throws for the queue to retry, and the retry lands once", async () => {
    await unsubscribe(SHOP, ada.id);
    const payload = (await prisma.job.findFirstOrThrow()).payload as never;
    const admin = async () => adminFor(fake, SHOP);
    const before = fake.mutations("customerEmailMarketingConsentUpdate").length;
    fake.failRequests({ nth: 1, status: 503, match: "LoopwiseConsentUpdate" });
    await expect(writeBackConsent(payload, { admin })).rejects.toThrow(/503/);
    expect(await writeBackConsent(payload, { admin })).toBe("updated");
    expect(fake.mutations("customerEmailMarketingConsentUpdate").length - before).toBe(1);
  });

  it("sends nothing for a customer who subscribed again in Shopify since, nor for a shop no longer installed", async () => {
    const at = new Date("2026-06-01T12:00:00.000Z");
    await unsubscribe(SHOP, ada.id, { now: at });
    const payload = (await prisma.job.findFirstOrThrow()).payload as never;
    const admin = async () => adminFor(fake, SHOP);
    const before = fake.mutations("customerEmailMarketingConsentUpdate").length;
    await prisma.customer.update({ where: { id: ada.id }, data: { emailConsentState: "SUBSCRIBED", emailConsentUpdatedAt: new Date(at.getTime() + 60_000) } });
    expect(await writeBackConsent(payload, { admin })).toBe("superseded");
    await prisma.shop.update({ where: { id: SHOP }, data: { status: "uninstalled" } });
    expect(await writeBackConsent(payload, { admin })).toBe("shop-not-installed");
    expect(fake.mutations("customerEmailMarketingConsentUpdate").length).toBe(before);
  });

  it("refuses a payload that is malformed or names another shop than its job", async () => {
    const handler = consentWritebackHandler({ admin: async (shop) => adminFor(fake, shop) });
    const ctx = { jobId: "j", shopId: OTHER, attempt: 1, maxAttempts: 1 };
    await expect(handler({ shopId: SHOP, customerId: ada.id, state: "UNSUBSCRIBED", at: new Date().toISOString() }, ctx)).rejects.toThrow(/another shop/);
    await expect(handler({ shopId: SHOP, customerId: ada.id, state: "SUBSCRIBED", at: "x" }, { ...ctx, shopId: SHOP })).rejects.toBeInstanceOf(ConsentSyncError);
  });
});
