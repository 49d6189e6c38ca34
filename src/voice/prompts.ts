/**
 * What the voice line says, in each language. Written to be heard, not read: numbers are spoken
 * digit by digit (spokenDigits), and nothing abbreviated. The consent prompt says what the opt-in
 * text says (program, ZIP, frequency, rates, HELP and STOP) before the caller agrees.
 */
import type { Language } from "../i18n/languages.ts";

type Texts<P = undefined> = Record<Language, P extends undefined ? string : (p: P) => string>;

/** "94607" → "9 4 6 0 7", "(510) 555-0100" → "5 1 0, 5 5 5, 0 1 0 0": read one digit at a time. */
export function spokenDigits(text: string): string {
  return text
    .replace(/\d+/g, (run) => run.split("").join(" "))
    .replace(/\s*[()-]+\s*/g, ", ")
    .replace(/^[,\s]+|[,\s]+$/g, "")
    .replace(/(,\s*)+/g, ", ");
}

/** Each language's line of the language menu, said in that language. */
export const CHOOSE_LANGUAGE: Texts<{ program: string }> = {
  en: (p) => `Welcome to ${p.program}. For English, press 1.`,
  es: (p) => `Bienvenido a ${p.program}. Para español, oprima 2.`,
  zh: (p) => `欢迎致电${p.program}。普通话请按3。`,
  vi: (p) => `Chào mừng quý vị đến với ${p.program}. Để nghe tiếng Việt, xin bấm số 4.`,
};

export const MAIN_MENU: Texts = {
  en: "To hear current alerts for a ZIP code, press 1. To get alerts for a ZIP code on this phone, by text message or by phone call, press 2. To stop all alerts to this phone, press 3. For the hotline, press 4.",
  es: "Para escuchar las alertas actuales de un código postal, oprima 1. Para recibir alertas de un código postal en este teléfono, por mensaje de texto o por llamada, oprima 2. Para dejar de recibir todas las alertas en este teléfono, oprima 3. Para la línea de ayuda, oprima 4.",
  zh: "收听某个邮编的当前警报，请按1。在本电话上通过短信或电话接收某个邮编的警报，请按2。停止发送到本电话的所有警报，请按3。热线电话，请按4。",
  vi: "Để nghe các cảnh báo hiện tại cho một mã ZIP, xin bấm số 1. Để nhận cảnh báo cho một mã ZIP trên điện thoại này, bằng tin nhắn hoặc cuộc gọi, xin bấm số 2. Để ngừng mọi cảnh báo gửi đến điện thoại này, xin bấm số 3. Để biết số đường dây nóng, xin bấm số 4.",
};

/** After 2 on the main menu: how the alerts should come. */
export const TEXT_OR_CALL: Texts = {
  en: "For alerts by text message, press 1. For alerts by phone call, press 2.",
  es: "Para recibir alertas por mensaje de texto, oprima 1. Para recibir alertas por llamada telefónica, oprima 2.",
  zh: "通过短信接收警报，请按1。通过电话接收警报，请按2。",
  vi: "Để nhận cảnh báo bằng tin nhắn, xin bấm số 1. Để nhận cảnh báo bằng cuộc gọi, xin bấm số 2.",
};

export const ASK_ZIP: Texts = {
  en: "Please enter the five-digit ZIP code.",
  es: "Marque el código postal de cinco dígitos.",
  zh: "请输入五位数邮编。",
  vi: "Xin nhập mã ZIP gồm năm chữ số.",
};

export const NOT_UNDERSTOOD: Texts = {
  en: "Sorry, we did not get that.",
  es: "Perdón, no recibimos su respuesta.",
  zh: "对不起，没有收到您的选择。",
  vi: "Xin lỗi, chúng tôi không nhận được lựa chọn của quý vị.",
};

export const GOODBYE: Texts = {
  en: "Thank you for calling. Goodbye.",
  es: "Gracias por llamar. Adiós.",
  zh: "感谢您的来电，再见。",
  vi: "Cảm ơn quý vị đã gọi. Xin chào tạm biệt.",
};

