// Merge slots in compiled HTML: `{{lw:name}}` tokens, which survive MJML
// untouched and which no data can spell (escapeHtml encodes braces). Merging is
// one pass of string concatenation over the parts.
import type { Spliced } from "./types";

const TOKEN = /\{\{lw:([a-z0-9.]+)\}\}/g;

export function slotToken(name: string): string {
  return `{{lw:${name}}}`;
}

export function splitSlots(html: string): Spliced {
  const parts: string[] = [];
  const slots: string[] = [];
  let at = 0;
  for (const m of html.matchAll(TOKEN)) {
    parts.push(html.slice(at, m.index));
    slots.push(m[1]!);
    at = m.index! + m[0].length;
  }
  parts.push(html.slice(at));
  return { parts, slots };
}

/** Joins parts and values; a slot without a value is a bug in the caller, not an empty string. */
export function fillSlots(template: Spliced, values: Record<string, string>): string {
  const { parts, slots } = template;
  let out = parts[0]!;
  for (let i = 0; i < slots.length; i++) {
    const value = values[slots[i]!];
    if (value === undefined) throw new Error(`no value for merge slot "${slots[i]}"`);
    out += value + parts[i + 1]!;
  }
  return out;
}

/**
 * MJML's output is indented for reading; a newline and the spaces around it are
 * one space to every HTML renderer (the emails have no <pre>), so they shrink
 * to the newline alone. Line by line, never across lines: an empty slot value
 * must leave the same bytes whether it is spliced in or rendered in place.
 */
export function collapseWhitespace(html: string): string {
  return html.replace(/[ \t]*\n[ \t]*/g, "\n");
}
