/**
 * Approvers are paged (issue 16, point 7): a draft waiting for approval is pushed (the loopback
 * push service really decrypts it) and texted (the loopback Twilio server) to every other person
 * of its organisation who may approve it, from a pg-boss job that carries ids only; never to its
 * author, another organisation, a role that cannot approve it, a disabled account or a number
 * nobody proved. If no approver opens its page within APPROVER_REPAGE_MINUTES (on a moved clock),
 * they are paged once more, and only once. The phone-verification attack: an unproven number gets
 * no page, a wrong code changes nothing, guessing and code texts are limited.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { User } from "../../src/schemas/accounts.ts";
import { Alert, ApprovalAnswer, Preview } from "../../src/schemas/alerts.ts";
import { CODES_PER_HOUR, MAX_ATTEMPTS } from "../../src/services/paging/pager-phone.ts";
import { pageDueDrafts, repageDueDrafts, runPageJob } from "../../src/services/paging/send-pages.ts";
import { ConsoleClient } from "../support/console.ts";
import { type DeliveryRig, startDeliveryRig } from "../support/delivery.ts";
import { appFor, type Caller, ok, PASSWORD, signIn } from "../support/operators.ts";
import {
  enablePagerPush,
  lastCodeFor,
  PAGING_PATH,
  postPagingJson,
  provePagerPhone,
  runDuePageJobs,
} from "../support/paging.ts";

const ORG = "Rapid Response Hotline";
const OTHER_ORG = "Westside Rapid Response";
const CITY = "City of Oakland";
const PHONES = {
  author: "+15105550181",
  approver: "+15105550182",
  unproven: "+15105550183",
  operator: "+15105550184",
  other: "+15105550185",
  disabled: "+15105550186",
  comms: "+15105550187",
};
const texts = {
  en: { headline: "ICE at 8th St", body: "Reported at 8th St and Market St.", smsText: "ICE at 8th St" },
};

let now = new Date("2026-12-05T20:00:00Z");
const clock = { now: () => now };
const advance = (minutes: number) => {
  now = new Date(now.getTime() + minutes * 60_000);
};

let rig: DeliveryRig;
let app: ReturnType<typeof appFor>;
type Person = { caller: Caller; console: ConsoleClient; email: string; browser?: string };
const people: Record<string, Person> = {};

async function person(name: string, role: Caller["role"], organisation: string): Promise<Person> {
  const email = `${name}.${Date.now()}@hotline.test`;
  const caller = await signIn(rig.runtime, app, role, { organisation, email });
  const console = new ConsoleClient(app);
  const res = await console.signIn(email, PASSWORD);
  expect(res.status).toBe(303);
  people[name] = { caller, console, email };
  return people[name];
}

async function pushOn(p: Person) {
  p.browser = (await enablePagerPush(p.console, rig.push, rig.vapidPublicKey)).id;
}

const pushesTo = (p: Person) => rig.push.received.filter((r) => r.id === p.browser);
const textsTo = (phone: string) =>
  rig.sms.messages.filter((m) => m.to === phone && m.body.startsWith("Aviso:"));

async function draftBy(p: Person): Promise<string> {
  const draft = await ok(
    p.caller.request("POST", "alerts", { texts, target: { zips: ["94607"] }, channels: ["sms"] }),
    Alert,
    201,
  );
  return draft.id;
}

async function auditOf(alertId: string, action: string) {
  return rig.runtime.db
    .selectFrom("audit_log")
    .select(["details"])
    .where("target_id", "=", alertId)
    .where("action", "=", action)
    .execute();
}

beforeAll(async () => {
  // The test moves the clock by hours: sessions must outlive it.
  rig = await startDeliveryRig(
    { APPROVER_REPAGE_MINUTES: "5", SESSION_IDLE_MINUTES: "1440", SESSION_ABSOLUTE_HOURS: "168" },
    { clock },
  );
  app = appFor(rig.runtime);
  const author = await person("author", "verifier", ORG);
  const approver = await person("approver", "verifier", ORG);
  const unproven = await person("unproven", "verifier", ORG);
  const operator = await person("operator", "operator", ORG);
  const comms = await person("comms", "comms", ORG);
  const other = await person("other", "verifier", OTHER_ORG);
  const disabled = await person("disabled", "verifier", ORG);
  await person("admin", "admin", ORG);
  await person("cityComms", "comms", CITY);
  await person("cityComms2", "comms", CITY);
  for (const p of [author, approver, operator, comms, other, disabled]) await pushOn(p);
  await pushOn(people.cityComms!);
  await pushOn(people.cityComms2!);
  await provePagerPhone(author.console, rig.sms, PHONES.author);
  await provePagerPhone(approver.console, rig.sms, PHONES.approver);
  await provePagerPhone(operator.console, rig.sms, PHONES.operator);
  await provePagerPhone(comms.console, rig.sms, PHONES.comms);
  await provePagerPhone(other.console, rig.sms, PHONES.other);
  await provePagerPhone(disabled.console, rig.sms, PHONES.disabled);
  // Added but never proven: the code is texted, nothing else ever is.
  await unproven.console.get(PAGING_PATH);
  expect((await unproven.console.post(`${PAGING_PATH}/phone`, { phone: PHONES.unproven })).status).toBe(200);
  await pushOn(unproven);
  await postPagingJson(unproven.console, `${PAGING_PATH}/push/remove`, {}); // a malformed body changes nothing
});
afterAll(async () => {
  await rig?.close();
});

describe("staff pager addresses", () => {
  it("are sealed and blind-indexed, shown by their last two digits only", async () => {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pager_phones
      WHERE encode(phone_ciphertext, 'escape') LIKE '%5550182%'`.execute(rig.runtime.db);
    expect(rows[0]!.n).toBe(0);
    const { rows: pushes } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pager_push_subscriptions
      WHERE encode(address_ciphertext, 'escape') LIKE '%127.0.0.1%'`.execute(rig.runtime.db);
    expect(pushes[0]!.n).toBe(0);
    const page = await people.approver!.console.get(PAGING_PATH);
    const body = await page.text();
    expect(body).toContain("ending in <strong>82</strong>");
    expect(body).not.toContain("5550182");
  });

  it("an unknown push host is refused and nothing is stored", async () => {
    const before = await count("pager_push_subscriptions");
    const res = await postPagingJson(people.approver!.console, `${PAGING_PATH}/push`, {
      subscription: {
        endpoint: "https://169.254.169.254/push/x",
        keys: {
          p256dh: Buffer.alloc(65, 4).toString("base64url"),
          auth: Buffer.alloc(16, 1).toString("base64url"),
        },
      },
    });
    expect(res.status).toBe(400);
    expect(await count("pager_push_subscriptions")).toBe(before);
  });

  it("a disabled account's browsers and number are deleted", async () => {
    const disabled = people.disabled!;
    await ok(people.admin!.caller.request("PATCH", `users/${disabled.caller.id}`, { disabled: true }), User);
    const left = await rig.runtime.db
      .selectFrom("pager_push_subscriptions")
      .select("id")
      .where("user_id", "=", disabled.caller.id)
      .execute();
    const phone = await rig.runtime.db
      .selectFrom("pager_phones")
      .select("user_id")
      .where("user_id", "=", disabled.caller.id)
      .execute();
    expect([left.length, phone.length]).toEqual([0, 0]);
  });
});

async function count(table: "pager_push_subscriptions" | "pager_phones" | "approval_pages") {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(
    rig.runtime.db,
  );
  return rows[0]!.n;
}

describe("a draft pages its approvers", () => {
  let alertId: string;

  it("at once, from a job with ids only: the other verifiers by push and proven SMS, nobody else", async () => {
    const pushesBefore = rig.push.received.length;
    const smsBefore = rig.sms.messages.length;
    alertId = await draftBy(people.author!);
    const payloads = await runDuePageJobs(rig.runtime);
    expect(payloads).toEqual([{ alertId, round: "first" }]);

    const pushes = rig.push.received.slice(pushesBefore);
    // Both other verifiers' browsers; only the proven number is texted.
    expect(pushes.map((p) => p.id).sort()).toEqual(
      [people.approver!.browser, people.unproven!.browser].sort(),
    );
    expect(JSON.parse(pushes[0]!.payload)).toEqual({
      kind: "approval",
      alertId,
      title: "Aviso",
      body: "A draft alert is waiting for your approval",
      path: `/console/alerts/${alertId}`,
    });
    expect(pushes[0]!.urgency).toBe("high");
    const sms = rig.sms.messages.slice(smsBefore);
    expect(sms.map((m) => [m.to, m.body])).toEqual([
      [
        PHONES.approver,
        `Aviso: a draft alert is waiting for your approval: https://aviso.test/console/alerts/${alertId}`,
      ],
    ]);
    // Not the author (who may approve alerts), not an operator, not comms, not another
    // organisation's verifier, not a disabled account, not an unproven number.
    for (const name of ["author", "operator", "comms", "other", "disabled"]) {
      expect(pushesTo(people[name]!), name).toEqual([]);
    }
    for (const phone of [PHONES.author, PHONES.operator, PHONES.comms, PHONES.other, PHONES.disabled]) {
      expect(textsTo(phone), phone).toEqual([]);
    }
    expect(rig.sms.messages.filter((m) => m.to === PHONES.unproven).map((m) => m.body)).toEqual([
      expect.stringMatching(/^Aviso code \d{6}\./),
    ]);

    const audit = await auditOf(alertId, "alert.approvers_paged");
    expect(audit).toHaveLength(1);
    const details = audit[0]!.details as { push: string[]; sms: string[]; failed: number };
    expect(details.push.sort()).toEqual([people.approver!.caller.id, people.unproven!.caller.id].sort());
    expect(details).toMatchObject({ sms: [people.approver!.caller.id], failed: 0 });
  });

  it("pages nobody twice for the same round (a second job or the backstop at once)", async () => {
    const before = rig.push.received.length + rig.sms.messages.length;
    const results = await Promise.all([
      runPageJob(rig.runtime, { alertId, round: "first" }),
      pageDueDrafts(rig.runtime),
      pageDueDrafts(rig.runtime),
    ]);
    expect(results.map((r) => r.paged)).toEqual([0, 0, 0]);
    expect(rig.push.received.length + rig.sms.messages.length).toBe(before);
  });

  it("re-pages once after APPROVER_REPAGE_MINUTES unopened, not before, not twice", async () => {
    advance(4);
    expect((await repageDueDrafts(rig.runtime)).paged).toBe(0);
    advance(1);
    const [a, b] = await Promise.all([repageDueDrafts(rig.runtime), repageDueDrafts(rig.runtime)]);
    expect(a.paged + b.paged).toBe(3);
    expect(pushesTo(people.approver!)).toHaveLength(2);
    expect(textsTo(PHONES.approver)).toHaveLength(2);
    advance(30);
    expect((await pageDueDrafts(rig.runtime)).paged).toBe(0);
    const repaged = await auditOf(alertId, "alert.approvers_repaged");
    expect(repaged).toHaveLength(1);
    expect(repaged[0]!.details).toMatchObject({ sms: [people.approver!.caller.id], failed: 0 });
  });

  it("is not re-paged once an approver opened its page; the author's look does not count", async () => {
    const id = await draftBy(people.author!);
    await runDuePageJobs(rig.runtime);
    expect((await people.author!.console.get(`/console/alerts/${id}`)).status).toBe(200);
    expect((await people.operator!.console.get(`/console/alerts/${id}`)).status).toBe(200);
    let row = await rig.runtime.db
      .selectFrom("approval_pages")
      .selectAll()
      .where("alert_id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.opened_at).toBeNull();
    advance(1);
    expect((await people.approver!.console.get(`/console/alerts/${id}`)).status).toBe(200);
    row = await rig.runtime.db
      .selectFrom("approval_pages")
      .selectAll()
      .where("alert_id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.opened_by).toBe(people.approver!.caller.id);
    const before = pushesTo(people.approver!).length;
    advance(10);
    expect((await repageDueDrafts(rig.runtime)).paged).toBe(0);
    expect(pushesTo(people.approver!)).toHaveLength(before);
  });

  it("an approved draft is not re-paged", async () => {
    const id = await draftBy(people.author!);
    await runDuePageJobs(rig.runtime);
    const approver = people.approver!.caller;
    const preview = await ok(approver.request("GET", `alerts/${id}/preview`), Preview);
    await ok(
      approver.request("POST", `alerts/${id}/approve`, { hash: preview.hash, publishNow: false }),
      ApprovalAnswer,
    );
    advance(10);
    expect((await repageDueDrafts(rig.runtime)).paged).toBe(0);
  });

  it("a statement pages its organisation's other comms, not verifiers", async () => {
    const before = rig.push.received.length;
    const draft = await ok(
      people.cityComms!.caller.request("POST", "statements", {
        texts: { en: { headline: "City offices open", body: "All offices are open." } },
        target: { zips: ["94607"] },
        channels: ["email"],
        priority: "advisory",
      }),
      Alert,
      201,
    );
    await runDuePageJobs(rig.runtime);
    expect(rig.push.received.slice(before).map((p) => p.id)).toEqual([people.cityComms2!.browser]);
    expect(pushesTo(people.cityComms!)).toEqual([]);
    expect(JSON.parse(rig.push.received.at(-1)!.payload).alertId).toBe(draft.id);
  });

  it("forgets a browser whose push service answers 410 Gone", async () => {
    rig.push.gone(people.approver!.browser!);
    await draftBy(people.author!);
    await runDuePageJobs(rig.runtime);
    const left = await rig.runtime.db
      .selectFrom("pager_push_subscriptions")
      .select("id")
      .where("user_id", "=", people.approver!.caller.id)
      .execute();
    expect(left).toEqual([]);
    await pushOn(people.approver!);
  });

  it("writes no number or email into a job, a log line or the audit log", async () => {
    const { rows } = await sql<{ data: unknown }>`
      SELECT data FROM pgboss.job WHERE name = 'page-approvers'`.execute(rig.runtime.db);
    expect(rows.length).toBeGreaterThan(0);
    const jobs = JSON.stringify(rows);
    const audit = JSON.stringify(
      await rig.runtime.db.selectFrom("audit_log").select(["actor", "details"]).execute(),
    );
    for (const phone of Object.values(PHONES)) {
      const digits = phone.slice(2);
      for (const [where, textOf] of [
        ["jobs", jobs],
        ["logs", rig.runtime.logs.text],
        ["audit", audit],
      ] as const) {
        expect(textOf, where).not.toContain(digits);
        expect(textOf, where).not.toContain(`5550${digits.slice(-3)}`);
      }
    }
    for (const p of Object.values(people)) {
      expect(jobs).not.toContain(p.email);
      expect(rig.runtime.logs.text).not.toContain(p.email);
    }
    expect(jobs).not.toContain("127.0.0.1");
  });
});

describe("the phone-verification attack", () => {
  it("a wrong code changes nothing, guessing is cut off, and codes are texted a few times an hour", async () => {
    const victim = "+15105550189";
    const thief = people.unproven!.console;
    await thief.get(PAGING_PATH);
    expect((await thief.post(`${PAGING_PATH}/phone`, { phone: victim })).status).toBe(200);
    const code = lastCodeFor(rig.sms, victim)!;
    const wrong = code === "000000" ? "111111" : "000000";
    const wrongAnswer = await thief.post(`${PAGING_PATH}/phone/verify`, { code: wrong });
    expect(wrongAnswer.status).toBe(400);
    expect(thief.lastPage).toContain("Wrong code");
    const state = () =>
      rig.runtime.db
        .selectFrom("pager_phones")
        .select(["verified_at"])
        .where("user_id", "=", people.unproven!.caller.id)
        .executeTakeFirstOrThrow();
    expect((await state()).verified_at).toBeNull();
    for (let i = 1; i < MAX_ATTEMPTS; i++) await thief.post(`${PAGING_PATH}/phone/verify`, { code: wrong });
    // Out of guesses: even the right code is refused now.
    const late = await thief.post(`${PAGING_PATH}/phone/verify`, { code });
    expect(late.status).toBe(429);
    expect((await state()).verified_at).toBeNull();

    // An unproven number is never paged.
    const before = rig.sms.messages.filter((m) => m.to === victim).length;
    await draftBy(people.author!);
    await runDuePageJobs(rig.runtime);
    expect(rig.sms.messages.filter((m) => m.to === victim)).toHaveLength(before);

    // CODES_PER_HOUR texts at most (the unproven verifier already had one this hour, plus this one).
    for (let i = 2; i < CODES_PER_HOUR; i++) {
      expect((await thief.post(`${PAGING_PATH}/phone`, { phone: victim })).status).toBe(200);
    }
    const sent = rig.sms.messages.length;
    const refused = await thief.post(`${PAGING_PATH}/phone`, { phone: victim });
    expect(refused.status).toBe(429);
    expect(rig.sms.messages.length).toBe(sent);
    // An hour later, a code again.
    advance(61);
    expect((await thief.post(`${PAGING_PATH}/phone`, { phone: victim })).status).toBe(200);
  });

  it("a forged form without the session's CSRF token changes nothing", async () => {
    const before = await rig.runtime.db.selectFrom("pager_phones").selectAll().execute();
    const res = await people.unproven!.console.post(
      `${PAGING_PATH}/phone`,
      { phone: "+15105550188" },
      { csrf: "forged" },
    );
    expect(res.status).toBe(403);
    expect(await rig.runtime.db.selectFrom("pager_phones").selectAll().execute()).toEqual(before);
  });

  it("a burst of requests, or removing the number and adding it again, texts no more codes an hour", async () => {
    const victim = "+15105550177";
    const thief = (await person("burst", "operator", OTHER_ORG)).console;
    await thief.get(PAGING_PATH);
    const codesTo = () => rig.sms.messages.filter((m) => m.to === victim).length;
    // No row yet: the requests have nothing to lock but must still count against one limit.
    const answers = await Promise.all(
      Array.from({ length: CODES_PER_HOUR + 3 }, () => thief.post(`${PAGING_PATH}/phone`, { phone: victim })),
    );
    expect(answers.filter((r) => r.status === 200)).toHaveLength(CODES_PER_HOUR);
    expect(answers.filter((r) => r.status === 429)).toHaveLength(3);
    expect(codesTo()).toBe(CODES_PER_HOUR);
    // Removing the number does not give the hour's codes back.
    await thief.get(PAGING_PATH);
    expect((await thief.post(`${PAGING_PATH}/phone/remove`, {})).status).toBe(200);
    await thief.get(PAGING_PATH);
    expect((await thief.post(`${PAGING_PATH}/phone`, { phone: victim })).status).toBe(429);
    expect(codesTo()).toBe(CODES_PER_HOUR);
  });

  it("a number can be removed", async () => {
    const c = people.unproven!.console;
    await c.get(PAGING_PATH);
    expect((await c.post(`${PAGING_PATH}/phone/remove`, {})).status).toBe(200);
    const row = await rig.runtime.db
      .selectFrom("pager_phones")
      .select("user_id")
      .where("user_id", "=", people.unproven!.caller.id)
      .executeTakeFirst();
    expect(row).toBeUndefined();
  });
});

describe("the page's link", () => {
  it("opens the approval page after sign-in, and a forged next path goes home", async () => {
    const id = await draftBy(people.author!);
    const visitor = new ConsoleClient(app);
    const res = await visitor.get(`/console/alerts/${id}`);
    expect([res.status, res.headers.get("location")]).toEqual([303, "/console/login"]);
    const login = await visitor.signIn(people.approver!.email, PASSWORD);
    expect(login.headers.get("location")).toBe(`/console/alerts/${id}`);

    const forger = new ConsoleClient(app);
    forger.cookies.set("__Host-aviso_next", "https://evil.example/console/alerts/x");
    const home = await forger.signIn(people.approver!.email, PASSWORD);
    expect(home.headers.get("location")).toBe("/console");
  });
});
