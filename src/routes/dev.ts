/**
 * Local mode's developer pages (mounted only in local mode): the outbox, where messages that had
 * no provider to go to are kept for a person to read.
 */
import { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../context.ts";
import { listOutbox } from "../delivery/local-outbox.ts";
import { layout } from "../pages/layout.ts";

export const devRoutes = new Hono<AppEnv>().get("/outbox", async (c) => {
  const { db, pii, config } = c.get("ctx");
  const entries = await listOutbox(db, pii, { limit: 200 });
  c.header("Cache-Control", "no-store");
  return c.html(
    layout({
      title: "Local outbox",
      localMode: config.localMode,
      body: html`<h1>Local outbox</h1>
<p>The newest ${entries.length} messages, newest first. They are deleted after 7 days.</p>
<table>
<thead><tr><th scope="col">When</th><th scope="col">Channel</th><th scope="col">To</th><th scope="col">Message</th></tr></thead>
<tbody>
${entries.map(
  (entry) => html`<tr>
<td>${entry.created_at.toISOString()}</td><td>${entry.channel}</td><td>${entry.recipient}</td>
<td>${entry.subject ? html`<strong>${entry.subject}</strong><br>` : ""}<pre>${entry.body}</pre></td>
</tr>`,
)}
</tbody>
</table>`,
    }),
  );
});
