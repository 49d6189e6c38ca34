/**
 * Where alerts go, and what the audit log says: a radius around the sighting's ZIP (reference
 * coordinates, service area only), city-wide statements, ZIPs outside the area refused; the audit
 * log is for admins and names objects, never residents.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { Alert } from "../../src/schemas/alerts.ts";
import { AuditEntry } from "../../src/schemas/audit.ts";
import { list } from "../../src/schemas/common.ts";
import { CreatedSighting, Sighting } from "../../src/schemas/sightings.ts";
import { appFor, type Caller, ok, refused, signIn } from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

let runtime: TestRuntime;
let operator: Caller;
let verifier: Caller;
let comms: Caller;
let admin: Caller;

beforeAll(async () => {
  runtime = await createTestRuntime({ env: { SERVICE_AREA: "946*" } });
  const app = appFor(runtime);
  operator = await signIn(runtime, app, "operator");
  verifier = await signIn(runtime, app, "verifier");
  comms = await signIn(runtime, app, "comms");
  admin = await signIn(runtime, app, "admin");
}, 60_000);
afterAll(() => runtime.close());

const texts = { en: { headline: "H", body: "B", smsText: "S" } };

describe("targets", () => {
  it("a radius around the sighting's ZIP: that ZIP first, then its neighbours in the service area", async () => {
    const logged = await ok(
      operator.request("POST", "sightings", {
        zip: "94607",
        place: "Oakland Chinatown",
        observedAt: new Date().toISOString(),
        agency: "cbp",
        activity: "sweep",
        source: "responder",
      }),
      CreatedSighting,
      201,
    );
    await ok(
      verifier.request("POST", `sightings/${logged.sighting.id}/resolve`, {
        status: "verified",
        verification: { method: "photo" },
      }),
      Sighting,
    );
    const draft = await ok(
      operator.request("POST", "alerts", {
        sightingId: logged.sighting.id,
        target: { radiusMiles: 2 },
        templateLanguages: ["en", "zh"],
      }),
      Alert,
      201,
    );
    expect(draft.targetZips[0]).toBe("94607");
    expect(draft.targetZips).toContain("94612"); // downtown Oakland, about a mile away
    expect(draft.targetZips).not.toContain("94621"); // the airport, miles away
    expect(draft.targetZips.every((zip) => zip.startsWith("946"))).toBe(true);
    expect(Object.keys(draft.texts).sort()).toEqual(["en", "zh"]);
    expect(draft.texts.zh!.smsText).toMatch(/Oakland Chinatown附近确认有CBP突击搜捕/);
  });

  it("refuses ZIPs outside the service area, and a radius around one", async () => {
    const error = await refused(
      operator.request("POST", "alerts", { texts, target: { zips: ["94607", "10001"] } }),
      400,
      "validation_failed",
    );
    expect(error.message).toMatch(/10001/);
    await refused(
      operator.request("POST", "alerts", { texts, target: { radiusMiles: 1, aroundZip: "10001" } }),
      400,
    );
    await refused(operator.request("POST", "alerts", { texts, target: { radiusMiles: 100 } }), 400);
  });

  it("a city-wide statement covers the whole service area", async () => {
    const statement = await ok(
      comms.request("POST", "statements", {
        texts: { en: { headline: "Know your rights", body: "The city will not share residents' data." } },
        target: { cityWide: true },
        priority: "community",
        channels: ["email", "push"],
      }),
      Alert,
      201,
    );
    const inArea = await runtime.db
      .selectFrom("zip_codes")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("zip", "like", "946%")
      .executeTakeFirstOrThrow();
    expect(statement.targetZips).toHaveLength(Number(inArea.n));
    expect(statement.channels).toEqual(["email", "push"]);
  });
});

describe("the audit log", () => {
  it("is read by admins, newest first, filtered by object, and holds no contact details", async () => {
    const logged = await ok(
      operator.request("POST", "sightings", {
        zip: "94601",
        place: "Fruitvale BART",
        observedAt: new Date().toISOString(),
        agency: "ice",
        activity: "checkpoint",
        source: "hotline_call",
        reporterCallback: "510 555 0166",
      }),
      CreatedSighting,
      201,
    );
    const callback = await ok(
      operator.request("GET", `sightings/${logged.sighting.id}/callback`),
      z.object({ phone: z.string() }),
    );
    expect(callback.phone).toBe("+15105550166");
    const entries = await ok(
      admin.request("GET", `audit?targetType=sighting&targetId=${logged.sighting.id}`),
      list(AuditEntry),
    );
    expect(entries.items.map((e) => e.action)).toEqual(["sighting.callback_viewed", "sighting.created"]);
    expect(entries.items.every((e) => e.actor === operator.actor)).toBe(true);
    const everything = await ok(admin.request("GET", "audit?limit=500"), list(AuditEntry));
    expect(everything.items.map((e) => e.action)).toEqual(
      expect.arrayContaining(["auth.login", "user.created"]),
    );
    expect(JSON.stringify(everything)).not.toMatch(/555.?0166|@hotline\.test/);
    await refused(operator.request("GET", "audit"), 403);
  });
});
