"""The commissioners' dashboard: aggregates only, every count through disclosure control."""
from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, g, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...access import audience
from ...db import db
from ...domain import insights, survey
from ...i18n import language_name
from ...models import Provider, Role, utcnow

bp = Blueprint("insights", __name__)


def _period() -> insights.Period:
    code = request.args.get("period", "year")
    return insights.period_for(code if code in insights.PERIODS else "year", utcnow())


def category_labels() -> dict[str, dict[str, str]]:
    """Readable names for every category code of every breakdown, in the reader's language."""
    providers = {str(pid): name for pid, name in db.session.execute(select(Provider.id, Provider.name))}
    labels = {
        "level": {"1": _("Level 1"), "2": _("Level 2")},
        "respondent": {"client": _("People who get support"), "carer": _("Carers")},
        "provider": providers,
        "ethnic_group": {group.code: _(group.label) for group in survey.ETHNICITY_QUESTION.groups},
    }
    for question in survey.EQUALITY_QUESTIONS:
        labels.setdefault(question.code, {}).update({o.code: _(o.label) for o in question.options})
    labels["ethnic_group"][survey.PREFER_NOT_TO_SAY.code] = _(survey.PREFER_NOT_TO_SAY.label)
    return labels


BREAKDOWN_TITLES = {
    "quarter": _l("By quarter"), "level": _l("By level of support"), "provider": _l("By provider"),
    "respondent": _l("Clients and carers"), "language": _l("By language of the form"), "age_band": _l("By age group"),
    "sex": _l("By sex"), "gender_identity": _l("By gender identity"), "ethnic_group": _l("By ethnic group"),
    "religion": _l("By religion"), "sexual_orientation": _l("By sexual orientation"), "disability": _l("By disability"),
}


def label_for(breakdown: str, category: str, labels: dict) -> str:
    if category == insights.NOT_ANSWERED:
        return _("Not answered")
    if breakdown == "language":
        return language_name(category)
    return labels.get(breakdown, {}).get(category, category)


@bp.get("/insights")
@audience(Role.commissioner)
def dashboard():
    g.personal = True
    period = _period()
    return render_template(
        "insights/dashboard.html",
        period=period,
        feedback=insights.feedback_figures(db.session, period),
        figures=insights.service_figures(db.session, utcnow().date()),
        labels=category_labels(),
        label_for=label_for,
        titles={key: str(title) for key, title in BREAKDOWN_TITLES.items()},
        statements={s.code: _(s.text) for s in survey.OUTCOME_STATEMENTS},
    )


@bp.get("/insights/figures.csv")
@audience(Role.commissioner)
def download():
    """The same figures as the page, as CSV, under the same disclosure control."""
    period = _period()
    feedback = insights.feedback_figures(db.session, period)
    service = insights.service_figures(db.session, utcnow().date())
    labels = category_labels()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "breakdown", "category", "measure", "value"])
    writer.writerow(["feedback", "all", "all", "responses", str(feedback.overall.responses)])
    writer.writerow(["feedback", "all", "all", "fft_positive", str(feedback.overall.positive)])
    writer.writerow(["feedback", "all", "all", "fft_negative", str(feedback.overall.negative)])
    for breakdown, rows in feedback.by.items():
        for row in rows:
            category = label_for(breakdown, row.category, labels)
            writer.writerow(["feedback", breakdown, category, "responses", str(row.responses)])
            writer.writerow(["feedback", breakdown, category, "fft_positive", str(row.positive)])
            writer.writerow(["feedback", breakdown, category, "fft_negative", str(row.negative)])
    for row in feedback.outcomes:
        writer.writerow(["outcomes", row.statement, "all", "answered", str(row.answered)])
        writer.writerow(["outcomes", row.statement, "all", "agree", str(row.agree)])
    writer.writerow(["service", "plans", "open", "count", str(service.open_plans)])
    writer.writerow(["service", "reviews", "overdue", "share", str(service.reviews_overdue)])
    writer.writerow(["service", "level_1", "open", "count", str(service.level_1_open)])
    writer.writerow(["service", "level_1", "past_12_months", "share", str(service.level_1_past_12_months)])
    writer.writerow(["service", "level_1", "past_24_months", "share", str(service.level_1_past_24_months)])
    for outcome, share in service.level_1_endings.items():
        writer.writerow(["service", "level_1_endings", outcome, "share", str(share)])
    for arrangement, share in service.arrangement_mix.items():
        writer.writerow(["service", "arrangement_mix", arrangement, "share", str(share)])
    for quarter, mix in service.arrangement_by_quarter:
        for arrangement, share in mix.items():
            writer.writerow(["service", f"arrangement_{quarter}", arrangement, "share", str(share)])
    writer.writerow(["service", "referrals", "started", "count", str(service.referrals_started)])
    writer.writerow(["service", "referrals", "median_days_to_support", "days",
                     "*" if service.referral_to_support_median_days is None else f"{service.referral_to_support_median_days:.0f}"])
    writer.writerow(["service", "goals", "rated_twice_or_more", "count", str(service.goals_rated)])
    writer.writerow(["service", "goals", "mean_change", "points",
                     "*" if service.goal_mean_change is None else f"{service.goal_mean_change:.1f}"])
    writer.writerow(["service", "goals", "improved_by_3_or_more", "share", str(service.goals_improved_by_3)])
    for code, count in service.unmet_languages:
        writer.writerow(["service", "unmet_language", code, "requests", str(count)])
    for month, count in service.arrangement_requests_by_month:
        writer.writerow(["service", "arrangement_requests", month, "count", str(count)])
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="insights-{period.code}.csv"'
    g.personal = True
    return response
