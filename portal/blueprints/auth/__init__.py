"""Sign in (password, then a code for those who need one), sign out, accept an invitation,
reset a forgotten password, two-step sign-in, staying signed in, and "Your account"."""
from __future__ import annotations

import datetime as dt
import io

import segno
from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from markupsafe import Markup

from ... import mail
from ...access import (
    ANY_SIGNED_IN,
    PUBLIC,
    SIGNING_IN,
    audience,
    current_account,
    end_session,
    signing_in,
    start_session,
    stay_signed_in,
)
from ...db import db, writing
from ...domain import accounts, audit, carers, two_factor
from ...domain.accounts import InvitationProblem, PasswordProblem, SignInFailure, Throttle
from ...limits import limiter
from ...models import Account, LinkPurpose, Role, utcnow
from .forms import CodeForm, ForgottenPasswordForm, RecoveryCodeForm, SetPasswordForm, SignInForm

bp = Blueprint("auth", __name__)

BAD_CREDENTIALS = _l("Enter a correct email address and password")
PASSWORD_MESSAGES = {
    PasswordProblem.too_short: _l("Password must be 8 characters or more"),
    PasswordProblem.too_long: _l("Password must be 256 characters or fewer"),
    PasswordProblem.only_spaces: _l("Password must include letters, numbers or symbols, not only spaces"),
    PasswordProblem.invisible_characters: _l(
        "Password must not include invisible characters, like tabs, line breaks or text direction marks"
    ),
    PasswordProblem.too_common: _l("This password is too easy to guess. Choose a different one"),
    PasswordProblem.about_you: _l(
        "Password must not include your name, your email address, or the name of the council or the service"
    ),
    PasswordProblem.too_easy: _l(
        "This password is too easy to guess, for example because of repeated letters, a sequence or a date. "
        "Try 3 or more unrelated words"
    ),
}
INVITATION_MESSAGES = {
    InvitationProblem.invalid: _l("This link does not work. Ask the person who invited you for a new one."),
    InvitationProblem.expired: _l("This link has expired. Ask the person who invited you for a new one."),
    InvitationProblem.used: _l("This link has already been used. Sign in with your email and password."),
    InvitationProblem.replaced: _l(
        "This link has been replaced by a newer one. Use the link in the most recent email, or sign in if you "
        "have already created your password."
    ),
}
RESET_MESSAGES = {
    InvitationProblem.invalid: _l("This link does not work. Ask for a new one."),
    InvitationProblem.expired: _l("This link has expired. Ask for a new one."),
    InvitationProblem.used: _l("This link has already been used. Ask for a new one if you still need it."),
    InvitationProblem.replaced: _l("This link has been replaced by a newer one. Use the link in the most recent email."),
}
# Reset mails to one address: three a day, then slower and slower.
RESET_THROTTLE = Throttle(free=3, max_wait=dt.timedelta(hours=1), first_wait=dt.timedelta(minutes=5))


