"""Mail: every message is a named template, sent one way.

- A message is `portal/templates/mail/<name>.txt`, with a `subject` and a `body` block,
  worded with the catalogs' gettext like the pages (so it is translated with them).
- It is written in the recipient's language, or English when theirs is not a portal
  language (`recipient_language`: the one fallback).
- Links in it are made by `link()` in the template: the public address of the service
  (PUBLIC_BASE_URL) and the page in the recipient's language (the one way to make them).
- It goes through the outbox (portal.domain.outbox), in the caller's transaction, so it is
  sent only if the change it reports is committed. Mails carry no personal details beyond
  a name the person gave themselves: people are asked to sign in to read more.
"""
from __future__ import annotations

import contextlib
import datetime as dt

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale, format_date
from sqlalchemy.orm import Session

from ..domain import messages, outbox, updates
from ..i18n import DEFAULT_LANGUAGE, LANGUAGES
from ..models import Conversation, Message


def recipient_language(code: str | None) -> str:
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def _link_maker(language: str):
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")

    def link(endpoint: str, **values) -> str:
        return base + url_for(endpoint, lang=language, **values)

    return link


def render(message: str, *, language: str, **context) -> tuple[str, str]:
    """The subject and body of the named message in `language` (needs an app context)."""
    template = current_app.jinja_env.get_template(f"mail/{message}.txt")
    # url_for needs a request context; scheduled jobs (reminders, the sender) have none.
    request = contextlib.nullcontext() if has_request_context() else current_app.test_request_context()
    with request, force_locale(language):
        variables = {"link": _link_maker(language), "long_date_text": lambda day: format_date(day, "long"),
                     "council": current_app.config["COUNCIL_NAME"], "service": current_app.config["SERVICE_NAME"],
                     **context}
        rendered = template.new_context(variables)
        subject = "".join(template.blocks["subject"](rendered)).strip()
        body = "".join(template.blocks["body"](rendered)).strip() + "\n"
    return subject, body


def send(session: Session, message: str, *, to: str, language: str | None, now: dt.datetime,
         dedupe_key: str | None = None, **context) -> bool:
    """Queue the named message for `to`; False when a message with `dedupe_key` was queued
    before (so running a job twice sends nothing twice)."""
    subject, body = render(message, language=recipient_language(language), **context)
    return outbox.queue_mail(session, to=to, subject=subject, body=body, now=now, dedupe_key=dedupe_key) is not None


# Where each update's mail links to: the page that shows it.
UPDATE_PAGES = {
    "plan_shared": "plans.my_plan", "plan_reply": "plans.my_plan", "review_asked": "plans.reviews",
    "review_recorded": "plans.reviews", "request_status": "choice.start", "carer_access": "plans.carers",
}


def send_updates(session: Session, *, client_id: int, now: dt.datetime) -> int:
    """Queue the mails of the client's updates nobody has been told of yet (call it in the
    transaction that made them): one to each person told, in their language. Returns how
    many were queued."""
    queued = 0
    for update in updates.untold(session, client_id):
        mailed = [
            person for person in updates.recipients(session, update)
            if send(session, "record_update", to=person.email, language=person.language, now=now,
                    dedupe_key=f"update:{update.id}:{person.account_id}", kind=update.kind.value,
                    detail=update.detail, for_client=person.is_client, page=UPDATE_PAGES[update.kind.value],
                    client_id=update.client_id)
        ]
        updates.mark_told(update, mailed=mailed, now=now)
        queued += len(mailed)
    return queued


def send_message_notices(session: Session, message: Message, *, now: dt.datetime) -> int:
    """Tell the people on the other side of a conversation that there is a new message
    (portal.domain.messages.notice_recipients), each in their language: never its words,
    its subject or who wrote it, only a link to sign in. Returns how many were queued."""
    conversation = session.get(Conversation, message.conversation_id)
    return sum(
        send(session, "new_message", to=person.email, language=person.language, now=now,
             dedupe_key=f"message:{message.id}:{person.account_id}", for_staff=person.is_staff,
             client_id=conversation.client_id, conversation_id=conversation.id)
        for person in messages.notice_recipients(session, message)
    )
