/**
 * Property-based fuzzing of the operator console's forms (fuzz-endpoints.test.ts covers the API and
 * the public routes; there the console is reached only at its login, without a valid token). Here
 * each request comes from a person signed in through the console's own login form, whose role may
 * use the route, and carries the session's CSRF token, so the fuzz gets past authentication, CSRF
 * and authorization to the form handling. The login form is fuzzed with a valid login token.
 *
 * Field names are the forms' own (so wrong values reach each field's check), mixed with noise;
 * values are unicode, huge, control characters, or plausible (a real ZIP, a valid enum) so that a
 * form can be wrong in one field only. For each answer:
 *
 * - never a 5xx;
 * - a refused request (4xx) is an HTML page that says what was wrong (the form again, with its
 *   errors, or the refusal) or, for the JSON preview, the error envelope;
 * - a refused request changed nothing: the whole-database fingerprint (test/support/fuzz.ts) and the
 *   row count of every table are the same before and after.
 */
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import type { Role } from "../../src/db/database.ts";
import { createApiKey } from "../../src/services/api-keys/manage-api-keys.ts";
import { createUser } from "../../src/services/users/create-user.ts";
import { ConsoleClient } from "../support/console.ts";
import { databaseFingerprint, type Fingerprint, nastyText, rowCounts } from "../support/fuzz.ts";
import { PASSWORD } from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

/** Runs per route; FUZZ_RUNS=200 npx vitest run test/integration/fuzz-console.test.ts for a longer hunt. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 10);

let runtime: TestRuntime;
let app: ReturnType<typeof createApp>;
let fingerprint: Fingerprint;
const people = new Map<Role, { client: ConsoleClient; email: string; id: string }>();
/** Ids of rows that exist, by kind, so fuzzed forms also reach real objects. */
const seeded = {
  sighting: [] as string[],
  alert: [] as string[],
  user: [] as string[],
  key: [] as string[],
  responder: [] as string[],
};

async function person(role: Role) {
  const email = `${role}.fuzz.${randomBytes(4).toString("hex")}@hotline.test`;
  const user = await createUser({
    ctx: runtime,
    input: {
      email,
      name: `Fuzz ${role}`,
      role,
      organisation: role === "comms" ? "City of Oakland" : "Rapid Response Hotline",
      password: PASSWORD,
      actor: "system",
    },
  });
  const client = new ConsoleClient(app);
  const res = await client.signIn(email, PASSWORD);
  expect(res.status, `${role} signs in`).toBe(303);
  await client.get("/console");
  expect(client.csrf).toMatch(/^[A-Za-z0-9_-]+$/);
  return { client, email, id: user.id };
}

beforeAll(async () => {
  runtime = await createTestRuntime({ env: { LOG_LEVEL: "warn", CLIENT_IP_HEADER: "X-Forwarded-For" } });
  app = createApp(runtime);
  for (const role of ["operator", "verifier", "comms", "admin"] as const)
    people.set(role, await person(role));
  const operator = people.get("operator")!.client;
  const verifier = people.get("verifier")!.client;
  // A reported sighting, a verified one with a draft alert, a statement draft, a spare account and key.
  const sighting = async () => {
    await operator.get("/console/sightings/new");
    const res = await operator.post("/console/sightings", {
      zip: "94607",
      place: "Fruitvale BART",
      observedAt: "2026-01-02T10:00",
      agency: "ice",
      activity: "sweep",
      source: "hotline_call",
    });
    expect(res.status, operator.lastPage.slice(0, 500)).toBe(303);
    return res.headers.get("location")!.split("/").at(-1)!;
  };
  const reported = await sighting();
  const verified = await sighting();
  await verifier.get(`/console/sightings/${verified}`);
  const confirmed = await verifier.post(`/console/sightings/${verified}/verifications`, {
    method: "responder_on_scene",
  });
  expect(confirmed.status).toBe(303);
  const resolved = await verifier.post(`/console/sightings/${verified}/resolve`, {
    status: "verified",
    method: "responder_on_scene",
  });
  expect(resolved.status).toBe(303);
  await operator.get(`/console/sightings/${verified}`);
  const drafted = await operator.post(`/console/sightings/${verified}/alert`, {});
  expect(drafted.status, operator.lastPage.slice(0, 500)).toBe(303);
  const alert = drafted.headers.get("location")!.split("/").at(-1)!;
  const spare = await createUser({
    ctx: runtime,
    input: {
      email: `spare.${randomBytes(4).toString("hex")}@hotline.test`,
      name: "Spare",
      role: "operator",
      organisation: "Rapid Response Hotline",
      password: PASSWORD,
      actor: "system",
    },
  });
  const key = await createApiKey({
    ctx: runtime,
    input: {
      name: "Fuzz key",
      role: "operator",
      organisation: "Rapid Response Hotline",
      createdBy: people.get("admin")!.id,
      actor: `user:${people.get("admin")!.id}`,
    },
  });
  seeded.sighting.push(reported, verified);
  seeded.alert.push(alert);
  seeded.user.push(spare.id);
  seeded.key.push(key.apiKey.id);
  const admin = people.get("admin")!.client;
  await admin.get("/console/responders");
  const invited = await admin.post("/console/responders", {
    name: "Fuzz responder",
    phone: "+15105550198",
    languages: "en",
    zips: "94607",
  });
  expect(invited.status, admin.lastPage.slice(0, 500)).toBe(303);
  const responder = await runtime.db.selectFrom("responders").select("id").executeTakeFirstOrThrow();
  seeded.responder.push(responder.id);
  fingerprint = await databaseFingerprint(runtime.db);
}, 120_000);
afterAll(() => runtime.close());

