/**
 * Approval paging in tests (src/services/paging/): turn paging on for a staff member through the
 * console (a browser at the loopback push peer, a number proven with the code the Twilio peer
 * received), and run the page-approvers jobs pg-boss holds, as a worker would, on the test's
 * clock. The whole-story test uses these too.
 */
import { expect } from "vitest";
import { createBrowserSubscription, type PushPeer } from "../peers/push-peer.ts";
import type { TwilioPeer } from "../peers/twilio-peer.ts";
import type { ConsoleClient } from "./console.ts";

export const PAGING_PATH = "/console/account/paging";

/** POSTs JSON as web/console-paging.js does: session cookie, CSRF token in the header. */
export async function postPagingJson(client: ConsoleClient, path: string, body: unknown): Promise<Response> {
  await client.get(PAGING_PATH);
  return client.app.request(path, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-csrf-token": client.csrf,
      cookie: client.cookieHeader,
    },
    body: JSON.stringify(body),
  });
}

/**
 * Turns approval pages on in a new "browser" of this signed-in person: a subscription the push
 * peer decrypts for. Its id at the peer (push.received[].id).
 */
export async function enablePagerPush(
  client: ConsoleClient,
  push: PushPeer,
  vapidPublicKey: string,
): Promise<{ id: string; subscription: ReturnType<typeof createBrowserSubscription>["subscription"] }> {
  const browser = createBrowserSubscription(push, { applicationServerKey: vapidPublicKey });
  const res = await postPagingJson(client, `${PAGING_PATH}/push`, { subscription: browser.subscription });
  expect(res.status, await res.clone().text()).toBe(201);
  return { id: browser.id, subscription: browser.subscription };
}

/** The code in the last verification text the Twilio peer got for this number. */
export function lastCodeFor(sms: TwilioPeer, phone: string): string | undefined {
  const body = sms.messages.filter((m) => m.to === phone).at(-1)?.body ?? "";
  return /Aviso code (\d{6})/.exec(body)?.[1];
}

/** Adds this person's number on the paging page and types back the code texted to it. */
export async function provePagerPhone(client: ConsoleClient, sms: TwilioPeer, phone: string): Promise<void> {
  await client.get(PAGING_PATH);
  const added = await client.post(`${PAGING_PATH}/phone`, { phone });
  expect(added.status, client.lastPage).toBe(200);
  const code = lastCodeFor(sms, phone);
  expect(code).toBeDefined();
  const verified = await client.post(`${PAGING_PATH}/phone/verify`, { code: code! });
  expect(verified.status, client.lastPage).toBe(200);
}

export { runDuePageJobs } from "./page-jobs.ts";
