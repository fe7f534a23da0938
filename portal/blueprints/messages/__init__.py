"""Secure messages: a client (or a carer they allow) writes to their team; staff of the
team read them in a team inbox (urgent first), assign, reply and close.

Every page of a conversation opens the record through `client_record`, so each read by
staff or a carer is in "Who has looked". What a client or carer writes goes through the
risk detector (portal.domain.messages): the next page shows the help their words call for.
While a conversation is open, a script (assets/js/messages.mjs) asks `newer` for what has
been written since, appends it and says so in a polite live region; without JavaScript
the page is as it was.
"""
from __future__ import annotations

import secrets

from babel.lists import format_list
from flask import Blueprint, abort, current_app, g, jsonify, redirect, render_template, request, url_for
from flask_babel import format_date, format_time, get_locale, gettext, ngettext
from wtforms.fields.choices import SelectChoice

from ... import mail
from ...access import audience, carer_scope_of_current_view, current_account, may_open
from ...crisis_help import help_after_writing
from ...db import db
from ...domain import messages, records, staying_well
from ...limits import limiter
from ...models import CarerScope, ConversationStatus, Message, Role, utcnow
from ..common import client_record
from ..plans import RECORD_SECTIONS
from ..plans.forms import ConfirmForm
from .forms import RULE_MESSAGES, AssignForm, NewConversationForm, ReplyForm

bp = Blueprint("messages", __name__)

# The help that comes with the staying-well plan beside it (portal.crisis_help.REPLIES).
HIGH_RISK_HELP = ("high", "from_others", "from_others_and_self")


def _sending_limit() -> str:
    return current_app.config["RATELIMIT_MESSAGES"]


def _page(template: str, record: records.RecordAccess, **context):
    return render_template(template, client=record.client, record=record,
                           sections=[e for e in RECORD_SECTIONS if may_open(e, record)],
                           reply_days=current_app.config["MESSAGES_REPLY_WORKING_DAYS"], **context)


def _with_key(form):
    if not form.submission_key.data:
        form.submission_key.data = secrets.token_hex(16)
    return form


def _refused(form, field, problem: messages.MessageError) -> None:
    getattr(form, field).errors = [RULE_MESSAGES.get(problem.code, RULE_MESSAGES["not_yours"])]


@bp.get("/clients/<int:client_id>/messages")
@audience(Role.client, Role.carer, Role.staff, carer_scope=CarerScope.messages)
def conversations(client_id: int):
    record = client_record(client_id, "view_messages", reads_only=True)
    found = messages.conversations_for(db.session, client_id)
    return _page("messages/conversations.html", record, conversations=found,
                 unread=messages.unread_counts(db.session, record.reader, [c.id for c in found]),
                 may_write=may_open("messages.new_conversation", record))


@bp.route("/clients/<int:client_id>/messages/new", methods=["GET", "POST"])
@audience(Role.client, Role.carer, carer_scope=CarerScope.messages)
@limiter.limit(_sending_limit, methods=["POST"])
def new_conversation(client_id: int):
    record = client_record(client_id, "view_messages", reads_only=True)
    form = _with_key(NewConversationForm())
    if form.validate_on_submit():
        try:
            sent = messages.start_conversation(db.session, record, subject=form.subject.data, body=form.body.data,
                                               language=g.lang, submission_key=form.submission_key.data, now=utcnow())
        except messages.MessageError as problem:
            db.session.rollback()
            _refused(form, "subject" if problem.code == "subject_needed" else "body", problem)
        else:
            return _sent(record, sent)
    return _page("messages/new.html", record, form=form)


def _sent(record: records.RecordAccess, sent: messages.Sent):
    if not sent.duplicate:
        mail.send_message_notices(db.session, sent.message, now=utcnow())
    db.session.commit()
    return redirect(url_for("messages.thread", client_id=record.client.id, conversation_id=sent.conversation.id,
                            sent=1, **help_after_writing(sent.risk), _anchor="latest"))


def _conversation(record: records.RecordAccess, conversation_id: int):
    conversation = messages.conversation_of(db.session, record.client.id, conversation_id)
    if conversation is None:
        abort(404)
    return conversation


@bp.route("/clients/<int:client_id>/messages/<int:conversation_id>", methods=["GET", "POST"])
@audience(Role.client, Role.carer, Role.staff, carer_scope=CarerScope.messages)
@limiter.limit(_sending_limit, methods=["POST"])
def thread(client_id: int, conversation_id: int):
    record = client_record(client_id, "view_messages")
    conversation = _conversation(record, conversation_id)
    form = _with_key(ReplyForm())
    if form.validate_on_submit():
        try:
            sent = messages.reply(db.session, record, conversation, body=form.body.data, language=g.lang,
                                  submission_key=form.submission_key.data, now=utcnow())
        except messages.MessageError as problem:
            db.session.rollback()
            _refused(form, "body", problem)
        else:
            return _sent(record, sent)
    return _thread_page(record, conversation, form=form)


