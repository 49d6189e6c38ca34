/**
 * The subscribe page (GET /subscribe) and its form (POST /subscribe): ZIPs, language, and email
 * double opt-in; web push is added to the same page by web/push.js, which posts the browser's
 * subscription to POST /api/v1/push-subscriptions. /manage (manage.ts) says how to change or stop
 * each channel. Bad input shows the error next to its field, keeps what was typed and changes nothing;
 * a filled honeypot field (the shared `honeypot` middleware, src/http/honeypot.ts) gets the same
 * page as success and changes nothing.
 */
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import { pushPublicKey } from "../../config.ts";
import type { AppEnv } from "../../context.ts";
import { clientIp } from "../../http/authenticate.ts";
import { HONEYPOT_FIELD, honeypot } from "../../http/honeypot.ts";
import { type Messages, messages } from "../../i18n/catalog.ts";
import { isLanguage, LANGUAGE_NAMES, LANGUAGES, type Language } from "../../i18n/languages.ts";
import { byTextSection } from "../../pages/public/by-text.ts";
import { publicPage } from "../../pages/public/chrome.ts";
import { canonicalEmail } from "../../security/email-address.ts";
import { exampleZip } from "../../services/subscriptions/service-area.ts";
import { startEmailOptIn } from "../../services/subscriptions/start-email-opt-in.ts";
import { parseTypedZips } from "../../services/subscriptions/typed-zips.ts";
import { takeWebSignupSlot } from "../../services/subscriptions/web-signup-limit.ts";
import { publicRequest } from "./request.ts";

type Form = { zips: string; language: Language; email: string };
type Errors = Partial<Record<"zips" | "email" | "form", string>>;

export const subscribeRoutes = new Hono<AppEnv>()
  .get("/subscribe", async (c) => {
    const { language } = publicRequest(c);
    const zip = c.req.query("zip");
    return renderForm(c, { zips: zip && /^\d{5}$/.test(zip) ? zip : "", language, email: "" }, {}, 200);
  })
  .post(
    "/subscribe",
    // A bot that fills the hidden field gets the page a real sign-up gets; nothing is stored or sent.
    honeypot({
      respond: async (c) => {
        const { ctx, language, url } = publicRequest(c);
        const form = await readForm(c, language);
        return c.html(sentPage(c, form, ctx.config.inboundSms.emailConfirmationTtlHours, language, url));
      },
    }),
    async (c) => {
      const { ctx, language: pageLanguage, url } = publicRequest(c);
      c.header("Cache-Control", "no-store");
      const form = await readForm(c, pageLanguage);
      const t = messages(pageLanguage).subscribe;

      const zips = parseTypedZips(form.zips);
      const errors: Errors = { zips: typedZipsError(t, zips, ctx.config.inboundSms.maxZipsPerSubscriber) };
      if (form.email === "") errors.email = t.errors.emailMissing;
      // One addr-spec only: no display name, list or group (src/security/email-address.ts).
      else if (!canonicalEmail(form.email)) errors.email = t.errors.emailInvalid;
      if (errors.zips || errors.email) return renderForm(c, form, errors, 400);

      const allowed = await takeWebSignupSlot(ctx, {
        ip: clientIp(c),
        limitPerHour: ctx.config.web.signupsPerIpPerHour,
        now: ctx.clock.now(),
      });
      if (!allowed) return renderForm(c, form, { form: t.errors.rateLimited }, 429);

      const result = await startEmailOptIn({
        ctx,
        input: { via: "web", email: form.email, zips: zips.zips, language: form.language },
      });
      if (!result.ok && "invalidEmail" in result)
        return renderForm(c, form, { email: t.errors.emailInvalid }, 400);
      if (!result.ok)
        return renderForm(c, form, { zips: t.errors.zipsOutside(result.outside.join(", ")) }, 400);
      return c.html(sentPage(c, form, result.hours, pageLanguage, url));
    },
  );

/** What is wrong with ZIPs as typed (parseTypedZips), if anything: the subscribe and manage forms'. */
export function typedZipsError(
  t: Messages["subscribe"],
  zips: ReturnType<typeof parseTypedZips>,
  max: number,
): string | undefined {
  if (zips.malformed) return t.errors.zipsMalformed(zips.malformed);
  if (zips.zips.length === 0) return t.errors.zipsMissing;
  if (zips.zips.length > max) return t.errors.zipsTooMany(max);
  return undefined;
}

/** The form as typed (Hono caches the parsed body, so the honeypot and the handler share it). */
async function readForm(c: Context<AppEnv>, pageLanguage: Language): Promise<Form> {
  const body = await c.req.parseBody();
  const field = (name: string) => (typeof body[name] === "string" ? (body[name] as string) : "");
  const chosen = field("language");
  return {
    zips: field("zips").slice(0, 200),
    language: isLanguage(chosen) ? chosen : pageLanguage,
    email: field("email").trim().slice(0, 254),
  };
}

