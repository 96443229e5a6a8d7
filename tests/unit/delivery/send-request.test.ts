// The pure part of sending: tracked links, substitution tags a recipient's own
// text cannot spell, the email exactly as sent, and what SendGrid's answers mean.
import { describe, expect, it } from "vitest";
import { classifySendError, recipientSubstitutions, renderSent, requestContent, retryAfter, sendgridReason, trackingLinkHook, type SentValues } from "~/core/delivery/send-request";
import { substitute } from "../../fakes/sendgrid/expand";

describe("trackingLinkHook", () => {
  const hook = trackingLinkHook("win-back", "msg1", ["acme.example.com", "acme.myshopify.com"]);
  it("adds UTM parameters and the click token to shop links only", () => {
    expect(hook("https://acme.example.com/products/hat?x=1", { kind: "product" })).toBe("https://acme.example.com/products/hat?x=1&utm_source=loopwise&utm_medium=email&utm_campaign=win-back&lw=msg1");
    expect(hook("https://ACME.myshopify.com/", { kind: "cta" })).toContain("lw=msg1");
    expect(hook("https://instagram.com/acme", { kind: "body" })).toBe("https://instagram.com/acme");
    expect(hook("https://acme.example.com/unsubscribe/x", { kind: "unsubscribe" })).toBe("https://acme.example.com/unsubscribe/x");
  });
});

describe("substitutions", () => {
  const template = { html: { parts: ["<p>Hi ", ", bye ", "</p>"], slots: ["first", "unsub"] }, text: { parts: ["Hi ", ",\n", "\n\n\n\nUnsubscribe: ", "\n"], slots: ["first", "behaviour", "unsub"] } };
  const values: SentValues = { v: 1, subject: "S", html: { first: "Ann &amp; Bo", unsub: "https://x/u" }, text: { first: "{{lwabc:unsub}} Ann", behaviour: "", unsub: "https://x/u" } };
  it("substituted by SendGrid's rules, the request gives exactly the email renderSent gives, whatever the recipient's text", () => {
    const content = requestContent(template, "abc");
    const { substitutions, bytes } = recipientSubstitutions(template, values, "abc");
    expect(bytes).toBe(Object.entries(substitutions).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0));
    const sent = renderSent(template, values);
    expect(substitute(content[1]!.value, substitutions, {})).toBe(sent.html);
    expect(substitute(content[0]!.value, substitutions, {})).toBe(sent.text);
    expect(sent.text).toBe("Hi {{lwabc:unsub}} Ann,\n\n\nUnsubscribe: https://x/u\n".replace("\n\n\n", "\n\n"));
  });
});

describe("classifySendError", () => {
  const now = 1_700_000_000_000;
  const http = (code: number, body: unknown, headers: Record<string, string> = {}) => ({ code, response: { headers, body } });
  it("tells retry, refused and unknown apart", () => {
    expect(classifySendError(http(429, { errors: [{ message: "too many requests" }] }, { "x-ratelimit-reset": String(now / 1000 + 3) }), now)).toEqual({ kind: "retry", status: 429, retryAfterMs: 3000, reason: "too many requests" });
    expect(classifySendError(http(503, {}), now)).toMatchObject({ kind: "retry", status: 503, retryAfterMs: null });
    expect(classifySendError(http(400, { errors: [{ message: "bad", field: "from.email" }] }), now)).toEqual({ kind: "refused", status: 400, reason: "from.email: bad" });
    expect(classifySendError(http(401, null), now)).toMatchObject({ kind: "refused", status: 401 });
    expect(classifySendError(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }), now)).toMatchObject({ kind: "unknown" });
    expect(classifySendError(Object.assign(new Error("timeout of 500ms exceeded"), { code: "ECONNABORTED" }), now)).toMatchObject({ kind: "unknown" });
    expect(classifySendError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), now)).toMatchObject({ kind: "retry", status: null });
  });
  it("reads SendGrid's reasons and reset headers", () => {
    expect(sendgridReason({ errors: [{ message: "a" }, { message: "b", field: "f" }] })).toBe("a; f: b");
    expect(sendgridReason("nope")).toBeNull();
    expect(retryAfter({ "Retry-After": "2" }, now)).toBe(2000);
    expect(retryAfter({}, now)).toBeNull();
  });
});
