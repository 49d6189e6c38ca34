// The verifier sees it live (issue 16, point 6) in a real browser (Debian's Chromium through
// playwright-core) against a real server: a verifier has a dispatched sighting's page open; the
// responder's answers arrive through the signed Twilio webhook, and the page shows them without
// a reload, the polite live region saying each new one; the verifier then decides "Verified" from
// the same page. axe-core finds no serious or critical violation on it.

import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "../../src/entry/node.ts";
import { DispatchedSighting, Responder } from "../../src/schemas/responders.ts";
import { CreatedSighting } from "../../src/schemas/sightings.ts";
import { axeViolations, freePort, launchChromium, screenshot } from "../support/browser.ts";
import { appFor, type Caller, ok, PASSWORD, signIn } from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";
import { signedSmsRequest, smsParams } from "../support/sms-webhook.ts";

const ORG = "Rapid Response Hotline";
const RESPONDER = "+15105550193";
const VERIFIER = "live.verifier@hotline.test";

let runtime: TestRuntime;
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let operator: Caller;
let base: string;

beforeAll(async () => {
  const port = await freePort();
  runtime = await createTestRuntime({
    env: {
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      PROGRAM_NAME: "Oakland Rapid Response",
    },
  });
  server = await startServer(runtime, { workers: false });
  base = server.url;
  const app = appFor(runtime);
  const admin = await signIn(runtime, app, "admin", { organisation: ORG });
  operator = await signIn(runtime, app, "operator", { organisation: ORG });
  await signIn(runtime, app, "verifier", { organisation: ORG, email: VERIFIER });
  await ok(
    admin.request("POST", "responders", {
      name: "Ana",
      phone: RESPONDER,
      languages: ["en"],
      zips: ["94607"],
    }),
    Responder,
    201,
  );
  await text("YES");
  await text("ON");
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await runtime?.close();
});

/** The responder texts the program number: Twilio's signed webhook, to the served app. */
async function text(body: string) {
  const res = await fetch(signedSmsRequest(runtime, smsParams(RESPONDER, body), { origin: base }));
  expect(res.status).toBe(200);
}

async function signInAs(page: Page, email: string) {
  await page.goto(`${base}/console/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${base}/console`);
}

describe("a sighting's page, live", () => {
  it("shows the responders' answers as they arrive, reads them out, and the verifier decides from there", async () => {
    const created = await ok(
      operator.request("POST", "sightings", {
        zip: "94607",
        place: "8th St",
        crossStreets: "Market St",
        observedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
        agency: "ice",
        activity: "other",
        source: "hotline_call",
      }),
      CreatedSighting,
      201,
    );
    const id = created.sighting.id;
    const { dispatch } = await ok(operator.request("POST", `sightings/${id}/dispatch`), DispatchedSighting);
    const code = dispatch.caseCode!;

    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("response", (res) => {
      if (res.status() >= 400) errors.push(`${res.status()} ${new URL(res.url()).pathname}`);
    });
    await signInAs(page, VERIFIER);
    await page.goto(`${base}/console/sightings/${id}`);
    const responders = page.locator("[data-live-responders]");
    const announce = page.locator("[data-live-announce]");
    await expect.poll(() => page.locator("[data-live-note]").textContent()).toContain("as they come in");
    expect(await responders.textContent()).toContain("Ana");
    expect(await responders.textContent()).not.toContain("going");
    expect(await page.locator("[data-live-decide-hint]").textContent()).toContain("Verified needs");
    // A marker that a reload or a navigation would wipe out.
    await page.evaluate(() => {
      (window as unknown as { stayed: boolean }).stayed = true;
    });

    await text(`${code} Y`);
    await expect.poll(() => responders.textContent(), { timeout: 10_000 }).toContain("going");
    await expect.poll(() => announce.textContent()).toBe("Ana: going.");

    await text(`${code} CONFIRM two vans at the corner`);
    await expect
      .poll(() => responders.textContent(), { timeout: 10_000 })
      .toContain("two vans at the corner");
    await expect.poll(() => announce.textContent()).toBe("Ana: confirmed (two vans at the corner).");
    expect(await page.locator("[data-live-verifications]").textContent()).toContain(
      "Responder on scene by Ana (responder)",
    );
    expect(await page.locator("[data-live-decide-hint]").textContent()).toBe(
      "Decide from what the responders reported.",
    );
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    await screenshot(page, "sighting-live");

    const violations = (await axeViolations(page)).filter((v) =>
      ["serious", "critical"].includes(v.impact ?? ""),
    );
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);

    // The decision, from the same page: the CONFIRM is the verification record it needs.
    await page.getByRole("button", { name: "Verified", exact: true }).click();
    // The decision drafts the alert from the templates, and the console goes straight to it.
    await page.waitForURL(/\/console\/alerts\/[0-9a-f-]{36}$/);
    expect(await page.locator("h1").textContent()).toMatch(/VERIFIED|Draft/i);
    await page.goto(`${base}/console/sightings/${id}`);
    await expect.poll(() => page.locator("[data-live-status]").textContent()).toBe("Verified");
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
