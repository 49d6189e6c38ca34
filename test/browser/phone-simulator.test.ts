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
    expect(await page.locator("h1").textContent()).toBe("Phone simulator: +15105550150");

    const steps: [string, string][] = [
      ["94607 94601", subscribedReply("en", { program, zips: ["94601", "94607"] })],
      ["LIST", listReply("en", { zips: ["94601", "94607"], status: "active" })],
      ["REMOVE 94601", removedZipReply("en", { zips: ["94601"], remaining: ["94607"] })],
      ["ESPAÑOL", languageChangedReply("es")],
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
