/**
 * Property-based fuzzing of every endpoint a stranger or an operator can reach: the operator API's
 * route table (each route called by someone whose role holds its permission, so the fuzz gets past
 * authorization to validation) and every public route of the app (read from its route table, with
 * the console's login; the signed-in console's forms are fuzzed in fuzz-console.test.ts). Path
 * parameters, query strings and bodies are unicode, huge, deeply nested, of the wrong type, or not
 * JSON at all. For each answer:
 *
 * - never a 5xx;
 * - a JSON answer of 4xx is the error envelope `{ error: { code, message, requestId } }`;
 * - a refused request (4xx) changed nothing: a fingerprint of every table (bar the counters and the
 *   record of failed sign-ins, which exist to count refusals) and of the job queue is the same
 *   (test/support/fuzz.ts).
 */
import fc from "fast-check";
import twilio from "twilio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createApp } from "../../src/app.ts";
import { PERMISSIONS } from "../../src/auth/permissions.ts";
import type { Role } from "../../src/db/database.ts";
import type { ApiRoute } from "../../src/http/api-route.ts";
import { webhookAuthToken } from "../../src/http/twilio-webhook.ts";
import { API_ROUTES } from "../../src/routes/api/index.ts";
import { databaseFingerprint, type Fingerprint, jsonValue, nastyText, nested } from "../support/fuzz.ts";
import { type Caller, signIn } from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

/** Runs per route; FUZZ_RUNS=300 npx vitest run test/integration/fuzz-endpoints.test.ts for a longer hunt. */
const RUNS_WRITE = Number(process.env.FUZZ_RUNS ?? 40);
const RUNS_READ = Math.ceil(RUNS_WRITE / 3);

let runtime: TestRuntime;
let app: ReturnType<typeof createApp>;
const callers = new Map<Role, Caller>();
let fingerprint: Fingerprint;

beforeAll(async () => {
  runtime = await createTestRuntime({ env: { LOG_LEVEL: "warn" } });
  app = createApp(runtime);
  for (const role of ["operator", "verifier", "comms", "admin"] as const) {
    callers.set(role, await signIn(runtime, app, role));
  }
  // Something for the routes with ids to find: a sighting, a draft alert, a user.
  const operator = callers.get("operator")!;
  const sighting = await operator.request("POST", "sightings", {
    zip: "94607",
    place: "Fruitvale BART",
    observedAt: new Date().toISOString(),
    agency: "ice",
    activity: "sweep",
    source: "hotline_call",
  });
  const texts = {
    en: {
      headline: "Checkpoint",
      body: "A checkpoint on International Blvd.",
      smsText: "Checkpoint on Intl Blvd",
    },
  };
  const draft = await operator.request("POST", "alerts", {
    texts,
    target: { zips: ["94601"] },
    priority: "advisory",
  });
  expect([sighting.status, draft.status], JSON.stringify(draft.body)).toEqual([201, 201]);
  seededIds.push(
    (sighting.body as { sighting: { id: string } }).sighting.id,
    (draft.body as { id: string }).id,
    operator.id,
  );
  fingerprint = await databaseFingerprint(runtime.db);
}, 120_000);
afterAll(() => runtime.close());

// --- What the fuzz is made of ---------------------------------------------------------------------

/** Property names a route's body schema knows (so wrong types reach the validator), plus noise. */
function knownKeys(schema: z.ZodType | undefined): string[] {
  if (!schema) return [];
  const keys = new Set<string>();
  const walk = (node: unknown) => {
    if (!node || typeof node !== "object") return;
    const record = node as Record<string, unknown>;
    if (record.properties && typeof record.properties === "object") {
      for (const [key, value] of Object.entries(record.properties)) {
        keys.add(key);
        walk(value);
      }
    }
    for (const branch of ["anyOf", "oneOf", "allOf"]) {
      if (Array.isArray(record[branch])) for (const item of record[branch]) walk(item);
    }
  };
  try {
    walk(z.toJSONSchema(schema, { unrepresentable: "any", io: "input" }));
  } catch {
    // A schema zod cannot describe: the fuzz still sends random objects.
  }
  return [...keys];
}

