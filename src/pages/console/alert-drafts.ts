/** The composer's two new-draft pages: an alert from scratch (ADVISORY) and an official statement. */
import { html } from "hono/html";
import { type FormValues, settingsFields } from "./alert-settings.ts";
import { type ConsoleView, consolePage, csrfField, type FieldErrors, formErrors } from "./chrome.ts";
import { composerFields } from "./composer.ts";

type Draft = { values: FormValues; errors: FieldErrors; channels: string[]; publicUrl: string };

export function newAlertPage(view: ConsoleView, { values, errors, channels, publicUrl }: Draft) {
  return consolePage(
    view,
    "Draft an alert",
    html`<h1>Draft an alert</h1>
<p>An alert drafted from scratch says ADVISORY (AVISO, 提示, KHUYẾN CÁO): only one drafted from a verified sighting says VERIFIED.</p>
${formErrors(errors)}
<form method="post" action="/console/alerts" class="composer" data-csrf="${view.csrf}" data-kind="sighting" data-priority="${values.priority ?? "alert"}">
${csrfField(view.csrf)}
${composerFields({ alert: { kind: "sighting", priority: "alert", is_drill: values.drill === "on", verifiedSighting: false }, publicUrl, values, errors })}
${settingsFields(values, errors, { channels })}
<div class="check"><input type="checkbox" id="f-drill" name="drill"${values.drill === "on" ? html` checked` : ""}> <label for="f-drill">Drill (reaches only the drill allowlist)</label></div>
<button type="submit">Save the draft</button>
</form>`,
    ["composer.js"],
  );
}

export function statementPage(view: ConsoleView, { values, errors, channels, publicUrl }: Draft) {
  return consolePage(
    view,
    "Draft a statement",
    html`<h1>Draft an official statement</h1>
<p>Labelled OFFICIAL CITY STATEMENT everywhere; another comms person approves it.</p>
${formErrors(errors)}
<form method="post" action="/console/statements" class="composer" data-csrf="${view.csrf}" data-kind="statement">
${csrfField(view.csrf)}
${composerFields({ alert: { kind: "statement", priority: "advisory", is_drill: false, verifiedSighting: false }, publicUrl, values, errors, smsOptional: true })}
${settingsFields(values, errors, { statement: true, channels })}
<div class="check"><input type="checkbox" id="f-drill" name="drill"> <label for="f-drill">Drill (reaches only the drill allowlist)</label></div>
<button type="submit">Save the draft</button>
</form>`,
    ["composer.js"],
  );
}
