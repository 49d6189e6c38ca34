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
