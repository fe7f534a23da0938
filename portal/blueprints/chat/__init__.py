"""The assistant: a chat page that works with plain form posts (the dialog widget is an
enhancement on top). The portal proxies to Rasa on loopback; Rasa is never exposed."""
from __future__ import annotations

import secrets

from flask import Blueprint, current_app, g, render_template, session
from flask_babel import lazy_gettext as _l
from ...forms import PortalForm, TextArea, strip
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from ...access import PUBLIC, audience
from ...domain import assistant

bp = Blueprint("chat", __name__)


class ChatForm(PortalForm):
    message = TextAreaField(
        _l("Your question"),
        widget=TextArea(),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Type your question")),
            Length(max=assistant.MAX_MESSAGE_LENGTH, message=_l("Your question must be 500 characters or fewer")),
        ],
    )


def _sender_id() -> str:
    # A random conversation id; nothing about the person goes to the assistant.
    if "chat_id" not in session:
        session["chat_id"] = secrets.token_hex(16)
    return session["chat_id"]


@bp.route("/chat", methods=["GET", "POST"])
@audience(PUBLIC)
def chat_page():
    form = ChatForm()
    reply = None
    asked = None
    if form.validate_on_submit():
        asked = form.message.data
        reply = assistant.ask(
            rasa_url=current_app.config["RASA_URL"],
            sender=_sender_id(),
            message=asked,
            language=g.lang,
            timeout=current_app.config["RASA_TIMEOUT_SECONDS"],
        )
        form.message.data = ""
    g.personal = True
    return render_template("chat/chat.html", form=form, reply=reply, asked=asked)
