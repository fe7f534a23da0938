"""The heart of the service for clients and carers: my support, my plan, my goals, my
reviews, my carers, who has looked, and my data. Staff read the same pages for their
team's clients (their own tools are in the staff blueprint)."""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app, g, redirect, render_template, request, url_for

from ... import mail
from ...access import audience, current_account, may_open
from ...crisis_help import help_after_writing
from ...db import db
from ...domain import budgets, choice, my_data, plans, records, review_requests, safeguarding, updates
from ...domain import carers as carer_rules
from ...domain.risk import NO_RISK
from ...domain.staying_well import StayingWell
from ...models import AlertSource, CarerAccess, CarerScope, Goal, PlanStatus, RatedBy, ReviewUrgency, Role, utcnow
from ..common import client_record
from .forms import (
    CarerInviteForm,
    ConfirmForm,
    PlanCommentForm,
    PlanResponseForm,
    RatingForm,
    ReplyForm,
    ReviewReasonForm,
    ReviewUrgencyForm,
    ScopesForm,
    rule_message,
)

bp = Blueprint("plans", __name__)

# The sections of a person's record, in the order the record's navigation shows them. Each
# is offered only to readers who may open it (access.may_open: its audience and its carer
# scope, both declared once on the view).
RECORD_SECTIONS = (
    "plans.my_support", "plans.my_plan", "plans.goals", "plans.reviews", "choice.start",
    "messages.conversations", "feedback.signed_in_form", "plans.carers", "plans.who_has_looked", "plans.my_data_page",
)


def _page(template: str, record: records.RecordAccess, **context):
    return render_template(template, client=record.client, record=record,
                           sections=[e for e in RECORD_SECTIONS if may_open(e, record)],
                           today=utcnow().date(), plans=plans, **context)


@bp.get("/clients/<int:client_id>/support")
@audience(Role.client, Role.carer, Role.staff, carer_scope=CarerScope.plan)
def my_support(client_id: int):
    record = client_record(client_id, "view_support", reads_only=True)
    plan = plans.current_plan(db.session, client_id, parts=plans.SUPPORT_PAGE_PARTS)
    supporting = record.is_client and carer_rules.supports_anyone(
        db.session, record.reader, now=utcnow(), valid_days=current_app.config["INVITE_VALID_DAYS"])
    return _page("plans/my_support.html", record, plan=plan, supporting=supporting,
                 news=updates.listed_for(db.session, record))


@bp.get("/clients/<int:client_id>/plan")
@audience(Role.client, Role.carer, Role.staff, carer_scope=CarerScope.plan)
def my_plan(client_id: int):
    record = client_record(client_id, "view_plan", reads_only=True)
    plan = plans.current_plan(db.session, client_id, parts=plans.PLAN_PAGE_PARTS)
    return plan_page(record, plan, done=request.args.get("done"))


def plan_page(record: records.RecordAccess, plan, *, form=None, done: str | None = None, reply_form=None):
    """The plan with its conversation; a form that failed is passed in to show its errors.
    Only the client answers the plan and only staff reply, so each gets only their form."""
    version = plan.versions[-1] if plan is not None else None
    return _page("plans/my_plan.html", record, plan=plan, done=done,
                 form=form or (_response_form(plan) if record.is_client else None),
                 comments=plans.conversation(db.session, plan) if plan is not None else [],
                 reply_form=reply_form or (ReplyForm() if record.is_staff else None),
                 budget=budgets.shown(version, section_117=record.client.section_117_aftercare) if version else None,
                 well=StayingWell.from_dict(version.staying_well) if version else None)


def _response_form(plan) -> PlanResponseForm | PlanCommentForm:
    """Agree or talk about changes while a version waits for agreement; otherwise there is
    nothing to agree to, and the client can only write to their worker."""
    return PlanResponseForm() if plan is not None and plan.status == PlanStatus.shared else PlanCommentForm()


