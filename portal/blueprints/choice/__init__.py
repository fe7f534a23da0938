"""Asking to change how support is arranged, one question a page (GOV.UK pattern), and
the staff queue that decides the requests."""
from __future__ import annotations

import re

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ... import mail
from ...access import audience, current_account
from ...crisis_help import help_after_writing
from ...db import db
from ...domain import choice, plans, safeguarding
from ...domain.choice import Preferences
from ...domain.providers import languages_offered
from ...i18n import LANGUAGES
from ...models import AlertSource, Arrangement, CarerScope, Provider, RequestStatus, Role, utcnow
from ..common import client_record
from .forms import TIME_LABELS, ContactForm, PreferencesForm, SubmitForm, WhatForm

bp = Blueprint("choice", __name__)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9 ()-]{7,20}$")
STEPS = ("what", "preferences", "contact", "check")


def _draft(client_id: int):
    return choice.draft(db.session, current_account(), client_id)


@bp.get("/clients/<int:client_id>/support-arrangement")
@audience(Role.client, Role.carer, carer_scope=CarerScope.arrangement)
def start(client_id: int):
    client = client_record(client_id, "view_arrangement", reads_only=True).client
    plan = plans.current_plan(db.session, client.id, parts=())
    return render_template(
        "choice/start.html", client=client, plan=plan,
        open_request=choice.open_request(db.session, client.id),
        past=choice.requests_for(db.session, client.id),
    )


@bp.route("/clients/<int:client_id>/support-arrangement/change", methods=["GET", "POST"])
@audience(Role.client, Role.carer, carer_scope=CarerScope.arrangement)
def what(client_id: int):
    client = client_record(client_id, "request_arrangement_change").client
    existing = choice.open_request(db.session, client.id)
    if existing is not None:
        return redirect(url_for("choice.track", client_id=client.id, reference=existing.reference))
    plan = plans.current_plan(db.session, client.id)
    draft = _draft(client.id)
    form = WhatForm(plan.arrangement.value if plan else None, data=draft.answers if request.method == "GET" else None)
    if form.validate_on_submit():
        choice.save_answers(draft, to_arrangement=form.to_arrangement.data)
        db.session.commit()
        return redirect(url_for("choice.preferences", client_id=client.id))
    db.session.commit()
    return render_template("choice/what.html", form=form, client=client, plan=plan)


def _language_choices():
    codes = sorted(set(LANGUAGES) | set(languages_offered(db.session)))
    from ...i18n import language_name

    return [SelectChoice("", _("No preference"))] + [SelectChoice(code, language_name(code)) for code in codes]


def _provider_choices():
    providers = db.session.scalars(select(Provider).order_by(Provider.name)).all()
    return [SelectChoice("", _("No preference"))] + [SelectChoice(str(p.id), p.name) for p in providers]


@bp.route("/clients/<int:client_id>/support-arrangement/change/preferences", methods=["GET", "POST"])
@audience(Role.client, Role.carer, carer_scope=CarerScope.arrangement)
def preferences(client_id: int):
    client = client_record(client_id, "request_arrangement_change").client
    draft = _draft(client.id)
    if "to_arrangement" not in draft.answers:
        return redirect(url_for("choice.what", client_id=client.id))
    form = PreferencesForm(data=draft.answers if request.method == "GET" else None)
    form.language.choices = _language_choices()
    form.preferred_provider.choices = _provider_choices()
    if form.validate_on_submit():
        choice.save_answers(
            draft, language=form.language.data or None, worker_gender=form.worker_gender.data,
            times_of_day=form.times_of_day.data, cultural_or_faith_needs=form.cultural_or_faith_needs.data or "",
            preferred_provider=form.preferred_provider.data or "",
        )
        written = safeguarding.check_writing(db.session, form.cultural_or_faith_needs.data or "",
                                             source=AlertSource.arrangement_request, language=g.lang, client=client,
                                             now=utcnow())
        db.session.commit()
        return redirect(url_for("choice.contact", client_id=client.id, **help_after_writing(written)))
    db.session.commit()
    return render_template("choice/preferences.html", form=form, client=client)


@bp.route("/clients/<int:client_id>/support-arrangement/change/contact", methods=["GET", "POST"])
@audience(Role.client, Role.carer, carer_scope=CarerScope.arrangement)
def contact(client_id: int):
    client = client_record(client_id, "request_arrangement_change").client
    draft = _draft(client.id)
    if "worker_gender" not in draft.answers:
        return redirect(url_for("choice.preferences", client_id=client.id))
    defaults = {"contact_method": "email", "contact_detail": current_account().email, **draft.answers}
    form = ContactForm(data=defaults if request.method == "GET" else None)
    if form.validate_on_submit():
        pattern = EMAIL if form.contact_method.data == "email" else PHONE
        if not pattern.match(form.contact_detail.data):
            form.contact_detail.errors = [
                _("Enter an email address in the correct format, like name@example.com")
                if form.contact_method.data == "email"
                else _("Enter a phone number, like 0114 496 0000")
            ]
        else:
            choice.save_answers(draft, contact_method=form.contact_method.data, contact_detail=form.contact_detail.data)
            db.session.commit()
            return redirect(url_for("choice.check", client_id=client.id))
    db.session.commit()
    return render_template("choice/contact.html", form=form, client=client)


