/**
 * Twilio error codes the request path needs too (status callbacks): kept apart from
 * twilio-sender.ts so that importing them does not bring the twilio package into the Worker.
 */

/**
 * Codes (from the API or a status callback's ErrorCode) that say this number can never receive our
 * SMS: the subscriber is stopped.
 */
export const TWILIO_ADDRESS_DEAD: Record<number, string> = {
  21610: "recipient unsubscribed (replied STOP to the carrier)",
  21211: "invalid number",
  21614: "not a mobile number",
  30005: "unknown or inactive number",
  30006: "landline or unreachable carrier",
};
