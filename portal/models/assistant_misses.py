"""Questions the assistant could not answer, kept so the team can teach it new phrasing.

Nothing about who asked: no account, no chat id, no time of day (the date only); the text
is redacted for names, numbers and emails before it is stored, messages that showed any
risk are never stored, and `flask purge` deletes each after 30 days.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class UnansweredQuestion(Base):
    __tablename__ = "unanswered_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(String(500))
    asked_on: Mapped[dt.date] = mapped_column(index=True)
