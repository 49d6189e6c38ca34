/**
 * The operator console through HTTP (no browser): sign-in, the whole path from a hotline call to a
 * published alert by two people, the approver seeing exactly what will be sent, bad input shown
 * next to the field with nothing changed, CSRF (missing, stale, forged, cross-site → 403), no-store
 * on every console page, and role checks.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UNSAVED_ALERT_ID } from "../../src/services/alerts/compose.ts";
import { shortAlertPath, shortAlertUrl } from "../../src/services/alerts/short-link.ts";
import { createUser } from "../../src/services/users/create-user.ts";
import { countSegments } from "../../src/sms/segments.ts";
import { ConsoleClient } from "../support/console.ts";
import { appFor, PASSWORD } from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

let runtime: TestRuntime;
let app: ReturnType<typeof appFor>;
const accounts = {
  operator: "ops@hotline.test",
  verifier: "ver@hotline.test",
  comms: "comms@city.test",
  admin: "admin@hotline.test",
} as const;

beforeAll(async () => {
  runtime = await createTestRuntime();
  app = appFor(runtime);
  for (const [role, email] of Object.entries(accounts)) {
    await createUser({
      ctx: runtime,
      input: {
        email,
        name: `The ${role}`,
        role: role as keyof typeof accounts,
        organisation: role === "comms" ? "City of Oakland" : "Rapid Response Hotline",
        password: PASSWORD,
        actor: "system",
      },
    });
  }
}, 60_000);
afterAll(async () => {
  await runtime?.close();
});

async function as(role: keyof typeof accounts): Promise<ConsoleClient> {
  const client = new ConsoleClient(app);
  const res = await client.signIn(accounts[role], PASSWORD);
  expect(res.status).toBe(303);
  expect(res.headers.get("location")).toBe("/console");
  return client;
}

const count = async (table: "sightings" | "alerts" | "users") =>
  Number(
    (
      await runtime.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe("signing in", () => {
  it("sends strangers to the login page, and every console page is no-store", async () => {
    const anonymous = new ConsoleClient(app);
    const res = await anonymous.get("/console/sightings");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/console/login");
    const login = await anonymous.get("/console/login");
    expect(login.headers.get("cache-control")).toBe("no-store");
    const operator = await as("operator");
    for (const path of [
      "/console",
      "/console/sightings",
      "/console/sightings/new",
      "/console/alerts",
      "/console/alerts/new",
    ]) {
      const page = await operator.get(path);
      expect(page.status, path).toBe(200);
      expect(page.headers.get("cache-control"), path).toBe("no-store");
      expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    }
  });

  it("a wrong password is explained next to the field, and the email is kept", async () => {
    const client = new ConsoleClient(app);
    await client.get("/console/login");
    const res = await client.post("/console/login", { email: accounts.operator, password: "not it at all" });
    expect(res.status).toBe(401);
    const page = await res.text();
    expect(page).toContain('<p class="error" id="f-password-error">Wrong email or password</p>');
    expect(page).toContain(`value="${accounts.operator}"`);
    expect(client.cookies.has("__Host-aviso_session")).toBe(false);
  });

  it("refuses a login form without its CSRF cookie", async () => {
    const client = new ConsoleClient(app);
    await client.get("/console/login");
    const token = client.csrf;
    client.cookies.clear();
    const res = await client.post(
      "/console/login",
      { email: accounts.operator, password: PASSWORD },
      { csrf: token },
    );
    expect(res.status).toBe(403);
  });
});

describe("CSRF on console forms", () => {
  it("a missing, stale, forged or cross-site token gets 403 and changes nothing", async () => {
    const operator = await as("operator");
    await operator.get("/console/sightings/new");
    const stale = operator.csrf;
    // Sign out and in again: the old page's token belongs to an ended session.
    await operator.post("/console/logout", {});
    await operator.signIn(accounts.operator, PASSWORD);
    await operator.get("/console/sightings/new");
    const fields = {
      zip: "94607",
      place: "Fruitvale BART",
      observedAt: "2026-11-24T09:30",
      agency: "ice",
      activity: "sweep",
      source: "hotline_call",
    };
    const before = await count("sightings");
    for (const csrf of [null, stale, "A".repeat(43)]) {
      const res = await operator.post("/console/sightings", fields, { csrf });
      expect(res.status, String(csrf)).toBe(403);
      expect(await res.text()).toContain("Nothing was changed");
    }
    await operator.get("/console/sightings/new");
    const crossSite = await operator.post("/console/sightings", fields, {
      headers: { origin: "https://evil.example" },
    });
    expect(crossSite.status).toBe(403);
    expect(await count("sightings")).toBe(before);
  });
});

describe("forms keep what was typed and change nothing on bad input", () => {
  it("the intake form shows each error next to its field", async () => {
    const operator = await as("operator");
    await operator.get("/console/sightings/new");
    const before = await count("sightings");
    const res = await operator.post("/console/sightings", {
      zip: "946",
      place: "Fruitvale BART",
      observedAt: "2026-11-24T09:30",
      agency: "ice",
      activity: "sweep",
      source: "hotline_call",
      description: "Two vans <b>at the entrance</b>",
    });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toMatch(/<p class="error" id="f-zip-error">[^<]+<\/p>/);
    expect(page).toContain('value="Fruitvale BART"');
    expect(page).toContain("Two vans &lt;b&gt;at the entrance&lt;/b&gt;");
    expect(await count("sightings")).toBe(before);
  });

  it("the composer refuses a draft without English, keeping the other languages", async () => {
    const operator = await as("operator");
    await operator.get("/console/alerts/new");
    const before = await count("alerts");
    const res = await operator.post("/console/alerts", {
      "texts.es.headline": "Agentes en Fruitvale",
      "texts.es.body": "Voluntarios confirmaron agentes.",
      "texts.es.smsText": "Agentes confirmados en Fruitvale.",
      priority: "alert",
      zips: "94601",
      channels: ["sms", "email"],
    });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('id="f-texts-en-headline-error"');
    expect(page).toContain("Agentes confirmados en Fruitvale.");
    expect(await count("alerts")).toBe(before);
  });
});

describe("from a hotline call to a published alert, by two people", () => {
  it("logs, verifies, drafts, shows the approver exactly what is sent, approves, publishes", async () => {
    const operator = await as("operator");
    const verifier = await as("verifier");
    await operator.get("/console/sightings/new");
    const logged = await operator.post("/console/sightings", {
      zip: "94607",
      place: "7th St & Broadway",
      crossStreets: "by the laundromat",
      observedAt: "2026-11-24T09:30",
      agency: "ice",
      activity: "targeted_arrest",
      vehicles: "2",
      agents: "4",
      source: "hotline_call",
      reporterCallback: "(510) 555-0177",
    });
    expect(logged.status).toBe(303);
    const sightingPath = logged.headers.get("location")!;
    expect(sightingPath).toMatch(/^\/console\/sightings\/[0-9a-f-]{36}$/);

    await verifier.get(sightingPath);
    expect(verifier.lastPage).toContain("Decide");
    expect(
      (await verifier.post(`${sightingPath}/verifications`, { method: "responder_on_scene", notes: "Seen" }))
        .status,
    ).toBe(303);
    expect((await verifier.post(`${sightingPath}/resolve`, { status: "verified" })).status).toBe(303);
    expect((await operator.get("/console/sightings")).status).toBe(200);
    expect(operator.lastPage).toContain("Verified (1)");

    await operator.get(sightingPath);
    const drafted = await operator.post(`${sightingPath}/alert`, {});
    expect(drafted.status).toBe(303);
    const alertPath = drafted.headers.get("location")!;
    await operator.get(alertPath);
    expect(operator.lastPage).toContain("Waiting for a verifier");

    await verifier.get("/console/alerts");
    expect(verifier.lastPage).toContain(`href="${alertPath}"`);
    await verifier.get(alertPath);
    const page = verifier.lastPage;
    expect(page).toContain("Exactly what will be sent");
    expect(page).toContain("VERIFIED: ICE arrest near 7th St &amp; Broadway");
    expect(page).toContain("VERIFICADO:");
    // The approver sees the SMS with the alert page's short link it will carry.
    const link = `https://aviso.test${shortAlertPath(alertPath.split("/").at(-1)!, "en")}`;
    expect(page).toMatch(new RegExp(`VERIFIED: ICE arrest near [^<]* ${link}<`));
    const hash = /name="hash" value="([0-9a-f]{64})"/.exec(page)?.[1];
    expect(hash).toBeDefined();
    expect(page).toContain(`<code class="hash">${hash}</code>`);

    // The operator cannot approve (wrong role), and a stale hash is refused.
    await operator.get(alertPath);
    expect((await operator.post(`${alertPath}/approve`, { hash: hash!, publishNow: "on" })).status).toBe(403);
    const wrong = await verifier.post(`${alertPath}/approve`, { hash: "0".repeat(64), publishNow: "on" });
    expect(wrong.status).toBe(409);
    expect(await wrong.text()).toContain("Nothing was changed");

    await verifier.get(alertPath);
    const approved = await verifier.post(`${alertPath}/approve`, { hash: hash!, publishNow: "on" });
    expect(approved.status).toBe(303);
    await verifier.get(alertPath);
    expect(verifier.lastPage).toContain("<strong>published</strong>");
    expect(verifier.lastPage).toContain('data-progress="');

    const id = alertPath.split("/").at(-1)!;
    const publicPage = await (await app.request(`/alerts/${id}`)).text();
    expect(publicPage).toContain("ICE arrest near 7th St &amp; Broadway");

    const progress = await verifier.get(`${alertPath}/progress`);
    expect(progress.headers.get("content-type")).toContain("text/event-stream");
    const reader = progress.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain("event: figures");
    await reader.cancel();
  });

  it("the live SMS preview composes the label and the link and counts segments, with the CSRF header", async () => {
    const operator = await as("operator");
    await operator.get("/console/alerts/new");
    const call = (headers: Record<string, string>, extra: Record<string, unknown> = {}) =>
      app.request("/console/preview-sms", {
        method: "POST",
        headers: { "content-type": "application/json", cookie: operator.cookieHeader, ...headers },
        body: JSON.stringify({
          language: "es",
          smsText: "Agentes en Fruitvale",
          kind: "sighting",
          drill: true,
          ...extra,
        }),
      });
    expect((await call({})).status).toBe(403);
    type Preview = {
      text: string;
      segments: number;
      characters: number;
      encoding: string;
      description: string;
    };
    const res = await call({ "x-csrf-token": operator.csrf });
    expect(res.status).toBe(200);
    const preview = (await res.json()) as Preview;
    // A draft not saved yet has no id: its link is a stand-in of the same length.
    const standIn = shortAlertUrl("https://aviso.test", UNSAVED_ALERT_ID, "es");
    // A new alert from scratch is an ADVISORY (AVISO); only one from a verified sighting says VERIFIED.
    expect(preview.text).toBe(`SIMULACRO - AVISO: Agentes en Fruitvale ${standIn}`);
    // 84 characters, all GSM-7 (the labels are joined by " - ", not "·"): one segment with the link.
    expect(preview).toMatchObject({ ...countSegments(preview.text), characters: 84, segments: 1 });
    expect(preview.description).toBe("84 characters · 1 segment (GSM-7)");
    // A saved draft's preview carries its own link, and counts the same.
    const id = crypto.randomUUID();
    const saved = (await (
      await call({ "x-csrf-token": operator.csrf }, { alertId: id, verifiedSighting: true })
    ).json()) as Preview;
    expect(saved.text).toBe(
      `SIMULACRO - VERIFICADO: Agentes en Fruitvale ${shortAlertUrl("https://aviso.test", id, "es")}`,
    );
    expect(saved.description).toBe("89 characters · 1 segment (GSM-7)");
    // Spanish with a letter GSM-7 lacks (the ó of ACTUALIZACIÓN): written in GSM-7, and the
    // composer says what that saved.
    const update = (await (
      await call(
        { "x-csrf-token": operator.csrf },
        {
          kind: "update",
          drill: false,
          smsText: "Los agentes se fueron de Fruitvale y 35th Ave a las 9:40. Manténganse alerta.",
        },
      )
    ).json()) as Preview;
    expect(update.text).toBe(
      `ACTUALIZACION: Los agentes se fueron de Fruitvale y 35th Ave a las 9:40. Manténganse alerta. ${standIn}`,
    );
    expect(update.description).toBe("137 characters · 1 segment (GSM-7) · 3 → 1 segments by writing Ó as O");
    // Never in Vietnamese: the same label-less text keeps its letters, in UCS-2.
    const vi = (await (
      await call(
        { "x-csrf-token": operator.csrf },
        { kind: "update", drill: false, language: "vi", smsText: "Đừng mở cửa — “giữ im lặng”" },
      )
    ).json()) as Preview;
    expect(vi.text).toBe(
      `CẬP NHẬT: Đừng mở cửa — “giữ im lặng” ${shortAlertUrl("https://aviso.test", UNSAVED_ALERT_ID, "vi")}`,
    );
    expect(vi.description).not.toContain("by writing");
    expect((await call({ "x-csrf-token": operator.csrf }, { alertId: "../etc" })).status).toBe(400);
  });
});

describe("duplicates and the reporter's number", () => {
  it("offers likely duplicates to merge, and shows a callback number only on request, audited", async () => {
    const operator = await as("operator");
    const ids: string[] = [];
    for (const place of ["International Blvd & 23rd Ave", "23rd Ave near the taqueria"]) {
      await operator.get("/console/sightings/new");
      const res = await operator.post("/console/sightings", {
        zip: "94606",
        place,
        observedAt: "2026-11-24T11:00",
        agency: "cbp",
        activity: "checkpoint",
        source: "hotline_call",
        reporterCallback: "(510) 555-0133",
      });
      ids.push(res.headers.get("location")!.split("/").at(-1)!);
    }
    await operator.get(`/console/sightings/${ids[1]}`);
    expect(operator.lastPage).toContain("Likely duplicates");
    expect(operator.lastPage).toContain(`value="${ids[0]}"`);
    expect(operator.lastPage).not.toContain("555-0133");
    expect((await operator.post(`/console/sightings/${ids[1]}/merge`, {})).status).toBe(400);
    await operator.get(`/console/sightings/${ids[1]}`);
    expect(
      (await operator.post(`/console/sightings/${ids[1]}/merge`, { duplicateIds: ids[0]! })).status,
    ).toBe(303);
    await operator.get(`/console/sightings/${ids[1]}`);
    expect(operator.lastPage).not.toContain("Likely duplicates");

    const shown = await operator.post(`/console/sightings/${ids[1]}/callback`, {});
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain("+15105550133");
    const audit = await runtime.db
      .selectFrom("audit_log")
      .select("action")
      .where("target_id", "=", ids[1]!)
      .where("action", "=", "sighting.callback_viewed")
      .execute();
    expect(audit).toHaveLength(1);
  });
});

describe("roles", () => {
  it("admins manage users and keys and read the audit log; others may not", async () => {
    const admin = await as("admin");
    await admin.get("/console/users");
    const before = await count("users");
    const bad = await admin.post("/console/users", {
      name: "New",
      email: "new@hotline.test",
      role: "operator",
      organisation: "Rapid Response Hotline",
      password: "short",
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('id="f-password-error"');
    expect(await count("users")).toBe(before);
    await admin.get("/console/users");
    const created = await admin.post("/console/users", {
      name: "New",
      email: "new@hotline.test",
      role: "operator",
      organisation: "Rapid Response Hotline",
      password: "a long enough password",
    });
    expect(created.status).toBe(303);
    await admin.get("/console/keys");
    const key = await admin.post("/console/keys", {
      name: "Dispatch board",
      role: "operator",
      organisation: "Rapid Response Hotline",
    });
    expect(key.status).toBe(200);
    expect(await key.text()).toMatch(/<code>aviso_[A-Za-z0-9_-]+<\/code>/);
    expect((await admin.get("/console/audit")).status).toBe(200);
    expect(admin.lastPage).toContain("user.created");

    const operator = await as("operator");
    for (const path of ["/console/users", "/console/keys", "/console/audit"]) {
      expect((await operator.get(path)).status, path).toBe(403);
    }
    const comms = await as("comms");
    expect((await comms.get("/console/sightings")).status).toBe(403);
    expect((await comms.get("/console/statements/new")).status).toBe(200);
  });
});
