// The Settings page's attribution section: the click window, whether human
// opens count, and the open window. A save that changes the rule queues the
// re-crediting of every past order and the rebuild of the daily stats (a job
// written with the settings: minutes at a large store), and says so.
import defaultDb, { type Database } from "../../db.server";
import { AttributionSettingsError, readAttributionSettingsOf, saveAttributionSettings } from "../../core/attribution/settings.server";
import { ATTRIBUTION_INTENT, attributionView, readAttributionForm, type AttributionSettingsResult, type AttributionSettingsView } from "../../components/reports/attribution-form";

type Shop = { id: string };

export { ATTRIBUTION_INTENT };

export async function loadAttributionSettingsView(shop: Shop, options: { db?: Database } = {}): Promise<AttributionSettingsView> {
  return attributionView(await readAttributionSettingsOf(shop.id, { db: options.db ?? defaultDb }));
}

export async function handleAttributionSettingsForm(shop: Shop, form: FormData, options: { db?: Database } = {}): Promise<AttributionSettingsResult> {
  const db = options.db ?? defaultDb;
  try {
    const saved = await saveAttributionSettings(shop.id, readAttributionForm(form), { db, recredit: "queued" });
    return { intent: ATTRIBUTION_INTENT, ok: true, view: attributionView(saved.settings), changed: saved.changed };
  } catch (error) {
    if (error instanceof AttributionSettingsError) return { intent: ATTRIBUTION_INTENT, ok: false, fields: sentences(error.errors) };
    throw error;
  }
}

function sentences(errors: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(errors)) out[k] = /[.!?]$/.test(v) ? v : `${v}.`;
  return out;
}
