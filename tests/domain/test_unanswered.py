"""Learning from misses, safely: the questions nothing could answer, redacted, without
identity, never a risk message, kept 30 days, for staff (portal/domain/unanswered.py)."""
import datetime as dt
import http.server
import json
import threading

import pytest
from sqlalchemy import func, select

from portal.db import db
from portal.domain import retention, unanswered
from portal.models import UnansweredQuestion


@pytest.mark.parametrize("text, kept", [
    ("can Sarah Jones from the team call me on 07700 900123", "can [name] [name] from the team call me on [number] [number]"),
    ("my name is ahmed and my email is ahmed@example.org", "my name is [name] and my email is [email]"),
    ("I asked on 12/03 about my review", "I asked on [number] about my review"),
    ("Wie lange dauert das", "Wie lange dauert das"),
])
def test_names_numbers_and_emails_are_hidden(text, kept):
    assert unanswered.redact(text) == kept


@pytest.mark.db
def test_kept_thirty_days_then_purged(session):
    today = dt.date(2026, 12, 4)
    unanswered.record(session, text="old question", language="en", today=today - dt.timedelta(days=31))
    unanswered.record(session, text="new question", language="pl", today=today)
    session.commit()
    assert [q.text for q in unanswered.recent(session, today=today)] == ["new question"]
    counts = retention.purge(session, now=dt.datetime(2026, 12, 4, 3, tzinfo=dt.UTC), policy=retention.RetentionPolicy())
    session.commit()
    assert counts["unanswered_question"] == 1
    assert session.scalar(select(func.count()).select_from(UnansweredQuestion)) == 1


class _Miss(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.dumps([{"recipient_id": "x", "text": "Sorry, I did not understand."},
                           {"recipient_id": "x", "custom": {"miss": "rephrase"}}]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def missing_assistant(app):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Miss)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app.config["RASA_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield
    server.shutdown()


def _stored(app):
    with app.app_context():
        return [(q.language, q.text) for q in unanswered.recent(db.session, today=dt.date.today())]


@pytest.mark.db
def test_a_question_nothing_answered_is_kept_without_identity_for_staff(app, client, missing_assistant, sign_in):
    client.post("/en/chat", data={"message": "recipe for a chocolate cake from Maria"})
    assert _stored(app) == [("en", "recipe for a chocolate cake from [name]")]
    staff = sign_in("staff")
    html = staff.get("/en/chat/unanswered").get_data(as_text=True)
    assert "recipe for a chocolate cake from [name]" in html and "Maria" not in html


@pytest.mark.db
def test_a_message_that_shows_risk_is_never_kept(app, client, missing_assistant):
    client.post("/en/chat", data={"message": "i feel so low and hopeless lately"})
    client.post("/en/chat", data={"message": "I want to end my life"})
    assert _stored(app) == []


@pytest.mark.db
def test_only_staff_read_them(client, sign_in):
    assert client.get("/en/chat/unanswered").status_code in (302, 303)
    assert sign_in("client").get("/en/chat/unanswered").status_code in (403, 404)
