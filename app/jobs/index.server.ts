// The process's job queue and the registry of job handlers. Modules that own
// a kind of job export a handler and are registered here, in one place.
// LOOPWISE_QUEUE picks the backend: the Job table (embedded, default) or BullMQ
// on REDIS_URL. Either way code that must queue inside a database transaction
// writes a Job row (with BullMQ, workers relay those rows: outbox.server.ts).
import prisma from "../db.server";
import { env } from "../env.server";
import { BACKFILL_JOB, backfillJobHandler } from "../core/backfill/backfill.server";
import { PROFILES_JOB, profilesJobHandler } from "../core/audience/profiles/job.server";
import { ATTRIBUTION_RECREDIT_JOB, recreditJobHandler } from "../core/attribution/settings.server";
import { CAMPAIGN_DRAFTS_JOB, campaignDraftsHandler } from "../core/campaigns/generate.server";
import { CONSENT_WRITEBACK_JOB, consentWritebackHandler } from "../core/delivery/consent.server";
import { registerDeliveryJobs } from "../core/delivery/jobs.server";
import { ensureSchedules, MAINTENANCE_JOB, maintenanceJobHandler } from "./maintenance.server";
import { bullmqQueue } from "./bullmq.server";
import { embeddedQueue, type JobWorker } from "./queue.server";

export const queue: JobWorker = env.LOOPWISE_QUEUE === "bullmq" ? bullmqQueue({ redisUrl: env.REDIS_URL, db: prisma }) : embeddedQueue(prisma);

queue.register(BACKFILL_JOB, backfillJobHandler());
queue.register(PROFILES_JOB, profilesJobHandler(queue));
queue.register(MAINTENANCE_JOB, maintenanceJobHandler(prisma, queue));
queue.register(CAMPAIGN_DRAFTS_JOB, campaignDraftsHandler());
queue.register(CONSENT_WRITEBACK_JOB, consentWritebackHandler());
// One at a time per process: each reads every order of a shop.
queue.register(ATTRIBUTION_RECREDIT_JOB, recreditJobHandler(), { concurrency: 1 });
registerDeliveryJobs(queue);
// Every worker, when it starts: the nightly maintenance and each installed shop's
// nightly recompute are queued (idempotent, so several workers starting agree).
queue.onStart(() => ensureSchedules(prisma, queue, new Date()));
