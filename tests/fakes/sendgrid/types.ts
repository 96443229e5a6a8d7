// Shapes shared by the fake SendGrid server, its .eml writer and its event emitter.

export interface Address {
  email: string;
  name?: string;
}

export interface ContentPart {
  type: string;
  value: string;
}

export interface Attachment {
  filename: string;
  content: string; // base64, as sent to SendGrid
  type?: string;
  disposition?: string;
  contentId?: string;
}

/** One email as one recipient would receive it (one per to/cc/bcc address of each personalization). */
export interface FakeSendGridMessage {
  /** The `X-Message-Id` answered for the request that carried this message. */
  xMessageId: string;
  /** `<X-Message-Id>.filter0001.<n>`, unique per recipient, as it appears in events. */
  sgMessageId: string;
  /** 0-based number of the accepted HTTP request on this server. */
  requestIndex: number;
  personalizationIndex: number;
  role: "to" | "cc" | "bcc";
  receivedAt: Date;
  from: Address;
  replyTo?: Address;
  /** The recipient this record is for. */
  to: Address;
  /** The To and Cc lines every recipient of this personalization sees. */
  toList: Address[];
  ccList: Address[];
  subject?: string;
  /** Bodies after substitutions; undefined when the server runs with `keepBodies: false`. */
  text?: string;
  html?: string;
  otherContent: ContentPart[];
  templateId?: string;
  dynamicTemplateData?: Record<string, unknown>;
  substitutions: Record<string, string>;
  customArgs: Record<string, string>;
  categories: string[];
  /** Custom headers, personalization headers merged over message headers (e.g. List-Unsubscribe). */
  headers: Record<string, string>;
  sendAt?: number;
  batchId?: string;
  asm?: { groupId: number; groupsToDisplay?: number[] };
  attachments: Attachment[];
  /** Where the .eml file was written, when the server has an `emlDir`. */
  emlPath?: string;
}

/** A SendGrid v3 error item: `{ errors: [{ message, field, help }] }`. */
export interface SendGridErrorItem {
  message: string;
  field: string | null;
  help: string | null;
}

export type FlakyFailure = "429" | "500" | "drop" | "accept-then-drop";

/**
 * How the server answers POST /v3/mail/send. `times` limits a failure mode to the next
 * N requests, after which the server is back to normal.
 */
export type FakeSendGridMode =
  | "normal"
  | { kind: "normal" }
  | { kind: "error"; status?: number; times?: number }
  | { kind: "rate-limited"; limit?: number; resetInSeconds?: number; times?: number }
  /** Records the messages, then answers nothing for `ms` and closes the connection. */
  | { kind: "accept-then-timeout"; ms: number; times?: number }
  /** Closes the connection before accepting anything. */
  | { kind: "drop"; times?: number }
  /** Fails `failureRate` of the requests (seeded, repeatable) with one of `failures`. */
  | { kind: "flaky"; failureRate: number; seed?: number; failures?: FlakyFailure[] };

export interface FakeSendGridRequest {
  index: number;
  method: string;
  path: string;
  status: number | "dropped" | "timeout";
  personalizations: number;
  recipients: number;
  xMessageId?: string;
  receivedAt: Date;
}
