// New messages in an open conversation, without reloading and without moving focus: every
// few seconds (data-poll-seconds) the page asks the portal for messages newer than the last
// one shown, appends them to the list as text (a copy of the page's <template>, filled with
// textContent: what people wrote is never read as markup) and says what came in the polite
// live region. It waits while the tab is hidden, asks less often after an error, and stops
// when the answer is not for this person any more (signed out, or access ended). Without
// JavaScript the page is as the server wrote it.
const thread = document.querySelector("[data-app-thread]");
const template = document.querySelector("[data-app-message-template]");
const news = document.querySelector("[data-app-thread-news]");

if (thread && template && news && "fetch" in window) {
  const every = Math.max(Number(thread.dataset.pollSeconds) || 20, 0.1) * 1000;
  const slowest = Math.max(every, 5 * 60 * 1000);
  let after = Number(thread.dataset.after) || 0;
  let wait = every;
  let timer = null;
  let stopped = false;
  let asking = false;

  const show = (message) => {
    const item = template.content.firstElementChild.cloneNode(true);
    if (message.reply) item.classList.add("app-conversation__message--reply");
    item.querySelector("[data-app-message-author]").textContent = message.author;
    const time = item.querySelector("[data-app-message-time]");
    time.setAttribute("datetime", message.time);
    time.firstElementChild.textContent = message.time_text;
    const body = item.querySelector("[data-app-message-body]");
    body.setAttribute("lang", message.language);
    body.textContent = message.body;
    thread.append(item);
    after = Math.max(after, message.id);
  };

  const say = (words) => {
    const line = document.createElement("p");
    line.className = "govuk-body govuk-!-font-weight-bold";
    line.textContent = words;
    news.replaceChildren(line);
  };

  const schedule = () => {
    clearTimeout(timer);
    if (!stopped && !document.hidden) timer = setTimeout(look, wait);
  };

  async function look() {
    if (asking) return;
    asking = true;
    try {
      const answer = await fetch(`${thread.dataset.newerUrl}?after=${after}`, {
        headers: { Accept: "application/json" }, credentials: "same-origin", redirect: "manual",
      });
      // A redirect is the sign-in page (the session ended); 404: no longer allowed to read it.
      if (answer.type === "opaqueredirect" || answer.status === 404 || answer.status === 403) {
        stopped = true;
        return;
      }
      if (!answer.ok) throw new Error(String(answer.status));
      const found = await answer.json();
      found.messages.forEach(show);
      if (found.announcement) say(found.announcement);
      wait = every;
    } catch {
      wait = Math.min(wait * 2, slowest); // the portal is busy or the network is down: ask less often
    } finally {
      asking = false;
    }
    schedule();
  }

  document.addEventListener("visibilitychange", () => {
    if (document.hidden) clearTimeout(timer);
    else if (!stopped) { wait = every; look(); } // back to the tab: catch up at once
  });
  schedule();
}
