/**
 * A second factor for the people who can publish (TOTP, RFC 6238), with TOTP_REQUIRED_ROLES on as
 * production has it: enrolment confirmed by a code, sign-in in two steps or one, recovery codes
 * that work once, codes that cannot be replayed, wrong codes under the guessing limits, an admin's
 * audited reset, a secret that is stored sealed and never logged, and API keys unchanged.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoginAnswer, Me, RecoveryCodes, SecondFactor, TotpEnrolment } from "../../src/schemas/accounts.ts";
import { totpCode } from "../../src/security/totp.ts";
import { LOGIN_LIMITS } from "../../src/services/sessions/login.ts";
import {
  apiClient,
  appFor,
  ok,
  PASSWORD,
  refused,
  sessionCookie,
  signIn,
  staffAccount,
} from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

let runtime: TestRuntime;
let now = new Date("2026-12-05T10:00:00Z");
const clock = { now: () => now };
/** Past the current 30-second step and its neighbour, so the next code is a new one. */
const nextCode = () => {
  now = new Date(now.getTime() + 61_000);
};
let app: ReturnType<typeof appFor>;

beforeAll(async () => {
  runtime = await createTestRuntime({
    clock,
    env: { CLIENT_IP_HEADER: "X-Forwarded-For", TOTP_REQUIRED_ROLES: "verifier,comms,admin" },
  });
  app = appFor(runtime);
}, 60_000);
afterAll(() => runtime.close());

let n = 0;
const freshIp = () => `192.0.2.${++n}`;

const account = (role: "operator" | "verifier" | "comms" | "admin" = "verifier") =>
  staffAccount(runtime, role);

const login = (body: Record<string, string>, ip = freshIp()) =>
  apiClient(app)("POST", "auth/login", body, { "x-forwarded-for": ip });
const withCookie = (cookie: string) => apiClient(app, { cookie });

/** Signs in (password only), enrols an authenticator app through the API; the secret and codes. */
async function enrolled(role: "operator" | "verifier" | "comms" | "admin" = "verifier") {
  const { email, userId } = await account(role);
  const first = await ok(login({ email, password: PASSWORD }), LoginAnswer);
  const cookieAnswer = await login({ email, password: PASSWORD });
  const me = withCookie(sessionCookie(cookieAnswer.headers));
  const { secret } = await ok(me("POST", "me/second-factor/totp"), TotpEnrolment);
  const { recoveryCodes } = await ok(
    me("POST", "me/second-factor/totp/confirm", { code: totpCode(secret, now) }),
    RecoveryCodes,
  );
  nextCode();
  return { email, userId, secret, recoveryCodes, firstNext: first.next };
}

