"""The commissioners' dashboard at scale: monthly feedback tallies, each goal's first and
latest rating, and covering indexes for released comments and arrangement history.

A database that already holds feedback needs `flask --app portal rebuild-tallies` once
after this upgrade; goals' rating columns are filled here.

Revision ID: 8aa944959874
Revises: 132a46abddb6
Create Date: 2026-11-29 01:11:26.576201
"""
from alembic import op
import sqlalchemy as sa


revision = '8aa944959874'
down_revision = '132a46abddb6'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('feedback_tally',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('dimension', sa.String(length=40), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('answer', sa.String(length=32), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'dimension', 'category', 'answer', name=op.f('pk_feedback_tally'))
    )
    with op.batch_alter_table('feedback_response', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_text_status', ['free_text_status', 'submitted_at'], unique=False)

    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_rating', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('latest_rating', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('rating_count', sa.Integer(), server_default='0', nullable=False))
    op.execute(
        "UPDATE goal SET"
        " rating_count = (SELECT count(*) FROM goal_rating r WHERE r.goal_id = goal.id),"
        " first_rating = (SELECT r.rating FROM goal_rating r WHERE r.goal_id = goal.id ORDER BY r.rated_on, r.id LIMIT 1),"
        " latest_rating = (SELECT r.rating FROM goal_rating r WHERE r.goal_id = goal.id ORDER BY r.rated_on DESC, r.id DESC LIMIT 1)"
    )

    with op.batch_alter_table('support_plan_version', schema=None) as batch_op:
        batch_op.create_index('ix_version_plan_history', ['plan_id', 'version_no', 'created_at', 'arrangement'], unique=False)

def downgrade() -> None:
    with op.batch_alter_table('support_plan_version', schema=None) as batch_op:
        batch_op.drop_index('ix_version_plan_history')

    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.drop_column('rating_count')
        batch_op.drop_column('latest_rating')
        batch_op.drop_column('first_rating')

    with op.batch_alter_table('feedback_response', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_text_status')

    op.drop_table('feedback_tally')
