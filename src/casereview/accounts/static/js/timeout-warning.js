// The GOV.UK timeout warning (SECURITY.md SE-1): a dialog a few minutes before the session's
// idle limit, with a button that keeps the person signed in. The server stays the judge of
// the limits; this only counts down from what the page was told, and asks again when kept.
const dialog = document.getElementById("timeout-warning");

if (dialog && typeof dialog.showModal === "function") {
  const warnSeconds = Number(dialog.dataset.warnSeconds);
  const form = dialog.querySelector("[data-keep-alive-form]");
  const countdown = dialog.querySelector("[data-countdown]");
  const title = dialog.querySelector("#timeout-warning-title");
  let endsAt = 0;
  let absolute = false;
  let timer = null;

  const show = (selector, visible) => {
    dialog.querySelectorAll(selector).forEach((el) => {
      el.hidden = !visible;
      el.style.display = visible ? "" : "none"; // a GOV.UK button's display outranks [hidden]
    });
  };

  const minutesText = (seconds) => {
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return `${minutes} minute${minutes === 1 ? "" : "s"}`;
    }
    return `${seconds} second${seconds === 1 ? "" : "s"}`;
  };

  const signedOut = () => {
    title.textContent = title.dataset.signedOutText;
    show("[data-while-signed-in]", false);
    show("[data-when-signed-out]", true);
    if (!dialog.open) dialog.showModal();
  };

  const tick = () => {
    const left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    if (left <= 0) {
      clearInterval(timer);
      signedOut();
      return;
    }
    if (left <= warnSeconds) {
      countdown.textContent = minutesText(left);
      if (!dialog.open) {
        title.textContent = title.dataset.signedInText;
        show("[data-when-signed-out]", false);
        show("[data-while-signed-in]", true);
        show("[data-when-idle]", !absolute);
        show("[data-when-absolute]", absolute);
        dialog.showModal();
      }
    }
  };

  const start = (idle, absoluteLeft) => {
    absolute = absoluteLeft <= idle;
    endsAt = Date.now() + Math.min(idle, absoluteLeft) * 1000;
    clearInterval(timer);
    timer = setInterval(tick, 1000);
    tick();
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      });
      const type = response.headers.get("Content-Type") || "";
      if (!response.ok || !type.startsWith("application/json")) {
        signedOut();
        return;
      }
      const left = await response.json();
      dialog.close();
      start(left.idle, left.absolute);
    } catch {
      // No answer (offline?): leave the warning open so the person can try again. Posting
      // the form itself would leave this page, and what is typed on it.
    }
  });

  dialog.querySelector("[data-close]").addEventListener("click", () => dialog.close());
  start(Number(dialog.dataset.idleSeconds), Number(dialog.dataset.absoluteSeconds));
}
