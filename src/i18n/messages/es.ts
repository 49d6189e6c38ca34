/** The public pages' words in Spanish (keys as in en.ts). */
import type { Messages } from "./en.ts";

export const es: Messages = {
  skip: "Ir al contenido",
  languageLabel: "Idioma",
  nav: { alerts: "Alertas", subscribe: "Recibir alertas", manage: "Administrar o cancelar" },
  localMode:
    "Modo local: no hay un proveedor de mensajes configurado para al menos un canal; los mensajes se guardan en una bandeja local y nadie los recibe.",
  footer: {
    privacy:
      "Nunca compartimos quién se suscribió. Las direcciones se guardan cifradas y guardamos lo mínimo posible.",
    hotline: (hotline) => `Para reportar actividad o pedir ayuda, llame al ${hotline}.`,
    feeds: "Canales para otros sitios web y aplicaciones:",
  },
  home: {
    title: "Alertas actuales",
    intro: (program) =>
      `${program} envía alertas verificadas sobre actividad de inmigración y comunicados oficiales de la ciudad, por código postal.`,
    filterLabel: "Su código postal",
    filterHint: "5 dígitos, por ejemplo 94607",
    filterButton: "Ver alertas",
    showingFor: (zip) => `Alertas para el código postal ${zip}.`,
    showAll: "Ver todas las alertas",
    none: "No hay alertas activas en este momento.",
    noneForZip: (zip) => `No hay alertas activas para el código postal ${zip} en este momento.`,
    badZip: "Escriba un código postal de 5 dígitos, por ejemplo 94607.",
  },
  card: {
    published: "Publicada",
    expires: "Hasta",
    zips: "Códigos postales",
    manyZips: (n) => `${n} códigos postales`,
    readMore: "Leer la alerta completa",
    follows: "Sobre la alerta anterior:",
  },
  byText: {
    title: "Recibir alertas por mensaje de texto",
    how: (number) => `Envíe su código postal por mensaje de texto al ${number}.`,
    noNumber:
      "La inscripción por mensaje de texto todavía no está disponible. Puede recibir alertas por correo o en este dispositivo.",
    localMode:
      "Esta es una instalación de prueba: los mensajes de texto no llegan a ningún teléfono real. Puede probar la inscripción por mensaje de texto en el simulador de teléfono.",
    localModeLink: "Abrir el simulador de teléfono",
    example: (zip) => `Por ejemplo: ${zip}`,
    keywords: "Otras palabras que puede enviar:",
    stop: "para dejar de recibir alertas",
    list: "para ver sus códigos postales",
    help: "para pedir ayuda",
    language: "para recibir alertas en español",
    rates: "Pueden aplicarse tarifas de mensajes y datos.",
  },
  alert: {
    from: "De",
    published: "Publicada",
    expires: "Hasta",
    expired: "Esta alerta ya venció. Se conserva aquí como referencia.",
    areas: "Dónde",
    zipCodes: "Códigos postales",
    drill: "Esto es un simulacro. No tiene que hacer nada.",
    notInLanguage: "Esta alerta no está disponible en su idioma. Se muestra en inglés.",
    otherLanguages: "También en:",
    updatedBy: "Hay información más reciente sobre esta alerta:",
    cancelled: "Esta alerta fue retirada.",
    cancelledAllClear: "Fin de la alerta: la actividad de esta alerta terminó.",
    cancelledFalseAlarm: "Esta alerta fue una falsa alarma y fue retirada.",
    follows: "Este mensaje trata de una alerta anterior:",
    whatToDo: "Qué hacer",
    advice: [
      "Tiene derecho a guardar silencio.",
      "No abra la puerta a menos que los agentes muestren una orden firmada por un juez. Pídales que la pasen por debajo de la puerta.",
      "No corra, no mienta y no firme nada que no entienda.",
      "Si es seguro, anote lo que ve: la hora, el lugar, cuántos agentes y vehículos.",
    ],
    callHotline: (hotline) => `Llame al ${hotline} para reportar actividad o pedir ayuda.`,
    knowYourRights: "Conozca sus derechos",
    link: "Más información",
    notFound: "No existe esta alerta. Puede que se haya retirado o que el enlace esté incompleto.",
    notFoundTitle: "Alerta no encontrada",
    back: "Ver todas las alertas actuales",
  },
  subscribe: {
    title: "Recibir alertas",
    intro:
      "Elija sus códigos postales y cómo quiere recibir las alertas. Su dirección se guarda cifrada y nunca compartimos quién se suscribió.",
    zipsLabel: "Códigos postales",
    zipsHint: (max) => `Hasta ${max}, separados por espacios o comas.`,
    languageLabel: "Idioma de las alertas",
    emailTitle: "Por correo electrónico",
    emailLabel: "Correo electrónico",
    emailHint: "Primero enviamos un enlace de confirmación. No enviamos nada más hasta que confirme.",
    emailButton: "Enviar el correo de confirmación",
    pushTitle: "En este dispositivo",
    pushIntro:
      "Reciba una notificación en este teléfono o computadora cuando haya una alerta para sus códigos postales. Su navegador le pedirá permiso.",
    pushButton: "Activar notificaciones",
    pushOffButton: "Desactivar las notificaciones en este dispositivo",
    pushNoScript:
      "Las notificaciones en este dispositivo necesitan JavaScript. Puede usar el correo o los mensajes de texto.",
    pushUnsupported:
      "Este navegador no puede mostrar notificaciones de sitios web. Use el correo o los mensajes de texto.",
    pushDenied:
      "Las notificaciones están bloqueadas para este sitio. Permítalas en la configuración del sitio de su navegador y vuelva a intentarlo.",
    pushWorking: "Consultando a su navegador…",
    pushOn: "Las notificaciones están activadas en este dispositivo.",
    pushOff: "Las notificaciones están desactivadas en este dispositivo.",
    pushFailed: "Algo salió mal. Revise los códigos postales y vuelva a intentarlo.",
    pushBrowserFailed:
      "Este navegador no pudo activar las notificaciones. Vuelva a intentarlo más tarde o use el correo o los mensajes de texto.",
    pushTimeout:
      "Su navegador no respondió. Si le preguntó si permite las notificaciones, responda y vuelva a pulsar el botón, o use el correo o los mensajes de texto.",
    pushUnavailable:
      "Las notificaciones todavía no están disponibles en este sitio. Use el correo o los mensajes de texto.",
    honeypot: "Deje este campo vacío",
    errors: {
      zipsMissing: "Escriba al menos un código postal de 5 dígitos.",
      zipsMalformed: (bad) => `“${bad}” no es un código postal de 5 dígitos.`,
      zipsOutside: (zips) => `Fuera de nuestra zona de servicio: ${zips}.`,
      zipsTooMany: (max) => `Escriba como máximo ${max} códigos postales.`,
      emailMissing: "Escriba su correo electrónico.",
      emailInvalid: "Escriba un correo como nombre@ejemplo.org.",
      rateLimited: "Demasiadas solicitudes desde su conexión. Espere un minuto y vuelva a intentarlo.",
      summary: "Corrija los campos indicados abajo.",
    },
    sentTitle: "Revise su correo",
    sent: (email, hours) =>
      `Enviamos un enlace de confirmación a ${email}. Ábralo en las próximas ${hours} horas para empezar a recibir alertas. Si no llega, revise la carpeta de correo no deseado o vuelva a intentarlo en 10 minutos.`,
  },
  manage: {
    yoursTitle: "Sus alertas por correo",
    yoursIntro:
      "Llegó aquí desde el enlace de uno de nuestros correos. Cambie sus códigos postales o su idioma, o cancele la suscripción.",
    save: "Guardar los cambios",
    saved: (zips) => `Guardado. Recibirá alertas para ${zips}.`,
    unsubscribe: "Cancelar las alertas por correo",
    invalidLink:
      "Este enlace no es válido. Abra otra vez el enlace al final de uno de nuestros correos de alerta.",
    stopped: "Esta dirección ya no está suscrita. Inscríbase otra vez para recibir alertas.",
    title: "Administrar o cancelar",
    textTitle: "Mensajes de texto",
    text: "Envíe una de estas palabras al número con el que se suscribió:",
    remove: "para dejar de recibir alertas de un código postal, por ejemplo QUITAR 94607",
    emailTitle: "Correo electrónico",
    email:
      "Cada correo de alerta termina con un enlace para cancelar la suscripción. Ábralo para dejar de recibir alertas por correo. Para cambiar sus códigos postales, cancele y vuelva a inscribirse.",
    pushTitle: "Notificaciones en este dispositivo",
    push: "Para cambiar los códigos postales de este dispositivo, vuelva a inscribirse en la página «Recibir alertas». Para dejar de recibirlas, desactívelas aquí:",
  },
};
