/**
 * The account page's paging settings (/console/account/paging): turn approval pages on in this
 * browser (web/console-paging.js, with the staff service worker web/console-sw.js), and add,
 * prove and remove one's own number for SMS pages. Only the number's last two digits are shown.
 */
import { html } from "hono/html";
import type { PagerPhoneStatus } from "../../services/paging/pager-phone.ts";
import { type ConsoleView, consolePage, csrfField, type FieldErrors, formErrors, input } from "./chrome.ts";

export const PAGING_PATH = "/console/account/paging";

export function pagingPage(
  view: ConsoleView,
  o: {
    approver: boolean;
    browsers: number;
    phone: PagerPhoneStatus;
    vapidKey: string | undefined;
    errors: FieldErrors;
    notice?: string;
  },
) {
  const csrf = view.csrf;
  const { phone, errors } = o;
  const body = html`<h1>Approval pages</h1>
${formErrors(errors)}
${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : ""}
<p>When a draft is waiting for someone who may approve it, Aviso tells them at once: in this console's browser and, if you add it, by a text to your own phone. A page says only that a draft is waiting and links to its approval page, which still asks you to sign in. You are never paged for a draft you wrote or edited.${o.approver ? "" : " Your role approves no drafts, so you are not paged."}</p>
<section aria-labelledby="push-heading"><h2 id="push-heading">In this browser</h2>
<p>Browsers paged for you: <strong data-pager-count>${o.browsers}</strong>.</p>
${
  o.vapidKey
    ? html`<div class="pager-controls" data-vapid-key="${o.vapidKey}" data-csrf="${csrf}">
<button type="button" data-pager-on hidden>Page me in this browser</button>
<button type="button" class="secondary" data-pager-off hidden>Stop paging this browser</button>
<p class="pager-status" role="status" aria-live="polite"></p>
<noscript><p>Paging in the browser needs JavaScript; a text to your phone does not.</p></noscript>
</div>`
    : html`<p>Web push is not configured on this server (VAPID keys).</p>`
}
${
  o.browsers > 0
    ? html`<form method="post" action="${PAGING_PATH}/push/remove">${csrfField(csrf)}
<button type="submit" class="secondary">Stop paging every browser of mine</button></form>`
    : ""
}
</section>
<section aria-labelledby="phone-heading"><h2 id="phone-heading">By text message</h2>
${
  phone?.verified
    ? html`<p>Pages are texted to your number ending in <strong>${phone.ending}</strong>.</p>`
    : phone
      ? html`<p>Your number ending in <strong>${phone.ending}</strong> is not proven yet: it gets no pages until you type the code texted to it.</p>
${
  phone.codeWaiting
    ? html`<form method="post" action="${PAGING_PATH}/phone/verify">${csrfField(csrf)}
${input({ name: "code", label: "Code texted to your phone", errors, required: true, attrs: html` inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}"` })}
<button type="submit">Prove my number</button></form>`
    : html`<p>The code has expired or was used up: add the number again for a new one.</p>`
}`
      : html`<p>No number: pages come only to your browsers.</p>`
}
<form method="post" action="${PAGING_PATH}/phone">${csrfField(csrf)}
${input({ name: "phone", label: phone ? "Change to another number" : "Your own mobile number", errors, type: "text", hint: "A US number. Aviso texts it a code; pages start once you type the code here.", attrs: html` inputmode="tel" autocomplete="tel"` })}
<button type="submit" class="secondary">Text me a code</button></form>
${
  phone
    ? html`<form method="post" action="${PAGING_PATH}/phone/remove">${csrfField(csrf)}
<button type="submit" class="secondary">Remove my number</button></form>`
    : ""
}
</section>
<p><a href="/console/account/second-factor">Two-step sign-in</a></p>`;
  return consolePage(view, "Approval pages", body, ["console-paging.js"]);
}
