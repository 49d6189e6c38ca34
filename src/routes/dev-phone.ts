/**
 * /dev/phone, local mode's phone simulator: a person picks a fictional number (555-0100 to
 * 555-0199), texts Aviso, and reads the replies and, later, the alerts that number receives.
 *
 * It takes the real path: each text becomes the form Twilio would post, signed with the webhook
 * token (webhookAuthToken), and goes through the app's own fetch to POST /webhooks/twilio/sms:
 * middleware, signature check, keyword grammar, services, TwiML. Nothing here calls a service.
 * The exchange is kept in phone_simulator_messages for the page to show; alerts come from the
 * local outbox, found by the number's blind index. Plain forms and POST-redirect-GET: no
 * JavaScript needed.
 *
 * `?app=whatsapp` makes it a WhatsApp phone: the same number with Twilio's "whatsapp:" prefix,
 * which is a subscription of its own (src/whatsapp/), with its own thread.
 *
 * The SMS phone also shows the alert calls the number gets when it is subscribed to alerts by phone
 * call (the voice channel, which local mode keeps in the outbox like the others): what the call
 * says, as text. A voice row is indexed as the number's SMS row is, so the same number finds both.
 */
import { randomBytes } from "node:crypto";
import { Hono } from "hono";
import { html } from "hono/html";
import type { AppContext, AppEnv } from "../context.ts";
import type { TextChannel } from "../db/database.ts";
import { listOutbox } from "../delivery/local-outbox.ts";
import { webhookAuthToken } from "../http/twilio-webhook.ts";
import { layout } from "../pages/layout.ts";
import { addressIndex } from "../security/addresses.ts";
import { twilioSignature } from "../security/twilio-signature.ts";
import { isFictionalNumber, normalizeUsPhone } from "../services/subscriptions/phone-number.ts";
import { twimlMessages } from "../sms/twiml.ts";
import { toWhatsAppAddress } from "../whatsapp/address.ts";

const WEBHOOK_PATH = "/webhooks/twilio/sms";
const MAX_TEXT = 1_600;
const SHOWN = 100;
const SUGGESTED = ["+15105550142", "+15105550177", "+14155550123", "+12135550199"];

type AppFetch = (request: Request) => Response | Promise<Response>;

type ThreadEntry = { at: Date; from: "you" | "aviso" | "alert" | "call"; text: string };

export function devPhoneRoutes(appFetch: AppFetch) {
  return new Hono<AppEnv>()
    .use(async (c, next) => {
      await next();
      c.header("Cache-Control", "no-store");
    })
    .get("/", async (c) => {
      const ctx = c.get("ctx");
      const raw = c.req.query("number");
      if (raw === undefined) return c.html(pickNumberPage(ctx));
      const number = fictional(raw);
      if (!number) return c.html(pickNumberPage(ctx, raw), 400);
      const error = c.req.query("error");
      const app = appOf(c.req.query("app"));
      return c.html(phonePage(ctx, number, app, await thread(ctx, number, app), error));
    })
    .post("/send", async (c) => {
      const ctx = c.get("ctx");
      const form = await c.req.parseBody();
      const number = fictional(String(form.number ?? ""));
      if (!number) return c.html(pickNumberPage(ctx, String(form.number ?? "")), 400);
      const text = String(form.body ?? "")
        .replaceAll(String.fromCharCode(0), "") // Postgres text cannot hold NUL
        .slice(0, MAX_TEXT);
      const app = appOf(String(form.app ?? ""));
      const status = await textAviso(ctx, appFetch, new URL(WEBHOOK_PATH, c.req.url), number, app, text);
      const query = new URLSearchParams({
        number,
        ...(app === "whatsapp" ? { app } : {}),
        ...(status === 200 ? {} : { error: String(status) }),
      });
      return c.redirect(`/dev/phone?${query}#latest`, 303);
    });
}

function appOf(raw: string | undefined): TextChannel {
  return raw === "whatsapp" ? "whatsapp" : "sms";
}

function fictional(raw: string): string | undefined {
  const number = normalizeUsPhone(raw);
  return number && isFictionalNumber(number) ? number : undefined;
}

/** What Twilio would post for a text from `number`, signed, through the app; the exchange is kept. */
async function textAviso(
  ctx: AppContext,
  appFetch: AppFetch,
  url: URL,
  number: string,
  app: TextChannel,
  text: string,
) {
  const to = ctx.config.sms?.from ?? "+15555550100";
  const messageSid = `SM${randomBytes(16).toString("hex")}`;
  const params = {
    MessageSid: messageSid,
    SmsMessageSid: messageSid,
    AccountSid: ctx.config.sms?.accountSid ?? `AC${"0".repeat(32)}`,
    From: app === "whatsapp" ? toWhatsAppAddress(number) : number,
    To: app === "whatsapp" ? toWhatsAppAddress(ctx.config.whatsapp?.from ?? to) : to,
    Body: text,
    NumMedia: "0",
    NumSegments: "1",
    ApiVersion: "2010-04-01",
  };
  const signature = twilioSignature(webhookAuthToken(ctx), ctx.config.publicUrl + WEBHOOK_PATH, params);
  const res = await appFetch(
    new Request(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature },
      body: new URLSearchParams(params).toString(),
    }),
  );
  const replies = res.status === 200 ? twimlMessages(await res.text()) : [];
  const index = addressIndex(ctx.pii, app, number);
  await ctx.db
    .insertInto("phone_simulator_messages")
    .values([
      { number_index: index, direction: "to_aviso" as const, body: text },
      ...replies.map((body) => ({ number_index: index, direction: "from_aviso" as const, body })),
    ])
    .execute();
  return res.status;
}

