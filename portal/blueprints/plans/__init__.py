"""The heart of the service for clients and carers: my support, my plan, my goals, my
reviews, my carers, who has looked, and my data. Staff read the same pages for their
team's clients (their own tools are in the staff blueprint)."""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from ...access import audience, current_account
from ...db import db
from ...domain import carers as carer_rules
from ...domain import my_data, outbox, plans
from ...i18n import LANGUAGES
from ...models import CarerAccess, CarerScope, Goal, PlanStatus, RatedBy, Role, utcnow
from ..common import client_record
from .forms import CarerInviteForm, ConfirmForm, PlanResponseForm, RatingForm, ScopesForm, rule_message

bp = Blueprint("plans", __name__)

SECTIONS = [  # (endpoint, scope a carer needs, or None for the client and staff only)
    ("plans.my_support", CarerScope.plan),
    ("plans.my_plan", CarerScope.plan),
    ("plans.goals", CarerScope.goals),
    ("plans.reviews", CarerScope.reviews),
    ("choice.start", CarerScope.arrangement),
    ("feedback.signed_in_form", CarerScope.feedback),
    ("plans.carers", None),
    ("plans.who_has_looked", None),
    ("plans.my_data_page", None),
]


def _viewer(client) -> dict:
    """Who is reading and what they may open: the sub-navigation and the actions follow it."""
    account = current_account()
    is_client = account.client_id == client.id
    access = g.carer_access  # the grant client_record checked (None for the client and staff)
    def may(scope):
        if is_client:
            return True
        if account.role == Role.staff:
            return scope is not None
        return scope is not None and access is not None and access.allows(scope)
    sections = [endpoint for endpoint, scope in SECTIONS if may(scope)]
    return {"is_client": is_client, "is_staff": account.role == Role.staff, "access": access, "sections": sections}


def _page(template: str, client, **context):
    return render_template(template, client=client, viewer=_viewer(client), today=utcnow().date(), plans=plans, **context)


@bp.get("/clients/<int:client_id>/support")
@audience(Role.client, Role.carer, Role.staff, carer_scope=CarerScope.plan)
def my_support(client_id: int):
    client = client_record(client_id, "view_support", reads_only=True)
    plan = plans.current_plan(db.session, client.id, parts=plans.SUPPORT_PAGE_PARTS)
    supporting = carer_rules.people_supported(db.session, current_account()) if current_account().client_id == client.id else []
    return _page("plans/my_support.html", client, plan=plan, supporting=supporting)


@bp.get("/clients/<int:client_id>/plan")
@audience(Role.client, Role.carer, Role.staff, carer_scope=CarerScope.plan)
def my_plan(client_id: int):
    client = client_record(client_id, "view_plan", reads_only=True)
    plan = plans.current_plan(db.session, client.id, parts=plans.PLAN_PAGE_PARTS)
    return _page("plans/my_plan.html", client, plan=plan, form=_response_form(plan), done=request.args.get("done"))


def _response_form(plan) -> PlanResponseForm:
    form = PlanResponseForm()
    if plan is not None and plan.status != PlanStatus.shared:  # nothing to agree to: only "talk"
        form.response.choices = [c for c in form.response.choices if c.value == "talk"]
    return form


@bp.post("/clients/<int:client_id>/plan")
@audience(Role.client)
def respond_to_plan(client_id: int):
    """Only the client answers for their own plan (never a carer or staff for them)."""
    client = _own_record(client_id, "view_plan")
    plan = plans.current_plan(db.session, client.id)
    if plan is None:
        abort(404)
    form = _response_form(plan)
    if form.validate_on_submit():
        try:
            if form.response.data == "agree":
                plans.agree_plan(db.session, plan, client_account=current_account(), now=utcnow())
            else:
                worker = plans.ask_for_changes(db.session, plan, client_account=current_account(),
                                               comment=form.comment.data, now=utcnow())
                _tell_worker(worker, client)
            db.session.commit()
            return redirect(url_for("plans.my_plan", client_id=client.id, done=form.response.data))
        except plans.PlanRuleError as problem:
            db.session.rollback()
            form.response.errors = [rule_message(problem.code)]
    return _page("plans/my_plan.html", client, plan=plan, form=form, done=None)


