/** The composer's settings shared by new alerts, statements and edits: priority, ZIPs, channels, expiry, link. */
import { html } from "hono/html";
import { checkboxes, type FieldErrors, input, select, textarea } from "./chrome.ts";

/** What the composer shows in its fields: typed values, or a saved alert's. */
export type FormValues = Record<string, string>;

export const PRIORITIES = [
  ["alert", "Alert (urgent: SMS, email and push)"],
  ["advisory", "Advisory"],
  ["community", "Community (email and push unless COMMUNITY_SMS)"],
] as const;
export const CHANNELS = [
  ["sms", "SMS"],
  ["email", "Email"],
  ["push", "Web push"],
  ["whatsapp", "WhatsApp"],
  ["voice", "Phone call"],
] as const;

export function settingsFields(
  values: FormValues,
  errors: FieldErrors,
  o: { statement?: boolean; channels?: string[] },
) {
  return html`${select({ name: "priority", label: "Priority", options: PRIORITIES, value: values.priority ?? (o.statement ? "advisory" : "alert"), errors })}
${
  o.statement
    ? html`<div class="check"><input type="checkbox" id="f-cityWide" name="cityWide"${values.cityWide === "on" ? html` checked` : ""}> <label for="f-cityWide">City-wide (the whole service area)</label></div>`
    : ""
}
${textarea({ name: "zips", label: o.statement ? "ZIP codes (unless city-wide)" : "ZIP codes", hint: "Separated by spaces or commas", value: values.zips ?? "", errors, rows: 2 })}
${checkboxes({ name: "channels", legend: "Channels", options: CHANNELS, checked: o.channels ?? ["sms", "email", "push", "whatsapp", "voice"], errors })}
${input({ name: "expiresAt", label: "Expires", type: "datetime-local", hint: "Leave empty for the default (4 hours; statements 24)", value: values.expiresAt ?? "", errors })}
${o.statement ? input({ name: "link", label: "Link (optional)", type: "url", value: values.link ?? "", errors }) : ""}`;
}
