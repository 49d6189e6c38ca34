/**
 * Starts the job handlers on this process. `aviso serve` calls it in embedded mode (one process
 * does everything); `aviso worker` calls it on its own, and any number of those may run against
 * one Postgres: pg-boss hands each job to exactly one of them.
 */
import type { AppContext } from "../src/context.ts";
import { QUEUES } from "../src/jobs/queues.ts";
import { startDeliveryWorkers } from "./deliveries.ts";
import { sendEmailConfirmation } from "./email-confirmation.ts";
import { runHousekeeping } from "./housekeeping.ts";

export type RunningWorkers = { stop(): Promise<void> };

export async function startWorkers(ctx: AppContext): Promise<RunningWorkers> {
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
  await ctx.boss.schedule(QUEUES.housekeeping, "17 * * * *", { task: "purge-outbox" });
  await ctx.boss.schedule(
    QUEUES.housekeeping,
    "37 * * * *",
    { task: "purge-text-a-zip" },
    { key: "purge-text-a-zip" },
  );
  // Reporters' callback numbers must not outlive their window by more than a few minutes.
  await ctx.boss.schedule(
    QUEUES.housekeeping,
    "*/5 * * * *",
    { task: "purge-operators" },
    { key: "purge-operators" },
  );
  // A stopped subscriber must be gone by STOPPED_SUBSCRIBER_ERASURE_HOURS (erasure runs with 10
  // minutes to spare); old ledger rows are detached from people once an hour.
  await ctx.boss.schedule(
    QUEUES.housekeeping,
    "*/5 * * * *",
    { task: "erase-stopped-subscribers" },
    { key: "erase-stopped-subscribers" },
  );
  await ctx.boss.schedule(
    QUEUES.housekeeping,
    "53 * * * *",
    { task: "detach-deliveries" },
    { key: "detach-deliveries" },
  );
  // What staff typed about a decided sighting goes SIGHTING_TEXT_RETENTION_DAYS after its last change.
  await ctx.boss.schedule(
    QUEUES.housekeeping,
    "43 * * * *",
    { task: "erase-sighting-texts" },
    { key: "erase-sighting-texts" },
  );
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
  const deliveries = await startDeliveryWorkers(ctx);
  return {
    async stop() {
      await ctx.boss.offWork(QUEUES.emailConfirmation, { id: emailConfirmations });
      await deliveries.stop();
      for (const id of ids) await ctx.boss.offWork(QUEUES.housekeeping, { id });
    },
  };
}
