// The Settings page's delivery sections: caps, quiet hours, the cart-recovery
// audience and delay (saveDeliverySettings), the shop's SendGrid API key
// (write-only: only its source and last four characters come back), and the
// event-webhook URL to paste into SendGrid. Intents:
//   delivery          the delivery settings form
//   sendgrid-key      store the key typed in (replaces any stored one)
//   sendgrid-key-remove  forget the shop's own key
import defaultDb, { type Database } from "../../db.server";
import { deliverySettings, DeliverySettingsError, saveDeliverySettings } from "../../core/delivery/settings.server";
import { SendgridConfigError, sendgridStatus, setSendgridApiKey, type SendgridSource } from "../../core/delivery/sendgrid.server";
import { eventWebhookUrl } from "../../core/delivery/webhook-token.server";
import { deliveryFieldErrors, fieldsFromDeliverySettings, readDeliveryForm, type DeliveryFieldErrors, type DeliveryFields } from "../../components/delivery/delivery-form";

type Shop = { id: string };

export const DELIVERY_SETTINGS_INTENTS = ["delivery", "sendgrid-key", "sendgrid-key-remove"] as const;
export type DeliverySettingsIntent = (typeof DELIVERY_SETTINGS_INTENTS)[number];

export function isDeliverySettingsIntent(intent: unknown): intent is DeliverySettingsIntent {
  return typeof intent === "string" && (DELIVERY_SETTINGS_INTENTS as readonly string[]).includes(intent);
}

export interface DeliverySettingsView {
  fields: DeliveryFields;
  sendgrid: { source: SendgridSource; last4: string | null };
  webhookUrl: string;
}

export type DeliverySettingsResult =
  | { intent: DeliverySettingsIntent; ok: true; view: DeliverySettingsView }
  | { intent: DeliverySettingsIntent; ok: false; fields: DeliveryFieldErrors & { sendgridApiKey?: string }; form: string[] };

/** Longer than any SendGrid key: refused before it is even checked. */
const MAX_KEY_CHARS = 200;

export async function loadDeliverySettingsView(shop: Shop, options: { db?: Database } = {}): Promise<DeliverySettingsView> {
  const db = options.db ?? defaultDb;
  const [settings, sendgrid, webhookUrl] = await Promise.all([deliverySettings(shop.id, { db }), sendgridStatus(shop.id, { db }), eventWebhookUrl(shop.id, { db })]);
  return { fields: fieldsFromDeliverySettings(settings), sendgrid, webhookUrl };
}

export async function handleDeliverySettingsForm(shop: Shop, form: FormData, options: { db?: Database } = {}): Promise<DeliverySettingsResult> {
  const db = options.db ?? defaultDb;
  const intent = form.get("intent");
  if (!isDeliverySettingsIntent(intent)) throw new Response("Unknown intent.", { status: 400, headers: { "content-type": "text/plain" } });
  const done = async (): Promise<DeliverySettingsResult> => ({ intent, ok: true, view: await loadDeliverySettingsView(shop, { db }) });
  switch (intent) {
    case "delivery": {
      const read = readDeliveryForm(form);
      if (!read.ok) return { intent, ok: false, fields: read.errors, form: [] };
      try {
        await saveDeliverySettings(shop.id, read.input, { db });
      } catch (error) {
        if (error instanceof DeliverySettingsError) return { intent, ok: false, ...deliveryFieldErrors(error.errors) };
        throw error;
      }
      return done();
    }
    case "sendgrid-key": {
      const raw = form.get("sendgridApiKey");
      const key = typeof raw === "string" ? raw : "";
      if (key.trim() === "") return { intent, ok: false, fields: { sendgridApiKey: "Paste your SendGrid API key." }, form: [] };
      if (key.length > MAX_KEY_CHARS) return { intent, ok: false, fields: { sendgridApiKey: "That is too long to be a SendGrid API key." }, form: [] };
      try {
        await setSendgridApiKey(shop.id, key, { db });
      } catch (error) {
        if (error instanceof SendgridConfigError) return { intent, ok: false, fields: { sendgridApiKey: sentence(error.message) }, form: [] };
        throw error;
      }
      return done();
    }
    case "sendgrid-key-remove":
      await setSendgridApiKey(shop.id, null, { db });
      return done();
  }
}

function sentence(message: string): string {
  const s = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}
