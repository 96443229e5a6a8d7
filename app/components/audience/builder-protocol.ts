// What the segment builder's server route (POST /app/segments/builder) answers,
// shared by the route and the builder component.
import type { Rule } from "~/core/audience/segments/rule";

export const BUILDER_ACTION = "/app/segments/builder";

export type SampleRow = { id: string; name: string; email: string | null };

export type BuilderResult =
  | { intent: "preview"; ok: true; count: number; sample: SampleRow[]; description: string }
  | { intent: "preview"; ok: false; errors: string[] }
  | { intent: "parse"; ok: true; rule: Rule; description: string }
  | { intent: "parse"; ok: false; error: string; suggestions: string[] }
  | { intent: "save"; ok: true; id: string }
  | { intent: "save"; ok: false; errors: string[] };
