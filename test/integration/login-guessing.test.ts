/**
 * Guessing staff passwords, as an attacker would: many guesses at once, from one address, from
 * many addresses of one IPv6 /64, from many networks. The limits must hold under concurrency
 * (each attempt is reserved in the database before argon2 runs), every lock is audited exactly
 * once, and no stranger can use the limits to keep the owner out: the owner, from an address of
 * their own, signs in while the attack goes on.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoginAnswer } from "../../src/schemas/accounts.ts";
import { LOGIN_LIMITS } from "../../src/services/sessions/login.ts";
import { createUser } from "../../src/services/users/create-user.ts";
import { apiClient, appFor, ok, PASSWORD, sessionCookie } from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

// The design's numbers, stated here so the test reads as the specification.
const PER_ACCOUNT_AND_CLIENT = 5;
const PER_CLIENT = 20;
const BRAKE_AFTER = 10;

let runtime: TestRuntime;
let now = new Date("2026-12-05T09:00:00Z");
const clock = { now: () => now };
let app: ReturnType<typeof appFor>;

beforeAll(async () => {
  runtime = await createTestRuntime({ clock, env: { CLIENT_IP_HEADER: "X-Forwarded-For" } });
  app = appFor(runtime);
}, 60_000);
afterAll(() => runtime.close());

let accounts = 0;
async function account() {
  accounts += 1;
  const email = `guessed${accounts}.${Date.now()}@hotline.test`;
  const user = await createUser({
    ctx: runtime,
    input: {
      email,
      name: "Owner",
      role: "verifier",
      organisation: "Hotline",
      password: PASSWORD,
      actor: "system",
    },
  });
  return { email, userId: user.id };
}

const login = (email: string, password: string, ip: string) =>
  apiClient(app)("POST", "auth/login", { email, password }, { "x-forwarded-for": `10.9.9.9, ${ip}` });

async function audits(action: string, userId?: string): Promise<number> {
  let query = runtime.db
    .selectFrom("audit_log")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("action", "=", action);
  if (userId) query = query.where("target_id", "=", userId);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

const statuses = (answers: { status: number }[]) => {
  const counts: Record<number, number> = {};
  for (const { status } of answers) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
};

let net = 0;
/** A network of its own for each call: 203.0.113.x, then 198.18.x.y. */
const freshNetwork = () => {
  net += 1;
  return net < 250 ? `203.0.113.${net}` : `198.18.${Math.floor(net / 250)}.${net % 250}`;
};

/** Moves past every window, so the next test starts from nothing counted. */
const nextWindow = () => {
  now = new Date(now.getTime() + (LOGIN_LIMITS.windowMinutes + 1) * 60_000);
};

describe("the limits", () => {
  it("are the documented ones", () => {
    expect(LOGIN_LIMITS).toMatchObject({
      perAccountAndClient: PER_ACCOUNT_AND_CLIENT,
      perClient: PER_CLIENT,
      brakeAfter: BRAKE_AFTER,
      windowMinutes: 15,
    });
  });
});

describe("concurrent guessing", () => {
  it("25 wrong passwords at once for one account from one address: 5 are checked, the rest refused, the lock audited once", async () => {
    const { email, userId } = await account();
    const ip = freshNetwork();
    const answers = await Promise.all(
      Array.from({ length: 25 }, (_, i) => login(email, `wrong password ${i}`, ip)),
    );
    expect(statuses(answers)).toEqual({ 401: PER_ACCOUNT_AND_CLIENT, 429: 25 - PER_ACCOUNT_AND_CLIENT });
    expect(await audits("auth.login_failed", userId)).toBe(PER_ACCOUNT_AND_CLIENT);
    expect(await audits("auth.account_locked", userId)).toBe(1);
    // Locked for this address, even with the right password; and refusals are not audited.
    expect((await login(email, PASSWORD, ip)).status).toBe(429);
    expect(await audits("auth.login_failed", userId)).toBe(PER_ACCOUNT_AND_CLIENT);
    expect(await audits("auth.account_locked", userId)).toBe(1);
    nextWindow();
    await ok(login(email, PASSWORD, ip), LoginAnswer);
  }, 60_000);

  it("60 wrong guesses at once from one address across accounts: 20 are checked, the address lock audited once", async () => {
    const ip = freshNetwork();
    const before = await audits("auth.address_locked");
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        login(`nobody${i}.${Date.now()}@hotline.test`, "wrong password", ip),
      ),
    );
    expect(statuses(answers)).toEqual({ 401: PER_CLIENT, 429: 60 - PER_CLIENT });
    expect((await audits("auth.address_locked")) - before).toBe(1);
    nextWindow();
  }, 120_000);
});

