/**
 * One's own second factor in the console: set up an authenticator app (the secret and its
 * otpauth:// URI, confirmed with a code before it counts), see how many recovery codes are left,
 * get new ones. A person whose role must have a second factor and has none is sent here by the
 * console's middleware and can reach nothing else until it is done.
 */
import { Hono } from "hono";
import { html } from "hono/html";
import { clientIp } from "../../http/authenticate.ts";
import { consolePage, csrfField, type FieldErrors, formErrors, input } from "../../pages/console/chrome.ts";
import { SECOND_FACTOR_PATH } from "../../pages/console/paths.ts";
import {
  confirmTotpEnrolment,
  pendingTotpEnrolment,
  startTotpEnrolment,
} from "../../services/second-factor/enrol-totp.ts";
import {
  regenerateRecoveryCodes,
  secondFactorStatus,
} from "../../services/second-factor/manage-second-factor.ts";
import {
  type ConsoleContext,
  type ConsoleEnv,
  errorsFrom,
  readForm,
  statusOf,
  text,
  view,
} from "./support.ts";

export const accountRoutes = new Hono<ConsoleEnv>()
  .get("/account/second-factor", async (c) => statusPage(c, {}))
  .post("/account/second-factor/start", async (c) => {
    try {
      const enrolment = await startTotpEnrolment({ ctx: c.get("ctx"), input: await stepUpInput(c) });
      return enrolPage(c, enrolment, {});
    } catch (error) {
      return statusPage(c, errorsFrom(error), statusOf(error) === 400 ? 400 : 409);
    }
  })
  .post("/account/second-factor/confirm", async (c) => {
    const ctx = c.get("ctx");
    const userId = c.get("actor").subjectId;
    const code = text(await readForm(c), "code");
    try {
      const { recoveryCodes } = await confirmTotpEnrolment({ ctx, input: { userId, code } });
      return codesPage(c, recoveryCodes, "Two-step sign-in is on");
    } catch (error) {
      const pending = await pendingTotpEnrolment({ ctx, input: { userId } });
      if (!pending) return statusPage(c, errorsFrom(error), 409);
      return enrolPage(c, pending, errorsFrom(error), 400);
    }
  })
  .post("/account/second-factor/recovery-codes", async (c) => {
    try {
      const { recoveryCodes } = await regenerateRecoveryCodes({
        ctx: c.get("ctx"),
        input: await stepUpInput(c),
      });
      return codesPage(c, recoveryCodes, "New recovery codes");
    } catch (error) {
      return statusPage(c, errorsFrom(error), statusOf(error) === 400 ? 400 : 409);
    }
  });

/**
 * Who asks, from where, and the code they typed from their current app: six digits are a TOTP
 * code, anything else is taken as a recovery code (step-up.ts checks either).
 */
async function stepUpInput(c: ConsoleContext) {
  const typed = text(await readForm(c), "current_code").trim();
  const current = /^[0-9 ]{6,7}$/.test(typed)
    ? { code: typed.replace(/ /g, "") }
    : typed
      ? { recoveryCode: typed }
      : undefined;
  return { userId: c.get("actor").subjectId, ip: clientIp(c), current };
}

async function statusPage(c: ConsoleContext, errors: FieldErrors, status: 200 | 400 | 409 = 200) {
  const actor = c.get("actor");
  const csrf = c.get("csrf");
  const state = await secondFactorStatus({
    ctx: c.get("ctx"),
    input: { userId: actor.subjectId, role: actor.role },
  });
  return c.html(
    consolePage(
      view(c),
      "Two-step sign-in",
      html`<h1>Two-step sign-in</h1>
${formErrors(errors)}
${
  state.enrolled
    ? html`<p>Two-step sign-in is on: signing in asks for the code your authenticator app shows. Recovery codes left: <strong>${state.recoveryCodesLeft}</strong>.</p>
<form method="post" action="${SECOND_FACTOR_PATH}/recovery-codes">${csrfField(csrf)}
<p>To change either, first prove it is you: type the code your authenticator app shows now (or, if you lost the phone, one of your recovery codes).</p>
${input({ name: "current_code", label: "Code from your authenticator app now", errors: stepUpErrors(errors), required: true, attrs: html` autocomplete="one-time-code"` })}
<button type="submit" class="secondary">Get new recovery codes</button> (the ones you have stop working)
<button type="submit" class="secondary" formaction="${SECOND_FACTOR_PATH}/start">Move to a new authenticator app</button></form>`
    : html`${
        state.required
          ? html`<p role="alert">Your role must sign in with a second factor. Set up an authenticator app now; nothing else in the console opens until you have.</p>`
          : html`<p>Two-step sign-in is off. With it on, a stolen password alone does not get into your account.</p>`
      }
<form method="post" action="${SECOND_FACTOR_PATH}/start">${csrfField(csrf)}
<button type="submit">Set up an authenticator app</button></form>`
}`,
    ),
    status,
  );
}

function enrolPage(
  c: ConsoleContext,
  enrolment: { secret: string; uri: string },
  errors: FieldErrors,
  status: 200 | 400 = 200,
) {
  const grouped = enrolment.secret.match(/.{1,4}/g)!.join(" ");
  return c.html(
    consolePage(
      view(c),
      "Set up an authenticator app",
      html`<h1>Set up an authenticator app</h1>
${formErrors(errors.code ? {} : errors)}
<ol>
<li>In your authenticator app (FreeOTP, Aegis, Google Authenticator, 1Password…), add an account by hand with this key, or open the link on the phone that has the app:
<p><code class="secret">${grouped}</code></p>
<p><a href="${enrolment.uri}">${enrolment.uri}</a></p></li>
<li>Type the 6-digit code the app now shows.</li>
</ol>
<p>Nobody from the hotline will ever ask you for this key or a code.</p>
<form method="post" action="${SECOND_FACTOR_PATH}/confirm">${csrfField(c.get("csrf"))}
${input({ name: "code", label: "Code from the app", errors, required: true, attrs: html` inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}"` })}
<button type="submit">Turn on two-step sign-in</button>
</form>`,
    ),
    status,
  );
}

function codesPage(c: ConsoleContext, codes: string[], title: string) {
  return c.html(
    consolePage(
      view(c),
      title,
      html`<h1>${title}</h1>
<p>These are your recovery codes. Each one signs you in once instead of a code from the app, if you lose your phone. Write them down or print them now and keep them somewhere safe: this page is the only time they are shown.</p>
<ul class="recovery-codes">${codes.map((code) => html`<li><code>${code}</code></li>`)}</ul>
<p><a href="/console">Continue to the console</a></p>`,
    ),
  );
}

/** The service names the field it checked (code or recoveryCode); the page has one field for both. */
function stepUpErrors(errors: FieldErrors): FieldErrors {
  const message = errors.code ?? errors.recoveryCode;
  return message ? { current_code: message } : {};
}
