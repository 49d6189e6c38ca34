/** The sightings board: every sighting the person may see, in a column per status. */
import { html } from "hono/html";
import type { SightingView } from "../../services/sightings/shape.ts";
import { type ConsoleView, consolePage } from "./chrome.ts";
import { ACTIVITIES, AGENCIES, label, placeOf, STATUSES } from "./sighting-labels.ts";
import { when } from "./time.ts";

export function sightingBoardPage(view: ConsoleView, sightings: SightingView[], tz: string) {
  return consolePage(
    view,
    "Sightings",
    html`<h1>Sightings</h1>
<p><a href="/console/sightings/new">Log a sighting</a></p>
<div class="board">
${STATUSES.map(([status, name]) => {
  const column = sightings.filter((s) => s.status === status);
  return html`<section aria-labelledby="col-${status}"><h2 id="col-${status}">${name} (${column.length})</h2>
<ul>${column.map(
    (s) =>
      html`<li><a href="/console/sightings/${s.id}">${label(AGENCIES, s.agency)} ${label(ACTIVITIES, s.activity).toLowerCase()}, ${placeOf(s)} (${s.zip})</a><br><small>${when(s.observedAt, tz)}</small></li>`,
  )}</ul></section>`;
})}
</div>`,
  );
}
