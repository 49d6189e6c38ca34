/** XML text and attribute escaping, and CAP's and Atom's date formats. */

/** Characters XML 1.0 cannot carry at all (C0 controls but tab, newline, carriage return). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what must go
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function xml(value: string): string {
  return value
    .replace(NOT_XML, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** CAP 1.2: "2026-11-24T21:40:05-00:00": whole seconds, an offset, never "Z" (UTC is -00:00). */
export function capTime(at: Date): string {
  return `${at.toISOString().slice(0, 19)}-00:00`;
}

/** RFC 3339, as Atom and JSON Feed want. */
export function rfc3339(at: Date): string {
  return at.toISOString();
}
