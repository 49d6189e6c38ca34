/**
 * The whole story (issue 16, point 10), on a moved clock with loopback providers: an operator logs
 * a caller's report and dispatches the nearest responder, who stays silent; when the escalation
 * time has passed the system asks the next one, who answers Y and then CONFIRM through the signed
 * Twilio webhook; a verifier decides "verified", which drafts the alert; the second verifier is
 * paged on her console's service worker, opens the approval page from the page and approves it; residents receive it (the SMS at the loopback Twilio, the mail at the SMTP
 * peer, the push decrypted by the push peer). Then the alert's timeline, in the API and on its
 * console page, shows every step in order with the clock's moves as its intervals, and the admin
 * page shows them as the month's medians.
 *
 * The steps are test/support/story.ts's, which `npm run bench:timeline` plays on the machine's time.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Alert } from "../../src/schemas/alerts.ts";
import { AlertTimeline } from "../../src/schemas/timeline.ts";
import { startDeliveryWorkers } from "../../workers/deliveries.ts";
import { ConsoleClient } from "../support/console.ts";
import { type DeliveryRig, startDeliveryRig } from "../support/delivery.ts";
import { appFor, ok, PASSWORD, refused, signIn, staffAccount } from "../support/operators.ts";
import {
  PEOPLE_WAITS,
  playStory,
  STORY_NUMBERS,
  STORY_ORG,
  type StoryRig,
  type StoryState,
  setUpStory,
} from "../support/story.ts";

const START = Date.parse("2026-12-05T03:58:00Z");
let offset = 0;
const clock = { now: () => new Date(START + offset) };
/** The simulated people: their waits move the clock, nothing else. */
const people = {
  async wait(ms: number) {
    offset += ms;
  },
};

let rig: DeliveryRig;
let story: StoryRig;
let state: StoryState;
let workers: { stop(): Promise<void> };

beforeAll(async () => {
  rig = await startDeliveryRig({ SESSION_IDLE_MINUTES: "120" }, { clock });
  workers = await startDeliveryWorkers(rig.runtime);
  story = {
    app: appFor(rig.runtime),
    ctx: rig.runtime,
    sms: rig.sms,
    smtp: rig.smtp,
    push: rig.push,
    browser: () => rig.browser(),
  };
  state = await setUpStory(story);
});
afterAll(async () => {
  await workers?.stop();
  await rig?.close();
});

/** A console session of a new account of the story's organisation. */
async function consoleAs(role: "operator" | "admin"): Promise<ConsoleClient> {
  const { email } = await staffAccount(rig.runtime, role, STORY_ORG);
  const client = new ConsoleClient(story.app);
  await client.signIn(email, PASSWORD);
  return client;
}

