"""The assistant: a chat page that works with plain form posts (the dialog widget is an
enhancement on top). The portal proxies to Rasa on loopback; Rasa is never exposed.

For a signed-in client or carer each message carries a sealed, short-lived grant, with
which the action server asks `personal_answer` about their own support."""
from __future__ import annotations

import secrets

from flask import Blueprint, current_app, g, jsonify, render_template, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from ...access import ASSISTANT_GRANT, PUBLIC, audience
from ...crisis_help import crisis_help, grade
from ...db import db
from ...domain import assistant, assistant_grants, risk, staying_well, unanswered
from ...forms import PortalForm, TextArea, strip
from ...limits import limiter
from ...models import Role, utcnow
from . import personal
from .replies import reply_html

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


def _sender_id_for_next_message() -> str:
    """The conversation id this message goes to Rasa with: random, nothing about the person.
    A long chat goes on in a fresh conversation: Rasa re-reads a whole conversation for each
    message (its time grows with the length, on one event loop shared by everyone), and
    need not keep more of it."""
    if session.get("chat_turns", 0) >= current_app.config["CHAT_TURNS_PER_CONVERSATION"]:
        session.pop("chat_id")
    chat_id = _chat_id()
    session["chat_turns"] += 1
    return chat_id


def _chat_id() -> str:
    """The chat's random id, made with its first message (and counted by the rate limit)."""
    if "chat_id" not in session:
        session["chat_id"] = secrets.token_hex(16)
        session["chat_turns"] = 0
    return session["chat_id"]


def _sealed_grant(chat_id: str) -> str | None:
    account = g.get("account")
    if account is None:
        return None
    config = current_app.config
    token = assistant_grants.issue(db.session, chat_id=chat_id, account=account, now=utcnow(),
                                   minutes=config["ASSISTANT_GRANT_MINUTES"], acting_for=session.get("acting_for"))
    # Committed before Rasa is called: the action server's request back to the portal must
    # find the grant, and must not wait on this request's write lock.
    db.session.commit()
    return assistant_grants.seal(token, config["ASSISTANT_GRANT_KEY"]) if token else None


@bp.record_once
def _places_for_waiting(state) -> None:
    """One per process: each gunicorn worker builds its own app."""
    state.app.extensions["assistant_waiting"] = assistant.Waiting(state.app.config["CHAT_ASSISTANT_CONCURRENCY"])


def _ask(message: str) -> assistant.ChatReply:
    chat_id = _sender_id_for_next_message()
    reply = assistant.ask(
        rasa_url=current_app.config["RASA_URL"], sender=chat_id, message=message, language=g.lang,
        timeout=current_app.config["RASA_TIMEOUT_SECONDS"], waiting=current_app.extensions["assistant_waiting"],
        sealed_grant=lambda: _sealed_grant(chat_id),
    )
    # A question nothing could answer, for the team to teach the assistant: redacted, with
    # no identity, never one that showed any risk.
    if reply.unanswered and reply.risk.level == risk.Level.none:
        unanswered.record(db.session, text=assistant.clean_message(message), language=reply.language or g.lang,
                          today=utcnow().date())
        db.session.commit()
    return reply


# Both chat endpoints share the counters: per chat, and per address (what a client without
# cookies gets; people sharing a library's or an office's connection share it too).
_per_chat = limiter.shared_limit(lambda: current_app.config["RATELIMIT_CHAT_SESSION"], scope="chat", key_func=_chat_id,
                                 methods=["POST"])
_per_address = limiter.shared_limit(lambda: current_app.config["RATELIMIT_CHAT_ADDRESS"], scope="chat-address",
                                    methods=["POST"])


# The grades of help for a message that shows high risk (portal.crisis_help.REPLIES).
HIGH_RISK_HELP = ("high", "from_others", "from_others_and_self")


def _staying_well(help_kind: str | None) -> Markup:
    """Beside the crisis numbers, for a message that shows high risk: the signed-in
    client's own staying-well plan (a carer's, for the person they act for when their grant
    covers the plan), read through the access decision; "" for anyone else."""
    account = g.get("account")
    if help_kind not in HIGH_RISK_HELP or account is None:
        return Markup("")
    _allowed, client_id = assistant_grants.client_for(db.session, account, session.get("acting_for"))
    well = staying_well.for_chat(db.session, reader=account, client_id=client_id, now=utcnow(),
                                 request_id=g.get("request_id"))
    db.session.commit()  # the audit event of the read
    if well is None:
        return Markup("")
    return Markup(render_template("chat/_staying_well.html", well=well, client_id=client_id))


def _help_kind(reply: assistant.ChatReply) -> str | None:
    """The crisis help under a reply: graded by the risk the message showed; the numbers
    whenever the assistant could not answer."""
    kind = grade(reply.risk)
    return kind or ("numbers" if reply.source == assistant.ReplySource.unavailable else None)


@bp.post("/chat/messages")
@audience(PUBLIC)
@_per_chat
@_per_address
def chat_message():
    """The dialog widget's endpoint (JSON in, JSON out; CSRF token in the X-CSRFToken header).
    Replies are safe HTML (escaped text with its links and phone numbers made links), and
    carry the graded crisis help as HTML whenever it should show."""
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
        texts=[str(reply_html(text)) for text in texts],
        suggestions=[{"title": s.title, "question": s.question} for s in reply.suggestions],
        help_html=str(crisis_help(_help_kind(reply)) + _staying_well(_help_kind(reply))) or None,
    )


@bp.route("/chat", methods=["GET", "POST"])
@audience(PUBLIC)
@_per_chat
@_per_address
def chat_page():
    form = ChatForm()
    reply = None
    asked = None
    if form.validate_on_submit():
        asked = form.message.data
        reply = _ask(asked)
        form.message.data = ""
    g.personal = True
    help_kind = _help_kind(reply) if reply else None
    return render_template("chat/chat.html", form=form, reply=reply, asked=asked, help_kind=help_kind,
                           staying_well=_staying_well(help_kind), reply_html=reply_html)


@bp.get("/chat/unanswered")
@audience(Role.staff)
def unanswered_questions():
    """For staff: what the assistant could not answer in the last 30 days, to write
    training examples from (chatbot/learn/reviewed.yml, then make chatbot-learn)."""
    questions = unanswered.recent(db.session, today=utcnow().date())
    return render_template("chat/unanswered.html", questions=questions, keep_days=unanswered.KEEP_DAYS)


@bp.get("/chat/personal/<any('next-review', goals, provider, request):topic>")
@audience(ASSISTANT_GRANT)
def personal_answer(topic: str):
    """For the action server: the answer to a personal question, in the URL's language.
    Authorised by the chat's grant token (Authorization: Bearer) and the chat's sender id
    (X-Chat-Id), never by a session cookie."""
    g.personal = True
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    chat_id = request.headers.get("X-Chat-Id", "")
    holder = None
    if scheme.lower() == "bearer" and token and chat_id:
        holder = assistant_grants.holder(db.session, token=token, chat_id=chat_id, now=utcnow())
    if holder is None:
        return jsonify(error="no valid grant for this chat"), 401
    return jsonify(text=personal.answer(holder, topic, now=utcnow(), request_id=g.get("request_id")))
