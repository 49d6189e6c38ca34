/** The console's 404 page: what was not found, and the way back. */
import { html } from "hono/html";
import { type ConsoleView, consolePage } from "./chrome.ts";

export function notFoundPage(view: ConsoleView, heading: string, back: { href: string; label: string }) {
  return consolePage(
    view,
    "Not found",
    html`<h1>${heading}</h1><p><a href="${back.href}">${back.label}</a></p>`,
  );
}
