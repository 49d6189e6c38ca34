/** The console's pages before sign-in: the password form, the second step, and a refused form. */
import { html } from "hono/html";
import { consolePage, csrfField, formErrors, input } from "./chrome.ts";

export const forbiddenPage = (localMode: boolean) =>
  consolePage(
    { actor: null, csrf: "", localMode },
    "Refused",
    html`<h1>This form was refused</h1>
<p role="alert">It did not carry a valid security token: it may have come from another site, or from a page
opened before you last signed in. Nothing was changed. <a href="/console">Go back to the console</a>, reload the page and try again.</p>`,
  );

export function codePage(localMode: boolean, csrf: string, errors: Record<string, string>) {
  return consolePage(
    { actor: null, csrf, localMode },
    "Two-step sign-in",
    html`<h1>Two-step sign-in</h1>
${formErrors(errors.form ? { form: errors.form } : {})}
<form method="post" action="/console/login/code">
${csrfField(csrf)}
${input({ name: "code", label: "Code from your authenticator app", errors, attrs: html` inputmode="numeric" autocomplete="one-time-code" autofocus` })}
<details><summary>Lost your phone?</summary>
${input({ name: "recoveryCode", label: "A recovery code", hint: "Each works once", errors, attrs: html` autocomplete="off"` })}
</details>
<button type="submit">Sign in</button>
</form>
<p><a href="/console/login">Start again</a></p>`,
  );
}

export function loginPage(localMode: boolean, csrf: string, email: string, errors: Record<string, string>) {
  return consolePage(
    { actor: null, csrf, localMode },
    "Sign in",
    html`<h1>Sign in to the Aviso console</h1>
${formErrors(errors.form ? { form: errors.form } : {})}
<form method="post" action="/console/login">
${csrfField(csrf)}
${input({ name: "email", label: "Email", type: "email", value: email, errors, required: true, attrs: html` autocomplete="username"` })}
${input({ name: "password", label: "Password", type: "password", errors, required: true, attrs: html` autocomplete="current-password"` })}
<button type="submit">Sign in</button>
</form>`,
  );
}
