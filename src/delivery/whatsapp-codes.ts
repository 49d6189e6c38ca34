/**
 * Twilio's WhatsApp error codes (from the Messages API or a status callback's ErrorCode), mapped
 * like the SMS ones (twilio-codes.ts): kept apart from the sender so the request path (status
 * callbacks) can use them without the twilio package.
 */

/** The number cannot receive WhatsApp from us: the subscriber is stopped. */
export const WHATSAPP_ADDRESS_DEAD: Record<number, string> = {
  63003: "the number is not on WhatsApp",
  63024: "invalid WhatsApp recipient",
};

/** Ours or WhatsApp's limits and outages, not the resident's: try again later. */
export const WHATSAPP_RETRY: Record<number, string> = {
  63001: "WhatsApp channel authentication failed",
  63002: "WhatsApp sender not found",
  63018: "WhatsApp rate limit",
  63038: "WhatsApp daily message limit reached",
  63051: "WhatsApp business account locked",
};

/** This message only: it fails, the subscriber stays. */
export const WHATSAPP_PERMANENT: Record<number, string> = {
  63005: "WhatsApp did not accept the content",
  63013: "refused by WhatsApp policy",
  63016: "outside the 24-hour window and no template",
  63027: "the template does not exist for this language",
  63028: "template variables do not match the template",
  63032: "WhatsApp cannot deliver to this user now",
  63049: "Meta chose not to deliver the message",
};

/** Free-form text sent outside the 24-hour window: send the template instead. */
export const WHATSAPP_OUTSIDE_WINDOW = 63016;
