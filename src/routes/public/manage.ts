/**
 * /manage: how to change or stop each channel (SMS keywords, the email link, push on this device).
 * With the token from an alert email's link (`?token=`, the unsubscribe link's token: a signed
 * subscriber id), it also shows that subscription's ZIPs and language to change, and an
 * unsubscribe button. The token travels in the query and the form body, never the path, so request
 * logs (paths only) never hold it; the page is no-store and sends no Referer.
 */
import { Hono } from "hono";
import { html } from "hono/html";
import { pushPublicKey } from "../../config.ts";
import type { AppEnv } from "../../context.ts";
import { messages } from "../../i18n/catalog.ts";
import { isLanguage, LANGUAGE_NAMES, LANGUAGES, type Language } from "../../i18n/languages.ts";
import { smsKeywords } from "../../pages/public/by-text.ts";
import { publicPage } from "../../pages/public/chrome.ts";
import {
  changeManagedSubscription,
  findManagedSubscription,
  type ManagedSubscription,
} from "../../services/subscribers/manage-by-token.ts";
import { parseTypedZips } from "../../services/subscriptions/typed-zips.ts";
import { publicRequest } from "./request.ts";
import { pushControls, typedZipsError } from "./subscribe.ts";

type Personal =
  | { kind: "none" }
  | { kind: "invalid" }
  | {
      kind: "found";
      token: string;
      subscription: ManagedSubscription;
      typed?: { zips: string; language: Language };
      error?: string;
      saved?: string;
    };

export const manageRoutes = new Hono<AppEnv>()
  .get("/manage", async (c) => {
    const { ctx } = publicRequest(c);
    const token = c.req.query("token");
    if (token === undefined) return render(c, { kind: "none" });
    c.header("Cache-Control", "no-store");
    const subscription = await findManagedSubscription({ ctx, input: { token } });
    return subscription
      ? render(c, { kind: "found", token, subscription })
      : render(c, { kind: "invalid" }, 404);
  })
  .post("/manage", async (c) => {
    const { ctx, language: pageLanguage } = publicRequest(c);
    c.header("Cache-Control", "no-store");
    const form = await c.req.parseBody();
    const field = (name: string) => (typeof form[name] === "string" ? (form[name] as string) : "");
    const token = field("token");
    const chosen = field("language");
    const typed = { zips: field("zips").slice(0, 200), language: isLanguage(chosen) ? chosen : pageLanguage };
    const t = messages(pageLanguage);
    const current = await findManagedSubscription({ ctx, input: { token } });
    if (!current) return render(c, { kind: "invalid" }, 404);
    const zips = parseTypedZips(typed.zips);
    const refuse = (error: string) =>
      render(c, { kind: "found", token, subscription: current, typed, error }, 400);
    const zipsError = typedZipsError(t.subscribe, zips, ctx.config.inboundSms.maxZipsPerSubscriber);
    if (zipsError) return refuse(zipsError);
    const result = await changeManagedSubscription({
      ctx,
      input: { subscription: current, zips: zips.zips, language: typed.language },
    });
    if (!result.ok && result.reason === "outside")
      return refuse(t.subscribe.errors.zipsOutside(result.outside.join(", ")));
    if (!result.ok) return refuse(t.manage.stopped);
    return render(c, {
      kind: "found",
      token,
      subscription: result.subscription,
      saved: t.manage.saved(result.subscription.zips.join(", ")),
    });
  });

async function render(
  c: Parameters<typeof publicRequest>[0],
  personal: Personal,
  status: 200 | 400 | 404 = 200,
) {
  const { ctx, language, url } = publicRequest(c);
  if (personal.kind !== "none") {
    c.header("Cache-Control", "no-store");
    url.searchParams.delete("token"); // the language switch must not carry the token around
  }
  const t = messages(language);
  const words = smsKeywords(language);
  const body = html`<h1>${t.manage.title}</h1>
${personal.kind === "invalid" ? html`<p class="notice" role="alert">${t.manage.invalidLink}</p>` : ""}
${personal.kind === "found" ? yours(personal, language, ctx.config.inboundSms.maxZipsPerSubscriber) : ""}
<section aria-labelledby="manage-text">
<h2 id="manage-text">${t.manage.textTitle}</h2>
<p>${t.manage.text}</p>
<ul>
<li><strong>${words.stop}</strong> ${t.byText.stop}</li>
<li><strong>${words.list}</strong> ${t.byText.list}</li>
<li>${t.manage.remove}</li>
</ul>
</section>
<section aria-labelledby="manage-email">
<h2 id="manage-email">${t.manage.emailTitle}</h2>
<p>${t.manage.email}</p>
</section>
<section aria-labelledby="manage-push" id="push">
<h2 id="manage-push">${t.manage.pushTitle}</h2>
<p>${t.manage.push}</p>
${pushControls(pushPublicKey(ctx.config), language, "manage")}
</section>`;
  return c.html(
    publicPage({
      config: ctx.config,
      language,
      url,
      title: t.manage.title,
      body,
      current: "manage",
      scripts: ["push.js"],
    }),
    status,
  );
}

function yours(personal: Extract<Personal, { kind: "found" }>, language: Language, max: number) {
  const t = messages(language);
  const { subscription } = personal;
  if (subscription.status !== "active")
    return html`<p class="notice" role="alert">${t.manage.stopped} <a href="/subscribe">${t.nav.subscribe}</a></p>`;
  const zips = personal.typed?.zips ?? subscription.zips.join(" ");
  const chosen = personal.typed?.language ?? subscription.language;
  const error = personal.error;
  return html`<section aria-labelledby="yours">
<h2 id="yours">${t.manage.yoursTitle}</h2>
<p>${t.manage.yoursIntro}</p>
${personal.saved ? html`<p class="notice ok" role="status">${personal.saved}</p>` : ""}
<form method="post" action="/manage">
<input type="hidden" name="token" value="${personal.token}">
<div class="field">
<label for="zips">${t.subscribe.zipsLabel}</label>
<p class="hint" id="zips-hint">${t.subscribe.zipsHint(max)}</p>
${error ? html`<p class="error" id="zips-error">${error}</p>` : ""}
<input type="text" id="zips" name="zips" inputmode="numeric" value="${zips}" aria-describedby="zips-hint${error ? " zips-error" : ""}"${error ? html` aria-invalid="true"` : ""}>
</div>
<div class="field">
<label for="language">${t.subscribe.languageLabel}</label>
<select id="language" name="language">
${LANGUAGES.map((code) => html`<option value="${code}" lang="${code}"${code === chosen ? html` selected` : ""}>${LANGUAGE_NAMES[code]}</option>`)}
</select>
</div>
<button type="submit">${t.manage.save}</button>
</form>
<form method="post" action="/unsubscribe/${personal.token}">
<button type="submit" class="danger">${t.manage.unsubscribe}</button>
</form>
</section>`;
}
