/**
 * The console's alert page offers each person exactly the acts the services would let them do:
 * the page asks the two-person rule (approval-rules.ts) which buttons to show, so a button never
 * leads to a refusal and no allowed act lacks one. Every role of one organisation looks at a draft
 * and an approved alert of each family.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../src/db/database.ts";
import { Alert, ApprovalAnswer, Preview } from "../../src/schemas/alerts.ts";
import type { Family } from "../../src/services/alerts/alert-record.ts";
import { APPROVERS, mayDraft, mayPublish } from "../../src/services/alerts/approval-rules.ts";
import { ConsoleClient } from "../support/console.ts";
import { appFor, type Caller, ok, PASSWORD, signIn } from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

const ORG = "Rapid Response Hotline";
const ROLES: Role[] = ["operator", "verifier", "comms", "admin"];

let runtime: TestRuntime;
let app: ReturnType<typeof appFor>;
const people = new Map<Role, { caller: Caller; email: string }>();
const alerts: { family: Family; status: "draft" | "approved"; id: string }[] = [];

const texts = {
  en: { headline: "Checkpoint", body: "A checkpoint on 7th St.", smsText: "Checkpoint on 7th St" },
};

async function draft(caller: Caller, family: Family): Promise<string> {
  const path = family === "statement" ? "statements" : "alerts";
  const body =
    family === "statement"
      ? { texts, target: { zips: ["94607"] } }
      : { texts, target: { zips: ["94607"] }, priority: "advisory" };
  return (await ok(caller.request("POST", path, body), Alert, 201)).id;
}

async function approve(caller: Caller, id: string): Promise<void> {
  const preview = await ok(caller.request("GET", `alerts/${id}/preview`), Preview);
  await ok(
    caller.request("POST", `alerts/${id}/approve`, { hash: preview.hash, publishNow: false }),
    ApprovalAnswer,
  );
}

beforeAll(async () => {
  runtime = await createTestRuntime();
  app = appFor(runtime);
  for (const role of ROLES) {
    const email = `${role}.buttons@hotline.test`;
    people.set(role, { caller: await signIn(runtime, app, role, { organisation: ORG, email }), email });
  }
  const person = (role: Role) => people.get(role)!.caller;
  for (const family of ["alert", "statement"] as const) {
    const drafter = person(family === "statement" ? "comms" : "operator");
    alerts.push({ family, status: "draft", id: await draft(drafter, family) });
    const id = await draft(drafter, family);
    // A statement's approver is another comms person.
    const approver =
      family === "statement"
        ? await signIn(runtime, app, "comms", { organisation: ORG, email: "comms2.buttons@hotline.test" })
        : person("verifier");
    await approve(approver, id);
    alerts.push({ family, status: "approved", id });
  }
}, 60_000);
afterAll(async () => {
  await runtime?.close();
});

describe("the alert page's buttons are approval-rules' answers", () => {
  for (const role of ROLES) {
    it(`as ${role}`, async () => {
      const client = new ConsoleClient(app);
      expect((await client.signIn(people.get(role)!.email, PASSWORD)).status).toBe(303);
      for (const alert of alerts) {
        const res = await client.get(`/console/alerts/${alert.id}`);
        expect(res.status).toBe(200);
        const page = await res.text();
        const what = `${role} on an ${alert.status} ${alert.family}`;
        expect(page.includes(`action="/console/alerts/${alert.id}/publish"`), what).toBe(
          alert.status === "approved" && mayPublish(alert.family, role),
        );
        expect(page.includes("Publish now"), what).toBe(
          alert.status === "approved" && mayPublish(alert.family, role),
        );
        expect(page.includes(`action="/console/alerts/${alert.id}/approve"`), what).toBe(
          alert.status === "draft" && APPROVERS[alert.family] === role,
        );
        expect(page.includes(`action="/console/alerts/${alert.id}" class="composer"`), what).toBe(
          mayDraft(alert.family, role),
        );
      }
    });
  }
});
