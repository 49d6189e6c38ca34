/**
 * `aviso worker --channels`: a worker process started for some channels serves only their
 * delivery queues; another channel's rows wait, queued, for a worker that serves it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishAlert } from "../../src/services/alerts/publish.ts";
import { startDeliveryWorkers } from "../../workers/deliveries.ts";
import { addAlert, addSubscriber, ledger, settled } from "../support/fanout.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

let runtime: TestRuntime;
beforeAll(async () => {
  runtime = await createTestRuntime(); // local mode: messages go to the outbox
});
afterAll(() => runtime.close());

describe("delivery workers for some channels", () => {
  it("send those channels' messages and leave the others' queued for another worker", async () => {
    await addSubscriber(runtime, { channel: "sms", address: "+15105550123", zips: ["94607"] });
    await addSubscriber(runtime, { channel: "email", address: "lin@example.org", zips: ["94607"] });
    await addSubscriber(runtime, { channel: "push", address: "https://push.test/a", zips: ["94607"] });
    const alertId = await addAlert(runtime, { zips: ["94607"] });
    const emailOnly = await startDeliveryWorkers(runtime, { channels: ["email"] });
    try {
      await publishAlert({ ctx: runtime, input: { alertId } });
      await expect
        .poll(async () => (await ledger(runtime, alertId)).find((row) => row.channel === "email")?.status, {
          timeout: 15_000,
        })
        .toBe("sent");
      // Past the workers' polling intervals (1 s, and 2 s for NOTIFY): a worker of all channels
      // would have taken the SMS and push jobs by now.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const waiting = (await ledger(runtime, alertId)).filter((row) => row.channel !== "email");
      expect(waiting.map((row) => [row.channel, row.status]).sort()).toEqual([
        ["push", "queued"],
        ["sms", "queued"],
      ]);
    } finally {
      await emailOnly.stop();
    }
    const others = await startDeliveryWorkers(runtime, { channels: ["sms", "push"] });
    try {
      const rows = await settled(runtime, alertId);
      expect(rows.map((row) => [row.channel, row.status]).sort()).toEqual([
        ["email", "sent"],
        ["push", "sent"],
        ["sms", "sent"],
      ]);
    } finally {
      await others.stop();
    }
  });
});