// --- What the fuzz is made of ---------------------------------------------------------------------

const LANGS = ["en", "es", "zh", "vi"];
/** Every field name the console's forms use. */
const FIELDS = [
  "phone",
  "code",
  "zip",
  "zips",
  "place",
  "crossStreets",
  "observedAt",
  "agency",
  "activity",
  "vehicles",
  "agents",
  "description",
  "source",
  "reporterCallback",
  "method",
  "notes",
  "status",
  "duplicateIds",
  ...LANGS.flatMap((l) => [`texts.${l}.headline`, `texts.${l}.body`, `texts.${l}.smsText`]),
  "cityWide",
  "channels",
  "priority",
  "expiresAt",
  "drill",
  "link",
  "hash",
  "publishNow",
  "reason",
  "email",
  "name",
  "role",
  "organisation",
  "password",
  "disabled",
];

/** Values that pass a field's own check, so that a form can be wrong in one field only. */
const PLAUSIBLE: Record<string, fc.Arbitrary<string>> = {
  zip: fc.constantFrom("94607", "94601", "00000", "9460"),
  zips: fc.constantFrom("94607", "94607 94601", "94607,94612", "99999"),
  observedAt: fc.constantFrom("2026-01-02T10:00", "2026-13-40T25:61", "2999-01-01T00:00", "0000-01-01T00:00"),
  expiresAt: fc.constantFrom("2026-01-02T10:00", "2999-01-01T00:00", "2026-02-30T10:00"),
  agency: fc.constantFrom("ice", "cbp", "unknown", "other"),
  activity: fc.constantFrom("sweep", "targeted_arrest", "checkpoint"),
  source: fc.constantFrom("hotline_call", "text", "responder"),
  method: fc.constantFrom("responder_on_scene", "photo", "independent_reports"),
  status: fc.constantFrom("verified", "unconfirmed", "false_alarm", "dispatched"),
  vehicles: fc.constantFrom("0", "3", "-1", "1e309", "NaN", "2147483648", "1.5"),
  agents: fc.constantFrom("0", "3", "-1", "99999999999"),
  reporterCallback: fc.constantFrom("(510) 555-0177", "+44 20 7946 0958", "12"),
  channels: fc.constantFrom("sms", "email", "push", "fax"),
  priority: fc.constantFrom("alert", "advisory", "community", "urgent"),
  cityWide: fc.constant("on"),
  drill: fc.constant("on"),
  publishNow: fc.constant("on"),
  reason: fc.constantFrom("false_alarm", "all_clear"),
  link: fc.constantFrom("https://oakland.example/statement", "javascript:alert(1)", "http://"),
  role: fc.constantFrom("operator", "verifier", "comms", "admin", "root"),
  organisation: fc.constantFrom("Rapid Response Hotline", "City of Oakland"),
  email: fc.constantFrom("new.person@hotline.test", "not-an-email", "UPPER@Hotline.test"),
  password: fc.constantFrom(PASSWORD, "short"),
  disabled: fc.constantFrom("true", "false"),
  duplicateIds: fc.constantFrom("00000000-0000-0000-0000-000000000000", "nope"),
};

const value = (field: string) =>
  Object.hasOwn(PLAUSIBLE, field)
    ? fc.oneof({ arbitrary: PLAUSIBLE[field]!, weight: 2 }, { arbitrary: nastyText, weight: 1 })
    : nastyText;

