/**
 * The console's alert page offers each person exactly the acts the services would let them do:
 * the page asks the two-person rule (approval-rules.ts) which buttons to show, so a button never
 * leads to a refusal and no allowed act lacks one. Every role of one organisation looks at a draft,
 * an approved and a published alert of each family, with the lone cancel allowed and not.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../src/db/database.ts";
import { Alert, ApprovalAnswer, Preview } from "../../src/schemas/alerts.ts";
import type { Family } from "../../src/services/alerts/alert-record.ts";
import { APPROVERS, mayCancelAlone, mayDraft, mayPublish } from "../../src/services/alerts/approval-rules.ts";
import { ConsoleClient } from "../support/console.ts";
import { appFor, type Caller, ok, PASSWORD, signIn } from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

const ORG = "Rapid Response Hotline";
const ROLES: Role[] = ["operator", "verifier", "comms", "admin"];

type Fixture = {
  runtime: TestRuntime;
  app: ReturnType<typeof appFor>;
  emails: Map<Role, string>;
  alerts: { family: Family; status: "draft" | "approved" | "published"; id: string }[];
};

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

async function approve(caller: Caller, id: string, publishNow: boolean): Promise<void> {
  const preview = await ok(caller.request("GET", `alerts/${id}/preview`), Preview);
  await ok(
    caller.request("POST", `alerts/${id}/approve`, { hash: preview.hash, publishNow }),
    ApprovalAnswer,
  );
}

/** Everyone of one organisation, and a draft, an approved and a published alert of each family. */
async function fixture(verifierMayCancelAlone: boolean, tag: string): Promise<Fixture> {
  const runtime = await createTestRuntime({
    env: { VERIFIER_MAY_CANCEL_ALONE: String(verifierMayCancelAlone) },
  });
  const app = appFor(runtime);
  const emails = new Map<Role, string>();
  const callers = new Map<Role, Caller>();
  for (const role of ROLES) {
    const email = `${role}.${tag}@hotline.test`;
    emails.set(role, email);
    callers.set(role, await signIn(runtime, app, role, { organisation: ORG, email }));
  }
  // A statement's approver is another comms person.
  const secondComms = await signIn(runtime, app, "comms", {
    organisation: ORG,
    email: `comms2.${tag}@hotline.test`,
  });
  const alerts: Fixture["alerts"] = [];
  for (const family of ["alert", "statement"] as const) {
    const drafter = callers.get(family === "statement" ? "comms" : "operator")!;
    const approver = family === "statement" ? secondComms : callers.get("verifier")!;
    alerts.push({ family, status: "draft", id: await draft(drafter, family) });
    const approved = await draft(drafter, family);
    await approve(approver, approved, false);
    alerts.push({ family, status: "approved", id: approved });
    const published = await draft(drafter, family);
    await approve(approver, published, true);
    alerts.push({ family, status: "published", id: published });
  }
  return { runtime, app, emails, alerts };
}

for (const verifierMayCancelAlone of [true, false]) {
  describe(`the alert page's buttons are approval-rules' answers (VERIFIER_MAY_CANCEL_ALONE=${verifierMayCancelAlone})`, () => {
    let f: Fixture;
    beforeAll(async () => {
      f = await fixture(verifierMayCancelAlone, String(verifierMayCancelAlone));
    }, 180_000);
    afterAll(async () => {
      await f?.runtime.close();
    });

    for (const role of ROLES) {
      it(`as ${role}`, async () => {
        const client = new ConsoleClient(f.app);
        expect((await client.signIn(f.emails.get(role)!, PASSWORD)).status).toBe(303);
        for (const alert of f.alerts) {
          const res = await client.get(`/console/alerts/${alert.id}`);
          expect(res.status).toBe(200);
          const page = await res.text();
          const what = `${role} on a ${alert.status} ${alert.family}`;
          const publish = alert.status === "approved" && mayPublish(alert.family, role);
          expect(page.includes(`action="/console/alerts/${alert.id}/publish"`), what).toBe(publish);
          expect(page.includes("Publish now"), what).toBe(publish);
          expect(page.includes(`action="/console/alerts/${alert.id}/approve"`), what).toBe(
            alert.status === "draft" && APPROVERS[alert.family] === role,
          );
          expect(page.includes(`action="/console/alerts/${alert.id}" class="composer"`), what).toBe(
            alert.status !== "published" && mayDraft(alert.family, role),
          );
          const followUp = alert.status === "published" && mayDraft(alert.family, role);
          expect(page.includes(`action="/console/alerts/${alert.id}/cancel"`), what).toBe(followUp);
          expect(page.includes('id="f-cancelNow"'), what).toBe(
            followUp && mayCancelAlone(alert.family, role, verifierMayCancelAlone),
          );
        }
      });
    }
  });
}
