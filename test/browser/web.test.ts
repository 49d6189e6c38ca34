// The web in a real browser (Debian's Chromium through playwright-core), against a real server
// with its workers, the SMTP peer for email, and local mode's outbox and phone simulator for SMS:
// a resident subscribes by email and confirms; an operator drafts an alert in the console, a
// verifier approves it, and it reaches the public page, the SMTP sink and the simulated phone;
// the composer works by keyboard alone; axe-core finds no serious or critical violation on the
// main pages; screenshots of them are saved under test-results/screenshots/.

import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import webpush from "web-push";
import { startServer } from "../../src/entry/node.ts";
import { UNSAVED_ALERT_ID } from "../../src/services/alerts/compose.ts";
import { shortAlertUrl } from "../../src/services/alerts/short-link.ts";
import { createUser } from "../../src/services/users/create-user.ts";
import { type SmtpPeer, startSmtpPeer } from "../peers/smtp-peer.ts";
import { axeViolations, freePort, launchChromium, screenshot } from "../support/browser.ts";
import { PASSWORD } from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";
import { subscriberState } from "../support/subscribers.ts";

const PHONE = "+15105550142";
let runtime: TestRuntime;
let server: Awaited<ReturnType<typeof startServer>>;
let smtp: SmtpPeer;
let browser: Browser;
let base: string;

