/**
 * What every public page handler starts with: the reader's language (src/i18n/negotiate.ts), the
 * request's URL, and caching that fits pages that differ by language and change every minute.
 */
import type { Context } from "hono";
import type { AppEnv } from "../../context.ts";
import type { Language } from "../../i18n/languages.ts";
import { negotiateLanguage } from "../../i18n/negotiate.ts";

/** `linked`: the language a message's link names in its path (the alert page's short form). */
export function publicRequest(c: Context<AppEnv>, linked?: Language) {
  const ctx = c.get("ctx");
  const language = negotiateLanguage(c, { secure: ctx.config.publicUrl.startsWith("https:"), linked });
  c.header("Cache-Control", "no-cache");
  c.header("Vary", "Accept-Language, Cookie");
  c.header("Content-Language", language);
  return { ctx, language, url: new URL(c.req.url) };
}
