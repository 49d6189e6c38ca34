/**
 * "Get alerts by text message": the program's number (PROGRAM_SMS_NUMBER, else TWILIO_FROM) as an
 * `sms:` link (with the resident's ZIP already typed when the page knows it) and the keywords,
 * taken from the keyword grammar itself (src/sms/keywords.ts) so the page can never advertise a
 * word the webhook does not understand. In local mode without a number, it points to the phone
 * simulator (/dev/phone), where text sign-up works against the local outbox.
 */
import { html } from "hono/html";
import type { Config } from "../../config.ts";
import { messages } from "../../i18n/catalog.ts";
import type { Language } from "../../i18n/languages.ts";
import { HELP, LANGUAGE_WORDS, LIST, OPT_OUT } from "../../sms/keywords.ts";
import { whatsappInvite } from "./by-whatsapp.ts";
import { sentenceWithLink, smsHref } from "./phone-links.ts";

const STOP_WORD: Record<Language, string> = {
  en: OPT_OUT.anywhere.en[0],
  es: OPT_OUT.leading.es[0],
  zh: OPT_OUT.anywhere.zh[0],
  vi: OPT_OUT.whole.vi[0],
};

export function smsKeywords(language: Language) {
  return {
    stop: STOP_WORD[language],
    list: LIST[language]?.[0] ?? "LIST",
    help: HELP.anywhere[language][0],
    language: LANGUAGE_WORDS[language][1] ?? LANGUAGE_WORDS[language][0]!,
  };
}

/** `residentZip`: a ZIP the reader gave this page (?zip=), typed into the text for them. */
export function byTextSection(config: Config, language: Language, exampleZip: string, residentZip?: string) {
  const t = messages(language).byText;
  const words = smsKeywords(language);
  const number = config.web.smsNumber;
  return html`<section aria-labelledby="by-text">
<h2 id="by-text">${t.title}</h2>
${
  number
    ? html`<p>${sentenceWithLink(t.how, number, smsHref(number, residentZip))} ${t.example(exampleZip)}</p>
<p>${t.keywords}</p>
<ul>
<li><strong>${words.stop}</strong> ${t.stop}</li>
<li><strong>${words.list}</strong> ${t.list}</li>
<li><strong>${words.help}</strong> ${t.help}</li>
<li><strong>${words.language}</strong> ${t.language}</li>
</ul>
<p class="hint">${t.rates}</p>`
    : config.localMode
      ? html`<p>${t.localMode} <a href="/dev/phone">${t.localModeLink}</a></p>`
      : html`<p>${t.noNumber}</p>`
}
${whatsappInvite(config, language, exampleZip)}
</section>`;
}
