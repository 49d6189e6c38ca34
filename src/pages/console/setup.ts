/** The one-time setup page (src/routes/setup.ts): the first admin's account, or why there is none. */
import { html } from "hono/html";
import type { Html } from "../layout.ts";
import { consolePage, csrfField, type FieldErrors, formErrors, input } from "./chrome.ts";

export type SetupFields = { email: string; name: string; organisation: string };

export function setupPage(o: {
  localMode: boolean;
  csrf: string;
  token: string;
  values: SetupFields;
  errors: FieldErrors;
}): Html {
  const { errors, values } = o;
  return consolePage(
    { actor: null, csrf: o.csrf, localMode: o.localMode },
    "Set up Aviso",
    html`<h1>Create the first admin</h1>
<p>No admin account exists yet. This page comes from the one-time link the server printed when it
started; it works once, and not at all once an admin exists. The admin then adds everyone else in
the console.</p>
${formErrors(errors.form ? { form: errors.form } : {})}
<form method="post" action="/setup">
${csrfField(o.csrf)}
<input type="hidden" name="token" value="${o.token}">
${input({ name: "email", label: "Email", type: "email", value: values.email, errors, required: true, attrs: html` autocomplete="username"` })}
${input({ name: "name", label: "Your name", value: values.name, errors, required: true, attrs: html` autocomplete="name"` })}
${input({ name: "organisation", label: "Organisation", hint: "the sending organisation every alert names as its sender", value: values.organisation, errors, required: true, attrs: html` autocomplete="organization"` })}
${input({ name: "password", label: "Password", type: "password", hint: "at least 12 characters", errors, required: true, attrs: html` autocomplete="new-password"` })}
${input({ name: "passwordAgain", label: "Password again", type: "password", errors, required: true, attrs: html` autocomplete="new-password"` })}
<button type="submit">Create the admin account</button>
</form>`,
  );
}

/** The link is used up, was never valid, or an admin exists: nothing to do here but sign in. */
export function setupClosedPage(localMode: boolean, reason: string): Html {
  return consolePage(
    { actor: null, csrf: "", localMode },
    "Setup link not valid",
    html`<h1>This setup link is not valid</h1>
<p role="alert">${reason} Nothing was changed.</p>
<p><a href="/console/login">Sign in to the console</a>. While no admin exists, restarting the
server prints a new link; with Postgres, <code>aviso user create</code> also works.</p>`,
  );
}
