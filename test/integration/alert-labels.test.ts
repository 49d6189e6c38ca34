/**
 * VERIFIED means verified. Only an alert tied to a sighting a verifier marked verified carries
 * VERIFIED; an alert drafted from scratch is an ADVISORY (AVISO, 提示, KHUYẾN CÁO) in every message,
 * page and feed. And the label is still true when it goes out: if the sighting stops being
 * verified between drafting and publishing, the alert is refused, with nothing sent.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Alert, ApprovalAnswer, Preview } from "../../src/schemas/alerts.ts";
import { Sighting } from "../../src/schemas/sightings.ts";
import { addSubscriber } from "../support/fanout.ts";
import {
  apiClient,
  appFor,
  type Caller,
  ok,
  refused,
  verifiedSighting as sightingVerified,
  signIn,
} from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

let runtime: TestRuntime;
let app: ReturnType<typeof appFor>;
let operator: Caller;
let verifier: Caller;
let secondVerifier: Caller;

const ADVISORY = { en: "ADVISORY", es: "AVISO", zh: "提示", vi: "KHUYẾN CÁO" };
const VERIFIED = { en: "VERIFIED", es: "VERIFICADO", zh: "已核实", vi: "ĐÃ XÁC MINH" };
const text = (words: string) => ({ headline: words, body: words, smsText: words });
const scratchTexts = {
  en: text("Reports of agents near Lake Merritt"),
  es: text("Reportes de agentes cerca del lago Merritt"),
  zh: text("有报告称梅里特湖附近有执法人员"),
  vi: text("Có tin báo nhân viên gần hồ Merritt"),
};

beforeAll(async () => {
  runtime = await createTestRuntime();
  app = appFor(runtime);
  operator = await signIn(runtime, app, "operator");
  verifier = await signIn(runtime, app, "verifier");
  secondVerifier = await signIn(runtime, app, "verifier");
  await addSubscriber(runtime, { channel: "sms", address: "+15105550151", zips: ["94610"] });
}, 60_000);
afterAll(async () => {
  await runtime?.close();
});

const verifiedSighting = (place: string) =>
  sightingVerified(
    { operator, verifier },
    { place, zip: "94610", observedAt: new Date(Date.now() - 5 * 60_000).toISOString(), activity: "sweep" },
  );

const deliveriesOf = async (alertId: string) =>
  (await runtime.db.selectFrom("deliveries").select("id").where("alert_id", "=", alertId).execute()).length;

describe("labels", () => {
  it("an alert from scratch is an ADVISORY in all four languages, everywhere it is shown", async () => {
    const draft = await ok(
      operator.request("POST", "alerts", { texts: scratchTexts, target: { zips: ["94610"] } }),
      Alert,
      201,
    );
    const preview = await ok(verifier.request("GET", `alerts/${draft.id}/preview`), Preview);
    for (const l of preview.languages) {
      expect(l.label).toBe(ADVISORY[l.language]);
      expect(l.sms.text.startsWith(`${ADVISORY[l.language]}: `)).toBe(true);
      expect(l.emailSubject.startsWith(`${ADVISORY[l.language]}: `)).toBe(true);
    }
    expect(preview.languages).toHaveLength(4);
    await ok(verifier.request("POST", `alerts/${draft.id}/approve`, { hash: preview.hash }), ApprovalAnswer);
    const anonymous = apiClient(app);
    const page = await anonymous("GET", `/alerts/${draft.id}?lang=es`);
    expect(String(page.body)).toContain("AVISO");
    expect(String(page.body)).not.toContain("VERIFICADO");
    const cap = String((await anonymous("GET", `/feeds/cap/${draft.id}.xml`)).body);
    expect(cap).toContain("<headline>ADVISORY: Reports of agents near Lake Merritt</headline>");
    expect(cap).not.toContain("VERIFIED");
    // Nobody recorded an observation: CAP says so too.
    expect(cap).toContain("<certainty>Unknown</certainty>");
    const atom = String((await anonymous("GET", "/feeds/alerts.atom")).body);
    expect(atom).toContain("ADVISORY: Reports of agents near Lake Merritt");
  });

  it("an alert from a verified sighting is VERIFIED, in all four languages", async () => {
    const sightingId = await verifiedSighting("Grand Ave & Lakeshore");
    const draft = await ok(operator.request("POST", "alerts", { sightingId }), Alert, 201);
    const preview = await ok(verifier.request("GET", `alerts/${draft.id}/preview`), Preview);
    expect(preview.languages.map((l) => l.label)).toEqual(preview.languages.map((l) => VERIFIED[l.language]));
    expect(preview.languages).toHaveLength(4);
  });

  it("the console's composer shows a new scratch alert as an ADVISORY", async () => {
    const res = await app.request("/console/alerts/new", { headers: { cookie: operator.cookie! } });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain("ADVISORY: ");
    expect(page).not.toContain("VERIFIED: ");
  });
});

describe("the label is still true at publish time", () => {
  it("a sighting found to be a false alarm after drafting: approval is refused, nothing sent", async () => {
    const sightingId = await verifiedSighting("Lakeshore Ave");
    const draft = await ok(operator.request("POST", "alerts", { sightingId }), Alert, 201);
    const preview = await ok(verifier.request("GET", `alerts/${draft.id}/preview`), Preview);
    await ok(
      secondVerifier.request("POST", `sightings/${sightingId}/resolve`, { status: "false_alarm" }),
      Sighting,
    );
    const error = await refused(
      verifier.request("POST", `alerts/${draft.id}/approve`, { hash: preview.hash }),
      409,
      "conflict",
    );
    expect(error.message).toMatch(/false_alarm/);
    expect((await ok(operator.request("GET", `alerts/${draft.id}`), Alert)).status).toBe("draft");
    expect(await deliveriesOf(draft.id)).toBe(0);
    // Previewed again, it still is not VERIFIED-and-approvable: the refusal stands.
    const again = await ok(verifier.request("GET", `alerts/${draft.id}/preview`), Preview);
    await refused(
      verifier.request("POST", `alerts/${draft.id}/approve`, { hash: again.hash }),
      409,
      "conflict",
    );
  });

  it("…or after approval, before publishing: publishing is refused, nothing sent", async () => {
    const sightingId = await verifiedSighting("Lake Park Ave");
    const draft = await ok(operator.request("POST", "alerts", { sightingId }), Alert, 201);
    const preview = await ok(verifier.request("GET", `alerts/${draft.id}/preview`), Preview);
    await ok(
      verifier.request("POST", `alerts/${draft.id}/approve`, { hash: preview.hash, publishNow: false }),
      ApprovalAnswer,
    );
    await ok(
      secondVerifier.request("POST", `sightings/${sightingId}/resolve`, { status: "false_alarm" }),
      Sighting,
    );
    const error = await refused(operator.request("POST", `alerts/${draft.id}/publish`), 409, "conflict");
    expect(error.message).toMatch(/false_alarm/);
    expect((await ok(operator.request("GET", `alerts/${draft.id}`), Alert)).status).toBe("approved");
    expect(await deliveriesOf(draft.id)).toBe(0);
  });
});
