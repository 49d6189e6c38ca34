/**
 * The console shows people by name and keeps what went out (issue 19, points 6 and 7): an alert's
 * page, a sighting's page and the audit log name staff with their role (an API key by its name,
 * the system as such), and only the caller's organisation's staff; the alerts page keeps
 * cancelled and expired alerts under History, filtered by state, kind, period and ZIP, a page at
 * a time, and refuses a filter value the form never offers (400, nothing listed).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Alert, ApprovalAnswer, Preview } from "../../src/schemas/alerts.ts";
import { CreatedSighting, Sighting } from "../../src/schemas/sightings.ts";
import { actorNames } from "../../src/services/users/actor-names.ts";
import { addAlert } from "../support/fanout.ts";
import { appFor, type Caller, ok, signIn } from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

const A = "Rapid Response Hotline";
const B = "Eastside Network";
let runtime: TestRuntime;
let app: ReturnType<typeof appFor>;
let operator: Caller;
let verifier: Caller;
let admin: Caller;
let otherOperator: Caller;
let otherVerifier: Caller;
const ids: Record<"cancelled" | "live" | "expired" | "old" | "theirs" | "theirDraft", string> = {
  cancelled: "",
  live: "",
  expired: "",
  old: "",
  theirs: "",
  theirDraft: "",
};

const texts = (headline: string) => ({
  en: { headline, body: `${headline}. Know your rights.`, smsText: headline },
});

async function draft(caller: Caller, headline: string, zip: string): Promise<string> {
  const body = { texts: texts(headline), target: { zips: [zip] }, priority: "advisory" };
  return (await ok(caller.request("POST", "alerts", body), Alert, 201)).id;
}

async function publish(drafter: Caller, approver: Caller, headline: string, zip: string): Promise<string> {
  const id = await draft(drafter, headline, zip);
  const preview = await ok(approver.request("GET", `alerts/${id}/preview`), Preview);
  await ok(
    approver.request("POST", `alerts/${id}/approve`, { hash: preview.hash, publishNow: true }),
    ApprovalAnswer,
  );
  return id;
}

async function page(caller: Caller, path: string): Promise<{ status: number; body: string }> {
  const res = await app.request(path, { headers: { cookie: caller.cookie! } });
  return { status: res.status, body: await res.text() };
}

/** The History section's rows: alert id and state, in order. */
function historyRows(body: string): { id: string; state: string }[] {
  const section = body.slice(body.indexOf('id="history"'));
  return [
    ...section.matchAll(/<tr data-state="(\w+)"><td><a href="\/console\/alerts\/([0-9a-f-]{36})"/g),
  ].map((m) => ({ id: m[2]!, state: m[1]! }));
}

const history = async (query: string) => historyRows((await page(operator, `/console/alerts${query}`)).body);

async function orgOf(caller: Caller) {
  return runtime.db
    .selectFrom("users")
    .select("organisation_id")
    .where("id", "=", caller.id)
    .executeTakeFirstOrThrow();
}

async function nameOf(caller: Caller): Promise<string> {
  const row = await runtime.db
    .selectFrom("users")
    .select("name")
    .where("id", "=", caller.id)
    .executeTakeFirstOrThrow();
  return row.name;
}

beforeAll(async () => {
  runtime = await createTestRuntime();
  app = appFor(runtime);
  operator = await signIn(runtime, app, "operator", { organisation: A });
  verifier = await signIn(runtime, app, "verifier", { organisation: A });
  admin = await signIn(runtime, app, "admin", { organisation: A });
  otherOperator = await signIn(runtime, app, "operator", { organisation: B });
  otherVerifier = await signIn(runtime, app, "verifier", { organisation: B });

  ids.cancelled = await publish(operator, verifier, "Checkpoint on 7th St", "94607");
  await ok(
    verifier.request("POST", `alerts/${ids.cancelled}/cancel`, { reason: "all_clear", publishNow: true }),
    ApprovalAnswer,
    201,
  );
  ids.live = await publish(operator, verifier, "Agents at Fruitvale", "94601");
  ids.expired = await publish(operator, verifier, "Agents at the library", "94612");
  ids.old = await publish(operator, verifier, "Agents at the market", "94612");
  ids.theirs = await publish(otherOperator, otherVerifier, "Their alert on 7th St", "94607");
  ids.theirDraft = await draft(otherOperator, "Their draft", "94607");
  // Time passes: one alert ran out two hours ago, another was published 40 days ago.
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);
  await runtime.db
    .updateTable("alerts")
    .set({ expires_at: hoursAgo(2) })
    .where("id", "=", ids.expired)
    .execute();
  await runtime.db
    .updateTable("alerts")
    .set({ published_at: hoursAgo(40 * 24), expires_at: hoursAgo(40 * 24 - 4) })
    .where("id", "=", ids.old)
    .execute();
}, 60_000);
afterAll(async () => {
  await runtime?.close();
});

