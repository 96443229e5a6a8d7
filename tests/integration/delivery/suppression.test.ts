// The suppression list and the sender's consent check, on the real database:
// idempotent suppression, batches, shop isolation, unsubscribe() in one
// transaction, and a suppression that outlives customers/redact.
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { CONSENT_WRITEBACK_JOB, consentWritebackKey } from "~/core/delivery/consent.server";
import { suppressionHash } from "~/core/delivery/suppression";
import { canReceiveMarketing, isSuppressed, marketingEligibility, suppress, SuppressionError, suppressedAmong } from "~/core/delivery/suppression.server";
import { unsubscribe, UnsubscribeError } from "~/core/delivery/unsubscribe.server";
import { TEST_API_SECRET, TEST_SHOP } from "../../setup/test-config";
import { fixture, send } from "../webhooks/send";

const SHOP = TEST_SHOP;
const OTHER = "other-shop.myshopify.com";
const ADA = "ada.lovelace@example.com";

async function customer(shopId: string, shopifyId: string, email: string | null, emailConsentState = "SUBSCRIBED") {
  return prisma.customer.create({ data: { shopId, shopifyId, email, emailConsentState } });
}

beforeEach(async () => {
  await prisma.job.deleteMany();
  await prisma.webhookReceipt.deleteMany();
  await prisma.shop.deleteMany();
  await prisma.redactedShop.deleteMany();
  await prisma.shop.createMany({ data: [{ id: SHOP, status: "installed" }, { id: OTHER, status: "installed" }] });
});

describe("suppress / isSuppressed / suppressedAmong", () => {
  it("is idempotent, keeps the first reason, and matches whatever the case or spacing", async () => {
    expect(await suppress(SHOP, "Ada.Lovelace@Example.com", "hard-bounce", "message:m1")).toEqual({ created: true });
    expect(await suppress(SHOP, ` ${ADA} `, "unsubscribe", "link")).toEqual({ created: false });
    const rows = await prisma.suppression.findMany({ where: { shopId: SHOP } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ reason: "hard-bounce", source: "message:m1", emailHash: suppressionHash(TEST_API_SECRET, SHOP, ADA) });
    expect(JSON.stringify(rows).toLowerCase()).not.toContain("lovelace"); // only the hash is kept
    expect(await isSuppressed(SHOP, "ADA.LOVELACE@example.com")).toBe(true);
    expect(await isSuppressed(SHOP, "someone@example.com")).toBe(false);
    expect(await isSuppressed(SHOP, "not an address")).toBe(false);
  });

  it("is per shop", async () => {
    await suppress(SHOP, ADA, "spam-report");
    expect(await isSuppressed(SHOP, ADA)).toBe(true);
    expect(await isSuppressed(OTHER, ADA)).toBe(false);
    expect([...(await suppressedAmong(OTHER, [ADA]))]).toEqual([]);
  });

  it("refuses bad input with a clear error, writing nothing", async () => {
    await expect(suppress(SHOP, "nobody", "unsubscribe")).rejects.toThrow(/not an email address/);
    await expect(suppress(SHOP, ADA, "bored" as never)).rejects.toBeInstanceOf(SuppressionError);
    await expect(suppress("", ADA, "manual")).rejects.toThrow(/shop/);
    expect(await prisma.suppression.count()).toBe(0);
  });

  it("answers a batch of 2,500 addresses (five chunks) with exactly the suppressed ones, as given", async () => {
    const emails = Array.from({ length: 2500 }, (_, i) => `user${i}@example.com`);
    const suppressedIdx = [0, 999, 1000, 1001, 2499];
    for (const i of suppressedIdx) await suppress(SHOP, emails[i]!, "unsubscribe");
    await suppress(OTHER, emails[5]!, "unsubscribe"); // another shop's list is not this one's
    const asked = [...emails, "USER999@EXAMPLE.COM", "garbage"];
    const found = await suppressedAmong(SHOP, asked);
    expect([...found].sort()).toEqual([...suppressedIdx.map((i) => emails[i]!), "USER999@EXAMPLE.COM"].sort());
  });
});

