"""The models and the Alembic migrations describe the same schema."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.db import db
from portal.domain import audit
from portal.models import AuditEvent, Base, utcnow


@pytest.mark.db
def test_migrations_match_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "render_as_batch": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


@pytest.mark.db
def test_audit_events_cannot_be_changed_through_the_orm(session):
    event = audit.record(session, actor=None, action="sign_in", now=utcnow())
    session.commit()
    event.action = "sign_out"
    with pytest.raises(PermissionError):
        session.flush()
    session.rollback()
    session.delete(session.get(AuditEvent, event.id))
    with pytest.raises(PermissionError):
        session.flush()
