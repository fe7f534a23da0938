"""Staff tools: the team's caseload, writing plans with clients, reviews, and invitations."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ... import mail
from ...access import audience, current_account
from ...db import db
from ...domain import accounts, audit, budgets, plans, referrals, review_requests, staying_well, updates
from ...domain.budgets import Budget
from ...domain.plans import GoalText, PlanRuleError, PlanText, SupportDetails
from ...domain.referrals import ReferralRuleError
from ...domain.staying_well import Contact, StayingWell
from ...models import (
    Account,
    AccountStatus,
    Arrangement,
    Client,
    Provider,
    ReviewOutcome,
    Role,
    SupportLocation,
    Team,
    UpdateKind,
    utcnow,
)
from ...models.plans import ReferralStatus
from ..common import client_record
from ..plans import plan_page
from ..plans.forms import ReplyForm, rule_message
from .forms import REFERRAL_STATUS_LABELS, InviteForm, PlanForm, RecordReviewForm, ScheduleReviewForm, TriageForm

bp = Blueprint("staff", __name__)

# Least privilege: staff invite the people they support; only administrators create the
# accounts that see many people's records or the figures (staff, commissioners, admins).
INVITABLE = {
    Role.staff: ["client", "carer"],
    Role.admin: ["client", "carer", "staff", "commissioner", "admin"],
}


@bp.route("/staff/invite", methods=["GET", "POST"])
@audience(Role.staff, Role.admin)
def invite():
    inviter = current_account()
    teams = db.session.scalars(select(Team).order_by(Team.name)).all() if inviter.role == Role.admin else None
    form = InviteForm(INVITABLE[inviter.role], teams=teams)
    g.personal = True
    if form.validate_on_submit():
        email = accounts.normalise_email(form.email.data)
        earlier = db.session.scalar(select(Account).where(Account.email == email))
        if earlier is not None and earlier.status != AccountStatus.invited:
            form.email.errors = [_("There is already an account with this email address")]
        elif earlier is not None and earlier.role.value != form.role.data:
            form.role.errors = [_("This email address was invited before as another kind of account. "
                                  "Choose the same kind again to send a new invitation")]
        else:
            try:
                _send_invitation(inviter, form, email, earlier)
            except accounts.AccountAlreadyActive:  # it became active a moment ago
                db.session.rollback()
                form.email.errors = [_("There is already an account with this email address")]
            else:
                db.session.commit()
                return render_template("staff/invite_sent.html", email=email)
    return render_template("staff/invite.html", form=form)


def _send_invitation(inviter: Account, form: InviteForm, email: str, earlier: Account | None) -> None:
    """Invite, or invite again: a second invitation to someone who has not yet accepted the
    first reuses their account and client record (and retires the first link)."""
    now = utcnow()
    role = Role(form.role.data)
    team = inviter.team
    if inviter.role == Role.admin:
        team = db.session.get(Team, int(form.team.data)) if (form.team.data or "").isdigit() else None
    client = earlier.client if earlier is not None else None
    if role == Role.client and earlier is None:
        client = Client(
            given_name=form.given_name.data.strip(), family_name=form.family_name.data.strip(),
            email=email, team=team, preferred_language=g.lang,
        )
        db.session.add(client)
    created = accounts.invite(
        db.session,
        secret_key=current_app.config["SECRET_KEY"],
        email=email,
        display_name=f"{form.given_name.data.strip()} {form.family_name.data.strip()}",
        role=role,
        invited_by=inviter,
        now=now,
        valid_days=current_app.config["INVITE_VALID_DAYS"],
        client=client,
        team=team if role in (Role.staff, Role.client) else None,
        preferred_language=g.lang,
    )
    mail.send(db.session, "invitation", to=email, language=created.account.preferred_language, now=now,
              name=created.account.display_name, link_token=created.link_token)
    audit.record(
        db.session, actor=inviter, action="invite_sent", now=now, client_id=client.id if client else None,
        object_type="account", object_id=created.account.id, route=request.endpoint, request_id=g.request_id,
    )


# -- Caseload ---------------------------------------------------------------------------------

PAGE_SIZE = 50


@bp.get("/staff/caseload")
@audience(Role.staff)
def caseload():
    g.personal = True
    staff = current_account()
    today = utcnow().date()
    show = request.args.get("show")
    only = plans.CaseloadFilter(show) if show in plans.CaseloadFilter.__members__ else None
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1
    found, total = plans.caseload(db.session, staff.team_id, today, only, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    counts = plans.caseload_counts(db.session, staff.team_id, today)
    return render_template(
        "staff/caseload.html", found=found, total=total, only=only, counts=counts, page=page,
        flags=plans.caseload_flags(db.session, [plan.id for plan in found]),
        pages=max(1, -(-total // PAGE_SIZE)), today=today, plans=plans,
        without_plan=plans.clients_without_plan(db.session, staff.team_id) if only is None and page == 1 else [],
    )


# -- Writing a plan with the client -----------------------------------------------------------

def _support_from(form: PlanForm) -> SupportDetails:
    provider = db.session.get(Provider, int(form.provider.data)) if (form.provider.data or "").isdigit() else None
    return SupportDetails(level=int(form.level.data), arrangement=Arrangement(form.arrangement.data), provider=provider,
                          hours_per_week=form.hours_per_week.parsed, location=SupportLocation(form.location.data))


def _text_from(form: PlanForm) -> PlanText:
    return PlanText(form.what_matters_to_me.data, [
        GoalText(entry.form.description.data, entry.form.steps.data or "", entry.form.who_helps.data or "",
                 entry.form.target_date.data, int(entry.form.goal_id.data) if (entry.form.goal_id.data or "").isdigit() else None)
        for entry in form.goals.entries if entry.form.description.data
    ], StayingWell(
        **{part: getattr(form, part).data or "" for part in staying_well.PARTS},
        contacts=tuple(Contact(entry.form.name.data, entry.form.phone.data)
                       for entry in form.contacts.entries if entry.form.name.data or entry.form.phone.data),
    ))


def _budget_from(form: PlanForm | RecordReviewForm) -> Budget | None:
    """The personal budget typed (None: none given, or the form has no budget boxes)."""
    if form.budget_a_year is None or form.budget_a_year.parsed is None:
        return None
    return Budget(form.budget_a_year.parsed, form.direct_payment_a_year.parsed, form.contribution_a_week.parsed or 0)


# Which box a plan rule's refusal is about (the rest show at the top of the form).
RULE_FIELDS = {
    "budget_out_of_range": "budget_a_year", "budget_split_needed": "direct_payment_a_year",
    "budget_split_only_mixed": "direct_payment_a_year", "budget_split_out_of_range": "direct_payment_a_year",
    "contribution_out_of_range": "contribution_a_week", "section_117_is_free": "contribution_a_week",
}


def _money(pence: int | None) -> str:
    return "" if pence is None else f"{pence // 100}" + (f".{pence % 100:02d}" if pence % 100 else "")


def _plan_form(plan) -> PlanForm:
    ever_agreed = plan is not None and any(v.agreed_by_client_at for v in plan.versions)
    providers = db.session.scalars(select(Provider).order_by(Provider.name)).all()
    data = None
    if request.method == "GET" and plan is not None:
        version = plan.versions[-1]
        data = {
            "level": str(plan.level), "arrangement": plan.arrangement.value,
            "provider": str(plan.provider_id or ""), "location": version.location.value,
            "hours_per_week": f"{version.hours_per_week:g}" if version.hours_per_week is not None else "",
            "what_matters_to_me": version.what_matters_to_me, "lock_version": str(plan.lock_version),
            "goals": [{"goal_id": str(goal.id), "description": goal.description, "steps": goal.steps,
                       "who_helps": goal.who_helps, "target_date": goal.target_date} for goal in plans.active_goals(plan)],
            "budget_a_year": _money(version.budget_pence_a_year),
            "direct_payment_a_year": _money(version.budget_direct_payment_pence_a_year),
            "contribution_a_week": _money(version.contribution_pence_a_week or None),
        }
        well = StayingWell.from_dict(version.staying_well)
        data |= {part: getattr(well, part) for part in staying_well.PARTS}
        data["contacts"] = [{"name": c.name, "phone": c.phone} for c in well.contacts]
    # An agreed budget changes only at a review; one not recorded yet may be added.
    budget_editable = not ever_agreed or Budget.of(plan.versions[-1]) is None
    form = PlanForm(data=data, providers=providers, support_editable=not ever_agreed, budget_editable=budget_editable)
    # Room for the goals the client wants: three to start with, one more blank when editing.
    if request.method == "GET":
        while len(form.goals.entries) < min(plans.MAX_GOALS, max(plans.SUGGESTED_GOALS, len(data["goals"]) + 1 if data else 0)):
            form.goals.append_entry()
        while len(form.contacts.entries) < min(staying_well.MAX_CONTACTS, max(2, len(data["contacts"]) + 1 if data else 0)):
            form.contacts.append_entry()
    return form


@bp.route("/staff/clients/<int:client_id>/plan", methods=["GET", "POST"])
@audience(Role.staff)
def write_plan(client_id: int):
    client = client_record(client_id, "view_plan").client
    plan = plans.current_plan(db.session, client.id)
    form = _plan_form(plan)
    if form.validate_on_submit():
        now = utcnow()
        try:
            if plan is None:
                plans.start_plan(db.session, client, support=_support_from(form), text=_text_from(form),
                                 block_start=now.date(), written_by=current_account(), now=now,
                                 budget=_budget_from(form))
            else:
                lock = form.lock_version.data
                plans.rewrite_plan(
                    db.session, plan, text=_text_from(form), written_by=current_account(), now=now,
                    summary=form.change_summary.data or "", expected_lock_version=int(lock) if (lock or "").isdigit() else None,
                    support=_support_from(form) if form.level is not None else None, budget=_budget_from(form),
                )
            mail.send_updates(db.session, client_id=client.id, now=now)
            db.session.commit()
            return redirect(url_for("staff.plan_saved", client_id=client.id))
        except PlanRuleError as problem:
            db.session.rollback()
            field = getattr(form, RULE_FIELDS.get(problem.code, ""), None)
            if field is not None:
                field.errors = [*field.errors, rule_message(problem.code)]
            else:
                form.form_errors.append(rule_message(problem.code))
    return render_template("staff/write_plan.html", client=client, plan=plan, form=form,
                           budget=budgets.shown(plan.versions[-1], section_117=client.section_117_aftercare)
                           if plan is not None else None)


@bp.route("/staff/clients/<int:client_id>/plan/saved", methods=["GET", "POST"])
@audience(Role.staff)
def plan_saved(client_id: int):
    """The plan as saved, with the step that shares a draft with the client."""
    client = client_record(client_id, "view_plan").client
    plan = plans.current_plan(db.session, client.id)
    if plan is None:
        abort(404)
    problem = None
    if request.method == "POST":  # CSRF is checked for every POST by CSRFProtect
        try:
            plans.share_with_client(db.session, plan, by=current_account(), now=utcnow())
            mail.send_updates(db.session, client_id=client.id, now=utcnow())
            db.session.commit()
            return redirect(url_for("staff.plan_saved", client_id=client.id, shared=1))
        except PlanRuleError as error:
            db.session.rollback()
            problem = rule_message(error.code)
    # What the page says about telling the client is what happened to this version.
    told = (updates.latest(db.session, client.id, UpdateKind.plan_shared, about_id=plan.versions[-1].id)
            if plan.status == plans.PlanStatus.shared else None)
    return render_template("staff/plan_saved.html", client=client, plan=plan, problem=problem,
                           shared=request.args.get("shared"), told=told)


@bp.post("/staff/clients/<int:client_id>/plan/reply")
@audience(Role.staff)
def reply_about_plan(client_id: int):
    """A worker answers the client in the conversation about the plan."""
    record = client_record(client_id, "view_plan")
    plan = plans.current_plan(db.session, client_id, parts=plans.PLAN_PAGE_PARTS)
    if plan is None:
        abort(404)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            plans.reply_to_client(db.session, plan, staff=current_account(), text=form.reply.data, now=utcnow())
            mail.send_updates(db.session, client_id=client_id, now=utcnow())
            db.session.commit()
            return redirect(url_for("plans.my_plan", client_id=client_id, done="replied", _anchor="conversation"))
        except PlanRuleError as problem:
            db.session.rollback()
            form.reply.errors = [rule_message(problem.code)]
    return plan_page(record, plan, reply_form=form)  # the plan page again, the reply kept


# -- Reviews ----------------------------------------------------------------------------------

def _open_plan(client):
    plan = plans.current_plan(db.session, client.id)
    if plan is None or plans.open_review(plan) is None:
        abort(404)
    return plan


@bp.route("/staff/clients/<int:client_id>/review/book", methods=["GET", "POST"])
@audience(Role.staff)
def schedule_review(client_id: int):
    client = client_record(client_id, "view_reviews").client
    plan = _open_plan(client)
    review = plans.open_review(plan)
    form = ScheduleReviewForm(data={"scheduled_for": review.scheduled_for} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            plans.schedule_review(db.session, plan, on=form.scheduled_for.data, by=current_account(),
                                  today=utcnow().date(), now=utcnow())
            db.session.commit()
            return redirect(url_for("plans.reviews", client_id=client.id))
        except PlanRuleError as problem:
            db.session.rollback()
            form.scheduled_for.errors = [rule_message(problem.code)]
    return render_template("staff/schedule_review.html", client=client, plan=plan, review=review, form=form)


@bp.route("/staff/clients/<int:client_id>/review/record", methods=["GET", "POST"])
@audience(Role.staff)
def record_review(client_id: int):
    client = client_record(client_id, "view_reviews").client
    plan = _open_plan(client)
    form = RecordReviewForm(plans.outcomes_for(plan))
    if form.validate_on_submit():
        try:
            plans.record_review(
                db.session, plan, outcome=ReviewOutcome(form.outcome.data), held_on=form.held_on.data,
                notes=form.notes.data or "", by=current_account(), today=utcnow().date(), now=utcnow(),
                hours_per_week=form.hours_per_week.parsed, budget=_budget_from(form),
            )
            mail.send_updates(db.session, client_id=client.id, now=utcnow())
            db.session.commit()
            return redirect(url_for("plans.reviews", client_id=client.id))
        except PlanRuleError as problem:
            db.session.rollback()
            field = (form.held_on if problem.code in ("date_in_future", "before_block")
                     else getattr(form, RULE_FIELDS.get(problem.code, "outcome")))
            field.errors = [rule_message(problem.code)]
    return render_template("staff/record_review.html", client=client, plan=plan, form=form,
                           clock=plans.level_1_clock(plan, utcnow().date()))


# -- Reviews asked for ------------------------------------------------------------------------

@bp.get("/staff/review-requests")
@audience(Role.staff)
def review_requests_queue():
    """Reviews the team's clients (or their carers) asked for, most urgent first."""
    g.personal = True
    rows = review_requests.staff_queue(db.session, team_id=current_account().team_id, today=utcnow().date())
    return render_template("staff/review_requests.html", rows=rows)


