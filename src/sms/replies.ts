/**
 * Every SMS reply Aviso sends to a resident, in each language, side by side.
 *
 * The people reading these may be frightened, so the texts are short, plain and polite (usted in
 * Spanish, quý vị in Vietnamese), never alarming, and always say how to get help or leave.
 * Carriers require the English keywords STOP and HELP, so they appear in every language, next to
 * the local ones residents may prefer (ALTO, AYUDA, 退订...). Every keyword a reply mentions is one
 * that keywords.ts understands.
 *
 * What carriers require (CTIA Messaging Principles and Best Practices, and the Short Code
 * Monitoring Handbook that carriers' audits follow), in every language:
 * - every reply opens with the program's name, so a resident always knows who is writing
 *   (branded() below puts it there, so no reply can forget it);
 * - the opt-in confirmations (a first ZIP, START) say how often messages come, that message and
 *   data rates may apply, and how to get help (HELP) and to leave (STOP);
 * - HELP gives the support contact (the hotline), the frequency, the rates and STOP;
 * - the opt-out confirmation (STOP) says that no more messages will be sent.
 * test/integration/sms-carrier-rules.test.ts checks each of these through the webhook.
 *
 * Length: GSM-7 allows 160 characters in one segment (153 per part once split), UCS-2 70 (67 per
 * part) once any character is outside GSM-7 (Chinese and Vietnamese always; Spanish á í ó ú, which
 * the Spanish texts avoid where the wording stays natural; é ñ ü ¿ ¡ are GSM-7). With a program
 * name of about 22 characters ("Oakland Rapid Response"), English and Spanish replies take one
 * segment, except the opt-in confirmations and HELP, which carry the carriers' wording and take
 * two; Chinese takes one or two (two for those three), Vietnamese, whose letters are all UCS-2 and
 * whose words are long, two or three. The tests in test/unit/sms-replies.test.ts pin the count
 * for each reply and language.
 */
import { LANGUAGE_NAMES, type Language } from "../i18n/languages.ts";

/**
 * The local keyword for each command, per language (the English ones work in every language).
 * Replies always show STOP, HELP and START, and these where there is room; the keyword tests check
 * that the parser understands every one of them.
 */
export const REPLY_KEYWORDS: Record<
  Language,
  { stop: string; start: string; help: string; list: string; add: string; remove: string }
> = {
  en: { stop: "STOP", start: "START", help: "HELP", list: "LIST", add: "ADD", remove: "REMOVE" },
  es: { stop: "ALTO", start: "INICIO", help: "AYUDA", list: "LISTA", add: "AGREGAR", remove: "QUITAR" },
  zh: { stop: "退订", start: "开始", help: "帮助", list: "列表", add: "添加", remove: "删除" },
  vi: { stop: "DỪNG", start: "BẮT ĐẦU", help: "TRỢ GIÚP", list: "DANH SÁCH", add: "THÊM", remove: "XÓA" },
};

/** The opt-out line for the end of an alert. */
export const OPT_OUT_LINE: Record<Language, string> = {
  en: "Reply STOP to cancel.",
  es: "ALTO o STOP para cancelar.",
  zh: "回复STOP退订。",
  vi: "Nhắn STOP để hủy.",
};

/** Said when the program gives no frequency of its own (CTIA asks every opt-in to state one). */
export const DEFAULT_FREQUENCY: Record<Language, string> = {
  en: "Msg frequency varies",
  es: "Frecuencia variable",
  zh: "信息频率不定",
  vi: "Số tin thay đổi",
};

/** CTIA's "Msg & data rates may apply", in each language. */
const RATES: Record<Language, string> = {
  en: "Msg & data rates may apply.",
  es: "Pueden aplicarse tarifas de mensajes y datos.",
  zh: "可能产生短信和数据费用。",
  vi: "Có thể tính cước tin nhắn và dữ liệu.",
};

export type SubscriberStatus = "active" | "pending" | "stopped";

