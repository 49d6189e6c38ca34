/**
 * What a flood can do. Every POST that needs no sign-in is limited per client address (the list is
 * read from the app's own route table, so a new public form is covered the day it is added), and
 * a refused request changes nothing; signed webhooks and signed-in staff are not limited by address.
 * 1,000 numbers texting within one minute get no more replies than the global ceiling, while
 * STOP still stops. Non-US numbers are refused once per window and leave nothing behind but a
 * count under a keyed hash. Repeated failed sign-ins lock the account, and the lock is audited
 * once. Oversized bodies get 413. A filled honeypot skips the form's handler.
 */

import { Hono } from "hono";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import type { AppEnv } from "../../src/context.ts";
import { honeypot } from "../../src/http/honeypot.ts";
import { isPublicPost, publicApiPatterns } from "../../src/http/public-post-limit.ts";
import { API_ROUTES } from "../../src/routes/api/index.ts";
import { addressIndex } from "../../src/security/addresses.ts";
import { PASSWORD, signIn } from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";
import { phone, signedSmsRequest, smsParams } from "../support/sms-webhook.ts";

const LIMIT = 5;
const CEILING = 50;

/** Real time plus an offset, or a fixed instant when `at` is set. */
const clock = {
  offset: 0,
  at: null as Date | null,
  now: () => clock.at ?? new Date(Date.now() + clock.offset),
};

let runtime: TestRuntime;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  runtime = await createTestRuntime({
    clock,
    env: {
      PUBLIC_POSTS_PER_IP_PER_MINUTE: String(LIMIT),
      CLIENT_IP_HEADER: "X-Forwarded-For",
      SMS_REPLY_LIMIT_PER_MINUTE: String(CEILING),
    },
  });
  app = createApp(runtime);
});
afterAll(() => runtime.close());

let nextIp = 1;
const freshIp = () => `198.51.100.${nextIp++}`;

/** Every public POST route of the app, with its parameters filled in. */
function publicPosts(): string[] {
  const publicApi = publicApiPatterns(API_ROUTES);
  const paths = app.routes
    .filter((route) => route.method === "POST" && isPublicPost("POST", route.path, publicApi))
    .map((route) =>
      route.path.replace(/:[A-Za-z0-9_]+(\{[^}]*\})?/g, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
    );
  return [...new Set(paths)];
}

function post(path: string, ip: string, body = "", type = "application/x-www-form-urlencoded") {
  const json = path.startsWith("/api/");
  return app.request(path, {
    method: "POST",
    headers: {
      "content-type": json ? "application/json" : type,
      "x-forwarded-for": ip,
      accept: json ? "application/json" : "text/html",
    },
    body: json && body === "" ? "{}" : body,
  });
}

async function rowCounts(): Promise<string> {
  const { rows } = await sql<{ counts: string }>`
    SELECT concat_ws(',', (SELECT count(*) FROM subscribers), (SELECT count(*) FROM subscriptions),
      (SELECT count(*) FROM email_confirmations), (SELECT count(*) FROM login_attempts),
      (SELECT count(*) FROM audit_log), (SELECT count(*) FROM sessions), (SELECT count(*) FROM inbound_messages),
      (SELECT count(*) FROM outbox)) AS counts`.execute(runtime.db);
  return rows[0]!.counts;
}

describe("per-address limits on public POSTs", () => {
  it("cover exactly the routes that need no sign-in", () => {
    expect(
      publicPosts()
        .map((path) => path.replace(/A{43}/, ":token"))
        .sort(),
    ).toEqual([
      "/api/v1/auth/login",
      "/api/v1/auth/login/code",
      "/api/v1/push-subscriptions",
      "/api/v1/push-subscriptions/remove",
      "/console/login",
      "/console/login/code",
      "/dev/phone/call",
      "/dev/phone/send",
      "/email/confirm",
      "/manage",
      "/setup",
      "/subscribe",
      "/unsubscribe/:token",
    ]);
  });

  it("answer 429 with Retry-After past the limit, change nothing, and spare other addresses", async () => {
    clock.offset = 0;
    for (const path of publicPosts()) {
      const ip = freshIp();
      for (let i = 0; i < LIMIT; i += 1) expect((await post(path, ip)).status, path).not.toBe(429);
      const before = await rowCounts();
      const signup = "zips=94607&email=flood%40example.org&language=en";
      const refused = await post(path, ip, path === "/subscribe" ? signup : "");
      expect(refused.status, path).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      if (path.startsWith("/api/")) {
        expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
      } else {
        expect(await refused.text()).toMatch(/Too many requests/);
      }
      expect(await rowCounts(), path).toBe(before);
      expect((await post(path, freshIp())).status, path).not.toBe(429);
    }
  });

  it("lift in the next minute", async () => {
    clock.offset = 0;
    const ip = freshIp();
    for (let i = 0; i < LIMIT; i += 1) await post("/email/confirm", ip);
    expect((await post("/email/confirm", ip)).status).toBe(429);
    clock.offset = 61_000;
    expect((await post("/email/confirm", ip)).status).not.toBe(429);
    clock.offset = 0;
  });

  it("do not apply to Twilio's signed webhooks, nor to signed-in staff", async () => {
    const ip = freshIp();
    for (let i = 0; i < LIMIT * 2; i += 1) {
      const request = signedSmsRequest(runtime, smsParams("+15105550123", "HELP"));
      request.headers.set("x-forwarded-for", ip);
      expect((await app.fetch(request)).status).toBe(200);
    }
    const operator = await signIn(runtime, app, "operator");
    for (let i = 0; i < LIMIT * 2; i += 1) {
      const answer = await operator.request("POST", "sightings", { zip: "nope" }, { "x-forwarded-for": ip });
      expect(answer.status).toBe(400);
    }
  });
});

