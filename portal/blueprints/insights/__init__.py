"""The commissioners' figures: they read frozen monthly releases, never live data."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, g, render_template, request
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...access import audience
from ...db import db
from ...domain import definitions, exports, insights, releases, survey
from ...domain.disclosure import shares_add_up
from ...i18n import current_language, language_name
from ...models import InsightRelease, Provider, Role

bp = Blueprint("insights", __name__)

BREAKDOWN_TITLES = {
    "quarter": _l("By quarter"), "level": _l("By level of support"), "provider": _l("By provider"),
    "respondent": _l("Clients and carers"), "language": _l("By language of the form"), "age_band": _l("By age group"),
    "sex": _l("By sex"), "gender_identity": _l("By gender identity"), "ethnic_group": _l("By ethnic group"),
    "religion": _l("By religion"), "sexual_orientation": _l("By sexual orientation"), "disability": _l("By disability"),
    "area": _l("By area"),
}
FAIR_ACCESS_TITLES = {"ethnic_group": _l("By ethnic group"), "language": _l("By preferred language"),
                      "area": _l("By area"), "provider": _l("By provider")}
PERIOD_NAMES = {"quarter": _l("Latest quarter"), "year": _l("Last 12 months"), "all": _l("All time")}
ARRANGEMENTS = {"council_arranged": _l("Council-arranged"), "direct_payment": _l("Direct payment"), "mixed": _l("Mixed")}
MEASURES = {
    "responses": _l("Responses"), "positive": _l("Good or very good (%)"), "negative": _l("Poor or very poor (%)"),
    "answered": _l("Answered"), "agree": _l("Agree or strongly agree (%)"), "disagree": _l("Disagree or strongly disagree (%)"),
    "ended": _l("Level 1 endings"), "discharge": _l("Discharged (%)"), "move_to_level_2": _l("Moved to Level 2 (%)"),
    "started": _l("Support started"), "median_days": _l("Median days from referral to support"),
    "open_plans": _l("Open support plans"), "reviews_overdue": _l("Annual reviews overdue (%)"),
    "level_1_open": _l("People at Level 1"), "level_1_past_12_months": _l("At Level 1 for more than 12 months (%)"),
    "level_1_past_24_months": _l("At Level 1 for more than 24 months (%)"), "goals_rated": _l("Goals rated at least twice"),
    "goal_mean_change": _l("Mean change in goal rating (0 to 10)"), "goals_improved_by_3": _l("Goals improved by 3 points or more (%)"),
    "arrangement_decided": _l("Requests decided"), "arrangement_median_days_to_decision": _l("Median days to decide a request"),
    "requests": _l("Requests"), "share": _l("Share (%)"), "text": _l("Comment"),
    "council_arranged": _l("Council-arranged (%)"), "direct_payment": _l("Direct payment (%)"), "mixed": _l("Mixed (%)"),
}
CSV_HEADER = ["release_date", "period", "period_label", "period_start", "period_end", "figure", "figure_label",
              "breakdown", "breakdown_label", "category", "category_label", "measure", "measure_label", "value"]


def _chosen_release() -> InsightRelease | None:
    """The release asked for (?release=<id>), or the latest; 404 for one that does not exist."""
    raw = request.args.get("release", "")
    if not raw:
        return releases.latest(db.session)
    release = db.session.get(InsightRelease, int(raw)) if raw.isdigit() and len(raw) < 10 else None
    if release is None:
        abort(404)
    return release


def _period_code() -> str:
    code = request.args.get("period", "year")
    return code if code in insights.PERIODS else "year"


def quarter_label(code: str) -> str:
    start, end = exports.quarter_dates(code)
    return _("%(start)s to %(end)s", start=format_date(start, "MMMM"), end=format_date(end, "MMMM y"))


def category_labels() -> dict[str, dict[str, str]]:
    """Readable names for every category code of every breakdown, in the reader's language."""
    providers = {str(pid): name for pid, name in db.session.execute(select(Provider.id, Provider.name))}
    labels = {
        "level": {"1": _("Level 1"), "2": _("Level 2")},
        "respondent": {"client": _("People who get support"), "carer": _("Carers")},
        "provider": providers,
        "ethnic_group": {group.code: _(group.label) for group in survey.ETHNICITY_QUESTION.groups},
        "statement": {s.code: _(s.text) for s in survey.OUTCOME_STATEMENTS},
        "arrangement": {code: str(label) for code, label in ARRANGEMENTS.items()},
    }
    for question in survey.EQUALITY_QUESTIONS:
        labels.setdefault(question.code, {}).update({o.code: _(o.label) for o in question.options})
    labels["ethnic_group"][survey.PREFER_NOT_TO_SAY.code] = _(survey.PREFER_NOT_TO_SAY.label)
    return labels


def label_for(breakdown: str, category: str, labels: dict) -> str:
    if category == insights.NOT_ANSWERED:
        return _("Not answered")
    if breakdown in ("language", "unmet_languages"):
        return language_name(category)
    if breakdown in ("quarter", "quarter_end"):
        return quarter_label(category)
    if breakdown == "month":
        return format_date(dt.date.fromisoformat(category + "-01"), "MMMM y")
    return labels.get(breakdown, {}).get(category, category)


