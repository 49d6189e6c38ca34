/**
 * The small part of Markdown the OpenAPI descriptions use (CommonMark inline code, **strong** and
 * [links](…)), rendered to HTML for the API reference page. Everything else is escaped text, so a
 * description can never inject markup; a link goes only to http(s) or a path on this site.
 */
import { raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

const CODE_SPAN = /(`+)([\s\S]*?[^`])\1(?!`)/g;
const STRONG = /\*\*(?=\S)([\s\S]*?\S)\*\*/g;
const LINK = /\[([^\]]+)\]\(((?:https?:\/\/|\/)[^\s()"<>]*)\)/g;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function renderText(text: string): string {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    out += renderStrong(text.slice(last, match.index));
    out += `<a href="${escapeHtml(match[2] ?? "")}">${renderStrong(match[1] ?? "")}</a>`;
    last = match.index + match[0].length;
  }
  return out + renderStrong(text.slice(last));
}

function renderStrong(text: string): string {
  return escapeHtml(text).replace(STRONG, (_, inner: string) => `<strong>${inner}</strong>`);
}

export function inlineMarkdown(source: string): HtmlEscapedString {
  let out = "";
  let last = 0;
  for (const match of source.matchAll(CODE_SPAN)) {
    out += renderText(source.slice(last, match.index));
    // CommonMark: one leading and trailing space is stripped when both are there.
    const code = (match[2] ?? "").replace(/^ (.*) $/s, "$1");
    out += `<code>${escapeHtml(code)}</code>`;
    last = match.index + match[0].length;
  }
  out += renderText(source.slice(last));
  return raw(out) as HtmlEscapedString;
}
