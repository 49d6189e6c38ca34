/**
 * The organisation matrix: every operator API endpoint and console page, called by every role of
 * another organisation (people and API keys) against one organisation's sightings, callbacks,
 * drafts, audit entries, accounts and keys. The table below is the specification:
 *
 * - "404": another organisation's staff are answered exactly as for an id that does not exist (same
 *   status, same message), so an answer never confirms that the object exists;
 * - "public": a published alert is public, so anyone signed in may read it (and its preview);
 * - "403": a published alert (public) is followed up (updated, cancelled) only by the organisation
 *   that published it;
 * - "list": the list holds nothing of the other organisation (published alerts excepted);
 * - "own": the endpoint acts on the caller's own account or creates in the caller's organisation.
 *
 * Roles the role matrix denies get 403 before anything is looked up (operator-roles.test.ts), so an
 * id is never tried for them. Nothing the other organisation sends changes anything; the same calls
 * by the owning organisation are not 404s (the fixtures are real).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actor, authorize, type Permission, ROLES } from "../../src/auth/permissions.ts";
import type { Role } from "../../src/db/database.ts";
import { API_ROUTES } from "../../src/routes/api/index.ts";
import { CreatedKey, User } from "../../src/schemas/accounts.ts";
import { Alert, ApprovalAnswer, Preview } from "../../src/schemas/alerts.ts";
import { AuditEntry } from "../../src/schemas/audit.ts";
import { list } from "../../src/schemas/common.ts";
import { Responder } from "../../src/schemas/responders.ts";
import { CreatedSighting, Sighting } from "../../src/schemas/sightings.ts";
import { recordAudit } from "../../src/services/audit/record-audit.ts";
import { ConsoleClient } from "../support/console.ts";
import { type Answer, apiClient, appFor, type Caller, ok, PASSWORD, signIn } from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

const OURS = "Eastside Rapid Response";
const THEIRS = "Westside Rapid Response";
const CALLBACK = "+15105550123";

type Request = ReturnType<typeof apiClient>;
type Org = {
  name: string;
  people: Map<Role, Caller & { email: string }>;
  keys: Map<Exclude<Role, "admin">, Request>;
};

let runtime: TestRuntime;
let app: ReturnType<typeof appFor>;
const ours: Org = { name: OURS, people: new Map(), keys: new Map() };
const theirs: Org = { name: THEIRS, people: new Map(), keys: new Map() };

/** Our organisation's objects, made through the API by our own staff. */
const f = {
  sighting: "", // reported, with a callback number
  duplicate: "", // same ZIP, minutes apart
  verified: "", // verified: alerts may be drafted from it
  draft: "", // an alert draft from the verified sighting
  approved: "", // approved, not yet published
  published: "", // published: public
  statement: "", // a statement draft
  user: "", // a spare account
  key: "", // a spare key's id
  keyPrefix: "",
  theirSighting: "", // the other organisation's own report of the same event
  responder: "", // on our roster (invited)
  spare1: "", // three more, one for each of our callers to remove
  spare2: "",
  spare3: "",
};
let spareTurn = 0;
const spareResponder = () => [f.spare1, f.spare2, f.spare3][spareTurn++ % 3]!;

async function person(org: Org, role: Role) {
  const email = `${role}.${org.name.split(" ")[0]!.toLowerCase()}.${randomUUID().slice(0, 8)}@hotline.test`;
  const caller = await signIn(runtime, app, role, { organisation: org.name, email });
  org.people.set(role, { ...caller, email });
}

const sightingBody = (minutesAgo: number) => ({
  zip: "94607",
  place: "Fruitvale BART",
  observedAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
  agency: "ice",
  activity: "sweep",
  source: "hotline_call",
});
const texts = { en: { headline: "Checkpoint", body: "Know your rights.", smsText: "Checkpoint" } };

async function approve(org: Org, alertId: string, publishNow: boolean) {
  const verifier = org.people.get("verifier")!;
  const preview = await ok(verifier.request("GET", `alerts/${alertId}/preview`), Preview);
  return ok(
    verifier.request("POST", `alerts/${alertId}/approve`, { hash: preview.hash, publishNow }),
    ApprovalAnswer,
  );
}

