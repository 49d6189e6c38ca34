/**
 * Which language a public page speaks: `?lang=` (a link in the language switch, or a message's
 * link), else the language in the path of a message's short link (`/es/<code>`, the language the
 * text was sent in), else the cookie, else the browser's Accept-Language, else English. An explicit
 * choice (`?lang=` or the path) also sets the `aviso_lang` cookie. The cookie holds only a language
 * code, and is not sent to anyone else (SameSite=Lax).
 */
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { DEFAULT_LANGUAGE, isLanguage, LANGUAGES, type Language } from "./languages.ts";

export const LANGUAGE_COOKIE = "aviso_lang";

export function negotiateLanguage(
  c: Context,
  options: { secure: boolean; linked?: Language | undefined },
): Language {
  const query = c.req.query("lang");
  const asked = isLanguage(query) ? query : options.linked;
  if (isLanguage(asked)) {
    setCookie(c, LANGUAGE_COOKIE, asked, {
      path: "/",
      sameSite: "Lax",
      secure: options.secure,
      httpOnly: true,
      maxAge: 365 * 24 * 3600,
    });
    return asked;
  }
  const cookie = getCookie(c, LANGUAGE_COOKIE);
  if (isLanguage(cookie)) return cookie;
  return fromAcceptLanguage(c.req.header("accept-language")) ?? DEFAULT_LANGUAGE;
}

/** The first of our languages in an Accept-Language header, by quality then order. */
export function fromAcceptLanguage(header: string | undefined): Language | undefined {
  if (!header) return undefined;
  const ranges = header
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { primary: tag.trim().toLowerCase().split("-")[0] ?? "", q: q ? Number(q) : 1, index };
    })
    .filter((range) => range.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const range of ranges) {
    if ((LANGUAGES as readonly string[]).includes(range.primary)) return range.primary as Language;
  }
  return undefined;
}