/** The program's name, which every reply opens with. */
type Program = { program: string };
type Texts<P> = Record<Language, (p: P) => string>;

/** "Oakland Rapid Response: …" (Chinese uses its full-width colon and no space). */
function branded(lang: Language, program: string, text: string): string {
  return lang === "zh" ? `${program}：${text}` : `${program}: ${text}`;
}

/** "94607, 94601" (Chinese uses its enumeration comma). */
function zipList(lang: Language, zips: readonly string[]): string {
  return zips.join(lang === "zh" ? "、" : ", ");
}

/** A caller's phrase as a sentence: "usually under 5/wk" → "usually under 5/wk." */
function sentence(lang: Language, text: string): string {
  const trimmed = text.trim();
  if (/[.!?。！？]$/u.test(trimmed)) return trimmed;
  return `${trimmed}${lang === "zh" ? "。" : "."}`;
}

/** The program's frequency (or the default) as a sentence, then the rates: both opt-ins and HELP
 * say them. */
function frequencyAndRates(lang: Language, frequency: string | undefined): string {
  const said = sentence(lang, frequency ?? DEFAULT_FREQUENCY[lang]);
  return lang === "zh" ? `${said}${RATES[lang]}` : `${said} ${RATES[lang]}`;
}

const SUBSCRIBED: Texts<{ zips: string; terms: string }> = {
  en: (p) => `You'll get alerts for ${p.zips}. ${p.terms} Reply HELP for help, STOP to cancel.`,
  es: (p) =>
    `Le enviaremos alertas para ${p.zips}. ${p.terms} Responda AYUDA o HELP para ayuda, ALTO o STOP para cancelar.`,
  zh: (p) => `您将收到${p.zips}的警报。${p.terms}回复HELP获取帮助，回复STOP或“退订”取消。`,
  vi: (p) => `Đã đăng ký ${p.zips}. ${p.terms} Nhắn HELP để được giúp, STOP để hủy.`,
};

/** Opt-in confirmation (two segments: carriers require the frequency, rates, HELP and STOP). */
export function subscribedReply(
  lang: Language,
  p: Program & { zips: readonly string[]; frequency?: string },
): string {
  const terms = frequencyAndRates(lang, p.frequency);
  return branded(lang, p.program, SUBSCRIBED[lang]({ zips: zipList(lang, p.zips), terms }));
}

const UNKNOWN_ZIP: Texts<{ zips: string; many: boolean; example: string }> = {
  en: (p) =>
    `Sorry, we don't cover ${p.zips}: ${p.many ? "they don't exist or are" : "it doesn't exist or is"} outside our area. Please text a 5-digit ZIP in our area, like ${p.example}.`,
  es: (p) =>
    `Lo sentimos, no cubrimos ${p.zips}: ${p.many ? "no existen o quedan" : "no existe o queda"} fuera de nuestra zona. Mande un ZIP de 5 cifras de la zona, como ${p.example}.`,
  zh: (p) => `抱歉，${p.zips}不存在或不在服务区内。请发送服务区内的5位邮编，例如${p.example}。`,
  vi: (p) =>
    `Rất tiếc, ${p.zips} không tồn tại hoặc nằm ngoài khu vực phục vụ. Xin nhắn mã ZIP 5 số trong khu vực, ví dụ ${p.example}.`,
};

/** A ZIP that does not exist or is outside the service area. */
export function unknownZipReply(
  lang: Language,
  p: Program & { zips: readonly string[]; example: string },
): string {
  const text = UNKNOWN_ZIP[lang]({
    zips: zipList(lang, p.zips),
    many: p.zips.length > 1,
    example: p.example,
  });
  return branded(lang, p.program, text);
}

const STOPPED: Record<Language, string> = {
  en: "You're unsubscribed and will get no more messages. Reply START to resubscribe.",
  es: "Le dimos de baja y no le enviaremos otros mensajes. Para volver, responda INICIO o START.",
  zh: "您已退订，不会再收到任何信息。如需重新订阅，请回复START。",
  vi: "Quý vị đã hủy đăng ký và sẽ không nhận thêm tin nhắn nào. Nhắn START để đăng ký lại.",
};

