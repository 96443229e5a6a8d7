// Encrypted secrets at rest (a shop's SendGrid key): round trip, and nothing
// decrypts with another app secret, another purpose, or altered bytes.
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, last4, SecretError, SENDGRID_KEY_PURPOSE, sendgridKeyProblems } from "~/core/delivery/secret";

const KEY = "SG.abcdefghijklmnopqrstuv.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq";

describe("encryptSecret / decryptSecret", () => {
  it("round-trips, with a fresh IV each time and the key nowhere in the stored text", () => {
    const a = encryptSecret("app-secret", SENDGRID_KEY_PURPOSE, KEY);
    const b = encryptSecret("app-secret", SENDGRID_KEY_PURPOSE, KEY);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(a).not.toContain("abcdefghijklmnop");
    expect(decryptSecret("app-secret", SENDGRID_KEY_PURPOSE, a)).toBe(KEY);
  });

  it("refuses another app secret, another purpose, altered bytes and junk", () => {
    const stored = encryptSecret("app-secret", SENDGRID_KEY_PURPOSE, KEY);
    expect(() => decryptSecret("another-secret", SENDGRID_KEY_PURPOSE, stored)).toThrow(SecretError);
    expect(() => decryptSecret("app-secret", "unsubscribe-token", stored)).toThrow(SecretError);
    const parts = stored.split(".");
    const body = Buffer.from(parts[3]!, "base64url");
    body[0] = body[0]! ^ 1;
    expect(() => decryptSecret("app-secret", SENDGRID_KEY_PURPOSE, [...parts.slice(0, 3), body.toString("base64url")].join("."))).toThrow(SecretError);
    for (const junk of ["", "v1.a.b", "v2.a.b.c", KEY]) expect(() => decryptSecret("app-secret", SENDGRID_KEY_PURPOSE, junk)).toThrow(SecretError);
  });
});

describe("sendgridKeyProblems", () => {
  it("accepts SendGrid's key shape and names what is wrong otherwise", () => {
    expect(sendgridKeyProblems(KEY)).toEqual([]);
    expect(sendgridKeyProblems(` ${KEY}`)).toEqual(["the key has spaces around it"]);
    expect(sendgridKeyProblems("xx.abc")).toEqual(['a SendGrid API key starts with "SG."']);
    expect(sendgridKeyProblems("SG.short")).toEqual(["this does not look like a SendGrid API key (SG.<id>.<secret>)"]);
    expect(last4(KEY)).toBe("nopq");
  });
});
