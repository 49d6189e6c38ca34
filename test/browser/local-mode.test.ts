// Local mode offers every channel, in a real browser (Debian's Chromium through playwright-core):
// with no VAPID keys and no Twilio, /subscribe shows the push button (a development VAPID key
// generated into DATA_DIR) and points text sign-up to the phone simulator; a push sign-up lands in
// the local outbox when an alert goes out; and a push sign-up the browser never answers gives up
// after 20 seconds with a message, the button working again.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "../../src/entry/node.ts";
import { messages } from "../../src/i18n/catalog.ts";
import { DEVELOPMENT_PUSH_KEY_FILE } from "../../src/security/development-push-keys.ts";
import { freePort, launchChromium, screenshot } from "../support/browser.ts";
import { appFor } from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";
import { publishAlert, publishers } from "../support/web.ts";

let runtime: TestRuntime;
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let base: string;

beforeAll(async () => {
  const port = await freePort();
  // No VAPID_*, no TWILIO_*, no PROGRAM_SMS_NUMBER, no SMTP: every channel goes to the outbox.
  runtime = await createTestRuntime({
    env: {
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      PROGRAM_NAME: "Oakland Rapid Response",
    },
  });
  server = await startServer(runtime, { workers: true });
  base = server.url;
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await runtime?.close();
});

const developmentKey = () =>
  (
    JSON.parse(readFileSync(join(runtime.config.dataDir, DEVELOPMENT_PUSH_KEY_FILE), "utf8")) as {
      publicKey: string;
    }
  ).publicKey;

describe("local mode in a browser", () => {
  it("/subscribe offers push with the development key and points text sign-up to the phone simulator", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/subscribe`);
    const t = messages("en");
    await expect
      .poll(() => page.getByRole("button", { name: t.subscribe.pushButton }).isVisible())
      .toBe(true);
    expect(await page.locator(".push-controls").getAttribute("data-vapid-key")).toBe(developmentKey());
    const body = (await page.locator("main").textContent()) ?? "";
    // Neither channel sends the reader to the other as the one that works.
    expect(body).not.toContain(t.subscribe.pushUnavailable);
    expect(body).not.toContain(t.byText.noNumber);
    expect(body).toContain(t.byText.localMode);
    await screenshot(page, "subscribe-local-mode");
    await page.getByRole("link", { name: t.byText.localModeLink }).click();
    await page.waitForURL(`${base}/dev/phone`);
    expect(await page.locator("h1").textContent()).toBe("Phone simulator");
    await context.close();
  }, 60_000);

  it("a push sign-up lands in the local outbox when an alert goes out", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/subscribe`);
    // What web/push.js posts once the browser has subscribed. This Chromium cannot reach a push
    // service (no Google API keys, background networking off), so the test posts from the page
    // what a subscribed browser would: an FCM endpoint and its keys.
    const status = await page.evaluate(async () => {
      const bytes = (n: number, first?: number) => {
        const b = crypto.getRandomValues(new Uint8Array(n));
        if (first !== undefined) b[0] = first;
        return btoa(String.fromCharCode(...b))
          .replace(/\+/g, "-")
          .replace(/\//g, "_")
          .replace(/=+$/, "");
      };
      const res = await fetch("/api/v1/push-subscriptions", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          subscription: {
            endpoint: "https://fcm.googleapis.com/fcm/send/local-mode-test",
            keys: { p256dh: bytes(65, 4), auth: bytes(16) },
          },
          zips: ["94607"],
          language: "es",
        }),
      });
      return res.status;
    });
    expect(status).toBe(201);
    const subscribed = await runtime.db
      .selectFrom("subscribers")
      .select(["status", "language"])
      .where("channel", "=", "push")
      .execute();
    expect(subscribed).toEqual([{ status: "active", language: "es" }]);

    const app = appFor(runtime);
    await publishAlert(await publishers(runtime, app), {
      zips: ["94607"],
      headline: "Agents at 7th and Broadway",
    });
    await expect
      .poll(
        async () => {
          await page.goto(`${base}/dev/outbox`);
          return page.locator("tbody tr").allTextContents();
        },
        { timeout: 30_000 },
      )
      .toContainEqual(expect.stringMatching(/push[\s\S]*Agentes de inmigración en 7th y Broadway/));
    await context.close();
  }, 90_000);

  it("a push sign-up the browser never answers gives up after 20 seconds, says so, and can be tried again", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // Headless Chromium answers a permission prompt at once (denied); a person may leave it open,
    // or never see it. This stands in for that prompt: a request the browser never answers.
    await page.addInitScript(() => {
      Notification.requestPermission = () => new Promise(() => {});
    });
    await page.goto(`${base}/subscribe?lang=es`);
    const t = messages("es").subscribe;
    const button = page.getByRole("button", { name: t.pushButton });
    await expect.poll(() => button.isVisible()).toBe(true);
    await page.getByLabel("Códigos postales").fill("94607");
    await button.click();
    await expect.poll(() => page.locator(".push-status").textContent()).toBe(t.pushWorking);
    expect(await button.isDisabled()).toBe(true);
    // Real time: still waiting for the browser after 15 seconds, given up on by 20 (and a margin).
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    expect(await page.locator(".push-status").textContent()).toBe(t.pushWorking);
    expect(await button.isDisabled()).toBe(true);
    await expect
      .poll(() => page.locator(".push-status").textContent(), { timeout: 15_000 })
      .toBe(t.pushTimeout);
    expect(await button.isEnabled()).toBe(true);
    await context.close();
  }, 60_000);
});
