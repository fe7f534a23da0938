"""Helpers the blueprints share."""
from __future__ import annotations

from flask import abort, g, request, session

from ..access import carer_scope_of_current_view, current_account
from ..db import db, reset_writing, set_writing
from ..domain import records
from ..models import utcnow


def client_record(client_id: int, action: str, *, reads_only: bool = False) -> records.RecordAccess:
    """The access decision for the client's record, if the signed-in person may open this
    page of it (404 otherwise, so nobody learns which ids exist); the view is written to
    the audit trail at once. A carer needs the scope the view declares in its @audience
    (none declared: no carer may open it). The decision is returned for the page to pass
    along (sections, choices, what to show): nothing re-derives it.

    The audit write takes SQLite's write lock when its transaction begins (see portal.db),
    and is committed at once so it stands even if the rest of the request fails. By default
    the rest of the request keeps beginning its transactions as writers, for views that
    write on a GET (drafts). A view that writes nothing on a GET passes `reads_only=True`:
    the rest of a GET then reads without the write lock, so record pages do not queue
    behind one another while they render (a POST still writes as before)."""
    g.personal = True
    token = set_writing(True)
    try:
        record = records.open_client_record(
            db.session, reader=current_account(), client_id=client_id, action=action,
            now=utcnow(), scope=carer_scope_of_current_view(), route=request.endpoint, request_id=g.get("request_id"),
        )
    except records.RecordNotAvailable:
        db.session.rollback()
        abort(404)
    db.session.commit()
    if record.is_carer:
        session["acting_for"] = record.client.id  # whom the assistant's personal answers are about
    if reads_only:
        reset_writing(token)  # back to what the request's method says (portal.db)
    return record