def _preferences(answers: dict) -> Preferences:
    provider = answers.get("preferred_provider") or ""
    return Preferences(
        language=answers.get("language") or None,
        worker_gender=answers.get("worker_gender", "no_preference"),
        cultural_or_faith_needs=answers.get("cultural_or_faith_needs", ""),
        times_of_day=list(answers.get("times_of_day", [])),
        preferred_provider_id=int(provider) if provider.isdigit() else None,
    )


@bp.route("/clients/<int:client_id>/support-arrangement/change/check", methods=["GET", "POST"])
@audience(Role.client, Role.carer, carer_scope=CarerScope.arrangement)
def check(client_id: int):
    client = client_record(client_id, "request_arrangement_change").client
    draft = _draft(client.id)
    if "contact_method" not in draft.answers:
        return redirect(url_for("choice.contact", client_id=client.id))
    form = SubmitForm()
    if form.validate_on_submit():
        try:
            made = choice.submit_request(
                db.session, client=client, requested_by=current_account(),
                to_arrangement=Arrangement(draft.answers["to_arrangement"]),
                preferences=_preferences(draft.answers), contact_method=draft.answers["contact_method"],
                contact_detail=draft.answers["contact_detail"],
                submission_key=form.submission_key.data or draft.submission_key, now=utcnow(),
            )
        except choice.RequestAlreadyOpen as error:
            made = error.existing
        except choice.NoChange:
            return redirect(url_for("choice.what", client_id=client.id))
        mail.send_updates(db.session, client_id=client.id, now=utcnow())
        db.session.delete(draft)
        db.session.commit()
        return redirect(url_for("choice.track", client_id=client.id, reference=made.reference, sent=1))
    form.submission_key.data = draft.submission_key
    provider_id = _preferences(draft.answers).preferred_provider_id
    provider = db.session.get(Provider, provider_id) if provider_id else None
    db.session.commit()
    return render_template("choice/check.html", form=form, client=client, answers=draft.answers, provider=provider)


@bp.get("/clients/<int:client_id>/support-arrangement/requests/<reference>")
@audience(Role.client, Role.carer, carer_scope=CarerScope.arrangement)
def track(client_id: int, reference: str):
    client = client_record(client_id, "view_arrangement", reads_only=True).client
    made = choice.by_reference(db.session, reference)
    if made is None or made.client_id != client.id:
        abort(404)
    return render_template("choice/track.html", client=client, made=made, just_sent=request.args.get("sent") == "1")


# Staff: the queue of requests and the decision.
@bp.get("/staff/arrangement-requests")
@audience(Role.staff)
def queue():
    g.personal = True
    rows = choice.staff_queue(db.session, team_id=current_account().team_id, today=utcnow().date())
    return render_template("choice/queue.html", rows=rows)


@bp.route("/staff/arrangement-requests/<reference>", methods=["GET", "POST"])
@audience(Role.staff)
def decide(reference: str):
    made = choice.by_reference(db.session, reference)
    if made is None:
        abort(404)
    client = client_record(made.client_id, "view_arrangement_request").client
    errors = {}
    if request.method == "POST":
        action = request.form.get("action", "")
        reason = request.form.get("reason", "")[:2000]
        if action == "assign":
            choice.assign(db.session, made, current_account(), utcnow())
            db.session.commit()
            return redirect(url_for("choice.decide", reference=made.reference))
        status = {"discuss": RequestStatus.in_discussion, "agree": RequestStatus.agreed, "decline": RequestStatus.declined}.get(action)
        if status is None:
            errors["action"] = _("Choose what to do with this request")
        else:
            try:
                choice.change_status(db.session, made, status=status, by=current_account(), reason=reason, now=utcnow())
                if status == RequestStatus.agreed:
                    choice.apply_agreed_arrangement(db.session, made, by=current_account(), today=utcnow().date())
                mail.send_updates(db.session, client_id=made.client_id, now=utcnow())
                db.session.commit()
                return redirect(url_for("choice.decide", reference=made.reference))
            except choice.ReasonNeeded:
                errors["reason"] = _("Enter the reason, in words the person will understand")
            except choice.NotAllowedTransition:
                errors["action"] = _("This request has already been decided")
    # The person's stated preferences, for finding support that fits them.
    preferences = made.preferences or {}
    provider_id = preferences.get("preferred_provider_id")
    return render_template("choice/decide.html", made=made, client=client, errors=errors,
                           times=[TIME_LABELS[t] for t in preferences.get("times_of_day", []) if t in TIME_LABELS],
                           provider=db.session.get(Provider, provider_id) if provider_id else None,
                           reason=request.form.get("reason", "") if request.method == "POST" else "")
