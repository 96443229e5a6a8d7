// The headless demo's delivery: the merchant approves every built-in flow and
// switches it on, then delivery runs (the delivery tick: triggers → dispatch →
// send) until no message is left to go within the horizon.
//
// The demo's clock. The store's history ends at the demo's `now`; the flows'
// delays (an hour to a month) have not passed yet, and a demo cannot wait a
// month. So ticks run at simulated times: first at `now`, then at the next
// moment a scheduled message falls due (at least an hour later, so a month
// takes a few hundred ticks, not thousands), until nothing is scheduled before
// the horizon. Each tick is the app's own runTick with that `now`; its send jobs
// are run right after it by calling the send job's function (sendBatch) with the
// same `now`, instead of through the Job table: the app's in-process worker runs
// on the wall clock and must not take them. The send path stamps `sentAt` with
// that `now`, so the frequency caps of later ticks see each message when it
// went, and the admin shows the story in order. After each tick's sends, `afterSend` lets the
// demo play its recipients (signed events through the real webhook route), so an
// unsubscribe or a bounce holds back that person's later emails, as it would;
// `beforeTick` lets the demo's shoppers place the orders due by then, so a
// purchase ends the flows it should before their next emails.
import type { Database } from "../db.server";
import { approve, listFlows, setFlowEnabled } from "../core/campaigns/campaigns.server";
import { DELIVERY_SEND_JOB, type SendJobPayload } from "../core/delivery/job-types";
import { sendBatch } from "../core/delivery/send.server";
import type { SendgridConfig } from "../core/delivery/sendgrid.server";
import { runTick } from "../core/delivery/tick.server";
import { scheduleLaunch } from "../core/delivery/triggers.server";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface DemoDeliveryOptions {
  db: Database;
  /** The demo's now: the end of the store's history. */
  now: Date;
  /** SendGrid as the send job would reach it (the fake). */
  sendgrid: SendgridConfig;
  /** Simulated days to run delivery for (default 35: the longest built-in flow, post-purchase, ends at 30 days). */
  horizonDays?: number;
  /** Smallest step between two ticks (default one hour). */
  stepMs?: number;
  /** Before each tick, at its simulated time (the demo's shoppers send what is due by then). */
  beforeTick?: (at: Date) => Promise<void>;
  /** After each tick's sends: the simulated time and the ids of the messages sent in it. */
  afterSend?: (at: Date, messageIds: string[]) => Promise<void>;
  log?: (line: string) => void;
}

export interface DemoDeliveryReport {
  flowsApproved: number;
  ticks: number;
  /** The simulated time of the last tick. */
  simulatedUntil: Date;
  sendRequests: number;
}

/**
 * The merchant's clicks: approve each built-in flow's current version and
 * switch it on; the launch flow (a scheduled plan) is also sent now, to its
 * audience, as a merchant announcing something would.
 */
export async function approveDemoFlows(shopId: string, options: { db: Database; now: Date }): Promise<number> {
  const { db, now } = options;
  const flows = await listFlows(shopId, { db, now, queue: null });
  let approved = 0;
  for (const flow of flows) {
    await approve(shopId, flow.id, { by: "demo merchant", version: flow.version }, { db, now });
    // queue: null: no tick is kicked on the app's queue (the demo runs the ticks itself, on its clock).
    await setFlowEnabled(shopId, flow.id, true, { db, now, queue: null });
    if (flow.plan.trigger.kind === "scheduled") await scheduleLaunch(shopId, flow.id, now, { db, now, queue: null });
    approved++;
  }
  return approved;
}

