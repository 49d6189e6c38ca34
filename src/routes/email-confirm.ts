/**
 * The link in the email double opt-in mail: GET /email/confirm?token=… shows what will be confirmed
 * and a button; POST /email/confirm confirms. A GET never changes anything, because mail scanners
 * open links on their own. The token is in the query (request logs record paths only), and the
 * pages ask browsers not to send it on as a Referer.
 */
import { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../app.ts";
import { DEFAULT_LANGUAGE } from "../i18n/languages.ts";
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
    return c.html(page(ctx, confirmation, token ?? ""), confirmation.state === "invalid" ? 404 : 200);
  })
  .post("/confirm", async (c) => {
    const ctx = c.get("ctx");
    const form = await c.req.parseBody();
    const confirmation = await confirmEmail({ ctx, input: { token: form.token } });
    return c.html(page(ctx, confirmation, ""), confirmation.state === "invalid" ? 400 : 200);
  });

function page(ctx: AppEnv["Variables"]["ctx"], confirmation: EmailConfirmation, token: string) {
  const language = confirmation.state === "invalid" ? DEFAULT_LANGUAGE : confirmation.language;
  const words = CONFIRMATION_PAGE[language];
  const program = ctx.config.program.name;
  const body =
    confirmation.state === "invalid"
      ? html`<h1>${words.title}</h1><p>${words.invalid}</p>`
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
