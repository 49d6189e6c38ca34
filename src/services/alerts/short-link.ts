/**
 * Short links to alert pages, for texts where every character counts: /a/<22 characters>, the
 * alert's UUID as base64url. Nothing to store or look up: the code is the id, just shorter than
 * /alerts/<36 characters>.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function shortAlertPath(alertId: string): string {
  if (!UUID.test(alertId)) throw new Error("not an alert id");
  return `/a/${Buffer.from(alertId.replace(/-/g, ""), "hex").toString("base64url")}`;
}

export function shortAlertUrl(publicUrl: string, alertId: string): string {
  return `${publicUrl}${shortAlertPath(alertId)}`;
}

/** The alert id a short code stands for, or undefined when it is not one. */
export function alertIdFromShortCode(code: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{22}$/.test(code)) return undefined;
  const hex = Buffer.from(code, "base64url").toString("hex");
  if (hex.length !== 32) return undefined;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
