"""Feedback tallies: counts by month and fixed breakdown, added to as each response is
recorded (in the same transaction) and rebuilt from the responses after bulk loads.

One function says which tally rows a response counts in, so the running tallies and a
rebuild can never disagree.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..models import EqualityMonitoring, FeedbackResponse, FeedbackTally
from ..models.base import insert_or_update
from . import survey

NOT_ANSWERED = "not_answered"
# The response's own breakdowns; quarters come from the month.
RESPONSE_DIMENSIONS = ("level", "provider", "respondent", "language")
EQUALITY_DIMENSIONS = ("age_band", "sex", "gender_identity", "ethnic_group", "religion", "sexual_orientation", "disability")
_EQUALITY_COLUMN = {name: ("ethnicity" if name == "ethnic_group" else name) for name in EQUALITY_DIMENSIONS}


def month_of(moment: dt.datetime | dt.date) -> dt.date:
    day = moment.date() if isinstance(moment, dt.datetime) else moment
    return day.replace(day=1)


def keys_for(*, fft: str, level: int | None, provider_id: int | None, respondent: str, language: str,
             outcome_answers: Mapping[str, str] | None, equality: Mapping[str, str | None] | None) -> list[tuple[str, str, str]]:
    """The (dimension, category, answer) rows one response counts in."""
    keys = [
        ("all", "all", fft),
        ("level", str(level) if level else NOT_ANSWERED, fft),
        ("provider", str(provider_id) if provider_id else NOT_ANSWERED, fft),
        ("respondent", respondent, fft),
        ("language", language, fft),
    ]
    for name, column in _EQUALITY_COLUMN.items():
        value = (equality or {}).get(column)
        if value:
            keys.append((name, survey.ETHNIC_GROUP_OF.get(value, value) if name == "ethnic_group" else value, fft))
    for code, answer in (outcome_answers or {}).items():
        if answer:
            keys.append((f"outcome:{code}", answer, ""))
    return keys


def count_response(session: Session, response: FeedbackResponse, equality: Mapping[str, str | None] | None) -> None:
    """Add one response to the tallies (called where the response is recorded)."""
    month = month_of(response.submitted_at)
    rows = [{"month": month, "dimension": d, "category": c, "answer": a, "count": 1}
            for d, c, a in keys_for(fft=response.fft, level=response.level, provider_id=response.provider_id,
                                    respondent=response.respondent_type.value, language=response.language,
                                    outcome_answers=response.outcome_answers, equality=equality)]
    statement = insert_or_update(session, FeedbackTally).values(rows)
    session.execute(statement.on_conflict_do_update(
        index_elements=["month", "dimension", "category", "answer"],
        set_={"count": FeedbackTally.count + statement.excluded.count},
    ))


def rebuild(conn: Connection | Session, batch: int = 20_000) -> int:
    """Recount every tally from the responses (after a bulk load, or to check); returns rows."""
    equality_columns = [getattr(EqualityMonitoring, column) for column in _EQUALITY_COLUMN.values()]
    query = (
        select(FeedbackResponse.submitted_at, FeedbackResponse.fft, FeedbackResponse.level, FeedbackResponse.provider_id,
               FeedbackResponse.respondent_type, FeedbackResponse.language, FeedbackResponse.outcome_answers,
               *equality_columns)
        .outerjoin(EqualityMonitoring, EqualityMonitoring.feedback_response_id == FeedbackResponse.id)
        .execution_options(yield_per=batch)
    )
    counts: Counter = Counter()
    names = list(_EQUALITY_COLUMN.values())
    for row in conn.execute(query):
        month = month_of(row[0])
        equality = dict(zip(names, row[7:], strict=True))
        for key in keys_for(fft=row[1], level=row[2], provider_id=row[3], respondent=row[4].value if hasattr(row[4], "value") else row[4],
                            language=row[5], outcome_answers=row[6], equality=equality):
            counts[(month, *key)] += 1
    conn.execute(delete(FeedbackTally))
    _insert_all(conn, ({"month": m, "dimension": d, "category": c, "answer": a, "count": n}
                       for (m, d, c, a), n in counts.items()), batch)
    return len(counts)


def _insert_all(conn, rows: Iterable[dict], batch: int) -> None:
    chunk: list[dict] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= batch:
            conn.execute(insert(FeedbackTally), chunk)
            chunk = []
    if chunk:
        conn.execute(insert(FeedbackTally), chunk)
