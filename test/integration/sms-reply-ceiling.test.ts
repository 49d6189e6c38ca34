/**
 * The global reply ceiling (SMS_REPLY_LIMIT_PER_MINUTE) under real concurrency: 1,000 signed
 * webhook requests at once, over HTTP, from 1,000 numbers, get exactly the ceiling's worth of
 * replies, not more. On Postgres the requests go to two `aviso serve` processes sharing the
 * database, so the check-and-reserve must hold across processes and connections; PGlite has one
 * process, served here in-process. STOP is still applied and confirmed once the ceiling is reached.
 */
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { addressIndex } from "../../src/security/addresses.ts";
import { twimlMessages } from "../../src/sms/twiml.ts";
import { backend } from "../support/db.ts";
import { freePort } from "../support/free-port.ts";
import { type RunningCommand, startAviso } from "../support/process.ts";
import { createTestRuntime, type TestRuntime, testEnv } from "../support/runtime.ts";
import { signedSmsRequest, smsParams } from "../support/sms-webhook.ts";

const CEILING = 50;
const TEXTS = 1000;
/** Requests in flight at once: more than the servers' connections, fewer than would make requests
 * wait past the pool's 5-second connection timeout on this shared 2-core machine. */
const IN_FLIGHT = 40;

const env = testEnv({ SMS_REPLY_LIMIT_PER_MINUTE: String(CEILING), LOG_LEVEL: "warn" });
let runtime: TestRuntime;
const origins: string[] = [];
const children: RunningCommand[] = [];
let inProcess: ReturnType<typeof serve> | undefined;

beforeAll(async () => {
  runtime = await createTestRuntime({ env });
  if (backend() === "postgres") {
    // Two API processes on the same database, as a deployment with two machines would have.
    await Promise.all(
      [0, 1].map(async () => {
        const port = await freePort();
        const child = startAviso(["serve", "--no-workers"], {
          ...env,
          DATABASE_URL: runtime.database.url!,
          HOST: "127.0.0.1",
          PORT: String(port),
        });
        children.push(child);
        await child.waitForOutput(/Aviso is running at/, 90_000);
        origins.push(`http://127.0.0.1:${port}`);
      }),
    );
  } else {
    const port = await freePort();
    inProcess = serve({ fetch: createApp(runtime).fetch, port, hostname: "127.0.0.1" });
    origins.push(`http://127.0.0.1:${port}`);
  }
}, 180_000);

afterAll(async () => {
  for (const child of children) child.child.kill("SIGTERM");
  await Promise.all(children.map((child) => child.exited));
  await new Promise((resolve) => (inProcess ? inProcess.close(resolve) : resolve(undefined)));
  await runtime?.close();
});

async function text(origin: string, number: string, body: string): Promise<string[]> {
  const res = await fetch(signedSmsRequest(runtime, smsParams(number, body), { origin }));
  const xml = await res.text();
  expect(res.status, xml).toBe(200);
  return twimlMessages(xml);
}

/** Waits, if need be, so that what follows starts early in a minute (the ceiling's window). */
async function earlyInAMinute(): Promise<number> {
  const into = Date.now() % 60_000;
  if (into > 15_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - into + 200));
  return Math.floor(Date.now() / 60_000);
}

describe("the global reply ceiling", () => {
  it(`holds for ${TEXTS} signed texts, ${IN_FLIGHT} at a time, across processes; STOP still stops`, async () => {
    const numbers = Array.from(
      { length: TEXTS },
      (_, i) => `+1415${String(3_000_000 + i * 41).padStart(7, "0")}`,
    );
    const minute = await earlyInAMinute();
    const answers: string[][] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        for (let i = next++; i < TEXTS; i = next++) {
          answers[i] = await text(origins[i % origins.length]!, numbers[i]!, i % 2 ? "HELP" : "94607");
        }
      }),
    );
    expect(Math.floor(Date.now() / 60_000), "the flood ran past the minute; rerun").toBe(minute);
    const replied = answers.filter((messages) => messages.length > 0).length;
    expect(replied).toBe(CEILING);

    // Every text was applied, answered or not: the even ones subscribed.
    const subscribed = await runtime.db
      .selectFrom("subscribers")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("channel", "=", "sms")
      .executeTakeFirstOrThrow();
    expect(Number(subscribed.n)).toBe(TEXTS / 2);

    // The one message that always goes: the opt-out confirmation, and the opt-out itself.
    expect(await text(origins[0]!, numbers[0]!, "STOP")).toHaveLength(1);
    const row = await runtime.db
      .selectFrom("subscribers")
      .select("status")
      .where("address_index", "=", addressIndex(runtime.pii, "sms", numbers[0]!))
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("stopped");
  }, 180_000);
});
