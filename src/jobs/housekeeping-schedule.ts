/**
 * When each housekeeping task runs (cron, UTC): the one schedule. The Node workers register it with
 * pg-boss (workers/index.ts); on Cloudflare, the Worker's cron triggers enqueue the same tasks
 * (src/entry/worker.ts). wrangler.toml cannot import it, so test/unit/worker-parts.test.ts compares
 * its parsed `crons` with cronTriggers(). workers/housekeeping.ts runs the tasks.
 */

export const HOUSEKEEPING_TASKS = [
  "purge-outbox",
  "purge-text-a-zip",
  "purge-operators",
  "erase-stopped-subscribers",
  "detach-deliveries",
  "erase-sighting-texts",
  "escalate-responders",
  "page-approvers",
] as const;
export type HousekeepingTask = (typeof HOUSEKEEPING_TASKS)[number];

export const HOUSEKEEPING_SCHEDULE: Record<HousekeepingTask, string> = {
  "purge-outbox": "17 * * * *",
  "purge-text-a-zip": "37 * * * *",
  // Reporters' callback numbers must not outlive their window by more than a few minutes.
  "purge-operators": "*/5 * * * *",
  // A stopped subscriber must be gone by STOPPED_SUBSCRIBER_ERASURE_HOURS (erasure runs with 10
  // minutes to spare).
  "erase-stopped-subscribers": "*/5 * * * *",
  // Old ledger rows are detached from people once an hour.
  "detach-deliveries": "53 * * * *",
  // What staff typed about a decided sighting goes SIGHTING_TEXT_RETENTION_DAYS after its last change.
  "erase-sighting-texts": "43 * * * *",
  // The backstop of each ring's own escalation job (a crashed worker; on Cloudflare, dispatches
  // made in the Worker): nobody's silence waits more than a minute past RESPONDER_ESCALATION_MINUTES.
  "escalate-responders": "* * * * *",
  // The backstop of approval paging (src/services/paging/send-pages.ts): first pages a lost job
  // never sent, and re-pages that are due, at most a minute late.
  "page-approvers": "* * * * *",
};

/** The schedule by cron expression: the tasks each trigger enqueues. */
export function cronTriggers(): Record<string, HousekeepingTask[]> {
  const triggers: Record<string, HousekeepingTask[]> = {};
  for (const task of HOUSEKEEPING_TASKS) {
    const cron = HOUSEKEEPING_SCHEDULE[task];
    triggers[cron] = [...(triggers[cron] ?? []), task];
  }
  return triggers;
}

/**
 * pg-boss keeps one schedule per (queue, key), so tasks sharing an expression need keys of their
 * own. purge-outbox was scheduled before keys were and keeps the default one, so that a database
 * an earlier release scheduled does not end up with it twice.
 */
export function scheduleOptions(task: HousekeepingTask): { key?: string } {
  return task === "purge-outbox" ? {} : { key: task };
}