# -- Referrals: asking for an assessment (the front door) -----------------------------------

# Which box a triage rule's refusal is about.
TRIAGE_FIELDS = {"reason_needed": "reason", "too_long": "reason", "team_needed": "team", "status_not_next": "status",
                 "triage_finished": "status"}


@bp.get("/staff/referrals")
@audience(Role.staff)
def referral_queue():
    """Requests for an assessment nobody has taken yet, and those passed to the team:
    urgent first, then oldest."""
    g.personal = True
    return render_template("staff/referrals.html", rows=referrals.triage_queue(db.session, current_account()),
                           today=utcnow().date(), status_labels=REFERRAL_STATUS_LABELS)


@bp.route("/staff/referrals/<int:referral_id>", methods=["GET", "POST"])
@audience(Role.staff)
def referral_triage(referral_id: int):
    g.personal = True
    staff = current_account()
    referral = referrals.open_referral(db.session, staff, referral_id, now=utcnow(), route=request.endpoint,
                                       request_id=g.request_id)
    if referral is None:
        abort(404)
    db.session.commit()  # the reading is audited even when the change below is refused
    teams = db.session.scalars(select(Team).order_by(Team.name)).all()
    form = TriageForm(referrals.next_statuses(referral), teams,
                      data={"team": str(referral.team_id or "")} if request.method == "GET" else None)
    if form.validate_on_submit():
        team = db.session.get(Team, int(form.team.data)) if (form.team.data or "").isdigit() else None
        try:
            referrals.triage(db.session, referral, by=staff, now=utcnow(), team=team, reason=form.reason.data or "",
                             status=ReferralStatus(form.status.data) if form.status.data else None)
            db.session.commit()
            return redirect(url_for("staff.referral_queue", done=referral.reference))
        except ReferralRuleError as problem:
            db.session.rollback()
            getattr(form, TRIAGE_FIELDS.get(problem.code, "status")).errors = [_triage_message(problem.code)]
    return render_template("staff/referral.html", referral=referral, form=form, today=utcnow().date(),
                           status_labels=REFERRAL_STATUS_LABELS)


def _triage_message(code: str) -> str:
    return {
        "reason_needed": _("Enter why they are not eligible"),
        "too_long": _("The reason must be 2,000 characters or fewer"),
        "team_needed": _("Choose the team it is passed to"),
    }.get(code, _("This referral has moved on since you opened it. Check it and try again"))
