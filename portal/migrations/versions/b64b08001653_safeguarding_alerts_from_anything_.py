"""Safeguarding alerts from anything people write, for the team of the client they are about

Revision ID: b64b08001653
Revises: 751bc3bc7b05
Create Date: 2026-12-04 16:24:53.864032
"""
from alembic import op
import sqlalchemy as sa
import portal.models.base


revision = 'b64b08001653'
down_revision = '751bc3bc7b05'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing alerts came from feedback: they take the feedback's words (the response
    # itself keeps them too; new alerts take the words away from the response).
    with op.batch_alter_table('safeguarding_alert', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.Enum('feedback', 'plan_comment', 'goal_note', 'arrangement_request', name='alert_source', native_enum=False, create_constraint=True, length=32), nullable=False, server_default='feedback'))
        batch_op.add_column(sa.Column('kinds', sa.JSON(), nullable=False, server_default='["self"]'))
        batch_op.add_column(sa.Column('client_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('team_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('text', sa.Text(), nullable=False, server_default=''))
    op.execute(
        "UPDATE safeguarding_alert SET text = COALESCE((SELECT COALESCE(r.fft_reason, '') || ' ' || "
        "COALESCE(r.other_comments, '') FROM feedback_response r WHERE r.id = safeguarding_alert.feedback_response_id), '')"
    )
    with op.batch_alter_table('safeguarding_alert', schema=None) as batch_op:
        batch_op.alter_column('source', server_default=None)
        batch_op.alter_column('kinds', server_default=None)
        batch_op.alter_column('text', server_default=None)
        batch_op.create_index(batch_op.f('ix_safeguarding_alert_client_id'), ['client_id'], unique=False)
        batch_op.create_index('ix_safeguarding_alert_open', ['handled_at', 'team_id'], unique=False)
        batch_op.drop_constraint(batch_op.f('fk_safeguarding_alert_feedback_response_id_feedback_response'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_safeguarding_alert_team_id_team'), 'team', ['team_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_safeguarding_alert_client_id_client'), 'client', ['client_id'], ['id'])
        batch_op.drop_column('feedback_response_id')


def downgrade() -> None:
    # The alerts' words cannot go back to a feedback response: downgrading drops them.
    op.execute("DELETE FROM safeguarding_alert")
    with op.batch_alter_table('safeguarding_alert', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feedback_response_id', sa.INTEGER(), nullable=False))
        batch_op.drop_constraint(batch_op.f('fk_safeguarding_alert_client_id_client'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_safeguarding_alert_team_id_team'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_safeguarding_alert_feedback_response_id_feedback_response'), 'feedback_response', ['feedback_response_id'], ['id'])
        batch_op.drop_index('ix_safeguarding_alert_open')
        batch_op.drop_index(batch_op.f('ix_safeguarding_alert_client_id'))
        batch_op.drop_column('text')
        batch_op.drop_column('team_id')
        batch_op.drop_column('client_id')
        batch_op.drop_column('kinds')
        batch_op.drop_column('source')
