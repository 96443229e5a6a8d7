// The fake's event webhook: signed like SendGrid, verified by @sendgrid/eventwebhook and node:crypto.
import { EventWebhook, EventWebhookHeader } from "@sendgrid/eventwebhook";
import { Client } from "@sendgrid/client";
import { MailService } from "@sendgrid/mail";
import { createPublicKey, verify } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeSendGrid, type FakeSendGrid, type SendGridEvent } from "../../fakes/sendgrid";

interface Received {
  raw: string;
  signature: string;
  timestamp: string;
  userAgent: string | undefined;
}

/** A tiny loopback receiver that verifies like an app would: over the raw bytes. */
async function startReceiver(publicKey: string) {
  const received: Received[] = [];
  const ew = new EventWebhook();
  const key = ew.convertPublicKeyToECDSA(publicKey);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const signature = String(req.headers[EventWebhookHeader.SIGNATURE().toLowerCase()] ?? "");
      const timestamp = String(req.headers[EventWebhookHeader.TIMESTAMP().toLowerCase()] ?? "");
      received.push({ raw, signature, timestamp, userAgent: req.headers["user-agent"] });
      const ok = signature !== "" && ew.verifySignature(key, raw, signature, timestamp);
      res.writeHead(ok ? 200 : 403).end(ok ? "ok" : "bad signature");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/sendgrid`;
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let sg: FakeSendGrid;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  sg = await startFakeSendGrid();
  receiver = await startReceiver(sg.eventWebhook.publicKey);
  const client = new Client();
  client.setApiKey(sg.apiKey);
  client.setDefaultRequest("baseUrl", sg.origin + "/");
  const mail = new MailService();
  mail.setClient(client);
  await mail.sendMultiple({
    from: "shop@loopwise.test",
    to: ["ann@example.com", "bob@example.com"],
    subject: "Back in stock",
    text: "It is back.",
    categories: ["flow:launch"],
    customArgs: { loopwise_message_id: "msg_123" },
    asm: { groupId: 7 },
  });
});
afterAll(async () => {
  await receiver.close();
  await sg.close();
});

describe("event webhook emitter", () => {
  it("publishes the key as base64 DER SubjectPublicKeyInfo (SendGrid's format)", () => {
    expect(sg.eventWebhook.publicKey).toMatch(/^MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE[A-Za-z0-9+/]+={0,2}$/);
    const key = createPublicKey({ key: Buffer.from(sg.eventWebhook.publicKey, "base64"), format: "der", type: "spki" });
    expect(key.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
  });

  it("emits every event type for recorded messages, signed so that @sendgrid/eventwebhook verifies it", async () => {
    const [ann, bob] = sg.messages;
    const result = await sg.eventWebhook.emit(receiver.url, [
      { event: "processed", message: ann! },
      { event: "delivered", message: ann! },
      { event: "open", message: ann!, machineOpen: true },
      { event: "open", message: ann! },
      { event: "click", message: ann!, url: "https://demo.myshopify.com/products/hat" },
      { event: "deferred", message: bob! },
      { event: "bounce", message: bob! },
      { event: "dropped", message: bob! },
      { event: "spamreport", message: ann! },
      { event: "unsubscribe", message: ann! },
      { event: "group_unsubscribe", message: ann! },
    ]);
    expect(result.status).toBe(200);
    const got = receiver.received.at(-1)!;
    expect(got.userAgent).toBe("SendGrid Event API");
    expect(got.raw).toBe(result.payload);
    expect(got.timestamp).toMatch(/^\d{10}$/);

    const events = JSON.parse(got.raw) as SendGridEvent[];
    expect(events.map((e) => e.event)).toEqual([
      "processed",
      "delivered",
      "open",
      "open",
      "click",
      "deferred",
      "bounce",
      "dropped",
      "spamreport",
      "unsubscribe",
      "group_unsubscribe",
    ]);
    for (const e of events) {
      expect(e).toMatchObject({
        email: expect.stringMatching(/@example\.com$/),
        timestamp: expect.any(Number),
        sg_event_id: expect.any(String),
        sg_message_id: expect.stringMatching(/^[A-Za-z0-9_-]{22}\.filter/),
        loopwise_message_id: "msg_123", // custom_args at the top level, as SendGrid does
        category: ["flow:launch"],
        asm_group_id: 7,
      });
    }
    expect(new Set(events.map((e) => e.sg_event_id)).size).toBe(events.length);
    expect(events[0]!.sg_message_id).toBe(ann!.sgMessageId);
    expect(events[2]!.sg_machine_open).toBe(true);
    expect(events[3]!.sg_machine_open).toBe(false);
    expect(events[4]!.url).toBe("https://demo.myshopify.com/products/hat");
    expect(events[6]).toMatchObject({ email: "bob@example.com", type: "bounce", status: expect.stringMatching(/^5\./) });
  });

  it("verifies with plain node:crypto too (ECDSA P-256, SHA-256 over timestamp + raw body)", async () => {
    const result = await sg.eventWebhook.emit(receiver.url, [{ event: "delivered", message: sg.messages[0]! }]);
    const key = createPublicKey({ key: Buffer.from(sg.eventWebhook.publicKey, "base64"), format: "der", type: "spki" });
    const ok = verify("sha256", Buffer.from(result.timestamp + result.payload), key, Buffer.from(result.signature, "base64"));
    expect(ok).toBe(true);
  });

  it("a tampered body, a re-serialized body or another timestamp fails verification", async () => {
    const ew = new EventWebhook();
    const key = ew.convertPublicKeyToECDSA(sg.eventWebhook.publicKey);
    const result = await sg.eventWebhook.emit(receiver.url, [{ event: "click", message: sg.messages[0]! }]);
    expect(ew.verifySignature(key, result.payload, result.signature, result.timestamp)).toBe(true);

    const tampered = result.payload.replace("ann@example.com", "eve@example.com");
    expect(ew.verifySignature(key, tampered, result.signature, result.timestamp)).toBe(false);
    const reserialized = JSON.stringify(JSON.parse(result.payload), null, 1);
    expect(ew.verifySignature(key, reserialized, result.signature, result.timestamp)).toBe(false);
    expect(ew.verifySignature(key, result.payload, result.signature, String(Number(result.timestamp) + 1))).toBe(false);

    // and the receiver refuses a forged delivery
    const forged = await fetch(receiver.url, {
      method: "POST",
      headers: { [EventWebhookHeader.SIGNATURE()]: result.signature, [EventWebhookHeader.TIMESTAMP()]: result.timestamp },
      body: tampered,
    });
    expect(forged.status).toBe(403);
  });

  it("passes raw events through and can re-sign hand-made batches (duplicates, reordering)", async () => {
    const [built] = sg.eventWebhook.build([{ event: "open", message: sg.messages[1]!, sgEventId: "dup-1", timestamp: 1_700_000_000 }]);
    const result = await sg.eventWebhook.emit(receiver.url, [built!, built!, { event: "custom", email: "x@example.com" }]);
    expect(result.status).toBe(200);
    const events = JSON.parse(result.payload) as SendGridEvent[];
    expect(events[0]).toEqual(events[1]);
    expect(events[0]).toMatchObject({ sg_event_id: "dup-1", timestamp: 1_700_000_000, email: "bob@example.com" });
    expect(events[2]).toEqual({ event: "custom", email: "x@example.com" });

    const { signature, timestamp } = sg.eventWebhook.sign("[]", "1700000000");
    const ew = new EventWebhook();
    expect(ew.verifySignature(ew.convertPublicKeyToECDSA(sg.eventWebhook.publicKey), "[]", signature, timestamp)).toBe(true);
  });
});
