// The "Done when", in a real browser (Debian's Chromium through playwright-core) with
// JavaScript switched off: on /dev/phone a person subscribes to two ZIPs, lists them, drops one,
// switches to Spanish, stops and starts again, and reads the right reply each time.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "../../src/entry/node.ts";
import {
  languageChangedReply,
  listReply,
  removedZipReply,
  startedReply,
  stoppedReply,
  subscribedReply,
} from "../../src/sms/replies.ts";
import { launchChromium } from "../support/browser.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";
import { subscriberState } from "../support/subscribers.ts";

const program = "Oakland Rapid Response";
let runtime: TestRuntime;
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
  runtime = await createTestRuntime({ env: { PORT: "0", PROGRAM_NAME: program } });
  server = await startServer(runtime, { workers: false });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await runtime?.close();
});

async function send(page: Page, body: string): Promise<string> {
  await page.getByLabel("Message", { exact: true }).fill(body);
  await page.getByRole("button", { name: "Send" }).click();
  await page.waitForLoadState("load");
  const replies = page.locator(".thread li.aviso .text");
  return (await replies.last().textContent()) ?? "";
}

describe("the phone simulator in a browser", () => {
  it("subscribes to two ZIPs, lists, drops one, switches to Spanish, stops and starts again", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/dev/phone`);
    expect(await page.locator(".local-mode").count()).toBe(1);
    expect(await page.locator("strong", { hasText: "Simulator." }).count()).toBe(1);
    await page.getByLabel("Your fake number").fill("(510) 555-0150");
    await page.getByRole("button", { name: "Use this number" }).click();
    await page.waitForLoadState("load");
    expect(await page.locator("h1").textContent()).toBe("Phone simulator: +15105550150 (SMS)");

    const steps: [string, string][] = [
      ["94607 94601", subscribedReply("en", { program, zips: ["94601", "94607"] })],
      ["LIST", listReply("en", { program, zips: ["94601", "94607"], status: "active" })],
      ["REMOVE 94601", removedZipReply("en", { program, zips: ["94601"], remaining: ["94607"] })],
      ["ESPAÑOL", languageChangedReply("es", { program })],
      ["ALTO", stoppedReply("es", { program })],
      ["INICIO", startedReply("es", { program, zips: ["94607"] })],
    ];
    for (const [body, reply] of steps) {
      expect(await send(page, body), body).toBe(reply);
    }
    // The whole conversation is on the page, the resident's texts included.
    const yours = await page.locator(".thread li.you .text").allTextContents();
    expect(yours).toEqual(steps.map(([body]) => body));
    expect(await subscriberState(runtime, "+15105550150")).toMatchObject({
      status: "active",
      language: "es",
      zips: ["94607"],
    });
    await context.close();
  });
});

describe("the phone simulator on a phone-sized screen", () => {
  it("reads like a phone at 390 px: replies below their text, local times, long links wrapped", async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      javaScriptEnabled: false,
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/dev/phone?number=${encodeURIComponent("+15105550151")}`);
    await send(page, "94607");
    const longLink = `https://aviso.example/a/${"Zx9".repeat(40)}`;
    await send(page, longLink);

    // In the order it happened: each text, then the reply it caused (they share a timestamp).
    const order = await page.locator(".thread li").evaluateAll((items) => items.map((li) => li.className));
    expect(order).toEqual(["you", "aviso", "you", "aviso"]);

    // Times in the program's zone as a phone shows them, not raw UTC; the ISO instant stays in datetime.
    const time = page.locator(".thread li time").first();
    const instant = new Date((await time.getAttribute("datetime")) ?? "");
    const shown = (await time.textContent()) ?? "";
    expect(shown).not.toContain("Z");
    expect(shown).toBe(
      new Intl.DateTimeFormat("en-US", {
        dateStyle: "medium",
        timeStyle: "medium",
        timeZone: runtime.config.operators.timeZone,
      }).format(instant),
    );

    // Nothing is wider than the screen, however long the word: no bubble's text overflows it.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const overflowing = await page
      .locator(".thread li")
      .evaluateAll(
        (items) =>
          items.filter((li) => li.scrollWidth > li.clientWidth || li.getBoundingClientRect().right > 390)
            .length,
      );
    expect(overflowing).toBe(0);
    await context.close();
  });
});
