/**
 * Accounts, sessions and keys, as a specification: argon2id hashes, `__Host-` cookies holding
 * 256-bit tokens stored hashed, idle and absolute timeouts on a controllable clock, logout that
 * ends the session on the server, login rate limits per account and per IP, API keys stored
 * hashed and revocable.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreatedKey, LoginAnswer, Me, User } from "../../src/schemas/accounts.ts";
import { LOGIN_LIMITS } from "../../src/services/sessions/login.ts";
import { createUser } from "../../src/services/users/create-user.ts";
import { apiClient, appFor, ok, PASSWORD, refused, sessionCookie, signIn } from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

let runtime: TestRuntime;
let now = new Date("2026-11-24T09:00:00Z");
const clock = { now: () => now };
const advance = (minutes: number) => {
  now = new Date(now.getTime() + minutes * 60_000);
};
let app: ReturnType<typeof appFor>;

beforeAll(async () => {
  runtime = await createTestRuntime({
    clock,
    env: { SESSION_IDLE_MINUTES: "15", SESSION_ABSOLUTE_HOURS: "2", CLIENT_IP_HEADER: "X-Forwarded-For" },
  });
  app = appFor(runtime);
}, 60_000);
afterAll(() => runtime.close());

async function account(role: "operator" | "verifier" | "comms" | "admin" = "operator") {
  const email = `${role}.${Math.random().toString(36).slice(2)}@hotline.test`;
  const user = await createUser({
    ctx: runtime,
    input: {
      email,
      name: "Test",
      role,
      organisation: "Rapid Response Hotline",
      password: PASSWORD,
      actor: "system",
    },
  });
  return { email, user };
}

const anonymous = () => apiClient(app);
const login = (email: string, password = PASSWORD, ip = "203.0.113.7") =>
  anonymous()("POST", "auth/login", { email, password }, { "x-forwarded-for": ip });

describe("sign-in", () => {
  it("hashes passwords with argon2id at no less than 19 MiB, t=2, p=1", async () => {
    const { user } = await account();
    const row = await runtime.db
      .selectFrom("users")
      .select("password_hash")
      .where("id", "=", user.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=1\$/);
    const [, m, t] = /m=(\d+),t=(\d+)/.exec(row.password_hash)!;
    expect(Number(m)).toBeGreaterThanOrEqual(19_456);
    expect(Number(t)).toBeGreaterThanOrEqual(2);
  });

  it("sets a __Host- cookie (Secure, HttpOnly, SameSite=Strict) with a 256-bit token stored only hashed", async () => {
    const { email } = await account();
    const answer = await login(email);
    const body = await ok(answer, LoginAnswer);
    expect(body.user.email).toBe(email);
    const set = answer.headers.get("set-cookie")!;
    expect(set).toMatch(/^__Host-aviso_session=[A-Za-z0-9_-]{43};/);
    expect(set).toMatch(/; Path=\//);
    expect(set).toMatch(/; Secure/);
    expect(set).toMatch(/; HttpOnly/);
    expect(set).toMatch(/; SameSite=Strict/);
    expect(set).not.toMatch(/Domain=/);
    const token = sessionCookie(answer.headers).split("=")[1]!;
    const { rows } = await sql<{ row: string }>`SELECT s::text AS row FROM sessions s`.execute(runtime.db);
    expect(rows.map((r) => r.row).join("\n")).not.toContain(token);
    expect(rows.map((r) => r.row).join("\n")).not.toContain(Buffer.from(token, "base64url").toString("hex"));
  });

  it("answers the same 401 for a wrong password and an unknown account, and audits both", async () => {
    const { email, user } = await account();
    const wrong = await refused(login(email, "not the password at all"), 401, "unauthorized");
    const unknown = await refused(login("nobody@hotline.test"), 401, "unauthorized");
    expect(wrong.message).toBe(unknown.message);
    const audit = await runtime.db
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "auth.login_failed")
      .where("target_id", "=", user.id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(email);
  });
});

describe("sessions", () => {
  it("end after the idle timeout, and each use restarts the idle clock", async () => {
    const { email } = await account();
    const me = apiClient(app, { cookie: sessionCookie((await login(email)).headers) });
    advance(14);
    await ok(me("GET", "me"), Me);
    advance(14);
    await ok(me("GET", "me"), Me);
    advance(15);
    await refused(me("GET", "me"), 401, "unauthorized");
    advance(-15 + 1);
    await refused(me("GET", "me"), 401, "unauthorized"); // ended for good, even if the clock went back
    advance(15);
  });

  it("end at the absolute timeout however busy they are", async () => {
    const { email } = await account();
    const me = apiClient(app, { cookie: sessionCookie((await login(email)).headers) });
    for (let minutes = 10; minutes < 120; minutes += 10) {
      advance(10);
      await ok(me("GET", "me"), Me);
    }
    advance(10);
    await refused(me("GET", "me"), 401);
  });

  it("end on the server at logout: the old cookie is worthless", async () => {
    const { email, user } = await account();
    const answer = await login(email);
    const cookie = sessionCookie(answer.headers);
    const me = apiClient(app, { cookie });
    const out = await me("POST", "auth/logout");
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toMatch(/__Host-aviso_session=;.*Max-Age=0/);
    await refused(me("GET", "me"), 401);
    const session = await runtime.db
      .selectFrom("sessions")
      .select("ended_at")
      .where("user_id", "=", user.id)
      .executeTakeFirstOrThrow();
    expect(session.ended_at).not.toBeNull();
  });

  it("end when an admin disables the account", async () => {
    const admin = await signIn(runtime, app, "admin");
    const { email, user } = await account("verifier");
    const me = apiClient(app, { cookie: sessionCookie((await login(email)).headers) });
    await ok(me("GET", "me"), Me);
    const changed = await ok(admin.request("PATCH", `users/${user.id}`, { disabled: true }), User);
    expect(changed.disabled).toBe(true);
    await refused(me("GET", "me"), 401);
    await refused(login(email), 401);
  });

  it("refuse a cookie-authenticated change from another origin", async () => {
    const operator = await signIn(runtime, app, "operator");
    await refused(
      operator.request("POST", "auth/logout", undefined, { origin: "https://evil.example" }),
      403,
      "forbidden",
    );
  });
});

describe("login rate limits", () => {
  it(`lock an account for one address after ${LOGIN_LIMITS.perAccountAndClient} failures from it, even for the right password, until the window passes`, async () => {
    const { email } = await account();
    for (let i = 0; i < LOGIN_LIMITS.perAccountAndClient; i++)
      await refused(login(email, "wrong password!!"), 401);
    const locked = await login(email);
    await refused(locked, 429, "rate_limited");
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    advance(LOGIN_LIMITS.windowMinutes + 1);
    await ok(login(email), LoginAnswer);
  });

  it(`lock an IP address after ${LOGIN_LIMITS.perClient} failures across accounts; other addresses still sign in`, async () => {
    const { email } = await account();
    for (let i = 0; i < LOGIN_LIMITS.perClient; i++)
      await refused(login(`guess${i}@hotline.test`, "x", "198.51.100.9"), 401);
    await refused(login(email, PASSWORD, "198.51.100.9"), 429, "rate_limited");
    await ok(login(email, PASSWORD, "198.51.100.10"), LoginAnswer);
    advance(LOGIN_LIMITS.windowMinutes + 1);
  });

  it("store no email and no IP address", async () => {
    const { rows } = await sql<{ row: string }>`SELECT a::text AS row FROM login_attempts a`.execute(
      runtime.db,
    );
    const dump = rows.map((r) => r.row).join("\n");
    expect(rows.length).toBeGreaterThan(0);
    expect(dump).not.toMatch(/hotline\.test|198\.51\.100|203\.0\.113/);
  });
});

describe("API keys", () => {
  it("are shown once, stored hashed, scoped to a role, and stop working when revoked", async () => {
    const admin = await signIn(runtime, app, "admin");
    const created = await ok(
      admin.request("POST", "keys", {
        name: "Call system",
        role: "operator",
        organisation: "Rapid Response Hotline",
      }),
      CreatedKey,
      201,
    );
    expect(created.key).toMatch(/^aviso_[a-z0-9]{10}_[A-Za-z0-9_-]{43}$/);
    const key = apiClient(app, { apiKey: created.key });
    expect(await ok(key("GET", "me"), Me)).toMatchObject({
      kind: "key",
      role: "operator",
      actor: `key:${created.apiKey.id}`,
    });
    const { rows } = await sql<{ row: string }>`SELECT k::text AS row FROM api_keys k`.execute(runtime.db);
    expect(rows.map((r) => r.row).join()).not.toContain(created.key.slice("aviso_0123456789_".length));
    await ok(admin.request("DELETE", `keys/${created.apiKey.id}`), CreatedKey.shape.apiKey);
    await refused(key("GET", "me"), 401);
    await refused(apiClient(app, { apiKey: "aviso_0000000000_not-a-key" })("GET", "me"), 401);
  });
});