/**
 * The conversation in the order it happened: texts and replies, and the alerts from the local
 * outbox. A text and its replies are written in one statement and share a timestamp, so rows keep
 * their insertion (id) order and the sort by time is stable: a reply stays below its text.
 */
async function thread(ctx: AppContext, number: string, app: TextChannel): Promise<ThreadEntry[]> {
  const exchanged = await ctx.db
    .selectFrom("phone_simulator_messages")
    .select(["direction", "body", "created_at"])
    .where("number_index", "=", addressIndex(ctx.pii, app, number))
    .orderBy("id", "desc")
    .limit(SHOWN)
    .execute();
  const alerts = await listOutbox(ctx.db, ctx.pii, { channel: app, recipient: number, limit: SHOWN });
  // Alert calls ring the phone itself, not WhatsApp: shown on the SMS phone only.
  const calls =
    app === "sms"
      ? await listOutbox(ctx.db, ctx.pii, { channel: "voice", recipient: number, limit: SHOWN })
      : [];
  const entries: ThreadEntry[] = [
    ...exchanged.reverse().map((row) => ({
      at: row.created_at,
      from: row.direction === "to_aviso" ? ("you" as const) : ("aviso" as const),
      text: row.body,
    })),
    ...alerts.map((alert) => ({ at: alert.created_at, from: "alert" as const, text: alert.body })),
    ...calls.map((call) => ({ at: call.created_at, from: "call" as const, text: call.body })),
  ];
  return entries.sort((a, b) => a.at.getTime() - b.at.getTime()).slice(-SHOWN);
}

/** A phone shows the time where it is: the program's zone (ALERT_TIME_ZONE), with seconds. */
function localTime(ctx: AppContext, at: Date): string {
  return new Intl.DateTimeFormat("en-US", {
    dateStyle: "medium",
    timeStyle: "medium",
    timeZone: ctx.config.operators.timeZone,
  }).format(at);
}

function simulatorNotice() {
  return html`<p><strong>Simulator.</strong> This page plays a phone in local mode. Each text is posted to
<code>${WEBHOOK_PATH}</code> signed the way Twilio signs it, and goes through exactly what a real text goes
through; nothing reaches a real phone. Only fictional numbers (555-0100 to 555-0199) can be used.</p>`;
}

function pickNumberPage(ctx: AppContext, rejected?: string) {
  return layout({
    title: "Phone simulator",
    localMode: ctx.config.localMode,
    body: html`<h1>Phone simulator</h1>
${simulatorNotice()}
${rejected !== undefined ? html`<p role="alert">“${rejected}” is not a fictional US number (555-0100 to 555-0199).</p>` : ""}
<form method="get" action="/dev/phone">
<label for="number">Your fake number</label>
<input id="number" name="number" inputmode="tel" required placeholder="(510) 555-0142" value="${rejected ?? ""}">
<button type="submit">Use this number</button>
</form>
<p>Or pick one:</p>
<ul>${SUGGESTED.map((number) => html`<li><a href="/dev/phone?number=${encodeURIComponent(number)}">${number}</a> (<a href="/dev/phone?number=${encodeURIComponent(number)}&amp;app=whatsapp">as a WhatsApp phone</a>)</li>`)}</ul>`,
  });
}

function phonePage(
  ctx: AppContext,
  number: string,
  app: TextChannel,
  entries: ThreadEntry[],
  error?: string,
) {
  const label = { you: "You", aviso: "Aviso", alert: "Alert", call: "Alert call (spoken)" } as const;
  const plain = `/dev/phone?number=${encodeURIComponent(number)}`;
  const self = app === "whatsapp" ? `${plain}&app=whatsapp` : plain;
  const other = app === "whatsapp" ? plain : `${plain}&app=whatsapp`;
  const name = app === "whatsapp" ? "WhatsApp" : "SMS";
  return layout({
    title: `Phone ${number} (${name})`,
    localMode: ctx.config.localMode,
    body: html`<h1>Phone simulator: ${number} (${name})</h1>
${simulatorNotice()}
${error ? html`<p role="alert">The webhook answered HTTP ${error}; see the server log.</p>` : ""}
<ol class="thread" role="log" aria-label="Messages">
${entries.map(
  (entry, i) =>
    html`<li class="${entry.from}"${i === entries.length - 1 ? html` id="latest"` : ""}><small>${label[entry.from]} · <time datetime="${entry.at.toISOString()}">${localTime(ctx, entry.at)}</time></small><span class="text">${entry.text}</span></li>`,
)}
</ol>
${entries.length === 0 ? html`<p>No messages yet. Text a ZIP code, like 94607, to subscribe.</p>` : ""}
<form method="post" action="/dev/phone/send">
<input type="hidden" name="number" value="${number}">
${app === "whatsapp" ? html`<input type="hidden" name="app" value="whatsapp">` : ""}
<label for="body">Message</label>
<textarea id="body" name="body" rows="2" maxlength="${MAX_TEXT}" autofocus></textarea>
<button type="submit">Send</button>
</form>
<form method="post" action="/dev/phone/call"><input type="hidden" name="number" value="${number}"><button type="submit">Call Aviso</button></form>
<p><a href="${self}">Check for new messages</a> · <a href="${other}">${app === "whatsapp" ? "Text by SMS instead" : "Use WhatsApp instead"}</a> · <a href="/dev/phone">Use another number</a> · <a href="/dev/outbox">Local outbox</a></p>`,
  });
}
