"""What the commissioners' figures need beyond the service's own records.

`InsightRelease`: every figure for the closed periods, computed once a month and frozen; the
ORM refuses to change or delete one. Commissioners read releases, never live data, so two
downloads minutes apart are the same file. A correction is a new release with a note.

`ClientEthnicity`: the ethnic group a client gave at assessment (or chose not to give), kept
apart from the record people read: only the fair-access figures use it, grouped and under
disclosure control.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class InsightRelease(Base):
    __tablename__ = "insight_release"
    __table_args__ = (UniqueConstraint("month", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[dt.date]  # the first day of the month it is that month's release for
    revision: Mapped[int] = mapped_column(default=0)  # 0 first; each correction adds one
    released_on: Mapped[dt.date]
    made_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    definitions_version: Mapped[str] = mapped_column(String(20))
    periods: Mapped[list] = mapped_column(default=list)  # [{"code", "start", "end"}], ISO dates, end inclusive
    figures: Mapped[dict] = mapped_column(default=dict)  # protected values only, never a raw count
    note: Mapped[str | None] = mapped_column(Text)  # what a correction corrects


@event.listens_for(InsightRelease, "before_update")
@event.listens_for(InsightRelease, "before_delete")
def _releases_are_frozen(_mapper, _connection, _target):
    raise PermissionError("a release is frozen: make a correction instead")


class ClientEthnicity(Base):
    __tablename__ = "client_ethnicity"

    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), primary_key=True)
    # A detailed code of the census question (portal.domain.survey.ETHNICITY_QUESTION),
    # "prefer_not_to_say" included.
    ethnicity: Mapped[str] = mapped_column(String(64))
