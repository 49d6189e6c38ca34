/**
 * The feeds: CAP 1.2 validated against the OASIS schema with a real validator (xmllint, Debian's
 * libxml2-utils), one <info> per language, Alert/Update/Cancel with references, Exercise for
 * drills, ZIPs as geocodes; Atom well-formed with the required elements; JSON Feed 1.1's shape.
 * None of them says anything about subscribers.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Alert, ApprovalAnswer } from "../../src/schemas/alerts.ts";
import { addSubscriber } from "../support/fanout.ts";
import { appFor, ok } from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";
import { approve, type Publishers, publishAlert, publishers } from "../support/web.ts";

const XSD = new URL("../fixtures/cap-v1.2.xsd", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "aviso-cap-"));
let runtime: TestRuntime;
let app: ReturnType<typeof appFor>;
let p: Publishers;
let original: string;
let update: string;
let cancel: string;
let drill: string;
let statement: string;

/** xmllint's verdict on a document against the CAP schema ("validates" or the errors). */
function validateCap(xml: string, name: string): string {
  const file = join(dir, `${name}.xml`);
  writeFileSync(file, xml);
  try {
    return (
      execFileSync("xmllint", ["--noout", "--schema", XSD, file], { encoding: "utf8", stdio: "pipe" }) ||
      "validates"
    );
  } catch (error) {
    return String((error as { stderr?: string }).stderr ?? error);
  }
}