type Body = { type: string; text: string };

function jsonBodies(keys: string[]): fc.Arbitrary<Body> {
  const asJson = (value: unknown) => ({ type: "application/json", text: JSON.stringify(value) ?? "null" });
  const shaped =
    keys.length > 0
      ? fc.dictionary(fc.constantFrom(...keys), jsonValue, { maxKeys: keys.length }).map(asJson)
      : jsonValue.map(asJson);
  return fc.oneof(
    { arbitrary: shaped, weight: 5 },
    { arbitrary: jsonValue.map(asJson), weight: 2 },
    { arbitrary: nested.map((text) => ({ type: "application/json", text })), weight: 1 },
    { arbitrary: nastyText.map((text) => ({ type: "application/json", text })), weight: 1 },
    { arbitrary: nastyText.map((text) => ({ type: "text/plain", text })), weight: 1 },
    {
      arbitrary: fc.constant({ type: "application/json", text: JSON.stringify({ x: "y".repeat(70_000) }) }),
      weight: 1,
    },
  );
}

const FORM_FIELDS = [
  "zips",
  "email",
  "language",
  "token",
  "website",
  "password",
  "number",
  "text",
  "_csrf",
  "lang",
];

const formBodies: fc.Arbitrary<Body> = fc.oneof(
  {
    arbitrary: fc
      .dictionary(fc.oneof(fc.constantFrom(...FORM_FIELDS), nastyText), nastyText, { maxKeys: 6 })
      .map((fields) => ({
        type: "application/x-www-form-urlencoded",
        text: new URLSearchParams(Object.entries(fields)).toString(),
      })),
    weight: 5,
  },
  {
    arbitrary: jsonValue.map((v) => ({ type: "application/json", text: JSON.stringify(v) ?? "" })),
    weight: 1,
  },
  { arbitrary: nastyText.map((text) => ({ type: "multipart/form-data; boundary=x", text })), weight: 1 },
  { arbitrary: nastyText.map((text) => ({ type: "application/x-www-form-urlencoded", text })), weight: 1 },
);

const QUERY_KEYS = [
  "zip",
  "lang",
  "limit",
  "status",
  "before",
  "after",
  "token",
  "cursor",
  "kind",
  "since",
  "number",
];
const query = fc.dictionary(fc.oneof(fc.constantFrom(...QUERY_KEYS), nastyText), nastyText, { maxKeys: 4 });
/** Ids of rows that exist (filled in beforeAll), so fuzzed bodies also reach real objects. */
const seededIds: string[] = [];
const pathParam = () =>
  fc.oneof(
    nastyText,
    fc.uuid(),
    fc.constantFrom("1", "-1", "0x10", "%", "a/b", "..", "."),
    fc.constantFrom(...seededIds),
  );

function pathWith(pattern: string, params: string[]): string {
  let i = 0;
  return pattern.replace(/:[A-Za-z0-9_]+(\{[^}]*\})?/g, () => encodeURIComponent(params[i++] ?? "x"));
}

function withQuery(path: string, q: Record<string, string>): string {
  const search = new URLSearchParams(Object.entries(q)).toString();
  return search ? `${path}?${search}` : path;
}

// --- The property --------------------------------------------------------------------------------

async function check(label: string, request: () => Request | Promise<Request>): Promise<void> {
  const before = await fingerprint();
  const req = await request();
  const res = await app.fetch(req);
  // A live view that opened (a seeded sighting's id) streams for minutes: it answered, that is all.
  if ((res.headers.get("content-type") ?? "").includes("text/event-stream")) {
    await res.body?.cancel();
    expect(res.status, label).toBe(200);
    return;
  }
  const text = await res.text();
  expect(res.status, `${label} → ${res.status} ${text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status < 400) return;
  if ((res.headers.get("content-type") ?? "").includes("application/json")) {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; requestId?: unknown } };
    expect(body.error, `${label}: ${text.slice(0, 300)}`).toMatchObject({
      code: expect.any(String),
      message: expect.any(String),
      requestId: expect.any(String),
    });
  }
  expect(await fingerprint(), `${label} → ${res.status} wrote something`).toBe(before);
}

function callerFor(route: ApiRoute): Caller | undefined {
  if (route.permission === "public") return undefined;
  const rule = PERMISSIONS[route.permission];
  return callers.get(rule.roles[0]!)!;
}

function apiRequest(
  route: ApiRoute,
  params: string[],
  q: Record<string, string>,
  body: Body | null,
): Request {
  const caller = callerFor(route);
  const headers: Record<string, string> = {};
  if (caller?.cookie) headers.cookie = caller.cookie;
  if (body) headers["content-type"] = body.type;
  return new Request(`https://aviso.test${withQuery(pathWith(`/api/v1${route.path}`, params), q)}`, {
    method: route.method.toUpperCase(),
    headers,
    body: body && route.method !== "get" ? body.text : undefined,
  });
}