/** A form: some of the console's fields (a field may repeat), some noise. */
const formFields: fc.Arbitrary<[string, string][]> = fc
  .array(
    fc.oneof({ arbitrary: fc.constantFrom(...FIELDS), weight: 6 }, { arbitrary: nastyText, weight: 1 }),
    {
      maxLength: 8,
    },
  )
  .chain((names) =>
    names.length === 0
      ? fc.constant([])
      : fc.tuple(...names.map((name) => value(name).map((v) => [name, v] as [string, string]))),
  );

type Body = { type: string; text: string };

/** Mostly well-formed forms with the CSRF token; sometimes JSON, garbage, or broken multipart. */
function bodies(csrf: string): fc.Arbitrary<Body> {
  const form = (fields: [string, string][]) => {
    const params = new URLSearchParams([["_csrf", csrf], ...fields]);
    return { type: "application/x-www-form-urlencoded", text: params.toString() };
  };
  return fc.oneof(
    { arbitrary: formFields.map(form), weight: 8 },
    {
      arbitrary: nastyText.map((text) => ({
        type: "application/x-www-form-urlencoded",
        text: `_csrf=${encodeURIComponent(csrf)}&${text}`,
      })),
      weight: 1,
    },
    {
      arbitrary: formFields.map((fields) => {
        const boundary = "fuzzboundary";
        const parts = [["_csrf", csrf], ...fields].map(
          ([name, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${v}\r\n`,
        );
        return {
          type: `multipart/form-data; boundary=${boundary}`,
          text: `${parts.join("")}--${boundary}--\r\n`,
        };
      }),
      weight: 1,
    },
    {
      arbitrary: nastyText.map((text) => ({ type: "multipart/form-data; boundary=x", text })),
      weight: 1,
    },
  );
}

const idFor = (kind: keyof typeof seeded) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...seeded[kind]), weight: 3 },
    { arbitrary: fc.uuid(), weight: 1 },
    { arbitrary: nastyText, weight: 1 },
    { arbitrary: fc.constantFrom("1", "-1", "%", "..", "00000000-0000-0000-0000-00000000000g"), weight: 1 },
  );

// --- The property --------------------------------------------------------------------------------

async function check(label: string, request: () => Request): Promise<void> {
  const [before, countsBefore] = [await fingerprint(), await rowCounts(runtime.db)];
  const res = await app.fetch(request());
  const text = await res.text();
  expect(res.status, `${label} → ${res.status} ${text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status < 400) return;
  const type = res.headers.get("content-type") ?? "";
  if (type.includes("application/json")) {
    const body = JSON.parse(text) as { error?: unknown };
    expect(body.error, `${label}: ${text.slice(0, 300)}`).toMatchObject({
      code: expect.any(String),
      message: expect.any(String),
      requestId: expect.any(String),
    });
  } else {
    expect(type, label).toContain("text/html");
    // The form again with its errors, a page that says why it was refused, or that the id names nothing.
    expect(text, `${label} → ${res.status}: no error shown`).toMatch(
      res.status === 404 ? /role="alert"|<h1>No such|<h1>Not found/ : /role="alert"|class="error"/,
    );
  }
  expect(await rowCounts(runtime.db), `${label} → ${res.status} wrote rows`).toEqual(countsBefore);
  expect(await fingerprint(), `${label} → ${res.status} wrote something`).toBe(before);
}

function post(role: Role, path: string, body: Body, headers: Record<string, string> = {}): Request {
  const { client } = people.get(role)!;
  return new Request(`https://aviso.test${path}`, {
    method: "POST",
    headers: { cookie: client.cookieHeader, "content-type": body.type, ...headers },
    body: body.text,
  });
}

/** Each console form, who may use it, and which kind of object its `:id` names. */
const FORMS: { path: string; role: Role; id?: keyof typeof seeded }[] = [
  { path: "/console/sightings", role: "operator" },
  { path: "/console/sightings/:id/dispatch", role: "operator", id: "sighting" },
  { path: "/console/sightings/:id/verifications", role: "verifier", id: "sighting" },
  { path: "/console/sightings/:id/resolve", role: "verifier", id: "sighting" },
  { path: "/console/sightings/:id/merge", role: "operator", id: "sighting" },
  { path: "/console/sightings/:id/callback", role: "operator", id: "sighting" },
  { path: "/console/sightings/:id/alert", role: "operator", id: "sighting" },
  { path: "/console/alerts", role: "operator" },
  { path: "/console/statements", role: "comms" },
  { path: "/console/alerts/:id", role: "operator", id: "alert" },
  { path: "/console/alerts/:id/approve", role: "verifier", id: "alert" },
  { path: "/console/alerts/:id/publish", role: "verifier", id: "alert" },
  { path: "/console/alerts/:id/cancel", role: "verifier", id: "alert" },
  { path: "/console/alerts/:id/updates", role: "operator", id: "alert" },
  { path: "/console/users", role: "admin" },
  { path: "/console/users/:id", role: "admin", id: "user" },
  { path: "/console/keys", role: "admin" },
  { path: "/console/keys/:id/revoke", role: "admin", id: "key" },
  { path: "/console/responders", role: "operator" },
  { path: "/console/responders/:id", role: "operator", id: "responder" },
  { path: "/console/responders/:id/remove", role: "admin", id: "responder" },
  { path: "/console/users/:id/second-factor/reset", role: "admin", id: "user" },
  { path: "/console/account/second-factor/start", role: "operator" },
  { path: "/console/account/second-factor/confirm", role: "operator" },
  { path: "/console/account/second-factor/recovery-codes", role: "operator" },
  { path: "/console/account/paging/push", role: "verifier" },
  { path: "/console/account/paging/push/remove", role: "verifier" },
  { path: "/console/account/paging/phone", role: "verifier" },
  { path: "/console/account/paging/phone/verify", role: "verifier" },
  { path: "/console/account/paging/phone/remove", role: "verifier" },
];

describe("the console's forms, signed in with a valid CSRF token", () => {
  it("cover every POST route of the console but the login (fuzzed below) and sign-out", () => {
    const routes = new Set(
      createApp(runtime)
        .routes.filter((r) => r.method === "POST" && r.path.startsWith("/console/"))
        .map((r) => r.path),
    );
    // The login's second step is a login too: its wrong codes are specified in
    // console-second-factor.test.ts and counted like wrong passwords (login-guessing.test.ts).
    for (const skip of ["/console/login", "/console/login/code", "/console/logout", "/console/preview-sms"])
      routes.delete(skip);
    expect([...routes].sort()).toEqual(FORMS.map((f) => f.path).sort());
  });

  for (const form of FORMS) {
    it(`POST ${form.path} re-renders bad input with its errors (4xx), never 5xx, and writes nothing`, async () => {
      const csrf = people.get(form.role)!.client.csrf;
      await fc.assert(
        fc.asyncProperty(form.id ? idFor(form.id) : fc.constant(""), bodies(csrf), async (id, body) => {
          const path = form.path.replace(":id", encodeURIComponent(id));
          await check(`POST ${form.path} (${id.slice(0, 40)})`, () => post(form.role, path, body));
        }),
        { numRuns: RUNS },
      );
    }, 120_000);
  }

  it("GET /console/alerts answers any history filter with the page (200) or its errors (400), writing nothing", async () => {
    const value = (...good: string[]) => fc.oneof(fc.constantFrom(...good), nastyText);
    const query = fc.record(
      {
        state: value("past", "live", "cancelled", "expired", "updated", "any"),
        kind: value("", "sighting", "statement", "update", "cancel"),
        days: value("7", "30", "90", "365", "all"),
        zip: value("", "94607", "9460", "946071"),
        page: value("1", "2", "0", "-1", "1.5", "1001", "99999999999999999999"),
      },
      { requiredKeys: [] },
    );
    const { client } = people.get("operator")!;
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const path = `/console/alerts?${new URLSearchParams(q).toString()}`;
        await check(
          `GET ${path.slice(0, 80)}`,
          () => new Request(`https://aviso.test${path}`, { headers: { cookie: client.cookieHeader } }),
        );
      }),
      { numRuns: RUNS * 3 },
    );
  }, 120_000);

  it("POST /console/preview-sms answers bad JSON in the error envelope", async () => {
    const { client } = people.get("operator")!;
    const previewBody = fc.oneof(
      fc
        .record(
          {
            language: fc.oneof(fc.constantFrom(...LANGS), nastyText),
            smsText: nastyText,
            kind: fc.oneof(fc.constantFrom("sighting", "statement", "update", "cancel"), nastyText),
            priority: fc.oneof(fc.constantFrom("alert", "advisory"), nastyText),
            drill: fc.oneof(fc.boolean(), nastyText),
            cancelReason: fc.oneof(fc.constantFrom("all_clear", "false_alarm"), nastyText),
            alertId: fc.oneof(fc.uuid(), nastyText),
          },
          { requiredKeys: [] },
        )
        .map((v) => JSON.stringify(v)),
      nastyText,
    );
    await fc.assert(
      fc.asyncProperty(previewBody, async (text) => {
        await check("POST /console/preview-sms", () =>
          post(
            "operator",
            "/console/preview-sms",
            { type: "application/json", text },
            { "x-csrf-token": client.csrf },
          ),
        );
      }),
      { numRuns: RUNS * 2 },
    );
  }, 120_000);

  it("the sighting and alert pages answer any id with a page, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("sightings", "alerts"), idFor("sighting"), async (kind, id) => {
        const { client } = people.get("operator")!;
        const res = await app.request(`/console/${kind}/${encodeURIComponent(id)}`, {
          headers: { cookie: client.cookieHeader },
        });
        expect(res.status, `GET /console/${kind}/${id.slice(0, 40)}`).toBeLessThan(500);
        await res.text();
      }),
      { numRuns: RUNS * 2 },
    );
  }, 120_000);
});