@bp.post("/clients/<int:client_id>/plan")
@audience(Role.client)
def respond_to_plan(client_id: int):
    """Only the client answers for their own plan (never a carer or staff for them)."""
    record = client_record(client_id, "view_plan", reads_only=True)
    client = record.client
    plan = plans.current_plan(db.session, client.id)
    if plan is None:
        abort(404)
    form = _response_form(plan)
    if form.validate_on_submit():
        answer = form.response.data if isinstance(form, PlanResponseForm) else "talk"
        try:
            written = NO_RISK
            if answer == "agree":
                plans.agree_plan(db.session, plan, client_account=current_account(), now=utcnow())
            else:
                worker = plans.ask_for_changes(db.session, plan, client_account=current_account(),
                                               comment=form.comment.data, now=utcnow())
                written = safeguarding.check_writing(db.session, form.comment.data, source=AlertSource.plan_comment,
                                                     language=g.lang, client=client, now=utcnow())
                _tell_worker(worker, client)
            db.session.commit()
            return redirect(url_for("plans.my_plan", client_id=client.id, done=answer,
                                    **help_after_writing(written)))
        except plans.PlanRuleError as problem:
            db.session.rollback()
            (form.response if isinstance(form, PlanResponseForm) else form.comment).errors = [rule_message(problem.code)]
    return plan_page(record, plan, form=form)


def _tell_worker(worker, client) -> None:
    if worker is not None:
        mail.send(db.session, "client_wants_to_talk", to=worker.email, language=worker.preferred_language,
                  now=utcnow(), client_id=client.id)


@bp.get("/clients/<int:client_id>/goals")
@audience(Role.client, Role.carer, Role.staff, carer_scope=CarerScope.goals)
def goals(client_id: int):
    record = client_record(client_id, "view_goals", reads_only=True)
    plan = plans.current_plan(db.session, client_id, parts=("ratings",))
    return _page("plans/goals.html", record, plan=plan, rated=request.args.get("rated"))


def _goal_of(client, goal_id: int) -> Goal:
    goal = db.session.get(Goal, goal_id)
    if goal is None or goal.plan.client_id != client.id:
        abort(404)
    return goal


@bp.route("/clients/<int:client_id>/goals/<int:goal_id>/rate", methods=["GET", "POST"])
@audience(Role.client, Role.carer, Role.staff, carer_scope=CarerScope.goals)
def rate_goal(client_id: int, goal_id: int):
    record = client_record(client_id, "view_goals", reads_only=True)
    client = record.client
    goal = _goal_of(client, goal_id)
    form = RatingForm()
    if form.validate_on_submit():
        account = record.reader
        rated_by = RatedBy.client if record.is_client else RatedBy.staff if record.is_staff else RatedBy.carer
        try:
            plans.rate_goal(db.session, goal, rating=int(form.rating.data), note=form.note.data, by=account,
                            rated_by=rated_by, today=utcnow().date(), now=utcnow())
            written = NO_RISK if record.is_staff else safeguarding.check_writing(
                db.session, form.note.data, source=AlertSource.goal_note, language=g.lang, client=client, now=utcnow())
            db.session.commit()
            return redirect(url_for("plans.goals", client_id=client.id, rated=goal.id, _anchor=f"goal-{goal.id}",
                                    **help_after_writing(written)))
        except plans.PlanRuleError as problem:
            db.session.rollback()
            form.rating.errors = [rule_message(problem.code)]
    return _page("plans/rate.html", record, goal=goal, form=form)


@bp.get("/clients/<int:client_id>/reviews")
@audience(Role.client, Role.carer, Role.staff, carer_scope=CarerScope.reviews)
def reviews(client_id: int):
    record = client_record(client_id, "view_reviews", reads_only=True)
    return _page("plans/reviews.html", record, plan=plans.current_plan(db.session, client_id, parts=("reviews",)),
                 asked=review_requests.open_request(db.session, client_id), just_asked=request.args.get("asked"),
                 may_ask=may_open("plans.ask_for_review", record))


# -- Asking for a review at any time: why, then how soon (one question a page) ------------------

REVIEW_DRAFT = "review_request"


