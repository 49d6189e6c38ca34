/**
 * One confirmation mail per mailbox. An address is read as one RFC 5322 addr-spec (no display
 * name, group or list, no comments), compared without regard to case, and confirmation mails are
 * limited per mailbox — `+tag` subaddresses and Gmail's dots are the same mailbox — in the
 * database, across both ways in (the subscribe form and a texted address) and concurrent
 * requests. Counted at a real SMTP server: what it is asked to deliver, to whom.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { emailConfirmationSentReply, invalidEmailReply } from "../../src/sms/replies.ts";
import { runHousekeeping } from "../../workers/housekeeping.ts";
import { type RunningWorkers, startWorkers } from "../../workers/index.ts";
import { type SmtpPeer, startSmtpPeer } from "../peers/smtp-peer.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";
import { phone } from "../support/sms-webhook.ts";
import { postForm } from "../support/web.ts";

const clock = { offset: 0, now: () => new Date(Date.now() + clock.offset) };
let smtp: SmtpPeer;
let runtime: TestRuntime;
let app: ReturnType<typeof createApp>;
let workers: RunningWorkers;

beforeAll(async () => {
  smtp = await startSmtpPeer();
  runtime = await createTestRuntime({
    clock,
    env: {
      SMTP_URL: smtp.url,
      MAIL_FROM: "Aviso <alerts@aviso.test>",
      CLIENT_IP_HEADER: "X-Forwarded-For",
      WEB_SIGNUPS_PER_IP_PER_HOUR: "1000",
    },
  });
  app = createApp(runtime);
  workers = await startWorkers(runtime);
}, 60_000);
afterAll(async () => {
  await workers?.stop();
  await runtime?.close();
  await smtp?.close();
});

let nextIp = 1;
const signUp = (email: string) =>
  postForm(
    app,
    "/subscribe",
    { zips: "94607", language: "en", email },
    { "x-forwarded-for": `203.0.113.${nextIp++}` },
  );

/** Waits until every confirmation job has run, then the mailboxes the SMTP server was asked to deliver to. */
async function delivered(): Promise<string[]> {
  const open = async () => {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pgboss.job
      WHERE name = 'email-confirmation' AND state IN ('created', 'retry', 'active')`.execute(runtime.db);
    return rows[0]?.n;
  };
  await expect.poll(open, { timeout: 20_000, message: "confirmation jobs still open" }).toBe(0);
  return smtp.messages.flatMap((mail) => mail.to);
}

/** The mailbox a recipient reaches: case folded, `+tag` dropped. */
const mailbox = (recipient: string) => recipient.toLowerCase().replace(/\+[^@]*@/, "@");
const mailsTo = (recipients: string[], box: string) => recipients.filter((to) => mailbox(to) === box).length;

describe("the subscribe form", () => {
  it("refuses display names, lists, groups, comments and quoted tricks, and mails the mailbox once", async () => {
    const refused = [
      "a<victim@x.example>",
      "Victim <victim@x.example>",
      "<victim@x.example>",
      "x,victim@x.example",
      "victim@x.example,victim@x.example",
      "victim@x.example;other@x.example",
      "friends: victim@x.example;",
      "victim(comment)@x.example",
      "victim@x.example (comment)",
      "victim@[192.0.2.1]",
      "victim@x.example.",
      "vïctim@x.example",
      '"vic tim"@x.example',
    ];
    for (const email of refused) {
      const res = await signUp(email);
      expect(res.status, email).toBe(400);
      expect(await res.text(), email).toContain('id="email-error"');
    }
    const accepted = [
      "victim@x.example",
      "VICTIM@X.EXAMPLE",
      "Victim@x.Example",
      '"victim"@x.example', // the same addr-spec, quoted
      "victim+a@x.example",
      "VICTIM+b@x.example",
    ];
    for (const email of accepted) expect((await signUp(email)).status, email).toBe(200);
    expect(mailsTo(await delivered(), "victim@x.example")).toBe(1);
  });

  it("mails one of many concurrent sign-ups for one mailbox", async () => {
    const variants = Array.from(
      { length: 24 },
      (_, i) => [`conc@y.example`, `CONC@y.example`, `conc+${i}@Y.example`, `Conc+x${i}@y.EXAMPLE`][i % 4]!,
    );
    const statuses = await Promise.all(variants.map((email) => signUp(email).then((r) => r.status)));
    expect(new Set(statuses)).toEqual(new Set([200]));
    expect(mailsTo(await delivered(), "conc@y.example")).toBe(1);
  });

  it("treats Gmail's dots and googlemail.com as the one mailbox they are", async () => {
    for (const email of ["first.last@gmail.com", "firstlast@gmail.com", "First.Last+x@googlemail.com"])
      expect((await signUp(email)).status, email).toBe(200);
    const recipients = await delivered();
    const gmail = recipients.filter((to) => /^first\.?last(\+x)?@(gmail|googlemail)\.com$/i.test(to));
    expect(gmail).toHaveLength(1);
  });
});

describe("a texted address", () => {
  it("shares the form's limit: one mail per mailbox whichever way it was asked for", async () => {
    const texter = phone(app, runtime, "+15105550170");
    await texter.send("94607");
    expect((await signUp("shared@z.example")).status).toBe(200);
    for (const body of [
      "SHARED@z.example",
      "<shared@z.example>",
      "shared+sms@Z.EXAMPLE",
      "email: Shared@z.example",
    ])
      expect((await texter.send(body)).messages, body).toEqual([
        emailConfirmationSentReply("en", { program: "Aviso" }),
      ]);
    expect((await texter.send("x,shared@z.example")).messages).toEqual([
      invalidEmailReply("en", { program: "Aviso" }),
    ]);
    expect(mailsTo(await delivered(), "shared@z.example")).toBe(1);
  });

  it("mails the mailbox again once ten minutes have passed", async () => {
    const texter = phone(app, runtime, "+15105550171");
    await texter.send("94607");
    await texter.send("later@z.example");
    await texter.send("LATER+1@z.example");
    expect(mailsTo(await delivered(), "later@z.example")).toBe(1);
    clock.offset += 11 * 60_000;
    await texter.send("later+2@z.example");
    expect(mailsTo(await delivered(), "later@z.example")).toBe(2);
  });

  it("keeps when a mailbox was mailed only while it limits anything", async () => {
    const rows = () => runtime.db.selectFrom("confirmation_mailboxes").select("mailed_at").execute();
    expect((await rows()).length).toBeGreaterThan(0);
    clock.offset += 11 * 60_000;
    await runHousekeeping(runtime, { task: "purge-text-a-zip" });
    expect(await rows()).toEqual([]);
  });
});