describe("marketingEligibility / canReceiveMarketing", () => {
  it("lets through only subscribed, unsuppressed customers of this shop, with their address and each refusal's reason", async () => {
    const ok = await customer(SHOP, "1", "ok@example.com");
    const notSub = await customer(SHOP, "2", "no@example.com", "NOT_SUBSCRIBED");
    const pending = await customer(SHOP, "3", "pending@example.com", "PENDING");
    const suppressed = await customer(SHOP, "4", "Bounced@Example.com");
    const noEmail = await customer(SHOP, "5", null);
    const deleted = await prisma.customer.create({ data: { shopId: SHOP, shopifyId: "6", email: "del@example.com", emailConsentState: "SUBSCRIBED", deletedAt: new Date() } });
    const foreign = await customer(OTHER, "7", "other@example.com");
    await suppress(SHOP, "bounced@example.com", "hard-bounce");

    const result = await marketingEligibility(SHOP, [ok.id, notSub.id, pending.id, suppressed.id, noEmail.id, deleted.id, foreign.id, "nope", ok.id]);
    expect(result.size).toBe(8);
    expect(result.get(ok.id)).toEqual({ ok: true, customerId: ok.id, email: "ok@example.com" });
    const reasons = Object.fromEntries([...result.values()].filter((e) => !e.ok).map((e) => [e.customerId, "reason" in e ? e.reason : ""]));
    expect(reasons).toEqual({
      [notSub.id]: "not-subscribed",
      [pending.id]: "not-subscribed",
      [suppressed.id]: "suppressed",
      [noEmail.id]: "no-email",
      [deleted.id]: "deleted",
      [foreign.id]: "unknown-customer",
      nope: "unknown-customer",
    });
    expect(await canReceiveMarketing(OTHER, foreign)).toEqual({ ok: true, customerId: foreign.id, email: "other@example.com" });
  });

  it("re-reads the state: a stale copy of the customer cannot get a suppressed address through", async () => {
    const c = await customer(SHOP, "1", ADA);
    const stale = { ...c };
    expect((await canReceiveMarketing(SHOP, stale)).ok).toBe(true);
    await suppress(SHOP, ADA, "spam-report");
    expect(await canReceiveMarketing(SHOP, stale)).toMatchObject({ ok: false, reason: "suppressed" });
  });
});

describe("unsubscribe()", () => {
  it("writes the suppression, the local consent and one write-back job, in one go; a repeat changes nothing", async () => {
    const c = await customer(SHOP, "7301245190178", ADA);
    const now = new Date("2026-06-01T12:00:00.000Z");
    expect(await unsubscribe(SHOP, c.id, { source: "message:m-1", now })).toEqual({ status: "unsubscribed", writeBackQueued: true });
    const row = await prisma.customer.findUniqueOrThrow({ where: { id: c.id } });
    expect(row).toMatchObject({ emailConsentState: "UNSUBSCRIBED", emailConsentUpdatedAt: now });
    expect(await prisma.suppression.findMany({ where: { shopId: SHOP }, select: { reason: true, source: true } })).toEqual([{ reason: "unsubscribe", source: "message:m-1" }]);
    const jobs = await prisma.job.findMany();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      type: CONSENT_WRITEBACK_JOB,
      shopId: SHOP,
      status: "queued",
      idempotencyKey: consentWritebackKey(SHOP, c.id),
      payload: { shopId: SHOP, customerId: c.id, state: "UNSUBSCRIBED", at: now.toISOString() },
    });
    expect(JSON.stringify(jobs[0]!.payload)).not.toContain(ADA); // no personal data in the queue
    expect(await canReceiveMarketing(SHOP, c.id)).toMatchObject({ ok: false, reason: "suppressed" });

    expect(await unsubscribe(SHOP, c.id)).toEqual({ status: "already", writeBackQueued: true }); // the pending job covers it
    expect(await prisma.job.count()).toBe(1);
    expect(await prisma.suppression.count()).toBe(1);
  });

  it("takes spam reports by the same path", async () => {
    const c = await customer(SHOP, "11", "spam@example.com");
    expect(await unsubscribe(SHOP, c.id, { reason: "spam-report", source: "sendgrid" })).toMatchObject({ status: "unsubscribed", writeBackQueued: true });
    expect(await prisma.suppression.findFirstOrThrow({ where: { shopId: SHOP } })).toMatchObject({ reason: "spam-report", source: "sendgrid" });
    await expect(unsubscribe(SHOP, c.id, { reason: "hard-bounce" as never })).rejects.toThrow(/unknown reason/);
  });

  it("refuses another shop's customer, writing nothing anywhere", async () => {
    const foreign = await customer(OTHER, "1", ADA);
    await expect(unsubscribe(SHOP, foreign.id)).rejects.toBeInstanceOf(UnsubscribeError);
    expect(await prisma.suppression.count()).toBe(0);
    expect(await prisma.job.count()).toBe(0);
    expect((await prisma.customer.findUniqueOrThrow({ where: { id: foreign.id } })).emailConsentState).toBe("SUBSCRIBED");
  });

  it("racing unsubscribes of one customer make one suppression and one job", async () => {
    const c = await customer(SHOP, "21", "race@example.com");
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => unsubscribe(SHOP, c.id)));
    expect(outcomes.filter((o) => o.status === "unsubscribed")).toHaveLength(1);
    expect(await prisma.suppression.count()).toBe(1);
    expect(await prisma.job.count()).toBe(1);
  });

  it("queues the write-back again only when the customer had subscribed again since the last one finished", async () => {
    const c = await customer(SHOP, "31", "again@example.com");
    await unsubscribe(SHOP, c.id);
    await prisma.job.updateMany({ data: { status: "done", attempts: 1 } });
    expect(await unsubscribe(SHOP, c.id)).toEqual({ status: "already", writeBackQueued: false });
    expect((await prisma.job.findFirstOrThrow()).status).toBe("done");
    // Shopify says subscribed again (a customers/update), then they unsubscribe again.
    await prisma.customer.update({ where: { id: c.id }, data: { emailConsentState: "SUBSCRIBED" } });
    expect(await unsubscribe(SHOP, c.id)).toEqual({ status: "unsubscribed", writeBackQueued: true });
    expect(await prisma.job.findFirstOrThrow()).toMatchObject({ status: "queued", attempts: 0 });
    expect(await prisma.job.count()).toBe(1);
  });

  it("records locally but queues no write-back for an uninstalled shop", async () => {
    await prisma.shop.update({ where: { id: SHOP }, data: { status: "uninstalled" } });
    const c = await customer(SHOP, "41", "gone@example.com");
    expect(await unsubscribe(SHOP, c.id)).toEqual({ status: "unsubscribed", writeBackQueued: false });
    expect(await isSuppressed(SHOP, "gone@example.com")).toBe(true);
    expect(await prisma.job.count()).toBe(0);
  });
});

