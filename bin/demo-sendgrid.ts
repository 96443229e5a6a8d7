// The demo's SendGrid: the local fake (tests/fakes/sendgrid) writing every email
// it accepts as an .eml file, and the demo's recipients, who open, click, bounce,
// report spam and unsubscribe through SendGrid's signed event webhook, POSTed to
// the app's real route (/webhooks/sendgrid/<the shop's token>), as SendGrid would.
import fs from "node:fs";
import { recipientEvents, firstShopLink, type RecipientEvent } from "../app/demo/recipients";
import type { FakeEventSpec, FakeSendGrid, FakeSendGridMessage } from "../tests/fakes/sendgrid";

/** Events per POST: SendGrid batches up to a few MB; the route refuses over 2 MB. */
const EVENTS_PER_POST = 500;

/** Starts the fake with an empty `emlDir` (the previous run's emails are removed). */
export async function startDemoSendGrid(emlDir: string): Promise<FakeSendGrid> {
  fs.rmSync(emlDir, { recursive: true, force: true });
  fs.mkdirSync(emlDir, { recursive: true });
  const { startFakeSendGrid } = await import("../tests/fakes/sendgrid/index");
  return startFakeSendGrid({ emlDir });
}

export interface Recipients {
  /** Plays the recipients of every email the fake accepted since the last call, as if sent at `sentAt`. Returns events posted. */
  playNew(sentAt: Date): Promise<number>;
}

function spec(message: FakeSendGridMessage, e: RecipientEvent, timestamp: number, shopHosts: readonly string[]): FakeEventSpec {
  switch (e.kind) {
    case "machine-open":
      return { event: "open", message, timestamp, machineOpen: true };
    case "open":
      return { event: "open", message, timestamp, machineOpen: false };
    case "click":
      return { event: "click", message, timestamp, url: firstShopLink(message.html, shopHosts) ?? `https://${shopHosts[0]}/` };
    case "bounce":
      return { event: "bounce", message, timestamp, bounceType: "bounce" };
    default:
      return { event: e.kind, message, timestamp };
  }
}

async function post(fake: FakeSendGrid, url: string, specs: FakeEventSpec[]): Promise<void> {
  for (let i = 0; i < specs.length; i += EVENTS_PER_POST) {
    const result = await fake.eventWebhook.emit(url, specs.slice(i, i + EVENTS_PER_POST));
    if (result.status !== 200) throw new Error(`the event webhook answered ${result.status}: ${result.body.slice(0, 300)}`);
  }
}

/** The headless demo's recipients: each tick's emails get their events at once, timestamped on the demo's clock. */
export function headlessRecipients(fake: FakeSendGrid, webhookUrl: string, options: { seed: number; shopHosts: readonly string[] }): Recipients {
  let cursor = 0;
  return {
    async playNew(sentAt) {
      const fresh = fake.messages.slice(cursor);
      cursor = fake.messages.length;
      const specs: Array<FakeEventSpec & { timestamp: number }> = [];
      const base = Math.floor(sentAt.getTime() / 1000);
      for (const message of fresh) {
        for (const e of recipientEvents(message.customArgs.lw_msg ?? message.sgMessageId, options.seed)) specs.push(spec(message, e, base + e.afterSeconds, options.shopHosts) as FakeEventSpec & { timestamp: number });
      }
      // SendGrid sends events in batches as they happen; order within the demo's batches follows time.
      specs.sort((a, b) => a.timestamp - b.timestamp);
      await post(fake, webhookUrl, specs);
      return specs.length;
    },
  };
}

/**
 * The interactive demo's recipients: a watcher on the fake's received emails.
 * Each new email is delivered a second later and opened or clicked a few seconds
 * after that (the same seeded choices as the headless demo, compressed to
 * seconds), so a merchant who switches a flow on sees engagement come back.
 */
export function liveRecipients(
  fake: FakeSendGrid,
  webhookUrl: string,
  options: { seed: number; shopHosts: readonly string[]; log: (line: string) => void; afterEvents?: (messageIds: string[]) => Promise<void> },
): { stop(): Promise<void> } {
  let cursor = 0;
  const timers = new Set<NodeJS.Timeout>();
  const pending = new Set<Promise<void>>();
  const send = (specs: FakeEventSpec[]) => {
    const p = post(fake, webhookUrl, specs)
      .catch((error: unknown) => options.log(`demo recipients: ${String(error)}`))
      .finally(() => pending.delete(p));
    pending.add(p);
  };
  const watch = setInterval(() => {
    const fresh = fake.messages.slice(cursor);
    cursor = fake.messages.length;
    if (fresh.length === 0) return;
    options.log(`${fresh.length} email(s) arrived at the fake SendGrid (${fake.emlDir})`);
    // Group by delay, so a thousand emails are a few POSTs, not a thousand.
    const byDelay = new Map<number, FakeEventSpec[]>();
    for (const message of fresh) {
      recipientEvents(message.customArgs.lw_msg ?? message.sgMessageId, options.seed).forEach((e, rank) => {
        const delayMs = 1000 + rank * 2500 + Math.min(3000, e.afterSeconds * 5);
        const slot = Math.ceil(delayMs / 1000) * 1000;
        byDelay.set(slot, [...(byDelay.get(slot) ?? []), spec(message, e, 0, options.shopHosts)]);
      });
    }
    for (const [delayMs, specs] of byDelay) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        const timestamp = Math.floor(Date.now() / 1000);
        send(specs.map((s) => ({ ...s, timestamp })));
      }, delayMs);
      timers.add(timer);
    }
    // Once their events are in, what these recipients do next (the shoppers buy).
    const afterEvents = options.afterEvents;
    if (afterEvents) {
      const ids = fresh.flatMap((m) => (m.customArgs.lw_msg ? [m.customArgs.lw_msg] : []));
      const last = Math.max(0, ...byDelay.keys());
      const timer = setTimeout(() => {
        timers.delete(timer);
        const p = Promise.all(pending)
          .then(() => afterEvents(ids))
          .catch((error: unknown) => options.log(`demo shoppers: ${String(error)}`))
          .finally(() => pending.delete(p));
        pending.add(p);
      }, last + 2000);
      timers.add(timer);
    }
  }, 1000);
  return {
    async stop() {
      clearInterval(watch);
      for (const t of timers) clearTimeout(t);
      await Promise.all(pending);
    },
  };
}
