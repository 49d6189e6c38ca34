// Texting an email address: email double opt-in with the texter's ZIPs and language. The mail goes
// through the job queue and the email sender (the local outbox here), and nothing reaches the
// address until its link is followed.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { listOutbox } from "../../src/delivery/local-outbox.ts";
import { confirmationToken } from "../../src/services/subscriptions/email-token.ts";
import { emailConfirmationSentReply, nothingToStartReply } from "../../src/sms/replies.ts";
import { runHousekeeping } from "../../workers/housekeeping.ts";
import { type RunningWorkers, startWorkers } from "../../workers/index.ts";
import { addressForms, dumpEverything } from "../support/privacy.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";
import { phone } from "../support/sms-webhook.ts";
import { subscriberState } from "../support/subscribers.ts";
import { postForm } from "../support/web.ts";

// Each test texts from its own numbers and about its own addresses, and makes any state it needs
// itself, so the tests pass in any order (vitest --sequence.shuffle).
let runtime: TestRuntime;
let app: ReturnType<typeof createApp>;
let workers: RunningWorkers;

beforeAll(async () => {
  runtime = await createTestRuntime();
  app = createApp(runtime);
  workers = await startWorkers(runtime);
});
afterAll(async () => {
  await workers.stop();
  await runtime.close();
});

/** The confirmation mail, once the worker has sent it (polled: the outbox is a table). */
async function mailTo(address: string) {
  const first = async () =>
    (await listOutbox(runtime.db, runtime.pii, { channel: "email", recipient: address, limit: 1 }))[0];
  await expect.poll(first, { timeout: 15_000, message: "no confirmation mail" }).toBeDefined();
  return (await first())!;
}

/** Subscribes `address` by text from `number` and follows the link (the token made as the mail's is). */
async function confirmedByText(number: string, zips: string, address: string) {
  const texter = phone(app, runtime, number);
  await texter.send(zips);
  expect((await texter.send(address)).messages).toEqual([
    emailConfirmationSentReply("en", { program: "Aviso" }),
  ]);
  const pending = await subscriberState(runtime, address, "email");
  const [confirmation] = await runtime.db
    .selectFrom("email_confirmations")
    .select("id")
    .where("subscriber_id", "=", pending!.id)
    .execute();
  const token = confirmationToken(runtime.pii, confirmation!.id);
  expect((await postForm(app, "/email/confirm", { token })).status).toBe(200);
  const state = await subscriberState(runtime, address, "email");
  expect(state).toMatchObject({ status: "active" });
  return state!;
}

function linkIn(text: string): URL {
  const match = /https:\/\/aviso\.test\/email\/confirm\?token=[A-Za-z0-9_-]{43}/.exec(text);
  expect(match, text).not.toBeNull();
  return new URL(match![0]);
}

