// Per recipient: compute their slot values and splice them into the variant's
// compiled parts. No MJML, no parsing: string concatenation only.
import type { EmailModel } from "./model";
import { fillSlots } from "./splice";
import type { LinkHook, Recipient, RenderedEmail, Spliced } from "./types";
import { recipientValues } from "./values";

/** A variant compiled once (compile.server.ts); plain data, safe to cache or pass to a worker. */
export interface CompiledEmail {
  subjects: string[];
  previewText: string;
  html: Spliced;
  text: Spliced;
  model: EmailModel;
  /** Things changed to keep the email readable (colour contrast), in words. */
  warnings: string[];
}

export interface MergeOptions {
  /** Applied to every link (see LinkHook); the identity when absent. */
  link?: LinkHook;
  /** Which of the draft's subject lines this recipient gets (A/B test arm). */
  subjectIndex?: number;
}

export function mergeEmail(compiled: CompiledEmail, recipient: Recipient, options: MergeOptions = {}): RenderedEmail {
  const index = options.subjectIndex ?? 0;
  const subject = compiled.subjects[index];
  if (subject === undefined) throw new RangeError(`subject ${index + 1} does not exist: the draft has ${compiled.subjects.length}`);
  const values = recipientValues(compiled.model, recipient, options.link);
  return {
    subject,
    previewText: compiled.previewText,
    html: fillSlots(compiled.html, values.html),
    text: finishText(fillSlots(compiled.text, values.text)),
  };
}

/** Empty slots (no behaviour line, no offer) leave no run of blank lines behind. */
export function finishText(text: string): string {
  return text.replace(/\n{3,}/g, "\n\n");
}