describe("the alerts page keeps what went out", () => {
  it("lists live alerts, then past ones (cancelled, expired) of the last 30 days under History", async () => {
    const { status, body } = await page(operator, "/console/alerts");
    expect(status).toBe(200);
    const live = body.slice(body.indexOf("<caption>Live"), body.indexOf('id="history"'));
    expect(live).toContain(ids.live);
    expect(live).toContain(ids.theirs);
    expect(live).not.toContain(ids.cancelled);
    expect(live).not.toContain(ids.expired);
    const rows = historyRows(body);
    expect(rows).toContainEqual({ id: ids.cancelled, state: "cancelled" });
    expect(rows).toContainEqual({ id: ids.expired, state: "expired" });
    expect(rows.map((r) => r.id)).not.toContain(ids.live);
    expect(rows.map((r) => r.id)).not.toContain(ids.old);
  });

  it("filters by what became of them, kind, period and ZIP", async () => {
    expect(await history("?state=cancelled")).toEqual([{ id: ids.cancelled, state: "cancelled" }]);
    expect((await history("?state=expired&days=90")).map((r) => r.id).sort()).toEqual(
      [ids.expired, ids.old].sort(),
    );
    const everything = (await history("?state=any&days=all")).map((r) => r.id);
    for (const id of [ids.cancelled, ids.live, ids.expired, ids.old, ids.theirs])
      expect(everything).toContain(id);
    expect(everything).not.toContain(ids.theirDraft);
    const cancels = await history("?state=any&kind=cancel");
    expect(cancels).toHaveLength(1);
    expect(cancels[0]!.id).not.toBe(ids.cancelled);
    expect((await history("?state=any&zip=94607&kind=sighting")).map((r) => r.id).sort()).toEqual(
      [ids.cancelled, ids.theirs].sort(),
    );
    expect(await history("?state=any&zip=94501")).toEqual([]);
  });

  it("marks an alert followed by a published update", async () => {
    const update = await ok(
      operator.request("POST", `alerts/${ids.live}/updates`, { texts: texts("Agents have left Fruitvale") }),
      Alert,
      201,
    );
    expect(await history("?state=updated")).toEqual([]);
    const preview = await ok(verifier.request("GET", `alerts/${update.id}/preview`), Preview);
    await ok(verifier.request("POST", `alerts/${update.id}/approve`, { hash: preview.hash }), ApprovalAnswer);
    expect(await history("?state=updated")).toEqual([{ id: ids.live, state: "live" }]);
    const { body } = await page(operator, "/console/alerts?state=updated");
    expect(body).toContain("<td>live · updated</td>");
  });

  it("refuses a filter value the form never offers, listing nothing", async () => {
    for (const [query, message] of [
      ["?state=deleted", "Choose what became of the alerts from the list"],
      ["?kind=everything", "Choose a kind from the list"],
      ["?days=31", "Choose a period from the list"],
      ["?zip=9460", "A ZIP is 5 digits, or leave it empty"],
      ["?zip=%27%20OR%201%3D1", "A ZIP is 5 digits, or leave it empty"],
      ["?page=0", "A page is a whole number from 1"],
      ["?page=two", "A page is a whole number from 1"],
    ] as const) {
      const { status, body } = await page(operator, `/console/alerts${query}`);
      expect(status, query).toBe(400);
      expect(body, query).toContain(message);
      expect(historyRows(body), query).toEqual([]);
    }
  });

  it("pages through a long history, 25 at a time", async () => {
    const many: string[] = [];
    for (let i = 0; i < 26; i++) {
      const id = await addAlert(runtime, { zips: ["94621"], status: "published", languages: ["en"] });
      await runtime.db
        .updateTable("alerts")
        .set({ published_at: new Date(Date.now() - (i + 1) * 60_000) })
        .where("id", "=", id)
        .execute();
      many.push(id);
    }
    const first = await page(operator, "/console/alerts?state=any&zip=94621");
    expect(historyRows(first.body).map((r) => r.id)).toEqual(many.slice(0, 25));
    expect(first.body).toContain("page=2#history");
    const second = await page(operator, "/console/alerts?state=any&zip=94621&page=2");
    expect(historyRows(second.body).map((r) => r.id)).toEqual(many.slice(25));
    expect(second.body).toContain(">Newer</a>");
    expect(second.body).not.toContain(">Older</a>");
  });
});