describe("enrolment", () => {
  it("a verifier without a second factor is sent to enrolment and can do nothing else until it is confirmed", async () => {
    const { email } = await account("verifier");
    const answer = await login({ email, password: PASSWORD });
    expect((await ok(answer, LoginAnswer)).next).toBe("enrol");
    const me = withCookie(sessionCookie(answer.headers));
    await refused(me("GET", "me"), 403, "enrolment_required");
    await refused(me("GET", "alerts"), 403, "enrolment_required");
    await refused(me("POST", "sightings", {}), 403, "enrolment_required");
    expect(await ok(me("GET", "me/second-factor"), SecondFactor)).toEqual({
      required: true,
      enrolled: false,
      recoveryCodesLeft: 0,
    });
    const enrolment = await ok(me("POST", "me/second-factor/totp"), TotpEnrolment);
    expect(enrolment.secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(enrolment.uri);
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.searchParams.get("secret")).toBe(enrolment.secret);
    expect(uri.searchParams.get("period")).toBe("30");
    expect(uri.searchParams.get("digits")).toBe("6");
    // Not active until confirmed: a wrong code changes nothing.
    const wrong = totpCode(enrolment.secret, new Date(now.getTime() + 10 * 60_000));
    await refused(me("POST", "me/second-factor/totp/confirm", { code: wrong }), 400, "validation_failed");
    await refused(me("GET", "me"), 403, "enrolment_required");
    const { recoveryCodes } = await ok(
      me("POST", "me/second-factor/totp/confirm", { code: totpCode(enrolment.secret, now) }),
      RecoveryCodes,
    );
    expect(recoveryCodes).toHaveLength(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    await ok(me("GET", "me"), Me);
    nextCode();
  }, 60_000);

  it("an operator (not required) signs in with the password alone, and may enrol", async () => {
    const { email } = await account("operator");
    const answer = await ok(login({ email, password: PASSWORD }), LoginAnswer);
    expect(answer.next).toBeNull();
    const { firstNext } = await enrolled("operator");
    expect(firstNext).toBeNull();
  }, 60_000);

  it("stores the secret sealed under a purpose bound to the user, and never logs it", async () => {
    const { userId, secret } = await enrolled();
    const { rows } = await sql<{ row: string }>`SELECT f::text AS row FROM totp_factors f`.execute(
      runtime.db,
    );
    const dump = rows.map((r) => r.row).join("\n");
    expect(dump).not.toContain(secret);
    const row = await runtime.db
      .selectFrom("totp_factors")
      .selectAll()
      .where("user_id", "=", userId)
      .executeTakeFirstOrThrow();
    const sealed = { ciphertext: row.secret_ciphertext, keyId: row.secret_key_id };
    expect(runtime.pii.decrypt(sealed, `totp-secret:${userId}`)).toBe(secret);
    expect(() => runtime.pii.decrypt(sealed, "totp-secret:00000000-0000-0000-0000-000000000000")).toThrow();
    expect(runtime.logs.text).not.toContain(secret);
  }, 60_000);
});

describe("signing in with a second factor", () => {
  it("in two steps: the password opens only the code step; the code gives a new session", async () => {
    const { email, secret } = await enrolled();
    const first = await login({ email, password: PASSWORD });
    expect((await ok(first, LoginAnswer)).next).toBe("code");
    const half = sessionCookie(first.headers);
    await refused(withCookie(half)("GET", "me"), 401);
    await refused(withCookie(half)("GET", "me/second-factor"), 401);
    const code = (body: Record<string, string>) =>
      withCookie(half)("POST", "auth/login/code", body, { "x-forwarded-for": freshIp() });
    await refused(
      code({ code: "000000" === totpCode(secret, now) ? "111111" : "000000" }),
      401,
      "unauthorized",
    );
    const second = await code({ code: totpCode(secret, now) });
    expect((await ok(second, LoginAnswer)).next).toBeNull();
    const full = sessionCookie(second.headers);
    expect(full).not.toBe(half);
    await ok(withCookie(full)("GET", "me"), Me);
    // The half session ended with the step it opened.
    nextCode();
    await refused(code({ code: totpCode(secret, now) }), 401);
    nextCode();
  }, 60_000);

  it("in one step, with the code in the login body", async () => {
    const { email, secret } = await enrolled();
    const answer = await ok(login({ email, password: PASSWORD, code: totpCode(secret, now) }), LoginAnswer);
    expect(answer.next).toBeNull();
    nextCode();
  }, 60_000);

  it("a code is accepted once: not again in its window, not by two sign-ins at once", async () => {
    const { email, secret } = await enrolled();
    const code = totpCode(secret, now);
    await ok(login({ email, password: PASSWORD, code }), LoginAnswer);
    await refused(login({ email, password: PASSWORD, code }), 401, "unauthorized");
    nextCode();
    const fresh = totpCode(secret, now);
    const both = await Promise.all([
      login({ email, password: PASSWORD, code: fresh }),
      login({ email, password: PASSWORD, code: fresh }),
    ]);
    expect(both.map((a) => a.status).sort()).toEqual([200, 401]);
    // An older code (the step before one already used) is refused too.
    nextCode();
    const older = totpCode(secret, new Date(now.getTime() - 30_000));
    const newer = totpCode(secret, now);
    await ok(login({ email, password: PASSWORD, code: newer }), LoginAnswer);
    await refused(login({ email, password: PASSWORD, code: older }), 401);
    nextCode();
  }, 60_000);

  it("a recovery code works once; codes are stored only hashed; new ones replace the old", async () => {
    const { email, userId, recoveryCodes, secret } = await enrolled();
    const [first, second] = recoveryCodes as [string, string];
    const answer = await login({ email, password: PASSWORD, recoveryCode: first.toLowerCase() });
    await ok(answer, LoginAnswer);
    const me = withCookie(sessionCookie(answer.headers));
    await refused(login({ email, password: PASSWORD, recoveryCode: first }), 401);
    expect((await ok(me("GET", "me/second-factor"), SecondFactor)).recoveryCodesLeft).toBe(9);
    const { rows } = await sql<{ row: string }>`SELECT r::text AS row FROM recovery_codes r`.execute(
      runtime.db,
    );
    const dump = rows.map((r) => r.row).join("\n");
    for (const code of recoveryCodes) {
      expect(dump).not.toContain(code);
      expect(dump).not.toContain(code.replaceAll("-", ""));
    }
    const renewed = await ok(
      me("POST", "me/second-factor/recovery-codes", { code: totpCode(secret, now) }),
      RecoveryCodes,
    );
    expect(renewed.recoveryCodes).toHaveLength(10);
    await refused(login({ email, password: PASSWORD, recoveryCode: second }), 401);
    await ok(login({ email, password: PASSWORD, recoveryCode: renewed.recoveryCodes[0]! }), LoginAnswer);
    const audit = await runtime.db
      .selectFrom("audit_log")
      .select("action")
      .where("target_id", "=", userId)
      .where("action", "in", ["user.totp_enrolled", "user.recovery_codes_regenerated"])
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual([
      "user.recovery_codes_regenerated",
      "user.totp_enrolled",
    ]);
    expect(secret).toBeTruthy();
  }, 60_000);

  it("wrong codes count toward the same guessing limits as passwords, at once or one by one", async () => {
    const { email, secret } = await enrolled();
    const ip = freshIp();
    const first = await login({ email, password: PASSWORD }, ip);
    const half = withCookie(sessionCookie(first.headers));
    const wrong = totpCode(secret, new Date(now.getTime() + 10 * 60_000));
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        half("POST", "auth/login/code", { code: wrong }, { "x-forwarded-for": ip }),
      ),
    );
    expect(answers.filter((a) => a.status === 401)).toHaveLength(LOGIN_LIMITS.perAccountAndClient);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(12 - LOGIN_LIMITS.perAccountAndClient);
    // The right password and code from that address are refused until the window passes...
    await refused(login({ email, password: PASSWORD, code: totpCode(secret, now) }, ip), 429, "rate_limited");
    // ...while the owner elsewhere signs in.
    await ok(login({ email, password: PASSWORD, code: totpCode(secret, now) }), LoginAnswer);
    nextCode();
  }, 60_000);
});

