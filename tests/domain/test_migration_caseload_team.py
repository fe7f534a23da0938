"""The migration that puts the client's team on each plan, on a database that holds plans."""
import datetime as dt

import pytest
from sqlalchemy import MetaData, insert, select

from portal.db import make_engine
from portal.migrate import upgrade

BEFORE, THIS = "e7a1c2d3f4b5", "f3b1c0a5e2d7"


@pytest.mark.db
def test_existing_plans_take_their_clients_team_and_keep_what_points_at_them(empty_database_url):
    upgrade(empty_database_url, BEFORE)
    engine = make_engine(empty_database_url)
    tables = MetaData()
    tables.reflect(engine, only=["team", "client", "support_plan", "goal"])
    team, client, plan, goal = (tables.tables[name] for name in ("team", "client", "support_plan", "goal"))
    day, moment = dt.date(2026, 1, 5), dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
    with engine.begin() as conn:
        conn.execute(insert(team), [{"id": 1, "name": "North"}, {"id": 2, "name": "South"}])
        conn.execute(insert(client), [
            {"id": n, "given_name": "A", "family_name": "B", "preferred_language": "en",
             "section_117_aftercare": False, "team_id": team_id, "created_at": moment}
            for n, team_id in ((1, 1), (2, 2), (3, None))])
        conn.execute(insert(plan), [
            {"id": n, "client_id": n, "level": 1, "status": "agreed", "arrangement": "council_arranged",
             "block_start": day, "block_end": day, "started_on": day, "current_version_no": 1,
             "lock_version": 1, "created_at": moment} for n in (1, 2, 3)])
        # Rows that point at support_plan: SQLite could not drop the table to copy it.
        conn.execute(insert(goal), [{"plan_id": 1, "position": 1, "description": "Cook", "steps": "", "who_helps": "", "status": "active",
                                     "created_at": moment}])
    engine.dispose()

    upgrade(empty_database_url, THIS)

    engine = make_engine(empty_database_url)
    tables = MetaData()
    tables.reflect(engine, only=["support_plan", "goal"])
    plan = tables.tables["support_plan"]
    with engine.connect() as conn:
        assert conn.execute(select(plan.c.id, plan.c.team_id).order_by(plan.c.id)).all() == [(1, 1), (2, 2), (3, None)]
        assert conn.scalar(select(tables.tables["goal"].c.plan_id)) == 1
    engine.dispose()