def _tell_worker(worker, client) -> None:
    if worker is None:
        return
    link = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for("plans.my_plan", client_id=client.id)
    with force_locale(worker.preferred_language if worker.preferred_language in LANGUAGES else "en"):
        subject = _("A client wants to talk about their support plan")
        # No personal details in the mail: the worker signs in to read the comment.
        body = _("A client on your caseload wants to talk about changes to their support plan.\n\n"
                 "Sign in to read their comment:\n%(link)s\n", link=link)
    outbox.queue_mail(db.session, to=worker.email, subject=subject, body=body, now=utcnow())


@bp.get("/clients/<int:client_id>/goals")
@audience(Role.client, Role.carer, Role.staff, carer_scope=CarerScope.goals)
def goals(client_id: int):
    client = client_record(client_id, "view_goals", reads_only=True)
    plan = plans.current_plan(db.session, client.id, parts=("ratings",))
    return _page("plans/goals.html", client, plan=plan, rated=request.args.get("rated"))


def _goal_of(client, goal_id: int) -> Goal:
    goal = db.session.get(Goal, goal_id)
    if goal is None or goal.plan.client_id != client.id:
        abort(404)
    return goal


@bp.route("/clients/<int:client_id>/goals/<int:goal_id>/rate", methods=["GET", "POST"])
@audience(Role.client, Role.carer, Role.staff, carer_scope=CarerScope.goals)
def rate_goal(client_id: int, goal_id: int):
    client = client_record(client_id, "view_goals", reads_only=True)
    goal = _goal_of(client, goal_id)
    form = RatingForm()
    if form.validate_on_submit():
        account = current_account()
        rated_by = (RatedBy.client if account.client_id == client.id else
                    RatedBy.staff if account.role == Role.staff else RatedBy.carer)
        try:
            plans.rate_goal(db.session, goal, rating=int(form.rating.data), note=form.note.data, by=account,
                            rated_by=rated_by, today=utcnow().date(), now=utcnow())
            db.session.commit()
            return redirect(url_for("plans.goals", client_id=client.id, rated=goal.id, _anchor=f"goal-{goal.id}"))
        except plans.PlanRuleError as problem:
            db.session.rollback()
            form.rating.errors = [rule_message(problem.code)]
    return _page("plans/rate.html", client, goal=goal, form=form)


@bp.get("/clients/<int:client_id>/reviews")
@audience(Role.client, Role.carer, Role.staff, carer_scope=CarerScope.reviews)
def reviews(client_id: int):
    client = client_record(client_id, "view_reviews", reads_only=True)
    return _page("plans/reviews.html", client, plan=plans.current_plan(db.session, client.id, parts=("reviews",)))


# -- Carers: only the client decides who acts for them, and what each may do ------------------

def _own_record(client_id: int, action: str):
    client = client_record(client_id, action, reads_only=True)
    if current_account().client_id != client.id:
        abort(404)
    return client


def _access_of(client, access_id: int) -> CarerAccess:
    access = db.session.get(CarerAccess, access_id)
    if access is None or access.client_id != client.id or access.revoked_at is not None:
        abort(404)
    return access


@bp.get("/clients/<int:client_id>/carers")
@audience(Role.client)
def carers(client_id: int):
    client = _own_record(client_id, "view_carers")
    return _page("plans/carers.html", client, carers=carer_rules.carers_of(db.session, client.id),
                 done=request.args.get("done"), form=ConfirmForm())


