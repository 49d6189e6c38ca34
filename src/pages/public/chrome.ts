/**
 * What every public page shares around its content: the header with the program's name, the
 * navigation and the language switch (each language named in itself, with its `lang`, so screen
 * readers say it right), the footer with the privacy promise, the hotline and the feeds, and the
 * local-mode banner in the reader's language.
 */
import { html } from "hono/html";
import type { Config } from "../../config.ts";
import { messages } from "../../i18n/catalog.ts";
import { LANGUAGE_NAMES, LANGUAGES, type Language } from "../../i18n/languages.ts";
import { type Html, layout } from "../layout.ts";
import { sentenceWithLink, telHref } from "./phone-links.ts";

export type PublicPage = {
  config: Config;
  language: Language;
  /** The request's URL, so the language switch links to the same page. */
  url: URL;
  title: string;
  body: Html;
  head?: Html;
  scripts?: string[];
  /** Which navigation entry is the current page. */
  current?: "alerts" | "subscribe" | "manage";
};

export function publicPage(page: PublicPage): Html {
  const t = messages(page.language);
  const { config } = page;
  const nav = [
    ["alerts", "/", t.nav.alerts],
    ["subscribe", "/subscribe", t.nav.subscribe],
    ["manage", "/manage", t.nav.manage],
  ] as const;
  const header = html`<header class="site-header">
<a class="brand" href="/">${config.program.name}</a>
<nav class="site-nav" aria-label="${config.program.name}"><ul>
${nav.map(
  ([key, href, label]) =>
    html`<li><a href="${href}"${page.current === key ? html` aria-current="page"` : ""}>${label}</a></li>`,
)}
</ul></nav>
<nav class="languages" aria-label="${t.languageLabel}"><ul>
${LANGUAGES.map((language) => {
  const url = new URL(page.url);
  url.searchParams.set("lang", language);
  return html`<li><a href="${url.pathname}${url.search}" lang="${language}" hreflang="${language}"${
    language === page.language ? html` aria-current="true"` : ""
  }>${LANGUAGE_NAMES[language]}</a></li>`;
})}
</ul></nav>
</header>`;
  const footer = html`<footer class="site-footer">
<p>${t.footer.privacy}</p>
<p>${sentenceWithLink(t.footer.hotline, config.program.hotline, telHref(config.program.hotline))}</p>
<p>${t.footer.feeds} <a href="/feeds/alerts.atom">Atom</a> · <a href="/feeds/alerts.json">JSON Feed</a> · <a href="/feeds/cap.xml">CAP 1.2</a></p>
</footer>`;
  return layout({
    title: page.title,
    lang: page.language,
    localMode: config.localMode,
    localModeNotice: html`${t.localMode}`,
    skipLink: t.skip,
    head: html`<link rel="alternate" type="application/atom+xml" title="${config.program.name}" href="/feeds/alerts.atom">
<link rel="alternate" type="application/feed+json" title="${config.program.name}" href="/feeds/alerts.json">
${page.head ?? ""}`,
    header,
    footer,
    body: page.body,
    scripts: page.scripts,
  });
}
