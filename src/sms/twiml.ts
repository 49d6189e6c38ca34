/**
 * TwiML, the XML a Twilio webhook answers with: each reply text is one <Message>; no reply is an
 * empty <Response/>, which Twilio takes as "send nothing".
 */
const XML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};
/** XML 1.0's Char production: anything else (most C0 controls, lone surrogates, U+FFFE/F) cannot be sent at all. */
function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    code >= 0x10000
  );
}

export function escapeXml(text: string): string {
  let out = "";
  for (const char of text) {
    if (isXmlChar(char.codePointAt(0)!)) out += XML_ESCAPES[char] ?? char;
  }
  return out;
}

export function twimlResponse(messages: readonly string[]): string {
  const head = '<?xml version="1.0" encoding="UTF-8"?>';
  if (messages.length === 0) return `${head}<Response/>`;
  return `${head}<Response>${messages.map((m) => `<Message>${escapeXml(m)}</Message>`).join("")}</Response>`;
}

const XML_UNESCAPES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** The texts of a TwiML response's <Message> elements (what the phone simulator shows). */
export function twimlMessages(xml: string): string[] {
  return [...xml.matchAll(/<Message(?:\s[^>]*)?>([\s\S]*?)<\/Message>/g)].map((match) =>
    (match[1] ?? "").replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => XML_UNESCAPES[name]!),
  );
}