describe("changing the second factor asks for the current one", () => {
  /** An enrolled account signed in with its code: a session someone could have taken over. */
  async function takenSession() {
    const account = await enrolled();
    const answer = await login({
      email: account.email,
      password: PASSWORD,
      code: totpCode(account.secret, now),
    });
    await ok(answer, LoginAnswer);
    nextCode();
    return { ...account, me: withCookie(sessionCookie(answer.headers)) };
  }

  it("a session alone cannot move the factor to a new app or take new recovery codes", async () => {
    const { me, userId } = await takenSession();
    const before = await runtime.db
      .selectFrom("totp_factors")
      .select(["id", "confirmed_at"])
      .where("user_id", "=", userId)
      .execute();
    await refused(me("POST", "me/second-factor/totp"), 400, "validation_failed");
    await refused(me("POST", "me/second-factor/totp", {}), 400, "validation_failed");
    await refused(me("POST", "me/second-factor/totp", { code: "000000" }), 400, "validation_failed");
    await refused(me("POST", "me/second-factor/recovery-codes", {}), 400, "validation_failed");
    await refused(
      me("POST", "me/second-factor/recovery-codes", { recoveryCode: "AAAA-BBBB-CCCC-DDDD" }),
      400,
      "validation_failed",
    );
    // Nothing changed: the same confirmed factor and no enrolment waiting whose secret they know.
    const after = await runtime.db
      .selectFrom("totp_factors")
      .select(["id", "confirmed_at"])
      .where("user_id", "=", userId)
      .execute();
    expect(after).toEqual(before);
    expect((await ok(me("GET", "me/second-factor"), SecondFactor)).recoveryCodesLeft).toBe(10);
    const failures = await runtime.db
      .selectFrom("audit_log")
      .select("action")
      .where("target_id", "=", userId)
      .where("action", "=", "auth.step_up_failed")
      .execute();
    expect(failures).toHaveLength(2);
  }, 60_000);

  it("the owner moves to a new app with a recovery code (used up) and takes new codes with a current one", async () => {
    const { me, email, secret, recoveryCodes } = await takenSession();
    const [lost, spare] = recoveryCodes as [string, string];
    const moved = await ok(me("POST", "me/second-factor/totp", { recoveryCode: spare }), TotpEnrolment);
    await refused(me("POST", "me/second-factor/totp", { recoveryCode: spare }), 400, "validation_failed");
    await ok(
      me("POST", "me/second-factor/totp/confirm", { code: totpCode(moved.secret, now) }),
      RecoveryCodes,
    );
    nextCode();
    await refused(login({ email, password: PASSWORD, code: totpCode(secret, now) }), 401);
    const answer = await login({ email, password: PASSWORD, code: totpCode(moved.secret, now) });
    await ok(answer, LoginAnswer);
    nextCode();
    // The earlier codes went with the earlier app; a code from the new one works, once.
    const again = withCookie(sessionCookie(answer.headers));
    await refused(again("POST", "me/second-factor/recovery-codes", { recoveryCode: lost }), 400);
    const code = totpCode(moved.secret, now);
    await ok(again("POST", "me/second-factor/recovery-codes", { code }), RecoveryCodes);
    await refused(again("POST", "me/second-factor/recovery-codes", { code }), 400);
  }, 60_000);

  it("wrong current codes count toward the sign-in guessing limits", async () => {
    const { me, secret } = await takenSession();
    const ip = freshIp();
    const wrong = totpCode(secret, new Date(now.getTime() + 10 * 60_000));
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        me("POST", "me/second-factor/recovery-codes", { code: wrong }, { "x-forwarded-for": ip }),
      ),
    );
    expect(answers.filter((a) => a.status === 400)).toHaveLength(LOGIN_LIMITS.perAccountAndClient);
    const limited = answers.filter((a) => a.status === 429);
    expect(limited).toHaveLength(12 - LOGIN_LIMITS.perAccountAndClient);
    expect(Number(limited[0]!.headers.get("retry-after"))).toBeGreaterThan(0);
  }, 60_000);
});

