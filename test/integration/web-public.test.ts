/**
 * The public web: security headers on every response, static files, the home page and its ZIP
 * filter, the alert page in each language (with the update or cancel shown on the original), the
 * short link, the subscribe form (email double opt-in: nothing sent before confirmation; errors
 * next to the field; honeypot; per-IP limit) and web push sign-up through the API.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import webpush from "web-push";
import { CONTENT_SECURITY_POLICY } from "../../src/http/security-headers.ts";
import { messages } from "../../src/i18n/catalog.ts";
import { ApprovalAnswer } from "../../src/schemas/alerts.ts";
import { addressIndex, openAddress } from "../../src/security/addresses.ts";
import { LABELS } from "../../src/services/alerts/compose.ts";
import { shortAlertPath } from "../../src/services/alerts/short-link.ts";
import { TEXTS } from "../support/fanout.ts";
import { apiClient, appFor, ok, refused } from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";
import { type Publishers, postForm, publishAlert, publishers } from "../support/web.ts";

let runtime: TestRuntime;
let app: ReturnType<typeof appFor>;
let p: Publishers;
let alertId: string;
let drillId: string;

beforeAll(async () => {
  runtime = await createTestRuntime({
    env: {
      PROGRAM_NAME: "Oakland Rapid Response",
      PROGRAM_SMS_NUMBER: "(510) 555-0100",
      PROGRAM_HOTLINE: "(510) 555-0111",
      KNOW_YOUR_RIGHTS_LINKS: "Know your rights|https://rights.example.org/en",
      KNOW_YOUR_RIGHTS_LINKS_ES: "Conozca sus derechos|https://rights.example.org/es",
      WEB_SIGNUPS_PER_IP_PER_HOUR: "6",
      CLIENT_IP_HEADER: "X-Forwarded-For",
      VAPID_PUBLIC_KEY: webpush.generateVAPIDKeys().publicKey,
      VAPID_PRIVATE_KEY: webpush.generateVAPIDKeys().privateKey,
      VAPID_SUBJECT: "mailto:alerts@aviso.test",
      // The known push services, and the made-up one these tests' subscriptions are on.
      PUSH_ENDPOINT_HOSTS: "default,push.example.net",
    },
  });
  app = appFor(runtime);
  p = await publishers(runtime, app);
  alertId = await publishAlert(p, { zips: ["94607", "94612"] });
  drillId = await publishAlert(p, { zips: ["94607"], drill: true, headline: "Drill at the library" });
}, 60_000);
afterAll(async () => {
  await runtime?.close();
});

const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });

describe("security headers", () => {
  it("every response carries the CSP, nosniff, referrer policy and HSTS (https PUBLIC_URL)", async () => {
    for (const path of [
      "/",
      "/subscribe",
      `/alerts/${alertId}`,
      "/healthz",
      "/api/v1/openapi.json",
      "/no/such",
    ]) {
      const res = await get(path);
      expect(res.headers.get("content-security-policy"), path).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(res.headers.get("content-security-policy")).not.toContain("unsafe-inline");
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(res.headers.get("referrer-policy"), path).toBe("no-referrer");
      expect(res.headers.get("strict-transport-security"), path).toBe("max-age=31536000; includeSubDomains");
    }
  });

  it("no page has an inline script, inline style or style attribute", async () => {
    for (const path of [
      "/",
      "/subscribe",
      "/manage",
      `/alerts/${alertId}`,
      "/dev/outbox",
      "/dev/phone",
      "/api/v1/docs",
    ]) {
      const page = await (await get(path)).text();
      expect(page, path).not.toMatch(/<style|style="|<script(?![^>]*\bsrc=)/);
    }
  });

  it("serves web/ files versioned and cached for a year, and the service worker at /sw.js", async () => {
    const page = await (await get("/")).text();
    const href = /href="(\/static\/styles\.[0-9a-f]{10}\.css)"/.exec(page)?.[1];
    expect(href).toBeDefined();
    const css = await get(href!);
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toMatch(/^text\/css/);
    expect(css.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect((await get(href!, { "if-none-match": css.headers.get("etag")! })).status).toBe(304);
    const sw = await get("/sw.js");
    expect(sw.headers.get("cache-control")).toBe("no-cache");
    expect(sw.headers.get("service-worker-allowed")).toBe("/");
    expect((await get("/static/nothing.js")).status).toBe(404);
    expect((await get("/static/..%2Fpackage.json")).status).toBe(404);
  });
});

describe("home page", () => {
  it("lists active alerts with label, time and ZIPs, leaves drills out, and says how to subscribe by text", async () => {
    const page = await (await get("/")).text();
    expect(page).toContain(TEXTS.en.headline);
    expect(page).toContain(`href="/alerts/${alertId}"`);
    expect(page).toContain("ADVISORY"); // the fixture is an alert from scratch
    expect(page).toContain("94607, 94612");
    expect(page).toMatch(/<time datetime="\d{4}-/);
    expect(page).not.toContain("Drill at the library");
    // The number is a link that opens the phone's messages; the hotline one that calls.
    expect(page).toContain('Text your ZIP code to <a href="sms:+15105550100">(510) 555-0100</a>.');
    expect(page).toContain('call <a href="tel:+15105550111">(510) 555-0111</a>.');
    expect(page).toContain("<strong>STOP</strong>");
  });

  it("types the ZIP the reader filtered by into the text it opens", async () => {
    expect(await (await get("/?zip=94612")).text()).toContain('<a href="sms:+15105550100?body=94612">');
    expect(await (await get("/subscribe?zip=94612&lang=es")).text()).toContain(
      'al <a href="sms:+15105550100?body=94612">(510) 555-0100</a>.',
    );
  });

  it("filters by ZIP, and explains a malformed ZIP next to the field", async () => {
    expect(await (await get("/?zip=94612")).text()).toContain(TEXTS.en.headline);
    const other = await (await get("/?zip=94601")).text();
    expect(other).not.toContain(TEXTS.en.headline);
    expect(other).toContain("There are no active alerts for ZIP code 94601 right now.");
    const bad = await get("/?zip=9460");
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('id="zip-error"');
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('value="9460"');
  });

  it("speaks the reader's language: ?lang= (and remembers it), cookie, Accept-Language", async () => {
    const es = await get("/?lang=es");
    expect(es.headers.get("set-cookie")).toMatch(/aviso_lang=es;.*HttpOnly/);
    const text = await es.text();
    expect(text).toContain('<html lang="es">');
    expect(text).toContain(TEXTS.es.headline);
    expect(text).toContain("<strong>ALTO</strong>");
    expect(await (await get("/", { cookie: "aviso_lang=vi" })).text()).toContain('<html lang="vi">');
    expect(await (await get("/", { "accept-language": "fr-CA, zh-TW;q=0.8, en;q=0.5" })).text()).toContain(
      '<html lang="zh">',
    );
    expect(await (await get("/", { "accept-language": "fr" })).text()).toContain('<html lang="en">');
  });
});

describe("alert page", () => {
  it("shows the full text, label, what to do, the hotline and the know-your-rights links, per language", async () => {
    const en = await (await get(`/alerts/${alertId}`)).text();
    expect(en).toContain(`<h1 lang="en">${TEXTS.en.headline}</h1>`);
    expect(en).toContain("Know your rights: you do not have to open the door.");
    expect(en).toContain(messages("en").alert.whatToDo);
    expect(en).toContain('Call <a href="tel:+15105550111">(510) 555-0111</a> to report');
    expect(en).toContain('href="https://rights.example.org/en"');
    const es = await (await get(`/alerts/${alertId}?lang=es`)).text();
    expect(es).toContain(TEXTS.es.headline);
    expect(es).toContain(LABELS.advisory.es);
    expect(es).toContain('href="https://rights.example.org/es"');
    const zh = await (await get(`/alerts/${alertId}?lang=zh`)).text();
    expect(zh).toContain(TEXTS.zh.headline);
    expect(zh).toContain('href="https://rights.example.org/en"'); // no Chinese list: English's
  });

  it("speaks the language its message's link names, over the browser's, and offers the others", async () => {
    // A Spanish text's link, opened by a phone whose browser asks for English.
    const res = await get(shortAlertPath(alertId, "es"), { "accept-language": "en-US,en;q=0.9" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-language")).toBe("es");
    const page = await res.text();
    expect(page).toContain('<html lang="es">');
    expect(page).toContain(`<h1 lang="es">${TEXTS.es.headline}</h1>`);
    // The other languages stay one tap away, both in the page and in the switch.
    expect(page).toContain(`<a href="/alerts/${alertId}?lang=en" lang="en" hreflang="en">English</a>`);
    const code = shortAlertPath(alertId).slice(3);
    expect(page).toContain(`<a href="/es/${code}?lang=en" lang="en" hreflang="en">English</a>`);
    // …which wins over the link's own language.
    const english = await (await get(`/es/${code}?lang=en`)).text();
    expect(english).toContain(`<h1 lang="en">${TEXTS.en.headline}</h1>`);
    // Over a language chosen earlier too: the message's language is the one asked for now.
    expect(await (await get(`/vi/${code}`, { cookie: "aviso_lang=en" })).text()).toContain(
      `<h1 lang="vi">${TEXTS.vi.headline}</h1>`,
    );
    // The older link without a language still follows the reader's browser.
    expect(await (await get(`/a/${code}`, { "accept-language": "zh-CN" })).text()).toContain(
      `<h1 lang="zh">${TEXTS.zh.headline}</h1>`,
    );
  });

  it("falls back to English with a note when the alert lacks the reader's language", async () => {
    const onlyEnglish = await publishAlert(p, { zips: ["94607"], languages: ["en"] });
    const page = await (await get(`/alerts/${onlyEnglish}?lang=vi`)).text();
    expect(page).toContain('<html lang="vi">');
    expect(page).toContain(messages("vi").alert.notInLanguage);
    expect(page).toContain(`<h1 lang="en">${TEXTS.en.headline}</h1>`);
  });

  it("is reachable by its short link, marks drills, and is 404 for drafts and unknown ids", async () => {
    for (const path of [shortAlertPath(alertId), shortAlertPath(alertId, "es")]) {
      const short = await get(path);
      expect(short.status, path).toBe(200);
      expect(await short.text()).toContain(
        `<link rel="canonical" href="https://aviso.test/alerts/${alertId}">`,
      );
    }
    const drill = await (await get(`/alerts/${drillId}`)).text();
    expect(drill).toContain(messages("en").alert.drill);
    expect(drill).toContain("DRILL");
    const draft = await ok(
      p.operator.request("POST", "alerts", {
        texts: { en: { headline: "Secret draft", body: "Not yet", smsText: "Not yet" } },
        target: { zips: ["94607"] },
      }),
      (await import("../../src/schemas/alerts.ts")).Alert,
      201,
    );
    for (const path of [
      `/alerts/${draft.id}`,
      "/alerts/not-a-uuid",
      `/alerts/${crypto.randomUUID()}`,
      "/a/short",
      "/es/short",
      `/fr${shortAlertPath(alertId).slice(2)}`,
      `/xvi${shortAlertPath(alertId).slice(2)}`,
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain("Secret draft");
    }
  });

  it("shows an update and a cancellation on the original", async () => {
    const original = await publishAlert(p, { zips: ["94601"], headline: "Checkpoint on International Blvd" });
    const update = await ok(
      p.operator.request("POST", `alerts/${original}/updates`, {
        texts: {
          en: { headline: "Checkpoint moved to 23rd Ave", body: "Moved.", smsText: "Moved to 23rd Ave." },
        },
      }),
      (await import("../../src/schemas/alerts.ts")).Alert,
      201,
    );
    const { approve } = await import("../support/web.ts");
    await approve(p.verifier, update.id);
    let page = await (await get(`/alerts/${original}`)).text();
    expect(page).toContain(messages("en").alert.updatedBy);
    expect(page).toContain(`href="/alerts/${update.id}"`);
    expect(page).toContain("Checkpoint moved to 23rd Ave");
    await ok(
      p.verifier.request("POST", `alerts/${original}/cancel`, { reason: "all_clear", publishNow: true }),
      ApprovalAnswer,
      201,
    );
    page = await (await get(`/alerts/${original}`)).text();
    // An all clear: the activity ended. Nothing was "withdrawn": the alert was true.
    expect(page).toContain(messages("en").alert.cancelledAllClear);
    expect(page).not.toContain(messages("en").alert.cancelled);
    expect(page).toContain("ALL CLEAR");
    const updatePage = await (await get(`/alerts/${update.id}`)).text();
    expect(updatePage).toContain(messages("en").alert.follows);
    expect(updatePage).toContain(`href="/alerts/${original}"`);
    // Withdrawn: off the home page, where the all clear says what it is about.
    const home = await (await get("/?zip=94601")).text();
    expect(home).not.toContain(`<h3><a href="/alerts/${original}">`);
    expect(home).toContain("ALL CLEAR");
    expect(home).toContain(`${messages("en").card.follows} <a href="/alerts/${original}">`);
  });
});

describe("subscribe by email", () => {
  const ip = () => ({ "x-forwarded-for": `203.0.113.${Math.floor(Math.random() * 250)}` });

  it("starts a double opt-in: a pending subscriber and one confirmation job, nothing else sent", async () => {
    const res = await postForm(
      app,
      "/subscribe",
      { zips: "94607, 94612", language: "es", email: "Ana@Example.org" },
      ip(),
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Ana@Example.org");
    const index = addressIndex(runtime.pii, "email", "ana@example.org");
    const subscriber = await runtime.db
      .selectFrom("subscribers")
      .select(["id", "status", "language"])
      .where("address_index", "=", index)
      .executeTakeFirstOrThrow();
    expect(subscriber.status).toBe("pending");
    const confirmations = await runtime.db
      .selectFrom("email_confirmations")
      .select(["zips", "language"])
      .where("subscriber_id", "=", subscriber.id)
      .execute();
    expect(confirmations).toEqual([{ zips: ["94607", "94612"], language: "es" }]);
    const zips = await runtime.db
      .selectFrom("subscriptions")
      .select("zip")
      .where("subscriber_id", "=", subscriber.id)
      .execute();
    expect(zips).toEqual([]); // nothing until confirmed
    const outbox = await runtime.db
      .selectFrom("outbox")
      .select("id")
      .where("channel", "=", "email")
      .execute();
    expect(outbox).toEqual([]); // the mail goes from the job; no alert mail, ever, before confirming
    // Asking again within 10 minutes answers the same and mails nothing more.
    await postForm(app, "/subscribe", { zips: "94607", language: "es", email: "ana@example.org" }, ip());
    const again = await runtime.db
      .selectFrom("email_confirmations")
      .select("id")
      .where("subscriber_id", "=", subscriber.id)
      .execute();
    expect(again).toHaveLength(1);
  });

  it("shows each error next to its field, keeps what was typed, and changes nothing", async () => {
    const before = await runtime.db
      .selectFrom("subscribers")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    const cases: [Record<string, string>, string, string][] = [
      [{ zips: "", email: "a@example.org" }, "zips-error", messages("en").subscribe.errors.zipsMissing],
      [{ zips: "9460x", email: "a@example.org" }, "zips-error", "“9460x” is not a 5-digit ZIP code."],
      [{ zips: "94607", email: "not-an-email" }, "email-error", messages("en").subscribe.errors.emailInvalid],
      [{ zips: "00000", email: "b@example.org" }, "zips-error", "Not in our service area: 00000."],
    ];
    for (const [fields, id, message] of cases) {
      const res = await postForm(app, "/subscribe", { language: "en", ...fields }, ip());
      expect(res.status, JSON.stringify(fields)).toBe(400);
      const html = await res.text();
      expect(html).toContain(`<p class="error" id="${id}">${message.replace(/“|”/g, (q) => q)}</p>`);
      expect(html).toContain(`value="${fields.email}"`);
      expect(html).toContain('aria-invalid="true"');
    }
    const after = await runtime.db
      .selectFrom("subscribers")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    expect(after.n).toEqual(before.n);
  });

  it("answers a filled honeypot as if all went well, and stores nothing", async () => {
    const res = await postForm(
      app,
      "/subscribe",
      { zips: "94607", language: "en", email: "bot@example.org", website: "http://spam" },
      ip(),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    // The page a real sign-up gets, naming the address typed: the bot learns nothing.
    const page = await res.text();
    expect(page).toContain(messages("en").subscribe.sentTitle);
    expect(page).toContain("bot@example.org");
    const jobs = await runtime.db
      .selectFrom("email_confirmations as c")
      .innerJoin("subscribers as s", "s.id", "c.subscriber_id")
      .select("c.id")
      .where("s.address_index", "=", addressIndex(runtime.pii, "email", "bot@example.org"))
      .execute();
    expect(jobs).toEqual([]);
    const index = addressIndex(runtime.pii, "email", "bot@example.org");
    expect(
      await runtime.db.selectFrom("subscribers").select("id").where("address_index", "=", index).execute(),
    ).toEqual([]);
  });

  it("limits sign-ups per IP address per hour", async () => {
    const headers = { "x-forwarded-for": "198.51.100.7" };
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await postForm(
        app,
        "/subscribe",
        { zips: "94607", language: "en", email: `r${i}@example.org` },
        headers,
      );
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 6)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(statuses.slice(6)).toEqual([429, 429]);
  });

  it("counts an IPv6 /64 as one address, and IPv4-mapped IPv6 as the IPv4 address", async () => {
    const signUp = async (ip: string, i: number) =>
      (
        await postForm(
          app,
          "/subscribe",
          { zips: "94607", language: "en", email: `v6-${i}@example.org` },
          {
            "x-forwarded-for": ip,
          },
        )
      ).status;
    const statuses: number[] = [];
    for (let i = 1; i <= 7; i++) statuses.push(await signUp(`2001:db8:77:1::${i}`, i));
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429]);
    expect(await signUp("2001:db8:77:2::1", 8)).toBe(200);
    const mapped: number[] = [];
    for (let i = 0; i < 7; i++)
      mapped.push(await signUp(i % 2 ? "::ffff:198.51.100.99" : "198.51.100.99", 10 + i));
    expect(mapped).toEqual([200, 200, 200, 200, 200, 200, 429]);
  });
});

describe("web push sign-up", () => {
  const subscription = () => ({
    endpoint: `https://push.example.net/send/${randomBytes(8).toString("hex")}`,
    keys: {
      p256dh: Buffer.concat([Buffer.from([4]), randomBytes(64)]).toString("base64url"),
      auth: randomBytes(16).toString("base64url"),
    },
  });
  const api = (path: string, body: unknown, ipAddress = "192.0.2.10") =>
    apiClient(app)("POST", path, body, { "x-forwarded-for": ipAddress });

  it("seals the subscription, activates it with its ZIPs and language, replaces them on a second sign-up, and stops it", async () => {
    const sub = subscription();
    const res = await api("push-subscriptions", {
      subscription: sub,
      zips: ["94612", "94607"],
      language: "vi",
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ zips: ["94607", "94612"] });
    const { pushAddress } = await import("../../src/services/subscriptions/web-push.ts");
    const index = addressIndex(runtime.pii, "push", pushAddress(sub));
    const row = await runtime.db
      .selectFrom("subscribers")
      .select(["id", "status", "language", "address_ciphertext"])
      .where("address_index", "=", index)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "active", language: "vi" });
    expect(row.address_ciphertext.toString("latin1")).not.toContain("push.example.net");
    await api("push-subscriptions", { subscription: sub, zips: ["94601"], language: "es" });
    const zips = await runtime.db
      .selectFrom("subscriptions")
      .select("zip")
      .where("subscriber_id", "=", row.id)
      .execute();
    expect(zips.map((z) => z.zip)).toEqual(["94601"]);
    expect((await api("push-subscriptions/remove", { subscription: sub })).status).toBe(204);
    const stopped = await runtime.db
      .selectFrom("subscribers")
      .select("status")
      .where("id", "=", row.id)
      .executeTakeFirstOrThrow();
    expect(stopped.status).toBe("stopped");
    // Unknown subscriptions get the same answer.
    expect((await api("push-subscriptions/remove", { subscription: subscription() })).status).toBe(204);
  });

  it("refuses bad subscriptions and ZIPs outside the area, storing nothing", async () => {
    const bad = [
      {
        subscription: { ...subscription(), endpoint: "http://push.example.net/x" },
        zips: ["94607"],
        language: "en",
      },
      {
        subscription: { ...subscription(), keys: { p256dh: "short", auth: "x" } },
        zips: ["94607"],
        language: "en",
      },
      { subscription: subscription(), zips: ["9460"], language: "en" },
      { subscription: subscription(), zips: ["94607"], language: "fr" },
    ];
    for (const body of bad)
      await refused(api("push-subscriptions", body, "192.0.2.11"), 400, "validation_failed");
    const outside = await refused(
      api(
        "push-subscriptions",
        { subscription: subscription(), zips: ["00000"], language: "en" },
        "192.0.2.11",
      ),
      400,
      "validation_failed",
    );
    expect(outside.message).toContain("00000");
  });

  it("accepts endpoints only on the known push services (SSRF): 400 on the endpoint field, nothing stored", async () => {
    const pushRows = async () =>
      Number(
        (
          await runtime.db
            .selectFrom("subscribers")
            .select((eb) => eb.fn.countAll().as("n"))
            .where("channel", "=", "push")
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await pushRows();
    const refusedEndpoints = [
      "https://169.254.169.254/latest/meta-data/iam/",
      "https://127.0.0.1:8787/api/v1/keys",
      "https://localhost/",
      "https://internal.example.net/push",
      "https://fcm.googleapis.com.evil.example/fcm/send/x",
      "https://fcm.googleapis.com@evil.example/fcm/send/x",
      "https://fcm.googleapis.com:8443/fcm/send/x",
      "https://push.example.net:444/send/x",
      // WHATWG reads a host ending in .push.apple.com, Node's url.parse 127.0.0.1.
      "https://127.0.0.1;.push.apple.com/x",
      "https://.push.apple.com/x",
      "https://fcm%2Egoogleapis.com/fcm/send/x",
    ];
    for (const [i, endpoint] of refusedEndpoints.entries()) {
      const error = await refused(
        api(
          "push-subscriptions",
          { subscription: { ...subscription(), endpoint }, zips: ["94607"], language: "en" },
          `192.0.2.${100 + i}`,
        ),
        400,
        "validation_failed",
      );
      expect(error.details?.issues).toEqual([
        expect.objectContaining({
          path: "subscription.endpoint",
          message: expect.stringMatching(/push service/),
        }),
      ]);
    }
    expect(await pushRows()).toBe(before);
    // Chrome's, Firefox's, Safari's and Edge's endpoints as browsers make them.
    const accepted = [
      "https://fcm.googleapis.com/fcm/send/dQw4w9WgXcQ:APA91bHtest",
      "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABtest",
      "https://web.push.apple.com/QGvJ8YQnD2qtest",
      "https://wns2-by3p.notify.windows.com/w/?token=BQYAAABtest",
    ];
    for (const [i, endpoint] of accepted.entries()) {
      const res = await api(
        "push-subscriptions",
        { subscription: { ...subscription(), endpoint }, zips: ["94607"], language: "en" },
        `192.0.2.${120 + i}`,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    expect(await pushRows()).toBe(before + accepted.length);
    // A browser can always leave, whatever its endpoint.
    const gone = { ...subscription(), endpoint: "https://internal.example.net/push" };
    expect((await api("push-subscriptions/remove", { subscription: gone }, "192.0.2.130")).status).toBe(204);
  });

  it("stores the endpoint as the URL parser writes it, the one URL the worker sends to", async () => {
    const sub = { ...subscription(), endpoint: "https://WEB.Push.Apple.com:443/QGvJ8YQnD2qcanonical" };
    const res = await api(
      "push-subscriptions",
      { subscription: sub, zips: ["94607"], language: "en" },
      "192.0.2.140",
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const canonical = { ...sub, endpoint: "https://web.push.apple.com/QGvJ8YQnD2qcanonical" };
    const { pushAddress } = await import("../../src/services/subscriptions/web-push.ts");
    const row = await runtime.db
      .selectFrom("subscribers")
      .select(["id", "status", "address_ciphertext", "address_key_id"])
      .where("address_index", "=", addressIndex(runtime.pii, "push", pushAddress(canonical)))
      .executeTakeFirstOrThrow();
    expect(JSON.parse(openAddress(runtime.pii, "push", row)).endpoint).toBe(canonical.endpoint);
    // The browser leaves with the subscription as it knows it.
    expect((await api("push-subscriptions/remove", { subscription: sub }, "192.0.2.141")).status).toBe(204);
    const stopped = await runtime.db
      .selectFrom("subscribers")
      .select("status")
      .where("id", "=", row.id)
      .executeTakeFirstOrThrow();
    expect(stopped.status).toBe("stopped");
  });
});

describe("email confirmation links", () => {
  it("an expired link says it expired and how to get a new one, in the subscriber's language, changing nothing", async () => {
    const { startEmailOptIn } = await import("../../src/services/subscriptions/start-email-opt-in.ts");
    const { confirmationToken } = await import("../../src/services/subscriptions/email-token.ts");
    await startEmailOptIn({
      ctx: runtime,
      input: { via: "web", email: "late@example.org", zips: ["94607"], language: "es" },
    });
    const row = await runtime.db
      .selectFrom("email_confirmations")
      .select(["id", "subscriber_id"])
      .where("language", "=", "es")
      .orderBy("created_at", "desc")
      .executeTakeFirstOrThrow();
    await runtime.db
      .updateTable("email_confirmations")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("id", "=", row.id)
      .execute();
    const token = confirmationToken(runtime.pii, row.id);
    const shown = await get(`/email/confirm?token=${token}`);
    expect(shown.status).toBe(410);
    const page = await shown.text();
    expect(page).toContain('<html lang="es">');
    expect(page).toContain("Este enlace ya venció");
    expect(page).toContain('href="/subscribe?lang=es"');
    const posted = await postForm(app, "/email/confirm", { token });
    expect(posted.status).toBe(410);
    const subscriber = await runtime.db
      .selectFrom("subscribers")
      .select("status")
      .where("id", "=", row.subscriber_id)
      .executeTakeFirstOrThrow();
    expect(subscriber.status).toBe("pending");
  });

  it("an unknown link explains what to do in the reader's language", async () => {
    const res = await get(`/email/confirm?token=${"C".repeat(43)}`, { "accept-language": "vi" });
    expect(res.status).toBe(404);
    const page = await res.text();
    expect(page).toContain('<html lang="vi">');
    expect(page).toContain('href="/subscribe?lang=vi"');
  });
});

describe("managing an email subscription from its link", () => {
  it("shows the ZIPs and language for the email's token, changes them, refuses bad input, and links unsubscribe", async () => {
    const { unsubscribeToken } = await import("../../src/security/unsubscribe-token.ts");
    const { addSubscriber } = await import("../support/fanout.ts");
    const id = await addSubscriber(runtime, {
      channel: "email",
      address: "mai@example.org",
      zips: ["94607"],
      language: "vi",
    });
    const token = unsubscribeToken(runtime.pii, id);
    const page = await get(`/manage?token=${token}&lang=vi`);
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    const html = await page.text();
    expect(html).toContain(messages("vi").manage.yoursTitle);
    expect(html).toContain('value="94607"');
    expect(html).toContain(`action="/unsubscribe/${token}"`);
    expect(html).not.toContain("mai@example.org");
    expect(html).not.toMatch(/href="\/manage\?[^"]*token=/); // the language switch drops the token

    const bad = await postForm(app, "/manage?lang=vi", { token, zips: "94607 00000", language: "vi" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('value="94607 00000"');
    const before = await runtime.db
      .selectFrom("subscriptions")
      .select("zip")
      .where("subscriber_id", "=", id)
      .execute();
    expect(before.map((r) => r.zip)).toEqual(["94607"]);

    const saved = await postForm(app, "/manage", { token, zips: "94612, 94601", language: "es" });
    expect(saved.status).toBe(200);
    const after = await runtime.db
      .selectFrom("subscriptions")
      .select("zip")
      .where("subscriber_id", "=", id)
      .orderBy("zip")
      .execute();
    expect(after.map((r) => r.zip)).toEqual(["94601", "94612"]);
    const row = await runtime.db
      .selectFrom("subscribers")
      .select(["language", "status"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ language: "es", status: "active" });

    const forged = await get(`/manage?token=${"x".repeat(43)}`);
    expect(forged.status).toBe(404);
    expect(await forged.text()).toContain(messages("en").manage.invalidLink);
    expect((await postForm(app, "/manage", { token: "nope", zips: "94607", language: "en" })).status).toBe(
      404,
    );

    const unsubscribePage = await (await get(`/unsubscribe/${token}`)).text();
    expect(unsubscribePage).toContain(`href="/manage?token=${token}&amp;lang=es"`);
  });
});
