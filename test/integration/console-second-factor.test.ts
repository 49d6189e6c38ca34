/**
 * The console's side of the second factor, with TOTP_REQUIRED_ROLES on: a verifier without one is
 * sent to enrolment and reaches nothing else; enrolment shows the secret and its otpauth:// URI
 * and takes effect only when confirmed; the next sign-in asks for the code (or a recovery code);
 * an admin resets it from the users page.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { totpCode } from "../../src/security/totp.ts";
import { ConsoleClient } from "../support/console.ts";
import { appFor, PASSWORD, staffAccount } from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

let runtime: TestRuntime;
let now = new Date("2026-12-05T11:00:00Z");
const clock = { now: () => now };
const nextCode = () => {
  now = new Date(now.getTime() + 61_000);
};
let app: ReturnType<typeof appFor>;

beforeAll(async () => {
  runtime = await createTestRuntime({ clock, env: { TOTP_REQUIRED_ROLES: "verifier,comms,admin" } });
  app = appFor(runtime);
}, 60_000);
afterAll(() => runtime.close());

const account = (role: "verifier" | "admin") => staffAccount(runtime, role);

/** Signs in, is sent to enrolment, sets up the app; the client, the secret and the recovery codes. */
async function enrol(email: string) {
  const client = new ConsoleClient(app);
  const res = await client.signIn(email, PASSWORD);
  expect(res.status).toBe(303);
  expect(res.headers.get("location")).toBe("/console/account/second-factor");
  await client.get("/console/account/second-factor");
  const started = await client.post("/console/account/second-factor/start", {});
  expect(started.status).toBe(200);
  const secret = /<code class="secret">([A-Z2-7 ]+)<\/code>/.exec(client.lastPage)![1]!.replaceAll(" ", "");
  const confirmed = await client.post("/console/account/second-factor/confirm", {
    code: totpCode(secret, now),
  });
  expect(confirmed.status).toBe(200);
  const codes = [...client.lastPage.matchAll(/<li><code>([A-Z0-9-]{19})<\/code><\/li>/g)].map((m) => m[1]!);
  nextCode();
  return { client, secret, codes };
}

describe("a verifier who must have a second factor", () => {
  it("is sent to enrolment, reaches nothing else, and enrols with a confirmed code", async () => {
    const { email } = await account("verifier");
    const client = new ConsoleClient(app);
    const res = await client.signIn(email, PASSWORD);
    expect(res.headers.get("location")).toBe("/console/account/second-factor");
    for (const path of ["/console", "/console/sightings", "/console/alerts"]) {
      const page = await client.get(path);
      expect(page.status, path).toBe(303);
      expect(page.headers.get("location"), path).toBe("/console/account/second-factor");
    }
    await client.get("/console/account/second-factor");
    expect(client.lastPage).toContain("nothing else in the console opens");
    const refused = await client.post("/console/sightings", { zip: "94607" });
    expect(refused.status).toBe(403);
    await client.get("/console/account/second-factor");

    await client.post("/console/account/second-factor/start", {});
    const secret = /<code class="secret">([A-Z2-7 ]+)<\/code>/.exec(client.lastPage)![1]!.replaceAll(" ", "");
    expect(client.lastPage).toContain("otpauth://totp/");
    expect(client.lastPage).toContain(`secret=${secret}`);
    // A wrong code: the page again, with the error by the field, and still nothing else opens.
    const wrong = await client.post("/console/account/second-factor/confirm", {
      code: totpCode(secret, new Date(now.getTime() + 600_000)),
    });
    expect(wrong.status).toBe(400);
    expect(client.lastPage).toContain(secret.slice(0, 4));
    expect((await client.get("/console")).status).toBe(303);
    await client.get("/console/account/second-factor");
    const ok = await client.post("/console/account/second-factor/confirm", { code: totpCode(secret, now) });
    expect(ok.status).toBe(200);
    expect([...client.lastPage.matchAll(/<li><code>[A-Z0-9-]{19}<\/code><\/li>/g)]).toHaveLength(10);
    expect((await client.get("/console")).status).toBe(200);
    nextCode();
  }, 60_000);

  it("signs in next time with the code, or once with a recovery code", async () => {
    const { email } = await account("verifier");
    const { secret, codes } = await enrol(email);
    const client = new ConsoleClient(app);
    const res = await client.signIn(email, PASSWORD);
    expect(res.headers.get("location")).toBe("/console/login/code");
    expect((await client.get("/console")).headers.get("location")).toBe("/console/login");
    await client.get("/console/login/code");
    const wrong = await client.post("/console/login/code", {
      code: totpCode(secret, new Date(now.getTime() + 600_000)),
    });
    expect(wrong.status).toBe(401);
    expect(client.lastPage).toContain("Wrong code");
    const right = await client.post("/console/login/code", { code: totpCode(secret, now) });
    expect(right.status).toBe(303);
    expect((await client.get("/console")).status).toBe(200);

    const lost = new ConsoleClient(app);
    await lost.signIn(email, PASSWORD);
    await lost.get("/console/login/code");
    expect((await lost.post("/console/login/code", { recoveryCode: codes[0]! })).status).toBe(303);
    expect((await lost.get("/console")).status).toBe(200);
    const again = new ConsoleClient(app);
    await again.signIn(email, PASSWORD);
    await again.get("/console/login/code");
    expect((await again.post("/console/login/code", { recoveryCode: codes[0]! })).status).toBe(401);
    nextCode();
  }, 60_000);
});

describe("changing one's second factor", () => {
  it("asks for a code from the current app first; a session alone changes nothing", async () => {
    const { email } = await account("verifier");
    const { client, secret } = await enrol(email);
    await client.get("/console/account/second-factor");
    expect(client.lastPage).toContain('name="current_code"');
    for (const path of ["start", "recovery-codes"]) {
      const bare = await client.post(`/console/account/second-factor/${path}`, {});
      expect(bare.status, path).toBe(400);
      expect(client.lastPage, path).toContain("required while two-step sign-in is on");
      await client.get("/console/account/second-factor");
      const wrong = await client.post(`/console/account/second-factor/${path}`, { current_code: "000000" });
      expect(wrong.status, path).toBe(400);
      expect(client.lastPage, path).not.toContain('class="secret"');
      await client.get("/console/account/second-factor");
    }
    const moved = await client.post("/console/account/second-factor/start", {
      current_code: totpCode(secret, now),
    });
    expect(moved.status).toBe(200);
    expect(client.lastPage).toContain('class="secret"');
    nextCode();
  }, 60_000);
});

describe("an admin", () => {
  it("resets someone's second factor from the users page, audited; they enrol again", async () => {
    const admin = await account("admin");
    const { client: adminClient } = await enrol(admin.email);
    const verifier = await account("verifier");
    await enrol(verifier.email);
    await adminClient.get("/console/users");
    const reset = await adminClient.post(`/console/users/${verifier.userId}/second-factor/reset`, {});
    expect(reset.status).toBe(303);
    const audit = await runtime.db
      .selectFrom("audit_log")
      .select("actor")
      .where("action", "=", "user.second_factor_reset")
      .where("target_id", "=", verifier.userId)
      .execute();
    expect(audit).toEqual([{ actor: `user:${admin.userId}` }]);
    const client = new ConsoleClient(app);
    const res = await client.signIn(verifier.email, PASSWORD);
    expect(res.headers.get("location")).toBe("/console/account/second-factor");
  }, 60_000);
});