describe("an admin's reset", () => {
  it("removes the factor and the recovery codes, ends the user's sessions, is audited, and sends them back to enrolment", async () => {
    const admin = await signIn(runtime, app, "operator"); // an operator first: not an admin
    const { email, userId, secret } = await enrolled();
    const session = await login({ email, password: PASSWORD, code: totpCode(secret, now) });
    const me = withCookie(sessionCookie(session.headers));
    await ok(me("GET", "me"), Me);
    await refused(admin.request("DELETE", `users/${userId}/second-factor`), 403, "forbidden");

    const adminAccount = await enrolled("admin");
    const adminSession = await login({
      email: adminAccount.email,
      password: PASSWORD,
      code: totpCode(adminAccount.secret, now),
    });
    const adminApi = withCookie(sessionCookie(adminSession.headers));
    await refused(adminApi("DELETE", `users/${adminAccount.userId}/second-factor`), 409, "conflict");
    const reset = await adminApi("DELETE", `users/${userId}/second-factor`);
    expect(reset.status).toBe(204);
    await refused(me("GET", "me"), 401);
    const audit = await runtime.db
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "user.second_factor_reset")
      .where("target_id", "=", userId)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toBe(`user:${adminAccount.userId}`);
    // The sessions enrolled() opened and the one above.
    expect(audit[0]!.details).toMatchObject({ factorsRemoved: 1, sessionsEnded: 3 });
    const again = await ok(login({ email, password: PASSWORD }), LoginAnswer);
    expect(again.next).toBe("enrol");
    nextCode();
  }, 60_000);
});

describe("API keys", () => {
  it("stay as they are: a verifier's key works without any second factor", async () => {
    const { email, secret } = await enrolled("admin");
    const admin = withCookie(
      sessionCookie((await login({ email, password: PASSWORD, code: totpCode(secret, now) })).headers),
    );
    const created = await admin("POST", "keys", {
      name: "Call system",
      role: "verifier",
      organisation: "Hotline",
    });
    expect(created.status).toBe(201);
    const key = apiClient(app, { apiKey: (created.body as { key: string }).key });
    expect((await ok(key("GET", "me"), Me)).kind).toBe("key");
    nextCode();
  }, 60_000);
});