describe("a flood of texts", () => {
  it("from 1,000 numbers within a minute gets no more replies than the global ceiling; STOP still stops", async () => {
    const minute = Math.ceil(Date.now() / 60_000) * 60_000 + 60_000;
    clock.at = new Date(minute + 5_000);
    try {
      const numbers = Array.from(
        { length: 1000 },
        (_, i) => `+1415${String(2_000_000 + i * 37).padStart(7, "0")}`,
      );
      let replies = 0;
      for (let i = 0; i < numbers.length; i += 25) {
        const answers = await Promise.all(
          numbers
            .slice(i, i + 25)
            .map((number, j) => phone(app, runtime, number).send(j % 2 ? "HELP" : "94607")),
        );
        for (const answer of answers) {
          expect(answer.status).toBe(200);
          replies += answer.messages.length;
        }
        clock.at = new Date(minute + 5_000 + i * 40); // all within the one minute
      }
      expect(replies).toBe(CEILING);

      // The one message that always goes: the opt-out confirmation, and the opt-out itself.
      const stop = await phone(app, runtime, numbers[0]!).send("STOP");
      expect(stop.messages).toHaveLength(1);
      const row = await runtime.db
        .selectFrom("subscribers")
        .select("status")
        .where("address_index", "=", addressIndex(runtime.pii, "sms", numbers[0]!))
        .executeTakeFirstOrThrow();
      expect(row.status).toBe("stopped");

      // The next minute, replies resume.
      clock.at = new Date(minute + 65_000);
      expect((await phone(app, runtime, numbers[1]!).send("HELP")).messages).toHaveLength(1);
    } finally {
      clock.at = null;
    }
  }, 180_000);

  it("from a non-US number is refused once, and nothing about the number is stored but a keyed count", async () => {
    const before = await rowCounts();
    const uk = phone(app, runtime, "+442071234567");
    const answer = await uk.send("94607");
    expect(answer.status).toBe(200);
    expect(answer.messages.join(" ")).toMatch(/US/);
    for (let i = 0; i < 5; i += 1) expect((await uk.send("94607")).messages).toEqual([]);
    expect(await rowCounts()).toBe(before);
    const counted = await runtime.db
      .selectFrom("sms_rate_counters")
      .select("count")
      .where("key", "=", addressIndex(runtime.pii, "sms", "+442071234567"))
      .executeTakeFirstOrThrow();
    expect(counted.count).toBe(6);
  });
});

describe("failed console sign-ins", () => {
  it("lock the account for that address for a while, the lock is audited once, and the owner elsewhere signs in", async () => {
    clock.offset = 0;
    const email = `lock.${Date.now()}@hotline.test`;
    const user = await signIn(runtime, app, "verifier", { email });
    const attacker = freshIp();
    const login = (password: string, ip = attacker) =>
      app.request("/api/v1/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": ip },
        body: JSON.stringify({ email, password }),
      });
    for (let i = 0; i < 5; i += 1) expect((await login("not the password at all")).status).toBe(401);
    expect((await login(PASSWORD)).status).toBe(429);
    expect((await login(PASSWORD)).status).toBe(429);
    expect((await login(PASSWORD, freshIp())).status).toBe(200);
    const audit = await runtime.db
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "in", ["auth.account_locked", "auth.login_failed"])
      .where("target_id", "=", user.id)
      .orderBy("id")
      .execute();
    expect(audit.map((row) => row.action)).toEqual([
      ...Array(5).fill("auth.login_failed"),
      "auth.account_locked",
    ]);
    expect(audit.at(-1)!.details).toMatchObject({ minutes: 15, failures: 5 });
    clock.offset = 16 * 60_000;
    expect((await login(PASSWORD)).status).toBe(200);
    clock.offset = 0;
  });
});

describe("request bodies", () => {
  it("over 64 KiB get 413 on every public POST and on the webhooks", async () => {
    const huge = `zips=${"9".repeat(70 * 1024)}`;
    for (const path of [
      ...publicPosts(),
      "/webhooks/twilio/sms",
      "/webhooks/twilio/voice",
      "/webhooks/twilio/status",
      "/webhooks/twilio/call-status",
      "/webhooks/twilio/alert-call/keypad",
    ]) {
      const answer = await post(path, freshIp(), huge);
      expect(answer.status, path).toBe(413);
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");
    }
  });
});

describe("the honeypot middleware", () => {
  const form = new Hono<AppEnv>();
  let handled = 0;
  form.use(async (c, next) => {
    c.set("ctx", runtime);
    c.set("requestId", "test");
    await next();
  });
  form.post("/form", honeypot({ respond: (c) => c.text("Thank you") }), async (c) => {
    handled += 1;
    return c.text(`handled ${(await c.req.parseBody()).email}`);
  });
  const send = (body: string, type = "application/x-www-form-urlencoded") =>
    form.request("/form", { method: "POST", headers: { "content-type": type }, body });

  it("answers like success and skips the handler when the hidden field is filled", async () => {
    const filled = await send("email=bot%40example.org&website=http%3A%2F%2Fspam.example");
    expect(await filled.text()).toBe("Thank you");
    expect(handled).toBe(0);
  });

  it("lets people through, and the handler can read the body again", async () => {
    expect(await (await send("email=person%40example.org&website=")).text()).toBe(
      "handled person@example.org",
    );
    expect(await (await send("email=person%40example.org")).text()).toBe("handled person@example.org");
    expect(handled).toBe(2);
  });
});
