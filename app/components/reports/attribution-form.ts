// The attribution settings form's fields and answers (shared by the Settings
// route's server code and its section component).
import { describeAttribution, type AttributionSettings } from "../../core/attribution/rules";

export const ATTRIBUTION_INTENT = "attribution";

export interface AttributionFields {
  windowDays: string;
  countOpens: boolean;
  openWindowDays: string;
}

export interface AttributionSettingsView {
  fields: AttributionFields;
  /** The rule in words, as the dashboard states it. */
  text: string;
}

export type AttributionSettingsResult =
  | { intent: typeof ATTRIBUTION_INTENT; ok: true; view: AttributionSettingsView; changed: boolean }
  | { intent: typeof ATTRIBUTION_INTENT; ok: false; fields: Partial<Record<keyof AttributionFields | "attribution", string>> };

export const attributionView = (s: AttributionSettings): AttributionSettingsView => ({
  fields: { windowDays: String(s.windowDays), countOpens: s.countOpens, openWindowDays: String(s.openWindowDays) },
  text: describeAttribution(s),
});

/** "5" → 5; anything that is not a number is passed on as text, for the schema to refuse in words. */
function days(raw: FormDataEntryValue | null): unknown {
  const text = typeof raw === "string" ? raw.trim() : "";
  if (text === "") return text;
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

/** The posted form as the input parseAttributionSettings takes. */
export function readAttributionForm(form: FormData): { windowDays: unknown; countOpens: boolean; openWindowDays: unknown } {
  const countOpens = form.get("countOpens");
  return { windowDays: days(form.get("windowDays")), countOpens: countOpens === "on" || countOpens === "true", openWindowDays: days(form.get("openWindowDays")) };
}