describe("a lock is not a weapon", () => {
  it("a stranger who fails five times is locked out; the owner, from another address, signs in", async () => {
    const { email, userId } = await account();
    const attacker = freshNetwork();
    for (let i = 0; i < PER_ACCOUNT_AND_CLIENT; i += 1) {
      expect((await login(email, "a guess that is wrong", attacker)).status).toBe(401);
    }
    expect((await login(email, PASSWORD, attacker)).status).toBe(429);
    await ok(login(email, PASSWORD, freshNetwork()), LoginAnswer);
    expect(await audits("auth.account_locked", userId)).toBe(1);
    nextWindow();
  }, 60_000);

  it("IPv6 is counted by /64: new addresses in the attacker's /64 are the same client; another /64 is not", async () => {
    const { email } = await account();
    for (let i = 1; i <= PER_ACCOUNT_AND_CLIENT; i += 1) {
      expect((await login(email, "wrong guess", `2001:db8:a:b::${i.toString(16)}`)).status).toBe(401);
    }
    expect((await login(email, PASSWORD, "2001:db8:a:b:ffff:1234:5678:9abc")).status).toBe(429);
    expect((await login(email, PASSWORD, "2001:0DB8:000A:000B::77")).status).toBe(429);
    await ok(login(email, PASSWORD, "2001:db8:a:c::1"), LoginAnswer);
    nextWindow();
  }, 60_000);

  it("an IPv4-mapped IPv6 address is the IPv4 address it maps", async () => {
    const { email } = await account();
    for (let i = 0; i < PER_ACCOUNT_AND_CLIENT; i += 1) {
      expect((await login(email, "wrong guess", "192.0.2.44")).status).toBe(401);
    }
    expect((await login(email, PASSWORD, "::ffff:192.0.2.44")).status).toBe(429);
    nextWindow();
  }, 60_000);

  it("from many networks at once, the attacker gets one guess per network once the brake is on, and the owner still signs in", async () => {
    const { email, userId } = await account();
    // Ten networks fail once each: the account is now under attack (the brake is on).
    const first = Array.from({ length: BRAKE_AFTER }, () => freshNetwork());
    for (const ip of first) expect((await login(email, "wrong guess", ip)).status).toBe(401);
    expect(await audits("auth.account_braked", userId)).toBe(1);
    // A network that has failed gets nothing more while the brake is on.
    expect((await login(email, PASSWORD, first[0]!)).status).toBe(429);
    // Twenty more networks, three guesses each at once, and the owner among them.
    const attackers = Array.from({ length: 20 }, () => freshNetwork());
    const ownerIp = freshNetwork();
    const started = Date.now();
    const [owner, ...answers] = await Promise.all([
      login(email, PASSWORD, ownerIp),
      ...attackers.flatMap((ip) => [1, 2, 3].map((n) => login(email, `wrong guess ${n}`, ip))),
    ]);
    expect(owner!.status, JSON.stringify(owner!.body)).toBe(200);
    // Slowed, not refused: a client with no failures waits before its password is checked.
    expect(Date.now() - started).toBeGreaterThanOrEqual(LOGIN_LIMITS.brakeDelayMs);
    expect(statuses(answers)).toEqual({ 401: attackers.length, 429: attackers.length * 2 });
    expect(await audits("auth.login_failed", userId)).toBe(BRAKE_AFTER + attackers.length);
    expect(await audits("auth.account_braked", userId)).toBe(1);
    nextWindow();
  }, 120_000);
});

describe("the next hole of the class", () => {
  it("quoting the current password to change it is a guess too: a stolen session cannot try it without limit", async () => {
    const { email, userId } = await account();
    const ip = freshNetwork();
    const signedIn = await login(email, PASSWORD, ip);
    const me = apiClient(app, { cookie: sessionCookie(signedIn.headers) });
    const change = (currentPassword: string) =>
      me(
        "POST",
        "me/password",
        { currentPassword, newPassword: "a brand new password" },
        { "x-forwarded-for": `10.9.9.9, ${ip}` },
      );
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => change(`not it ${i}`)));
    expect(statuses(answers)).toEqual({ 403: PER_ACCOUNT_AND_CLIENT, 429: 12 - PER_ACCOUNT_AND_CLIENT });
    expect((await change(PASSWORD)).status).toBe(429);
    expect(await audits("auth.account_locked", userId)).toBe(1);
    nextWindow();
  }, 60_000);
});
