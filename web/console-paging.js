// Approval pages in this browser, on the console's paging page: registers the staff service worker
// (/console-sw.js, scope /console/), subscribes with the VAPID key when the person presses the
// button, and sends the subscription to POST /console/account/paging/push with the session's
// CSRF token in a header. Nothing is asked of the browser until the button is pressed.
(() => {
  const box = document.querySelector(".pager-controls");
  if (!box) return;
  const on = box.querySelector("[data-pager-on]");
  const off = box.querySelector("[data-pager-off]");
  const status = box.querySelector(".pager-status");
  const count = document.querySelector("[data-pager-count]");
  const say = (text) => {
    status.textContent = text;
  };
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say("This browser cannot show pages; add your phone number below instead.");
    return;
  }
  const registration = navigator.serviceWorker.register("/console-sw.js", { scope: "/console/" });
  const post = (path, body) =>
    fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": box.dataset.csrf },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });

  (async () => {
    const subscription = await registration
      .then((reg) => reg.pushManager.getSubscription())
      .catch(() => null);
    on.hidden = false;
    off.hidden = !subscription;
    if (Notification.permission === "denied") say("This browser blocks notifications from Aviso.");
  })();

  on.addEventListener("click", async () => {
    on.disabled = true;
    try {
      say("Asking the browser…");
      if ((await Notification.requestPermission()) !== "granted") {
        say("Notifications were not allowed, so this browser cannot be paged.");
        return;
      }
      const reg = await registration;
      const subscription =
        (await reg.pushManager.getSubscription()) ||
        (await reg.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: key(box.dataset.vapidKey),
        }));
      const res = await post("/console/account/paging/push", { subscription: subscription.toJSON() });
      if (!res.ok) {
        say("Aviso could not turn paging on for this browser.");
        return;
      }
      const answer = await res.json();
      if (count) count.textContent = String(answer.browsers);
      off.hidden = false;
      say("This browser is paged when a draft waits for you.");
    } catch {
      say("The browser could not reach its push service.");
    } finally {
      on.disabled = false;
    }
  });

  off.addEventListener("click", async () => {
    const reg = await registration;
    const subscription = await reg.pushManager.getSubscription().catch(() => null);
    if (subscription) {
      await post("/console/account/paging/push/remove", { subscription: subscription.toJSON() }).catch(
        () => {},
      );
      await subscription.unsubscribe().catch(() => {});
    }
    off.hidden = true;
    say("This browser is paged no more.");
  });

  function key(base64url) {
    const base64 = (base64url + "=".repeat((4 - (base64url.length % 4)) % 4))
      .replace(/-/g, "+")
      .replace(/_/g, "/");
    return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  }
})();