describe("the console's login, with a valid login token", () => {
  it("answers bad credentials with the form again (4xx), never 5xx, and writes nothing but its audit", async () => {
    const login = new ConsoleClient(app);
    await login.get("/console/login");
    const token = login.csrf;
    const known = people.get("verifier")!.email;
    const fields = fc.array(
      fc.tuple(
        fc.oneof(
          { arbitrary: fc.constantFrom("email", "password"), weight: 4 },
          { arbitrary: nastyText, weight: 1 },
        ),
        fc.oneof(
          {
            arbitrary: fc.constantFrom(known, known.toUpperCase(), ` ${known} `, "wrong password"),
            weight: 1,
          },
          { arbitrary: nastyText, weight: 3 },
        ),
      ),
      { maxLength: 4 },
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fields, async (pairs) => {
        n += 1;
        // A fresh address each time, so the fuzz reaches the password check rather than the IP lock.
        const ip = `198.51.100.${n % 250}`;
        await check(
          "POST /console/login",
          () =>
            new Request("https://aviso.test/console/login", {
              method: "POST",
              headers: {
                cookie: login.cookieHeader,
                "content-type": "application/x-www-form-urlencoded",
                "x-forwarded-for": ip,
              },
              body: new URLSearchParams([["_csrf", token], ...pairs]).toString(),
            }),
        );
      }),
      // Found on PGlite: an email holding a NUL byte reached Postgres, which cannot store one (500).
      {
        numRuns: RUNS * 2,
        examples: [
          [
            [
              ["email", "\u0000"],
              ["password", " "],
            ],
          ],
        ],
      },
    );
  }, 120_000);
});