/** The final opt-out confirmation: after this, nothing is sent until START. */
export function stoppedReply(lang: Language, p: Program): string {
  return branded(lang, p.program, STOPPED[lang]);
}

const STARTED: Texts<{ zips: string; terms: string }> = {
  en: (p) =>
    `Welcome back. You'll get alerts again for ${p.zips}. ${p.terms} Reply HELP for help, STOP to cancel.`,
  es: (p) =>
    `Le enviaremos de nuevo alertas para ${p.zips}. ${p.terms} Responda AYUDA o HELP para ayuda, ALTO o STOP para cancelar.`,
  zh: (p) => `欢迎回来，将继续发送${p.zips}的警报。${p.terms}回复HELP获取帮助，回复STOP退订。`,
  vi: (p) =>
    `Chào mừng trở lại! Đã bật lại cảnh báo cho ${p.zips}. ${p.terms} Nhắn HELP để được giúp, STOP để hủy.`,
};

/** Resubscribed with START: a renewed opt-in, so it says all the opt-in confirmation says. */
export function startedReply(
  lang: Language,
  p: Program & { zips: readonly string[]; frequency?: string },
): string {
  const terms = frequencyAndRates(lang, p.frequency);
  return branded(lang, p.program, STARTED[lang]({ zips: zipList(lang, p.zips), terms }));
}

const HELP: Texts<{ hotline: string; terms: string }> = {
  en: (p) =>
    `To report activity or get help, call ${p.hotline}. Text a ZIP to get alerts, LIST to see yours. ${p.terms} Reply STOP to cancel.`,
  es: (p) =>
    `Para reportar actividad o pedir ayuda, llame al ${p.hotline}. Mande un ZIP para recibir alertas. ${p.terms} Responda ALTO o STOP para cancelar.`,
  zh: (p) => `举报或求助请致电${p.hotline}。发送邮编即可订阅警报。${p.terms}回复STOP退订。`,
  vi: (p) =>
    `Để báo tin hoặc cần giúp đỡ, xin gọi ${p.hotline}. Nhắn mã ZIP để nhận cảnh báo. ${p.terms} Nhắn STOP để hủy.`,
};

/** HELP: the program, the hotline, how to join, the frequency and rates, and how to leave. */
export function helpReply(lang: Language, p: Program & { hotline: string; frequency?: string }): string {
  const terms = frequencyAndRates(lang, p.frequency);
  return branded(lang, p.program, HELP[lang]({ hotline: p.hotline, terms }));
}

const REMOVED_ZIP: Texts<{ zips: string; remaining: string | undefined }> = {
  en: (p) =>
    `You'll no longer get alerts for ${p.zips}. ${p.remaining ? `You still get alerts for ${p.remaining}.` : "You have no ZIPs left; text a ZIP to add one."} Reply STOP to cancel all.`,
  es: (p) =>
    `Ya no le enviaremos alertas para ${p.zips}. ${p.remaining ? `Sigue recibiendo alertas para ${p.remaining}.` : "No le quedan ZIP; mande uno para agregarlo."} Para cancelar todo, responda ALTO o STOP.`,
  zh: (p) =>
    `已停止${p.zips}的警报。${p.remaining ? `您仍订阅${p.remaining}。` : "您已没有订阅的邮编，发送邮编可添加。"}回复STOP全部退订。`,
  vi: (p) =>
    `Đã ngừng cảnh báo cho ${p.zips}. ${p.remaining ? `Vẫn nhận cho ${p.remaining}.` : "Không còn mã ZIP nào; nhắn mã ZIP để thêm."} Nhắn STOP để hủy hết.`,
};

