// What the demo's recipients do with an email: a seeded, repeatable draw per
// message, so two runs with the same seed tell the same story. Pure: the demo
// turns these into signed SendGrid events (tests/fakes/sendgrid) and POSTs them
// to the app's real event-webhook route.
//
// Shares are round numbers near what small shops see, not a model: about 2 %
// hard-bounce, 0.3 % report spam, 1 % unsubscribe; of the delivered, 35 % open
// (a fifth of all opens are machine opens, Apple Mail Privacy Protection
// style, which Loopwise keeps but never counts), and 30 % of human openers click.
import { mulberry32 } from "../core/random";

export interface RecipientShares {
  bounce: number;
  spamReport: number;
  unsubscribe: number;
  open: number;
  /** Of all opens. */
  machineOpen: number;
  /** Of human openers. */
  click: number;
}

export const DEMO_SHARES: RecipientShares = { bounce: 0.02, spamReport: 0.003, unsubscribe: 0.01, open: 0.35, machineOpen: 0.2, click: 0.3 };

export type RecipientEventKind = "delivered" | "bounce" | "open" | "machine-open" | "click" | "spamreport" | "unsubscribe";

export interface RecipientEvent {
  kind: RecipientEventKind;
  /** Seconds after the email was sent. */
  afterSeconds: number;
}

/** A stable number from a string (FNV-1a), so each message's draw does not depend on arrival order. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The events one recipient causes for one message, in time order. */
export function recipientEvents(messageKey: string, seed: number, shares: RecipientShares = DEMO_SHARES): RecipientEvent[] {
  const rng = mulberry32((hash(messageKey) ^ seed) >>> 0);
  const minutes = (lo: number, hi: number) => Math.round((lo + rng() * (hi - lo)) * 60);
  if (rng() < shares.bounce) return [{ kind: "bounce", afterSeconds: minutes(0, 2) }];
  const events: RecipientEvent[] = [{ kind: "delivered", afterSeconds: minutes(0, 2) }];
  const fate = rng();
  if (fate < shares.spamReport) return [...events, { kind: "spamreport", afterSeconds: minutes(30, 600) }];
  if (rng() < shares.open) {
    const machine = rng() < shares.machineOpen;
    // A machine open comes at once (the mail server fetches the pixel); a person opens later.
    const openedAfter = machine ? minutes(1, 5) : minutes(10, 900);
    events.push({ kind: machine ? "machine-open" : "open", afterSeconds: openedAfter });
    if (!machine && rng() < shares.click) events.push({ kind: "click", afterSeconds: openedAfter + minutes(0.2, 5) });
  }
  if (fate >= shares.spamReport && fate < shares.spamReport + shares.unsubscribe) {
    events.push({ kind: "unsubscribe", afterSeconds: Math.max(...events.map((e) => e.afterSeconds)) + minutes(0.5, 3) });
  }
  return events;
}

/** The first link of an email's HTML that points at the shop (what a reader clicks), or null. */
export function firstShopLink(html: string | undefined, shopHosts: readonly string[]): string | null {
  if (!html) return null;
  for (const match of html.matchAll(/href="([^"]+)"/g)) {
    const href = match[1]!.replace(/&amp;/g, "&");
    try {
      const url = new URL(href);
      if (shopHosts.includes(url.hostname)) return href;
    } catch {
      // not an absolute URL
    }
  }
  return null;
}
