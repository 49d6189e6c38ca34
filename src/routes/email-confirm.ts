/**
 * The link in the email double opt-in mail: GET /email/confirm?token=… shows what will be confirmed
 * and a button; POST /email/confirm confirms. A GET never changes anything, because mail scanners
 * open links on their own. The token is in the query (request logs record paths only), and the
 * pages ask browsers not to send it on as a Referer.
 */
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../context.ts";
import { DEFAULT_LANGUAGE, type Language } from "../i18n/languages.ts";
import { negotiateLanguage } from "../i18n/negotiate.ts";
import { layout } from "../pages/layout.ts";
import {
  confirmEmail,
  type EmailConfirmation,
  findEmailConfirmation,
} from "../services/subscriptions/confirm-email.ts";
import { CONFIRMATION_PAGE } from "../services/subscriptions/email-confirmation-texts.ts";

export const emailConfirmRoutes = new Hono<AppEnv>()
  .use(async (c, next) => {
    await next();
    c.header("Cache-Control", "no-store");
    c.header("Referrer-Policy", "no-referrer");
  })
  .get("/confirm", async (c) => {
    const ctx = c.get("ctx");
    const token = c.req.query("token");
    const confirmation = await findEmailConfirmation({ ctx, input: { token } });
    return c.html(page(ctx, confirmation, token ?? "", readerLanguage(c)), statusOf(confirmation, 404));
  })
  .post("/confirm", async (c) => {
    const ctx = c.get("ctx");
    const form = await c.req.parseBody();
    const confirmation = await confirmEmail({ ctx, input: { token: form.token } });
    return c.html(page(ctx, confirmation, "", readerLanguage(c)), statusOf(confirmation, 400));
  });

/** Invalid: the status given; expired: 410 Gone; otherwise 200. */
function statusOf(confirmation: EmailConfirmation, invalid: 400 | 404) {
  return confirmation.state === "invalid" ? invalid : confirmation.state === "expired" ? 410 : 200;
}

/** For a link we cannot read, the reader's own language (query, cookie, browser). */
function readerLanguage(c: Context<AppEnv>): Language {
  return negotiateLanguage(c, { secure: c.get("ctx").config.publicUrl.startsWith("https:") });
}

function page(
  ctx: AppEnv["Variables"]["ctx"],
  confirmation: EmailConfirmation,
  token: string,
  fallback: Language = DEFAULT_LANGUAGE,
) {
  const language = confirmation.state === "invalid" ? fallback : confirmation.language;
  const words = CONFIRMATION_PAGE[language];
  const program = ctx.config.program.name;
  const body =
    confirmation.state === "invalid" || confirmation.state === "expired"
      ? html`<h1>${words.title}</h1><p role="alert">${confirmation.state === "expired" ? words.expired : words.invalid}</p>
<p><a href="/subscribe?lang=${language}">${words.again}</a></p>`
      : confirmation.state === "confirmed"
        ? html`<h1>${words.title}</h1><p role="status">${words.done({ program, zips: confirmation.zips.join(", ") })}</p>`
        : html`<h1>${words.title}</h1>
<p>${words.ask({ program, zips: confirmation.zips.join(", ") })}</p>
<form method="post" action="/email/confirm">
<input type="hidden" name="token" value="${token}">
<button type="submit">${words.button}</button>
</form>`;
  return layout({ title: words.title, localMode: ctx.config.localMode, lang: language, body });
}
