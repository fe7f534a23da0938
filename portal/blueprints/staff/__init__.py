"""Staff tools. For now: inviting people (plans, reviews and queues come with their issues)."""
from __future__ import annotations

from flask import Blueprint, current_app, g, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ...access import audience, current_account
from ...db import db
from ...domain import accounts, audit, outbox
from ...models import Account, Client, Role, utcnow
from .forms import InviteForm

bp = Blueprint("staff", __name__)

# Least privilege: only administrators create administrators.
INVITABLE = {
    Role.staff: ["client", "carer", "staff", "commissioner"],
    Role.admin: ["client", "carer", "staff", "commissioner", "admin"],
}


@bp.route("/staff/invite", methods=["GET", "POST"])
@audience(Role.staff, Role.admin)
def invite():
    inviter = current_account()
    form = InviteForm(INVITABLE[inviter.role])
    g.personal = True
    if form.validate_on_submit():
        email = accounts.normalise_email(form.email.data)
        if db.session.scalar(select(Account).where(Account.email == email, Account.status != "invited")):
            form.email.errors = [_("There is already an account with this email address")]
        else:
            _send_invitation(inviter, form, email)
            db.session.commit()
            return render_template("staff/invite_sent.html", email=email)
    return render_template("staff/invite.html", form=form)


def _send_invitation(inviter: Account, form: InviteForm, email: str) -> None:
    now = utcnow()
    role = Role(form.role.data)
    client = None
    if role == Role.client:
        client = Client(
            given_name=form.given_name.data.strip(), family_name=form.family_name.data.strip(),
            email=email, team_id=inviter.team_id, preferred_language=g.lang,
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
        team=inviter.team if role in (Role.staff, Role.client) else None,
        preferred_language=g.lang,
    )
    link = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for(
        "auth.accept_invitation", token=created.link_token
    )
    with force_locale(created.account.preferred_language):
        subject = _("You have been invited to %(service)s", service=current_app.config["SERVICE_NAME"])
        body = _(
            "Hello %(name)s,\n\nYou have been invited to use %(service)s from %(council)s.\n\n"
            "Open this link to create your password. It works once and expires in 7 days:\n%(link)s\n",
            name=created.account.display_name,
            service=current_app.config["SERVICE_NAME"],
            council=current_app.config["COUNCIL_NAME"],
            link=link,
        )
    outbox.queue_mail(db.session, to=email, subject=subject, body=body, now=now)
    audit.record(
        db.session, actor=inviter, action="invite_sent", now=now, client_id=client.id if client else None,
        object_type="account", object_id=created.account.id, route=request.endpoint, request_id=g.request_id,
    )