describe("with Shopify's webhooks", () => {
  it("a stale 'subscribed' customers/update after an unsubscribe cannot make the address mailable", async () => {
    await send({ shop: SHOP, topic: "customers/create", body: fixture("customers-create") });
    const ada = await prisma.customer.findFirstOrThrow({ where: { shopId: SHOP, shopifyId: "7301245190178" } });
    expect((await canReceiveMarketing(SHOP, ada.id)).ok).toBe(true);
    await unsubscribe(SHOP, ada.id);
    // An edit made in Shopify before the write-back landed: newer updated_at, consent still subscribed.
    const update = { ...fixture<Record<string, unknown>>("customers-create"), updated_at: "2026-07-01T00:00:00Z" };
    expect((await send({ shop: SHOP, topic: "customers/update", body: update })).status).toBe(200);
    expect(await canReceiveMarketing(SHOP, ada.id)).toMatchObject({ ok: false, reason: "suppressed" });
  });

  it("the suppression outlives customers/redact (the hash stays, the email goes) and still blocks the address when it comes back", async () => {
    await send({ shop: SHOP, topic: "customers/create", body: fixture("customers-create") });
    const ada = await prisma.customer.findFirstOrThrow({ where: { shopId: SHOP, shopifyId: "7301245190178" } });
    await unsubscribe(SHOP, ada.id);
    const hash = suppressionHash(TEST_API_SECRET, SHOP, ADA);

    expect((await send({ shop: SHOP, topic: "customers/redact", body: fixture("customers-redact") })).status).toBe(200);
    expect(await prisma.customer.findUniqueOrThrow({ where: { id: ada.id } })).toMatchObject({ email: null, emailConsentState: "REDACTED" });
    expect(await prisma.suppression.findMany({ where: { shopId: SHOP }, select: { emailHash: true, reason: true } })).toEqual([{ emailHash: hash, reason: "unsubscribe" }]);
    expect(await prisma.job.count({ where: { type: CONSENT_WRITEBACK_JOB } })).toBe(0); // the pending write-back named her: erased
    const everything = JSON.stringify([await prisma.suppression.findMany(), await prisma.customer.findMany(), await prisma.job.findMany()]).toLowerCase();
    expect(everything).not.toContain(ADA);

    // She signs up again as a new customer, subscribed: still suppressed.
    const back = { ...fixture<Record<string, unknown>>("customers-create"), id: 7301245190999, email: "Ada.Lovelace@example.com ", admin_graphql_api_id: "gid://shopify/Customer/7301245190999" };
    expect((await send({ shop: SHOP, topic: "customers/create", body: back })).status).toBe(200);
    const returned = await prisma.customer.findFirstOrThrow({ where: { shopId: SHOP, shopifyId: "7301245190999" } });
    expect(returned.emailConsentState).toBe("SUBSCRIBED");
    expect(await canReceiveMarketing(SHOP, returned.id)).toMatchObject({ ok: false, reason: "suppressed" });
    expect(await isSuppressed(SHOP, ADA)).toBe(true);
    // Her unsubscribing again is a no-op on the list (already there) but fixes the local consent.
    expect(await unsubscribe(SHOP, returned.id)).toMatchObject({ status: "unsubscribed" });
    expect(await prisma.suppression.count()).toBe(1);
  });
});
