/**
 * What WhatsApp replies add to text-a-ZIP's: the sign-up reply's one privacy notice. WhatsApp
 * tells Meta which numbers talk to the program (docs/privacy.md, "WhatsApp"); a resident who
 * signs up there is told so once, with the way to avoid it.
 */
import type { Language } from "../i18n/languages.ts";

const META_NOTICE: Record<Language, string> = {
  en: "WhatsApp shares with Meta that you use this service; text us instead for more privacy.",
  es: "WhatsApp comparte con Meta que usted usa este servicio; para más privacidad, envíenos un mensaje de texto (SMS).",
  zh: "WhatsApp 会让 Meta 知道您在使用本服务；如需更多隐私，请改用短信联系我们。",
  vi: "WhatsApp cho Meta biết quý vị dùng dịch vụ này; để riêng tư hơn, hãy nhắn tin SMS cho chúng tôi.",
};

export function whatsappPrivacyNotice(language: Language): string {
  return META_NOTICE[language];
}
