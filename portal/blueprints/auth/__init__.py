"""Sign in, sign out, accept an invitation, and the signed-in landing page."""
from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from ...access import ANY_SIGNED_IN, PUBLIC, audience, current_account, end_session, start_session
from ...db import db
from ...domain import accounts, audit
from ...domain.accounts import InvitationProblem, PasswordProblem, SignInFailure
from ...limits import limiter
from ...models import Role, utcnow
from .forms import SetPasswordForm, SignInForm

bp = Blueprint("auth", __name__)

SIGN_IN_MESSAGES = {
    SignInFailure.bad_credentials: _l("Enter a correct email address and password"),
    SignInFailure.locked: _l(
        "Your account is locked for a short time because of too many attempts. Try again later."
    ),
}
PASSWORD_MESSAGES = {
    PasswordProblem.too_short: _l("Password must be 8 characters or more"),
    PasswordProblem.too_long: _l("Password must be 256 characters or fewer"),
    PasswordProblem.too_common: _l("This password is too easy to guess. Choose a different one"),
}
INVITATION_MESSAGES = {
    InvitationProblem.invalid: _l("This link does not work. Ask the person who invited you for a new one."),
    InvitationProblem.expired: _l("This link has expired. Ask the person who invited you for a new one."),
    InvitationProblem.used: _l("This link has already been used. Sign in with your email and password."),
}


def safe_next(target: str | None) -> str | None:
    """Only a path on this site (no scheme, no host, no //, no backslash tricks)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(ch) < 32 for ch in target):
        return None
    return target


def _audit(action: str, account) -> None:
    audit.record(
        db.session, actor=account, action=action, now=utcnow(), client_id=account.client_id,
        route=request.endpoint, request_id=g.request_id,
    )


@bp.route("/sign-in", methods=["GET", "POST"])
@audience(PUBLIC)
@limiter.limit(lambda: current_app.config["RATELIMIT_SIGNIN"], methods=["POST"])
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        result = accounts.sign_in(
            db.session,
            email=form.email.data,
            password=form.password.data,
            now=utcnow(),
            max_failures=current_app.config["SIGNIN_MAX_FAILURES"],
            lock_minutes=current_app.config["SIGNIN_LOCK_MINUTES"],
        )
        if result.account is not None:
            _audit("sign_in", result.account)
            db.session.commit()
            start_session(result.account)
            return redirect(safe_next(request.args.get("next")) or landing_url(result.account))
        form.email.errors = [SIGN_IN_MESSAGES[result.failure]]
        db.session.commit()  # keep the failure count
    form.password.data = ""  # never echo a password back
    return render_template("auth/sign_in.html", form=form, timed_out=request.args.get("timed_out") == "1")


@bp.post("/sign-out")
@audience(ANY_SIGNED_IN)
def sign_out():
    account = current_account()
    accounts.sign_out_everywhere(db.session, account)
    _audit("sign_out", account)
    db.session.commit()
    end_session()
    return redirect(url_for("auth.signed_out"))


def landing_url(account) -> str:
    """Where each role starts: a client at their own support, a carer at the people they
    support, staff at their caseload, a commissioner at the figures."""
    if account.role == Role.client and account.client_id:
        return url_for("plans.my_support", client_id=account.client_id)
    return url_for({Role.carer: "plans.people_i_support", Role.staff: "staff.caseload",
                    Role.commissioner: "insights.dashboard"}.get(account.role, "auth.account_home"))


@bp.get("/signed-out")
@audience(PUBLIC)
def signed_out():
    return render_template("auth/signed_out.html")


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@audience(PUBLIC)
def accept_invitation(token: str):
    found = accounts.find_invitation(
        db.session, secret_key=current_app.config["SECRET_KEY"], link_token=token[:512], now=utcnow()
    )
    if isinstance(found, InvitationProblem):
        return render_template("auth/invitation_problem.html", message=INVITATION_MESSAGES[found]), 410
    g.personal = True
    form = SetPasswordForm()
    if form.validate_on_submit():
        problem = accounts.password_problem(form.password.data, email=found.account.email)
        if problem is not None:
            form.password.errors = [PASSWORD_MESSAGES[problem]]
        elif form.password.data != form.confirm.data:
            form.confirm.errors = [_l("The passwords do not match")]
        else:
            account = accounts.accept_invitation(db.session, found, form.password.data, utcnow())
            _audit("invitation_accepted", account)
            db.session.commit()
            start_session(account)
            return redirect(landing_url(account))
    form.password.data = form.confirm.data = ""
    return render_template("auth/set_password.html", form=form, account=found.account)


@bp.get("/account")
@audience(ANY_SIGNED_IN)
def account_home():
    return render_template("auth/account.html", account=current_account())
