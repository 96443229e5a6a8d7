// Unsubscribe tokens, URLs, headers, masking, the suppression hash and the consent decision: pure rules.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { marketingDecision, type ConsentFacts } from "~/core/delivery/consent";
import { suppressionHash } from "~/core/delivery/suppression";
import {
  buildUnsubscribeUrl,
  deriveKey,
  listUnsubscribeHeaders,
  maskEmail,
  signUnsubscribeToken,
  TOKEN_VERSION,
  verifyUnsubscribeToken,
} from "~/core/delivery/unsubscribe";
import { renderPage } from "~/core/delivery/unsubscribe-page";
import { escapeHtml } from "~/core/render/escape";
import { emailHash } from "~/core/pixel/identity";

const SECRET = "unit-secret";
const CLAIM = { shopId: "acme-store.myshopify.com", customerId: "clx3k9v2f0000abcd1234efgh", messageId: "clx3k9v2f0001wxyz5678ijkl" };

function flipByte(token: string, index: number): string {
  const bytes = Buffer.from(token, "base64url");
  bytes[index < 0 ? bytes.length + index : index]! ^= 0x01;
  return bytes.toString("base64url");
}

describe("unsubscribe tokens", () => {
  it("round-trip the shop, customer and message, compactly", () => {
    const token = signUnsubscribeToken(SECRET, CLAIM);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(token.length).toBeLessThan(200);
    expect(verifyUnsubscribeToken(SECRET, token)).toEqual({ ok: true, claim: CLAIM });
    const noMessage = signUnsubscribeToken(SECRET, { ...CLAIM, messageId: null });
    expect(verifyUnsubscribeToken(SECRET, noMessage)).toEqual({ ok: true, claim: { ...CLAIM, messageId: null } });
    // A shop id that is not a myshopify domain is kept whole.
    const custom = { ...CLAIM, shopId: "shop.example" };
    expect(verifyUnsubscribeToken(SECRET, signUnsubscribeToken(SECRET, custom))).toEqual({ ok: true, claim: custom });
  });

  it("stay under 200 characters for the longest shop handle and cuid ids", () => {
    const longest = { shopId: `${"a".repeat(60)}.myshopify.com`, customerId: "c".repeat(25), messageId: "m".repeat(25) };
    const token = signUnsubscribeToken(SECRET, longest);
    expect(token.length).toBeLessThan(200);
    expect(verifyUnsubscribeToken(SECRET, token)).toEqual({ ok: true, claim: longest });
    expect(() => signUnsubscribeToken(SECRET, { ...CLAIM, customerId: "x".repeat(101) })).toThrow(/longer than/);
    expect(() => signUnsubscribeToken(SECRET, { ...CLAIM, customerId: "" })).toThrow(/required/);
  });

  it("start with the version byte and are deterministic per claim", () => {
    const token = signUnsubscribeToken(SECRET, CLAIM);
    expect(Buffer.from(token, "base64url")[0]).toBe(TOKEN_VERSION);
    expect(signUnsubscribeToken(SECRET, CLAIM)).toBe(token);
    expect(signUnsubscribeToken(SECRET, { ...CLAIM, messageId: "other" })).not.toBe(token);
  });

  it("refuse every altered byte", () => {
    const token = signUnsubscribeToken(SECRET, CLAIM);
    const length = Buffer.from(token, "base64url").length;
    for (let i = 1; i < length; i++) {
      const result = verifyUnsubscribeToken(SECRET, flipByte(token, i));
      expect(result.ok, `byte ${i}`).toBe(false);
    }
    expect(verifyUnsubscribeToken(SECRET, flipByte(token, 0))).toEqual({ ok: false, reason: "version" });
  });

  it("refuse truncation, padding, junk and non-canonical spellings", () => {
    const token = signUnsubscribeToken(SECRET, CLAIM);
    for (const cut of [1, 2, 5, 22, token.length - 1]) expect(verifyUnsubscribeToken(SECRET, token.slice(0, -cut)).ok, `cut ${cut}`).toBe(false);
    expect(verifyUnsubscribeToken(SECRET, token + "A").ok).toBe(false);
    expect(verifyUnsubscribeToken(SECRET, "").ok).toBe(false);
    expect(verifyUnsubscribeToken(SECRET, "not a token!").ok).toBe(false);
    expect(verifyUnsubscribeToken(SECRET, token + "=").ok).toBe(false);
    expect(verifyUnsubscribeToken(SECRET, "A".repeat(500)).ok).toBe(false);
    // Same bytes, another spelling (base64's spare bits in the last character).
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const last = token[token.length - 1]!;
    const sibling = alphabet[alphabet.indexOf(last) ^ 1]!;
    const respelled = token.slice(0, -1) + sibling;
    expect(Buffer.from(respelled, "base64url").equals(Buffer.from(token, "base64url"))).toBe(true); // 80 bytes: 2 spare bits
    expect(verifyUnsubscribeToken(SECRET, respelled)).toEqual({ ok: false, reason: "malformed" });
  });

  it("cannot be forged: another secret, another shop, or a tag made with the app secret itself", () => {
    const token = signUnsubscribeToken(SECRET, CLAIM);
    expect(verifyUnsubscribeToken("another-secret", token)).toEqual({ ok: false, reason: "signature" });
    // Swap the shop inside a genuine token, keep its tag.
    const other = signUnsubscribeToken(SECRET, { ...CLAIM, shopId: "evil-store.myshopify.com" });
    const bytes = Buffer.from(token, "base64url");
    const otherBytes = Buffer.from(other, "base64url");
    const spliced = Buffer.concat([otherBytes.subarray(0, otherBytes.length - 16), bytes.subarray(bytes.length - 16)]).toString("base64url");
    expect(verifyUnsubscribeToken(SECRET, spliced)).toEqual({ ok: false, reason: "signature" });
    // A tag computed with the raw app secret (not the derived key) is refused.
    const body = bytes.subarray(0, bytes.length - 16);
    const rawTag = createHmac("sha256", SECRET).update(body).digest().subarray(0, 16);
    expect(verifyUnsubscribeToken(SECRET, Buffer.concat([body, rawTag]).toString("base64url"))).toEqual({ ok: false, reason: "signature" });
  });
});

