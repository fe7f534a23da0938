// A warning before the idle sign-out (WCAG 2.2.1 Timing Adjustable): a modal dialog a couple
// of minutes before the session ends, with the time left and "Stay signed in". Without
// JavaScript nothing shows, and a form sent after the end is kept for after sign-in.
const dialog = document.querySelector("[data-app-timeout]");

if (dialog && typeof dialog.showModal === "function") {
  const data = dialog.dataset;
  const title = dialog.querySelector("[data-app-timeout-title]");
  const text = dialog.querySelector("[data-app-timeout-text]");
  const stay = dialog.querySelector("[data-app-timeout-stay]");
  const close = dialog.querySelector("[data-app-timeout-close]");
  const token = dialog.querySelector("input[name=csrf_token]").value;
  const warnMs = Number(data.warnSeconds) * 1000;
  const phrases = JSON.parse(data.phrases); // whole minutes left -> words; "0": under a minute
  const loaded = Date.now();
  // Deadlines as clock times. Tabs of the same session share the idle one, so a page in use
  // in another tab keeps this one from warning.
  let idleEnd = loaded + Number(data.idleSeconds) * 1000;
  const absoluteEnd = loaded + Number(data.absoluteSeconds) * 1000;
  const STORE = "app-session-idle-end";
  let state = "waiting"; // waiting | warning | closed (the person closed it) | ended
  let words = "";
  let returnTo = null;

  const shared = () => {
    try { return Number(localStorage.getItem(STORE)) || 0; } catch { return 0; }
  };
  const share = () => {
    try { localStorage.setItem(STORE, String(idleEnd)); } catch { /* private browsing: this tab alone */ }
  };
  const show = (element, visible) => { element.style.display = visible ? "" : "none"; };
  const idleDeadline = () => Math.max(idleEnd, shared());
  const forLong = () => absoluteEnd <= idleDeadline(); // the sign-in's absolute end comes first
  const deadline = () => Math.min(idleDeadline(), absoluteEnd);

  const openWith = (focusOn) => {
    if (!dialog.open) {
      returnTo = document.activeElement;
      dialog.showModal();
    }
    focusOn.focus();
  };

  const say = (left) => {
    const minutes = Math.min(Math.floor(left / 60000), Math.floor(warnMs / 60000));
    const next = (forLong() ? data.longText : data.idleText).replace("{time}", phrases[String(minutes)] || phrases["0"]);
    if (next !== words) { // only when the words change, so a screen reader is not flooded
      words = next;
      text.textContent = next;
    }
  };

  const tick = () => {
    const left = deadline() - Date.now();
    if (left > warnMs) {
      if (state !== "waiting") {
        state = "waiting";
        if (dialog.open) dialog.close();
      }
      return;
    }
    if (left <= 0) {
      if (state !== "ended") {
        state = "ended";
        title.textContent = data.signedOutTitle;
        text.textContent = words = data.signedOutText;
        show(stay, false);
        show(close, true);
        openWith(close);
      }
      return;
    }
    if (state === "waiting") {
      state = "warning";
      title.textContent = data.warningTitle;
      show(stay, !forLong());
      show(close, forLong());
      say(left);
      openWith(forLong() ? close : stay);
    } else if (state === "warning") {
      say(left);
    }
  };

  const keepAlive = async () => {
    try {
      const response = await fetch(data.keepAlive, {
        method: "POST",
        headers: { Accept: "application/json", "X-CSRFToken": token },
        credentials: "same-origin",
        redirect: "manual", // signed out already: the answer is a redirect to sign in
      });
      if (!response.ok) throw new Error("signed out");
      const { idle_seconds: seconds } = await response.json();
      idleEnd = Date.now() + seconds * 1000;
    } catch {
      idleEnd = Date.now();
    }
    share();
    tick();
  };

  stay.addEventListener("click", keepAlive);
  close.addEventListener("click", () => {
    if (state === "warning") state = "closed";
    dialog.close();
  });
  // Escape means carrying on: as "Stay signed in" while that is possible, else as "Close".
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    if (state === "warning" && !forLong()) keepAlive();
    else close.click();
  });
  dialog.addEventListener("close", () => {
    if (returnTo && document.contains(returnTo)) returnTo.focus();
  });
  if (shared() < idleEnd) share();
  setInterval(tick, 1000);
}