function xpath(xml: string, expression: string): string {
  const file = join(dir, `x${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(file, xml);
  return execFileSync("xmllint", ["--xpath", expression, file], { encoding: "utf8" }).trim();
}

beforeAll(async () => {
  runtime = await createTestRuntime({
    env: { PROGRAM_NAME: "Oakland Rapid Response", PROGRAM_HOTLINE: "(510) 555-0111" },
  });
  app = appFor(runtime);
  p = await publishers(runtime, app);
  await addSubscriber(runtime, { channel: "email", address: "canary-feed@example.org", zips: ["94607"] });
  original = await publishAlert(p, {
    zips: ["94607", "94612"],
    headline: 'Agents & <vans> at 7th "and" Broadway',
  });
  const drafted = await ok(
    p.operator.request("POST", `alerts/${original}/updates`, {
      texts: {
        en: { headline: "Agents moved to 8th St", body: "Moved at 10:05.", smsText: "Moved to 8th St." },
      },
    }),
    Alert,
    201,
  );
  await approve(p.verifier, drafted.id);
  update = drafted.id;
  const cancelled = await ok(
    p.verifier.request("POST", `alerts/${original}/cancel`, { reason: "false_alarm", publishNow: true }),
    ApprovalAnswer,
    201,
  );
  cancel = cancelled.alert.id;
  drill = await publishAlert(p, { zips: ["94601"], drill: true, headline: "Drill on Fruitvale Ave" });
  const st = await ok(
    p.comms.request("POST", "statements", {
      texts: {
        en: { headline: "The city stands with immigrant families", body: "Oakland is a sanctuary city." },
        es: {
          headline: "La ciudad apoya a las familias inmigrantes",
          body: "Oakland es una ciudad santuario.",
        },
      },
      target: { zips: ["94607"] },
    }),
    Alert,
    201,
  );
  await approve(p.secondComms, st.id);
  statement = st.id;
}, 90_000);
afterAll(async () => {
  await runtime?.close();
});

describe("CAP 1.2", () => {
  it("each alert's document validates against the OASIS schema", async () => {
    for (const id of [original, update, cancel, drill, statement]) {
      const res = await app.request(`/feeds/cap/${id}.xml`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/cap+xml; charset=utf-8");
      const xml = await res.text();
      expect(validateCap(xml, id), xml).toContain("validates");
    }
  });

  it("has one <info> per language, ZIPs as geocodes, Exercise for drills, Update and Cancel with references", async () => {
    const doc = await (await app.request(`/feeds/cap/${original}.xml`)).text();
    expect(xpath(doc, "count(//*[local-name()='info'])")).toBe("4");
    expect(xpath(doc, "string(//*[local-name()='status'])")).toBe("Actual");
    expect(xpath(doc, "string(//*[local-name()='msgType'])")).toBe("Alert");
    expect(
      xpath(
        doc,
        "string(//*[local-name()='info'][1]/*[local-name()='area']/*[local-name()='geocode'][2]/*[local-name()='value'])",
      ),
    ).toBe("94612");
    expect(xpath(doc, "string(//*[local-name()='info'][2]/*[local-name()='language'])")).toBe("es-US");
    expect(doc).toContain("Agents &amp; &lt;vans&gt; at 7th &quot;and&quot; Broadway");
    const sent = xpath(doc, "string(//*[local-name()='sent'])");
    expect(sent).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-00:00$/);

    const up = await (await app.request(`/feeds/cap/${update}.xml`)).text();
    expect(xpath(up, "string(//*[local-name()='msgType'])")).toBe("Update");
    expect(xpath(up, "string(//*[local-name()='references'])")).toBe(
      `aviso.test,urn:uuid:${original},${sent}`,
    );
    const cx = await (await app.request(`/feeds/cap/${cancel}.xml`)).text();
    expect(xpath(cx, "string(//*[local-name()='msgType'])")).toBe("Cancel");
    expect(xpath(cx, "string(//*[local-name()='references'])")).toBe(
      `aviso.test,urn:uuid:${original},${sent}`,
    );
    expect(xpath(cx, "string(//*[local-name()='responseType'])")).toBe("AllClear");
    const dr = await (await app.request(`/feeds/cap/${drill}.xml`)).text();
    expect(xpath(dr, "string(//*[local-name()='status'])")).toBe("Exercise");
    const stx = await (await app.request(`/feeds/cap/${statement}.xml`)).text();
    expect(xpath(stx, "count(//*[local-name()='info'])")).toBe("2");
    expect(xpath(stx, "string(//*[local-name()='event'])")).toBe("Official city statement");
  });

  it("/feeds/cap.xml is an Atom index of the live alerts (drills included) whose CAP documents validate", async () => {
    const res = await app.request("/feeds/cap.xml");
    expect(res.status).toBe(200);
    const feed = await res.text();
    expect(xpath(feed, "count(/*[local-name()='feed']/*[local-name()='entry'])")).toBe("3"); // the withdrawn original and its update are gone
    const alerts = [
      ...feed.matchAll(/<alert xmlns="urn:oasis:names:tc:emergency:cap:1\.2">[\s\S]*?<\/alert>/g),
    ].map((m) => m[0]);
    expect(alerts).toHaveLength(3);
    alerts.forEach((alert, i) => {
      expect(validateCap(`<?xml version="1.0" encoding="UTF-8"?>\n${alert}`, `index-${i}`)).toContain(
        "validates",
      );
    });
    expect(feed).toContain(`urn:uuid:${drill}`);
    expect(feed).toContain(`urn:uuid:${cancel}`);
    expect(feed).not.toContain(`<id>urn:uuid:${original}</id>`);
    expect(feed).not.toContain(`<id>urn:uuid:${update}</id>`);
  });

  it("an unknown or draft alert has no CAP document", async () => {
    expect((await app.request(`/feeds/cap/${crypto.randomUUID()}.xml`)).status).toBe(404);
    expect((await app.request("/feeds/cap/nope.xml")).status).toBe(404);
  });
});

describe("Atom and JSON Feed", () => {
  it("Atom: well-formed, with id, title, updated, self link, and an entry per published alert, no drills", async () => {
    const res = await app.request("/feeds/alerts.atom");
    expect(res.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const feed = await res.text();
    execFileSync("xmllint", ["--noout", "-"], { input: feed });
    expect(xpath(feed, "string(/*[local-name()='feed']/*[local-name()='title'])")).toBe(
      "Oakland Rapid Response",
    );
    expect(xpath(feed, "count(/*[local-name()='feed']/*[local-name()='id'])")).toBe("1");
    expect(xpath(feed, "count(/*[local-name()='feed']/*[local-name()='updated'])")).toBe("1");
    expect(xpath(feed, "count(//*[local-name()='entry'])")).toBe("4");
    expect(
      xpath(
        feed,
        "count(//*[local-name()='entry'][not(*[local-name()='id']) or not(*[local-name()='title']) or not(*[local-name()='updated'])])",
      ),
    ).toBe("0");
    expect(feed).not.toContain("Drill on Fruitvale");
    expect(feed).toContain("ADVISORY: Agents &amp; &lt;vans&gt;");
    expect(feed).toContain("FALSE ALARM");
    expect(feed).toContain("OFFICIAL CITY STATEMENT: The city stands with immigrant families");
    const es = await (await app.request("/feeds/alerts.atom?lang=es")).text();
    expect(es).toContain("COMUNICADO OFICIAL DE LA CIUDAD: La ciudad apoya a las familias inmigrantes");
  });

  it("JSON Feed 1.1: version, title, items with id, url, title, content and dates", async () => {
    const res = await app.request("/feeds/alerts.json");
    expect(res.headers.get("content-type")).toBe("application/feed+json; charset=utf-8");
    const feed = (await res.json()) as {
      version: string;
      title: string;
      feed_url: string;
      items: {
        id: string;
        url: string;
        title: string;
        content_text: string;
        date_published: string;
        _aviso: { zips: string[] };
      }[];
    };
    expect(feed.version).toBe("https://jsonfeed.org/version/1.1");
    expect(feed.title).toBe("Oakland Rapid Response");
    expect(feed.feed_url).toBe("https://aviso.test/feeds/alerts.json");
    expect(feed.items).toHaveLength(4);
    for (const item of feed.items) {
      expect(item.id).toMatch(/^urn:uuid:/);
      expect(item.url).toMatch(/^https:\/\/aviso\.test\/alerts\//);
      expect(item.title.length).toBeGreaterThan(0);
      expect(item.content_text.length).toBeGreaterThan(0);
      expect(new Date(item.date_published).toISOString()).toBe(item.date_published);
    }
    expect(feed.items.find((item) => item.id === `urn:uuid:${original}`)?._aviso.zips).toEqual([
      "94607",
      "94612",
    ]);
  });

  it("no feed says anything about subscribers", async () => {
    for (const path of [
      "/feeds/alerts.atom",
      "/feeds/alerts.json",
      "/feeds/cap.xml",
      `/feeds/cap/${original}.xml`,
    ]) {
      const body = await (await app.request(path)).text();
      expect(body).not.toContain("canary-feed");
      expect(body).not.toMatch(/subscriber|recipient|deliver/i);
    }
  });
});
