"""A client's own data in one export: it names the people in the record, and reads no one
else's name (with 100,000 accounts, one export read them all)."""
import datetime as dt

from sqlalchemy import event, select

from portal.db import db
from portal.domain import audit, my_data
from portal.models import Account, Client


def test_the_export_names_who_wrote_cares_and_looked_reading_only_their_names(session, demo_accounts):
    me = session.scalar(select(Account).where(Account.email == demo_accounts["client"].email))
    client = session.get(Client, me.client_id)
    carer = session.scalar(select(Account).where(Account.email == demo_accounts["carer"].email))
    staff = session.scalar(select(Account).where(Account.email == demo_accounts["staff"].email))
    audit.record(session, actor=staff, action="view_plan", now=dt.datetime.now(dt.UTC), client_id=client.id)

    name_lookups: list[int] = []  # how many account ids each lookup of names asked for

    def watch(_conn, _cursor, statement, parameters, _context, _many):
        if "account.display_name" in statement and "FROM account" in statement:
            name_lookups.append(len(parameters))

    event.listen(db.engine, "before_cursor_execute", watch)
    try:
        data = my_data.export_client(session, client)
    finally:
        event.remove(db.engine, "before_cursor_execute", watch)

    writers = {version["written_by"] for plan in data["support_plans"] for version in plan["versions"]}
    assert writers - {None}, "the demo plan has versions written by a worker"
    # A carer is named as the client typed the name when inviting them (no account read).
    assert carer.display_name in {carer_row["carer_name"] for carer_row in data["carers"]}
    lookers = {view["who"] for view in data["who_has_looked_at_your_record"]}
    assert staff.display_name in lookers and None not in lookers
    talkers = {c["written_by"] for plan in data["support_plans"] for c in plan["conversation"]}
    talkers |= {m["written_by"] for conversation in data["messages"] for m in conversation["messages"]}
    mentioned = len((writers | lookers | talkers) - {None})
    accounts = len(session.scalars(select(Account.id)).all())
    assert name_lookups == [mentioned] and mentioned < accounts


def test_the_export_holds_the_ethnic_group_given_at_assessment(session, demo_accounts):
    from sqlalchemy import select

    from portal.domain import my_data
    from portal.models import Account, ClientEthnicity

    account = session.scalar(select(Account).where(Account.email == demo_accounts["client"].email))
    recorded = session.get(ClientEthnicity, account.client_id)
    assert my_data.export_client(session, account.client)["about_you"]["ethnicity"] == (recorded.ethnicity if recorded else None)
    session.merge(ClientEthnicity(client_id=account.client_id, ethnicity="arab"))
    assert my_data.export_client(session, account.client)["about_you"]["ethnicity"] == "arab"