export const NO_ALERTS: Texts<{ zip: string }> = {
  en: (p) => `There are no current alerts for ZIP code ${spokenDigits(p.zip)}.`,
  es: (p) => `No hay alertas actuales para el código postal ${spokenDigits(p.zip)}.`,
  zh: (p) => `邮编${spokenDigits(p.zip)}目前没有警报。`,
  vi: (p) => `Hiện không có cảnh báo nào cho mã ZIP ${spokenDigits(p.zip)}.`,
};

export const ALERT_COUNT: Texts<{ n: number; total: number }> = {
  en: (p) => `Alert ${p.n} of ${p.total}.`,
  es: (p) => `Alerta ${p.n} de ${p.total}.`,
  zh: (p) => `第${p.n}条警报，共${p.total}条。`,
  vi: (p) => `Cảnh báo ${p.n} trên ${p.total}.`,
};

export const ALERT_OPTIONS: Texts = {
  en: "To hear it again, press 1. For the next alert, press 2.",
  es: "Para escucharla de nuevo, oprima 1. Para la siguiente alerta, oprima 2.",
  zh: "重听请按1，听下一条警报请按2。",
  vi: "Để nghe lại, xin bấm số 1. Để nghe cảnh báo tiếp theo, xin bấm số 2.",
};

export const NO_MORE_ALERTS: Texts = {
  en: "There are no more alerts for this ZIP code.",
  es: "No hay más alertas para este código postal.",
  zh: "这个邮编没有更多警报了。",
  vi: "Không còn cảnh báo nào khác cho mã ZIP này.",
};

/** Said when the program gives no frequency of its own (PROGRAM_MESSAGE_FREQUENCY*). */
export const SPOKEN_FREQUENCY: Texts = {
  en: "Message frequency varies",
  es: "La frecuencia de los mensajes varía",
  zh: "消息频率不定",
  vi: "Tần suất tin nhắn thay đổi",
};

export const TEXT_CONSENT: Texts<{ program: string; zip: string; frequency: string }> = {
  en: (p) =>
    `You are signing up for text message alerts from ${p.program} for ZIP code ${spokenDigits(p.zip)}, sent to the number you are calling from. ${p.frequency}. Message and data rates may apply. Text HELP for help, and STOP to cancel at any time. To agree, press 1. To go back to the main menu, press 2.`,
  es: (p) =>
    `Se está inscribiendo para recibir alertas por mensaje de texto de ${p.program} para el código postal ${spokenDigits(p.zip)}, en el número desde el que llama. ${p.frequency}. Pueden aplicarse tarifas de mensajes y datos. Envíe AYUDA para recibir ayuda, y ALTO para cancelar en cualquier momento. Para aceptar, oprima 1. Para volver al menú principal, oprima 2.`,
  zh: (p) =>
    `您正在订阅${p.program}发送的邮编${spokenDigits(p.zip)}的短信警报，将发送到您现在来电的号码。${p.frequency}。可能产生短信和数据费用。随时回复HELP获取帮助，回复STOP退订。同意请按1，返回主菜单请按2。`,
  vi: (p) =>
    `Quý vị đang đăng ký nhận cảnh báo bằng tin nhắn từ ${p.program} cho mã ZIP ${spokenDigits(p.zip)}, gửi đến số điện thoại quý vị đang gọi. ${p.frequency}. Có thể tốn phí tin nhắn và dữ liệu. Nhắn HELP để được giúp, và STOP để hủy bất cứ lúc nào. Để đồng ý, xin bấm số 1. Để trở về danh mục chính, xin bấm số 2.`,
};

/**
 * The disclosures of alerts by phone call, before the caller agrees: who calls, for what, to which
 * number, how often, and how to stop (9 during a call, or 3 on this line, or STOP by text).
 */
