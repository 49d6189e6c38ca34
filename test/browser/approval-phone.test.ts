// The approval page on a phone (issue 16, point 7), in a real browser at 390 x 844: a verifier
// proves their own number on the paging page, an operator's draft pages them (the text lands in
// local mode's outbox with the link), and the link opens the approval page, which fits the screen
// without sideways scrolling, shows the exact texts per channel and language, and approves in one
// tap, the approval hash checked as always.

import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import webpush from "web-push";
import { startServer } from "../../src/entry/node.ts";
import { createUser } from "../../src/services/users/create-user.ts";
import { freePort, launchChromium, screenshot } from "../support/browser.ts";
import { PASSWORD } from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

const PHONE = "(510) 555-0191";
let runtime: TestRuntime;
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let base: string;

beforeAll(async () => {
  const port = await freePort();
  const vapid = webpush.generateVAPIDKeys();
  runtime = await createTestRuntime({
    env: {
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: "mailto:alerts@aviso.test",
    },
  });
  for (const [role, email] of [
    ["operator", "ops@hotline.test"],
    ["verifier", "ver@hotline.test"],
  ] as const) {
    await createUser({
      ctx: runtime,
      input: {
        email,
        name: `The ${role}`,
        role,
        organisation: "Hotline",
        password: PASSWORD,
        actor: "system",
      },
    });
  }
  server = await startServer(runtime, { workers: true });
  base = server.url;
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await runtime?.close();
});

async function signIn(page: Page, email: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
}

const lastText = async (pattern: string) =>
  (
    await runtime.db
      .selectFrom("outbox")
      .select("body")
      .where("channel", "=", "sms")
      .where("body", "like", pattern)
      .orderBy("created_at", "desc")
      .executeTakeFirst()
  )?.body;

/** Wider than the screen: something would need sideways scrolling. */
const overflow = async (page: Page) => {
  const wide = await page.evaluate(() =>
    [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .slice(0, 8)
      .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`),
  );
  const extra = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(wide, "elements wider than the screen").toEqual([]);
  return extra;
};

describe("the approval page on a phone", () => {
  it("a verifier proves a number, is paged by text, and approves from the link in one tap", async () => {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    let page = await phone.newPage();
    await page.goto(`${base}/console/login`);
    await signIn(page, "ver@hotline.test");
    await page.waitForURL(`${base}/console`);
    await page.goto(`${base}/console/account/paging`);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await page.getByLabel("Your own mobile number").fill(PHONE);
    await page.getByRole("button", { name: "Text me a code" }).click();
    const code = /Aviso code (\d{6})/.exec((await lastText("Aviso code%")) ?? "")?.[1];
    expect(code).toBeDefined();
    await page.getByLabel("Code texted to your phone").fill(code!);
    await page.getByRole("button", { name: "Prove my number" }).click();
    await expect
      .poll(() => page.locator("main").textContent())
      .toContain("Pages are texted to your number ending in 91");
    await screenshot(page, "console-paging-phone");

    // The operator drafts (through the API); the paging job texts the verifier.
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "ops@hotline.test", password: PASSWORD }),
    });
    const cookie = /(__Host-aviso_session=[^;]*)/.exec(login.headers.get("set-cookie") ?? "")![1]!;
    const drafted = await fetch(`${base}/api/v1/alerts`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: JSON.stringify({
        texts: {
          en: {
            headline: "ICE at 8th St and Market St",
            body: "Reported at 8th St and Market St.",
            smsText: "ICE reported at 8th St and Market St, Oakland 94607",
          },
          es: {
            headline: "ICE en 8th St y Market St",
            body: "Reportado en 8th St y Market St.",
            smsText: "ICE reportado en 8th St y Market St, Oakland 94607",
          },
        },
        target: { zips: ["94607"] },
      }),
    });
    expect(drafted.status).toBe(201);
    const { id } = (await drafted.json()) as { id: string };
    let page_ = "";
    await expect
      .poll(
        async () => {
          page_ = (await lastText("Aviso: a draft alert%")) ?? "";
          return page_;
        },
        { timeout: 20_000 },
      )
      .toBe(`Aviso: a draft alert is waiting for your approval: ${base}/console/alerts/${id}`);

    // The link opens the approval page on the phone: sign-in first, then the page itself.
    const link = page_.split(": ").at(-1)!;
    const fresh = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    page = await fresh.newPage();
    await page.goto(link);
    expect(page.url()).toBe(`${base}/console/login`);
    await signIn(page, "ver@hotline.test");
    await page.waitForURL(link);
    await expect.poll(() => page.locator("h1").textContent()).toContain("ICE at 8th St");
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    const main = (await page.locator("main").textContent()) ?? "";
    expect(main).toContain("ICE reported at 8th St and Market St, Oakland 94607");
    expect(main).toContain("ICE reportado en 8th St y Market St, Oakland 94607");
    await screenshot(page, "console-approval-phone");
    const approve = page.getByRole("button", { name: "Approve" });
    await approve.scrollIntoViewIfNeeded();
    expect(await approve.isVisible()).toBe(true);
    const box = (await approve.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(box.height).toBeGreaterThanOrEqual(44);
    await Promise.all([page.waitForNavigation(), approve.tap()]);
    await expect.poll(() => page.locator(".facts").textContent()).toMatch(/published|approved/);
    const row = await runtime.db
      .selectFrom("alerts")
      .select(["status", "approval_hash"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("published");
    expect(row.approval_hash).toMatch(/^[0-9a-f]{64}$/);
    const opened = await runtime.db
      .selectFrom("approval_pages")
      .select("opened_at")
      .where("alert_id", "=", id)
      .executeTakeFirstOrThrow();
    expect(opened.opened_at).not.toBeNull();
    await phone.close();
    await fresh.close();
  }, 90_000);
});