/** What this fuzz found, pinned down. */
describe("regressions found by fuzzing the console", () => {
  it("a path id that is not a UUID is a 404 page, not a 500 from Postgres", async () => {
    for (const [role, path] of [
      ["verifier", "/console/alerts/1/approve"],
      ["operator", "/console/sightings/%20%20/dispatch"],
      ["admin", "/console/users/%20"],
      ["admin", "/console/keys/x/revoke"],
    ] as const) {
      const before = await fingerprint();
      const { client } = people.get(role)!;
      const res = await app.fetch(
        post(role, path, { type: "application/x-www-form-urlencoded", text: `_csrf=${client.csrf}&hash=x` }),
      );
      expect(res.status, path).toBe(404);
      expect(await res.text()).toContain('role="alert"');
      expect(await fingerprint()).toBe(before);
    }
    // The pages that create things are not ids.
    const operator = people.get("operator")!.client;
    expect((await operator.get("/console/sightings/new")).status).toBe(200);
    expect((await operator.get("/console/alerts/new")).status).toBe(200);
  });

  it("merging a made-up sighting id re-renders the form (400) instead of failing in Postgres", async () => {
    const operator = people.get("operator")!.client;
    await operator.get(`/console/sightings/${seeded.sighting[0]}`);
    const before = await fingerprint();
    const res = await operator.post(`/console/sightings/${seeded.sighting[0]}/merge`, {
      duplicateIds: "nope",
    });
    expect(res.status).toBe(400);
    expect(operator.lastPage).toContain("Choose the reports to merge from the list");
    expect(await fingerprint()).toBe(before);
  });

  it("the live SMS preview refuses bad JSON in the error envelope, with the request id", async () => {
    const { client } = people.get("operator")!;
    const res = await app.fetch(
      post(
        "operator",
        "/console/preview-sms",
        { type: "application/json", text: "{}" },
        { "x-csrf-token": client.csrf },
      ),
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.requestId).toBe(res.headers.get("x-request-id"));
  });
});
