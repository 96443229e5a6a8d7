// The fake SendGrid driven by the real @sendgrid/mail client.
import { Client } from "@sendgrid/client";
import { MailService } from "@sendgrid/mail";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFakeSendGrid, type FakeSendGrid } from "../../fakes/sendgrid";

const KEY = "SG.test-key.for-the-fake";
let sg: FakeSendGrid;
let emlDir: string;

function mailer(origin: string, apiKey = KEY, timeoutMs?: number) {
  const client = new Client();
  client.setApiKey(apiKey); // resets baseUrl to api.sendgrid.com, so point it back afterwards
  client.setDefaultRequest("baseUrl", origin + "/");
  const mail = new MailService();
  mail.setClient(client);
  if (timeoutMs) mail.setTimeout(timeoutMs);
  return mail;
}

interface SgError {
  code: number;
  response: { headers: Record<string, string>; body: { errors: { message: string; field: string | null; help: string | null }[] } };
}
async function sendError(promise: Promise<unknown>): Promise<SgError> {
  try {
    await promise;
  } catch (error) {
    return error as SgError;
  }
  throw new Error("expected the send to fail");
}

const base = {
  from: { email: "shop@loopwise.test", name: "Demo Shop" },
  // @sendgrid/mail wraps substitution keys in {{ }} (setSubstitutionWrappers), so `first` matches {{first}}
  subject: "Hello {{first}}",
  text: "Hi {{first}}, your cart is waiting.",
  html: "<p>Hi <b>{{first}}</b>, your cart is waiting.</p>",
};

beforeAll(async () => {
  emlDir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-sg-"));
  sg = await startFakeSendGrid({ apiKey: KEY, emlDir });
});
afterAll(async () => {
  await sg.close();
  fs.rmSync(emlDir, { recursive: true, force: true });
});
afterEach(() => {
  sg.setMode("normal");
  sg.clear();
});

