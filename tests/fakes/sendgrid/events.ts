// SendGrid's Event Webhook, faked: builds event JSON for recorded messages and POSTs it
// signed exactly as SendGrid signs it: ECDSA P-256 / SHA-256 over (timestamp + raw body),
// DER signature in base64, with the public key published as base64 DER SubjectPublicKeyInfo.
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import type { FakeSendGridMessage } from "./types";

export const SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature";
export const TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp";

export type SendGridEventType =
  | "processed"
  | "deferred"
  | "delivered"
  | "open"
  | "click"
  | "bounce"
  | "dropped"
  | "spamreport"
  | "unsubscribe"
  | "group_unsubscribe"
  | "group_resubscribe";

/** An event about a recorded message; the emitter fills in what SendGrid would. */
export interface FakeEventSpec {
  event: SendGridEventType;
  message: FakeSendGridMessage;
  /** Unix seconds; defaults to now. */
  timestamp?: number;
  sgEventId?: string;
  /** open: Apple Mail Privacy Protection style machine open. */
  machineOpen?: boolean;
  /** click: the clicked link. group_(un|re)subscribe: the page. */
  url?: string;
  /** bounce: "bounce" (hard) or "blocked"; also sets the SMTP status. */
  bounceType?: "bounce" | "blocked";
  reason?: string;
  /** Extra or overriding fields. */
  extra?: Record<string, unknown>;
}

export type SendGridEvent = Record<string, unknown>;

export interface EmitResult {
  status: number;
  body: string;
  /** The exact bytes that were signed and sent. */
  payload: string;
  timestamp: string;
  signature: string;
  events: SendGridEvent[];
}

export interface FakeEventWebhook {
  /** SendGrid's format: base64 of the DER SubjectPublicKeyInfo (what the SendGrid UI shows). */
  publicKey: string;
  /** Builds, signs and POSTs one batch. Items are specs about recorded messages or raw event objects. */
  emit(url: string, events: Array<FakeEventSpec | SendGridEvent>, opts?: { timestamp?: string }): Promise<EmitResult>;
  /** The event JSON SendGrid would send for these specs (no HTTP). */
  build(events: Array<FakeEventSpec | SendGridEvent>): SendGridEvent[];
  /** Signs a raw payload; use it to build forged, replayed or reordered deliveries by hand. */
  sign(payload: string, timestamp?: string): { signature: string; timestamp: string };
}

export function createEventWebhook(): FakeEventWebhook {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const publicKeyBase64 = publicKey.export({ type: "spki", format: "der" }).toString("base64");
  const signPayload = (payload: string, timestamp = String(Math.floor(Date.now() / 1000))) => ({
    signature: signWith(privateKey, timestamp, payload),
    timestamp,
  });
  const build = (events: Array<FakeEventSpec | SendGridEvent>) => events.map((e) => (isSpec(e) ? buildEvent(e) : e));
  return {
    publicKey: publicKeyBase64,
    build,
    sign: signPayload,
    async emit(url, events, opts = {}) {
      const built = build(events);
      const payload = JSON.stringify(built);
      const { signature, timestamp } = signPayload(payload, opts.timestamp);
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "User-Agent": "SendGrid Event API",
          [SIGNATURE_HEADER]: signature,
          [TIMESTAMP_HEADER]: timestamp,
        },
        body: payload,
      });
      return { status: response.status, body: await response.text(), payload, timestamp, signature, events: built };
    },
  };
}

function signWith(privateKey: KeyObject, timestamp: string, payload: string): string {
  return sign("sha256", Buffer.from(timestamp + payload, "utf8"), { key: privateKey, dsaEncoding: "der" }).toString(
    "base64",
  );
}

function isSpec(value: FakeEventSpec | SendGridEvent): value is FakeEventSpec {
  return typeof value === "object" && value !== null && "message" in value && typeof value.event === "string";
}

export function buildEvent(spec: FakeEventSpec): SendGridEvent {
  const m = spec.message;
  const ip = "203.0.113.7";
  const useragent = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)";
  const event: SendGridEvent = {
    ...m.customArgs, // SendGrid puts custom_args at the top level of every event
    email: m.to.email,
    timestamp: spec.timestamp ?? Math.floor(Date.now() / 1000),
    event: spec.event,
    sg_event_id: spec.sgEventId ?? randomBytes(16).toString("base64url").slice(0, 22),
    sg_message_id: m.sgMessageId,
    "smtp-id": `<${m.xMessageId}@ismtpd-fake>`,
  };
  if (m.categories.length > 0) event.category = [...m.categories];
  if (m.asm) event.asm_group_id = m.asm.groupId;
  switch (spec.event) {
    case "processed":
      event.send_at = m.sendAt ?? 0;
      break;
    case "deferred":
      Object.assign(event, { response: "400 try again later", attempt: "1" });
      break;
    case "delivered":
      Object.assign(event, { response: "250 2.0.0 OK", ip: "198.51.100.10", tls: 1 });
      break;
    case "open":
      Object.assign(event, { useragent, ip, sg_machine_open: spec.machineOpen ?? false });
      break;
    case "click":
      Object.assign(event, { useragent, ip, url: spec.url ?? "https://example.myshopify.com/", url_offset: { index: 0, type: "html" } });
      break;
    case "bounce": {
      const blocked = spec.bounceType === "blocked";
      Object.assign(event, {
        type: blocked ? "blocked" : "bounce",
        status: blocked ? "4.0.0" : "5.1.1",
        reason: spec.reason ?? (blocked ? "451 4.7.1 Temporarily blocked" : "550 5.1.1 The email account that you tried to reach does not exist."),
        bounce_classification: blocked ? "Reputation" : "Invalid Address",
        ip: "198.51.100.10",
        tls: 1,
      });
      break;
    }
    case "dropped":
      Object.assign(event, { reason: spec.reason ?? "Bounced Address", status: "5.0.0" });
      break;
    case "group_unsubscribe":
    case "group_resubscribe":
      Object.assign(event, { useragent, ip, url: spec.url ?? "https://fake-sendgrid.loopwise.test/asm" });
      break;
    case "spamreport":
    case "unsubscribe":
      break;
  }
  return { ...event, ...spec.extra };
}
