"""Crisis help in the reader's language, graded by what the risk detector found.

Every word comes from the crisis page's own blocks (content/<lang>/help-in-a-crisis.md), and
every number the council can change comes from configuration, so the crisis page, error
pages, the chat (also when the assistant is down), the feedback thank-you page and the
messages pages all say the same thing. Phone numbers are links people can tap (`tel:`,
`sms:` for Shout), left to right in right-to-left pages.
"""
from __future__ import annotations

import re
from functools import lru_cache

from flask import Flask, current_app, g, request
from markupsafe import Markup, escape

from .content import load_page, render_markdown
from .domain.risk import Kind, Level, Risk
from .i18n import DEFAULT_LANGUAGE

CRISIS_PAGE = "help-in-a-crisis"
NUMBERS = ("crisis-life-at-risk", "crisis-nhs-111", "crisis-talk")
# What each grade of help shows, block by block.
REPLIES = {
    # Only the numbers: the assistant is unavailable, an error page.
    "numbers": NUMBERS,
    # High risk to self or others: a human first line, the help, then an offer to go on.
    "high": ("crisis-first-words", *NUMBERS, "crisis-go-on"),
    # Someone is hurting them: 999 if in danger, the safeguarding route, what happens
    # next; then the numbers, for the distress that comes with it.
    "from_others": ("crisis-first-words", "crisis-someone-hurting-you", "crisis-nhs-111", "crisis-talk",
                    "crisis-go-on"),
    # Both: a life may be at risk now, so 999 for that comes first, then the safeguarding
    # route (a relative's emergency, "dad isn't breathing", that the classifier also hears as
    # someone being hurt reads this way too).
    "from_others_and_self": ("crisis-first-words", "crisis-life-at-risk", "crisis-someone-hurting-you",
                             "crisis-nhs-111", "crisis-talk", "crisis-go-on"),
    # Distress or an idiom: the question is answered, with one discreet line.
    "concern": ("crisis-discreet",),
}


def grade(risk: Risk) -> str | None:
    """Which help `risk` calls for (a key of REPLIES), or None."""
    if risk.level == Level.high:
        if Kind.from_others in risk.kinds:
            return "from_others_and_self" if risk.kinds - {Kind.from_others} else "from_others"
        return "high"
    if risk.level == Level.concern:
        return "concern"
    return None


def tel_link(number: str) -> str:
    """A phone number as a Markdown link people can tap."""
    return f"[{number}](tel:{re.sub(r'[^0-9+]', '', number)})" if number else ""


def mail_link(address: str) -> str:
    return f"[{address}](mailto:{address})" if address else ""


def years(days: int) -> str:
    """A retention period in days as years ("8"; "0.5" when not whole years)."""
    return str(days // 365) if days % 365 == 0 else f"{days / 365:.1f}"


def placeholders(config=None) -> dict[str, str]:
    """The configuration the pages name (empty: the line naming it is left out)."""
    config = config or current_app.config
    return {
        "local_crisis_line_name": config["CRISIS_LOCAL_LINE_NAME"],
        "local_crisis_line_number": tel_link(config["CRISIS_LOCAL_LINE_NUMBER"]),
        "safeguarding_phone": tel_link(config["SAFEGUARDING_PHONE"]),
        # The council's own contact for asking for an assessment (the getting-support page).
        "adult_social_care_phone": tel_link(config["ADULT_SOCIAL_CARE_PHONE"]),
        "adult_social_care_email": mail_link(config["ADULT_SOCIAL_CARE_EMAIL"]),
        # The privacy notice: who the controller is, its data protection officer, and the
        # periods after which `flask --app portal purge` deletes (portal.domain.retention).
        "council_name": config["COUNCIL_NAME"],
        "data_protection_email": mail_link(config["DATA_PROTECTION_EMAIL"]),
        "message_retention_years": years(config["RETENTION_MESSAGE_DAYS"]),
        "audit_retention_years": years(config["RETENTION_AUDIT_DAYS"]),
        "withheld_feedback_days": str(config["RETENTION_WITHHELD_TEXT_DAYS"]),
        "draft_retention_days": str(config["RETENTION_DRAFT_DAYS"]),
        "sent_mail_days": str(config["RETENTION_OUTBOX_DAYS"]),
    }


@lru_cache(maxsize=256)
def _render(kind: str, lang: str, filled: tuple[tuple[str, str], ...], heading: int) -> Markup:
    page = load_page(lang, CRISIS_PAGE) or load_page(DEFAULT_LANGUAGE, CRISIS_PAGE)
    parts = []
    for block_id in REPLIES[kind]:
        block = page.block(block_id)
        body = render_markdown(block.markdown, dict(filled), f"/{lang}/")
        parts.append(f'<h{heading} class="govuk-heading-s">{escape(block.title)}</h{heading}>{body}')
    language = f' lang="{page.lang}" dir="ltr"' if page.lang != lang else ""
    return Markup(f'<div class="govuk-inset-text app-crisis-help app-crisis-help--{kind}"{language}>'
                  + "".join(parts) + "</div>")


def crisis_help(kind: str | None, heading: int = 3) -> Markup:
    """The help for `kind` (see REPLIES) in the current page's language ("" for None), its
    parts headed at level `heading`."""
    if kind is None:
        return Markup("")
    return _render(kind, g.get("lang", DEFAULT_LANGUAGE), tuple(sorted(placeholders().items())), heading)


def help_after_writing(risk: Risk) -> dict:
    """URL arguments for the page shown after someone wrote something: the help their
    words call for, shown at the top of that page (see init_app)."""
    kind = grade(risk)
    return {"help": kind} if kind else {}


def init_app(app: Flask) -> None:
    app.jinja_env.globals["crisis_help"] = crisis_help

    @app.context_processor
    def _help_after_writing():
        kind = request.args.get("help")
        return {"help_after_writing": kind if kind in REPLIES and kind != "numbers" else None}
