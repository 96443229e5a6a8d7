// The shop's own SendGrid key: stored encrypted, shown by its last four
// characters only, used for the shop's mail (the fake accepts only that key),
// unreadable under another app secret; and no key, no URL: nothing is sent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { mailerFor, sendgridStatus, setSendgridApiKey, SendgridConfigError } from "~/core/delivery/sendgrid.server";
import { startFakeSendGrid } from "../../fakes/sendgrid";
import { TEST_API_SECRET } from "../../setup/test-config";

const SHOP = "sendkey-a.myshopify.com";
const OTHER = "sendkey-b.myshopify.com";
const KEY = "SG.shopOwnKey1234567890ab.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq";
const sg = await startFakeSendGrid({ apiKey: KEY });
afterAll(() => sg.close());
const config = { appKey: null, apiUrl: sg.origin, secret: TEST_API_SECRET, production: false };
const mail = { to: "a@example.com", from: "shop@example.com", subject: "Hi", text: "Hello", html: "<p>Hello</p>" };

beforeAll(async () => {
  await prisma.shop.create({ data: { id: SHOP, status: "installed" } });
  await prisma.shop.create({ data: { id: OTHER, status: "installed" } });
});

describe("the shop's SendGrid key", () => {
  it("is stored encrypted, reported by its last four, and used for that shop only", async () => {
    expect(await sendgridStatus(SHOP, { config })).toEqual({ source: "local-fake", last4: null });
    await expect(setSendgridApiKey(SHOP, "not-a-key", { config })).rejects.toThrow(SendgridConfigError);
    await setSendgridApiKey(SHOP, KEY, { config });
    const stored = await prisma.shopSettings.findUniqueOrThrow({ where: { shopId: SHOP } });
    expect(stored.sendgridApiKey).toMatch(/^v1\./);
    expect(stored.sendgridApiKey).not.toContain("shopOwnKey");
    expect(await sendgridStatus(SHOP, { config })).toEqual({ source: "shop", last4: "nopq" });

    const own = await mailerFor(SHOP, { config });
    expect(own.source).toBe("shop");
    const [response] = await own.mail.send(mail);
    expect(response.statusCode).toBe(202);
    // The other shop has no key: it goes with the fake's default key, which this fake refuses.
    const other = await mailerFor(OTHER, { config });
    expect(other.source).toBe("local-fake");
    await expect(other.mail.send(mail)).rejects.toMatchObject({ code: 401 });
    expect(sg.messages).toHaveLength(1);
  });

  it("cannot be read with another app secret; removing it falls back to the app's", async () => {
    const wrong = { ...config, secret: "another-app-secret" };
    await expect(mailerFor(SHOP, { config: wrong })).rejects.toThrow(/cannot be decrypted/);
    expect(await sendgridStatus(SHOP, { config: wrong })).toEqual({ source: "none", last4: null });
    await setSendgridApiKey(SHOP, null, { config });
    expect(await sendgridStatus(SHOP, { config: { ...config, appKey: "SG.app.key-abcd" } })).toEqual({ source: "app", last4: "abcd" });
  });

  it("refuses to send with no key and no URL, and a plain-http URL in production", async () => {
    await expect(mailerFor(SHOP, { config: { ...config, apiUrl: null } })).rejects.toThrow(/No SendGrid API key/);
    expect(await sendgridStatus(SHOP, { config: { ...config, apiUrl: null } })).toEqual({ source: "none", last4: null });
    await expect(mailerFor(SHOP, { config: { ...config, appKey: KEY, production: true } })).rejects.toThrow(/must be https in production/);
  });
});