/** Runs the shop's delivery on the demo's clock until nothing is scheduled before the horizon. */
export async function runDemoDelivery(shopId: string, options: DemoDeliveryOptions): Promise<DemoDeliveryReport> {
  const { db, now, sendgrid } = options;
  const horizon = new Date(now.getTime() + (options.horizonDays ?? 35) * DAY_MS);
  const step = options.stepMs ?? HOUR_MS;
  const report: DemoDeliveryReport = { flowsApproved: 0, ticks: 0, simulatedUntil: now, sendRequests: 0 };
  report.flowsApproved = await approveDemoFlows(shopId, { db, now });

  let at = now;
  for (;;) {
    const batches = new Set<string>();
    // The tick's send jobs, collected instead of queued (see the top of this file).
    const queue = {
      enqueue: async (type: string, payload: unknown) => {
        if (type === DELIVERY_SEND_JOB) batches.add((payload as SendJobPayload).batchId);
        return { id: `demo-${type}-${batches.size}`, created: true };
      },
    };
    await options.beforeTick?.(at);
    const tick = await runTick(shopId, { db, queue, now: at });
    report.ticks++;
    report.simulatedUntil = at;
    const sentIds: string[] = [];
    for (const batchId of batches) {
      const result = await sendBatch(shopId, batchId, { db, now: at, config: sendgrid });
      report.sendRequests += result.requests;
      const sent = await db.message.findMany({ where: { shopId, batchId, status: "sent" }, select: { id: true } });
      sentIds.push(...sent.map((m) => m.id));
    }
    if (sentIds.length > 0 || tick.enrolled > 0) options.log?.(`  ${at.toISOString()}: ${tick.enrolled} enrolled, ${sentIds.length} sent, ${sum(tick.skipped)} skipped`);
    if (sentIds.length > 0 && options.afterSend) await options.afterSend(at, sentIds);

    const next = await db.message.findFirst({ where: { shopId, status: "scheduled", test: false }, orderBy: { scheduledFor: "asc" }, select: { scheduledFor: true } });
    if (!next) break;
    const nextAt = new Date(Math.max(next.scheduledFor.getTime(), at.getTime() + step));
    if (nextAt > horizon) break;
    at = nextAt;
  }
  return report;
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

export interface DeliveryCounts {
  messagesSent: number;
  /** Held back at send time, by reason (consent, suppression, caps, …). */
  messagesSkipped: Record<string, number>;
  /** Stopped by an exit (a purchase, a higher-priority flow, …), by reason. */
  messagesCancelled: Record<string, number>;
  /** Still scheduled past the demo's horizon. */
  messagesScheduled: number;
  messagesFailed: number;
  delivered: number;
  /** Messages opened by a person (machine opens excluded). */
  opens: number;
  /** Messages opened only by a machine (sg_machine_open). */
  machineOpens: number;
  clicks: number;
  bounces: number;
  spamReports: number;
  unsubscribes: number;
  /** Event rows stored by the webhook route. */
  events: number;
}

/** What delivery did, read back from the database (so opens and clicks counted here came through the route). */
export async function deliveryCounts(db: Database, shopId: string): Promise<DeliveryCounts> {
  const where = { shopId, test: false };
  const [byStatus, skipped, cancelled, delivered, opens, machineOpens, clicks, bounces, spamReports, unsubscribes, events] = await Promise.all([
    db.message.groupBy({ by: ["status"], where, _count: { _all: true } }),
    db.message.groupBy({ by: ["skipReason"], where: { ...where, status: "skipped" }, _count: { _all: true } }),
    db.message.groupBy({ by: ["skipReason"], where: { ...where, status: "cancelled" }, _count: { _all: true } }),
    db.message.count({ where: { ...where, deliveredAt: { not: null } } }),
    db.message.count({ where: { ...where, openedAt: { not: null } } }),
    db.message.count({ where: { ...where, openedAt: null, machineOpenedAt: { not: null } } }),
    db.message.count({ where: { ...where, clickedAt: { not: null } } }),
    db.message.count({ where: { ...where, bouncedAt: { not: null } } }),
    db.message.count({ where: { ...where, spamReportedAt: { not: null } } }),
    db.message.count({ where: { ...where, unsubscribedAt: { not: null } } }),
    db.emailEvent.count({ where: { shopId } }),
  ]);
  const status = new Map(byStatus.map((r) => [r.status, r._count._all]));
  const reasons = (rows: Array<{ skipReason: string | null; _count: { _all: number } }>) =>
    Object.fromEntries(rows.map((r) => [r.skipReason ?? "unknown", r._count._all]).sort((a, b) => Number(b[1]) - Number(a[1])));
  return {
    messagesSent: status.get("sent") ?? 0,
    messagesSkipped: reasons(skipped),
    messagesCancelled: reasons(cancelled),
    messagesScheduled: status.get("scheduled") ?? 0,
    messagesFailed: status.get("failed") ?? 0,
    delivered,
    opens,
    machineOpens,
    clicks,
    bounces,
    spamReports,
    unsubscribes,
    events,
  };
}
