"""A plan carries its client's team, with a partial index for the team's caseload: the
caseload no longer joins every client to find a team's open plans (at a million clients
PostgreSQL scanned every open plan to do so).

Revision ID: f3b1c0a5e2d7
Revises: e7a1c2d3f4b5
Create Date: 2026-12-06 16:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'f3b1c0a5e2d7'
down_revision = 'e7a1c2d3f4b5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        # A plain ALTER TABLE, not a batch copy: other tables' foreign keys point at
        # support_plan, so SQLite cannot drop it to copy it once it holds rows.
        op.execute('ALTER TABLE support_plan ADD COLUMN team_id INTEGER'
                   ' CONSTRAINT fk_support_plan_team_id_team REFERENCES team (id)')
    else:
        op.add_column('support_plan', sa.Column('team_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_support_plan_team_id_team'), 'support_plan', 'team', ['team_id'], ['id'])
    op.execute("UPDATE support_plan SET team_id = (SELECT c.team_id FROM client c WHERE c.id = support_plan.client_id)")
    with op.batch_alter_table('support_plan', schema=None) as batch_op:
        batch_op.create_index('ix_support_plan_team_caseload', ['team_id', 'next_review_due'], unique=False,
                              postgresql_where=sa.text('ended_on IS NULL'), sqlite_where=sa.text('ended_on IS NULL'))


def downgrade() -> None:
    with op.batch_alter_table('support_plan', schema=None) as batch_op:
        batch_op.drop_index('ix_support_plan_team_caseload', postgresql_where=sa.text('ended_on IS NULL'),
                            sqlite_where=sa.text('ended_on IS NULL'))
    if op.get_bind().dialect.name == 'sqlite':
        op.drop_column('support_plan', 'team_id')  # SQLite 3.35+ drops it with its reference
    else:
        op.drop_constraint(op.f('fk_support_plan_team_id_team'), 'support_plan', type_='foreignkey')
        op.drop_column('support_plan', 'team_id')
