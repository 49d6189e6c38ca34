// Aviso's staff service worker, scope /console/ (apart from residents' /sw.js): shows approval
// pages and opens the draft's approval page when one is tapped. The push payload is what the
// paging job composes (src/services/paging/send-pages.ts, pagePayload):
// { kind: "approval", alertId, title, body, path }. It caches nothing.
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = {};
  }
  const path = approvalPath(data.path);
  event.waitUntil(
    self.registration.showNotification(data.title || "Aviso", {
      body: data.body || "A draft alert is waiting for your approval",
      tag: data.alertId ? `approval-${data.alertId}` : "approval",
      renotify: true,
      requireInteraction: true,
      data: { path },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.path || "/console/alerts", self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if (client.url === target && "focus" in client) return client.focus();
      }
      return self.clients.openWindow(target);
    }),
  );
});

/** Only ever open an approval page of this site. */
function approvalPath(path) {
  return typeof path === "string" && /^\/console\/alerts\/[0-9a-f-]{36}$/.test(path)
    ? path
    : "/console/alerts";
}