export const CALL_CONSENT: Texts<{ program: string; zip: string }> = {
  en: (p) =>
    `You are signing up for phone call alerts from ${p.program} for ZIP code ${spokenDigits(p.zip)}, to the number you are calling from. We call only for urgent alerts, so calls are rare, and they may come at any hour. To stop them, press 9 during an alert call, or call this number and press 3. To agree, press 1. To go back to the main menu, press 2.`,
  es: (p) =>
    `Se está inscribiendo para recibir alertas por llamada de ${p.program} para el código postal ${spokenDigits(p.zip)}, en el número desde el que llama. Solo llamamos por alertas urgentes, así que las llamadas son poco frecuentes, y pueden llegar a cualquier hora. Para dejar de recibirlas, oprima 9 durante una llamada de alerta, o llame a este número y oprima 3. Para aceptar, oprima 1. Para volver al menú principal, oprima 2.`,
  zh: (p) =>
    `您正在订阅${p.program}关于邮编${spokenDigits(p.zip)}的电话警报，将拨打您现在来电的号码。我们只为紧急警报打电话，所以来电很少，但可能在任何时间。如需停止，请在警报来电时按9，或拨打本号码后按3。同意请按1，返回主菜单请按2。`,
  vi: (p) =>
    `Quý vị đang đăng ký nhận cảnh báo bằng cuộc gọi từ ${p.program} cho mã ZIP ${spokenDigits(p.zip)}, gọi đến số điện thoại quý vị đang gọi. Chúng tôi chỉ gọi khi có cảnh báo khẩn cấp nên cuộc gọi rất ít, và có thể đến vào bất cứ giờ nào. Để ngừng, xin bấm số 9 trong cuộc gọi cảnh báo, hoặc gọi số này và bấm số 3. Để đồng ý, xin bấm số 1. Để trở về danh mục chính, xin bấm số 2.`,
};

export const CALL_SUBSCRIBED: Texts<{ zip: string }> = {
  en: (p) =>
    `Done. You will get a phone call to this number for urgent alerts for ZIP code ${spokenDigits(p.zip)}.`,
  es: (p) =>
    `Listo. Recibirá una llamada en este número por las alertas urgentes del código postal ${spokenDigits(p.zip)}.`,
  zh: (p) => `已完成。邮编${spokenDigits(p.zip)}有紧急警报时，我们会打电话到本号码。`,
  vi: (p) =>
    `Xong. Quý vị sẽ nhận cuộc gọi đến số này khi có cảnh báo khẩn cấp cho mã ZIP ${spokenDigits(p.zip)}.`,
};

export const TOO_MANY_CALL_ZIPS: Texts = {
  en: "Sorry, this phone already gets calls for as many ZIP codes as we allow. Nothing was changed.",
  es: "Lo sentimos, este teléfono ya recibe llamadas para el máximo de códigos postales permitido. No se cambió nada.",
  zh: "对不起，本电话接收电话警报的邮编数量已达上限，未做任何更改。",
  vi: "Xin lỗi, điện thoại này đã nhận cuộc gọi cho số mã ZIP tối đa cho phép. Không có gì thay đổi.",
};

export const SUBSCRIBED: Texts<{ zip: string; textSent: boolean }> = {
  en: (p) =>
    `Done. You will get text alerts for ZIP code ${spokenDigits(p.zip)}.${p.textSent ? " We are sending a confirmation text to this phone." : ""}`,
  es: (p) =>
    `Listo. Recibirá alertas por texto para el código postal ${spokenDigits(p.zip)}.${p.textSent ? " Le enviamos un mensaje de confirmación a este teléfono." : ""}`,
  zh: (p) =>
    `已完成。您将收到邮编${spokenDigits(p.zip)}的短信警报。${p.textSent ? "我们正在向本电话发送一条确认短信。" : ""}`,
  vi: (p) =>
    `Xong. Quý vị sẽ nhận cảnh báo bằng tin nhắn cho mã ZIP ${spokenDigits(p.zip)}.${p.textSent ? " Chúng tôi đang gửi một tin nhắn xác nhận đến điện thoại này." : ""}`,
};

