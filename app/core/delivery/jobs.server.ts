// Delivery's job types, registered on the process's queue in one place
// (app/jobs/index.server.ts calls this). See docs/decisions/011-delivery.md.
import type { embeddedQueue } from "../../jobs/queue.server";
import { DELIVERY_SEND_JOB, DELIVERY_TICK_JOB } from "./job-types";
import { sendJobHandler } from "./send.server";
import { deliveryTickHandler } from "./tick.server";

type Registry = Pick<ReturnType<typeof embeddedQueue>, "register" | "enqueue">;

export function registerDeliveryJobs(queue: Registry): void {
  queue.register(DELIVERY_TICK_JOB, deliveryTickHandler({ queue }));
  queue.register(DELIVERY_SEND_JOB, sendJobHandler());
}
