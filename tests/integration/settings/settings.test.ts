// Settings: defaults from the shop's details, validated saves, one shop's settings never another's.
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { oneLineAddress } from "~/core/install/install.server";
import { getSettings, saveSettings } from "~/core/settings/settings.server";

const SHOP = "settings-a.myshopify.com";
const OTHER = "settings-b.myshopify.com";
const VALID = {
  brandVoice: { toneWords: ["playful"], wordsToUse: ["cosy"], wordsToAvoid: ["cheap"], sampleCopy: ["Wrap up warm."] },
  senderName: "Knit & Purl",
  senderEmail: "hello@knit.example",
  postalAddress: "2 Wool Lane, Leeds, LS1 1AA, UK",
  incentivePolicy: { allowDiscounts: true, maxPercentOff: 20, allowFreeShipping: false, maxAmountOff: 1500, maxExpiryDays: 10 },
};

beforeEach(async () => {
  await prisma.shop.deleteMany({ where: { id: { in: [SHOP, OTHER] } } });
  await prisma.shop.createMany({ data: [{ id: SHOP, name: "Knit", email: "owner@knit.example", address: "1 Yarn St, York, YO1 7AA, UK" }, { id: OTHER }] });
});

describe("settings", () => {
  it("a new shop gets defaults from its own details, and says what is missing", async () => {
    const s = await getSettings(SHOP);
    expect(s).toMatchObject({ senderName: "Knit", senderEmail: "owner@knit.example", postalAddress: "1 Yarn St, York, YO1 7AA, UK", missing: [] });
    expect(s.incentivePolicy.maxPercentOff).toBe(15);
    const bare = await getSettings(OTHER);
    expect(bare.senderName).toBe("settings-b");
    expect(bare.missing).toEqual(["a sender email address", "the shop's postal address for the email footer"]);
  });

  it("saves a valid edit, refuses a bad one keeping what was stored, and keeps shops apart", async () => {
    expect((await saveSettings(SHOP, VALID)).ok).toBe(true);
    const bad = await saveSettings(SHOP, { ...VALID, senderEmail: "not an email", postalAddress: "x" });
    expect(bad).toEqual({ ok: false, errors: { senderEmail: "sender email must be an email address", postalAddress: "the footer needs the shop's full postal address" } });
    const s = await getSettings(SHOP);
    expect(s).toMatchObject({ senderName: "Knit & Purl", senderEmail: "hello@knit.example", incentivePolicy: { maxPercentOff: 20 } });
    expect(s.brandVoice).toMatchObject({ wordsToAvoid: ["cheap"], senderName: "Knit & Purl" });
    expect((await getSettings(OTHER)).senderName).toBe("settings-b");
  });

  it("formats Shopify's billing address on one line", () => {
    expect(oneLineAddress({ address1: "1 Harbour Street", address2: "", city: "Portsmouth", province: null, zip: "PO1 2AB", country: "United Kingdom" })).toBe("1 Harbour Street, Portsmouth, PO1 2AB, United Kingdom");
    expect(oneLineAddress({})).toBeNull();
    expect(oneLineAddress(null)).toBeNull();
  });
});
