"""Review reminders by mail, 4 weeks and 1 week before a review is due (run daily by
`flask --app portal review-reminders`; running it twice sends nothing twice)."""
from __future__ import annotations

import datetime as dt

from flask import current_app, url_for
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from .domain import outbox, plans
from .i18n import DEFAULT_LANGUAGE, LANGUAGES
from .models import utcnow


def queue_review_reminders(session: Session, today: dt.date) -> int:
    """Queue the reminders due today; returns how many were new. Needs an app context."""
    queued = 0
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    # One request context for url_for and Babel, whatever the number of reminders.
    with current_app.test_request_context():
        for due in plans.reminders_due(session, today):
            queued += _queue_one(session, due, base)
    return queued


def _queue_one(session: Session, due: plans.ReminderDue, base: str) -> int:
    language = due.language if due.language in LANGUAGES else DEFAULT_LANGUAGE
    with force_locale(language):
        link = base + url_for("pages.content_page", lang=language, slug="reviews")
        subject = _("Your support review is due soon")
        # Only the date: no names or health details in a mail that may be read by others.
        when = _("in 4 weeks") if due.kind == "four_weeks" else _("in 1 week")
        body = _("Hello %(name)s,\n\nA review of your support is due %(when)s, by %(date)s. "
                 "Your worker will contact you to book it, if they have not already.\n\n"
                 "What happens at a review:\n%(link)s\n", name=due.name, when=when,
                 date=format_date(due.review.due_on, "long"), link=link)
    return 1 if outbox.queue_mail(session, to=due.to, subject=subject, body=body, now=utcnow(),
                                  dedupe_key=due.dedupe_key) else 0
