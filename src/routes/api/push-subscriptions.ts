/**
 * Web push sign-up, called by the subscribe page's script (web/push.js) with the browser's
 * PushSubscription. Public: no account, no cookie (so no CSRF to guard against); limited per IP
 * address per hour (WEB_SIGNUPS_PER_IP_PER_HOUR).
 */
import { z } from "zod";
import { ApiError, invalid } from "../../errors.ts";
import { route } from "../../http/api-route.ts";
import { clientIp } from "../../http/authenticate.ts";
import { Language, Zip } from "../../schemas/common.ts";
import { subscribePush, unsubscribePush } from "../../services/subscriptions/web-push.ts";
import { takeWebSignupSlot } from "../../services/subscriptions/web-signup-limit.ts";

/** base64url (padding tolerated) that decodes to exactly `bytes` bytes. */
const base64urlBytes = (bytes: number) =>
  z
    .string()
    .max(200)
    .refine(
      (value) => /^[A-Za-z0-9_-]+={0,2}$/.test(value) && Buffer.from(value, "base64url").length === bytes,
      {
        message: `must be ${bytes} bytes, base64url-encoded`,
      },
    );

export const PushSubscriptionJson = z.object({
  endpoint: z
    .url({ protocol: /^https$/, message: "must be an https URL" })
    .max(2048)
    .describe("The push service's URL for this browser"),
  keys: z.object({ p256dh: base64urlBytes(65), auth: base64urlBytes(16) }),
});
export const PushSignupBody = z.object({
  subscription: PushSubscriptionJson,
  zips: z
    .array(Zip)
    .min(1)
    .max(50)
    .refine((zips) => new Set(zips).size === zips.length, { message: "must not repeat a ZIP" }),
  language: Language,
});
export const PushSignupAnswer = z.object({ zips: z.array(Zip) });
export const PushRemoveBody = z.object({ subscription: PushSubscriptionJson });

export const pushSubscriptionRoutes = [
  route({
    method: "post",
    path: "/push-subscriptions",
    tag: "Residents",
    summary: "Subscribe a browser to web push",
    description:
      "The browser's PushSubscription (`endpoint`, `keys.p256dh`, `keys.auth`), the ZIPs and the language. Sealed and blind-indexed like every address; active at once (the browser's permission is the opt-in). Sending the same subscription again replaces its ZIPs and language. The endpoint must be on a known push service (`PUSH_ENDPOINT_HOSTS`; by default FCM, Mozilla, Apple and Windows push) with its host written plainly (letters, digits, hyphens and dots, no percent-encoding), otherwise 400 and nothing is stored; it is stored, and pushed to, as the URL parser writes it. Limited per client address (an IPv4 address or an IPv6 /64; 429).",
    permission: "public",
    body: PushSignupBody,
    responses: { 201: { description: "Subscribed", schema: PushSignupAnswer } },
    handler: async (c, { body }) => {
      const ctx = c.get("ctx");
      await refuseWhenLimited(c);
      const max = ctx.config.inboundSms.maxZipsPerSubscriber;
      if (body.zips.length > max) throw invalid("zips", `at most ${max} ZIPs`);
      const result = await subscribePush({ ctx, input: body });
      if (!result.ok)
        throw invalid("zips", `not in the service area: ${result.outside.join(", ") || "none given"}`);
      c.header("Cache-Control", "no-store");
      return c.json({ zips: result.zips }, 201);
    },
  }),
  route({
    method: "post",
    path: "/push-subscriptions/remove",
    tag: "Residents",
    summary: "Stop web push to a browser",
    description:
      "The browser sends its own PushSubscription; the answer is the same whether or not it was subscribed.",
    permission: "public",
    body: PushRemoveBody,
    responses: { 204: { description: "Stopped (or never subscribed)" } },
    handler: async (c, { body }) => {
      await refuseWhenLimited(c);
      await unsubscribePush({ ctx: c.get("ctx"), input: body });
      return c.body(null, 204);
    },
  }),
];

async function refuseWhenLimited(c: Parameters<(typeof pushSubscriptionRoutes)[number]["run"]>[0]) {
  const ctx = c.get("ctx");
  const allowed = await takeWebSignupSlot(ctx, {
    ip: clientIp(c),
    limitPerHour: ctx.config.web.signupsPerIpPerHour,
    now: ctx.clock.now(),
  });
  if (!allowed) throw new ApiError("rate_limited", "Too many sign-ups from this address; try again later");
}