describe("keys, URLs and headers", () => {
  it("derives distinct keys per purpose, none equal to the secret", () => {
    const a = deriveKey(SECRET, "unsubscribe-token:v1");
    const b = deriveKey(SECRET, "suppression-email-hash:v1");
    expect(a).toHaveLength(32);
    expect(a.equals(b)).toBe(false);
    expect(a.equals(deriveKey(SECRET, "unsubscribe-token:v1"))).toBe(true);
    expect(() => deriveKey("", "x")).toThrow();
  });

  it("builds the URL and the RFC 8058 headers", () => {
    expect(buildUnsubscribeUrl("https://app.example/", "TOKEN")).toBe("https://app.example/unsubscribe/TOKEN");
    expect(listUnsubscribeHeaders("https://app.example/unsubscribe/T")).toEqual({
      "List-Unsubscribe": "<https://app.example/unsubscribe/T>",
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    });
    expect(() => listUnsubscribeHeaders("mailto:x@example.com")).toThrow();
  });

  it("masks addresses so their owner recognises them and nobody else learns them", () => {
    expect(maskEmail("jane.doe@gmail.com")).toBe("j***@g***.com");
    expect(maskEmail(" Ada@Example.co.uk ")).toBe("A***@E***.uk");
    expect(maskEmail("x@localhost")).toBe("x***@l***");
    expect(maskEmail("nonsense")).toBe("***");
  });
});

describe("suppression hash", () => {
  it("ignores case and spacing, is per shop, and differs from the pixel's hash of the same address", () => {
    const h = suppressionHash(SECRET, "a.myshopify.com", "Ada@Example.com ");
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(suppressionHash(SECRET, "a.myshopify.com", "ada@example.com")).toBe(h);
    expect(suppressionHash(SECRET, "b.myshopify.com", "ada@example.com")).not.toBe(h);
    expect(emailHash(SECRET, "a.myshopify.com", "ada@example.com")).not.toBe(h);
    expect(() => suppressionHash(SECRET, "a.myshopify.com", "not an email")).toThrow(/not an email/);
  });
});

describe("marketing decision", () => {
  const subscribed: ConsentFacts = { email: "a@example.com", emailConsentState: "SUBSCRIBED", deletedAt: null, redactedAt: null };
  it("allows only a subscribed, unsuppressed customer with an address", () => {
    expect(marketingDecision(subscribed, false)).toEqual({ ok: true });
    expect(marketingDecision(subscribed, true)).toEqual({ ok: false, reason: "suppressed" });
    expect(marketingDecision(null, false)).toEqual({ ok: false, reason: "unknown-customer" });
    expect(marketingDecision({ ...subscribed, deletedAt: new Date() }, false)).toEqual({ ok: false, reason: "deleted" });
    expect(marketingDecision({ ...subscribed, email: null }, false)).toEqual({ ok: false, reason: "no-email" });
    for (const state of ["NOT_SUBSCRIBED", "UNSUBSCRIBED", "PENDING", "REDACTED", "INVALID", "subscribed"]) {
      expect(marketingDecision({ ...subscribed, emailConsentState: state }, false), state).toEqual({ ok: false, reason: "not-subscribed" });
    }
  });
});

describe("unsubscribe pages", () => {
  it("escape hostile shop names and never carry scripts", () => {
    const hostile = `<script>alert(1)</script>"><img src=x onerror=alert(2)>`;
    const { status, html } = renderPage({ kind: "confirm", shopName: hostile, maskedEmail: "a***@e***.com" });
    expect(status).toBe(200);
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<img");
    expect(html).toContain(escapeHtml(hostile));
    expect(html).toContain('<form method="post">');
    expect(html).toContain('name="List-Unsubscribe" value="One-Click"');
    expect(renderPage({ kind: "invalid" }).status).toBe(400);
    expect(renderPage({ kind: "gone" }).status).toBe(410);
    expect(renderPage({ kind: "already" }).html).not.toContain("<form");
  });
});