/** ZIPs removed ("STOP 94601"); remaining is what the resident still follows (may be empty). */
export function removedZipReply(
  lang: Language,
  p: Program & { zips: readonly string[]; remaining: readonly string[] },
): string {
  const remaining = p.remaining.length > 0 ? zipList(lang, p.remaining) : undefined;
  return branded(lang, p.program, REMOVED_ZIP[lang]({ zips: zipList(lang, p.zips), remaining }));
}

const ADDED_ZIP: Texts<{ zips: string; all: string }> = {
  en: (p) => `Added ${p.zips}. You now get alerts for ${p.all}. Reply LIST to see them, STOP to cancel.`,
  es: (p) =>
    `Agregamos ${p.zips}. Ahora recibe alertas para ${p.all}. LISTA para verlos, ALTO o STOP para cancelar.`,
  zh: (p) => `已添加${p.zips}。您现在订阅：${p.all}。回复STOP退订。`,
  vi: (p) => `Đã thêm ${p.zips}. Mã ZIP: ${p.all}. Nhắn STOP để hủy.`,
};

/** ZIPs added ("ADD 94606"); all is every ZIP the resident now follows. */
export function addedZipReply(
  lang: Language,
  p: Program & { zips: readonly string[]; all: readonly string[] },
): string {
  return branded(
    lang,
    p.program,
    ADDED_ZIP[lang]({ zips: zipList(lang, p.zips), all: zipList(lang, p.all) }),
  );
}

const NOT_SUBSCRIBED_TO_ZIP: Texts<{ zips: string; many: boolean; current: string | undefined }> = {
  en: (p) =>
    `You weren't getting alerts for ${p.zips}, so nothing changed. ${p.current ? `Your ZIPs: ${p.current}.` : "You have no ZIPs."} Reply STOP to cancel all.`,
  es: (p) =>
    `${p.zips} no ${p.many ? "estaban" : "estaba"} en su lista; no hubo cambios. ${p.current ? `Sus ZIP: ${p.current}.` : "No tiene ZIP."} Para cancelar todo, responda ALTO o STOP.`,
  zh: (p) =>
    `您未订阅${p.zips}，没有变更。${p.current ? `您的邮编：${p.current}。` : "您没有订阅邮编。"}回复STOP全部退订。`,
  vi: (p) =>
    `Quý vị chưa đăng ký ${p.zips}, không có gì thay đổi. ${p.current ? `Mã ZIP: ${p.current}.` : "Chưa có mã ZIP."} Nhắn STOP để hủy hết.`,
};

/** "STOP 94605" for a ZIP the resident does not follow. */
export function notSubscribedToZipReply(
  lang: Language,
  p: Program & { zips: readonly string[]; current: readonly string[] },
): string {
  const current = p.current.length > 0 ? zipList(lang, p.current) : undefined;
  const text = NOT_SUBSCRIBED_TO_ZIP[lang]({ zips: zipList(lang, p.zips), many: p.zips.length > 1, current });
  return branded(lang, p.program, text);
}

const STATUS_NAMES: Record<Language, Record<SubscriberStatus, string>> = {
  en: { active: "on", pending: "awaiting confirmation", stopped: "off" },
  es: { active: "activas", pending: "por confirmar", stopped: "canceladas" },
  zh: { active: "已开启", pending: "待确认", stopped: "已停止" },
  vi: { active: "đang bật", pending: "chờ xác nhận", stopped: "đã tắt" },
};
const NO_ZIPS: Record<Language, string> = {
  en: "none yet",
  es: "ninguno",
  zh: "无",
  vi: "chưa có",
};

const LIST: Texts<{ zips: string; languageName: string; status: string }> = {
  en: (p) =>
    `Your ZIPs: ${p.zips}. Language: ${p.languageName}. Alerts: ${p.status}. Text ADD or REMOVE and a ZIP to change, STOP to cancel.`,
  es: (p) =>
    `Sus ZIP: ${p.zips}. Idioma: ${p.languageName}. Alertas: ${p.status}. AGREGAR o QUITAR y un ZIP para cambiar, ALTO o STOP para cancelar.`,
  zh: (p) =>
    `您的邮编：${p.zips}。语言：${p.languageName}。警报：${p.status}。发送“添加”或“删除”加邮编修改，STOP退订。`,
  vi: (p) =>
    `Mã ZIP: ${p.zips}. Ngôn ngữ: ${p.languageName}. Cảnh báo: ${p.status}. Nhắn THÊM hoặc XÓA kèm mã ZIP để đổi, STOP để hủy.`,
};

