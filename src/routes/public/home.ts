/** GET / : the alerts live now (optionally for one ZIP), and how to subscribe by text. */
import { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../../context.ts";
import { messages } from "../../i18n/catalog.ts";
import { alertCard } from "../../pages/public/alerts.ts";
import { byTextSection } from "../../pages/public/by-text.ts";
import { publicPage } from "../../pages/public/chrome.ts";
import { findPublicAlert, listActiveAlerts, type PublicAlert } from "../../services/public/public-alerts.ts";
import { exampleZip } from "../../services/subscriptions/service-area.ts";
import { publicRequest } from "./request.ts";

export const homeRoutes = new Hono<AppEnv>().get("/", async (c) => {
  const { ctx, language, url } = publicRequest(c);
  const t = messages(language).home;
  const raw = (c.req.query("zip") ?? "").trim();
  const zip = /^\d{5}$/.test(raw) ? raw : undefined;
  const badZip = raw !== "" && !zip;
  const now = ctx.clock.now();
  const alerts = await listActiveAlerts({ ctx, input: { zip, now } });
  const originals = new Map<string, PublicAlert>();
  const referenced = alerts.map((a) => a.referencesAlertId).filter((id): id is string => id !== null);
  if (referenced.length > 0) {
    for (const id of new Set(referenced)) {
      const found = await findPublicAlert({ ctx, input: { id } });
      if (found) originals.set(id, found.alert);
    }
  }
  const example = await exampleZip(ctx.db, ctx.config);
  const body = html`<h1>${t.title}</h1>
<p>${t.intro(ctx.config.program.name)}</p>
<form method="get" action="/" class="filter" role="search">
<div class="field">
<label for="zip">${t.filterLabel}</label>
<p class="hint" id="zip-hint">${t.filterHint}</p>
${badZip ? html`<p class="error" id="zip-error">${t.badZip}</p>` : ""}
<input type="text" id="zip" name="zip" inputmode="numeric" autocomplete="postal-code" maxlength="10"
 value="${raw}" aria-describedby="zip-hint${badZip ? " zip-error" : ""}"${badZip ? html` aria-invalid="true"` : ""}>
</div>
<button type="submit">${t.filterButton}</button>
</form>
${zip ? html`<p role="status">${t.showingFor(zip)} <a href="/">${t.showAll}</a></p>` : ""}
<section aria-labelledby="active">
<h2 id="active" class="visually-hidden">${t.title}</h2>
${
  alerts.length === 0
    ? html`<p>${zip ? t.noneForZip(zip) : t.none}</p>`
    : html`<ul class="alert-list">${alerts.map((alert) =>
        alertCard(
          alert,
          alert.referencesAlertId ? originals.get(alert.referencesAlertId) : undefined,
          language,
          ctx.config,
        ),
      )}</ul>`
}
</section>
${byTextSection(ctx.config, language, example, zip)}
<p><a href="/subscribe">${messages(language).nav.subscribe}</a></p>`;
  return c.html(
    publicPage({ config: ctx.config, language, url, title: t.title, body, current: "alerts" }),
    badZip ? 400 : 200,
  );
});
