"""Asking for an assessment, for yourself or for someone else (the front door): a public
form in every language, a reference and what happens next. Staff triage the referrals in
their own area (portal.blueprints.staff)."""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from ...access import PUBLIC, audience
from ...content import load_page, render_markdown
from ...crisis_help import help_after_writing, placeholders
from ...db import db
from ...domain import referrals
from ...i18n import DEFAULT_LANGUAGE
from ...limits import limiter
from ...models import utcnow
from .forms import AskForAssessmentForm

bp = Blueprint("referrals", __name__)

# The getting-support page's own words for what happens next and how to reach the team.
NEXT_BLOCKS = ("getting-support-next", "getting-support-how", "getting-support-advocacy")


@bp.route("/getting-support/ask", methods=["GET", "POST"])
@audience(PUBLIC)
@limiter.limit("10 per hour", methods=["POST"])
def ask():
    form = AskForAssessmentForm()
    if request.method == "GET":
        form.submission_key.data = secrets.token_hex(16)
    if form.validate_on_submit():
        if form.website.data:  # the honeypot: look done, store nothing
            return redirect(url_for("referrals.asked", reference=referrals.random_reference()))
        try:
            received = referrals.ask_for_assessment(
                db.session, form.asking(), language=g.lang, now=utcnow(),
                submission_key=(form.submission_key.data or secrets.token_hex(16))[:64])
        except referrals.ReferralRuleError:  # the form checks the same rules: a tampered post
            db.session.rollback()
            form.form_errors.append(_("Check your answers and try again"))
        else:
            db.session.commit()
            return redirect(url_for("referrals.asked", reference=received.referral.reference,
                                    **help_after_writing(received.risk)))
    return render_template("referrals/ask.html", form=form)


@bp.get("/getting-support/asked/<reference>")
@audience(PUBLIC)
def asked(reference: str):
    """The reference, what happens next and the typical wait. Nothing is looked up by the
    reference, so the page tells nobody whether a referral exists."""
    if not referrals.is_reference(reference):
        abort(404)
    page = load_page(g.lang, "getting-support") or load_page(DEFAULT_LANGUAGE, "getting-support")
    filled = placeholders()
    blocks = [(block.title, Markup(render_markdown(block.markdown, filled, f"/{g.lang}/")))
              for block in map(page.block, NEXT_BLOCKS) if block is not None]
    return render_template("referrals/asked.html", reference=reference, blocks=blocks, page_lang=page.lang,
                           wait_days=referrals.typical_wait_days(db.session, utcnow().date()),
                           fewest=referrals.FEWEST_FOR_A_WAIT)