beforeAll(async () => {
  runtime = await createTestRuntime({ env: { SERVICE_AREA: "946*" } });
  app = appFor(runtime);
  for (const org of [ours, theirs]) {
    for (const role of ROLES) await person(org, role);
    const admin = org.people.get("admin")!;
    for (const role of ["operator", "verifier", "comms"] as const) {
      const created = await ok(
        admin.request("POST", "keys", { name: `${role} key`, role, organisation: org.name }),
        CreatedKey,
        201,
      );
      org.keys.set(role, apiClient(app, { apiKey: created.key }));
    }
  }
  const operator = ours.people.get("operator")!;
  const verifier = ours.people.get("verifier")!;
  const admin = ours.people.get("admin")!;
  f.sighting = (
    await ok(
      operator.request("POST", "sightings", { ...sightingBody(5), reporterCallback: CALLBACK }),
      CreatedSighting,
      201,
    )
  ).sighting.id;
  f.duplicate = (
    await ok(operator.request("POST", "sightings", sightingBody(3)), CreatedSighting, 201)
  ).sighting.id;
  f.verified = (
    await ok(operator.request("POST", "sightings", sightingBody(300)), CreatedSighting, 201)
  ).sighting.id;
  await ok(
    verifier.request("POST", `sightings/${f.verified}/resolve`, {
      status: "verified",
      verification: { method: "photo" },
    }),
    Sighting,
  );
  f.draft = (await ok(operator.request("POST", "alerts", { sightingId: f.verified }), Alert, 201)).id;
  f.approved = (
    await ok(operator.request("POST", "alerts", { texts, target: { zips: ["94607"] } }), Alert, 201)
  ).id;
  await approve(ours, f.approved, false);
  f.published = (
    await ok(operator.request("POST", "alerts", { texts, target: { zips: ["94607"] } }), Alert, 201)
  ).id;
  await approve(ours, f.published, true);
  f.statement = (
    await ok(
      ours.people
        .get("comms")!
        .request("POST", "statements", { texts, target: { cityWide: true }, priority: "community" }),
      Alert,
      201,
    )
  ).id;
  f.user = (
    await ok(
      admin.request("POST", "users", {
        email: `spare.${randomUUID().slice(0, 8)}@hotline.test`,
        name: "Spare",
        role: "operator",
        organisation: OURS,
        password: PASSWORD,
      }),
      User,
      201,
    )
  ).id;
  const spare = await ok(
    admin.request("POST", "keys", { name: "spare", role: "operator", organisation: OURS }),
    CreatedKey,
    201,
  );
  f.key = spare.apiKey.id;
  f.keyPrefix = spare.apiKey.prefix;
  for (const [field, n] of [
    ["responder", 0],
    ["spare1", 1],
    ["spare2", 2],
    ["spare3", 3],
  ] as const) {
    f[field] = (
      await ok(
        operator.request("POST", "responders", {
          name: `Responder ${n}`,
          phone: `+1510555019${n}`,
          languages: ["en"],
          zips: ["94607"],
        }),
        Responder,
        201,
      )
    ).id;
  }
  f.theirSighting = (
    await ok(
      theirs.people.get("operator")!.request("POST", "sightings", sightingBody(4)),
      CreatedSighting,
      201,
    )
  ).sighting.id;
}, 120_000);
afterAll(() => runtime.close());

type Expect = "404" | "403" | "public" | "list" | "own";
type Case = { path: () => string; body?: () => unknown; expect: Expect };

