/**
 * The delivery workers: one pg-boss queue per channel, each job a batch of ledger rows handed to
 * the shared dispatch loop (dispatch.ts) with that channel's sender. A batch with retryable rows
 * throws, and pg-boss retries it with backoff. A process may serve only some channels'
 * queues (`aviso worker --channels`); the sweep runs in every one, as it covers all channels.
 */
import type { AppContext } from "../src/context.ts";
import type { Channel } from "../src/db/database.ts";
import { DELIVERY_QUEUES, QUEUES } from "../src/jobs/queues.ts";
import { ALL_CHANNELS } from "../src/schemas/common.ts";
import { completeLedger, secondWavePayload } from "../src/services/alerts/complete-ledger.ts";
import { sweepDeliveries } from "../src/services/deliveries/sweep.ts";
import { type DispatchContext, dispatchBatch, RetryLaterError } from "./dispatch.ts";
import { warmUpDelivery } from "./warm-up.ts";

/** Batches in flight per channel in one process. SMS is paced by its token bucket anyway. */
export const DELIVERY_CONCURRENCY: Record<Channel, number> = {
  sms: 8,
  email: 8,
  push: 8,
  whatsapp: 8,
  voice: 8,
};

export type DeliveryWorkerContext = DispatchContext & Pick<AppContext, "boss" | "db">;

export async function startDeliveryWorkers(
  ctx: DeliveryWorkerContext,
  options: { concurrency?: Partial<Record<Channel, number>>; channels?: readonly Channel[] } = {},
): Promise<{ stop(): Promise<void> }> {
  const started: { queue: string; id: string }[] = [];
  warmUpDelivery(ctx, options.channels ?? ALL_CHANNELS);
  for (const channel of options.channels ?? ALL_CHANNELS) {
    const queue = DELIVERY_QUEUES[channel];
    const id = await ctx.boss.work(
      queue,
      {
        batchSize: 1,
        includeMetadata: true,
        localConcurrency: options.concurrency?.[channel] ?? DELIVERY_CONCURRENCY[channel],
        // NOTIFY wakes workers at once; polling is the backstop for retries coming due.
        pollingIntervalSeconds: 1,
        notifyPollingIntervalSeconds: 2,
      },
      async ([job]) => {
        if (!job) return;
        const summary = await dispatchBatch(ctx, job.data, {
          jobId: job.id,
          retryCount: job.retryCount,
          retryLimit: job.retryLimit,
          signal: job.signal,
        });
        const { retryCodes: _codes, ...counts } = summary;
        ctx.log.info({ job: job.id, queue, attempt: job.retryCount, ...counts }, "delivery batch done");
        if (summary.retry > 0) throw new RetryLaterError(summary);
        return counts;
      },
    );
    started.push({ queue, id });
  }
  // The rest of a large alert's ledger, once its first wave is out (complete-ledger.ts).
  const secondWave = await ctx.boss.work(
    QUEUES.ledgerSecondWave,
    { batchSize: 1, pollingIntervalSeconds: 1 },
    async ([job]) => {
      if (job) await completeLedger({ ctx, input: secondWavePayload.parse(job.data) });
    },
  );
  started.push({ queue: QUEUES.ledgerSecondWave, id: secondWave });
  // The backstop for rows no job is finishing (see sweep.ts); cheap, so every five minutes.
  const sweeper = await ctx.boss.work(QUEUES.deliveriesSweep, { batchSize: 1 }, async () =>
    sweepDeliveries({ ctx }),
  );
  started.push({ queue: QUEUES.deliveriesSweep, id: sweeper });
  await ctx.boss.schedule(QUEUES.deliveriesSweep, "*/5 * * * *", { task: "sweep-deliveries" });
  return {
    async stop() {
      for (const { queue, id } of started) await ctx.boss.offWork(queue, { id });
    },
  };
}
