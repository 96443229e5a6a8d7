// MJML runs here and only here: once per variant to compile (compileEmail), or
// per recipient for a full render (renderFull: the slow path, kept to prove that
// merging gives the same bytes, and for the benchmark). `.server` keeps the
// Node-only mjml package out of any browser bundle.
import { mergeEmail, finishText, type CompiledEmail, type MergeOptions } from "./merge";
import { buildMjml, type Fill } from "./mjml-source";
import { prepareModel, type EmailModel } from "./model";
import { collapseWhitespace, fillSlots, slotToken, splitSlots } from "./splice";
import { buildText } from "./text-source";
import type { CompileInput, Recipient, RenderedEmail } from "./types";
import { recipientValues } from "./values";

export type { CompiledEmail, MergeOptions };
export { mergeEmail };

// mjml takes about a second to load: loaded on the first compile, not at server start.
let mjml: Promise<typeof import("mjml")> | null = null;

async function mjmlToHtml(source: string): Promise<string> {
  mjml ??= import("mjml");
  const { default: mjml2html } = await mjml;
  // Our source escapes all data, so no mj-include or raw tag can come from it; includes stay off regardless.
  const result = await mjml2html(source, { validationLevel: "soft", keepComments: true, fonts: {}, ignoreIncludes: true } as Parameters<typeof mjml2html>[1]);
  if (result.errors.length > 0) throw new Error(`MJML rejected the generated template: ${result.errors.map((e) => e.formattedMessage).join("; ")}`);
  return collapseWhitespace(result.html);
}

/** Compiles one variant (draft + brand) into HTML and text with merge slots. */
export async function compileEmail(input: CompileInput): Promise<CompiledEmail> {
  const model = prepareModel(input);
  const html = splitSlots(await mjmlToHtml(buildMjml(model, slotToken)));
  const expected = expectedSlots(model);
  const unknown = html.slots.filter((s) => !expected.has(s));
  const missing = [...expected].filter((s) => !html.slots.includes(s));
  if (unknown.length > 0 || missing.length > 0) {
    throw new Error(`compiled template slots are wrong (unknown: ${unknown.join(", ") || "none"}; missing: ${missing.join(", ") || "none"})`);
  }
  return { subjects: model.subjects, previewText: model.previewText, html, text: buildText(model), model, warnings: model.warnings };
}

/** The full render of one recipient's email, MJML and all (what merging avoids). */
export async function renderFull(input: CompileInput, recipient: Recipient, options: MergeOptions = {}): Promise<RenderedEmail> {
  const model = prepareModel(input);
  const values = recipientValues(model, recipient, options.link);
  const fill: Fill = (slot) => {
    const value = values.html[slot];
    if (value === undefined) throw new Error(`no value for merge slot "${slot}"`);
    return value;
  };
  const index = options.subjectIndex ?? 0;
  const subject = model.subjects[index];
  if (subject === undefined) throw new RangeError(`subject ${index + 1} does not exist: the draft has ${model.subjects.length}`);
  return { subject, previewText: model.previewText, html: await mjmlToHtml(buildMjml(model, fill)), text: finishText(fillSlots(buildText(model), values.text)) };
}

function expectedSlots(model: EmailModel): Set<string> {
  const slots = new Set(["first", "behaviour", "unsub"]);
  if (!model.hasGreeting) slots.delete("first");
  model.links.forEach((_, i) => slots.add(`link.${i}`));
  for (const b of model.blocks) {
    if (b.type === "products") slots.add(b.slot);
    if (b.type === "offer") slots.add("offer");
  }
  return slots;
}