/** Every protected endpoint, against our objects, and what another organisation's staff get. */
const MATRIX: Record<string, Case> = {
  "POST /auth/logout": { path: () => "auth/logout", expect: "own" },
  "GET /me": { path: () => "me", expect: "own" },
  "POST /me/password": { path: () => "me/password", expect: "own" },
  "GET /me/second-factor": { path: () => "me/second-factor", expect: "own" },
  "POST /me/second-factor/totp": { path: () => "me/second-factor/totp", expect: "own" },
  "POST /me/second-factor/totp/confirm": {
    path: () => "me/second-factor/totp/confirm",
    body: () => ({ code: "000000" }),
    expect: "own",
  },
  "POST /me/second-factor/recovery-codes": { path: () => "me/second-factor/recovery-codes", expect: "own" },
  "DELETE /users/:id/second-factor": { path: () => `users/${f.user}/second-factor`, expect: "404" },
  "GET /users": { path: () => "users", expect: "list" },
  "POST /users": {
    path: () => "users",
    body: () => ({
      email: `intruder.${randomUUID().slice(0, 8)}@hotline.test`,
      name: "Intruder",
      role: "admin",
      organisation: OURS,
      password: PASSWORD,
    }),
    expect: "403",
  },
  "GET /users/:id": { path: () => `users/${f.user}`, expect: "404" },
  "PATCH /users/:id": { path: () => `users/${f.user}`, body: () => ({ name: "Taken over" }), expect: "404" },
  "GET /keys": { path: () => "keys", expect: "list" },
  "POST /keys": {
    path: () => "keys",
    body: () => ({ name: "intruder", role: "verifier", organisation: OURS }),
    expect: "403",
  },
  "DELETE /keys/:id": { path: () => `keys/${f.key}`, expect: "404" },
  "GET /sightings": { path: () => "sightings", expect: "list" },
  "POST /sightings": { path: () => "sightings", expect: "own" },
  "GET /sightings/:id": { path: () => `sightings/${f.sighting}`, expect: "404" },
  "PATCH /sightings/:id": {
    path: () => `sightings/${f.sighting}`,
    body: () => ({ place: "Somewhere else" }),
    expect: "404",
  },
  "POST /sightings/:id/dispatch": { path: () => `sightings/${f.sighting}/dispatch`, expect: "404" },
  "POST /sightings/:id/verifications": {
    path: () => `sightings/${f.sighting}/verifications`,
    body: () => ({ method: "photo" }),
    expect: "404",
  },
  "POST /sightings/:id/resolve": {
    path: () => `sightings/${f.sighting}/resolve`,
    body: () => ({ status: "false_alarm" }),
    expect: "404",
  },
  "GET /sightings/:id/duplicates": { path: () => `sightings/${f.sighting}/duplicates`, expect: "404" },
  "POST /sightings/:id/merge": {
    path: () => `sightings/${f.sighting}/merge`,
    body: () => ({ duplicateIds: [f.duplicate] }),
    expect: "404",
  },
  "GET /sightings/:id/callback": { path: () => `sightings/${f.sighting}/callback`, expect: "404" },
  "GET /sightings/:id/responders": { path: () => `sightings/${f.sighting}/responders`, expect: "404" },
  "GET /sightings/:id/events": { path: () => `sightings/${f.sighting}/events`, expect: "404" },
  "GET /responders": { path: () => "responders", expect: "list" },
  "POST /responders": { path: () => "responders", expect: "own" },
  "GET /responders/:id": { path: () => `responders/${f.responder}`, expect: "404" },
  "PATCH /responders/:id": {
    path: () => `responders/${f.responder}`,
    body: () => ({ onDuty: true }),
    expect: "404",
  },
  "DELETE /responders/:id": { path: () => `responders/${spareResponder()}`, expect: "404" },
  "GET /alerts": { path: () => "alerts", expect: "list" },
  "POST /alerts": { path: () => "alerts", expect: "own" },
  "POST /statements": { path: () => "statements", expect: "own" },
  "GET /alerts/:id": { path: () => `alerts/${f.draft}`, expect: "404" },
  "PATCH /alerts/:id": {
    path: () => `alerts/${f.draft}`,
    body: () => ({ priority: "advisory" }),
    expect: "404",
  },
  "GET /alerts/:id/preview": { path: () => `alerts/${f.draft}/preview`, expect: "404" },
  "GET /alerts/:id/timeline": { path: () => `alerts/${f.draft}/timeline`, expect: "404" },
  "POST /alerts/:id/approve": {
    path: () => `alerts/${f.draft}/approve`,
    body: () => ({ hash: "0".repeat(64), publishNow: true }),
    expect: "404",
  },
  "POST /alerts/:id/publish": { path: () => `alerts/${f.approved}/publish`, expect: "404" },
  "POST /alerts/:id/updates": {
    path: () => `alerts/${f.published}/updates`,
    body: () => ({ texts }),
    expect: "403",
  },
  "POST /alerts/:id/cancel": {
    path: () => `alerts/${f.published}/cancel`,
    body: () => ({ reason: "false_alarm" }),
    expect: "403",
  },
  "GET /audit": { path: () => "audit", expect: "list" },
};

