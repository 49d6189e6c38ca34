/**
 * Atom (RFC 4287) and JSON Feed 1.1 of published alerts for people's feed readers and other
 * websites: each entry is labelled as residents see it (VERIFIED, OFFICIAL CITY STATEMENT, ALL
 * CLEAR…), in the language asked for (?lang=), and links to the alert page. Drills are left out.
 */
import type { Language } from "../i18n/languages.ts";
import { alertLabel, pickText } from "../services/alerts/compose.ts";
import { asMessageAlert, type PublicAlert } from "../services/public/public-alerts.ts";
import { rfc3339, xml } from "./xml.ts";

export type FeedContext = { publicUrl: string; title: string; language: Language; now: Date };

const modified = (alert: PublicAlert) =>
  new Date(Math.max(alert.updatedAt.getTime(), alert.publishedAt.getTime()));

function entryText(alert: PublicAlert, language: Language) {
  const text = pickText(alert.texts, language);
  return { text, label: alertLabel(asMessageAlert(alert), text.language) };
}

const query = (language: Language) => (language === "en" ? "" : `?lang=${language}`);

export function atomFeed(alerts: PublicAlert[], ctx: FeedContext): string {
  const self = `${ctx.publicUrl}/feeds/alerts.atom${query(ctx.language)}`;
  const updated = alerts.reduce((latest, alert) => Math.max(latest, modified(alert).getTime()), 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${ctx.language}">`,
    `<id>${xml(self)}</id>`,
    `<title>${xml(ctx.title)}</title>`,
    `<updated>${rfc3339(updated > 0 ? new Date(updated) : ctx.now)}</updated>`,
    `<link rel="self" type="application/atom+xml" href="${xml(self)}"/>`,
    `<link rel="alternate" type="text/html" href="${xml(`${ctx.publicUrl}/${query(ctx.language)}`)}"/>`,
    `<author><name>${xml(ctx.title)}</name></author>`,
    ...alerts.map((alert) => {
      const { text, label } = entryText(alert, ctx.language);
      return [
        `<entry xml:lang="${text.language}">`,
        `<id>urn:uuid:${alert.id}</id>`,
        `<title>${xml(`${label}: ${text.headline}`)}</title>`,
        `<link rel="alternate" type="text/html" href="${xml(`${ctx.publicUrl}/alerts/${alert.id}${query(ctx.language)}`)}"/>`,
        `<published>${rfc3339(alert.publishedAt)}</published>`,
        `<updated>${rfc3339(modified(alert))}</updated>`,
        `<author><name>${xml(alert.senderOrg)}</name></author>`,
        `<category term="${alert.kind}" label="${xml(label)}"/>`,
        `<summary>${xml(text.sms_text)}</summary>`,
        `<content type="text">${xml(text.body)}</content>`,
        "</entry>",
      ].join("\n");
    }),
    "</feed>",
    "",
  ].join("\n");
}

export function jsonFeed(alerts: PublicAlert[], ctx: FeedContext) {
  return {
    version: "https://jsonfeed.org/version/1.1",
    title: ctx.title,
    home_page_url: `${ctx.publicUrl}/${query(ctx.language)}`,
    feed_url: `${ctx.publicUrl}/feeds/alerts.json${query(ctx.language)}`,
    language: ctx.language,
    authors: [{ name: ctx.title }],
    items: alerts.map((alert) => {
      const { text, label } = entryText(alert, ctx.language);
      return {
        id: `urn:uuid:${alert.id}`,
        url: `${ctx.publicUrl}/alerts/${alert.id}${query(ctx.language)}`,
        title: `${label}: ${text.headline}`,
        content_text: text.body,
        summary: text.sms_text,
        date_published: rfc3339(alert.publishedAt),
        date_modified: rfc3339(modified(alert)),
        language: text.language,
        authors: [{ name: alert.senderOrg }],
        tags: [label],
        _aviso: {
          kind: alert.kind,
          priority: alert.priority,
          label,
          zips: [...alert.targetZips].sort(),
          expires: rfc3339(alert.expiresAt),
          status: alert.status,
          references: alert.referencesAlertId ? `urn:uuid:${alert.referencesAlertId}` : null,
        },
      };
    }),
  };
}
