"""Questions the assistant could not answer (redacted, no identity, kept 30 days)

Revision ID: 5e1d0c4a9b27
Revises: 381f871abf47
Create Date: 2026-12-04 21:35:00
"""
import sqlalchemy as sa
from alembic import op

revision = '5e1d0c4a9b27'
down_revision = '381f871abf47'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'unanswered_question',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('text', sa.String(length=500), nullable=False),
        sa.Column('asked_on', sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_unanswered_question')),
    )
    with op.batch_alter_table('unanswered_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unanswered_question_asked_on'), ['asked_on'], unique=False)


def downgrade():
    with op.batch_alter_table('unanswered_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unanswered_question_asked_on'))
    op.drop_table('unanswered_question')