/** Further cases of the same endpoints: other objects of ours, other ways in. */
const MORE: [string, Case][] = [
  ["GET /alerts/:id", { path: () => `alerts/${f.statement}`, expect: "404" }],
  ["GET /alerts/:id", { path: () => `alerts/${f.approved}`, expect: "404" }],
  ["GET /alerts/:id", { path: () => `alerts/${f.published}`, expect: "public" }],
  ["GET /alerts/:id/preview", { path: () => `alerts/${f.published}/preview`, expect: "public" }],
  ["GET /alerts/:id/preview", { path: () => `alerts/${f.approved}/preview`, expect: "404" }],
  ["GET /alerts/:id/timeline", { path: () => `alerts/${f.published}/timeline`, expect: "public" }],
  ["GET /alerts/:id/timeline", { path: () => `alerts/${f.approved}/timeline`, expect: "404" }],
  [
    "PATCH /alerts/:id",
    { path: () => `alerts/${f.statement}`, body: () => ({ priority: "advisory" }), expect: "404" },
  ],
  [
    "PATCH /alerts/:id",
    { path: () => `alerts/${f.published}`, body: () => ({ priority: "advisory" }), expect: "403" },
  ],
  [
    "POST /alerts/:id/approve",
    { path: () => `alerts/${f.statement}/approve`, body: () => ({ hash: "0".repeat(64) }), expect: "404" },
  ],
  ["POST /alerts/:id/publish", { path: () => `alerts/${f.draft}/publish`, expect: "404" }],
  [
    "POST /alerts/:id/cancel",
    {
      path: () => `alerts/${f.published}/cancel`,
      body: () => ({ reason: "all_clear", publishNow: true }),
      expect: "403",
    },
  ],
  // Merging our report into theirs, from their side: the duplicate is ours, so it is not found.
  [
    "POST /sightings/:id/merge",
    {
      path: () => `sightings/${f.theirSighting}/merge`,
      body: () => ({ duplicateIds: [f.sighting] }),
      expect: "404",
    },
  ],
];

const protectedRoutes = API_ROUTES.filter((r) => r.permission !== "public");
const keyOf = (r: { method: string; path: string }) => `${r.method.toUpperCase()} ${r.path}`;
const permissionOf = (key: string) => protectedRoutes.find((r) => keyOf(r) === key)!.permission as Permission;

/** The callers of an organisation that the role matrix lets through to `key`. */
function callers(org: Org, key: string): [string, Request][] {
  const permission = permissionOf(key);
  const out: [string, Request][] = [];
  for (const [role, caller] of org.people) {
    if (authorize({ role, kind: "user" } as Actor, permission).ok) out.push([role, caller.request]);
  }
  for (const [role, request] of org.keys) {
    if (authorize({ role, kind: "key" } as Actor, permission).ok) out.push([`${role} key`, request]);
  }
  return out;
}

/** The same request with every id of ours replaced by one that names nothing. */
function madeUp(path: string, body: unknown): [string, unknown] {
  const ids = Object.values(f).filter((v) => /^[0-9a-f-]{36}$/.test(v));
  let p = path;
  let b = JSON.stringify(body ?? null);
  for (const id of ids) {
    const fresh = randomUUID();
    p = p.replaceAll(id, fresh);
    b = b.replaceAll(id, fresh);
  }
  return [p, body === undefined ? undefined : JSON.parse(b)];
}

async function send(request: Request, key: string, path: string, body: unknown): Promise<Answer> {
  const method = key.split(" ")[0]!;
  return request(
    method,
    `/api/v1/${path}`,
    method === "GET" || method === "DELETE" ? undefined : (body ?? {}),
  );
}