export const UNKNOWN_ZIP: Texts<{ zip: string }> = {
  en: (p) => `Sorry, ZIP code ${spokenDigits(p.zip)} is not in the area we serve.`,
  es: (p) => `Lo sentimos, el código postal ${spokenDigits(p.zip)} no está en nuestra zona.`,
  zh: (p) => `对不起，邮编${spokenDigits(p.zip)}不在我们的服务范围内。`,
  vi: (p) => `Xin lỗi, mã ZIP ${spokenDigits(p.zip)} không thuộc khu vực chúng tôi phục vụ.`,
};

export const STOPPED: Texts = {
  en: "All alerts to this phone are stopped. To get them again, text START to this number, or call back.",
  es: "Se detuvieron todas las alertas a este teléfono. Para recibirlas de nuevo, envíe START a este número, o vuelva a llamar.",
  zh: "已停止发送到本电话的所有警报。如需恢复，请发送START到本号码，或再次来电。",
  vi: "Đã ngừng mọi cảnh báo gửi đến điện thoại này. Để nhận lại, xin nhắn START đến số này, hoặc gọi lại.",
};

/** Caller ID can be forged; only a carrier's full SHAKEN/STIR attestation lets a call change alerts. */
export const UNVERIFIED_CALLER: Texts = {
  en: "We cannot confirm that this call comes from the number it shows, so alerts for it can only be changed by text: text a ZIP code, or STOP, to this number. During an alert call, press 9 to stop alert calls.",
  es: "No podemos confirmar que esta llamada viene del número que muestra, así que sus alertas solo se pueden cambiar por mensaje de texto: envíe un código postal, o STOP, a este número. Durante una llamada de alerta, marque 9 para dejar de recibirlas.",
  zh: "我们无法确认此来电确实来自显示的号码，因此只能通过短信更改它的警报：请发送邮编或 STOP 到本号码。在警报来电中，按 9 可停止警报来电。",
  vi: "Chúng tôi không thể xác nhận cuộc gọi này đến từ số hiển thị, nên chỉ có thể thay đổi cảnh báo bằng tin nhắn: nhắn mã ZIP, hoặc STOP, đến số này. Trong cuộc gọi cảnh báo, bấm 9 để ngừng nhận cuộc gọi cảnh báo.",
};

export const NO_CALLER_NUMBER: Texts = {
  en: "Sorry, we cannot see a US number you are calling from, so we cannot change alerts for it. You can text a ZIP code to this number instead.",
  es: "Lo sentimos, no vemos un número de Estados Unidos desde el que llama, así que no podemos cambiar sus alertas. Puede enviar un código postal por mensaje de texto a este número.",
  zh: "对不起，我们无法识别您的美国来电号码，因此无法更改它的警报设置。您可以改为发送邮编短信到本号码。",
  vi: "Xin lỗi, chúng tôi không thấy số điện thoại Hoa Kỳ quý vị đang gọi nên không thể thay đổi cảnh báo cho số đó. Quý vị có thể nhắn mã ZIP đến số này.",
};

export const HOTLINE: Texts<{ number: string }> = {
  en: (p) =>
    `To report activity or get help, call the hotline at ${spokenDigits(p.number)}. Again, that is ${spokenDigits(p.number)}.`,
  es: (p) =>
    `Para reportar actividad o pedir ayuda, llame a la línea de ayuda al ${spokenDigits(p.number)}. Repito: ${spokenDigits(p.number)}.`,
  zh: (p) =>
    `如需报告情况或寻求帮助，请拨打热线${spokenDigits(p.number)}。再说一遍：${spokenDigits(p.number)}。`,
  vi: (p) =>
    `Để báo cáo hoặc được giúp đỡ, xin gọi đường dây nóng số ${spokenDigits(p.number)}. Xin nhắc lại: ${spokenDigits(p.number)}.`,
};

export const CONNECTING: Texts = {
  en: "Connecting you to the hotline.",
  es: "Le comunicamos con la línea de ayuda.",
  zh: "正在为您转接热线。",
  vi: "Đang nối máy đến đường dây nóng.",
};
