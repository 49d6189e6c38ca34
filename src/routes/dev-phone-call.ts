/**
 * POST /dev/phone/call, local mode's phone simulator placing a call: the number calls the program
 * number, the page shows what the line says as text (with the language it is spoken in) and a
 * keypad. Like the simulator's texts, each step is the form Twilio would post, signed with the
 * webhook token (webhookAuthToken), and goes through the app's own fetch to the URL the last answer
 * gave (its <Gather> action for keys, its <Redirect> for "press nothing"), so it takes exactly the
 * real path: signature, state in the signed query, services, TwiML. Only URLs of the voice webhook
 * are followed. Plain forms, no JavaScript; nothing of the call is kept but what the line itself
 * stores (a subscription, a stop).
 */
import { randomBytes } from "node:crypto";
import { Hono } from "hono";
import { html } from "hono/html";
import type { AppContext, AppEnv } from "../context.ts";
import { webhookAuthToken } from "../http/twilio-webhook.ts";
import { layout } from "../pages/layout.ts";
import { twilioSignature } from "../security/twilio-signature.ts";
import { isFictionalNumber, normalizeUsPhone } from "../services/subscriptions/phone-number.ts";
import { VOICE_WEBHOOK_PATH } from "../voice/line.ts";
import { readVoiceResponse, type SpokenAnswer } from "../voice/twiml.ts";

type AppFetch = (request: Request) => Response | Promise<Response>;

const CALL_SID = /^CA[0-9a-f]{32}$/;
const KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"];

export function devPhoneCallRoutes(appFetch: AppFetch) {
  return new Hono<AppEnv>().post("/call", async (c) => {
    const ctx = c.get("ctx");
    c.header("Cache-Control", "no-store");
    const form = await c.req.parseBody();
    const field = (name: string) => (typeof form[name] === "string" ? (form[name] as string) : "");
    const number = normalizeUsPhone(field("number"));
    if (!number || !isFictionalNumber(number)) {
      return c.html(callPage(ctx, { error: "Pick a fictional number (555-0100 to 555-0199) first." }), 400);
    }
    const webhook = ctx.config.publicUrl + VOICE_WEBHOOK_PATH;
    const callSid = field("call") || `CA${randomBytes(16).toString("hex")}`;
    const url = field("url") || webhook;
    const digits = field("digits").trim();
    if (
      !CALL_SID.test(callSid) ||
      !(url === webhook || url.startsWith(`${webhook}?`)) ||
      !/^[0-9*#]{0,16}$/.test(digits)
    ) {
      return c.html(callPage(ctx, { number, error: "That is not a step of this call." }), 400);
    }
    const params: Record<string, string> = {
      AccountSid: ctx.config.sms?.accountSid ?? `AC${"0".repeat(32)}`,
      ApiVersion: "2010-04-01",
      CallSid: callSid,
      CallStatus: "in-progress",
      Direction: "inbound",
      From: number,
      To: ctx.config.sms?.from ?? "+15555550100",
      // The simulator plays a phone its carrier vouches for (SHAKEN/STIR A).
      StirVerstat: "TN-Validation-Passed-A",
    };
    if (field("url") && digits) params.Digits = digits;
    const target = new URL(url);
    const res = await appFetch(
      new Request(new URL(target.pathname + target.search, c.req.url), {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "X-Twilio-Signature": twilioSignature(webhookAuthToken(ctx), url, params),
        },
        body: new URLSearchParams(params).toString(),
      }),
    );
    if (res.status !== 200) {
      return c.html(
        callPage(ctx, { number, error: `The webhook answered HTTP ${res.status}; see the server log.` }),
        502,
      );
    }
    return c.html(callPage(ctx, { number, callSid, answer: readVoiceResponse(await res.text()) }));
  });
}

function callPage(
  ctx: AppContext,
  p: { number?: string; callSid?: string; answer?: SpokenAnswer; error?: string },
) {
  const { answer, number, callSid } = p;
  const back = number ? `/dev/phone?number=${encodeURIComponent(number)}` : "/dev/phone";
  return layout({
    title: number ? `Call from ${number}` : "Call",
    localMode: ctx.config.localMode,
    body: html`<h1>Phone simulator: calling Aviso${number ? html` from ${number}` : ""}</h1>
<p><strong>Simulator.</strong> Each key is posted to <code>${VOICE_WEBHOOK_PATH}</code> signed the way Twilio
signs it; what the line would say is shown as text. Nothing is recorded.</p>
${p.error ? html`<p role="alert">${p.error}</p>` : ""}
${
  answer
    ? html`<ol class="thread" role="log" aria-label="What the line says">
${answer.said.map((s) => html`<li class="aviso" lang="${s.language}"><small>Aviso says (${s.language})</small><span class="text">${s.text}</span></li>`)}
</ol>
${answer.dial ? html`<p>The line connects the call to ${answer.dial} (not placed by the simulator).</p>` : ""}
${answer.gather && number && callSid ? keypad(number, callSid, answer.gather, answer.redirect) : html`<p>Call ended.</p>`}`
    : ""
}
<p><a href="${back}">Back to the phone</a></p>`,
  });
}

function keypad(
  number: string,
  callSid: string,
  gather: { action: string; numDigits: number },
  redirect?: string,
) {
  const hidden = html`<input type="hidden" name="number" value="${number}"><input type="hidden" name="call" value="${callSid}">`;
  return html`<form method="post" action="/dev/phone/call" aria-label="Keypad">
${hidden}<input type="hidden" name="url" value="${gather.action}">
${
  gather.numDigits === 1
    ? html`<p class="keypad">${KEYS.map((key) => html`<button type="submit" name="digits" value="${key}">${key}</button> `)}</p>`
    : html`<label for="digits">Keys (${gather.numDigits} digits)</label>
<input id="digits" name="digits" inputmode="numeric" maxlength="16" autofocus>
<button type="submit">Press</button>`
}
</form>
${
  redirect
    ? html`<form method="post" action="/dev/phone/call">${hidden}<input type="hidden" name="url" value="${redirect}"><button type="submit">Press nothing (let it time out)</button></form>`
    : ""
}`;
}