async function snapshot() {
  const db = runtime.db;
  const org = await db
    .selectFrom("organisations")
    .select("id")
    .where("name", "=", OURS)
    .executeTakeFirstOrThrow();
  const ourSightings = await db
    .selectFrom("sightings")
    .selectAll()
    .where("organisation_id", "=", org.id)
    .orderBy("id")
    .execute();
  return {
    sightings: ourSightings,
    verifications: await db.selectFrom("sighting_verifications").selectAll().orderBy("id").execute(),
    alerts: await db.selectFrom("alerts").selectAll().where("sender_org", "=", OURS).orderBy("id").execute(),
    followUps: await db
      .selectFrom("alerts")
      .select("id")
      .where("references_alert_id", "=", f.published)
      .execute(),
    texts: await db.selectFrom("alert_texts").selectAll().orderBy("alert_id").orderBy("language").execute(),
    users: await db
      .selectFrom("users")
      .selectAll()
      .where("organisation_id", "=", org.id)
      .orderBy("id")
      .execute(),
    keys: await db
      .selectFrom("api_keys")
      .select(["id", "name", "revoked_at", "organisation_id", "role"])
      .orderBy("id")
      .execute(),
    organisations: await db.selectFrom("organisations").selectAll().orderBy("id").execute(),
    responders: await db.selectFrom("responders").selectAll().orderBy("id").execute(),
    responderRequests: await db.selectFrom("responder_requests").selectAll().orderBy("id").execute(),
    callbackViews: await db
      .selectFrom("audit_log")
      .select("id")
      .where("action", "=", "sighting.callback_viewed")
      .execute(),
  };
}

/** Our objects' ids and our staff's actor ids: none may appear in what the other side reads. */
function ourIds(): string[] {
  return [
    f.sighting,
    f.duplicate,
    f.verified,
    f.draft,
    f.approved,
    f.statement,
    f.user,
    f.key,
    f.keyPrefix,
    f.responder,
    f.spare1,
    f.spare2,
    f.spare3,
    ...[...ours.people.values()].flatMap((p) => [p.id, p.email]),
  ];
}

