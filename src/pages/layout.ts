/**
 * The HTML shell shared by every server-rendered page. Hono's `html` template escapes every
 * interpolated value, so text from the database can never become markup. Styles come from
 * web/styles.css and scripts from web/ (versioned URLs): nothing inline, so the
 * Content-Security-Policy can forbid inline code (src/http/security-headers.ts).
 */
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { assetPath } from "../web/assets.ts";

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export type LayoutOptions = {
  title: string;
  localMode: boolean;
  lang?: string;
  body: Html;
  /** Extra elements for <head> (feed links, a canonical URL). */
  head?: Html;
  /** A site header (public pages and the console have their own), before <main>. */
  header?: Html;
  footer?: Html;
  /** Files in web/ loaded as deferred scripts. */
  scripts?: string[];
  /** The words of a "skip to content" link, first on the page. */
  skipLink?: string;
  /** The local-mode banner's words, in the page's language. */
  localModeNotice?: Html;
};

export function layout(options: LayoutOptions): Html {
  return html`<!doctype html>
<html lang="${options.lang ?? "en"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · Aviso</title>
<link rel="stylesheet" href="${assetPath("styles.css")}">
${options.head ?? ""}
${(options.scripts ?? []).map((name) => html`<script src="${assetPath(name)}" defer></script>`)}
</head>
<body>
${options.skipLink ? html`<a class="skip-link" href="#main">${options.skipLink}</a>` : ""}
${
  options.localMode
    ? html`<p class="local-mode" role="status">${
        options.localModeNotice ??
        html`<strong>Local mode.</strong> No provider is configured for at least one channel: those messages are kept in the <a href="/dev/outbox">local outbox</a> and nobody receives them.`
      }</p>`
    : ""
}
${options.header ?? ""}
<main id="main">
${options.body}
</main>
${options.footer ?? ""}
</body>
</html>`;
}