describe("POST /v3/mail/send", () => {
  it("accepts send() with 202 and an X-Message-Id, one personalization for all `to`", async () => {
    const [response] = await mailer(sg.origin).send({ ...base, to: ["a@example.com", "b@example.com"] });
    expect(response.statusCode).toBe(202);
    const id = response.headers["x-message-id"];
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(sg.messages).toHaveLength(2);
    expect(sg.messages.map((m) => m.personalizationIndex)).toEqual([0, 0]);
    expect(sg.messages[0]!.toList.map((a) => a.email)).toEqual(["a@example.com", "b@example.com"]);
    expect(sg.messages[0]!.xMessageId).toBe(id);
    expect(sg.messages[0]!.sgMessageId.startsWith(`${id}.filter`)).toBe(true);
    expect(new Set(sg.messages.map((m) => m.sgMessageId)).size).toBe(2);
  });

  it("sendMultiple makes one personalization per address in one request", async () => {
    await mailer(sg.origin).sendMultiple({ ...base, to: ["a@example.com", "b@example.com", "c@example.com"] });
    expect(sg.requests).toHaveLength(1);
    expect(sg.requests[0]).toMatchObject({ status: 202, personalizations: 3, recipients: 3 });
    expect(sg.messages.map((m) => [m.to.email, m.personalizationIndex, m.toList.length])).toEqual([
      ["a@example.com", 0, 1],
      ["b@example.com", 1, 1],
      ["c@example.com", 2, 1],
    ]);
  });

  it("merges explicit personalizations: substitutions, custom_args, headers, categories", async () => {
    await mailer(sg.origin).send({
      ...base,
      categories: ["flow:cart-recovery", "shop:demo"],
      customArgs: { loopwise_shop: "demo", loopwise_message: "default" },
      headers: {
        "List-Unsubscribe": "<https://loopwise.test/u/default>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      },
      asm: { groupId: 42 },
      personalizations: [
        {
          to: [{ email: "ann@example.com", name: "Ann" }],
          substitutions: { first: "Ann" },
          customArgs: { loopwise_message: "m1" },
          headers: { "List-Unsubscribe": "<https://loopwise.test/u/t1>" },
        },
        {
          to: [{ email: "bob@example.com" }],
          cc: [{ email: "carol@example.com" }],
          subject: "Own subject for {{first}}",
          substitutions: { first: "Bob" },
          customArgs: { loopwise_message: "m2" },
        },
      ],
    });
    const [ann, bob, carol] = sg.messages;
    expect(ann).toMatchObject({
      to: { email: "ann@example.com", name: "Ann" },
      role: "to",
      subject: "Hello Ann",
      text: "Hi Ann, your cart is waiting.",
      html: "<p>Hi <b>Ann</b>, your cart is waiting.</p>",
      customArgs: { loopwise_shop: "demo", loopwise_message: "m1" },
      categories: ["flow:cart-recovery", "shop:demo"],
      headers: {
        "List-Unsubscribe": "<https://loopwise.test/u/t1>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      },
      asm: { groupId: 42 },
    });
    expect(bob).toMatchObject({ subject: "Own subject for Bob", customArgs: { loopwise_message: "m2" }, role: "to" });
    expect(bob!.headers["List-Unsubscribe"]).toBe("<https://loopwise.test/u/default>");
    expect(carol).toMatchObject({ role: "cc", to: { email: "carol@example.com" }, text: "Hi Bob, your cart is waiting." });
  });

  it("answers 401 in SendGrid's shape for a wrong key", async () => {
    const error = await sendError(mailer(sg.origin, "SG.wrong").send({ ...base, to: "a@example.com" }));
    expect(error.code).toBe(401);
    expect(error.response.body.errors[0]!.message).toMatch(/authorization grant is invalid/);
    expect(sg.messages).toHaveLength(0);
  });

  it("rejects invalid bodies with every error, field by field", async () => {
    const error = await sendError(
      mailer(sg.origin).send(
        {
          from: { email: "not-an-address" },
          personalizations: [{ to: [{ email: "a@example.com" }, { email: "nope" }], cc: [{ email: "a@example.com" }] }],
          content: [{ type: "text/html", value: "<p>x</p>" }, { type: "text/plain", value: "x" }],
          categories: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"],
          headers: { Subject: "sneaky" },
          sendAt: Math.floor(Date.now() / 1000) + 80 * 3600,
        } as never,
        false,
      ),
    );
    expect(error.code).toBe(400);
    const fields = error.response.body.errors.map((e) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        "from.email",
        "personalizations.0.to.1.email",
        "personalizations.0.cc",
        "subject",
        "content",
        "categories",
        "headers",
        "send_at",
      ]),
    );
    for (const item of error.response.body.errors) {
      expect(item).toEqual({ message: expect.any(String), field: expect.any(String), help: expect.stringMatching(/^http/) });
    }
    expect(sg.messages).toHaveLength(0);
  });

  it("requires content unless a template_id is given, and subject unless every personalization has one", async () => {
    const missing = await sendError(
      mailer(sg.origin).send({ from: "shop@loopwise.test", personalizations: [{ to: "a@example.com" }] } as never),
    );
    expect(missing.response.body.errors.map((e) => e.field).sort()).toEqual(["content", "subject"]);

    const [ok] = await mailer(sg.origin).send({
      from: "shop@loopwise.test",
      templateId: "d-0123456789abcdef",
      personalizations: [{ to: "a@example.com", dynamicTemplateData: { first: "Ann" } }],
    });
    expect(ok.statusCode).toBe(202);
    expect(sg.messages[0]).toMatchObject({ templateId: "d-0123456789abcdef", dynamicTemplateData: { first: "Ann" } });
  });

  it("refuses more than 1000 personalizations or recipients", async () => {
    const to = Array.from({ length: 1001 }, (_, i) => `r${i}@example.com`);
    const error = await sendError(mailer(sg.origin).sendMultiple({ ...base, to }));
    expect(error.code).toBe(400);
    expect(error.response.body.errors.some((e) => e.field === "personalizations")).toBe(true);
    const [ok] = await mailer(sg.origin).sendMultiple({ ...base, to: to.slice(0, 1000) });
    expect(ok.statusCode).toBe(202);
    expect(sg.messages).toHaveLength(1000);
  });

  it("sandbox mode validates and answers 200 without sending", async () => {
    const [response] = await mailer(sg.origin).send({ ...base, to: "a@example.com", mailSettings: { sandboxMode: { enable: true } } });
    expect(response.statusCode).toBe(200);
    expect(sg.messages).toHaveLength(0);
  });
});

