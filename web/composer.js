// The console's two small enhancements (the pages work without them):
// 1. The alert composer's live SMS preview: as an SMS text is typed, the server composes exactly
//    what residents will receive (label first, the alert page's short link last) and counts its
//    segments; the result replaces the preview under the field, in a polite live region. Nothing
//    is composed or counted here, so the count is always that of the text that will be sent.
// 2. Live delivery progress of a published alert, from server-sent events.
(() => {
  for (const form of document.querySelectorAll("form.composer")) {
    const timers = new Map();
    form.addEventListener("input", (event) => {
      const field = event.target;
      if (!(field instanceof HTMLTextAreaElement || field instanceof HTMLInputElement)) return;
      const match = /^texts\.(en|es|zh|vi)\.(smsText|headline)$/.exec(field.name);
      if (!match) return;
      const language = match[1];
      clearTimeout(timers.get(language));
      timers.set(
        language,
        setTimeout(() => refresh(form, language), 250),
      );
    });
  }

  async function refresh(form, language) {
    const sms = form.elements[`texts.${language}.smsText`];
    const headline = form.elements[`texts.${language}.headline`];
    const smsText = sms?.value || headline?.value || "";
    try {
      const res = await fetch("/console/preview-sms", {
        method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": form.dataset.csrf },
        body: JSON.stringify({
          language,
          smsText,
          kind: form.dataset.kind || "sighting",
          priority: form.elements.priority?.value || form.dataset.priority || "alert",
          drill: form.elements.drill ? form.elements.drill.checked : form.dataset.drill === "true",
          cancelReason: form.dataset.cancelReason || undefined,
          verifiedSighting: form.dataset.verifiedSighting === "true",
          alertId: form.dataset.alertId || undefined,
        }),
      });
      if (!res.ok) return;
      const preview = await res.json();
      const text = form.querySelector(`[data-sms-text="${language}"]`);
      const count = form.querySelector(`[data-sms-count="${language}"]`);
      if (text) text.textContent = preview.text;
      if (count) count.textContent = preview.description;
    } catch {
      // Keep the last preview; the server shows the exact one on saving.
    }
  }

  const progress = document.querySelector("[data-progress]");
  if (progress && "EventSource" in window) {
    const status = progress.querySelector("[data-progress-status]");
    const source = new EventSource(progress.dataset.progress);
    status.textContent = "Updating live…";
    source.addEventListener("figures", (event) => {
      const figures = JSON.parse(event.data);
      for (const [channel, counts] of Object.entries(figures.byChannel)) {
        const row = progress.querySelector(`tr[data-channel="${channel}"]`);
        if (!row) continue;
        for (const cell of row.querySelectorAll("td[data-status]")) {
          const key = cell.dataset.status;
          cell.textContent = String(key === "failed" ? counts.failed + counts.undelivered : counts[key]);
        }
      }
      status.textContent = `${figures.total} messages in all${figures.possibleDuplicates ? `, ${figures.possibleDuplicates} possibly sent twice` : ""}.`;
    });
    source.addEventListener("done", () => {
      source.close();
      status.textContent = `${status.textContent} Done.`;
    });
    source.onerror = () => source.close();
  }
})();
