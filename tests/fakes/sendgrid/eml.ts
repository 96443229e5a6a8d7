// Writes a recorded message as an RFC 5322 / MIME email (.eml): CRLF line ends, folded
// headers, RFC 2047 encoded words for non-ASCII, multipart/alternative (text then html)
// with quoted-printable bodies, attachments as base64 inside multipart/mixed. The
// generic MIME pieces are the app's own (app/core/render/eml.ts, also used by
// `loopwise preview`); what is SendGrid-specific stays here.
import { createHash } from "node:crypto";
import {
  encodeQuotedPrintable,
  encodeWords,
  foldHeader,
  formatAddress,
  mimeMultipart as multipart,
  mimeTextPart as textPart,
  rfc5322Date,
} from "../../../app/core/render/eml";
import type { FakeSendGridMessage } from "./types";

export { encodeQuotedPrintable, encodeWords, foldHeader, formatAddress, rfc5322Date };

const CRLF = "\r\n";

export function toEml(message: FakeSendGridMessage): string {
  const boundary = (tag: string) =>
    `----=_Part_${tag}_${createHash("sha1").update(message.sgMessageId + tag).digest("hex").slice(0, 16)}`;
  const headers: Array<[string, string]> = [
    ["Message-ID", `<${message.sgMessageId}@fake.sendgrid>`],
    ["Date", rfc5322Date(message.receivedAt)],
    ["From", formatAddress(message.from)],
  ];
  if (message.replyTo) headers.push(["Reply-To", formatAddress(message.replyTo)]);
  headers.push(["To", message.toList.map(formatAddress).join(", ")]);
  if (message.ccList.length > 0) headers.push(["Cc", message.ccList.map(formatAddress).join(", ")]);
  headers.push(["Subject", encodeWords(message.subject ?? "")]);
  headers.push(["MIME-Version", "1.0"]);
  for (const [name, value] of Object.entries(message.headers)) headers.push([name, encodeWords(value)]);
  headers.push(["X-Fake-SendGrid-Message-Id", message.sgMessageId]);
  if (message.categories.length > 0) headers.push(["X-Fake-SendGrid-Categories", message.categories.join(", ")]);
  if (message.templateId) headers.push(["X-Fake-SendGrid-Template-Id", message.templateId]);

  const alternatives: string[][] = [];
  if (message.text !== undefined) alternatives.push(textPart("text/plain", message.text));
  if (message.html !== undefined) alternatives.push(textPart("text/html", message.html));
  for (const part of message.otherContent) alternatives.push(textPart(part.type, part.value));
  if (alternatives.length === 0) {
    const note = message.templateId
      ? `(rendered by SendGrid template ${message.templateId}; data: ${JSON.stringify(message.dynamicTemplateData ?? {})})`
      : "(no body kept)";
    alternatives.push(textPart("text/plain", note));
  }
  let body: string[] =
    alternatives.length === 1 ? (alternatives[0] as string[]) : multipart("alternative", boundary("alt"), alternatives);
  if (message.attachments.length > 0) {
    const parts = [body, ...message.attachments.map((a) => attachmentPart(a))];
    body = multipart("mixed", boundary("mixed"), parts);
  }
  return headers.map(([name, value]) => foldHeader(name, value)).join(CRLF) + CRLF + body.join(CRLF) + CRLF;
}

/** A file name for the message: sortable by arrival, unique per recipient. */
export function emlFileName(message: FakeSendGridMessage, sequence: number): string {
  return `${String(sequence).padStart(7, "0")}-${message.sgMessageId.replace(/[^A-Za-z0-9._-]/g, "_")}.eml`;
}

function attachmentPart(a: FakeSendGridMessage["attachments"][number]): string[] {
  const name = encodeWords(a.filename).replace(/"/g, "'");
  const lines = [
    `Content-Type: ${a.type ?? "application/octet-stream"}; name="${name}"`,
    "Content-Transfer-Encoding: base64",
    `Content-Disposition: ${a.disposition ?? "attachment"}; filename="${name}"`,
  ];
  if (a.contentId) lines.push(`Content-ID: <${a.contentId}>`);
  const b64 = a.content.replace(/\s+/g, "");
  lines.push("", ...(b64.match(/.{1,76}/g) ?? [""]));
  return lines;
}