def period_label(period: insights.Period) -> str:
    return _("%(start)s to %(end)s", start=format_date(period.start, "long"), end=format_date(period.end, "long"))


def _figure_titles() -> dict[str, str]:
    return {d.code: _(d.title) for d in definitions.DEFINITIONS}


@bp.get("/insights")
@audience(Role.commissioner)
def dashboard():
    g.personal = True
    release = _chosen_release()
    released = releases.read(release) if release is not None else None
    period = released.periods[_period_code()] if released else None
    return render_template(
        "insights/dashboard.html", release=release, released=released, period=period,
        figures=released.by_period[period.code] if released else None,
        past=releases.listing(db.session), labels=category_labels() if released else {}, label_for=label_for,
        period_label=period_label, period_names={code: str(name) for code, name in PERIOD_NAMES.items()},
        titles={key: str(title) for key, title in BREAKDOWN_TITLES.items()},
        fair_titles={key: str(title) for key, title in FAIR_ACCESS_TITLES.items()},
        arrangements={code: str(name) for code, name in ARRANGEMENTS.items()},
        figure_titles=_figure_titles(), aim=insights.LEVEL_1_DISCHARGE_AIM, shares_add_up=shares_add_up,
        disclosure_rule=_(definitions.DISCLOSURE_RULE), current_definitions=definitions.DEFINITIONS_VERSION,
    )


@bp.get("/insights/how-figures-are-made")
@audience(Role.commissioner)
def definitions_page():
    """How each figure is made: every figure, or one (?figure=<code>)."""
    code = request.args.get("figure")
    if code is not None and code not in definitions.BY_CODE:
        abort(404)
    chosen = [definitions.BY_CODE[code]] if code else list(definitions.DEFINITIONS)
    # Translated here, not in the template: the texts hold "%" signs, which the template's
    # gettext would read as placeholders.
    shown = [{"code": d.code, **{part: _(getattr(d, part)) if getattr(d, part) else None
                                 for part in ("title", "counts", "records", "period", "excluded", "national")}}
             for d in chosen]
    return render_template("insights/definitions.html", shown=shown, one=code is not None,
                           version=definitions.DEFINITIONS_VERSION, disclosure_rule=_(definitions.DISCLOSURE_RULE))


def _lines(released: releases.Released) -> list[list[str]]:
    """Every figure of a release as a line: codes, with labels in the reader's language."""
    labels, titles = category_labels(), _figure_titles()
    period_names = {**{code: str(name) for code, name in PERIOD_NAMES.items()},
                    "release_day": _("On the day of the release"), "month": _("Month")}
    breakdowns = {**{key: str(title) for key, title in BREAKDOWN_TITLES.items()}, "all": _("Everyone"),
                  "statement": _("Statement"), "arrangement": _("Arrangement"), "quarter_end": _("At the end of the quarter"),
                  "month": _("Month")}
    lines = []
    for row in exports.rows(released):
        category = _("Everyone") if row.category == "all" else label_for(row.breakdown, row.category, labels)
        lines.append([
            released.release.released_on.isoformat(), row.period, period_names.get(row.period, row.period),
            row.period_start.isoformat(), row.period_end.isoformat(), row.figure, titles.get(row.figure, row.figure),
            row.breakdown, breakdowns.get(row.breakdown, row.breakdown), row.category, category,
            row.measure, str(MEASURES.get(row.measure, row.measure)), exports.shown(row.value),
        ])
    return lines


def _file_name(release: InsightRelease, extension: str) -> str:
    correction = f"-correction-{release.revision}" if release.revision else ""
    return f"commissioners-figures-{release.released_on.isoformat()}{correction}.{extension}"


def _download(body: bytes, mimetype: str, name: str) -> Response:
    g.personal = True
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _release_for_download() -> releases.Released:
    release = _chosen_release()
    if release is None:
        abort(404)
    return releases.read(release)


@bp.get("/insights/figures.csv")
@audience(Role.commissioner)
def download():
    """Every figure of a release, as on the page, as CSV."""
    released = _release_for_download()
    body = exports.csv_bytes(CSV_HEADER, _lines(released))
    return _download(body, "text/csv", _file_name(released.release, "csv"))


@bp.get("/insights/figures.xlsx")
@audience(Role.commissioner)
def download_spreadsheet():
    """The same figures as the CSV, as a spreadsheet, with a sheet saying what the release is."""
    released = _release_for_download()
    release = released.release
    about = [[_("Release date"), release.released_on.isoformat()],
             [_("Definitions version"), release.definitions_version]]
    about += [[str(PERIOD_NAMES[code]), period_label(period)] for code, period in released.periods.items()]
    if release.note:
        about.append([_("Correction"), release.note])
    about.append([_("Small numbers"), _(definitions.DISCLOSURE_RULE)])
    body = exports.xlsx_bytes([(_("Figures"), CSV_HEADER, _lines(released)), (_("About"), [_("Item"), _("Value")], about)],
                              right_to_left=current_language().direction == "rtl")
    return _download(body, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     _file_name(release, "xlsx"))
