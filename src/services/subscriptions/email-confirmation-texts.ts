/**
 * What the email double opt-in says, in every language: the confirmation mail and the pages its
 * link opens. Plain and short; the mail says what happens if the reader did not ask for it.
 */
import type { Language } from "../../i18n/languages.ts";

type Words = { program: string; zips: string; url: string; hours: number };

export const CONFIRMATION_MAIL: Record<
  Language,
  { subject: (w: Words) => string; text: (w: Words) => string }
> = {
  en: {
    subject: (w) => `Confirm your email for ${w.program} alerts`,
    text: (w) =>
      `Someone, hopefully you, asked ${w.program} to send alerts for ${w.zips} to this email address.\n\n` +
      `To confirm, open this link within ${w.hours} hours:\n${w.url}\n\n` +
      "If it was not you, ignore this message: nothing will be sent to this address unless it is confirmed.",
  },
  es: {
    subject: (w) => `Confirme su correo para las alertas de ${w.program}`,
    text: (w) =>
      `Alguien, seguramente usted, pidió a ${w.program} que envíe a este correo las alertas para ${w.zips}.\n\n` +
      `Para confirmar, abra este enlace en las próximas ${w.hours} horas:\n${w.url}\n\n` +
      "Si no fue usted, ignore este mensaje: no enviaremos nada a esta dirección sin su confirmación.",
  },
  zh: {
    subject: (w) => `请确认您的邮箱以接收${w.program}的警报`,
    text: (w) =>
      `有人（希望是您本人）请求${w.program}将${w.zips}的警报发送到此邮箱。\n\n` +
      `请在${w.hours}小时内打开以下链接确认：\n${w.url}\n\n` +
      "如果不是您本人，请忽略此邮件：未经确认，我们不会向此邮箱发送任何内容。",
  },
  vi: {
    subject: (w) => `Xác nhận email để nhận cảnh báo của ${w.program}`,
    text: (w) =>
      `Có người (hy vọng là quý vị) đã yêu cầu ${w.program} gửi cảnh báo cho ${w.zips} đến địa chỉ email này.\n\n` +
      `Để xác nhận, xin mở đường link này trong vòng ${w.hours} giờ:\n${w.url}\n\n` +
      "Nếu không phải quý vị, xin bỏ qua thư này: chúng tôi sẽ không gửi gì đến địa chỉ này nếu chưa được xác nhận.",
  },
};

type PageWords = { program: string; zips: string };

export const CONFIRMATION_PAGE: Record<
  Language,
  {
    title: string;
    ask: (w: PageWords) => string;
    button: string;
    done: (w: PageWords) => string;
    invalid: string;
    expired: string;
    again: string;
  }
> = {
  en: {
    title: "Confirm email alerts",
    ask: (w) => `Confirm that you want ${w.program} alerts for ${w.zips} at this email address.`,
    button: "Confirm",
    done: (w) => `Confirmed. You will get ${w.program} alerts for ${w.zips} by email.`,
    invalid:
      "This link is not valid, or it has expired. To get a new one, sign up again on our website or text your email address to us again.",
    expired:
      "This link has expired: links work for a limited time, so that nobody can use an old one. Sign up again to get a new link; nothing was changed.",
    again: "Sign up again",
  },
  es: {
    title: "Confirmar alertas por correo",
    ask: (w) => `Confirme que quiere recibir en este correo las alertas de ${w.program} para ${w.zips}.`,
    button: "Confirmar",
    done: (w) => `Confirmado. Recibirá por correo las alertas de ${w.program} para ${w.zips}.`,
    invalid:
      "Este enlace no es válido o ya venció. Para recibir uno nuevo, inscríbase otra vez en nuestro sitio web o envíenos su correo por SMS.",
    expired:
      "Este enlace ya venció: los enlaces funcionan por tiempo limitado para que nadie use uno viejo. Inscríbase otra vez para recibir uno nuevo; no se cambió nada.",
    again: "Inscribirse otra vez",
  },
  zh: {
    title: "确认邮件警报",
    ask: (w) => `请确认您希望通过此邮箱接收${w.program}关于${w.zips}的警报。`,
    button: "确认",
    done: (w) => `已确认。您将通过邮件收到${w.program}关于${w.zips}的警报。`,
    invalid: "此链接无效或已过期。如需新链接，请在我们的网站上重新订阅，或再次用短信发送您的邮箱地址。",
    expired:
      "此链接已过期：为防止旧链接被他人使用，链接只在有限时间内有效。请重新订阅以获取新链接；您的订阅没有任何更改。",
    again: "重新订阅",
  },
  vi: {
    title: "Xác nhận cảnh báo qua email",
    ask: (w) =>
      `Xin xác nhận quý vị muốn nhận cảnh báo của ${w.program} cho ${w.zips} qua địa chỉ email này.`,
    button: "Xác nhận",
    done: (w) => `Đã xác nhận. Quý vị sẽ nhận cảnh báo của ${w.program} cho ${w.zips} qua email.`,
    invalid:
      "Đường link này không hợp lệ hoặc đã hết hạn. Để nhận link mới, xin đăng ký lại trên trang web hoặc nhắn lại địa chỉ email cho chúng tôi.",
    expired:
      "Đường link này đã hết hạn: link chỉ dùng được trong thời gian giới hạn để không ai dùng được link cũ. Xin đăng ký lại để nhận link mới; chưa có gì thay đổi.",
    again: "Đăng ký lại",
  },
};
