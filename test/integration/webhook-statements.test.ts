/**
 * What one texted message costs the database (issue 20, point 5): the statements each command of
 * a resident's conversation sends, counted by a Kysely plugin on the runtime's own connection as a
 * signed webhook request is answered. Postgres spends more CPU on the webhook than the server does,
 * and every statement is a round trip inside the number's locked transaction, so these counts are
 * a budget: a change that adds a statement to the hot path has to raise one here and say why.
 */
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { createRuntime, type Runtime } from "../../src/runtime.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { CapturedLog, testEnv } from "../support/runtime.ts";
import { newMessageSid, phone } from "../support/sms-webhook.ts";

/** Counts the statements sent through the runtime's Kysely instance (transactions' BEGIN and COMMIT
 * are the driver's and not counted: every text has one of each). */
class StatementCounter implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs) {
    this.count += 1;
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs) {
    return args.result;
  }
}

const counter = new StatementCounter();
let database: TestDatabase;
let runtime: Runtime;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  database = await createTestDatabase();
  const config = loadConfig(testEnv({ LOG_LEVEL: "warn" }));
  const handle = { ...database.handle, db: database.handle.db.withPlugin(counter) };
  runtime = await createRuntime(config, createLogger({ level: "warn", destination: new CapturedLog() }), {
    handle,
  });
  app = createApp(runtime);
});

afterAll(async () => {
  await runtime.close();
  await database.drop();
});

/** The statements one text sends, and its reply. */
async function cost(number: string, body: string): Promise<{ statements: number; reply: string }> {
  counter.count = 0;
  const answer = await phone(app, runtime, number).send(body);
  expect(answer.status).toBe(200);
  return { statements: counter.count, reply: answer.messages.join(" ") };
}

/**
 * The budget per command: the statement that claims the message, takes the number's lock and reads
 * everything the command needs (texter_after_lock), and then one more: the command's own write,
 * which also stores the reply, or the stored reply alone where the command changes nothing. A
 * retry is the claim alone, which returns the reply stored the first time. A resident's text reads
 * nothing of the responders module's (the claim says whether the number is on a roster).
 */
const BUDGET = {
  first_zip: 2,
  add_zip: 2,
  list: 2,
  help: 2,
  language: 2,
  remove_zip: 2,
  stop: 2,
  start: 2,
  unknown: 2,
  duplicate: 1,
};

describe("statements per texted message", () => {
  it("keeps a resident's conversation within each command's budget", async () => {
    const number = "+15105550142";
    const first = await cost(number, "94607");
    expect(first.reply).toMatch(/94607/);
    const costs: Record<keyof typeof BUDGET, number> = {
      first_zip: first.statements,
      add_zip: (await cost(number, "ADD 94601")).statements,
      list: (await cost(number, "LIST")).statements,
      help: (await cost(number, "HELP")).statements,
      language: (await cost(number, "ES")).statements,
      remove_zip: (await cost(number, "REMOVE 94601")).statements,
      stop: (await cost(number, "STOP")).statements,
      start: (await cost(number, "START")).statements,
      unknown: (await cost(number, "hello there")).statements,
      duplicate: 0,
    };
    const sid = newMessageSid();
    await phone(app, runtime, number).send("LIST", sid);
    counter.count = 0;
    await phone(app, runtime, number).send("LIST", sid);
    costs.duplicate = counter.count;
    for (const [command, budget] of Object.entries(BUDGET)) {
      expect(costs[command as keyof typeof BUDGET], command).toBeLessThanOrEqual(budget);
    }
  });

  it("still answers a case code from a number on no roster, at one statement more than a resident", async () => {
    const stranger = await cost("+15105550143", "4821 Y");
    expect(stranger.reply).toMatch(/roster/i);
    expect(stranger.statements).toBeLessThanOrEqual(BUDGET.unknown + 1);
  });
});
