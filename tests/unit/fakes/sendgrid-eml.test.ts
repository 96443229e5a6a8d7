// The .eml files the fake SendGrid writes: RFC 5322 headers, MIME multipart/alternative, quoted-printable.
import { Client } from "@sendgrid/client";
import { MailService } from "@sendgrid/mail";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeQuotedPrintable, startFakeSendGrid, type FakeSendGrid } from "../../fakes/sendgrid";

function decodeQuotedPrintable(input: string): string {
  const bytes: number[] = [];
  const text = input.replace(/=\r\n/g, "");
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "=") {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(text.charCodeAt(i));
    }
  }
  return Buffer.from(bytes).toString("utf8").replace(/\r\n/g, "\n");
}

function decodeWords(value: string): string {
  // whitespace between two adjacent encoded words is not part of the text (RFC 2047, 6.2)
  return value
    .replace(/(\?=)\s+(?==\?UTF-8\?B\?)/g, "$1")
    .replace(/=\?UTF-8\?B\?([^?]+)\?=/g, (_, b64: string) => Buffer.from(b64, "base64").toString("utf8"));
}

function parse(eml: string) {
  const [head, ...rest] = eml.split("\r\n\r\n");
  const headers = new Map<string, string>();
  for (const line of head!.replace(/\r\n[ \t]/g, " ").split("\r\n")) {
    const colon = line.indexOf(":");
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: rest.join("\r\n\r\n"), headLines: head!.split("\r\n") };
}

function parts(body: string, boundary: string) {
  return body
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((p) => parse(p.replace(/^\r\n/, "").replace(/\r\n$/, "")));
}

let sg: FakeSendGrid;
let dir: string;
const longLine = "Our new collection = 30% off. ".repeat(6) + "trailing space   ";

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-sg-eml-"));
  sg = await startFakeSendGrid({ emlDir: dir });
  const client = new Client();
  client.setApiKey(sg.apiKey);
  client.setDefaultRequest("baseUrl", sg.origin + "/");
  const mail = new MailService();
  mail.setClient(client);
  await mail.send({
    from: { email: "shop@loopwise.test", name: "Café Zoë" },
    replyTo: "help@loopwise.test",
    personalizations: [{ to: [{ email: "ann@example.com", name: "Ann O'Neil, Jr." }], substitutions: { first: "Ann" } }],
    subject: "Grüße, {{first}}: a long subject line that needs more than one encoded word to fit ✓",
    text: `Hi {{first}},\n${longLine}\nBye`,
    html: `<p style="color:#333">Hi {{first}} — ${longLine}</p>`,
    categories: ["flow:welcome"],
    headers: {
      "List-Unsubscribe": "<https://loopwise.test/unsubscribe/very-long-signed-token-abcdefghijklmnopqrstuvwxyz0123456789>, <mailto:unsub@loopwise.test>",
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
    attachments: [{ filename: "note.txt", content: Buffer.from("hello").toString("base64"), type: "text/plain" }],
  });
});
afterAll(async () => {
  await sg.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe(".eml output", () => {
  it("writes one file per recipient with RFC 5322 headers", () => {
    const files = fs.readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(sg.messages[0]!.emlPath).toBe(path.join(dir, files[0]!));
    const eml = fs.readFileSync(sg.messages[0]!.emlPath!, "utf8");
    expect(eml.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/); // CRLF only
    const { headers, headLines } = parse(eml);
    for (const line of headLines) expect(line.length).toBeLessThanOrEqual(998);
    expect(headers.get("message-id")).toMatch(/^<[^@\s]+@[^>\s]+>$/);
    expect(headers.get("date")).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    expect(decodeWords(headers.get("from")!)).toBe("Café Zoë <shop@loopwise.test>");
    expect(headers.get("to")).toBe(`"Ann O'Neil, Jr." <ann@example.com>`);
    expect(headers.get("reply-to")).toBe("<help@loopwise.test>");
    expect(decodeWords(headers.get("subject")!)).toBe(
      "Grüße, Ann: a long subject line that needs more than one encoded word to fit ✓",
    );
    expect(headers.get("mime-version")).toBe("1.0");
    expect(headers.get("list-unsubscribe")).toBe(
      "<https://loopwise.test/unsubscribe/very-long-signed-token-abcdefghijklmnopqrstuvwxyz0123456789>, <mailto:unsub@loopwise.test>",
    );
    expect(headers.get("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
    expect(headers.get("x-fake-sendgrid-message-id")).toBe(sg.messages[0]!.sgMessageId);
  });

  it("holds multipart/alternative text then html in quoted-printable, inside multipart/mixed with the attachment", () => {
    const eml = fs.readFileSync(sg.messages[0]!.emlPath!, "utf8");
    const { headers, body } = parse(eml);
    const mixed = /boundary="([^"]+)"/.exec(headers.get("content-type")!)![1]!;
    expect(headers.get("content-type")).toMatch(/^multipart\/mixed;/);
    const [alternative, attachment] = parts(body, mixed);
    expect(alternative!.headers.get("content-type")).toMatch(/^multipart\/alternative;/);
    const altBoundary = /boundary="([^"]+)"/.exec(alternative!.headers.get("content-type")!)![1]!;
    const [text, html] = parts(alternative!.body, altBoundary);
    expect(text!.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(text!.headers.get("content-transfer-encoding")).toBe("quoted-printable");
    expect(decodeQuotedPrintable(text!.body)).toBe(`Hi Ann,\n${longLine}\nBye`);
    expect(html!.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(decodeQuotedPrintable(html!.body)).toBe(`<p style="color:#333">Hi Ann — ${longLine}</p>`);
    for (const line of (text!.body + "\r\n" + html!.body).split("\r\n")) expect(line.length).toBeLessThanOrEqual(76);
    expect(attachment!.headers.get("content-disposition")).toBe('attachment; filename="note.txt"');
    expect(Buffer.from(attachment!.body, "base64").toString()).toBe("hello");
  });

  it("quoted-printable round-trips any text", () => {
    const samples = ["", "a=b", "tab\tend\t", "ünïcödé ✓ 🎉".repeat(20), "x".repeat(200), "line\r\nbreaks\nmixed\r"];
    for (const sample of samples) {
      expect(decodeQuotedPrintable(encodeQuotedPrintable(sample))).toBe(sample.replace(/\r\n|\r/g, "\n"));
    }
  });
});
