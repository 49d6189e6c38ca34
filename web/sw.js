// Aviso's service worker: shows alert notifications and opens the alert page when one is tapped.
// The push payload is what the delivery worker composes (src/services/alerts/compose.ts,
// composePush): { alertId, label, headline, url, priority, drill }. It caches nothing: alert
// pages must always be fresh.
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { headline: event.data ? event.data.text() : "" };
  }
  const title = data.label || "Aviso";
  const path = alertPath(data.url);
  event.waitUntil(
    self.registration.showNotification(title, {
      body: data.headline || "",
      tag: data.alertId || undefined,
      data: { path },
      requireInteraction: data.priority === "alert" && !data.drill,
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.path || "/", self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if (client.url === target && "focus" in client) return client.focus();
      }
      return self.clients.openWindow(target);
    }),
  );
});

/** Only ever open a page of this site: the path of the alert's URL, on our own origin. */
function alertPath(url) {
  try {
    const parsed = new URL(url, self.location.origin);
    return /^\/(alerts|a|en|es|zh|vi)\/[A-Za-z0-9_-]+$/.test(parsed.pathname) ? parsed.pathname : "/";
  } catch {
    return "/";
  }
}
