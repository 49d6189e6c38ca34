// A sighting's console page, live (the page works without this: it is complete on load, and a
// reload shows the same). Server-sent events from /console/sightings/<id>/events carry the status
// and the verifications and responders sections rendered by the server exactly as on load; they
// replace the page's in place. New answers are also read out by the polite live region, one line
// each ("Ana: confirmed (two vans at the corner)"). EventSource reconnects by itself when a stream
// reaches its lifetime; a refusal (signed out, 403, 404, 429) closes it and the page says so.
(() => {
  const root = document.querySelector("[data-live-sighting]");
  if (!root || !("EventSource" in window)) return;
  const status = document.querySelector("[data-live-status]");
  const note = root.querySelector("[data-live-note]");
  const announce = root.querySelector("[data-live-announce]");
  const verifications = root.querySelector("[data-live-verifications]");
  const responders = root.querySelector("[data-live-responders]");
  const decideHint = document.querySelector("[data-live-decide-hint]");
  let shownStatus = root.dataset.status;
  let seen = null;

  const source = new EventSource(root.dataset.liveSighting);
  source.addEventListener("open", () => {
    note.textContent = "Answers appear here as they come in.";
  });
  source.addEventListener("sighting", (event) => {
    const data = JSON.parse(event.data);
    if (status) status.textContent = data.statusLabel;
    verifications.innerHTML = data.html.verifications;
    responders.innerHTML = data.html.responders;
    if (decideHint) decideHint.textContent = data.decideHint;
    const fresh = seen ? data.answers.filter((a) => !seen.has(a.key)) : [];
    seen = new Set(data.answers.map((a) => a.key));
    const lines = fresh.map((a) => `${a.text}.`);
    if (data.sighting.status !== shownStatus) {
      lines.push(`Status now ${data.statusLabel}: reload the page for the actions that apply.`);
      shownStatus = data.sighting.status;
    }
    if (lines.length > 0) announce.textContent = lines.join(" ");
  });
  source.addEventListener("gone", () => {
    source.close();
    note.textContent = "This sighting was merged or removed: reload the page.";
  });
  source.addEventListener("error", () => {
    if (source.readyState === EventSource.CLOSED)
      note.textContent = "Live updates stopped: reload the page to see new answers.";
  });
})();
