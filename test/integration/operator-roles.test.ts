/**
 * The role matrix: every operator API endpoint, called by every role, by API keys, and by nobody.
 * The table below is the specification; the test checks that it lists every route and that the
 * server answers accordingly (denied → 403, nobody → 401, allowed → anything else: a 400 for the
 * empty body, a 404 for the made-up id — the point is that it got past the gate). The same
 * endpoints called by another organisation's staff are in operator-organisations.test.ts.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PERMISSIONS, ROLES } from "../../src/auth/permissions.ts";
import type { Role } from "../../src/db/database.ts";
import { API_ROUTES } from "../../src/routes/api/index.ts";
import { CreatedKey } from "../../src/schemas/accounts.ts";
import { apiClient, appFor, type Caller, ok, signIn } from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

// o operator, v verifier, c comms, a admin; K: API keys of those roles may call it too.
const MATRIX: Record<string, string> = {
  "POST /auth/logout": "o v c a",
  "GET /me": "o v c a K",
  "POST /me/password": "o v c a",
  "GET /me/second-factor": "o v c a",
  "POST /me/second-factor/totp": "o v c a",
  "POST /me/second-factor/totp/confirm": "o v c a",
  "POST /me/second-factor/recovery-codes": "o v c a",
  "GET /users": "a",
  "POST /users": "a",
  "GET /users/:id": "a",
  "PATCH /users/:id": "a",
  "DELETE /users/:id/second-factor": "a",
  "GET /keys": "a",
  "POST /keys": "a",
  "DELETE /keys/:id": "a",
  "GET /sightings": "o v K",
  "POST /sightings": "o v K",
  "GET /sightings/:id": "o v K",
  "PATCH /sightings/:id": "o v K",
  "POST /sightings/:id/dispatch": "o v K",
  "POST /sightings/:id/verifications": "o v K",
  "POST /sightings/:id/resolve": "v K",
  "GET /sightings/:id/duplicates": "o v K",
  "POST /sightings/:id/merge": "o v K",
  "GET /sightings/:id/callback": "o v",
  "GET /sightings/:id/responders": "o v K",
  "GET /sightings/:id/events": "o v K",
  "GET /responders": "o a K",
  "POST /responders": "o a K",
  "GET /responders/:id": "o a K",
  "PATCH /responders/:id": "o a K",
  "DELETE /responders/:id": "o a K",
  "GET /alerts": "o v c a K",
  "POST /alerts": "o v K",
  "POST /statements": "c K",
  "GET /alerts/:id": "o v c a K",
  "PATCH /alerts/:id": "o v c K",
  "GET /alerts/:id/preview": "o v c a K",
  "GET /alerts/:id/timeline": "o v c a K",
  "POST /alerts/:id/approve": "v c",
  "POST /alerts/:id/publish": "o v c",
  "POST /alerts/:id/updates": "o v c K",
  "POST /alerts/:id/cancel": "o v c K",
  "GET /audit": "a",
};
const LETTER: Record<Role, string> = { operator: "o", verifier: "v", comms: "c", admin: "a" };
const allowed = (key: string, role: Role, viaKey: boolean) => {
  const spec = MATRIX[key]!.split(" ");
  return spec.includes(LETTER[role]) && (!viaKey || spec.includes("K"));
};
const protectedRoutes = API_ROUTES.filter((r) => r.permission !== "public");
const keyOf = (r: (typeof API_ROUTES)[number]) => `${r.method.toUpperCase()} ${r.path}`;

let runtime: TestRuntime;
let app: ReturnType<typeof appFor>;
const people = new Map<Role, Caller>();
const keys = new Map<Role, ReturnType<typeof apiClient>>();

beforeAll(async () => {
  runtime = await createTestRuntime();
  app = appFor(runtime);
  for (const role of ROLES) people.set(role, await signIn(runtime, app, role));
  for (const role of ["operator", "verifier", "comms"] as const) {
    const created = await ok(
      people.get("admin")!.request("POST", "keys", { name: `${role} key`, role }),
      CreatedKey,
      201,
    );
    keys.set(role, apiClient(app, { apiKey: created.key }));
  }
}, 60_000);
afterAll(() => runtime.close());

function call(request: ReturnType<typeof apiClient>, route: (typeof API_ROUTES)[number]) {
  const path = `/api/v1${route.path.replace(":id", randomUUID())}`;
  return request(route.method.toUpperCase(), path, route.body ? {} : undefined);
}

describe("the role matrix", () => {
  it("lists every protected endpoint, and agrees with the permission table", () => {
    expect(Object.keys(MATRIX).sort()).toEqual(protectedRoutes.map(keyOf).sort());
    for (const route of protectedRoutes) {
      if (route.permission === "public") continue;
      const rule = PERMISSIONS[route.permission];
      for (const role of ROLES)
        expect(allowed(keyOf(route), role, false), `${keyOf(route)} ${role}`).toBe(
          (rule.roles as readonly Role[]).includes(role),
        );
      const personOnly = "personOnly" in rule && rule.personOnly;
      expect(MATRIX[keyOf(route)]!.includes("K"), `${keyOf(route)} keys`).toBe(
        !personOnly && !(rule.roles as readonly Role[]).every((r) => r === "admin"),
      );
    }
  });

  // Sign-out last: it ends the session the other calls use.
  const ordered = [...protectedRoutes].sort(
    (a, b) => Number(a.path === "/auth/logout") - Number(b.path === "/auth/logout"),
  );

  it.each(ordered.map((r) => [keyOf(r), r] as const))("%s", async (_, route) => {
    expect((await call(apiClient(app), route)).status).toBe(401);
    for (const role of ROLES) {
      const answer = await call(people.get(role)!.request, route);
      if (allowed(keyOf(route), role, false))
        expect([401, 403], `${role}: ${JSON.stringify(answer.body)}`).not.toContain(answer.status);
      else expect(answer.status, `${role} should be denied`).toBe(403);
    }
    for (const [role, key] of keys) {
      const answer = await call(key, route);
      if (allowed(keyOf(route), role, true))
        expect([401, 403], `${role} key: ${JSON.stringify(answer.body)}`).not.toContain(answer.status);
      else expect(answer.status, `${role} key should be denied`).toBe(403);
    }
  });
});