@bp.route("/clients/<int:client_id>/reviews/ask", methods=["GET", "POST"])
@audience(Role.client, Role.carer, carer_scope=CarerScope.reviews)
def ask_for_review(client_id: int):
    record = client_record(client_id, "view_reviews")
    client = record.client
    if review_requests.open_request(db.session, client.id) is not None or plans.current_plan(
            db.session, client.id, parts=()) is None:
        db.session.commit()
        return redirect(url_for("plans.reviews", client_id=client.id))
    draft = choice.draft(db.session, current_account(), client.id, REVIEW_DRAFT)
    form = ReviewReasonForm(data=draft.answers if request.method == "GET" else None)
    if form.validate_on_submit():
        choice.save_answers(draft, reason=form.reason.data)
        written = safeguarding.check_writing(db.session, form.reason.data, source=AlertSource.review_request,
                                             language=g.lang, client=client, now=utcnow())
        db.session.commit()
        return redirect(url_for("plans.review_urgency", client_id=client.id, **help_after_writing(written)))
    db.session.commit()
    return _page("plans/ask_for_review.html", record, form=form)


@bp.route("/clients/<int:client_id>/reviews/ask/how-soon", methods=["GET", "POST"])
@audience(Role.client, Role.carer, carer_scope=CarerScope.reviews)
def review_urgency(client_id: int):
    record = client_record(client_id, "view_reviews")
    client = record.client
    draft = choice.draft(db.session, current_account(), client.id, REVIEW_DRAFT)
    if "reason" not in draft.answers:
        db.session.commit()
        return redirect(url_for("plans.ask_for_review", client_id=client.id))
    form = ReviewUrgencyForm(data=draft.answers if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            review_requests.ask_for_review(db.session, client, asked_by=current_account(),
                                           reason=draft.answers["reason"], urgency=ReviewUrgency(form.urgency.data),
                                           now=utcnow())
        except plans.PlanRuleError as problem:
            db.session.rollback()
            form.urgency.errors = [rule_message(problem.code)]
        else:
            db.session.delete(draft)
            mail.send_updates(db.session, client_id=client.id, now=utcnow())
            db.session.commit()
            return redirect(url_for("plans.reviews", client_id=client.id, asked=1))
    db.session.commit()
    return _page("plans/review_urgency.html", record, form=form)


# -- Carers: only the client decides who acts for them, and what each may do ------------------

def _access_of(client, access_id: int) -> CarerAccess:
    access = db.session.get(CarerAccess, access_id)
    if access is None or access.client_id != client.id or access.revoked_at is not None:
        abort(404)
    return access


@bp.get("/clients/<int:client_id>/carers")
@audience(Role.client)
def carers(client_id: int):
    record = client_record(client_id, "view_carers", reads_only=True)
    now, valid_days = utcnow(), current_app.config["INVITE_VALID_DAYS"]
    return _page("plans/carers.html", record, done=request.args.get("done"), form=ConfirmForm(),
                 carers=[(access, carer_rules.state(access, now=now, valid_days=valid_days))
                         for access in carer_rules.carers_of(db.session, client_id)])


@bp.route("/clients/<int:client_id>/carers/invite", methods=["GET", "POST"])
@audience(Role.client)
def invite_carer(client_id: int):
    record = client_record(client_id, "view_carers", reads_only=True)
    client = record.client
    form = CarerInviteForm()
    if form.validate_on_submit():
        try:
            access, link_token = carer_rules.invite_carer(
                db.session, client=client, granted_by=current_account(), email=form.email.data, name=form.name.data,
                scopes=[CarerScope(s) for s in form.scopes.data], relationship=form.relationship.data,
                secret_key=current_app.config["SECRET_KEY"], now=utcnow(),
                valid_days=current_app.config["INVITE_VALID_DAYS"],
                per_day=current_app.config["CARER_INVITATIONS_PER_DAY"],
            )
            if access.carer is not None:  # None: a staff address, which gets nothing (the page says the same)
                _tell_carer(access, link_token)
            mail.send_updates(db.session, client_id=client.id, now=utcnow())
            db.session.commit()
            return redirect(url_for("plans.carers", client_id=client.id, done="invited"))
        except carer_rules.CarerError as problem:
            db.session.rollback()
            form.email.errors = [rule_message(problem.code)]
    return _page("plans/invite_carer.html", record, form=form)


def _tell_carer(access: CarerAccess, link_token: str | None) -> None:
    """No words the client typed go into the mail: the client is named as on the council's
    record, the carer not at all (the name typed for them could say anything)."""
    carer = access.carer
    mail.send(db.session, "carer_invitation", to=carer.email, language=carer.preferred_language, now=utcnow(),
              client_name=access.client.full_name, link_token=link_token, accepted=access.accepted_at is not None)


@bp.route("/clients/<int:client_id>/carers/<int:access_id>", methods=["GET", "POST"])
@audience(Role.client)
def carer_scopes(client_id: int, access_id: int):
    record = client_record(client_id, "view_carers", reads_only=True)
    client = record.client
    access = _access_of(client, access_id)
    form = ScopesForm(data=None if request.method == "POST" else {"scopes": list(access.scopes)})
    if form.validate_on_submit():
        carer_rules.change_scopes(db.session, access, [CarerScope(s) for s in form.scopes.data],
                                  by=current_account(), now=utcnow())
        mail.send_updates(db.session, client_id=client.id, now=utcnow())
        db.session.commit()
        return redirect(url_for("plans.carers", client_id=client.id, done="changed"))
    return _page("plans/carer_scopes.html", record, access=access, form=form)


@bp.post("/clients/<int:client_id>/carers/<int:access_id>/stop")
@audience(Role.client)
def stop_carer(client_id: int, access_id: int):
    client = client_record(client_id, "view_carers", reads_only=True).client
    access = _access_of(client, access_id)
    if ConfirmForm().validate_on_submit():
        carer_rules.revoke(db.session, access, by=current_account(), now=utcnow())
        mail.send_updates(db.session, client_id=client.id, now=utcnow())
        db.session.commit()
        return redirect(url_for("plans.carers", client_id=client.id, done="stopped"))
    abort(400)


@bp.get("/people-i-support")
@audience(Role.carer, Role.client)
def people_i_support():
    g.personal = True
    return render_template("plans/people_i_support.html", form=ConfirmForm(), accepted=request.args.get("accepted"),
                           people=carer_rules.people_supported(db.session, current_account()),
                           waiting=carer_rules.invitations_waiting(db.session, current_account(), now=utcnow(),
                                                                   valid_days=current_app.config["INVITE_VALID_DAYS"]))


@bp.post("/people-i-support/invitations/<int:access_id>/accept")
@audience(Role.carer, Role.client)
def accept_invitation(access_id: int):
    """Someone already signed in accepts an invitation to help (a new carer accepts by
    setting their first password from the invitation link)."""
    access = db.session.get(CarerAccess, access_id)
    if access is None or not ConfirmForm().validate_on_submit():
        abort(404 if access is None else 400)
    try:
        carer_rules.accept(db.session, access, carer=current_account(), now=utcnow(),
                           valid_days=current_app.config["INVITE_VALID_DAYS"])
    except carer_rules.NotAcceptable:
        db.session.rollback()
        abort(404)  # not theirs, or no longer open: the same answer, so ids tell nothing
    db.session.commit()
    return redirect(url_for("plans.people_i_support", accepted=1))


# -- Transparency: who has looked, and everything held ------------------------------------------

@bp.get("/clients/<int:client_id>/who-has-looked")
@audience(Role.client)
def who_has_looked(client_id: int):
    record = client_record(client_id, "view_audit", reads_only=True)
    return _page("plans/who_has_looked.html", record, views=my_data.record_views(db.session, client_id))


@bp.get("/clients/<int:client_id>/my-data")
@audience(Role.client)
def my_data_page(client_id: int):
    record = client_record(client_id, "download_data", reads_only=True)
    return _page("plans/my_data.html", record, data=my_data.export_client(db.session, record.client))


@bp.get("/clients/<int:client_id>/my-data.json")
@audience(Role.client)
def my_data_json(client_id: int):
    client = client_record(client_id, "download_data", reads_only=True).client
    body = json.dumps(my_data.export_client(db.session, client), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="my-data.json"'})
