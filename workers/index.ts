/**
 * Starts the job handlers on this process. `aviso serve` calls it in embedded mode (one process
 * does everything); `aviso worker` calls it on its own, and any number of those may run against
 * one Postgres: pg-boss hands each job to exactly one of them.
 */

import { z } from "zod";
import type { AppContext } from "../src/context.ts";
import type { Channel } from "../src/db/database.ts";
import {
  HOUSEKEEPING_SCHEDULE,
  HOUSEKEEPING_TASKS,
  scheduleOptions,
} from "../src/jobs/housekeeping-schedule.ts";
import { QUEUES } from "../src/jobs/queues.ts";
import { pageJobPayload, runPageJob } from "../src/services/paging/send-pages.ts";
import { escalateDueDispatches } from "../src/services/responders/escalate-responders.ts";
import { sendCallConfirmationText } from "./call-confirmation-text.ts";
import { startDeliveryWorkers } from "./deliveries.ts";
import { sendEmailConfirmation } from "./email-confirmation.ts";
import { runHousekeeping } from "./housekeeping.ts";

const escalationPayload = z.object({ sightingId: z.string().uuid() });

export type RunningWorkers = { stop(): Promise<void> };

/**
 * `channels` limits the delivery queues this process serves (all by default); the other jobs
 * (housekeeping, the deliveries sweep, confirmations, escalations, paging) run in every worker
 * process, pg-boss giving each job to one of them.
 */
export async function startWorkers(
  ctx: AppContext,
  options: { channels?: readonly Channel[] } = {},
): Promise<RunningWorkers> {
  const ids: string[] = [];
  ids.push(
    // pg-boss coalesces NOTIFY wake-ups, so jobs sent in a burst can wait for the next poll:
    // poll every second as a backstop (housekeeping is not latency-critical).
    await ctx.boss.work(
      QUEUES.housekeeping,
      { batchSize: 1, pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 1 },
      async ([job]) => {
        if (!job) return;
        const result = await runHousekeeping(ctx, job.data);
        ctx.log.info({ job: job.id, queue: QUEUES.housekeeping, pid: process.pid, ...result }, "job done");
        return result;
      },
    ),
  );
  for (const task of HOUSEKEEPING_TASKS) {
    await ctx.boss.schedule(
      QUEUES.housekeeping,
      HOUSEKEEPING_SCHEDULE[task],
      { task },
      scheduleOptions(task),
    );
  }
  // A resident waits for this mail, so poll every second too (NOTIFY wake-ups are coalesced).
  const emailConfirmations = await ctx.boss.work(
    QUEUES.emailConfirmation,
    { batchSize: 1, pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 1 },
    async ([job]) => {
      if (!job) return;
      const result = await sendEmailConfirmation(ctx, job.data);
      ctx.log.info({ job: job.id, queue: QUEUES.emailConfirmation, ...result }, "job done");
      return result;
    },
  );
  const callTexts = await ctx.boss.work(
    QUEUES.callConfirmationText,
    { batchSize: 1, pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 1 },
    async ([job]) => {
      if (!job) return;
      const result = await sendCallConfirmationText(ctx, job.data);
      ctx.log.info({ job: job.id, queue: QUEUES.callConfirmationText, ...result }, "job done");
      return result;
    },
  );
  // A ring of responders nobody answered: the next ring, if it is still due (idempotent).
  const escalations = await ctx.boss.work(
    QUEUES.responderEscalation,
    { batchSize: 1, pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 1 },
    async ([job]) => {
      if (!job) return;
      const { sightingId } = escalationPayload.parse(job.data);
      const result = await escalateDueDispatches(ctx, { sightingId });
      ctx.log.info({ job: job.id, queue: QUEUES.responderEscalation, ...result }, "job done");
      return result;
    },
  );
  // Approvers are waiting to be told a draft needs them: poll every second too.
  const pages = await ctx.boss.work(
    QUEUES.pageApprovers,
    { batchSize: 1, pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 1 },
    async ([job]) => {
      if (!job) return;
      const result = await runPageJob(ctx, pageJobPayload.parse(job.data));
      ctx.log.info({ job: job.id, queue: QUEUES.pageApprovers, ...result }, "job done");
      return result;
    },
  );
  const deliveries = await startDeliveryWorkers(ctx, { channels: options.channels });
  return {
    async stop() {
      await ctx.boss.offWork(QUEUES.emailConfirmation, { id: emailConfirmations });
      await ctx.boss.offWork(QUEUES.callConfirmationText, { id: callTexts });
      await ctx.boss.offWork(QUEUES.responderEscalation, { id: escalations });
      await ctx.boss.offWork(QUEUES.pageApprovers, { id: pages });
      await deliveries.stop();
      for (const id of ids) await ctx.boss.offWork(QUEUES.housekeeping, { id });
    },
  };
}
