/**
 * The HTML shell shared by every server-rendered page. Hono's `html` template escapes every
 * interpolated value, so text from the database can never become markup.
 */
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export function layout(options: { title: string; localMode: boolean; lang?: string; body: Html }): Html {
  return html`<!doctype html>
<html lang="${options.lang ?? "en"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · Aviso</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 48rem; padding: 0 1rem 2rem; color: #1a1a1a; }
  .local-mode { background: #fff3c4; border: 2px solid #8a6d00; padding: .5rem 1rem; margin: 1rem 0; }
  table { border-collapse: collapse; width: 100%; } td, th { border-bottom: 1px solid #ccc; padding: .4rem; text-align: left; vertical-align: top; }
  pre { white-space: pre-wrap; margin: 0; font: inherit; }
</style>
</head>
<body>
${
  options.localMode
    ? html`<p class="local-mode" role="status"><strong>Local mode.</strong> No provider is configured for at least one channel: those messages are kept in the <a href="/dev/outbox">local outbox</a> and nobody receives them.</p>`
    : ""
}
<main>
${options.body}
</main>
</body>
</html>`;
}