export function pushControls(
  publicKey: string | undefined,
  language: Language,
  mode: "subscribe" | "manage",
) {
  const t = messages(language).subscribe;
  if (!publicKey) return html`<p>${t.pushUnavailable}</p>`;
  // web/push.js reads its words from these data attributes, in the page's language.
  return html`<div class="push-controls" data-vapid-key="${publicKey}" data-mode="${mode}"
 data-msg-unsupported="${t.pushUnsupported}" data-msg-denied="${t.pushDenied}" data-msg-working="${t.pushWorking}"
 data-msg-on="${t.pushOn}" data-msg-off="${t.pushOff}" data-msg-failed="${t.pushFailed}" data-msg-browser-failed="${t.pushBrowserFailed}"
 data-msg-timeout="${t.pushTimeout}">
${mode === "subscribe" ? html`<button type="button" class="secondary" data-push-on hidden>${t.pushButton}</button>` : ""}
<button type="button" class="secondary" data-push-off hidden>${t.pushOffButton}</button>
<p class="push-status" role="status" aria-live="polite"></p>
<noscript><p>${t.pushNoScript}</p></noscript>
</div>`;
}

async function renderForm(c: Context<AppEnv>, form: Form, errors: Errors, status: 200 | 400 | 429) {
  const { ctx, language, url } = publicRequest(c);
  const t = messages(language).subscribe;
  const max = ctx.config.inboundSms.maxZipsPerSubscriber;
  const example = await exampleZip(ctx.db, ctx.config);
  const invalid = (name: "zips" | "email") =>
    errors[name]
      ? html` aria-invalid="true" aria-describedby="${name}-hint ${name}-error"`
      : html` aria-describedby="${name}-hint"`;
  const errorText = (name: "zips" | "email") =>
    errors[name] ? html`<p class="error" id="${name}-error">${errors[name]}</p>` : "";
  const anyError = errors.zips || errors.email;
  const body = html`<h1>${t.title}</h1>
<p>${t.intro}</p>
${errors.form ? html`<p class="notice" role="alert">${errors.form}</p>` : ""}
${
  anyError
    ? html`<div class="notice" role="alert"><p>${t.errors.summary}</p><ul>
${errors.zips ? html`<li><a href="#zips">${errors.zips}</a></li>` : ""}
${errors.email ? html`<li><a href="#email">${errors.email}</a></li>` : ""}
</ul></div>`
    : ""
}
<form method="post" action="/subscribe" novalidate id="subscribe-form">
<div class="field">
<label for="zips">${t.zipsLabel}</label>
<p class="hint" id="zips-hint">${t.zipsHint(max)}</p>
${errorText("zips")}
<input type="text" id="zips" name="zips" inputmode="numeric" autocomplete="postal-code" required
 value="${form.zips}" placeholder="${example}"${invalid("zips")}>
</div>
<div class="field">
<label for="language">${t.languageLabel}</label>
<select id="language" name="language">
${LANGUAGES.map(
  (code) =>
    html`<option value="${code}" lang="${code}"${code === form.language ? html` selected` : ""}>${LANGUAGE_NAMES[code]}</option>`,
)}
</select>
</div>
<fieldset>
<legend>${t.emailTitle}</legend>
<div class="field">
<label for="email">${t.emailLabel}</label>
<p class="hint" id="email-hint">${t.emailHint}</p>
${errorText("email")}
<input type="email" id="email" name="email" autocomplete="email" value="${form.email}"${invalid("email")}>
</div>
<div class="honeypot" aria-hidden="true">
<label for="${HONEYPOT_FIELD}">${t.honeypot}</label>
<input type="text" id="${HONEYPOT_FIELD}" name="${HONEYPOT_FIELD}" tabindex="-1" autocomplete="off">
</div>
<button type="submit">${t.emailButton}</button>
</fieldset>
<fieldset id="push">
<legend>${t.pushTitle}</legend>
<p>${t.pushIntro}</p>
${pushControls(pushPublicKey(ctx.config), language, "subscribe")}
</fieldset>
</form>
${byTextSection(ctx.config, language, example, /^\d{5}$/.test(form.zips) ? form.zips : undefined)}`;
  return c.html(
    publicPage({
      config: ctx.config,
      language,
      url,
      title: t.title,
      body,
      current: "subscribe",
      scripts: ["push.js"],
    }),
    status,
  );
}

function sentPage(c: Context<AppEnv>, form: Form, hours: number, language: Language, url: URL) {
  const { config } = c.get("ctx");
  const t = messages(language).subscribe;
  return publicPage({
    config,
    language,
    url,
    title: t.sentTitle,
    current: "subscribe",
    body: html`<h1>${t.sentTitle}</h1><p role="status">${t.sent(form.email, hours)}</p>`,
  });
}
