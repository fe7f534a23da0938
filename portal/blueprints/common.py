"""Helpers the blueprints share."""
from __future__ import annotations

from flask import abort, g, request

from ..access import carer_scope_of_current_view, current_account
from ..db import db, set_writing
from ..domain import records
from ..models import Client, utcnow


def client_record(client_id: int, action: str) -> Client:
    """The client's record if the signed-in person may see it (404 otherwise, so nobody
    learns which ids exist); the view is written to the audit trail at once. A carer needs
    the scope the view declares in its @audience."""
    g.personal = True
    # The audit write takes SQLite's write lock when its transaction begins (see portal.db),
    # and is committed at once so it stands even if the rest of the request fails.
    set_writing(True)
    try:
        client = records.open_client_record(
            db.session, reader=current_account(), client_id=client_id, action=action,
            now=utcnow(), scope=carer_scope_of_current_view(), route=request.endpoint, request_id=g.get("request_id"),
        )
    except records.RecordNotAvailable:
        db.session.rollback()
        abort(404)
    db.session.commit()
    return client
