"""Feedback already given cannot be lined up with the person who gave it

Since 569a0f0 a feedback response keeps only its day (midnight UTC) and neither opening the
signed-in feedback form nor sending it writes an audit event: a time to the second beside
"Alex opened the feedback form at 10:03" named the author of an anonymous response. This
does the same for what was stored before:

- feedback_response.submitted_at becomes midnight UTC of its day;
- audit_event rows with the actions 'feedback_given' (someone sent feedback) and
  'give_feedback' (someone opened the form, which showed nothing of the record but the
  provider's name) are deleted. They recorded no access to a record that "Who has looked"
  needs, only the link this removes.

There is no going back: the times and events are gone on purpose.

Revision ID: c0ffee1feed5
Revises: 5e1d0c4a9b27
Create Date: 2026-12-04 21:00:00
"""
from alembic import op

revision = 'c0ffee1feed5'
down_revision = '5e1d0c4a9b27'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE feedback_response SET submitted_at = "
                   "date_trunc('day', submitted_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' "
                   "WHERE submitted_at <> date_trunc('day', submitted_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'")
    else:  # SQLite keeps 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC
        op.execute("UPDATE feedback_response SET submitted_at = substr(submitted_at, 1, 10) || ' 00:00:00.000000' "
                   "WHERE substr(submitted_at, 11) <> ' 00:00:00.000000'")
    op.execute("DELETE FROM audit_event WHERE action IN ('feedback_given', 'give_feedback')")


def downgrade() -> None:
    pass  # what was removed is not kept anywhere
