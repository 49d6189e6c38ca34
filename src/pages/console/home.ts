/** The console's home page: the tasks this person's role may do, and local mode's tools. */
import { html } from "hono/html";
import { type Actor, authorize } from "../../auth/permissions.ts";
import { mayDraft } from "../../services/alerts/approval-rules.ts";
import { type ConsoleView, consolePage } from "./chrome.ts";
import { SECOND_FACTOR_PATH } from "./paths.ts";

export function homePage(view: ConsoleView, o: { actor: Actor; localMode: boolean }) {
  const { actor } = o;
  const tasks: [string, string, string][] = [];
  if (authorize(actor, "sightings:write").ok) {
    tasks.push(["/console/sightings/new", "Log a sighting", "from a hotline call"]);
    tasks.push(["/console/sightings", "Sightings board", "dispatch, verify, resolve"]);
    tasks.push(["/console/alerts/new", "Draft an alert", "from scratch"]);
  }
  if (authorize(actor, "responders:manage").ok) {
    tasks.push(["/console/responders", "Responders", "the roster texted to go and look"]);
  }
  tasks.push([
    "/console/alerts",
    "Alerts and the approval queue",
    "review what will be sent, approve, publish, follow up",
  ]);
  if (mayDraft("statement", actor.role))
    tasks.push(["/console/statements/new", "Draft an official statement", "city-wide or by ZIP"]);
  if (authorize(actor, "users:manage").ok) {
    tasks.push(["/console/users", "Users", "accounts and roles"]);
    tasks.push(["/console/keys", "API keys", "for integrations"]);
    tasks.push(["/console/audit", "Audit log", "who did what"]);
  }
  tasks.push([
    "/console/account/paging",
    "Approval pages",
    "be told at once, in this browser or by text, when a draft waits for you",
  ]);
  tasks.push([SECOND_FACTOR_PATH, "Two-step sign-in", "your authenticator app and recovery codes"]);
  return consolePage(
    view,
    "Console",
    html`<h1>Hello, ${actor.name}</h1>
<ul>${tasks.map(([href, label, what]) => html`<li><a href="${href}">${label}</a>: ${what}</li>`)}</ul>
${
  o.localMode
    ? html`<h2>Local mode</h2><p>Messages go nowhere: read them in the <a href="/dev/outbox">dev outbox</a>, and text Aviso from the <a href="/dev/phone">phone simulator</a>.</p>`
    : ""
}`,
  );
}
