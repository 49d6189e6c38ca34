/**
 * The limit on invitation texts (issue 16, bad input): an operator, or a stolen session, must not
 * make Aviso text an invitation to any number of strangers. RESPONDER_INVITATIONS_PER_HOUR per
 * organisation holds under two parallel bursts; beyond it the answer is a clear 429, and nothing is
 * sent or saved. Deleting responders again frees no slot; another organisation is not affected.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Responder } from "../../src/schemas/responders.ts";
import { startTwilioPeer, type TwilioPeer } from "../peers/twilio-peer.ts";
import { ConsoleClient } from "../support/console.ts";
import { appFor, type Caller, ok, PASSWORD, refused, signIn } from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

const ORG = "Northside Rapid Response";
const LIMIT = 5;
const clock = { offset: 0, now: () => new Date(Date.now() + clock.offset) };
let runtime: TestRuntime;
let app: ReturnType<typeof appFor>;
let twilio: TwilioPeer;
let admin: Caller;
let operator: Caller;
let next = 10;
const number = () => `+1510555${String(2000 + next++).padStart(4, "0")}`;
const body = () => ({ name: `V${next}`, phone: number(), languages: ["en"], zips: ["94607"] });

beforeAll(async () => {
  twilio = await startTwilioPeer();
  runtime = await createTestRuntime({
    clock,
    env: {
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_MESSAGING_SERVICE_SID: "MG00000000000000000000000000000000",
      TWILIO_API_URL: twilio.url,
      SMS_RATE_PER_SECOND: "500",
      SERVICE_AREA: "946*",
      RESPONDER_INVITATIONS_PER_HOUR: String(LIMIT),
      SESSION_IDLE_MINUTES: "1440",
      SESSION_ABSOLUTE_HOURS: "168",
    },
  });
  app = appFor(runtime);
  admin = await signIn(runtime, app, "admin", { organisation: ORG });
  operator = await signIn(runtime, app, "operator", { organisation: ORG });
});
afterAll(async () => {
  await runtime?.close();
  await twilio?.close();
});

describe("invitations per organisation and hour", () => {
  it("holds under two parallel bursts: the limit's worth are texted, the rest get 429 and nothing", async () => {
    const burst = (by: Caller) => Array.from({ length: 4 }, () => by.request("POST", "responders", body()));
    const answers = await Promise.all([...burst(admin), ...burst(operator)]);
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429, 429, 429]);
    for (const refusal of answers.filter((a) => a.status === 429)) {
      expect(refusal.body).toMatchObject({
        error: {
          code: "rate_limited",
          message: expect.stringContaining(`${LIMIT} invitations in the last hour`),
          details: { retryAfterSeconds: expect.any(Number) },
        },
      });
    }
    expect(twilio.messages).toHaveLength(LIMIT);
    const roster = await runtime.db.selectFrom("responders").select("id").execute();
    expect(roster).toHaveLength(LIMIT);
  });

  it("frees no slot when responders are deleted, and says so in the console too", async () => {
    const roster = (await admin.request("GET", "responders")).body as { items: { id: string }[] };
    expect((await admin.request("DELETE", `responders/${roster.items[0]!.id}`)).status).toBeLessThan(300);
    await refused(admin.request("POST", "responders", body()), 429, "rate_limited");
    const email = `limit.console.${Date.now()}@hotline.test`;
    await signIn(runtime, app, "operator", { organisation: ORG, email });
    const browser = new ConsoleClient(app);
    expect((await browser.signIn(email, PASSWORD)).status).toBe(303);
    await browser.get("/console/responders");
    const posted = await browser.post("/console/responders", {
      name: "Zed",
      phone: number(),
      languages: ["en"],
      zips: "94607",
    });
    expect(posted.status).toBe(429);
    expect(browser.lastPage).toContain("invitations in the last hour");
    expect(twilio.messages).toHaveLength(LIMIT);
  });

  it("leaves another organisation's invitations alone, and opens again an hour later", async () => {
    const other = await signIn(runtime, app, "admin", { organisation: "Southside Rapid Response" });
    await ok(other.request("POST", "responders", body()), Responder, 201);
    clock.offset += 61 * 60_000;
    await ok(admin.request("POST", "responders", body()), Responder, 201);
    expect(twilio.messages).toHaveLength(LIMIT + 2);
  });
});
