/**
 * The unsubscribe link in every alert email, addressed by a signed token (never the address):
 *   GET  /unsubscribe/:token   a confirmation page with one button; changes nothing (mail
 *                              scanners and link previews fetch GETs)
 *   POST /unsubscribe/:token   unsubscribes: the page's button, or a mail client's RFC 8058
 *                              one-click POST (body "List-Unsubscribe=One-Click")
 * No cookies or session: the token is the whole authority, so it works from any mail client.
 */
import { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../context.ts";
import { DEFAULT_LANGUAGE, type Language } from "../i18n/languages.ts";
import { layout } from "../pages/layout.ts";
import {
  findUnsubscribeSubscriber,
  unsubscribeByToken,
} from "../services/subscribers/unsubscribe-by-token.ts";

const TEXT: Record<
  "title" | "question" | "button" | "done" | "invalid" | "manage",
  Record<Language, string>
> = {
  manage: {
    en: "Or change your ZIP codes or language instead",
    es: "O cambie sus códigos postales o su idioma",
    zh: "或者更改您的邮政编码或语言",
    vi: "Hoặc đổi mã ZIP hay ngôn ngữ",
  },
  title: { en: "Unsubscribe", es: "Cancelar la suscripción", zh: "退订", vi: "Hủy đăng ký" },
  question: {
    en: "Stop receiving Aviso alerts by email?",
    es: "¿Dejar de recibir las alertas de Aviso por correo electrónico?",
    zh: "不再通过电子邮件接收 Aviso 警报？",
    vi: "Ngừng nhận cảnh báo Aviso qua email?",
  },
  button: { en: "Unsubscribe", es: "Cancelar la suscripción", zh: "退订", vi: "Hủy đăng ký" },
  done: {
    en: "You are unsubscribed. You will not receive more alerts by email.",
    es: "Su suscripción fue cancelada. No recibirá más alertas por correo electrónico.",
    zh: "您已退订，将不再通过电子邮件收到警报。",
    vi: "Quý vị đã hủy đăng ký và sẽ không nhận thêm cảnh báo qua email.",
  },
  invalid: {
    en: "This unsubscribe link is not valid. It may have been copied incompletely.",
    es: "Este enlace para cancelar la suscripción no es válido. Puede que se haya copiado de forma incompleta.",
    zh: "此退订链接无效，可能复制不完整。",
    vi: "Liên kết hủy đăng ký này không hợp lệ. Có thể liên kết đã bị sao chép thiếu.",
  },
};

export const unsubscribeRoutes = new Hono<AppEnv>()
  .use("/unsubscribe/*", async (c, next) => {
    await next();
    c.header("Cache-Control", "no-store");
    c.header("Referrer-Policy", "no-referrer"); // the token must not leak to other sites
  })
  .get("/unsubscribe/:token", async (c) => {
    const ctx = c.get("ctx");
    const subscriber = await findUnsubscribeSubscriber({ ctx, input: { token: c.req.param("token") } });
    if (!subscriber) return c.html(page(ctx.config.localMode, DEFAULT_LANGUAGE, "invalid"), 404);
    const lang = subscriber.language;
    if (subscriber.stopped) return c.html(page(ctx.config.localMode, lang, "done"));
    return c.html(
      layout({
        title: TEXT.title[lang],
        lang,
        localMode: ctx.config.localMode,
        body: html`<h1>${TEXT.title[lang]}</h1>
<form method="post"><p>${TEXT.question[lang]}</p><button type="submit">${TEXT.button[lang]}</button></form>
<p><a href="/manage?token=${c.req.param("token")}&amp;lang=${lang}">${TEXT.manage[lang]}</a></p>`,
      }),
    );
  })
  .post("/unsubscribe/:token", async (c) => {
    const ctx = c.get("ctx");
    const subscriber = await unsubscribeByToken({ ctx, input: { token: c.req.param("token") } });
    if (!subscriber) return c.html(page(ctx.config.localMode, DEFAULT_LANGUAGE, "invalid"), 404);
    return c.html(page(ctx.config.localMode, subscriber.language, "done"));
  });

function page(localMode: boolean, lang: Language, message: "done" | "invalid") {
  return layout({
    title: TEXT.title[lang],
    lang,
    localMode,
    body: html`<h1>${TEXT.title[lang]}</h1><p role="status">${TEXT[message][lang]}</p>`,
  });
}