def _thread_page(record: records.RecordAccess, conversation, *, form=None, assign_form=None):
    """The conversation as a list of messages; what the reader had not read yet is marked
    new, then counted as read (on a GET: a failed form shows the same page again)."""
    said = messages.thread(db.session, conversation)
    read_up_to = messages.last_read(db.session, conversation, record.reader)
    first_new = next((m.id for m in said if m.id > read_up_to and m.author_account_id != record.reader.id), None)
    if request.method == "GET":
        messages.mark_read(db.session, conversation, record.reader, now=utcnow())
    well = None
    if request.args.get("help") in HIGH_RISK_HELP and record.may(CarerScope.plan):
        well = staying_well.current(db.session, record.client.id)
    workers = messages.team_workers(db.session, record.client) if record.is_staff else []
    if record.is_staff and assign_form is None:
        assign_form = AssignForm(data={"worker": str(conversation.assigned_to_account_id or "")})
    if assign_form is not None:
        assign_form.worker.choices = [SelectChoice(str(w.id), w.display_name) for w in workers]
    page = _page("messages/thread.html", record, conversation=conversation, said=said, first_new=first_new,
                 form=form or _with_key(ReplyForm()), assign_form=assign_form,
                 poll_seconds=current_app.config["MESSAGES_POLL_SECONDS"],
                 well=well, just_sent=request.args.get("sent"), done=request.args.get("done"))
    db.session.commit()
    return page


@bp.get("/clients/<int:client_id>/messages/<int:conversation_id>/newer")
@audience(Role.client, Role.carer, Role.staff, carer_scope=CarerScope.messages, by_script=True)
def newer(client_id: int, conversation_id: int):
    """The messages written after `after` (the last one the open page shows), as JSON for
    the page's script, with what to announce. The same access decision as the page (404
    for whoever may not read it), and the same audit, but only when there is something
    new: a look that finds nothing shows nothing of the record, and a row every 20 s for
    every open page would bury the real reads in "Who has looked" (and take SQLite's write
    lock each time). What is returned counts as read, as it would on the page."""
    g.personal = True
    try:
        records.check_access(db.session, reader=current_account(), client_id=client_id,
                             scope=carer_scope_of_current_view())
    except records.RecordNotAvailable:
        abort(404)
    conversation = messages.conversation_of(db.session, client_id, conversation_id)
    if conversation is None:
        abort(404)
    after = request.args.get("after", 0, type=int)  # none, or not a number: from the start
    anything = messages.any_newer(db.session, conversation, after)
    db.session.commit()
    if not anything:
        return jsonify(messages=[], announcement="")
    record = client_record(client_id, "view_messages")  # a read: audited, like the page
    conversation = _conversation(record, conversation_id)
    found = messages.newer_than(db.session, conversation, after)
    by_others = [m for m in found if m.author_account_id != record.reader.id]
    names = format_list(list(dict.fromkeys(_author(record, m) for m in by_others)), locale=get_locale())
    answer = jsonify(
        messages=[{"id": m.id, "author": _author(record, m), "reply": m.author_role == Role.staff.value,
                   "time": m.created_at.isoformat(), "time_text": f"{format_date(m.created_at, 'long')}, "
                                                                  f"{format_time(m.created_at, 'short')}",
                   "language": m.language, "body": m.body} for m in found],
        announcement=ngettext("%(num)s new message from %(names)s", "%(num)s new messages from %(names)s",
                              len(by_others), names=names) if by_others else "")
    messages.mark_read(db.session, conversation, record.reader, now=utcnow(), up_to=found[-1].id)
    db.session.commit()
    return answer


def _author(record: records.RecordAccess, message: Message) -> str:
    """Who wrote it, in the words the conversation page uses (templates/messages/thread.html)."""
    name = message.author.display_name if message.author else ""
    if message.author_account_id == record.reader.id:
        return gettext("You")
    if message.author_role == Role.staff.value:
        return gettext("Worker: %(name)s", name=name)
    if message.author_role == Role.carer.value:
        return gettext("Carer: %(name)s", name=name)
    return record.client.given_name


@bp.post("/clients/<int:client_id>/messages/<int:conversation_id>/assign")
@audience(Role.staff)
def assign(client_id: int, conversation_id: int):
    record = client_record(client_id, "view_messages", reads_only=True)
    conversation = _conversation(record, conversation_id)
    form = AssignForm()
    form.worker.choices = [SelectChoice(str(w.id), w.display_name)
                           for w in messages.team_workers(db.session, record.client)]
    if form.validate_on_submit():
        try:
            messages.assign(db.session, conversation, int(form.worker.data), by=current_account(), now=utcnow())
        except messages.MessageError as problem:
            db.session.rollback()
            _refused(form, "worker", problem)
        else:
            db.session.commit()
            return redirect(url_for("messages.thread", client_id=client_id, conversation_id=conversation.id,
                                    done="assigned"))
    return _thread_page(record, conversation, assign_form=form)


@bp.post("/clients/<int:client_id>/messages/<int:conversation_id>/close")
@audience(Role.staff)
def close(client_id: int, conversation_id: int):
    record = client_record(client_id, "view_messages", reads_only=True)
    conversation = _conversation(record, conversation_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    messages.close(db.session, conversation, by=current_account(), now=utcnow())
    db.session.commit()
    return redirect(url_for("messages.team_inbox", closed=conversation.id))


@bp.get("/staff/messages")
@audience(Role.staff)
def team_inbox():
    """The team's conversations, urgent first, with what this worker has not read."""
    g.personal = True
    show = ConversationStatus.closed if request.args.get("show") == "closed" else ConversationStatus.open
    rows = messages.team_inbox(db.session, current_account(), status=show)
    db.session.commit()
    return render_template("messages/inbox.html", rows=rows, show=show.value,
                           just_closed=request.args.get("closed"))