beforeAll(async () => {
  smtp = await startSmtpPeer();
  const port = await freePort();
  const vapid = webpush.generateVAPIDKeys();
  runtime = await createTestRuntime({
    env: {
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      PROGRAM_NAME: "Oakland Rapid Response",
      PROGRAM_SMS_NUMBER: "(510) 555-0100",
      KNOW_YOUR_RIGHTS_LINKS: "Know your rights (example)|https://rights.example.org/en",
      SMTP_URL: smtp.url,
      MAIL_FROM: "Aviso <alerts@aviso.test>",
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: "mailto:alerts@aviso.test",
      // No Twilio: SMS go to the local outbox, which the phone simulator shows.
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
        organisation: "Rapid Response Hotline",
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
  await smtp?.close();
});

async function signIn(context: BrowserContext, email: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/console/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${base}/console`);
  return page;
}

describe("the web in a browser", () => {
  it("a resident subscribes by email in Spanish and confirms", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/subscribe?lang=es`);
    await screenshot(page, "subscribe-es");
    await page.getByLabel("Códigos postales").fill("94607");
    await page.getByLabel("Idioma de las alertas").selectOption("es");
    await page.getByLabel("Correo electrónico").fill("rosa@example.org");
    await page.getByRole("button", { name: "Enviar el correo de confirmación" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Revise su correo");
    expect(await subscriberState(runtime, "rosa@example.org", "email")).toMatchObject({
      status: "pending",
      zips: [],
    });

    const [mail] = await smtp.waitFor(1, 30_000);
    expect(mail!.to).toEqual(["rosa@example.org"]);
    const link = /https?:\/\/\S+\/email\/confirm\?token=[A-Za-z0-9_-]{43}/.exec(mail!.text)?.[0];
    expect(link).toBeDefined();
    await page.goto(link!);
    await page.getByRole("button", { name: "Confirmar" }).click();
    await expect.poll(() => page.locator("main [role=status]").textContent()).toContain("Confirmado");
    expect(await subscriberState(runtime, "rosa@example.org", "email")).toMatchObject({
      status: "active",
      language: "es",
      zips: ["94607"],
    });
    await context.close();
  }, 120_000);

  it("an operator drafts, a verifier approves, and the alert reaches the page, the inbox and the phone", async () => {
    // A phone subscribes by text on the simulator first.
    const phoneContext = await browser.newContext({ javaScriptEnabled: false });
    const phone = await phoneContext.newPage();
    await phone.goto(`${base}/dev/phone?number=${encodeURIComponent(PHONE)}`);
    await phone.getByLabel("Message", { exact: true }).fill("94607");
    await phone.getByRole("button", { name: "Send" }).click();
    await phone.waitForLoadState("load");
    expect(await subscriberState(runtime, PHONE)).toMatchObject({ status: "active", zips: ["94607"] });

    const operatorContext = await browser.newContext();
    const operator = await signIn(operatorContext, "ops@hotline.test");
    await operator.goto(`${base}/console/alerts/new`);
    await operator.getByRole("textbox", { name: "Headline" }).first().fill("ICE agents at Lake Merritt BART");
    await operator
      .getByRole("textbox", { name: "Full text (alert page and email)" })
      .first()
      .fill(
        "Responders confirmed ICE agents at the Lake Merritt BART entrance at 10:15.\n\nYou have the right to remain silent.",
      );
    await operator
      .getByRole("textbox", { name: "SMS text", exact: true })
      .first()
      .fill("ICE agents at Lake Merritt BART, 10:15. You have the right to remain silent.");
    await operator.getByLabel("ZIP codes").fill("94607");
    await screenshot(operator, "console-composer");
    await operator.getByRole("button", { name: "Save the draft" }).click();
    await operator.waitForURL(/\/console\/alerts\/[0-9a-f-]{36}$/);
    const alertUrl = operator.url();
    expect(await operator.locator("body").textContent()).toContain("Waiting for a verifier");
    // Every SMS ends with the short link to the alert's page, under PUBLIC_URL.
    const sms = `ADVISORY: ICE agents at Lake Merritt BART, 10:15. You have the right to remain silent. ${shortAlertUrl(runtime.config.publicUrl, alertUrl.split("/").at(-1)!, "en")}`;

    const verifierContext = await browser.newContext();
    const verifier = await signIn(verifierContext, "ver@hotline.test");
    await verifier.goto(`${base}/console/alerts`);
    await verifier.getByRole("link", { name: "ICE agents at Lake Merritt BART" }).click();
    await verifier.waitForURL(alertUrl);
    expect(await verifier.locator(".sms-preview").first().textContent()).toBe(sms);
    await screenshot(verifier, "console-approval");
    await verifier.getByRole("button", { name: "Approve" }).click();
    await verifier.waitForURL(alertUrl);
    expect(await verifier.locator("dd strong").first().textContent()).toBe("published");
    await expect
      .poll(() => verifier.locator("[data-progress-status]").textContent(), { timeout: 30_000 })
      .toContain("Done");

    const resident = await browser.newContext();
    const home = await resident.newPage();
    await home.goto(`${base}/`);
    await home.getByRole("link", { name: "ICE agents at Lake Merritt BART" }).first().click();
    await expect.poll(() => home.locator("h1").textContent()).toBe("ICE agents at Lake Merritt BART");
    await screenshot(home, "alert-page");

    const mails = await smtp.waitFor(2, 30_000);
    const alertMail = mails.find((m) => m.subject.includes("ICE agents at Lake Merritt BART"));
    expect(alertMail?.to).toEqual(["rosa@example.org"]); // the confirmed resident, in English (no Spanish text)
    expect(alertMail?.text).toContain(`${base}/alerts/`);

    await expect
      .poll(
        async () => {
          await phone.goto(`${base}/dev/phone?number=${encodeURIComponent(PHONE)}`);
          return phone.locator(".thread li.alert .text").allTextContents();
        },
        { timeout: 30_000 },
      )
      .toContain(sms);
    await screenshot(phone, "phone-simulator");
    // The link in the text opens the alert's page.
    await phone.goto(sms.slice(sms.lastIndexOf(" ") + 1));
    await expect.poll(() => phone.locator("h1").textContent()).toBe("ICE agents at Lake Merritt BART");
    await Promise.all([
      phoneContext.close(),
      operatorContext.close(),
      verifierContext.close(),
      resident.close(),
    ]);
  }, 180_000);

  it("the composer works by keyboard alone", async () => {
    const context = await browser.newContext();
    const page = await signIn(context, "ops@hotline.test");
    await page.goto(`${base}/console/alerts/new`);
    const focused = () =>
      page.evaluate(
        () =>
          (document.activeElement as HTMLInputElement | null)?.name ||
          document.activeElement?.textContent?.trim() ||
          "",
      );
    async function tabTo(name: string) {
      for (let i = 0; i < 80; i++) {
        await page.keyboard.press("Tab");
        if ((await focused()) === name) return;
      }
      throw new Error(`never reached ${name} with Tab`);
    }
    await tabTo("texts.en.headline");
    await page.keyboard.type("Checkpoint on International Blvd");
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("texts.en.body");
    await page.keyboard.type("A checkpoint was confirmed on International Blvd at 23rd Ave.");
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("texts.en.smsText");
    await page.keyboard.type("Checkpoint on International Blvd at 23rd Ave. Avoid the area if you can.");
    await expect
      .poll(() => page.locator('[data-sms-text="en"]').textContent())
      .toBe(
        `ADVISORY: Checkpoint on International Blvd at 23rd Ave. Avoid the area if you can. ${shortAlertUrl(runtime.config.publicUrl, UNSAVED_ALERT_ID, "en")}`,
      );
    expect(await page.locator('[data-sms-count="en"]').textContent()).toMatch(
      /^\d+ characters · 1 segment \(GSM-7\)$/,
    );
    expect(await page.locator("#sms-live-en").getAttribute("aria-live")).toBe("polite");
    await tabTo("zips");
    await page.keyboard.type("94601");
    await tabTo("Save the draft");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/console\/alerts\/[0-9a-f-]{36}$/);
    expect(await page.locator("h1").textContent()).toBe("ADVISORY: Checkpoint on International Blvd");
    await context.close();
  }, 120_000);

  it("web push: the button appears only with JavaScript, the service worker controls the site, and a failure is explained", async () => {
    const noScript = await browser.newContext({ javaScriptEnabled: false });
    const plain = await noScript.newPage();
    await plain.goto(`${base}/subscribe?lang=vi`);
    expect(await plain.getByRole("button", { name: "Bật thông báo" }).count()).toBe(0);
    expect(await plain.locator("noscript").first().textContent()).toContain("cần JavaScript");
    await noScript.close();

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/subscribe?lang=vi`);
    const button = page.getByRole("button", { name: "Bật thông báo" });
    await expect.poll(() => button.isVisible()).toBe(true);
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(scope).toBe(`${base}/`);
    await page.getByLabel("Mã ZIP").fill("94607");
    // Permission granted, but this machine has no push service to reach (background networking
    // is off): the browser cannot subscribe, and the page says so instead of pretending.
    await context.grantPermissions(["notifications"], { origin: base });
    await button.click();
    await expect
      .poll(() => page.locator(".push-status").textContent(), { timeout: 30_000 })
      .toBe("Trình duyệt này không bật được thông báo. Xin thử lại sau, hoặc dùng email hay tin nhắn.");
    expect(await page.evaluate(() => Notification.permission)).toBe("granted");
    await context.close();
  }, 60_000);

  it("axe-core finds no serious or critical violation on the main pages", async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await signIn(context, "ver@hotline.test");
    const alertId = (
      await runtime.db
        .selectFrom("alerts")
        .select("id")
        .where("status", "=", "published")
        .executeTakeFirstOrThrow()
    ).id;
    const pages: [string, string][] = [
      ["home", "/"],
      ["home-zh", "/?lang=zh"],
      ["alert-page-vi", `/alerts/${alertId}?lang=vi`],
      ["subscribe", "/subscribe?lang=en"],
      ["subscribe-errors", "/subscribe"],
      ["manage", "/manage"],
      ["console-home", "/console"],
      ["console-alerts", "/console/alerts"],
      ["console-alert", `/console/alerts/${alertId}`],
      ["console-sightings", "/console/sightings"],
      ["console-intake", "/console/sightings/new"],
    ];
    const problems: string[] = [];
    for (const [name, path] of pages) {
      await page.goto(`${base}${path}`);
      if (name === "subscribe-errors") {
        await page.getByRole("button", { name: "Send the confirmation email" }).click();
        await page.waitForLoadState("load");
      }
      await screenshot(page, name);
      for (const v of await axeViolations(page)) {
        if (v.impact === "serious" || v.impact === "critical")
          problems.push(
            `${name}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
          );
      }
    }
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);
});
