/**
 * The preview's warning about languages the alert has no text in: per channel and language, how
 * many recipients will get which other language instead (counts only, never who). Shown before
 * approval, so an approver can ask for the missing translation first.
 */
import { html } from "hono/html";
import { LANGUAGE_NAMES } from "../../i18n/languages.ts";
import type { AlertPreview } from "../../services/alerts/preview-alert.ts";
import { CHANNELS } from "./alert-settings.ts";

export function fallbackSection(preview: Pick<AlertPreview, "fallbacks">) {
  if (preview.fallbacks.length === 0) return "";
  const channelName = (channel: string) => CHANNELS.find(([c]) => c === channel)?.[1] ?? channel;
  const residents = (n: number) => `${n} ${n === 1 ? "resident" : "residents"}`;
  return html`<section aria-labelledby="fallbacks" class="fallbacks">
<h2 id="fallbacks">Residents without a text in their language</h2>
<p class="notice">The alert has no text in these residents' languages: they get another language's, unless one in theirs is added before approval.</p>
<ul>${preview.fallbacks.map(
    (f) =>
      html`<li data-fallback="${f.channel}-${f.language}">${channelName(f.channel)}: ${residents(f.recipients)} reading ${LANGUAGE_NAMES[f.language]} will get the ${LANGUAGE_NAMES[f.fallback]} text</li>`,
  )}</ul>
</section>`;
}
