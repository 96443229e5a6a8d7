// The fake SendGrid: see tests/fakes/README.md.
export { startFakeSendGrid, FAKE_SENDGRID_API_KEY, type AutoEvents, type FakeSendGrid, type FakeSendGridOptions } from "./server";
export {
  createEventWebhook,
  buildEvent,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  type FakeEventSpec,
  type FakeEventWebhook,
  type SendGridEvent,
  type SendGridEventType,
  type EmitResult,
} from "./events";
export { toEml, encodeQuotedPrintable } from "./eml";
export { validateMailSend } from "./validate";
export type * from "./types";