describe("the organisation matrix (API)", () => {
  it("lists every protected endpoint", () => {
    expect(Object.keys(MATRIX).sort()).toEqual(protectedRoutes.map(keyOf).sort());
  });

  it("another organisation's staff get 404 for our objects, exactly as for ids that do not exist, and change nothing", async () => {
    const before = await snapshot();
    for (const [key, c] of [...Object.entries(MATRIX), ...MORE]) {
      if (c.expect !== "404") continue;
      for (const [who, request] of callers(theirs, key)) {
        const label = `${key} ${c.path()} by their ${who}`;
        const answer = await send(request, key, c.path(), c.body?.());
        expect(answer.status, `${label}: ${JSON.stringify(answer.body)}`).toBe(404);
        const [path, body] = madeUp(c.path(), c.body?.());
        const nothing = await send(request, key, path, body);
        expect(nothing.status, label).toBe(404);
        const message = (a: Answer) => (a.body as { error: { code: string; message: string } }).error;
        expect({ ...message(answer) }, label).toMatchObject({
          code: message(nothing).code,
          message: message(nothing).message,
        });
        expect(JSON.stringify(answer.body)).not.toContain(CALLBACK.slice(2));
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it("a published alert is public: anyone signed in reads it; only its organisation updates or cancels it", async () => {
    const before = await snapshot();
    for (const [key, c] of [...Object.entries(MATRIX), ...MORE]) {
      if (c.expect !== "public" && c.expect !== "403") continue;
      for (const [who, request] of callers(theirs, key)) {
        const answer = await send(request, key, c.path(), c.body?.());
        const label = `${key} ${c.path()} by their ${who}: ${JSON.stringify(answer.body)}`;
        if (c.expect === "public") expect(answer.status, label).toBe(200);
        else {
          expect(answer.status, label).toBe(403);
          expect((answer.body as { error: { message: string } }).error.message, label).toMatch(OURS);
        }
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it("lists hold nothing of ours but published alerts", async () => {
    for (const [key, c] of Object.entries(MATRIX)) {
      if (c.expect !== "list") continue;
      for (const [who, request] of callers(theirs, key)) {
        const answer = await send(request, key, c.path(), undefined);
        expect(answer.status, `${key} by their ${who}`).toBe(200);
        const text = JSON.stringify(answer.body);
        for (const id of ourIds()) expect(text, `${key} by their ${who} shows ${id}`).not.toContain(id);
        if (key === "GET /alerts") expect(text).toContain(f.published);
      }
    }
    // Filtering by our objects finds nothing either.
    const admin = theirs.people.get("admin")!;
    for (const query of [`targetId=${f.sighting}`, `actor=${ours.people.get("operator")!.actor}`]) {
      const entries = await ok(admin.request("GET", `audit?${query}`), list(AuditEntry));
      expect(entries.items).toEqual([]);
    }
    // …while our own admin does see our entries.
    const mine = await ok(
      ours.people.get("admin")!.request("GET", `audit?targetId=${f.sighting}`),
      list(AuditEntry),
    );
    expect(mine.items.map((e) => e.action)).toContain("sighting.created");
  });

  it("an alert is drafted from another organisation's sighting no more than from one that never was", async () => {
    const before = await snapshot();
    for (const [who, request] of callers(theirs, "POST /alerts")) {
      const answer = await request("POST", "/api/v1/alerts", { sightingId: f.verified });
      const nothing = await request("POST", "/api/v1/alerts", { sightingId: randomUUID() });
      expect(answer.status, `their ${who}: ${JSON.stringify(answer.body)}`).toBe(400);
      const error = (a: Answer) => (a.body as { error: { message: string } }).error.message;
      expect(error(answer)).toBe(error(nothing));
    }
    expect(await snapshot()).toEqual(before);
  });

  it("the audit log: system entries about our objects are ours; service-wide ones every admin reads", async () => {
    await recordAudit(runtime.db, {
      actor: "system",
      action: "sighting.callback_purged",
      target: { type: "sighting", id: f.sighting },
    });
    await recordAudit(runtime.db, {
      actor: "system",
      action: "retention.subscribers_erased",
      details: { count: 1 },
    });
    const read = async (org: Org) =>
      (await ok(org.people.get("admin")!.request("GET", "audit?actor=system"), list(AuditEntry))).items.map(
        (e) => e.action,
      );
    expect(await read(ours)).toEqual(
      expect.arrayContaining(["retention.subscribers_erased", "sighting.callback_purged"]),
    );
    expect(await read(theirs)).toContain("retention.subscribers_erased");
    expect(await read(theirs)).not.toContain("sighting.callback_purged");
  });

  it("likely duplicates never name another organisation's sightings", async () => {
    const operator = theirs.people.get("operator")!;
    const logged = await ok(operator.request("POST", "sightings", sightingBody(4)), CreatedSighting, 201);
    const ids = logged.likelyDuplicates.map((s) => s.id);
    expect(ids).toContain(f.theirSighting);
    for (const id of ourIds()) expect(ids).not.toContain(id);
    const asked = await ok(
      operator.request("GET", `sightings/${f.theirSighting}/duplicates`),
      list(Sighting),
    );
    expect(asked.items.map((s) => s.id)).toContain(logged.sighting.id);
    for (const id of ourIds()) expect(JSON.stringify(asked)).not.toContain(id);
    // And ours are offered ours.
    const own = await ok(
      ours.people.get("operator")!.request("GET", `sightings/${f.sighting}/duplicates`),
      list(Sighting),
    );
    expect(own.items.map((s) => s.id)).toEqual([f.duplicate]);
  });

  it("an admin creates accounts and keys only in their own organisation", async () => {
    const admin = theirs.people.get("admin")!;
    const before = await snapshot();
    const user = await admin.request("POST", "users", {
      email: `intruder.${randomUUID().slice(0, 8)}@hotline.test`,
      name: "Intruder",
      role: "admin",
      organisation: OURS,
      password: PASSWORD,
    });
    expect(user.status, JSON.stringify(user.body)).toBe(403);
    const key = await admin.request("POST", "keys", {
      name: "intruder",
      role: "verifier",
      organisation: OURS,
    });
    expect(key.status, JSON.stringify(key.body)).toBe(403);
    const moved = await admin.request("PATCH", `users/${theirs.people.get("operator")!.id}`, {
      organisation: OURS,
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(403);
    expect(await snapshot()).toEqual(before);
    // Without an organisation, the admin's own is meant.
    const own = await ok(
      admin.request("POST", "users", {
        email: `new.${randomUUID().slice(0, 8)}@hotline.test`,
        name: "New",
        role: "operator",
        password: PASSWORD,
      }),
      User,
      201,
    );
    expect(own.organisation.name).toBe(THEIRS);
    const ownKey = await ok(
      admin.request("POST", "keys", { name: "own", role: "operator" }),
      CreatedKey,
      201,
    );
    expect(ownKey.apiKey.organisation.name).toBe(THEIRS);
  });
});

type ConsoleCase = {
  method: "GET" | "POST";
  path: () => string;
  fields?: () => Record<string, string | string[]>;
  /** null: every signed-in person reaches it (the delivery progress stream). */
  permission: Permission | null;
  expect: "404" | "403" | "200" | "list";
};

const edit = {
  "texts.en.headline": "Taken",
  "texts.en.body": "Taken over",
  "texts.en.smsText": "Taken",
  priority: "alert",
  zips: "94607",
  channels: ["sms"],
};

/** Every console page and form that names an object, and each list. */
const CONSOLE: ConsoleCase[] = [
  { method: "GET", path: () => "/console/sightings", permission: "sightings:read", expect: "list" },
  {
    method: "GET",
    path: () => `/console/sightings/${f.sighting}`,
    permission: "sightings:read",
    expect: "404",
  },
  {
    method: "GET",
    path: () => `/console/sightings/${f.sighting}/events`,
    permission: "sightings:read",
    expect: "404",
  },
  {
    method: "POST",
    path: () => `/console/sightings/${f.sighting}/dispatch`,
    permission: "sightings:write",
    expect: "404",
  },
  {
    method: "POST",
    path: () => `/console/sightings/${f.sighting}/verifications`,
    fields: () => ({ method: "photo" }),
    permission: "sightings:write",
    expect: "404",
  },
  {
    method: "POST",
    path: () => `/console/sightings/${f.sighting}/resolve`,
    fields: () => ({ status: "false_alarm" }),
    permission: "sightings:resolve",
    expect: "404",
  },
  {
    method: "POST",
    path: () => `/console/sightings/${f.sighting}/merge`,
    fields: () => ({ duplicateIds: [f.duplicate] }),
    permission: "sightings:write",
    expect: "404",
  },
  {
    method: "POST",
    path: () => `/console/sightings/${f.theirSighting}/merge`,
    fields: () => ({ duplicateIds: [f.sighting] }),
    permission: "sightings:write",
    expect: "404",
  },
  {
    method: "POST",
    path: () => `/console/sightings/${f.sighting}/callback`,
    permission: "sightings:callback",
    expect: "404",
  },
  {
    method: "POST",
    path: () => `/console/sightings/${f.verified}/alert`,
    permission: "alerts:draft",
    expect: "404",
  },
  { method: "GET", path: () => "/console/alerts", permission: "alerts:read", expect: "list" },
  { method: "GET", path: () => `/console/alerts/${f.draft}`, permission: "alerts:read", expect: "404" },
  { method: "GET", path: () => `/console/alerts/${f.statement}`, permission: "alerts:read", expect: "404" },
  { method: "GET", path: () => `/console/alerts/${f.published}`, permission: "alerts:read", expect: "200" },
  { method: "GET", path: () => `/console/alerts/${f.draft}/progress`, permission: null, expect: "404" },
  {
    method: "POST",
    path: () => `/console/alerts/${f.draft}`,
    fields: () => edit,
    permission: "drafts:edit",
    expect: "404",
  },
  {
    method: "POST",
    path: () => `/console/alerts/${f.draft}/approve`,
    fields: () => ({ hash: "0".repeat(64), publishNow: "on" }),
    permission: "drafts:approve",
    expect: "404",
  },
  {
    method: "POST",
    path: () => `/console/alerts/${f.approved}/publish`,
    permission: "drafts:publish",
    expect: "404",
  },
  {
    method: "POST",
    path: () => `/console/alerts/${f.published}/cancel`,
    fields: () => ({ reason: "false_alarm", publishNow: "on" }),
    permission: "drafts:edit",
    expect: "403",
  },
  {
    method: "POST",
    path: () => `/console/alerts/${f.published}/updates`,
    fields: () => edit,
    permission: "drafts:edit",
    expect: "403",
  },
  {
    method: "POST",
    path: () => `/console/alerts/${f.published}`,
    fields: () => edit,
    permission: "drafts:edit",
    expect: "403",
  },
  { method: "GET", path: () => "/console/users", permission: "users:manage", expect: "list" },
  {
    method: "POST",
    path: () => `/console/users/${f.user}`,
    fields: () => ({ disabled: "true" }),
    permission: "users:manage",
    expect: "404",
  },
  {
    method: "POST",
    path: () => `/console/users/${f.user}/second-factor/reset`,
    permission: "users:manage",
    expect: "404",
  },
  {
    method: "POST",
    path: () => "/console/users",
    fields: () => ({
      name: "Intruder",
      email: `intruder.${randomUUID().slice(0, 8)}@hotline.test`,
      role: "admin",
      organisation: OURS,
      password: PASSWORD,
    }),
    permission: "users:manage",
    expect: "403",
  },
  { method: "GET", path: () => "/console/keys", permission: "users:manage", expect: "list" },
  { method: "POST", path: () => `/console/keys/${f.key}/revoke`, permission: "users:manage", expect: "404" },
  {
    method: "POST",
    path: () => "/console/keys",
    fields: () => ({ name: "intruder", role: "verifier", organisation: OURS }),
    permission: "users:manage",
    expect: "403",
  },
  { method: "GET", path: () => "/console/audit", permission: "audit:read", expect: "list" },
  { method: "GET", path: () => "/console/timeline", permission: "audit:read", expect: "list" },
  { method: "GET", path: () => "/console/responders", permission: "responders:manage", expect: "list" },
  {
    method: "POST",
    path: () => `/console/responders/${f.responder}`,
    fields: () => ({ onDuty: "false" }),
    permission: "responders:manage",
    expect: "404",
  },
  {
    method: "POST",
    path: () => `/console/responders/${f.spare1}/remove`,
    permission: "responders:manage",
    expect: "404",
  },
];

describe("the organisation matrix (console)", () => {
  it("another organisation's staff find nothing of ours, change nothing, and follow up only their own published alerts", async () => {
    const before = await snapshot();
    for (const [role, person] of theirs.people) {
      const browser = new ConsoleClient(app);
      const signedIn = await browser.signIn(person.email, PASSWORD);
      expect(signedIn.status).toBe(303);
      for (const c of CONSOLE) {
        await browser.get("/console");
        const res =
          c.method === "GET"
            ? await browser.get(
                c.path(),
                /\/(progress|events)$/.test(c.path()) ? { accept: "text/event-stream" } : {},
              )
            : await browser.post(c.path(), c.fields?.() ?? {});
        const page = await res.text();
        const label = `${c.method} ${c.path()} by their ${role}`;
        const allowed = c.permission === null || authorize({ role, kind: "user" } as Actor, c.permission).ok;
        if (!allowed) {
          expect(res.status, label).toBe(403);
          continue;
        }
        expect(res.status, `${label}: ${page.slice(0, 300)}`).toBe(
          c.expect === "list" ? 200 : Number(c.expect),
        );
        expect(page, label).not.toContain(CALLBACK.slice(2));
        if (c.expect === "403") expect(page, label).toContain(OURS);
        if (c.expect === "list" || c.expect === "404")
          for (const id of ourIds())
            expect(page, `${label} shows ${id} ${JSON.stringify(f)}`).not.toContain(id);
        if (c.expect === "list" && c.path() === "/console/alerts") expect(page).toContain(f.published);
      }
    }
    expect(await snapshot()).toEqual(before);
  }, 120_000);
});

// Last: our own calls change our objects (an approved alert gets published, a key revoked…).
describe("the owning organisation", () => {
  it("the same calls by our own staff are not 404s (the fixtures are real)", async () => {
    for (const [key, c] of [...MORE, ...Object.entries(MATRIX)]) {
      if (c.expect !== "404" || c.path().includes(f.theirSighting)) continue;
      for (const [who, request] of callers(ours, key)) {
        const answer = await send(request, key, c.path(), c.body?.());
        expect(answer.status, `${key} ${c.path()} by our ${who}: ${JSON.stringify(answer.body)}`).not.toBe(
          404,
        );
      }
    }
  });
});
