// The review page's delivery intents, beside the review's own (review.server.ts):
//   schedule   when a launch or campaign goes: a date and time in the shop's zone (scheduleLaunch)
//   send-test  one email of the plan to the shop's own address (sendTestEmail)
// Both are scoped by the session's shop: another shop's campaign is a 404.
import defaultDb, { type Database } from "../../db.server";
import { LaunchError, scheduleLaunch } from "../../core/delivery/triggers.server";
import { sendTestEmail, TestSendError } from "../../core/delivery/test-send.server";
import { CampaignError } from "../../core/campaigns/types";
import { parseStartTime } from "../../components/delivery/start-time";
import { notFound } from "../app.flows._index/flows.server";

type Shop = { id: string; timezone: string | null; email: string | null };

export const DELIVERY_INTENTS = ["schedule", "send-test"] as const;
export type DeliveryIntent = (typeof DELIVERY_INTENTS)[number];

export function isDeliveryIntent(intent: unknown): intent is DeliveryIntent {
  return typeof intent === "string" && (DELIVERY_INTENTS as readonly string[]).includes(intent);
}

export type DeliveryResult =
  | { intent: "schedule"; ok: true; startsAt: string }
  | { intent: "send-test"; ok: true; to: string; messageId: string }
  | { intent: DeliveryIntent; ok: false; code: string; error: string };

const text = (form: FormData, key: string) => {
  const value = form.get(key);
  return typeof value === "string" ? value : "";
};

export async function handleDeliveryForm(shop: Shop, id: string, form: FormData, options: { db?: Database; now?: Date } = {}): Promise<DeliveryResult> {
  const db = options.db ?? defaultDb;
  const intent = form.get("intent");
  if (!isDeliveryIntent(intent)) throw new Response("Unknown intent.", { status: 400, headers: { "content-type": "text/plain" } });
  const campaign = await db.campaign.findFirst({ where: { id, shopId: shop.id }, select: { id: true } });
  if (!campaign) throw notFound();
  switch (intent) {
    case "schedule": {
      const start = parseStartTime(text(form, "startsAt"), shop.timezone);
      if (!start.ok) return { intent, ok: false, code: "invalid-date", error: start.error };
      try {
        const { startsAt } = await scheduleLaunch(shop.id, id, start.at, { db, now: options.now });
        return { intent, ok: true, startsAt: startsAt.toISOString() };
      } catch (error) {
        if (error instanceof LaunchError) {
          if (error.code === "not-found") throw notFound();
          return { intent, ok: false, code: error.code, error: error.message };
        }
        throw error;
      }
    }
    case "send-test": {
      const step = Number(text(form, "step"));
      const variant = text(form, "variant");
      if (!Number.isInteger(step) || step < 0 || !/^[A-Z]$/.test(variant)) return { intent, ok: false, code: "invalid-input", error: "Pick which email to send a test of." };
      try {
        // Always to the shop's own address (never one typed in the page): a test cannot be used to mail anyone else.
        const sent = await sendTestEmail(shop.id, id, step, variant, { db, now: options.now });
        if (sent.status === "failed") return { intent, ok: false, code: "failed", error: `The test email was not sent: ${sent.error ?? "SendGrid refused it"}.` };
        return { intent, ok: true, to: sent.to, messageId: sent.messageId };
      } catch (error) {
        if (error instanceof TestSendError) return { intent, ok: false, code: "refused", error: error.message };
        if (error instanceof CampaignError) {
          if (error.code === "not-found") throw notFound();
          return { intent, ok: false, code: error.code, error: error.message };
        }
        throw error;
      }
    }
  }
}
