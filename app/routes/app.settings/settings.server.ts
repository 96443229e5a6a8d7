// The Settings page's loader and action work: the effective settings as form
// fields (defaults drawn from the shop's own details), and a save that reports
// problems per field and stores nothing when any field is wrong.
import defaultDb, { type Database } from "../../db.server";
import { getSettings, saveSettings } from "../../core/settings/settings.server";
import { fieldErrors, fieldsFromSettings, readSettingsForm, settingsInput, type FieldErrors, type SettingsFields } from "../../components/campaigns/settings-form";

type Shop = { id: string; currency: string };

export interface SettingsView {
  fields: SettingsFields;
  currency: string;
  /** Settings still missing before anything can be sent (in words). */
  missing: string[];
}

export type SettingsResult = { ok: true; view: SettingsView } | { ok: false; fields: FieldErrors; form: string[] };

export async function loadSettingsView(shop: Shop, options: { db?: Database } = {}): Promise<SettingsView> {
  const settings = await getSettings(shop.id, { db: options.db ?? defaultDb });
  return { fields: fieldsFromSettings(settings, shop.currency), currency: shop.currency, missing: settings.missing };
}

export async function saveSettingsForm(shop: Shop, form: FormData, options: { db?: Database } = {}): Promise<SettingsResult> {
  const db = options.db ?? defaultDb;
  const read = settingsInput(readSettingsForm(form), shop.currency);
  if (!read.ok) return { ok: false, fields: read.errors, form: [] };
  const saved = await saveSettings(shop.id, read.input, { db });
  if (!saved.ok) return { ok: false, ...fieldErrors(saved.errors) };
  return { ok: true, view: await loadSettingsView(shop, { db }) };
}
