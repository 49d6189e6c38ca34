import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUEUES } from "../../src/jobs/queues.ts";
import { startWorkers } from "../../workers/index.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

let runtime: TestRuntime;
const now = new Date("2026-11-24T12:00:00Z");
beforeAll(async () => {
  runtime = await createTestRuntime({ clock: { now: () => now } });
});
afterAll(() => runtime.close());

async function waitForJob(id: string, timeoutMs = 15_000) {
  const job = () => runtime.boss.getJobById(QUEUES.housekeeping, id);
  await expect.poll(async () => (await job())?.state, { timeout: timeoutMs }).toMatch(/^(completed|failed)$/);
  return (await job())!;
}

describe("jobs run through pg-boss on this backend", () => {
  it("purges outbox messages older than seven days and keeps newer ones", async () => {
    await runtime.db.deleteFrom("outbox").execute(); // only this test's messages
    for (const daysAgo of [8, 6]) {
      const { providerId } = await runtime.senders.sms.send({
        channel: "sms",
        to: "+15105550100",
        text: `${daysAgo}`,
      });
      await runtime.db
        .updateTable("outbox")
        .set({ created_at: new Date(now.getTime() - daysAgo * 86_400_000) } as never)
        .where("id", "=", providerId!.replace("outbox-", ""))
        .execute();
    }
    const workers = await startWorkers(runtime);
    try {
      const id = await runtime.boss.send(QUEUES.housekeeping, { task: "purge-outbox" });
      const job = await waitForJob(id!);
      expect(job.state).toBe("completed");
      expect(job.output).toEqual({ deleted: 1 });
      const left = await runtime.db.selectFrom("outbox").select("body").execute();
      expect(left.map((row) => row.body)).toEqual(["6"]);
    } finally {
      await workers.stop();
    }
  });

  it("fails a job whose payload is malformed instead of guessing", async () => {
    // One message of its own in the outbox, which a guessed purge could take.
    await runtime.db.deleteFrom("outbox").execute();
    await runtime.senders.sms.send({ channel: "sms", to: "+15105550100", text: "kept" });
    const workers = await startWorkers(runtime);
    try {
      const id = await runtime.boss.send(QUEUES.housekeeping, { task: "drop-everything" }, { retryLimit: 0 });
      const job = await waitForJob(id!);
      expect(job.state).toBe("failed");
      expect(await runtime.db.selectFrom("outbox").select("body").execute()).toHaveLength(1);
    } finally {
      await workers.stop();
    }
  });
});
