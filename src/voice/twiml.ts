/**
 * The little of TwiML the voice line speaks: <Say>, <Gather> (keypad only), <Redirect>, <Dial>,
 * <Hangup>. Every text and attribute is XML-escaped here (escapeXml drops what XML cannot carry),
 * so a headline with "&" or "<" cannot change the document. No <Record>, no transcription: the
 * line keeps nothing a caller says.
 *
 * Our own builder rather than the twilio package's VoiceResponse: five verbs are a few lines, and
 * the route then needs nothing from the twilio package.
 */
import { escapeXml } from "../sms/twiml.ts";

export type Verb = { xml: string };

/** Twilio's `language` for <Say> and the voice that speaks it (see voices.ts). */
export type Speech = { language: string; voice: string };

function attributes(attrs: Record<string, string | number | undefined>): string {
  return Object.entries(attrs)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => ` ${name}="${escapeXml(String(value))}"`)
    .join("");
}

export function say(text: string, speech: Speech): Verb {
  return {
    xml: `<Say${attributes({ voice: speech.voice, language: speech.language })}>${escapeXml(text)}</Say>`,
  };
}

/** Keypad input only (input="dtmf": no speech recognition, nothing the caller says is processed). */
export function gather(
  options: { action: string; numDigits: number; timeoutSeconds: number; finishOnKey?: string },
  children: readonly Verb[],
): Verb {
  const attrs = attributes({
    input: "dtmf",
    action: options.action,
    method: "POST",
    numDigits: options.numDigits,
    timeout: options.timeoutSeconds,
    finishOnKey: options.finishOnKey,
  });
  return { xml: `<Gather${attrs}>${children.map((child) => child.xml).join("")}</Gather>` };
}

export function redirect(url: string): Verb {
  return { xml: `<Redirect method="POST">${escapeXml(url)}</Redirect>` };
}

export function dial(number: string): Verb {
  return { xml: `<Dial>${escapeXml(number)}</Dial>` };
}

export function hangup(): Verb {
  return { xml: "<Hangup/>" };
}

export function voiceResponse(verbs: readonly Verb[]): string {
  const head = '<?xml version="1.0" encoding="UTF-8"?>';
  return `${head}<Response>${verbs.map((verb) => verb.xml).join("")}</Response>`;
}

const XML_UNESCAPES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const unescapeXml = (text: string) =>
  text.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => XML_UNESCAPES[name]!);

/** What an answer of the line does, read back from its TwiML (for the phone simulator's call). */
export type SpokenAnswer = {
  said: { language: string; text: string }[];
  /** Where keys go, and how many the <Gather> takes. */
  gather?: { action: string; numDigits: number };
  /** Where silence goes. */
  redirect?: string;
  dial?: string;
  hangup: boolean;
};

export function readVoiceResponse(xml: string): SpokenAnswer {
  const said = [...xml.matchAll(/<Say [^>]*language="([^"]*)"[^>]*>([\s\S]*?)<\/Say>/g)].map((m) => ({
    language: unescapeXml(m[1]!),
    text: unescapeXml(m[2]!),
  }));
  const gather = /<Gather [^>]*action="([^"]*)"[^>]*numDigits="(\d+)"/.exec(xml);
  const redirect = /<Redirect[^>]*>([^<]*)<\/Redirect>/.exec(xml)?.[1];
  const dial = /<Dial>([^<]*)<\/Dial>/.exec(xml)?.[1];
  return {
    said,
    gather: gather ? { action: unescapeXml(gather[1]!), numDigits: Number(gather[2]) } : undefined,
    redirect: redirect ? unescapeXml(redirect) : undefined,
    dial: dial ? unescapeXml(dial) : undefined,
    hangup: xml.includes("<Hangup/>"),
  };
}
