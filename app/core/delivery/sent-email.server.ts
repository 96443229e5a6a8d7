// What a sent email was made of, stored small: the compiled variant once in
// MessageTemplate (id = sha256 of its content), and each recipient's merged
// slot values (gzip JSON) in Message.values. renderSentMessage puts the two
// together again: the email exactly as it went out, for "view as the recipient
// saw it", at a few KB per message instead of the full HTML.
import { createHash } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import prisma, { isUniqueViolation, type Database } from "../../db.server";
import type { CompiledEmail } from "../render/merge";
import { readSentValues, renderSent, type SendTemplate, type SentValues } from "./send-request";

export function packJson(value: unknown): Uint8Array<ArrayBuffer> {
  const zipped = gzipSync(Buffer.from(JSON.stringify(value), "utf8"));
  return new Uint8Array(zipped.buffer.slice(zipped.byteOffset, zipped.byteOffset + zipped.byteLength) as ArrayBuffer);
}

export function unpackJson(bytes: Uint8Array): unknown {
  return JSON.parse(gunzipSync(bytes).toString("utf8"));
}

/** Stores the compiled variant once (by content hash, within the shop) and returns its id. */
export async function storeTemplate(db: Database, shopId: string, compiled: CompiledEmail): Promise<string> {
  const json = JSON.stringify(compiled);
  const id = createHash("sha256").update(shopId).update("\0").update(json).digest("hex");
  const found = await db.messageTemplate.findUnique({ where: { id }, select: { shopId: true } });
  if (found) return id;
  try {
    await db.messageTemplate.create({ data: { id, shopId, template: packJson(compiled) } });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error; // another worker stored the same template first
  }
  return id;
}

export async function loadTemplate(db: Database, shopId: string, id: string): Promise<SendTemplate | null> {
  const row = await db.messageTemplate.findFirst({ where: { id, shopId }, select: { template: true } });
  if (!row) return null;
  const compiled = unpackJson(row.template) as Partial<CompiledEmail>;
  return compiled.html && compiled.text ? { html: compiled.html, text: compiled.text } : null;
}

export interface SentEmail {
  subject: string;
  html: string;
  text: string;
  to: string | null;
}

/** The email as this message's recipient received it, or null when it was never sent (or is not this shop's). */
export async function renderSentMessage(shopId: string, messageId: string, options: { db?: Database } = {}): Promise<SentEmail | null> {
  const db = options.db ?? prisma;
  const message = await db.message.findFirst({ where: { id: messageId, shopId }, select: { templateId: true, values: true, email: true } });
  if (!message?.templateId || !message.values) return null;
  const template = await loadTemplate(db, shopId, message.templateId);
  const values = readSentValues(unpackJson(message.values));
  if (!template || !values) return null;
  return { ...renderSent(template, values), to: message.email };
}

export type { SentValues };
