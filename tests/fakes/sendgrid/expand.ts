// Turns an accepted mail/send body into one record per recipient, merged the way SendGrid
// merges it: personalization values over message values, substitutions (and sections)
// applied to the subject and every content part.
import { randomBytes } from "node:crypto";
import type { Address, Attachment, ContentPart, FakeSendGridMessage } from "./types";
import { isObject } from "./validate";

type Json = Record<string, unknown>;

export function newXMessageId(): string {
  return randomBytes(16).toString("base64url").slice(0, 22);
}

export function expandMailSend(
  body: Json,
  opts: { xMessageId: string; requestIndex: number; receivedAt: Date; keepBodies: boolean },
): FakeSendGridMessage[] {
  const content = (Array.isArray(body.content) ? body.content : []) as ContentPart[];
  const sections = stringMap(body.sections);
  const attachments: Attachment[] = (Array.isArray(body.attachments) ? body.attachments : []).map((a: Json) => ({
    filename: String(a.filename),
    content: String(a.content),
    type: optionalString(a.type),
    disposition: optionalString(a.disposition),
    contentId: optionalString(a.content_id),
  }));
  const asm = isObject(body.asm)
    ? {
        groupId: body.asm.group_id as number,
        groupsToDisplay: body.asm.groups_to_display as number[] | undefined,
      }
    : undefined;
  const messages: FakeSendGridMessage[] = [];
  let recipientIndex = 0;
  (body.personalizations as Json[]).forEach((p, personalizationIndex) => {
    const substitutions = stringMap(p.substitutions);
    const apply = (text: string | undefined) => (text === undefined ? undefined : substitute(text, substitutions, sections));
    const parts = content.map((part) => ({ type: part.type.toLowerCase(), value: part.value }));
    const bodies = opts.keepBodies
      ? {
          text: apply(parts.find((part) => part.type === "text/plain")?.value),
          html: apply(parts.find((part) => part.type === "text/html")?.value),
          otherContent: parts
            .filter((part) => part.type !== "text/plain" && part.type !== "text/html")
            .map((part) => ({ type: part.type, value: apply(part.value) as string })),
        }
      : { text: undefined, html: undefined, otherContent: [] };
    const base = {
      xMessageId: opts.xMessageId,
      requestIndex: opts.requestIndex,
      personalizationIndex,
      receivedAt: opts.receivedAt,
      from: address(isObject(p.from) ? p.from : (body.from as Json)),
      replyTo: isObject(body.reply_to) ? address(body.reply_to) : undefined,
      toList: addresses(p.to),
      ccList: addresses(p.cc),
      subject: apply(optionalString(p.subject) ?? optionalString(body.subject)),
      ...bodies,
      templateId: optionalString(body.template_id),
      dynamicTemplateData: isObject(p.dynamic_template_data) ? p.dynamic_template_data : undefined,
      substitutions,
      customArgs: { ...stringMap(body.custom_args), ...stringMap(p.custom_args) },
      categories: Array.isArray(body.categories) ? (body.categories as string[]) : [],
      headers: { ...stringMap(body.headers), ...stringMap(p.headers) },
      sendAt: typeof p.send_at === "number" ? p.send_at : typeof body.send_at === "number" ? body.send_at : undefined,
      batchId: optionalString(body.batch_id),
      asm,
      attachments,
    };
    for (const role of ["to", "cc", "bcc"] as const) {
      for (const to of addresses(p[role])) {
        messages.push({
          ...base,
          sgMessageId: `${opts.xMessageId}.filter0001.${recipientIndex}`,
          role,
          to,
        });
        recipientIndex++;
      }
    }
  });
  return messages;
}

/** SendGrid's legacy substitutions: literal key replacement; a value naming a section inserts that section. */
export function substitute(text: string, substitutions: Record<string, string>, sections: Record<string, string>): string {
  const keys = Object.keys(substitutions).sort((a, b) => b.length - a.length);
  const replace = (input: string, depth: number): string => {
    let out = input;
    for (const key of keys) {
      if (!out.includes(key)) continue;
      let value = substitutions[key] as string;
      if (depth === 0 && Object.prototype.hasOwnProperty.call(sections, value)) {
        value = replace(sections[value] as string, depth + 1);
      }
      out = out.split(key).join(value);
    }
    return out;
  };
  return replace(text, 0);
}

function address(value: Json): Address {
  return typeof value.name === "string" ? { email: String(value.email), name: value.name } : { email: String(value.email) };
}

function addresses(value: unknown): Address[] {
  return Array.isArray(value) ? value.map((v: Json) => address(v)) : [];
}

function stringMap(value: unknown): Record<string, string> {
  return isObject(value) ? { ...(value as Record<string, string>) } : {};
}

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
