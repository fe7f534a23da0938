"""Learning from misses, safely: the questions neither the assistant's intent model nor the
answer search could answer, for staff to turn into training examples
(chatbot/learn/reviewed.yml, then `make chatbot-learn`).

Kept without identity (no account, no chat id, the date only), never when the message
showed any risk (the risk detector has its own route to people), redacted before storing:
emails, anything with a digit (phone numbers, dates, postcodes, NHS numbers), and likely
names — a capitalised word of a Latin script after the first word, and the word after
"my name is" (scripts without capitals keep their words: staff read
every question before it becomes training data, and it is deleted after `KEEP_DAYS`).
"""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..models import UnansweredQuestion

KEEP_DAYS = 30
MAX_TEXT = 500

_EMAIL = re.compile(r"\S+@\S+")
_WITH_DIGITS = re.compile(r"[^\s]*\d[^\s]*")
_INTRODUCTION = re.compile(r"(?i)\b(my name is|my name.s|i am called)\s+(\w+)")
_CAPITALISED = re.compile(r"(?<=\s)[A-Z\u00c0-\u00de\u0100-\u017f][a-z\u00df-\u00ff\u0100-\u017f'-]+")


def redact(text: str) -> str:
    text = _EMAIL.sub("[email]", text.strip())
    text = _WITH_DIGITS.sub("[number]", text)
    text = _INTRODUCTION.sub(lambda m: f"{m[1]} [name]", text)
    # "I" is a capital but never a name; the first word is capitalised by habit.
    text = _CAPITALISED.sub(lambda m: m[0] if m[0] in {"I", "I'm", "I'd", "I've", "I'll"} else "[name]", text)
    return text[:MAX_TEXT]


def record(session: Session, *, text: str, language: str, today: dt.date) -> UnansweredQuestion:
    question = UnansweredQuestion(language=language[:8], text=redact(text), asked_on=today)
    session.add(question)
    return question


def recent(session: Session, *, today: dt.date) -> list[UnansweredQuestion]:
    """The questions of the last KEEP_DAYS days, newest first."""
    since = today - dt.timedelta(days=KEEP_DAYS)
    return list(session.scalars(
        select(UnansweredQuestion).where(UnansweredQuestion.asked_on >= since)
        .order_by(UnansweredQuestion.asked_on.desc(), UnansweredQuestion.language, UnansweredQuestion.id)
    ))


def purge(session: Session, *, today: dt.date) -> int:
    since = today - dt.timedelta(days=KEEP_DAYS)
    return session.execute(delete(UnansweredQuestion).where(UnansweredQuestion.asked_on < since)).rowcount
