// A merchant segment as the builder edits it. Built-in segments are not edited
// (their thresholds follow the shop's data), so they are a 404 here, like
// another shop's segment.
import defaultDb, { type Database } from "../../db.server";
import { parseRule, type Rule } from "../../core/audience/segments/rule";

export interface EditableSegment {
  id: string;
  name: string;
  /** Null when the stored definition no longer passes the rule schema (the builder starts empty). */
  rule: Rule | null;
  problems: string[];
}

export async function loadEditableSegment(shopId: string, id: string, options: { db?: Database } = {}): Promise<EditableSegment> {
  const db = options.db ?? defaultDb;
  const segment = await db.segment.findFirst({ where: { id, shopId, kind: "custom" }, select: { id: true, name: true, definition: true } });
  if (!segment) throw new Response("No such merchant segment in this shop.", { status: 404, headers: { "content-type": "text/plain" } });
  const parsed = parseRule(segment.definition);
  return { id: segment.id, name: segment.name, rule: parsed.ok ? parsed.rule : null, problems: parsed.ok ? [] : parsed.errors };
}
