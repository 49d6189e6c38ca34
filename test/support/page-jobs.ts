/**
 * Runs every page-approvers job pg-boss holds that is due now (by pg-boss's time: a delayed
 * re-page job is not yet), as the worker in workers/index.ts would; returns their payloads. Free of
 * vitest, so the whole story's benchmark can use it too.
 */
import type { AppContext } from "../../src/context.ts";
import { QUEUES } from "../../src/jobs/queues.ts";
import { pageJobPayload, runPageJob } from "../../src/services/paging/send-pages.ts";

export async function runDuePageJobs(ctx: AppContext): Promise<unknown[]> {
  const payloads: unknown[] = [];
  for (;;) {
    const jobs = await ctx.boss.fetch(QUEUES.pageApprovers, { batchSize: 10 });
    if (jobs.length === 0) return payloads;
    for (const job of jobs) {
      payloads.push(job.data);
      await runPageJob(ctx, pageJobPayload.parse(job.data));
      await ctx.boss.complete(QUEUES.pageApprovers, job.id);
    }
  }
}
