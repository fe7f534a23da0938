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
    with op.batch_alter_table('support_plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('team_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_support_plan_team_id_team'), 'team', ['team_id'], ['id'])
    op.execute("UPDATE support_plan SET team_id = (SELECT c.team_id FROM client c WHERE c.id = support_plan.client_id)")
    with op.batch_alter_table('support_plan', schema=None) as batch_op:
        batch_op.create_index('ix_support_plan_team_caseload', ['team_id', 'next_review_due'], unique=False,
                              postgresql_where=sa.text('ended_on IS NULL'), sqlite_where=sa.text('ended_on IS NULL'))


def downgrade() -> None:
    with op.batch_alter_table('support_plan', schema=None) as batch_op:
        batch_op.drop_index('ix_support_plan_team_caseload', postgresql_where=sa.text('ended_on IS NULL'),
                            sqlite_where=sa.text('ended_on IS NULL'))
        batch_op.drop_constraint(batch_op.f('fk_support_plan_team_id_team'), type_='foreignkey')
        batch_op.drop_column('team_id')
