"""Giving feedback (signed in, or anonymously through a shareable public link), and the
staff queues it feeds: safeguarding alerts and free text waiting for review."""
from __future__ import annotations

import io
import secrets

import segno
from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ...access import PUBLIC, audience, carer_scope_of_current_view, current_account
from ...crisis_help import help_after_writing
from ...db import db, posted_row_id
from ...domain import feedback, plans, records, safeguarding
from ...domain.risk import NO_RISK
from ...limits import limiter
from ...models import (
    CarerScope,
    FeedbackChannel,
    FeedbackResponse,
    Provider,
    RespondentType,
    Role,
    utcnow,
)
from .forms import PublicFeedbackForm, SignedInFeedbackForm

bp = Blueprint("feedback", __name__)


def _answers(form) -> feedback.FeedbackAnswers:
    return feedback.FeedbackAnswers(
        fft=form.fft.data, fft_reason=form.fft_reason.data or "", outcomes=form.outcomes(),
        other_comments=form.other_comments.data or "", equality=form.equality(),
    )


def _thanks(received: feedback.Received):
    """The thank-you page, with the help the free text calls for at once (graded)."""
    return redirect(url_for("feedback.thank_you", **help_after_writing(received.risk)))


@bp.route("/feedback", methods=["GET", "POST"])
@audience(PUBLIC)
@limiter.limit("10 per hour", methods=["POST"])
def public_form():
    form = PublicFeedbackForm()
    form.provider.choices = [SelectChoice("", _("The service in general"))] + [
        SelectChoice(str(p.id), p.name) for p in db.session.scalars(select(Provider).order_by(Provider.name))
    ]
    if request.method == "GET":
        form.submission_key.data = secrets.token_hex(16)
    if form.validate_on_submit():
        if form.website.data:  # the honeypot: look done, store nothing
            return _thanks(feedback.Received(None, risk=NO_RISK, duplicate=True))
        provider = form.provider.data or ""
        received = feedback.record_feedback(
            db.session, answers=_answers(form), channel=FeedbackChannel.public_link,
            respondent=RespondentType(form.respondent.data), on_behalf_of_client=False,
            level=int(form.level.data) if form.level.data in ("1", "2") else None,
            provider_id=int(provider) if provider.isdigit() else None, language=g.lang,
            submission_key=form.submission_key.data or secrets.token_hex(16), now=utcnow(),
        )
        db.session.commit()
        return _thanks(received)
    return render_template("feedback/form.html", form=form, public=True, client=None)


def _feedback_giver(client_id: int) -> records.RecordAccess:
    """Whether the signed-in person may give feedback about this client's support (404
    otherwise, as for any record page), decided without an audit event: the form shows
    nothing of the record, and an event naming who opened it, when, would be the one row
    to line up with the anonymous response (by its day, or its place in the order)."""
    g.personal = True
    try:
        return records.check_access(db.session, reader=current_account(), client_id=client_id,
                                    scope=carer_scope_of_current_view())
    except records.RecordNotAvailable:
        abort(404)


@bp.route("/clients/<int:client_id>/feedback", methods=["GET", "POST"])
@audience(Role.client, Role.carer, carer_scope=CarerScope.feedback)
def signed_in_form(client_id: int):
    """A client's feedback, or a carer's (about their own experience, or writing down the
    client's answers): a carer needs the client's "feedback" scope to open it at all. The
    form names nobody and no provider (see _feedback_giver)."""
    record = _feedback_giver(client_id)
    client = record.client
    plan = plans.current_plan(db.session, client.id, parts=())
    form = SignedInFeedbackForm()
    about = [SelectChoice("service", _("The service in general"))]
    # Which provider is part of how support is arranged: only for readers granted that.
    if plan is not None and plan.provider_id is not None and record.may(CarerScope.arrangement):
        about.insert(0, SelectChoice("provider", _("The organisation that provides the support")))
    form.about.choices = about
    form.answering.choices = [SelectChoice("carer", _("Me, as a carer"))] + (
        [SelectChoice("client", _("The person I care for – I am writing down their answers"))]
        if record.is_carer else []
    )
    if request.method == "GET":
        form.submission_key.data = secrets.token_hex(16)
        form.about.data = about[0].value
        form.answering.data = "carer"
    if form.validate_on_submit():
        for_client = record.is_carer and form.answering.data == "client"
        respondent = RespondentType.carer if record.is_carer and not for_client else RespondentType.client
        received = feedback.record_feedback(
            db.session, answers=_answers(form), channel=FeedbackChannel.signed_in, respondent=respondent,
            on_behalf_of_client=for_client, level=plan.level if plan else None,
            provider_id=plan.provider_id if plan is not None and form.about.data == "provider" else None,
            language=g.lang, submission_key=form.submission_key.data or secrets.token_hex(16),
            now=utcnow(), about=client,
        )
        db.session.commit()
        return _thanks(received)
    return render_template("feedback/form.html", form=form, public=False, client=client, is_carer=record.is_carer)


@bp.get("/feedback/thank-you")
@audience(PUBLIC)
def thank_you():
    return render_template("feedback/thank_you.html")


@bp.get("/feedback/share")
@audience(PUBLIC)
def share():
    """The public link and a QR code that community groups can print."""
    link = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for("feedback.public_form")
    svg = io.BytesIO()
    segno.make(link, error="m").save(svg, kind="svg", scale=6, xmldecl=False, svgns=True,
                                     title=_("QR code for the feedback form"), svgclass="app-qr")
    return render_template("feedback/share.html", link=link, qr_svg=Markup(svg.getvalue().decode()))


# Staff: safeguarding alerts (never shown to commissioners) and free text for review.
@bp.route("/staff/safeguarding-alerts", methods=["GET", "POST"])
@audience(Role.staff)
def alerts():
    """Alerts raised by what people wrote, for the team of the person they are about."""
    g.personal = True
    staff = current_account()
    if request.method == "POST":
        alert = safeguarding.alert_for(db.session, staff, posted_row_id("alert_id"))
        if alert is None:
            abort(404)
        safeguarding.handle_alert(db.session, alert, by=staff, notes=request.form.get("notes", ""), now=utcnow())
        db.session.commit()
        return redirect(url_for("feedback.alerts"))
    return render_template("feedback/alerts.html", alerts=safeguarding.open_alerts(db.session, staff))


@bp.route("/staff/feedback-text", methods=["GET", "POST"])
@audience(Role.staff)
def review_text():
    g.personal = True
    if request.method == "POST":
        response = db.session.get(FeedbackResponse, posted_row_id("response_id"))
        if response is None:
            abort(404)
        if request.form.get("action") == "release":
            feedback.release_free_text(db.session, response, redacted_text=request.form.get("redacted_text", ""),
                                       by=current_account(), now=utcnow())
        else:
            feedback.withhold_free_text(db.session, response, by=current_account(), now=utcnow())
        db.session.commit()
        return redirect(url_for("feedback.review_text"))
    return render_template("feedback/review_text.html", pending=feedback.pending_free_text(db.session, limit=20))
