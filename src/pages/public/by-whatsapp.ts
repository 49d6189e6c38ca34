/**
 * "Get alerts on WhatsApp": a wa.me link that opens a chat with the program's WhatsApp sender with
 * the ZIP already typed (https://wa.me/<number>?text=<ZIP>), shown only when TWILIO_WHATSAPP_FROM is
 * set. It says in the same breath that Meta learns who uses it (docs/privacy.md, "WhatsApp"), and
 * sits beside text-a-ZIP, never instead of it.
 */
import { html } from "hono/html";
import type { Config } from "../../config.ts";
import type { Language } from "../../i18n/languages.ts";

const TEXTS: Record<Language, { link: string; meta: string }> = {
  en: {
    link: "Get alerts on WhatsApp",
    meta: "WhatsApp shares with Meta that you use this service; a text message is more private.",
  },
  es: {
    link: "Reciba alertas por WhatsApp",
    meta: "WhatsApp comparte con Meta que usted usa este servicio; un mensaje de texto (SMS) es más privado.",
  },
  zh: {
    link: "通过 WhatsApp 接收警报",
    meta: "WhatsApp 会让 Meta 知道您在使用本服务；短信更能保护隐私。",
  },
  vi: {
    link: "Nhận cảnh báo qua WhatsApp",
    meta: "WhatsApp cho Meta biết quý vị dùng dịch vụ này; tin nhắn SMS riêng tư hơn.",
  },
};

/** wa.me wants the number as digits only, without "+". */
export function whatsappChatUrl(from: string, zip: string | undefined): string {
  const base = `https://wa.me/${from.replace(/\D/g, "")}`;
  return zip ? `${base}?text=${encodeURIComponent(zip)}` : base;
}

export function whatsappInvite(
  config: Pick<Config, "whatsapp">,
  language: Language,
  zip: string | undefined,
) {
  if (!config.whatsapp) return "";
  const t = TEXTS[language];
  return html`<p class="by-whatsapp"><a href="${whatsappChatUrl(config.whatsapp.from, zip)}" rel="noopener noreferrer">${t.link}</a>
<span class="hint">${t.meta}</span></p>`;
}