describe("people by name, within the organisation", () => {
  it("an alert's page names who drafted and approved it, with their role, and says what was sent", async () => {
    const { body } = await page(verifier, `/console/alerts/${ids.cancelled}`);
    expect(body).toContain(`<dt>Drafted by</dt><dd>${await nameOf(operator)} (operator)</dd>`);
    expect(body).toContain(`<dt>Approved by</dt><dd>${await nameOf(verifier)} (verifier) at`);
    expect(body).not.toContain(operator.actor);
    expect(body).toContain("What was sent");
    expect(body).not.toContain("Recipients now");
    // No one follows 94607 here: the ledger has no row for it.
    expect(body).toContain("The delivery ledger records no recipient for this alert");
  });

  it("a draft's page still shows exactly what will be sent, to whom now", async () => {
    const id = await draft(operator, "Agents near the school", "94607");
    const { body } = await page(verifier, `/console/alerts/${id}`);
    expect(body).toContain("Exactly what will be sent");
    expect(body).toContain("Recipients now: 0");
    expect(body).not.toContain("What was sent");
  });

  it("a disabled account keeps its name", async () => {
    const editor = await signIn(runtime, app, "operator", { organisation: A });
    const id = await draft(editor, "Agents near the park", "94607");
    await runtime.db
      .updateTable("users")
      .set({ disabled_at: new Date() })
      .where("id", "=", editor.id)
      .execute();
    const { body } = await page(verifier, `/console/alerts/${id}`);
    expect(body).toContain(`${await nameOf(editor)} (operator, account disabled)`);
  });

  it("another organisation's published alert shows none of its staff", async () => {
    const { status, body } = await page(operator, `/console/alerts/${ids.theirs}`);
    expect(status).toBe(200);
    expect(body).not.toContain("Drafted by");
    expect(body).not.toContain(await nameOf(otherOperator));
    expect(body).not.toContain(await nameOf(otherVerifier));
  });

  it("a sighting's page names who logged and verified it", async () => {
    const created = await ok(
      operator.request("POST", "sightings", {
        zip: "94607",
        place: "7th St & Broadway",
        observedAt: new Date(Date.now() - 10 * 60_000).toISOString(),
        agency: "ice",
        activity: "checkpoint",
        source: "hotline_call",
        reporterCallback: "(510) 555-0177",
      }),
      CreatedSighting,
      201,
    );
    await ok(
      verifier.request("POST", `sightings/${created.sighting.id}/resolve`, {
        status: "verified",
        verification: { method: "responder_on_scene", notes: "Seen" },
      }),
      Sighting,
    );
    const { body } = await page(operator, `/console/sightings/${created.sighting.id}`);
    expect(body).toContain(`<dt>Logged by</dt><dd>${await nameOf(operator)} (operator)</dd>`);
    expect(body).toContain(`by ${await nameOf(verifier)} (verifier) at`);
    expect(body).not.toContain(verifier.actor);
  });

  it("looks names up in the caller's organisation only, and never echoes a resident's text", async () => {
    const names = await actorNames(
      runtime.db,
      [operator.actor, otherOperator.actor, "system", "+15105550177"],
      { organisationId: (await orgOf(operator)).organisation_id },
    );
    expect(names(operator.actor)).toBe(`${await nameOf(operator)} (operator)`);
    expect(names(otherOperator.actor)).toBe("someone outside your organisation");
    expect(names("system")).toBe("the system");
    expect(names("+15105550177")).toBe("a resident");
    expect(names("key:not-a-uuid")).toBe("a resident");
  });

  it("the audit log names actors and the accounts acted on, and no one of another organisation", async () => {
    const { status, body } = await page(admin, "/console/audit");
    expect(status).toBe(200);
    const who = [...body.matchAll(/<tr><td>[^<]*<\/td><td>([^<]*)<\/td>/g)].map((m) => m[1]!);
    expect(who.length).toBeGreaterThan(0);
    expect(who).toContain(`${await nameOf(operator)} (operator)`);
    expect(who).toContain(`${await nameOf(verifier)} (verifier)`);
    // Accounts made by `aviso user create` (the fixture) were made by the system.
    expect(who).toContain("the system");
    expect(who.some((w) => w.includes("user:"))).toBe(false);
    expect(body).toContain(
      `${await nameOf(operator)} (operator) <span class="hint">(user ${operator.id})</span>`,
    );
    expect(body).not.toContain(await nameOf(otherOperator));
  });
});