def safe_next(target: str | None) -> str | None:
    """Only a path on this site (no scheme, no host, no //, no backslash tricks)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(ch) < 32 for ch in target):
        return None
    return target


def _audit(action: str, account: Account | None, *, about: Account | None = None) -> None:
    subject = account or about
    audit.record(
        db.session, actor=account, action=action, now=utcnow(), client_id=subject.client_id if subject else None,
        object_type="account" if about else None, object_id=about.id if about else None,
        route=request.endpoint, request_id=g.request_id,
    )


def _throttles() -> tuple[Throttle, Throttle]:
    config = current_app.config
    longest = dt.timedelta(minutes=config["SIGNIN_MAX_WAIT_MINUTES"])
    return Throttle(config["SIGNIN_FREE_FAILURES"], longest), Throttle(config["SIGNIN_ADDRESS_FREE_FAILURES"], longest)


def _max_age() -> dt.timedelta:
    return dt.timedelta(hours=current_app.config["SESSION_MAX_HOURS"])


def _wait_message(seconds: int, *, codes: bool = False) -> str:
    minutes = max(1, -(-seconds // 60))
    if codes:
        return ngettext("You have entered too many wrong codes. Wait %(num)d minute, then try again.",
                        "You have entered too many wrong codes. Wait %(num)d minutes, then try again.", minutes)
    return ngettext("You have tried to sign in too many times. Wait %(num)d minute, then try again.",
                    "You have tried to sign in too many times. Wait %(num)d minutes, then try again.", minutes)


def _password_problem(password: str, account: Account) -> str | None:
    about = accounts.words_about(display_name=account.display_name, email=account.email,
                                 council=current_app.config["COUNCIL_NAME"], service=current_app.config["SERVICE_NAME"])
    problem = accounts.password_problem(password, about=about)
    return None if problem is None else PASSWORD_MESSAGES[problem]


def _after_sign_in(account: Account, target: str | None) -> str:
    """Answers kept when the last session ended mid-form come first; then where they were going."""
    if accounts.kept_answers(db.session, account, utcnow()) is not None:
        return url_for("auth.kept_answers")
    return safe_next(target) or landing_url(account)


def _password_step_passed(account: Account, target: str | None):
    """Signed in, or half signed in until the second step (staff, commissioners and
    administrators always; anyone else who turned it on)."""
    now = utcnow()
    if two_factor.asks_for_second_step(account):
        token = accounts.open_session(db.session, account, now=now, second_factor_done=False, max_age=_max_age())
        db.session.commit()
        start_session(token, next_url=safe_next(target))
        return redirect(url_for("auth.two_factor_code" if two_factor.is_on(account) else "auth.two_factor_setup"))
    token = accounts.open_session(db.session, account, now=now, second_factor_done=True, max_age=_max_age())
    _audit("sign_in", account)
    destination = _after_sign_in(account, target)
    db.session.commit()
    start_session(token)
    return redirect(destination)


@bp.route("/sign-in", methods=["GET", "POST"])
@audience(PUBLIC)
@limiter.limit(lambda: current_app.config["RATELIMIT_SIGNIN"], methods=["POST"])
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        per_email, per_address = _throttles()
        result = accounts.sign_in(
            db.session, email=form.email.data, password=form.password.data, address=request.remote_addr or "",
            now=utcnow(), per_email=per_email, per_address=per_address,
        )
        if result.account is not None:
            return _password_step_passed(result.account, request.args.get("next"))
        form.email.errors = [_wait_message(result.wait_seconds) if result.failure == SignInFailure.wait
                             else BAD_CREDENTIALS]
        db.session.commit()  # keep the failure count
    form.password.data = ""  # never echo a password back
    return render_template("auth/sign_in.html", form=form, timed_out=request.args.get("timed_out"),
                           kept=request.args.get("kept") == "1", password_reset=request.args.get("reset") == "1")


@bp.post("/sign-out")
@audience(ANY_SIGNED_IN, SIGNING_IN)
def sign_out():
    account = current_account() or signing_in().account
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
        problem = _password_problem(form.password.data, found.account)
        if problem is not None:
            form.password.errors = [problem]
        elif form.password.data != form.confirm.data:
            form.confirm.errors = [_l("The passwords do not match")]
        else:
            account = accounts.accept_invitation(db.session, found, form.password.data, utcnow())
            if account is None:  # the link was spent by another request meanwhile
                db.session.rollback()
                return render_template("auth/invitation_problem.html",
                                       message=INVITATION_MESSAGES[InvitationProblem.used]), 410
            _audit("invitation_accepted", account)
            # Setting a first password from a carer's invitation accepts it.
            carers.accept_on_activation(db.session, account, now=utcnow(),
                                        valid_days=current_app.config["INVITE_VALID_DAYS"])
            return _password_step_passed(account, None)
    form.password.data = form.confirm.data = ""
    return render_template("auth/set_password.html", form=form, account=found.account)


# -- A forgotten password -----------------------------------------------------------------


@bp.route("/forgotten-password", methods=["GET", "POST"])
@audience(PUBLIC)
@limiter.limit(lambda: current_app.config["RATELIMIT_SIGNIN"], methods=["POST"])
def forgotten_password():
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        now = utcnow()
        minutes = current_app.config["PASSWORD_RESET_MINUTES"]
        created = accounts.request_password_reset(
            db.session, secret_key=current_app.config["SECRET_KEY"], email=form.email.data, now=now,
            valid_for=dt.timedelta(minutes=minutes), throttle=RESET_THROTTLE,
        )
        if created is not None:
            account = created.account
            mail.send(db.session, "password_reset", to=account.email, language=account.preferred_language, now=now,
                      name=account.display_name, link_token=created.link_token, minutes=minutes)
            _audit("password_reset_requested", None, about=account)
        db.session.commit()
        # The same answer whether or not an account uses the address.
        return redirect(url_for("auth.reset_link_sent"))
    return render_template("auth/forgotten_password.html", form=form)


@bp.get("/forgotten-password/sent")
@audience(PUBLIC)
def reset_link_sent():
    return render_template("auth/reset_link_sent.html", minutes=current_app.config["PASSWORD_RESET_MINUTES"])


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@audience(PUBLIC)
def reset_password(token: str):
    found = accounts.find_link(db.session, secret_key=current_app.config["SECRET_KEY"], link_token=token[:512],
                               now=utcnow(), purpose=LinkPurpose.password_reset)
    if isinstance(found, InvitationProblem):
        return render_template("auth/invitation_problem.html", message=RESET_MESSAGES[found], reset=True), 410
    g.personal = True
    form = SetPasswordForm()
    form.password.label.text = _("Create a new password")
    if form.validate_on_submit():
        problem = _password_problem(form.password.data, found.account)
        if problem is not None:
            form.password.errors = [problem]
        elif form.password.data != form.confirm.data:
            form.confirm.errors = [_l("The passwords do not match")]
        else:
            now = utcnow()
            account = accounts.reset_password(db.session, found, form.password.data, now)
            if account is None:
                db.session.rollback()
                return render_template("auth/invitation_problem.html", message=RESET_MESSAGES[InvitationProblem.used],
                                       reset=True), 410
            _audit("password_reset_completed", account)
            mail.send(db.session, "password_changed", to=account.email, language=account.preferred_language, now=now,
                      name=account.display_name)
            db.session.commit()
            end_session()
            return redirect(url_for("auth.sign_in", reset=1))
    form.password.data = form.confirm.data = ""
    return render_template("auth/set_password.html", form=form, account=found.account, reset=True)


# -- Two-step sign-in ---------------------------------------------------------------------


def _check_code(account: Account, form, *, recovery: bool = False) -> str | None:
    """The second step's code (or a recovery code): None when it is right, else the message.
    Wrong codes are throttled like passwords."""
    now = utcnow()
    key = accounts.throttle_key("code", str(account.id))
    wait = accounts.throttle_wait(db.session, [key], now)
    if wait:
        return _wait_message(wait, codes=True)
    secret_key = current_app.config["SECRET_KEY"]
    if recovery:
        right = two_factor.use_recovery_code(db.session, account, form.recovery_code.data, now=now)
    else:
        right = two_factor.check_code(db.session, account, form.code.data, secret_key=secret_key, now=now)
    if right:
        accounts.clear_throttle(db.session, key)
        return None
    accounts.record_attempt(db.session, key, _throttles()[0], now)
    db.session.commit()
    if recovery:
        return _("This recovery code is not right, or it has been used. Check it and try again")
    return _("The code is not right. Enter the 6-digit code your app shows now")


@bp.route("/sign-in/code", methods=["GET", "POST"])
@audience(SIGNING_IN)
def two_factor_code():
    pending = signing_in()
    account = pending.account
    if not two_factor.is_on(account):
        return redirect(url_for("auth.two_factor_setup"))
    g.personal = True
    # Two forms on the page: the app's code, or (under "I cannot use my app") a recovery code.
    recovery = request.method == "POST" and "recovery_code" in request.form
    form = CodeForm(formdata=None) if recovery else CodeForm()
    recovery_form = RecoveryCodeForm() if recovery else RecoveryCodeForm(formdata=None)
    checked = recovery_form if recovery else form
    if checked.validate_on_submit():
        problem = _check_code(account, checked, recovery=recovery)
        if problem is None:
            token = accounts.pass_second_step(db.session, pending, now=utcnow(), max_age=_max_age())
            _audit("sign_in", account)
            if recovery:
                _audit("recovery_code_used", account)
            destination = _after_sign_in(account, session.get("next"))
            db.session.commit()
            start_session(token)
            return redirect(destination)
        (recovery_form.recovery_code if recovery else form.code).errors = [problem]
    return render_template("auth/two_factor_code.html", form=form, recovery_form=recovery_form,
                           recovery_open=recovery)


def _qr_svg(uri: str) -> Markup:
    svg = io.BytesIO()
    segno.make(uri, error="m").save(svg, kind="svg", scale=5, xmldecl=False, svgns=True,
                                    title=_("QR code to set up your authenticator app"), svgclass="app-qr")
    return Markup(svg.getvalue().decode())


@bp.route("/account/two-step-sign-in", methods=["GET", "POST"])
@audience(ANY_SIGNED_IN, SIGNING_IN)
def two_factor_setup():
    """Set up the app (a QR code, or the key typed in), confirm with a code, and see the
    recovery codes once. Half-signed-in staff come here straight after their password."""
    pending = signing_in()
    account = pending.account if pending else current_account()
    g.personal = True
    if two_factor.is_on(account):
        if pending is not None:
            return redirect(url_for("auth.two_factor_code"))
        return _new_recovery_codes(account)
    secret_key = current_app.config["SECRET_KEY"]
    form = CodeForm()
    with writing():  # the secret is made on the first visit, so this page writes even on GET
        secret = two_factor.pending_secret(db.session, account, secret_key=secret_key)
        if form.validate_on_submit():
            problem = _check_throttle_only(account)
            codes = None if problem else two_factor.confirm(db.session, account, form.code.data,
                                                            secret_key=secret_key, now=utcnow())
            if codes is not None:
                return _two_factor_turned_on(account, pending, codes)
            if problem is None:
                accounts.record_attempt(db.session, accounts.throttle_key("code", str(account.id)), _throttles()[0],
                                        utcnow())
                problem = _("The code is not right. Enter the 6-digit code your app shows now")
            form.code.errors = [problem]
        db.session.commit()
    uri = two_factor.setup_uri(secret, account_email=account.email, issuer=current_app.config["COUNCIL_NAME"])
    return render_template("auth/two_factor_setup.html", form=form, qr_svg=_qr_svg(uri), account=account,
                           secret_groups=[secret[i:i + 4] for i in range(0, len(secret), 4)],
                           required=two_factor.required(account), pending=pending is not None)


def _check_throttle_only(account: Account) -> str | None:
    wait = accounts.throttle_wait(db.session, [accounts.throttle_key("code", str(account.id))], utcnow())
    return _wait_message(wait, codes=True) if wait else None


def _two_factor_turned_on(account: Account, pending, codes: list[str]):
    """Turning it on ends every other session of the account (whoever had the password
    alone is out), and this one goes on fully signed in with a fresh token."""
    now = utcnow()
    accounts.clear_throttle(db.session, accounts.throttle_key("code", str(account.id)))
    target = session.get("next")
    accounts.sign_out_everywhere(db.session, account)
    token = accounts.open_session(db.session, account, now=now, second_factor_done=True, max_age=_max_age())
    _audit("two_factor_on", account)
    _mail_two_step_changed(account, on=True)
    if pending is not None:
        _audit("sign_in", account)
    continue_to = _after_sign_in(account, target) if pending is not None else url_for("auth.account_home")
    db.session.commit()
    start_session(token)
    g.account = account  # the page below is the first of the new session
    return render_template("auth/recovery_codes.html", codes=codes, continue_to=continue_to, first_time=True)


def _mail_two_step_changed(account: Account, *, on: bool) -> None:
    """Whoever turned it on or off, the person hears of it (someone with their password
    alone could set up an app of their own before they do)."""
    mail.send(db.session, "two_step_changed", to=account.email, language=account.preferred_language, now=utcnow(),
              name=account.display_name, on=on)


def _new_recovery_codes(account: Account):
    """Someone with two-step sign-in on asks for new recovery codes (the old ones stop)."""
    form = CodeForm()
    if form.validate_on_submit():
        problem = _check_code(account, form)
        if problem is None:
            codes = two_factor.new_recovery_codes(db.session, account)
            _audit("recovery_codes_renewed", account)
            db.session.commit()
            return render_template("auth/recovery_codes.html", codes=codes, continue_to=url_for("auth.account_home"),
                                   first_time=False)
        form.code.errors = [problem]
    return render_template("auth/two_factor_on.html", form=form, account=account,
                           codes_left=two_factor.recovery_codes_left(db.session, account))


@bp.route("/account/two-step-sign-in/turn-off", methods=["GET", "POST"])
@audience(Role.client, Role.carer)
def two_factor_off():
    """Clients and carers chose it, so they may turn it off, with a code from the app."""
    account = current_account()
    if not two_factor.is_on(account):
        return redirect(url_for("auth.account_home"))
    g.personal = True
    form = CodeForm()
    if form.validate_on_submit():
        problem = _check_code(account, form)
        if problem is None:
            two_factor.turn_off(db.session, account)
            _audit("two_factor_off", account)
            _mail_two_step_changed(account, on=False)
            db.session.commit()
            return redirect(url_for("auth.account_home"))
        form.code.errors = [problem]
    return render_template("auth/two_factor_off.html", form=form)


# -- Staying signed in, and answers kept when a session ended ------------------------------


@bp.post("/session/stay-signed-in")
@audience(ANY_SIGNED_IN)
def keep_alive():
    """The timeout warning's "Stay signed in": any request would do; this one says how long."""
    stay_signed_in()
    if request.accept_mimetypes.best == "application/json":
        return {"idle_seconds": current_app.config["SESSION_IDLE_MINUTES"] * 60}
    return redirect(safe_next(request.form.get("next")) or url_for("auth.account_home"))


@bp.route("/kept-answers", methods=["GET", "POST"])
@audience(ANY_SIGNED_IN)
def kept_answers():
    """What someone typed in a form sent just after their session ended, kept on the server
    for them alone: they see it and send it on (the browser posts it again to the form's
    own address, with this session's CSRF token), or let it go."""
    account = current_account()
    g.personal = True
    draft = accounts.kept_answers(db.session, account, utcnow())
    path = safe_next(draft.answers.get("path")) if draft is not None else None
    if draft is None or path is None:
        return redirect(landing_url(account))
    fields = [(name, value) for name, value in draft.answers.get("fields", []) if name != "kept"]
    if request.method == "POST":
        db.session.delete(draft)
        db.session.commit()
        if request.form.get("kept") == "send":
            return redirect(path, code=307)  # 307: the browser posts the same fields again, to the form
        return redirect(landing_url(account))
    return render_template("auth/kept_answers.html", fields=fields,
                           written=[value for _, value in fields if " " in value.strip() or len(value) > 40])


@bp.get("/account")
@audience(ANY_SIGNED_IN)
def account_home():
    account = current_account()
    return render_template("auth/account.html", account=account, two_step_on=two_factor.is_on(account),
                           two_step_required=two_factor.required(account))
