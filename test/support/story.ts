/**
 * The whole story of issue 16 (point 10), as named steps that both the whole-story test (on a moved
 * clock) and `npm run bench:timeline` (on the machine's time) play: an operator logs a caller's
 * report, dispatches the nearest responder, who stays silent, so the next one is asked when the
 * escalation time has passed; she answers Y and then CONFIRM by text through the signed Twilio
 * webhook, a verifier decides "verified", which drafts the alert from the templates; the other
 * verifier is paged (web push to the console's service worker, decrypted by the push peer), opens
 * the approval page from it and approves, and residents receive the alert by SMS, email and push.
 *
 * Free of vitest, so the benchmark can import it. What people take to act is `people.wait(ms)`: the
 * test moves its clock by that much, the benchmark answers at once, and each step's time counts only
 * what the system did.
 *
 * The clock both play on moves with the people's waits (the test's stands still otherwise; the
 * benchmark's runs on the machine's time plus the waits), so escalation, which asks the clock
 * whether RESPONDER_ESCALATION_MINUTES have passed, happens in both.
 */
import { randomBytes } from "node:crypto";
import { createApp } from "../../src/app.ts";
import type { AppContext } from "../../src/context.ts";
import type { Role } from "../../src/db/database.ts";
import { sealAddress } from "../../src/security/addresses.ts";
import { escalateDueDispatches } from "../../src/services/responders/escalate-responders.ts";
import { createUser } from "../../src/services/users/create-user.ts";
import type { PushPeer } from "../peers/push-peer.ts";
import type { SmtpPeer } from "../peers/smtp-peer.ts";
import type { TwilioPeer } from "../peers/twilio-peer.ts";
import { ConsoleClient } from "./console.ts";
import { runDuePageJobs } from "./page-jobs.ts";
import { phone } from "./sms-webhook.ts";

type App = ReturnType<typeof createApp>;
type Answer = { status: number; body: unknown; headers: Headers };
type Call = (method: string, path: string, body?: unknown) => Promise<Answer>;
export type StoryCaller = { actor: string; email: string; call: Call };

export const STORY_ORG = "Rapid Response Hotline";
const PASSWORD = "correct horse battery staple";
/** Fictional numbers (555-01xx): two responders (Ben nearest, Ana next), one resident texting. */
export const STORY_NUMBERS = { ana: "+15105550161", ben: "+15105550162", resident: "+15105550163" };

export type StoryRig = {
  app: App;
  ctx: AppContext;
  sms: TwilioPeer;
  smtp: SmtpPeer;
  push: PushPeer;
  /** A browser's push subscription at the push peer (JSON, as stored) and its id there. */
  browser(): { id: string; address: string };
};

/** What the simulated people take before each step (ms); the test moves its clock by these. */
export const PEOPLE_WAITS = {
  dispatchResponders: 60_000, // the operator reads the report and clicks Dispatch
  escalateOnSilence: 5 * 60_000, // Ben does not answer: RESPONDER_ESCALATION_MINUTES (default 5)
  answerYes: 90_000, // Ana reads the text and answers Y
  answerConfirm: 7 * 60_000, // drives there and looks
  decideVerified: 2 * 60_000, // the verifier reads the confirmation; deciding drafts the alert
  approverPaged: 30_000, // the other verifier's phone shows the page; she taps it
  approve: 3 * 60_000, // a second person reads the exact texts and approves
} as const;

export type People = { wait(ms: number): Promise<void> };

export type StoryState = {
  cast: { admin: StoryCaller; operator: StoryCaller; verifier: StoryCaller; approver: StoryCaller };
  pushId: string;
  /** The email resident's address (new for each story: addresses are unique). */
  email: string;
  sightingId?: string;
  caseCode?: string;
  alertId?: string;
  /** The approver's console session and the id, at the push peer, of the browser she is paged on. */
  approverConsole?: ConsoleClient;
  approverBrowserId?: string;
  /** The page as her console's service worker got it. */
  page?: { path: string };
  received?: { sms: string; email: string; push: string };
};