/** LIST: the resident's ZIPs, language and status. languageName defaults to the language's own name. */
export function listReply(
  lang: Language,
  p: Program & { zips: readonly string[]; status: SubscriberStatus; languageName?: string },
): string {
  const text = LIST[lang]({
    zips: p.zips.length > 0 ? zipList(lang, p.zips) : NO_ZIPS[lang],
    languageName: p.languageName ?? LANGUAGE_NAMES[lang],
    status: STATUS_NAMES[lang][p.status],
  });
  return branded(lang, p.program, text);
}

const LANGUAGE_CHANGED: Record<Language, string> = {
  en: "OK, we'll text you in English from now on.",
  es: "Listo, desde ahora le escribiremos en español.",
  zh: "好的，今后我们将用中文给您发信息。",
  vi: "Vâng, từ nay chúng tôi sẽ nhắn tin cho quý vị bằng tiếng Việt.",
};

/** Confirms a language change, in the new language. */
export function languageChangedReply(lang: Language, p: Program): string {
  return branded(lang, p.program, LANGUAGE_CHANGED[lang]);
}

const EMAIL_CONFIRMATION_SENT: Record<Language, string> = {
  en: "Please check your inbox: we sent a link to confirm your email. Once you confirm, alerts will go there too.",
  es: "Revise su correo: le mandamos un enlace para confirmar su email y recibir alertas por correo también.",
  zh: "请查收邮件并点击确认链接。确认后，您也会通过邮件收到警报。",
  vi: "Xin kiểm tra email và bấm vào link để xác nhận. Sau đó quý vị cũng nhận cảnh báo qua email.",
};

/** An email address was texted; a confirmation mail is on its way. */
export function emailConfirmationSentReply(lang: Language, p: Program): string {
  return branded(lang, p.program, EMAIL_CONFIRMATION_SENT[lang]);
}

const INVALID_EMAIL: Record<Language, string> = {
  en: "That doesn't look like an email address. Please check it and text it again, like name@example.com.",
  es: "Ese email no parece correcto. Revise que esté bien escrito y vuelva a mandarlo, como nombre@ejemplo.com.",
  zh: "这个邮箱地址似乎不正确，请检查后重新发送，例如name@example.com。",
  vi: "Địa chỉ email này có vẻ không đúng. Xin kiểm tra và gửi lại, ví dụ ten@example.com.",
};

/** A texted "email address" that is not one. */
export function invalidEmailReply(lang: Language, p: Program): string {
  return branded(lang, p.program, INVALID_EMAIL[lang]);
}

const UNKNOWN_COMMAND: Texts<{ example: string }> = {
  en: (p) =>
    `Text a 5-digit ZIP like ${p.example} to get alerts. Reply LIST to see your ZIPs, HELP for help, STOP to cancel.`,
  es: (p) =>
    `Mande un ZIP de 5 cifras, como ${p.example}, para recibir alertas. AYUDA o HELP para ayuda, ALTO o STOP para cancelar.`,
  zh: (p) => `发送5位邮编（如${p.example}）订阅警报。回复HELP获取帮助，STOP退订。`,
  vi: (p) => `Nhắn mã ZIP (ví dụ ${p.example}) để nhận cảnh báo, HELP để được giúp, STOP để hủy.`,
};

