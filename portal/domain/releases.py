"""Releases: every commissioners' figure for the closed periods, made once a month and frozen.

`flask --app portal insights-release` runs daily (cron or a timer): from the first working day
of a month it makes that month's release, once; before that day, or a second time, it does
nothing. Commissioners read releases, never live data, so a response added after a release
changes nothing they can see until the next one, and two downloads of a release are the
same file.

A figure for a period, once released, stays as released: a later release whose period has
the same dates (and the same definitions) copies it rather than counting again, so a review
recorded late cannot quietly change a published number and two releases can never be
subtracted to find one record. Only a correction counts again, as a new release of the month
with a note saying what it corrects.

What is stored holds protected values only: `encode` refuses a bare number, so no raw count
can reach a release by accident.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import InsightRelease
from . import insights
from .definitions import DEFINITIONS_VERSION
from .disclosure import DisclosedCount, DisclosedMeasure, DisclosedPercent, percent_from_shown

_COUNT, _PERCENT, _MEASURE = "$count", "$percent", "$measure"


# ---------------------------------------------------------------------------------------------
# When a release is due


def _easter_sunday(year: int) -> dt.date:
    """The Gregorian Easter (the Meeus/Jones/Butcher algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _weekday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def bank_holidays(year: int) -> set[dt.date]:
    """England and Wales bank holidays that follow the usual rules (one-off ones, such as a
    coronation, are not known here)."""
    easter = _easter_sunday(year)
    first_monday_may = dt.date(year, 5, 1) + dt.timedelta(days=(7 - dt.date(year, 5, 1).weekday()) % 7)
    last_monday = {month: _last_monday(year, month) for month in (5, 8)}
    christmas = dt.date(year, 12, 25)
    boxing = dt.date(year, 12, 26)
    if christmas.weekday() >= 5:  # Saturday or Sunday: both move to the next working days
        christmas_moved, boxing_moved = _weekday_on_or_after(christmas), _weekday_on_or_after(christmas) + dt.timedelta(days=1)
    elif boxing.weekday() >= 5:
        christmas_moved, boxing_moved = christmas, _weekday_on_or_after(boxing)
    else:
        christmas_moved, boxing_moved = christmas, boxing
    return {_weekday_on_or_after(dt.date(year, 1, 1)), easter - dt.timedelta(days=2), easter + dt.timedelta(days=1),
            first_monday_may, last_monday[5], last_monday[8], christmas_moved, boxing_moved}


def _last_monday(year: int, month: int) -> dt.date:
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=last.weekday())


def first_working_day(year: int, month: int) -> dt.date:
    day, holidays = dt.date(year, month, 1), bank_holidays(year)
    while day.weekday() >= 5 or day in holidays:
        day += dt.timedelta(days=1)
    return day


def is_due(today: dt.date) -> bool:
    """Whether this month's release may be made: from its first working day on."""
    return today >= first_working_day(today.year, today.month)


# ---------------------------------------------------------------------------------------------
# Storing protected values


def encode(value):
    """Figures to JSON: protected values become tagged objects; a bare number is refused."""
    if isinstance(value, DisclosedCount):
        return {_COUNT: value.value}
    if isinstance(value, DisclosedPercent):
        return {_PERCENT: None if value.value is None else [value.numerator.value, value.denominator.value]}
    if isinstance(value, DisclosedMeasure):
        return {_MEASURE: value.value}
    if isinstance(value, dict):
        return {str(key): encode(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"a release keeps protected figures only, not {type(value).__name__}: {value!r}")


def decode(value):
    if isinstance(value, dict):
        if value.keys() == {_COUNT}:
            return DisclosedCount(value[_COUNT])
        if value.keys() == {_PERCENT}:
            return percent_from_shown(*(value[_PERCENT] or (None, None)))
        if value.keys() == {_MEASURE}:
            return DisclosedMeasure(value[_MEASURE])
        return {key: decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decode(item) for item in value]
    return value


# ---------------------------------------------------------------------------------------------
# Making and reading releases


class NothingToCorrect(Exception):
    """A correction needs this month's release to correct."""


def for_month(session: Session, month: dt.date) -> InsightRelease | None:
    return session.scalar(select(InsightRelease).where(InsightRelease.month == month)
                          .order_by(InsightRelease.revision.desc()).limit(1))


def latest(session: Session) -> InsightRelease | None:
    return session.scalar(select(InsightRelease).order_by(InsightRelease.month.desc(), InsightRelease.revision.desc()).limit(1))


def listing(session: Session) -> list[InsightRelease]:
    """Every release, newest first (corrections included, each with its note)."""
    return list(session.scalars(select(InsightRelease).order_by(InsightRelease.month.desc(), InsightRelease.revision.desc())))


def make_release(session: Session, *, now: dt.datetime, correction_note: str | None = None) -> InsightRelease | None:
    """This month's release, made from the records as they are now; None when the month has
    one already (so running twice makes one). With a note, a correction: everything is
    counted again and kept as the month's next revision."""
    today = now.date()
    month = today.replace(day=1)
    existing = for_month(session, month)
    if correction_note is None and existing is not None:
        return None
    if correction_note is not None and existing is None:
        raise NothingToCorrect
    periods = insights.closed_periods(today, insights.first_record_day(session) or today)
    previous = latest(session) if correction_note is None else None
    if previous is not None and previous.definitions_version != DEFINITIONS_VERSION:
        previous = None
    released_periods = {p["code"]: p for p in previous.periods} if previous else {}

    by_period = {}
    for period in periods:
        if released_periods.get(period.code) == period.as_dict():
            by_period[period.code] = previous.figures["by_period"][period.code]
        else:
            feedback = insights.feedback_figures(session, period)
            by_period[period.code] = encode({"feedback": feedback, **insights.service_figures(session, period, feedback)})
    series = {
        "arrangement_by_quarter": encode(insights.arrangement_by_quarter(session, periods[0].end)),
        "requests_by_month": encode(insights.requests_by_month(session, today)),
    }
    if previous is not None:  # each closed quarter and month keeps the figure it was first given
        for name, entries in series.items():
            released = {entry["category"]: entry for entry in previous.figures["series"][name]}
            series[name] = [released.get(entry["category"], entry) for entry in entries]
    release = InsightRelease(
        month=month, revision=existing.revision + 1 if existing else 0, released_on=today, made_at=now,
        definitions_version=DEFINITIONS_VERSION, periods=[period.as_dict() for period in periods],
        figures={"by_period": by_period, "snapshot": encode(insights.snapshot_figures(session, today)), "series": series},
        note=correction_note.strip() if correction_note else None,
    )
    session.add(release)
    session.flush()
    return release


@dataclass(frozen=True)
class Released:
    """A release as the dashboard and the downloads read it: its periods and the figures
    as protected values again."""

    release: InsightRelease
    periods: dict[str, insights.Period]
    by_period: dict
    snapshot: dict
    series: dict


def read(release: InsightRelease) -> Released:
    periods = {p["code"]: insights.Period(p["code"], dt.date.fromisoformat(p["start"]), dt.date.fromisoformat(p["end"]))
               for p in release.periods}
    figures = decode(release.figures)
    return Released(release, periods, figures["by_period"], figures["snapshot"], figures["series"])