function client(app: App, cookie: string): Call {
  return async (method, path, body) => {
    const res = await app.request(`/api/v1/${path}`, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  };
}

/** The answer's body, or an error naming the request and what came back. */
async function expectOk<T>(answer: Promise<Answer>, what: string, status = 200): Promise<T> {
  const got = await answer;
  if (got.status !== status) throw new Error(`${what}: ${got.status} ${JSON.stringify(got.body)}`);
  return got.body as T;
}

async function person(rig: StoryRig, role: Role): Promise<StoryCaller> {
  const email = `${role}.${randomBytes(4).toString("hex")}@hotline.test`;
  const user = await createUser({
    ctx: rig.ctx,
    input: {
      email,
      name: `${role} ${email.slice(0, 12)}`,
      role,
      organisation: STORY_ORG,
      password: PASSWORD,
      actor: "system",
    },
  });
  const res = await rig.app.request("/api/v1/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  const cookie = /^([^;]+)/.exec(res.headers.get("set-cookie") ?? "")?.[1];
  if (res.status !== 200 || !cookie) throw new Error(`login failed: ${res.status}`);
  return { actor: `user:${user.id}`, email, call: client(rig.app, cookie) };
}

/**
 * Before the story (not timed): the staff, two responders who joined and went on duty by text, and
 * three residents of 94607 (one texting the ZIP, one by email, one browser with push).
 */
export async function setUpStory(rig: StoryRig): Promise<StoryState> {
  const cast = {
    admin: await person(rig, "admin"),
    operator: await person(rig, "operator"),
    verifier: await person(rig, "verifier"),
    approver: await person(rig, "verifier"),
  };
  // Ben covers 94607 itself (distance 0); Ana lives in 94611 and covers 10 miles around it, so
  // she is second nearest: the first ring asks Ben, the escalation Ana.
  for (const [name, number, coverage] of [
    ["Ana", STORY_NUMBERS.ana, { homeZip: "94611", radiusMiles: 10 }],
    ["Ben", STORY_NUMBERS.ben, { zips: ["94607"] }],
  ] as const) {
    await expectOk(
      cast.admin.call("POST", "responders", { name, phone: number, languages: ["en"], ...coverage }),
      "invite responder",
      201,
    );
    await phone(rig.app, rig.ctx, number).send("YES");
    await phone(rig.app, rig.ctx, number).send("ON");
  }
  await phone(rig.app, rig.ctx, STORY_NUMBERS.resident).send("94607");
  const browser = rig.browser();
  const email = `resident.${randomBytes(4).toString("hex")}@example.org`;
  for (const [channel, address] of [
    ["email", email],
    ["push", browser.address],
  ] as const) {
    const row = await rig.ctx.db
      .insertInto("subscribers")
      .values({
        channel,
        ...sealAddress(rig.ctx.pii, channel, address),
        language: "en",
        status: "active",
        updated_at: rig.ctx.clock.now(),
        stopped_at: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await rig.ctx.db.insertInto("subscriptions").values({ subscriber_id: row.id, zip: "94607" }).execute();
  }
  const pager = await pagerOn(rig, cast.approver);
  return { cast, pushId: browser.id, email, ...pager };
}

/**
 * The second verifier turns approval pages on in her console, as web/console-paging.js does: a
 * browser subscription at the push peer, posted with her session and the page's CSRF token.
 */
async function pagerOn(
  rig: StoryRig,
  approver: StoryCaller,
): Promise<{ approverConsole: ConsoleClient; approverBrowserId: string }> {
  const session = new ConsoleClient(rig.app);
  const signedIn = await session.signIn(approver.email, PASSWORD);
  if (signedIn.status !== 303) throw new Error(`console sign-in: ${signedIn.status}`);
  const browser = rig.browser();
  await session.get("/console/account/paging");
  const res = await rig.app.request("/console/account/paging/push", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-csrf-token": session.csrf,
      cookie: session.cookieHeader,
    },
    body: JSON.stringify({ subscription: JSON.parse(browser.address) }),
  });
  if (res.status !== 201) throw new Error(`pager push: ${res.status} ${await res.text()}`);
  return { approverConsole: session, approverBrowserId: browser.id };
}

/** The app the story is played against (here, so the benchmark need not import app.ts itself). */
export function storyApp(ctx: AppContext): App {
  return createApp(ctx);
}

type Step = (rig: StoryRig, state: StoryState, people: People) => Promise<void>;

export const logReport: Step = async (rig, state) => {
  const created = await expectOk<{ sighting: { id: string } }>(
    state.cast.operator.call("POST", "sightings", {
      zip: "94607",
      place: "8th St",
      crossStreets: "Market St",
      observedAt: new Date(rig.ctx.clock.now().getTime() - 2 * 60_000).toISOString(),
      agency: "ice",
      activity: "targeted_arrest",
      source: "hotline_call",
    }),
    "log the report",
    201,
  );
  state.sightingId = created.sighting.id;
};

export const dispatchResponders: Step = async (rig, state, people) => {
  await people.wait(PEOPLE_WAITS.dispatchResponders);
  const before = rig.sms.messages.length;
  const answer = await expectOk<{ dispatch: { caseCode: string; requests: { sendStatus: string }[] } }>(
    state.cast.operator.call("POST", `sightings/${state.sightingId}/dispatch`, { count: 1 }),
    "dispatch",
  );
  state.caseCode = answer.dispatch.caseCode;
  // The text is at the loopback Twilio before the answer comes back (sent after the commit).
  await rig.sms.waitFor(before + 1);
  if (rig.sms.messages.at(-1)!.to !== STORY_NUMBERS.ben) throw new Error("the first ring did not ask Ben");
};

/**
 * Ben says nothing. Once the escalation time has passed the system asks the next nearest, Ana. The
 * sweep is what the ring's delayed job and the once-a-minute housekeeping task run; here it runs
 * the moment the time is up, as the job would.
 */
export const escalateOnSilence: Step = async (rig, state, people) => {
  await people.wait(PEOPLE_WAITS.escalateOnSilence);
  const before = rig.sms.messages.length;
  const escalated = await escalateDueDispatches(rig.ctx, { sightingId: state.sightingId! });
  if (escalated.escalated !== 1) throw new Error(`escalation: ${JSON.stringify(escalated)}`);
  await rig.sms.waitFor(before + 1);
  if (rig.sms.messages.at(-1)!.to !== STORY_NUMBERS.ana) throw new Error("the escalation did not ask Ana");
};

export const answerYes: Step = async (rig, state, people) => {
  await people.wait(PEOPLE_WAITS.answerYes);
  const reply = await phone(rig.app, rig.ctx, STORY_NUMBERS.ana).send(`${state.caseCode} Y`);
  if (reply.status !== 200 || reply.messages.length !== 1) throw new Error(`Y: ${reply.xml}`);
};

export const answerConfirm: Step = async (rig, state, people) => {
  await people.wait(PEOPLE_WAITS.answerConfirm);
  const reply = await phone(rig.app, rig.ctx, STORY_NUMBERS.ana).send(
    `${state.caseCode} CONFIRM 2 vans, 4 agents at the corner`,
  );
  if (reply.status !== 200 || reply.messages.length !== 1) throw new Error(`CONFIRM: ${reply.xml}`);
};

/** The decision drafts the alert from the templates; the verifier who decided is its author. */
export const decideVerified: Step = async (_rig, state, people) => {
  await people.wait(PEOPLE_WAITS.decideVerified);
  // The CONFIRM is the verification record (responder on scene): the decision needs no other.
  const decided = await expectOk<{ drafts: { id: string; kind: string }[] }>(
    state.cast.verifier.call("POST", `sightings/${state.sightingId}/resolve`, { status: "verified" }),
    "decide verified",
  );
  const draft = decided.drafts.find((d) => d.kind === "sighting");
  if (!draft) throw new Error(`the decision drafted no alert: ${JSON.stringify(decided.drafts)}`);
  state.alertId = draft.id;
};

/**
 * The draft waits for a second person: the page-approvers job (run here as its worker would) pages
 * everyone who may approve it but its author; the second verifier's browser gets the page, and she
 * opens the approval page from it (which records that it was opened: no re-page).
 */
export const approverPaged: Step = async (rig, state, people) => {
  await runDuePageJobs(rig.ctx);
  const page = await waitUntil(
    () =>
      rig.push.received.find((p) => p.id === state.approverBrowserId && p.payload.includes(state.alertId!)),
    20_000,
  );
  state.page = { path: (JSON.parse(page.payload) as { path: string }).path };
  await people.wait(PEOPLE_WAITS.approverPaged);
  const opened = await state.approverConsole!.get(state.page.path);
  if (opened.status !== 200) throw new Error(`approval page: ${opened.status}`);
};

export const approve: Step = async (_rig, state, people) => {
  await people.wait(PEOPLE_WAITS.approve);
  const preview = await expectOk<{ hash: string }>(
    state.cast.approver.call("GET", `alerts/${state.alertId}/preview`),
    "preview",
  );
  await expectOk(
    state.cast.approver.call("POST", `alerts/${state.alertId}/approve`, { hash: preview.hash }),
    "approve",
  );
};

/** Until each resident has it: the SMS at the Twilio peer, the mail at SMTP, the push decrypted. */
export const residentsReceive: Step = async (rig, state) => {
  const timeoutMs = 20_000;
  const sms = (
    await waitUntil(() => rig.sms.messages.find((m) => m.to === STORY_NUMBERS.resident), timeoutMs)
  ).body;
  const mail = await waitUntil(() => rig.smtp.messages.find((m) => m.to.includes(state.email)), timeoutMs);
  const push = await waitUntil(
    () => rig.push.received.find((p) => p.id === state.pushId && p.payload !== ""),
    timeoutMs,
  );
  // The hand-off span is written as each delivery job ends, just after its last send.
  await waitUntil(async () => {
    const row = await rig.ctx.db
      .selectFrom("deliveries")
      .select((eb) => eb.fn.countAll<string>().as("open"))
      .where("alert_id", "=", state.alertId!)
      .where("status", "in", ["queued", "sending"])
      .executeTakeFirstOrThrow();
    const alert = await rig.ctx.db
      .selectFrom("alerts")
      .select("last_handoff_at")
      .where("id", "=", state.alertId!)
      .executeTakeFirstOrThrow();
    return Number(row.open) === 0 && alert.last_handoff_at ? true : undefined;
  }, timeoutMs);
  state.received = { sms, email: mail.subject, push: push.payload };
};

/** The story's steps in order, by name (the benchmark reports each). */
export const STORY: readonly (readonly [string, Step])[] = [
  ["logReport", logReport],
  ["dispatchResponders", dispatchResponders],
  ["escalateOnSilence", escalateOnSilence],
  ["answerYes", answerYes],
  ["answerConfirm", answerConfirm],
  ["decideVerified", decideVerified],
  ["approverPaged", approverPaged],
  ["approve", approve],
  ["residentsReceive", residentsReceive],
];

/**
 * Plays the story. Returns each step's time on the machine's clock without the people's waits
 * (measured around `people.wait` and subtracted), in ms.
 */
export async function playStory(
  rig: StoryRig,
  state: StoryState,
  people: People,
): Promise<{ step: string; systemMs: number }[]> {
  const out: { step: string; systemMs: number }[] = [];
  for (const [name, step] of STORY) {
    let waited = 0;
    const timed: People = {
      async wait(ms) {
        const started = performance.now();
        await people.wait(ms);
        waited += performance.now() - started;
      },
    };
    const started = performance.now();
    await step(rig, state, timed);
    out.push({ step: name, systemMs: performance.now() - started - waited });
  }
  return out;
}

async function waitUntil<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (performance.now() > deadline) throw new Error(`not there within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
