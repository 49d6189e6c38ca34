/** The intake form for a hotline call; what was typed is kept after a refusal. */
import { html } from "hono/html";
import {
  type ConsoleView,
  consolePage,
  csrfField,
  type FieldErrors,
  formErrors,
  input,
  select,
  textarea,
} from "./chrome.ts";
import { ACTIVITIES, AGENCIES, SOURCES } from "./sighting-labels.ts";

export function intakePage(
  view: ConsoleView,
  o: { values: (name: string) => string; errors: FieldErrors; timeZone: string },
) {
  const { values: v, errors } = o;
  return consolePage(
    view,
    "Log a sighting",
    html`<h1>Log a sighting</h1>
${formErrors(errors)}
<form method="post" action="/console/sightings">
${csrfField(view.csrf)}
${input({ name: "zip", label: "ZIP code", value: v("zip"), errors, required: true, attrs: html` inputmode="numeric" maxlength="5"` })}
${input({ name: "place", label: "Place", hint: "Street and landmark, as the caller said it", value: v("place"), errors, required: true })}
${input({ name: "crossStreets", label: "Cross streets", value: v("crossStreets"), errors })}
${input({ name: "observedAt", label: "Seen at", type: "datetime-local", hint: `Local time (${o.timeZone})`, value: v("observedAt"), errors, required: true })}
${select({ name: "agency", label: "Agency", options: AGENCIES, value: v("agency") || "unknown", errors })}
${select({ name: "activity", label: "Activity", options: ACTIVITIES, value: v("activity") || "other", errors })}
${input({ name: "vehicles", label: "Vehicles", type: "number", value: v("vehicles"), errors, attrs: html` min="0"` })}
${input({ name: "agents", label: "Agents", type: "number", value: v("agents"), errors, attrs: html` min="0"` })}
${textarea({ name: "description", label: "What was seen", value: v("description"), errors })}
${select({ name: "source", label: "Source", options: SOURCES, value: v("source") || "hotline_call", errors })}
${input({ name: "reporterCallback", label: "Caller's callback number (optional)", hint: "Encrypted, and purged after the retention window", value: v("reporterCallback"), errors, attrs: html` inputmode="tel" autocomplete="off"` })}
<button type="submit">Log sighting</button>
</form>`,
  );
}