describe("the whole story, on a moved clock", () => {
  it("goes from a caller's report to residents' phones, and the timeline shows each step", async () => {
    const reportedAt = clock.now().getTime();
    await playStory(story, state, people);

    // Residents received what the second person approved, on every channel.
    expect(state.received!.sms).toMatch(/^VERIFIED: ICE arrest near 8th St/);
    expect(state.received!.email).toMatch(/^VERIFIED: /);
    expect(JSON.parse(state.received!.push).label).toBe("VERIFIED");
    // The dispatch texts went to responders only; the resident got only the alert.
    const residentTexts = rig.sms.messages.filter((m) => m.to === STORY_NUMBERS.resident);
    expect(residentTexts).toHaveLength(1);
    // Ben was asked first and said nothing; the escalation asked Ana, five minutes later.
    for (const responder of [STORY_NUMBERS.ben, STORY_NUMBERS.ana]) {
      expect(rig.sms.messages.filter((m) => m.to === responder).at(-1)!.body).toMatch(
        new RegExp(`^AVISO CASE ${state.caseCode}: `),
      );
    }
    const dispatch = await state.cast.operator.call("GET", `sightings/${state.sightingId}/responders`);
    expect(JSON.stringify(dispatch.body)).toContain(
      "Nobody answered Y within 5 minutes; the next responder was asked at",
    );

    // The page named the approval page and nothing of the alert; she opened it, so no re-page.
    expect(state.page!.path).toBe(`/console/alerts/${state.alertId}`);
    const pages = await rig.runtime.db
      .selectFrom("approval_pages")
      .selectAll()
      .where("alert_id", "=", state.alertId!)
      .executeTakeFirstOrThrow();
    expect(pages.opened_at).not.toBeNull();
    expect(pages.repaged_at).toBeNull();

    const alert = await ok(state.cast.operator.call("GET", `alerts/${state.alertId}`), Alert);
    expect(alert).toMatchObject({ status: "published", approverId: state.cast.approver.actor });

    const timeline = await ok(
      state.cast.operator.call("GET", `alerts/${state.alertId}/timeline`),
      AlertTimeline,
    );
    const W = PEOPLE_WAITS;
    const at = (ms: number) => new Date(reportedAt + ms).toISOString();
    const dispatched = W.dispatchResponders;
    const escalated = dispatched + W.escalateOnSilence;
    const yes = escalated + W.answerYes;
    const confirm = yes + W.answerConfirm;
    const decided = confirm + W.decideVerified;
    // The decision drafted the alert in its own transaction.
    const drafted = decided;
    // Paged the moment it was drafted (the job's worker), opened when she tapped the page.
    const opened = drafted + W.approverPaged;
    const approved = opened + W.approve;
    expect(timeline.steps).toEqual([
      { step: "reported", at: at(0), after: null, sincePreviousMs: null },
      { step: "dispatched", at: at(dispatched), after: "reported", sincePreviousMs: W.dispatchResponders },
      { step: "escalated", at: at(escalated), after: "dispatched", sincePreviousMs: W.escalateOnSilence },
      { step: "first_yes", at: at(yes), after: "escalated", sincePreviousMs: W.answerYes },
      { step: "first_confirm", at: at(confirm), after: "first_yes", sincePreviousMs: W.answerConfirm },
      { step: "decided", at: at(decided), after: "first_confirm", sincePreviousMs: W.decideVerified },
      { step: "drafted", at: at(drafted), after: "decided", sincePreviousMs: 0 },
      { step: "paged", at: at(drafted), after: "drafted", sincePreviousMs: 0 },
      { step: "approval_opened", at: at(opened), after: "paged", sincePreviousMs: W.approverPaged },
      { step: "approved", at: at(approved), after: "approval_opened", sincePreviousMs: W.approve },
      // Approval publishes at once, and the fan-out runs while the clock stands still.
      { step: "published", at: at(approved), after: "approved", sincePreviousMs: 0 },
      { step: "first_handoff", at: at(approved), after: "published", sincePreviousMs: 0 },
      { step: "last_handoff", at: at(approved), after: "first_handoff", sincePreviousMs: 0 },
    ]);
    expect(timeline.totalMs).toBe(approved);

    // The hand-off span came from one UPDATE per delivery job, and matches the ledger.
    const span = await rig.runtime.db
      .selectFrom("deliveries")
      .select((eb) => [eb.fn.min("sent_at").as("first"), eb.fn.max("sent_at").as("last")])
      .where("alert_id", "=", state.alertId!)
      .executeTakeFirstOrThrow();
    expect(new Date(span.first as Date).toISOString()).toBe(at(approved));
    expect(new Date(span.last as Date).toISOString()).toBe(at(approved));
  });

  it("shows the timeline on the alert's console page and the month's medians on the admin page", async () => {
    const operator = await consoleAs("operator");
    const page = await operator.get(`/console/alerts/${state.alertId}`);
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain(">Timeline</h2>");
    expect(text).toContain("First confirmation from the scene");
    expect(text).toContain("7 min 0 s after first responder on the way (y)");

    const admin = await consoleAs("admin");
    const adminPage = await admin.get("/console/timeline");
    expect(adminPage.status).toBe(200);
    const figures = await adminPage.text();
    expect(figures).toContain("1 alert drafted in the last 30 days");
    expect(figures).toContain("5 min 0 s");
    expect(figures).toContain("1 min 30 s");
  });

  it("shows missing steps as missing: an alert drafted from scratch has no sighting steps", async () => {
    const draft = await ok(
      state.cast.operator.call("POST", "alerts", {
        target: { zips: ["94607"] },
        texts: {
          en: { headline: "Know your rights", body: "Workshop tonight.", smsText: "Workshop tonight." },
        },
        priority: "advisory",
      }),
      Alert,
      201,
    );
    const timeline = await ok(state.cast.operator.call("GET", `alerts/${draft.id}/timeline`), AlertTimeline);
    expect(timeline.steps.filter((s) => s.at !== null).map((s) => s.step)).toEqual(["drafted"]);
    expect(timeline.steps.find((s) => s.step === "reported")).toEqual({
      step: "reported",
      at: null,
      after: null,
      sincePreviousMs: null,
    });
  });

  it("is in the OpenAPI document", async () => {
    const res = await story.app.request("/api/v1/openapi.json");
    const doc = (await res.json()) as { paths: Record<string, { get?: { summary?: string } }> };
    expect(doc.paths["/api/v1/alerts/{id}/timeline"]?.get?.summary).toMatch(/timeline/);
  });

  it("keeps another organisation's drafts and sighting steps to itself", async () => {
    const stranger = await signIn(rig.runtime, appFor(rig.runtime), "operator", {
      organisation: "Westside Rapid Response",
    });
    const published = await ok(stranger.request("GET", `alerts/${state.alertId}/timeline`), AlertTimeline);
    expect(published.steps.filter((s) => s.at !== null).map((s) => s.step)).toEqual([
      "drafted",
      "approved",
      "published",
      "first_handoff",
      "last_handoff",
    ]);
    await refused(stranger.request("GET", "alerts/00000000-0000-4000-8000-000000000000/timeline"), 404);
    await refused(stranger.request("GET", "alerts/not-a-uuid/timeline"), 400);
  });
});
