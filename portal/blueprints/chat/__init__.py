"""The assistant: a chat page that works with plain form posts (the dialog widget is an
enhancement on top). The portal proxies to Rasa on loopback; Rasa is never exposed."""
from __future__ import annotations

import secrets

from flask import Blueprint, current_app, g, jsonify, render_template, request, session
from flask_babel import gettext as _
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


def _ask(message: str) -> assistant.ChatReply:
    return assistant.ask(
        rasa_url=current_app.config["RASA_URL"], sender=_sender_id(), message=message, language=g.lang,
        timeout=current_app.config["RASA_TIMEOUT_SECONDS"],
    )


@bp.post("/chat/messages")
@audience(PUBLIC)
def chat_message():
    """The dialog widget's endpoint (JSON in, JSON out; CSRF token in the X-CSRFToken header).
    The reply carries the crisis numbers as HTML whenever they should show."""
    g.personal = True
    payload = request.get_json(silent=True)
    message = payload.get("message") if isinstance(payload, dict) else None
    if not isinstance(message, str) or not message.strip():
        return jsonify(error=_("Type your question")), 400
    if len(message) > assistant.MAX_MESSAGE_LENGTH:
        return jsonify(error=_("Your question must be 500 characters or fewer")), 400
    reply = _ask(message)
    texts = list(reply.texts)
    if reply.source == assistant.ReplySource.unavailable:
        texts.insert(0, _("Sorry, the assistant is not available at the moment. You can read our pages or call your worker."))
    return jsonify(
        texts=texts,
        crisis_html=render_template("partials/crisis_numbers.html") if reply.show_crisis_help else None,
    )


@bp.route("/chat", methods=["GET", "POST"])
@audience(PUBLIC)
def chat_page():
    form = ChatForm()
    reply = None
    asked = None
    if form.validate_on_submit():
        asked = form.message.data
        reply = _ask(asked)
        form.message.data = ""
    g.personal = True
    return render_template("chat/chat.html", form=form, reply=reply, asked=asked)