describe("failure modes", () => {
  it("error: 500 for the next N requests, then normal", async () => {
    sg.setMode({ kind: "error", times: 2 });
    const mail = mailer(sg.origin);
    expect((await sendError(mail.send({ ...base, to: "a@example.com" }))).code).toBe(500);
    expect((await sendError(mail.send({ ...base, to: "a@example.com" }))).code).toBe(500);
    const [ok] = await mail.send({ ...base, to: "a@example.com" });
    expect(ok.statusCode).toBe(202);
    expect(sg.messages).toHaveLength(1);
  });

  it("rate-limited: 429 with X-RateLimit-* headers", async () => {
    sg.setMode({ kind: "rate-limited", limit: 600, resetInSeconds: 30 });
    const before = Math.floor(Date.now() / 1000);
    const error = await sendError(mailer(sg.origin).send({ ...base, to: "a@example.com" }));
    expect(error.code).toBe(429);
    expect(error.response.headers["x-ratelimit-limit"]).toBe("600");
    expect(error.response.headers["x-ratelimit-remaining"]).toBe("0");
    expect(Number(error.response.headers["x-ratelimit-reset"])).toBeGreaterThanOrEqual(before + 30);
    expect(sg.messages).toHaveLength(0);
  });

  it("accept-then-timeout: the message is recorded but the client sees no answer", async () => {
    sg.setMode({ kind: "accept-then-timeout", ms: 5_000, times: 1 });
    const started = Date.now();
    const error = (await sendError(mailer(sg.origin, KEY, 300).send({ ...base, to: "a@example.com" }))) as unknown as {
      code: string;
    };
    expect(error.code).toBe("ECONNABORTED"); // axios' client-side timeout
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(sg.messages).toHaveLength(1);
    expect(sg.requests[0]!.status).toBe("timeout");
  });

  it("drop: the connection closes before anything is accepted", async () => {
    sg.setMode({ kind: "drop", times: 1 });
    const error = (await sendError(mailer(sg.origin).send({ ...base, to: "a@example.com" }))) as unknown as { code: string };
    expect(error.code).toBe("ECONNRESET");
    expect(sg.messages).toHaveLength(0);
  });

  it("flaky accept-then-drop: recorded, yet the client sees a reset connection", async () => {
    sg.setMode({ kind: "flaky", failureRate: 1, failures: ["accept-then-drop"] });
    const error = (await sendError(mailer(sg.origin).send({ ...base, to: "a@example.com" }))) as unknown as { code: string };
    expect(error.code).toBe("ECONNRESET");
    expect(sg.messages).toHaveLength(1);
    expect(sg.requests[0]!.status).toBe("dropped");
  });

  it("flaky: a seeded share of requests fail, the same way on every run", async () => {
    const outcomes = async () => {
      sg.setMode({ kind: "flaky", failureRate: 0.3, seed: 7 });
      const mail = mailer(sg.origin);
      const seen: Array<number | string> = [];
      for (let i = 0; i < 30; i++) {
        seen.push(
          await mail.send({ ...base, to: "a@example.com" }).then(
            ([r]) => r.statusCode,
            (e: { code: number | string }) => e.code,
          ),
        );
      }
      return seen;
    };
    const first = await outcomes();
    const second = await outcomes();
    expect(second).toEqual(first);
    const failures = first.filter((s) => s !== 202).length;
    expect(failures).toBeGreaterThan(3);
    expect(failures).toBeLessThan(20);
    expect(new Set(first)).toEqual(new Set([202, 429, 500, "ECONNRESET"]));
  });
});
