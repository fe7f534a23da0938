"""Taking feedback: light to give, impossible to trace back to a person.

A response keeps the level and provider it is about, never who gave it. Equality answers
go to their own table. Free text that shows high risk goes to a safeguarding alert for staff
(never commissioners) instead of the response, so the response stays anonymous and nothing
joins the two; other free text reaches commissioners only once staff release it.

Nothing else written at the time can be lined up with a response either: it keeps the day
it was given, not the moment (`submitted_at` is midnight UTC of that day: the column stays a
datetime, the monthly figures need no more), and giving feedback writes no audit event, so
no row naming the person carries the same time, or sits next to it in order.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    Account,
    AlertSource,
    Client,
    EqualityMonitoring,
    FeedbackChannel,
    FeedbackResponse,
    FreeTextStatus,
    RespondentType,
)
from . import audit, risk, safeguarding, survey, tally

MAX_TEXT = 2000
EQUALITY_FIELDS = tuple(question.code for question in survey.EQUALITY_QUESTIONS)


class FeedbackError(Exception):
    code = "feedback_error"


class UnknownAnswer(FeedbackError):
    code = "unknown_answer"


@dataclass
class FeedbackAnswers:
    fft: str
    fft_reason: str = ""
    outcomes: dict[str, str] = field(default_factory=dict)
    other_comments: str = ""
    equality: dict[str, str] = field(default_factory=dict)

    def check(self) -> None:
        """Only known codes are stored (the form checks too; this guards other callers)."""
        if self.fft not in survey.FFT_CODES:
            raise UnknownAnswer("fft")
        for code, answer in self.outcomes.items():
            if code not in survey.OUTCOME_CODES or answer not in survey.AGREEMENT_CODES:
                raise UnknownAnswer(code)
        questions = {q.code: q for q in survey.EQUALITY_QUESTIONS}
        for code, answer in self.equality.items():
            if code not in questions or answer not in questions[code].codes:
                raise UnknownAnswer(code)

    @property
    def free_text(self) -> str:
        return "\n".join(text for text in (self.fft_reason, self.other_comments) if text)


def day_of(moment: dt.datetime) -> dt.datetime:
    """The day a response was given, as midnight UTC: all a response keeps of its time."""
    return dt.datetime.combine(moment.astimezone(dt.UTC).date(), dt.time(), dt.UTC)


@dataclass
class Received:
    response: FeedbackResponse | None
    risk: risk.Risk  # what the free text shows: help now, and at high risk staff have an alert
    duplicate: bool


def record_feedback(
    session: Session,
    *,
    answers: FeedbackAnswers,
    channel: FeedbackChannel,
    respondent: RespondentType,
    on_behalf_of_client: bool,
    level: int | None,
    provider_id: int | None,
    language: str,
    submission_key: str,
    now: dt.datetime,
    about: Client | None = None,
) -> Received:
    """Store one response. The same submission key stores nothing new (double submit).
    `about`: the client a signed-in response is about, whose team a safeguarding alert
    goes to (the response itself never names them)."""
    existing = session.scalar(select(FeedbackResponse).where(FeedbackResponse.submission_key == submission_key))
    if existing is not None:
        return Received(existing, risk=risk.NO_RISK, duplicate=True)
    answers.check()
    shown = safeguarding.check_writing(session, answers.free_text, source=AlertSource.feedback, language=language,
                                       client=about, now=now)
    if shown.is_high:  # the words are the alert's now, not the anonymous response's
        answers.fft_reason = answers.other_comments = ""
    has_text = bool(answers.free_text.strip())
    response = FeedbackResponse(
        submission_key=submission_key,
        submitted_at=day_of(now),
        channel=channel,
        respondent_type=respondent,
        on_behalf_of_client=on_behalf_of_client,
        level=level,
        provider_id=provider_id,
        language=language,
        fft=answers.fft,
        fft_reason=answers.fft_reason[:MAX_TEXT] or None,
        outcome_answers={code: value for code, value in answers.outcomes.items() if value},
        other_comments=answers.other_comments[:MAX_TEXT] or None,
        free_text_status=FreeTextStatus.pending if has_text else FreeTextStatus.none,
    )
    session.add(response)
    session.flush()
    given = {code: value for code, value in answers.equality.items() if value}
    if given:
        session.add(EqualityMonitoring(feedback_response_id=response.id, **given))
    tally.count_response(session, response, given)
    session.flush()
    return Received(response, risk=shown, duplicate=False)


def pending_free_text(session: Session, limit: int = 50) -> list[FeedbackResponse]:
    return list(
        session.scalars(
            select(FeedbackResponse)
            .where(FeedbackResponse.free_text_status == FreeTextStatus.pending)
            .order_by(FeedbackResponse.submitted_at, FeedbackResponse.id)
            .limit(limit)
        )
    )


def release_free_text(
    session: Session, response: FeedbackResponse, *, redacted_text: str, by: Account, now: dt.datetime
) -> None:
    """Staff release the text for commissioners after removing anything identifying."""
    response.released_text = redacted_text.strip()[:MAX_TEXT] or None
    response.free_text_status = FreeTextStatus.released if response.released_text else FreeTextStatus.withheld
    session.flush()
    audit.record(session, actor=by, action="feedback_text_reviewed", now=now, object_type="feedback", object_id=response.id)


def withhold_free_text(session: Session, response: FeedbackResponse, *, by: Account, now: dt.datetime) -> None:
    response.free_text_status = FreeTextStatus.withheld
    response.released_text = None
    session.flush()
    audit.record(session, actor=by, action="feedback_text_reviewed", now=now, object_type="feedback", object_id=response.id)
