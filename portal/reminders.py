"""Review reminders by mail, 4 weeks and 1 week before a review is due (run daily by
`flask --app portal review-reminders`; running it twice sends nothing twice)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from . import mail
from .domain import plans
from .models import utcnow


def queue_review_reminders(session: Session, today: dt.date) -> int:
    """Queue the reminders due today; returns how many were new. Needs an app context."""
    return sum(
        mail.send(session, "review_reminder", to=due.to, language=due.language, now=utcnow(),
                  dedupe_key=due.dedupe_key, name=due.name, kind=due.kind, due_on=due.review.due_on)
        for due in plans.reminders_due(session, today)
    )
