/**
 * Operator API fixtures: accounts (created through the service, signed in through the API), and a
 * small client that sends JSON with a session cookie or an API key and reads the answer.
 */
import { expect } from "vitest";
import type { z } from "zod";
import { createApp } from "../../src/app.ts";
import type { AppContext } from "../../src/context.ts";
import type { Role } from "../../src/db/database.ts";
import { CreatedSighting, Sighting } from "../../src/schemas/sightings.ts";
import { createUser } from "../../src/services/users/create-user.ts";

export const PASSWORD = "correct horse battery staple";

export type Answer = { status: number; body: unknown; headers: Headers };
type App = { request: ReturnType<typeof createApp>["request"] };
type Request = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<Answer>;

export type Caller = {
  id: string;
  actor: string;
  role: Role;
  cookie?: string;
  apiKey?: string;
  request: Request;
};

let counter = 0;

export function apiClient(app: App, auth: { cookie?: string; apiKey?: string } = {}): Request {
  return async (method, path, body, headers = {}) => {
    const res = await app.request(path.startsWith("/") ? path : `/api/v1/${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(auth.cookie ? { cookie: auth.cookie } : {}),
        ...(auth.apiKey ? { authorization: `Bearer ${auth.apiKey}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    // An event stream (GET …/events) would not end for minutes: its status is the answer.
    if ((res.headers.get("content-type") ?? "").includes("text/event-stream")) {
      await res.body?.cancel();
      return { status: res.status, body: null, headers: res.headers };
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {}
    return { status: res.status, body: parsed, headers: res.headers };
  };
}

/** The `name=value` of the session cookie a login answer set. */
export function sessionCookie(headers: Headers): string {
  const set = headers.get("set-cookie") ?? "";
  const match = /(__Host-aviso_session=[^;]*)/.exec(set);
  if (!match) throw new Error(`no session cookie in ${set}`);
  return match[1]!;
}

export async function signIn(
  ctx: AppContext,
  app: App,
  role: Role,
  options: { organisation?: string; email?: string } = {},
): Promise<Caller> {
  counter += 1;
  const email = options.email ?? `${role}${counter}.${Date.now()}@hotline.test`;
  const user = await createUser({
    ctx,
    input: {
      email,
      name: `${role} ${counter}`,
      role,
      organisation: options.organisation ?? (role === "comms" ? "City of Oakland" : "Rapid Response Hotline"),
      password: PASSWORD,
      actor: "system",
    },
  });
  const login = await apiClient(app)("POST", "auth/login", { email, password: PASSWORD });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  const cookie = sessionCookie(login.headers);
  return { id: user.id, actor: `user:${user.id}`, role, cookie, request: apiClient(app, { cookie }) };
}

export function appFor(ctx: AppContext): ReturnType<typeof createApp> {
  return createApp(ctx);
}

/** The answer's body, checked against the schema the OpenAPI document publishes for it. */
export async function ok<S extends z.ZodType>(answer: Promise<Answer> | Answer, schema: S, status = 200) {
  const { status: got, body } = await answer;
  expect(got, JSON.stringify(body)).toBe(status);
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new Error(`answer does not match its schema: ${parsed.error.message}\n${JSON.stringify(body)}`);
  return parsed.data as z.output<S>;
}

export type ErrorBody = {
  code: string;
  message: string;
  requestId: string;
  details?: { issues?: { in: string; path: string; message: string }[] };
};

/** The error envelope of a refused request, after checking its status (and code). */
export async function refused(
  answer: Promise<Answer> | Answer,
  status: number,
  code?: string,
): Promise<ErrorBody> {
  const { status: got, body } = await answer;
  expect(got, JSON.stringify(body)).toBe(status);
  const error = (body as { error: ErrorBody }).error;
  expect(error).toMatchObject({
    code: expect.any(String),
    message: expect.any(String),
    requestId: expect.any(String),
  });
  if (code) expect(error.code).toBe(code);
  return error;
}

/**
 * A sighting an operator logs and a verifier marks verified, through the API, as a caller's report
 * becomes the source of a VERIFIED alert; its id. `facts` override the report's fields.
 */
export async function verifiedSighting(
  by: { operator: Caller; verifier: Caller },
  facts: { place: string } & Record<string, unknown>,
  method = "responder_on_scene",
): Promise<string> {
  const created = await ok(
    by.operator.request("POST", "sightings", {
      zip: "94607",
      observedAt: new Date(Date.now() - 10 * 60_000).toISOString(),
      agency: "ice",
      activity: "targeted_arrest",
      source: "hotline_call",
      ...facts,
    }),
    CreatedSighting,
    201,
  );
  await ok(
    by.verifier.request("POST", `sightings/${created.sighting.id}/resolve`, {
      status: "verified",
      verification: { method },
    }),
    Sighting,
  );
  return created.sighting.id;
}

let accounts = 0;

/** A staff account made directly (not signed in), for tests that drive the sign-in themselves. */
export async function staffAccount(
  ctx: AppContext,
  role: Role,
  organisation = "Hotline",
): Promise<{ email: string; userId: string }> {
  accounts += 1;
  const email = `${role}.${accounts}.${Date.now()}@hotline.test`;
  const user = await createUser({
    ctx,
    input: { email, name: `${role} ${accounts}`, role, organisation, password: PASSWORD, actor: "system" },
  });
  return { email, userId: user.id };
}
