/**
 * The composer's form read into what the drafting services take, through the API's own schemas
 * (src/schemas/alerts.ts), so a limit is written once; the messages are the console's, next to
 * each field. A language with nothing typed is left out; a partly typed one is checked.
 */
import type { AlertPriority, Channel as ChannelName } from "../../db/database.ts";
import { LANGUAGES } from "../../i18n/languages.ts";
import type { FormValues } from "../../pages/console/alert-settings.ts";
import type { FieldErrors } from "../../pages/console/chrome.ts";
import { fromLocalInput, toLocalInput } from "../../pages/console/time.ts";
import { Link, Text } from "../../schemas/alerts.ts";
import { Channel, Priority } from "../../schemas/common.ts";
import type { AlertView, Texts } from "../../services/alerts/alert-record.ts";
import { parseTypedZips } from "../../services/subscriptions/typed-zips.ts";
import { type Form, list, text } from "./support.ts";

/** The composer's form as plain values (what to show again after an error). */
export function valuesOf(form: Form): FormValues {
  return Object.fromEntries(Object.entries(form).map(([k, v]) => [k, Array.isArray(v) ? (v[0] ?? "") : v]));
}

/** A saved alert as the composer's values. */
export function valuesOfAlert(alert: AlertView, timeZone: string): FormValues {
  const values: FormValues = {
    priority: alert.priority,
    zips: alert.targetZips.join(" "),
    expiresAt: toLocalInput(new Date(alert.expiresAt), timeZone),
    link: alert.link ?? "",
  };
  for (const language of LANGUAGES) {
    const t = alert.texts[language];
    if (!t) continue;
    values[`texts.${language}.headline`] = t.headline;
    values[`texts.${language}.body`] = t.body;
    values[`texts.${language}.smsText`] = t.smsText;
  }
  return values;
}

const MISSING = { headline: "Write a headline", body: "Write the full text", smsText: "Write the SMS text" };

/** Texts from the composer; `smsOptional` (statements): an empty SMS text is the headline. */
export function textsOf(
  form: Form,
  o: { smsOptional?: boolean },
): { texts: Texts; errors: FieldErrors; empty: string[] } {
  const texts: Texts = {};
  const errors: FieldErrors = {};
  const empty: string[] = [];
  for (const language of LANGUAGES) {
    const headline = text(form, `texts.${language}.headline`);
    const body = text(form, `texts.${language}.body`);
    const smsText = text(form, `texts.${language}.smsText`) || (o.smsOptional ? headline : "");
    if (!headline && !body && !text(form, `texts.${language}.smsText`)) {
      empty.push(language);
      if (language === "en")
        errors["texts.en.headline"] =
          "An English text is required: residents whose language is missing get it";
      continue;
    }
    const checked = Text.safeParse({ headline, body, smsText });
    if (!checked.success) {
      for (const issue of checked.error.issues) {
        const field = String(issue.path[0]) as keyof typeof MISSING;
        errors[`texts.${language}.${field}`] ??=
          issue.code === "too_big" ? `At most ${issue.maximum} characters` : MISSING[field];
      }
    }
    texts[language] = { headline, body, smsText };
  }
  return { texts, errors, empty };
}

/** The whole composer: texts and settings, with every field's error (none: ready to draft). */
export function composerFormOf(form: Form, o: { statement: boolean; timeZone: string }) {
  const { texts, errors, empty } = textsOf(form, { smsOptional: o.statement });
  const target = targetOf(form, errors, o.statement);
  const channels = channelsOf(form, errors);
  const priority = priorityOf(form, errors);
  const expiresAt = expiryOf(form, errors, o.timeZone);
  return { texts, empty, target, channels, priority, expiresAt, errors };
}

export function targetOf(form: Form, errors: FieldErrors, allowCityWide: boolean) {
  if (allowCityWide && text(form, "cityWide") === "on") return { cityWide: true as const };
  const zips = parseTypedZips(text(form, "zips"));
  if (zips.malformed) errors.zips = `“${zips.malformed}” is not a 5-digit ZIP`;
  else if (zips.zips.length === 0) errors.zips = "Name at least one ZIP";
  return { zips: zips.zips };
}

export function channelsOf(form: Form, errors: FieldErrors): ChannelName[] {
  const channels = list(form, "channels").filter((c): c is ChannelName => Channel.safeParse(c).success);
  if (channels.length === 0) errors.channels = "Choose at least one channel";
  return channels;
}

export function priorityOf(form: Form, errors: FieldErrors): AlertPriority {
  const priority = Priority.safeParse(text(form, "priority"));
  if (priority.success) return priority.data;
  errors.priority = "Choose a priority";
  return "alert";
}

export function expiryOf(form: Form, errors: FieldErrors, timeZone: string): Date | undefined {
  const raw = text(form, "expiresAt");
  if (raw === "") return undefined;
  const at = fromLocalInput(raw, timeZone);
  if (!at) errors.expiresAt = "Give a date and time";
  return at;
}

/** A statement's link, or "" for none. */
export function linkOf(form: Form, errors: FieldErrors): string {
  const link = text(form, "link");
  if (link && !Link.safeParse(link).success) errors.link = "Give a full http(s) URL";
  return link;
}