describe("email double opt-in by text", () => {
  it("creates a pending subscriber with the same ZIPs and language, mails a link, and confirms on POST", async () => {
    const texter = phone(app, runtime, "+15105550160");
    await texter.send("94607 y 94601");
    expect((await texter.send("Mi.Correo@Example.org")).messages).toEqual([
      emailConfirmationSentReply("es", { program: "Aviso" }),
    ]);

    const address = "mi.correo@example.org";
    const pending = await subscriberState(runtime, address, "email");
    expect(pending).toMatchObject({
      status: "pending",
      language: "es",
      zips: [], // the ZIPs wait in the confirmation, as for the subscribe form
    });
    const [confirmation] = await runtime.db
      .selectFrom("email_confirmations")
      .selectAll()
      .where("subscriber_id", "=", pending!.id)
      .execute();
    expect(confirmation).toMatchObject({ zips: ["94601", "94607"], language: "es", confirmed_at: null });
    expect(confirmation!.token_hash).toHaveLength(32);
    expect(confirmation!.expires_at.getTime() - Date.now()).toBeGreaterThan(47 * 3_600_000);
    const { rows: jobs } = await sql<{ data: unknown }>`
      SELECT data FROM pgboss.job
      WHERE name = 'email-confirmation' AND data->>'confirmationId' = ${confirmation!.id}`.execute(
      runtime.db,
    );
    expect(jobs.map((job) => job.data)).toEqual([{ confirmationId: confirmation!.id }]);

    const mail = await mailTo(address);
    expect(mail.subject).toBe("Confirme su correo para las alertas de Aviso");
    expect(mail.body).toContain("94601, 94607");
    const link = linkIn(mail.body);

    // Opening the link (or a mail scanner opening it) changes nothing.
    const page = await app.request(link.pathname + link.search);
    expect(page.status).toBe(200);
    expect(page.headers.get("Referrer-Policy")).toBe("no-referrer");
    const pageHtml = await page.text();
    expect(pageHtml).toContain('lang="es"');
    expect(pageHtml).toContain("Confirmar");
    expect(await subscriberState(runtime, address, "email")).toMatchObject({ status: "pending" });

    const confirm = () =>
      app.request("/email/confirm", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token: link.searchParams.get("token")! }).toString(),
      });
    const done = await confirm();
    expect(done.status).toBe(200);
    expect(await done.text()).toContain(
      "Confirmado. Recibirá por correo las alertas de Aviso para 94601, 94607.",
    );
    const state = await subscriberState(runtime, address, "email");
    expect(state).toMatchObject({ status: "active", language: "es", zips: ["94601", "94607"] });
    expect((await confirm()).status).toBe(200);
    const consent = await runtime.db
      .selectFrom("consent_events")
      .select(["kind", "channel", "keyword", "language"])
      .where("subscriber_id", "=", state!.id)
      .execute();
    expect(consent).toEqual([{ kind: "opt_in", channel: "email", keyword: "email_confirm", language: "es" }]);
  });

  it("mails an address at most once per ten minutes however often it is texted", async () => {
    const texter = phone(app, runtime, "+15105550161");
    await texter.send("94610");
    for (let i = 0; i < 3; i++) {
      expect((await texter.send("other.person@example.net")).messages).toEqual([
        emailConfirmationSentReply("en", { program: "Aviso" }),
      ]);
    }
    const email = await subscriberState(runtime, "other.person@example.net", "email");
    const rows = await runtime.db
      .selectFrom("email_confirmations")
      .select("id")
      .where("subscriber_id", "=", email!.id)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it("never changes a confirmed subscriber's ZIPs before the new link is followed", async () => {
    const address = "confirmed@example.org";
    await confirmedByText("+15105550162", "94607 94601", address);
    const texter = phone(app, runtime, "+15105550163");
    await texter.send("94619");
    await texter.send(address);
    expect(await subscriberState(runtime, address, "email")).toMatchObject({
      status: "active",
      zips: ["94601", "94607"],
    });
  });

  it("asks for a ZIP first, and stays silent for a stopped number", async () => {
    const texter = phone(app, runtime, "+15105550165");
    expect((await texter.send("someone@example.com")).messages).toEqual([
      nothingToStartReply("en", { program: "Aviso", example: "94607" }),
    ]);
    await texter.send("94607");
    await texter.send("STOP");
    expect((await texter.send("someone@example.com")).messages).toEqual([]);
    expect(await subscriberState(runtime, "someone@example.com", "email")).toBeUndefined();
  });

  it("refuses unknown and malformed tokens", async () => {
    expect((await app.request("/email/confirm?token=nope")).status).toBe(404);
    expect((await app.request(`/email/confirm?token=${"A".repeat(43)}`)).status).toBe(404);
    const res = await app.request("/email/confirm", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: `token=${"B".repeat(43)}`,
    });
    expect(res.status).toBe(400);
  });

  it("forgets addresses that were never confirmed once their link has expired", async () => {
    const unconfirmed = "never.confirmed@example.net";
    const confirmed = "kept@example.org";
    await phone(app, runtime, "+15105550166").send("94610");
    await phone(app, runtime, "+15105550166").send(unconfirmed);
    expect(await subscriberState(runtime, unconfirmed, "email")).toMatchObject({ status: "pending" });
    await confirmedByText("+15105550167", "94607", confirmed);

    const later = { ...runtime, clock: { now: () => new Date(Date.now() + 49 * 3_600_000) } };
    await runHousekeeping(later, { task: "purge-text-a-zip" });
    expect(await subscriberState(runtime, unconfirmed, "email")).toBeUndefined();
    expect(await subscriberState(runtime, confirmed, "email")).toMatchObject({ status: "active" });
  });

  it("leaves no number or address in clear in the database or the logs", async () => {
    // A texter asks for mail, the worker sends the link, and it is followed: every table and log
    // this file's flows write to has had its chance to hold the number or the address.
    const numbers = ["+15105550168", "+15105550169"];
    const addresses = ["Clear.Text@Example.org", "pending.only@example.net"];
    await phone(app, runtime, numbers[1]!).send("94601");
    await phone(app, runtime, numbers[1]!).send(addresses[1]!);
    const texter = phone(app, runtime, numbers[0]!);
    await texter.send("94607");
    await texter.send(addresses[0]!);
    const link = linkIn((await mailTo(addresses[0]!.toLowerCase())).body);
    expect((await postForm(app, "/email/confirm", { token: link.searchParams.get("token")! })).status).toBe(
      200,
    );
    await mailTo(addresses[1]!);

    const dump = await dumpEverything(runtime);
    for (const address of [...numbers, ...addresses]) {
      for (const form of addressForms(address)) {
        expect(dump, `dump contains ${form}`).not.toContain(form);
        expect(runtime.logs.text, `logs contain ${form}`).not.toContain(form);
      }
    }
  });
});

describe("an address texted by someone else while its owner's link is open", () => {
  it("adds nothing to the pending subscriber: the owner's link subscribes it to what the owner asked for", async () => {
    const owner = "owner@example.org";
    const signUp = await postForm(app, "/subscribe", { zips: "94607", language: "en", email: owner });
    expect(signUp.status).toBe(200);
    const stranger = phone(app, runtime, "+15105550164");
    await stranger.send("94601");
    expect((await stranger.send(owner)).messages).toEqual([
      emailConfirmationSentReply("en", { program: "Aviso" }),
    ]);
    const pending = await subscriberState(runtime, owner, "email");
    expect(pending).toMatchObject({ status: "pending", zips: [] });

    const [confirmation] = await runtime.db
      .selectFrom("email_confirmations")
      .select("id")
      .where("subscriber_id", "=", pending!.id)
      .execute();
    const token = confirmationToken(runtime.pii, confirmation!.id);
    expect((await postForm(app, "/email/confirm", { token })).status).toBe(200);
    expect(await subscriberState(runtime, owner, "email")).toMatchObject({
      status: "active",
      zips: ["94607"],
    });
  });
});