const UNKNOWN_COMMAND_WITH_HOTLINE: Texts<{ example: string; hotline: string }> = {
  en: (p) =>
    `To report activity, call ${p.hotline}. Text a 5-digit ZIP like ${p.example} for alerts, HELP for help, STOP to cancel.`,
  es: (p) =>
    `Para reportar, llame al ${p.hotline}. Mande un ZIP como ${p.example} para alertas, AYUDA o HELP para ayuda, ALTO o STOP para cancelar.`,
  zh: (p) => `举报请致电${p.hotline}。发送邮编（如${p.example}）订阅警报，回复STOP退订。`,
  vi: (p) =>
    `Để báo tin, xin gọi ${p.hotline}. Nhắn mã ZIP (ví dụ ${p.example}) để nhận cảnh báo, STOP để hủy.`,
};

/**
 * Anything the grammar did not understand: a short help. People also text reports to this number,
 * so when a hotline is given the reply leads with it.
 */
export function unknownCommandReply(
  lang: Language,
  p: Program & { example: string; hotline?: string },
): string {
  const { hotline, example } = p;
  const text = hotline
    ? UNKNOWN_COMMAND_WITH_HOTLINE[lang]({ example, hotline })
    : UNKNOWN_COMMAND[lang]({ example });
  return branded(lang, p.program, text);
}

const TOO_MANY_ZIPS: Texts<{ max: number; ignored: string | undefined }> = {
  en: (p) =>
    `${p.ignored ? `Not added: ${p.ignored}. ` : ""}You can follow up to ${p.max} ZIPs. Reply LIST to see yours, or REMOVE and a ZIP to drop one.`,
  es: (p) =>
    `${p.ignored ? `No agregamos ${p.ignored}. ` : ""}Puede seguir hasta ${p.max} ZIP. Mande LISTA para ver los suyos, o QUITAR y un ZIP para dejar uno.`,
  zh: (p) =>
    `${p.ignored ? `未添加${p.ignored}。` : ""}最多可订阅${p.max}个邮编。回复“列表”查看，“删除”加邮编可移除。`,
  vi: (p) =>
    `${p.ignored ? `Chưa thêm ${p.ignored}. ` : ""}Tối đa ${p.max} mã ZIP. Nhắn DANH SÁCH để xem, XÓA kèm mã ZIP để bớt.`,
};

/** Over the per-resident ZIP limit; ignored lists the ZIPs that were not added, if any. */
export function tooManyZipsReply(
  lang: Language,
  p: Program & { max: number; ignored?: readonly string[] },
): string {
  const ignored = p.ignored && p.ignored.length > 0 ? zipList(lang, p.ignored) : undefined;
  return branded(lang, p.program, TOO_MANY_ZIPS[lang]({ max: p.max, ignored }));
}

const NOTHING_TO_START: Texts<{ example: string }> = {
  en: (p) => `You're not signed up yet. Text your 5-digit ZIP, like ${p.example}, to get alerts.`,
  es: (p) => `Usted no tiene alertas activas. Mande su ZIP de 5 cifras, como ${p.example}, para recibirlas.`,
  zh: (p) => `您还没有订阅。请发送5位邮编（如${p.example}）接收警报。`,
  vi: (p) => `Quý vị chưa đăng ký. Xin nhắn mã ZIP (ví dụ ${p.example}) để nhận cảnh báo.`,
};

/** START from someone who never subscribed (or has no ZIPs): tell them to text a ZIP. */
export function nothingToStartReply(lang: Language, p: Program & { example: string }): string {
  return branded(lang, p.program, NOTHING_TO_START[lang]({ example: p.example }));
}

const US_NUMBERS_ONLY: Record<Language, string> = {
  en: "Sorry, our alerts are only for US phone numbers, so we did not sign this number up.",
  es: "Lo sentimos, las alertas son solo para teléfonos de EE. UU.; no registramos este teléfono.",
  zh: "抱歉，警报仅限美国电话号码，此号码未登记。",
  vi: "Rất tiếc, chỉ nhận số điện thoại Hoa Kỳ.",
};

/** A number outside the US and its territories: refused (this also blunts SMS pumping). */
export function usNumbersOnlyReply(lang: Language, p: Program): string {
  return branded(lang, p.program, US_NUMBERS_ONLY[lang]);
}
