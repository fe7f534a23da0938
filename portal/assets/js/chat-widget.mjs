// The assistant in a dialog on every page. Without JavaScript the launcher is a plain link
// to the chat page, which works with form posts; this only enhances it.
const launcher = document.querySelector("[data-app-chat-launcher]");
const dialog = document.querySelector("[data-app-chat-dialog]");

if (launcher && dialog && typeof dialog.showModal === "function") {
  const form = dialog.querySelector("form");
  const field = dialog.querySelector("textarea");
  const log = dialog.querySelector("[data-app-chat-log]");
  const status = dialog.querySelector("[data-app-chat-status]");
  const error = dialog.querySelector("[data-app-chat-error]");
  const token = form.querySelector("input[name=csrf_token]").value;

  const add = (kind, text, html) => {
    const item = document.createElement("li");
    item.className = `app-chat__message app-chat__message--${kind}`;
    const who = document.createElement("span");
    who.className = "govuk-visually-hidden";
    who.textContent = dialog.dataset[kind === "user" ? "youSaid" : "assistantSaid"] + " ";
    item.append(who);
    if (html) {
      const holder = document.createElement("div");
      holder.innerHTML = html; // made by the portal: escaped text with its links, or crisis help
      item.append(holder);
    } else {
      const words = document.createElement("p");
      words.className = "govuk-body app-user-text";
      words.textContent = text;
      item.append(words);
    }
    log.append(item);
    item.scrollIntoView({ block: "nearest" });
  };

  // Suggested questions after a reply the assistant did not understand: choosing one
  // sends it as if typed. Older suggestions go once any message is sent.
  const suggest = (suggestions) => {
    if (!suggestions.length) return;
    const item = document.createElement("li");
    item.className = "app-chat__message app-chat__message--assistant";
    item.dataset.appChatSuggestions = "";
    const group = document.createElement("div");
    group.className = "govuk-button-group app-chat__suggestions";
    for (const { title, question } of suggestions) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "govuk-button govuk-button--secondary";
      button.textContent = title;
      button.addEventListener("click", () => {
        field.value = question;
        form.requestSubmit();
      });
      group.append(button);
    }
    item.append(group);
    log.append(item);
  };

  launcher.addEventListener("click", (event) => {
    event.preventDefault();
    dialog.showModal();
    field.focus();
  });
  dialog.querySelector("[data-app-chat-close]").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => launcher.focus());

  // GOV.UK's error pattern: the message is tied to the field (aria-describedby), the field
  // and its group are marked, the status region announces it, and a good send clears it all.
  const group = field.closest(".govuk-form-group");
  const showError = (text) => {
    error.querySelector("[data-app-chat-error-text]").textContent = text;
    error.hidden = false;
    group.classList.add("govuk-form-group--error");
    field.classList.add("govuk-textarea--error");
    field.setAttribute("aria-describedby", error.id);
    status.textContent = text;
  };
  const clearError = () => {
    error.hidden = true;
    group.classList.remove("govuk-form-group--error");
    field.classList.remove("govuk-textarea--error");
    field.removeAttribute("aria-describedby");
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const message = field.value.trim();
    if (!message) {
      showError(dialog.dataset.emptyMessage);
      field.focus();
      return;
    }
    clearError();
    for (const old of log.querySelectorAll("[data-app-chat-suggestions]")) old.remove();
    add("user", message);
    field.value = "";
    status.textContent = dialog.dataset.waiting;
    try {
      const response = await fetch(form.dataset.endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify({ message }),
        credentials: "same-origin",
      });
      const reply = await response.json();
      if (!response.ok) throw new Error(reply.error || "error");
      for (const html of reply.texts) add("assistant", "", `<p class="govuk-body app-user-text">${html}</p>`);
      suggest(reply.suggestions || []);
      if (reply.help_html) add("assistant", "", reply.help_html);
    } catch (problem) {
      // Whatever failed, the crisis numbers are always on the chat page.
      add("assistant", dialog.dataset.unavailable);
      add("assistant", "", dialog.querySelector("template[data-app-chat-crisis]").innerHTML);
    } finally {
      status.textContent = "";
      field.focus();
    }
  });
}
