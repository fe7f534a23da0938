"""A release as rows for downloading: a CSV and a spreadsheet (XLSX) of the same figures.

Each row is one figure for one period and group, with codes that stay the same in every
language and labels in the reader's language (the caller gives the labels). The CSV is UTF-8
with a byte-order mark, so Excel reads every script; text that a spreadsheet would take for a
formula (starting with =, +, -, @, a tab or a carriage return: a provider's name, a comment)
gets a leading apostrophe, in both files.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .disclosure import SUPPRESSED, DisclosedCount, DisclosedMeasure, DisclosedPercent
from .releases import Released

Value = DisclosedCount | DisclosedPercent | DisclosedMeasure | str | None

# Figures of the release day, and the definition each belongs to.
SNAPSHOT_FIGURE = {
    "open_plans": "open_plans", "reviews_overdue": "reviews_overdue", "level_1_open": "level_1",
    "level_1_past_12_months": "level_1", "level_1_past_24_months": "level_1", "goals_rated": "goals",
    "goal_mean_change": "goals", "goals_improved_by_3": "goals", "arrangement_decided": "arrangement_requests",
    "arrangement_median_days_to_decision": "arrangement_requests",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


@dataclass(frozen=True)
class Row:
    period: str
    period_start: dt.date
    period_end: dt.date
    figure: str
    breakdown: str
    category: str
    measure: str
    value: Value


def _add(out: list[Row], period: tuple, figure: str, breakdown: str, category: str, values: dict) -> None:
    for measure, value in values.items():
        if measure not in ("category", "statement"):
            out.append(Row(*period, figure, breakdown, category, measure, value))


def rows(released: Released) -> list[Row]:
    out: list[Row] = []
    for code, period in released.periods.items():
        figures, when = released.by_period[code], (code, period.start, period.end)
        feedback = figures["feedback"]
        _add(out, when, "fft", "all", "all", feedback["overall"])
        for breakdown, group_rows in feedback["by"].items():
            for row in group_rows:
                _add(out, when, "fft", breakdown, row["category"], row)
        for row in feedback["outcomes"]:
            _add(out, when, "outcomes", "statement", row["statement"], row)
        _add(out, when, "level_1_endings", "all", "all", figures["level_1_endings"])
        _add(out, when, "waits", "all", "all", figures["waits"])
        for breakdown, group_rows in figures["fair_access"].items():
            for row in group_rows:
                _add(out, when, "fair_access", breakdown, row["category"], row)
        for n, text in enumerate(feedback["comments"], start=1):
            out.append(Row(*when, "comments", "all", str(n), "text", text))
    day = released.release.released_on
    on_the_day = ("release_day", day, day)
    for name, figure in SNAPSHOT_FIGURE.items():
        out.append(Row(*on_the_day, figure, "all", "all", name, released.snapshot[name]))
    for code, share in released.snapshot["arrangement_mix"].items():
        out.append(Row(*on_the_day, "arrangement_mix", "arrangement", code, "share", share))
    for row in released.snapshot["unmet_languages"]:
        _add(out, on_the_day, "unmet_languages", "language", row["category"], row)
    for row in released.series["arrangement_by_quarter"]:
        start, end = quarter_dates(row["category"])
        _add(out, ("quarter", start, end), "arrangement_by_quarter", "quarter_end", row["category"], row)
    for row in released.series["requests_by_month"]:
        start = dt.date.fromisoformat(row["category"] + "-01")
        end = (start + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
        _add(out, ("month", start, end), "arrangement_requests", "month", row["category"], row)
    return out


def quarter_dates(code: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a quarter coded "2026-Q3"."""
    year, quarter = int(code[:4]), int(code[-1])
    start = dt.date(year, 3 * quarter - 2, 1)
    after = dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
    return start, after - dt.timedelta(days=1)


def shown(value: Value) -> str:
    """A value as the page shows it, without the percent sign: "*", a whole number, a number
    with one decimal place, text, or empty for a figure not recorded."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if value.value is None:
        return SUPPRESSED
    if isinstance(value, DisclosedPercent):
        return str(value).rstrip("%")
    number = round(float(value.value), 1)
    return str(int(number)) if number == int(number) else f"{number:.1f}"


def formula_safe(text: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe; numbers stay."""
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_bytes(header: Sequence[str], lines: Iterable[Sequence[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([formula_safe(cell) for cell in header])
    for line in lines:
        writer.writerow([formula_safe(cell) for cell in line])
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[str]]]],
               right_to_left: bool = False, number_columns: Sequence[str] = ("value",)) -> bytes:
    """A workbook with one sheet per (title, header, lines): numbers in `number_columns` as
    numbers, everything else as text that can never be a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)  # streamed: a release has thousands of rows
    for title, header, lines in sheets:
        sheet = book.create_sheet(title[:31])
        sheet.sheet_view.rightToLeft = right_to_left
        sheet.freeze_panes = "A2"
        heading = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=formula_safe(name))
            cell.font = Font(bold=True)
            heading.append(cell)
        sheet.append(heading)
        numeric = [name in number_columns for name in header]
        for line in lines:
            sheet.append([_number(text) if is_number else formula_safe(text) for text, is_number in zip(line, numeric, strict=True)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _number(text: str) -> int | float | str:
    if _NUMBER.fullmatch(text):
        return float(text) if "." in text else int(text)
    return formula_safe(text)

