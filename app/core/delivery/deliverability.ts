// Deliverability on plain counts: the rates a merchant watches, and where the
// spam-complaint rate stands against Gmail's sender lines (keep it under 0.1%;
// at 0.3% or more mail is rejected or sent to spam).
//
// Every rate counts messages, not events (a recipient who opens five times is
// one opened message), and opens are human opens only: machine opens (Apple
// Mail Privacy Protection and the like) are kept apart and never counted here.
// A rate with nothing to divide by is null, never 0 or NaN.

/** Message counts over a period (deliverability.server.ts counts them in SQL). */
export interface DeliveryCounts {
  /** Handed to SendGrid (sentAt in the period). */
  sent: number;
  delivered: number;
  /** Hard bounces (SendGrid bounce type "bounce"; "blocked" is not one). */
  bounced: number;
  dropped: number;
  /** At least one human open. */
  opened: number;
  /** Only machine-opened: shown for information, excluded from every rate. */
  machineOpenedOnly: number;
  clicked: number;
  unsubscribed: number;
  spamReports: number;
}

export interface DeliveryRates {
  /** bounced / sent */
  bounceRate: number | null;
  /** dropped / sent */
  dropRate: number | null;
  /** delivered / sent */
  deliveryRate: number | null;
  /** unsubscribed / delivered */
  unsubscribeRate: number | null;
  /** spam reports / delivered (Gmail's definition uses delivered mail) */
  spamComplaintRate: number | null;
  /** human-opened / delivered */
  openRate: number | null;
  /** clicked / delivered */
  clickRate: number | null;
}

/** Gmail's lines for the spam-complaint rate. */
export const COMPLAINT_WARN_RATE = 0.001;
export const COMPLAINT_ALARM_RATE = 0.003;
/** Warn while still under a line, from 80 % of it ("approaching"): written out, as 0.8 × 0.003 is not 0.0024 in floating point. */
export const COMPLAINT_APPROACH_WARN_RATE = 0.0008;
export const COMPLAINT_APPROACH_ALARM_RATE = 0.0024;
/**
 * Below this many delivered messages one complaint is already 0.1%+: the rate
 * is shown but no warning is raised on it (it says "not enough mail yet").
 */
export const MIN_DELIVERED_FOR_COMPLAINT_WARNING = 1000;

export type ComplaintLevel = "ok" | "warn" | "alarm" | "too-few";

export interface ComplaintStatus {
  level: ComplaintLevel;
  rate: number | null;
  /** The merchant-facing sentence. */
  message: string;
}

export interface Deliverability {
  counts: DeliveryCounts;
  rates: DeliveryRates;
  complaints: ComplaintStatus;
}

export const emptyCounts = (): DeliveryCounts => ({
  sent: 0,
  delivered: 0,
  bounced: 0,
  dropped: 0,
  opened: 0,
  machineOpenedOnly: 0,
  clicked: 0,
  unsubscribed: 0,
  spamReports: 0,
});

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

export function deliveryRates(c: DeliveryCounts): DeliveryRates {
  return {
    bounceRate: ratio(c.bounced, c.sent),
    dropRate: ratio(c.dropped, c.sent),
    deliveryRate: ratio(c.delivered, c.sent),
    unsubscribeRate: ratio(c.unsubscribed, c.delivered),
    spamComplaintRate: ratio(c.spamReports, c.delivered),
    openRate: ratio(c.opened, c.delivered),
    clickRate: ratio(c.clicked, c.delivered),
  };
}

/** "0.12%": rates are small, so two decimals. */
export const formatRate = (rate: number | null) => (rate === null ? "–" : `${(rate * 100).toFixed(2)}%`);

export interface ComplaintOptions {
  minDelivered?: number;
}

export function complaintStatus(c: Pick<DeliveryCounts, "delivered" | "spamReports">, options: ComplaintOptions = {}): ComplaintStatus {
  const rate = ratio(c.spamReports, c.delivered);
  const minDelivered = options.minDelivered ?? MIN_DELIVERED_FOR_COMPLAINT_WARNING;
  if (c.delivered < minDelivered) {
    return { level: "too-few", rate, message: `Not enough mail delivered yet to judge the spam-complaint rate (${c.delivered} of ${minDelivered}).` };
  }
  const shown = formatRate(rate);
  if (rate! >= COMPLAINT_ALARM_RATE) {
    return { level: "alarm", rate, message: `Spam complaints are at ${shown}, at or above Gmail's 0.3% limit: Gmail may reject or junk this store's mail. Pause campaigns and mail only engaged subscribers.` };
  }
  if (rate! >= COMPLAINT_WARN_RATE) {
    const nearing = rate! >= COMPLAINT_APPROACH_ALARM_RATE ? ", and approaching Gmail's 0.3% limit" : "";
    return { level: "warn", rate, message: `Spam complaints are at ${shown}, above Gmail's recommended 0.1%${nearing}. Send less to people who have not opened or clicked lately.` };
  }
  if (rate! >= COMPLAINT_APPROACH_WARN_RATE) {
    return { level: "warn", rate, message: `Spam complaints are at ${shown}, approaching Gmail's recommended 0.1%. Send less to people who have not opened or clicked lately.` };
  }
  return { level: "ok", rate, message: `Spam complaints are at ${shown}, under Gmail's 0.1% line.` };
}

export function deliverabilityOf(counts: DeliveryCounts, options: ComplaintOptions = {}): Deliverability {
  return { counts, rates: deliveryRates(counts), complaints: complaintStatus(counts, options) };
}