@bp.route("/clients/<int:client_id>/carers/invite", methods=["GET", "POST"])
@audience(Role.client)
def invite_carer(client_id: int):
    client = _own_record(client_id, "view_carers")
    form = CarerInviteForm()
    if form.validate_on_submit():
        try:
            access, link_token = carer_rules.invite_carer(
                db.session, client=client, granted_by=current_account(), email=form.email.data, name=form.name.data,
                scopes=[CarerScope(s) for s in form.scopes.data], relationship=form.relationship.data,
                secret_key=current_app.config["SECRET_KEY"], now=utcnow(),
                valid_days=current_app.config["INVITE_VALID_DAYS"],
            )
            _tell_carer(access, link_token)
            db.session.commit()
            return redirect(url_for("plans.carers", client_id=client.id, done="invited"))
        except carer_rules.CarerError as problem:
            db.session.rollback()
            form.email.errors = [rule_message(problem.code)]
    return _page("plans/invite_carer.html", client, form=form)


def _tell_carer(access: CarerAccess, link_token: str | None) -> None:
    carer = access.carer
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    link = base + (url_for("auth.accept_invitation", token=link_token) if link_token else url_for("auth.sign_in"))
    with force_locale(carer.preferred_language if carer.preferred_language in LANGUAGES else "en"):
        subject = _("Someone has asked you to help with their support")
        body = _("Hello %(name)s,\n\nSomeone you know has asked you to help with their mental health support, "
                 "using %(service)s from %(council)s. They chose what you can see.\n\n%(next_step)s\n%(link)s\n",
                 name=carer.display_name, service=current_app.config["SERVICE_NAME"],
                 council=current_app.config["COUNCIL_NAME"], link=link,
                 next_step=_("Open this link to create your password. It works once and expires in 7 days:")
                 if link_token else _("Sign in to see what they shared:"))
    outbox.queue_mail(db.session, to=carer.email, subject=subject, body=body, now=utcnow())


@bp.route("/clients/<int:client_id>/carers/<int:access_id>", methods=["GET", "POST"])
@audience(Role.client)
def carer_scopes(client_id: int, access_id: int):
    client = _own_record(client_id, "view_carers")
    access = _access_of(client, access_id)
    form = ScopesForm(data=None if request.method == "POST" else {"scopes": list(access.scopes)})
    if form.validate_on_submit():
        carer_rules.change_scopes(db.session, access, [CarerScope(s) for s in form.scopes.data],
                                  by=current_account(), now=utcnow())
        db.session.commit()
        return redirect(url_for("plans.carers", client_id=client.id, done="changed"))
    return _page("plans/carer_scopes.html", client, access=access, form=form)


@bp.post("/clients/<int:client_id>/carers/<int:access_id>/stop")
@audience(Role.client)
def stop_carer(client_id: int, access_id: int):
    client = _own_record(client_id, "view_carers")
    access = _access_of(client, access_id)
    if ConfirmForm().validate_on_submit():
        carer_rules.revoke(db.session, access, by=current_account(), now=utcnow())
        db.session.commit()
        return redirect(url_for("plans.carers", client_id=client.id, done="stopped"))
    abort(400)


@bp.get("/people-i-support")
@audience(Role.carer, Role.client)
def people_i_support():
    g.personal = True
    return render_template("plans/people_i_support.html",
                           people=carer_rules.people_supported(db.session, current_account()))


# -- Transparency: who has looked, and everything held ------------------------------------------

@bp.get("/clients/<int:client_id>/who-has-looked")
@audience(Role.client)
def who_has_looked(client_id: int):
    client = _own_record(client_id, "view_audit")
    return _page("plans/who_has_looked.html", client, views=my_data.record_views(db.session, client.id))


@bp.get("/clients/<int:client_id>/my-data")
@audience(Role.client)
def my_data_page(client_id: int):
    client = _own_record(client_id, "download_data")
    return _page("plans/my_data.html", client, data=my_data.export_client(db.session, client))


@bp.get("/clients/<int:client_id>/my-data.json")
@audience(Role.client)
def my_data_json(client_id: int):
    client = _own_record(client_id, "download_data")
    body = json.dumps(my_data.export_client(db.session, client), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="my-data.json"'})