describe("the operator API, route by route", () => {
  for (const route of API_ROUTES) {
    const label = `${route.method.toUpperCase()} /api/v1${route.path}`;
    const writes = route.method !== "get";
    it(`${label} answers bad input with 4xx in the envelope, and writes nothing`, async () => {
      const keys = knownKeys(route.body);
      await fc.assert(
        fc.asyncProperty(
          fc.array(pathParam(), { minLength: 3, maxLength: 3 }),
          query,
          writes ? jsonBodies(keys) : fc.constant(null),
          async (params, q, body) => check(label, () => apiRequest(route, params, q, body)),
        ),
        { numRuns: writes ? RUNS_WRITE : RUNS_READ },
      );
    }, 120_000);
  }
});

describe("the public routes", () => {
  const publicRoutes = () => {
    const seen = new Set<string>();
    return createApp(runtime)
      .routes.filter((r) => r.method !== "ALL")
      .filter(
        (r) =>
          !r.path.startsWith("/api/v1/") && (!r.path.startsWith("/console") || r.path === "/console/login"),
      )
      .filter((r) => {
        const key = `${r.method} ${r.path}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
  };

  it("are all covered: pages, forms, feeds, links from mails, webhooks", () => {
    const keys = publicRoutes().map((r) => `${r.method} ${r.path}`);
    for (const expected of [
      "GET /",
      "POST /subscribe",
      "GET /alerts/:id",
      "POST /email/confirm",
      "POST /unsubscribe/:token",
      "POST /webhooks/twilio/sms",
      "POST /webhooks/twilio/voice",
      "POST /webhooks/twilio/status",
      "POST /console/login",
    ]) {
      expect(keys).toContain(expected);
    }
  });

  it("answer anything with a 4xx at worst, and refused requests write nothing", async () => {
    for (const route of publicRoutes()) {
      const label = `${route.method} ${route.path}`;
      const signedWebhook = route.path.startsWith("/webhooks/twilio/");
      await fc.assert(
        fc.asyncProperty(
          fc.array(pathParam(), { minLength: 2, maxLength: 2 }),
          query,
          route.method === "GET" ? fc.constant(null) : formBodies,
          fc.dictionary(
            fc.constantFrom(...FORM_FIELDS, "From", "Body", "MessageSid", "MessageStatus"),
            nastyText,
            {
              maxKeys: 5,
            },
          ),
          fc.boolean(),
          async (params, q, body, fields, sign) =>
            check(label, () => {
              const path = withQuery(pathWith(route.path, params), q);
              if (signedWebhook && sign) {
                // Twilio's own signature over fuzzed parameters: past the signature check.
                const url = runtime.config.publicUrl + path;
                const signature = twilio.getExpectedTwilioSignature(webhookAuthToken(runtime), url, fields);
                return new Request(`https://aviso.test${path}`, {
                  method: "POST",
                  headers: {
                    "content-type": "application/x-www-form-urlencoded",
                    "x-twilio-signature": signature,
                  },
                  body: new URLSearchParams(fields).toString(),
                });
              }
              return new Request(`https://aviso.test${path}`, {
                method: route.method,
                headers: body ? { "content-type": body.type } : {},
                body: body ? body.text : undefined,
              });
            }),
        ),
        { numRuns: route.method === "GET" ? RUNS_READ : RUNS_WRITE },
      );
    }
  }, 600_000);
});
