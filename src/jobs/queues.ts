/** Every queue Aviso uses, created at start-up with its retry and retention policy. */
import type { PgBoss, Queue } from "pg-boss";

export const QUEUES = {
  housekeeping: "housekeeping",
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

const POLICIES: Record<QueueName, Omit<Queue, "name">> = {
  housekeeping: { retryLimit: 3, retryBackoff: true, expireInSeconds: 300, notify: true },
};

export async function ensureQueues(boss: PgBoss): Promise<void> {
  for (const [name, options] of Object.entries(POLICIES)) {
    if (!(await boss.getQueue(name))) await boss.createQueue(name, options);
  }
}
