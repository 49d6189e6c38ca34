/**
 * GET /alerts/:id, the full notification every SMS, email and push links to, and its short forms
 * (src/services/alerts/short-link.ts), which show the same page: GET /:language/:code, what texts
 * and pushes link to, in the language the message was sent in (the page still offers the others),
 * and GET /a/:code, the older form without a language, in the reader's.
 */
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../../context.ts";
import { messages } from "../../i18n/catalog.ts";
import { LANGUAGES, type Language } from "../../i18n/languages.ts";
import { alertPageBody } from "../../pages/public/alerts.ts";
import { publicPage } from "../../pages/public/chrome.ts";
import { alertLabel, pickText } from "../../services/alerts/compose.ts";
import { alertIdFromShortCode } from "../../services/alerts/short-link.ts";
import { asMessageAlert, findPublicAlert } from "../../services/public/public-alerts.ts";
import { publicRequest } from "./request.ts";

export const alertPageRoutes = new Hono<AppEnv>()
  .get("/alerts/:id", (c) => alertPage(c, c.req.param("id")))
  .get("/a/:code", (c) => alertPage(c, alertIdFromShortCode(c.req.param("code")) ?? ""))
  // The group keeps the alternation inside the segment: bare, it would match any path with "es" in it.
  .get(`/:language{(?:${LANGUAGES.join("|")})}/:code`, (c) =>
    alertPage(c, alertIdFromShortCode(c.req.param("code")) ?? "", c.req.param("language") as Language),
  );

async function alertPage(c: Context<AppEnv>, id: string, linked?: Language) {
  const { ctx, language, url } = publicRequest(c, linked);
  const found = await findPublicAlert({ ctx, input: { id } });
  if (!found) {
    const t = messages(language).alert;
    return c.html(
      publicPage({
        config: ctx.config,
        language,
        url,
        title: t.notFoundTitle,
        body: html`<h1>${t.notFoundTitle}</h1><p>${t.notFound}</p><p><a href="/">${t.back}</a></p>`,
      }),
      404,
    );
  }
  const text = pickText(found.alert.texts, language);
  const title = `${alertLabel(asMessageAlert(found.alert), text.language)}: ${text.headline}`;
  return c.html(
    publicPage({
      config: ctx.config,
      language,
      url,
      title,
      head: html`<link rel="canonical" href="${ctx.config.publicUrl}/alerts/${found.alert.id}">`,
      body: alertPageBody(found, language, ctx.config, ctx.clock.now()),
    }),
  );
}
