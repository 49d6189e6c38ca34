// Web push on the subscribe and manage pages (progressive enhancement: without JavaScript the
// page explains the other ways). Nothing is asked of the browser until the resident presses the
// button; then the permission prompt, the subscription with our VAPID key, and the subscription
// sent to POST /api/v1/push-subscriptions with the ZIPs and language from the form. A browser
// that never answers (a permission prompt left open or hidden, a push service out of reach) is
// given up on after BROWSER_TIMEOUT_MS: the page says so and the button works again.
(() => {
  const BROWSER_TIMEOUT_MS = 20_000;
  const TIMED_OUT = Symbol("timed out");
  const box = document.querySelector(".push-controls");
  if (!box) return;
  const on = box.querySelector("[data-push-on]");
  const off = box.querySelector("[data-push-off]");
  const status = box.querySelector(".push-status");
  const say = (key) => {
    status.textContent = box.dataset[`msg${key}`] || "";
  };
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say("Unsupported");
    return;
  }
  const registration = navigator.serviceWorker.register("/sw.js", { scope: "/" });

  const current = async () => (await registration).pushManager.getSubscription();
  const post = (path, body) =>
    fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
    });

  (async () => {
    const subscription = await current().catch(() => null);
    if (on) on.hidden = false;
    off.hidden = !subscription;
    if (Notification.permission === "denied") say("Denied");
    else if (subscription) say("On");
  })();

  /** What the browser answered, or TIMED_OUT when it has not within BROWSER_TIMEOUT_MS. */
  const answer = (promise) => {
    let timer;
    const late = new Promise((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), BROWSER_TIMEOUT_MS);
    });
    return Promise.race([promise, late]).finally(() => clearTimeout(timer));
  };

  on?.addEventListener("click", async () => {
    on.disabled = true;
    try {
      await signUp();
    } finally {
      on.disabled = false;
    }
  });

  async function signUp() {
    const form = document.getElementById("subscribe-form");
    const zips = form.elements.zips.value
      .split(/[\s,;]+/)
      .filter(Boolean)
      .map((zip) => zip.slice(0, 5));
    const language = form.elements.language.value;
    say("Working");
    const permission = await answer(Notification.requestPermission());
    if (permission === TIMED_OUT) {
      say("Timeout");
      return;
    }
    if (permission !== "granted") {
      say("Denied");
      return;
    }
    let subscription;
    try {
      subscription = await answer(
        registration.then(
          async (reg) =>
            (await reg.pushManager.getSubscription()) ||
            (await reg.pushManager.subscribe({
              userVisibleOnly: true,
              applicationServerKey: key(box.dataset.vapidKey),
            })),
        ),
      );
      if (subscription === TIMED_OUT) {
        say("Timeout");
        return;
      }
    } catch {
      // The browser could not reach its push service, or refused: not the resident's ZIPs.
      say("BrowserFailed");
      return;
    }
    try {
      const res = await post("/api/v1/push-subscriptions", {
        subscription: subscription.toJSON(),
        zips,
        language,
      });
      if (!res.ok) {
        say("Failed");
        form.elements.zips.focus();
        return;
      }
      off.hidden = false;
      say("On");
    } catch {
      say("Failed");
    }
  }

  off.addEventListener("click", async () => {
    const subscription = await current().catch(() => null);
    if (subscription) {
      await post("/api/v1/push-subscriptions/remove", { subscription: subscription.toJSON() }).catch(
        () => {},
      );
      await subscription.unsubscribe().catch(() => {});
    }
    off.hidden = true;
    say("Off");
  });

  /** The VAPID public key (base64url) as the bytes PushManager.subscribe wants. */
  function key(base64url) {
    const base64 = (base64url + "=".repeat((4 - (base64url.length % 4)) % 4))
      .replace(/-/g, "+")
      .replace(/_/g, "/");
    return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  }
})();
