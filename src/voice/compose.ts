/**
 * An alert as a phone call, per language (issue 17, point 5): the label (DRILL first for a
 * drill), the headline and the body, read twice, then "press 1 to hear it again, press 9 to stop
 * these calls". As TwiML: the script inside <Say> in the language's Twilio voice, and a <Gather>
 * of one digit posting to the keypad URL (src/routes/twilio-alert-call.ts). Nothing is recorded.
 *
 * The script is in the approval preview and its hash (preview-alert.ts): what the approver reads
 * is what is spoken.
 */
import type { Language } from "../i18n/languages.ts";
import { alertLabel, type MessageAlert, type MessageText } from "../services/alerts/compose.ts";

/** Twilio <Say> language codes and voices (Google's standard voices cover all four languages). */
export const SAY_VOICES: Record<Language, { language: string; voice: string }> = {
  en: { language: "en-US", voice: "Google.en-US-Standard-C" },
  es: { language: "es-US", voice: "Google.es-US-Standard-A" },
  zh: { language: "cmn-CN", voice: "Google.cmn-CN-Standard-A" },
  vi: { language: "vi-VN", voice: "Google.vi-VN-Standard-A" },
};

export const VOICE_PROMPTS: Record<"again" | "closing" | "repeat" | "stopped", Record<Language, string>> = {
  again: { en: "Again.", es: "Otra vez.", zh: "再说一遍。", vi: "Xin nhắc lại." },
  closing: {
    en: "Press 1 to hear it again. Press 9 to stop these calls.",
    es: "Oprima 1 para escucharlo de nuevo. Oprima 9 para dejar de recibir estas llamadas.",
    zh: "重听请按1。停止接收这些电话请按9。",
    vi: "Bấm phím 1 để nghe lại. Bấm phím 9 để ngừng nhận các cuộc gọi này.",
  },
  repeat: { en: "Repeating.", es: "Repitiendo.", zh: "重复播放。", vi: "Nghe lại." },
  stopped: {
    en: "You will get no more alert calls on this phone. Goodbye.",
    es: "Ya no recibirá llamadas de alerta en este teléfono. Adiós.",
    zh: "此电话将不再接收警报来电。再见。",
    vi: "Số điện thoại này sẽ không nhận cuộc gọi cảnh báo nữa. Tạm biệt.",
  },
};

/** What is spoken, as plain text: once for the message, then again, then the keypad choices. */
export function voiceScript(alert: MessageAlert, text: MessageText): string[] {
  const message = `${alertLabel(alert, text.language, ". ")}. ${text.headline.trim()}. ${text.body.trim()}`;
  return [message, `${VOICE_PROMPTS.again[text.language]} ${message}`, VOICE_PROMPTS.closing[text.language]];
}

export function escapeXml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

function say(language: Language, text: string): string {
  const { language: code, voice } = SAY_VOICES[language];
  return `<Say language="${code}" voice="${voice}">${escapeXml(text)}</Say>`;
}

/**
 * The call's TwiML. `keypadUrl` is absolute and already carries its signed query; the <Gather>
 * plays the script while listening, so a key pressed mid-message counts. No input: hang up.
 */
export function voiceTwiml(language: Language, script: string[], keypadUrl: string): string {
  const [first, second, closing] = script;
  return (
    `<?xml version="1.0" encoding="UTF-8"?><Response>` +
    `<Gather input="dtmf" numDigits="1" timeout="6" action="${escapeXml(keypadUrl)}" method="POST">` +
    `${say(language, first!)}${say(language, second!)}${say(language, closing!)}</Gather>` +
    `<Hangup/></Response>`
  );
}

/** A spoken line and hang-up (the answer to 9, and to a key we do not know). */
export function sayAndHangUp(language: Language, text: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${say(language, text)}<Hangup/></Response>`;
}
