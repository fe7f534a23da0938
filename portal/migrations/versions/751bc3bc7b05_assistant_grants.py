"""Assistant grants: short-lived, per chat and client, for the assistant's personal answers.

Revision ID: 751bc3bc7b05
Revises: 8aa944959874
Create Date: 2026-11-29 03:22:33.315575
"""
from alembic import op
import sqlalchemy as sa
import portal.models.base


revision = '751bc3bc7b05'
down_revision = '8aa944959874'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('assistant_grant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('chat_hash', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('expires_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_assistant_grant_account_id_account')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_assistant_grant_client_id_client')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistant_grant')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_assistant_grant_token_hash'))
    )
    with op.batch_alter_table('assistant_grant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistant_grant_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assistant_grant_chat_hash'), ['chat_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_assistant_grant_expires_at'), ['expires_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('assistant_grant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistant_grant_expires_at'))
        batch_op.drop_index(batch_op.f('ix_assistant_grant_chat_hash'))
        batch_op.drop_index(batch_op.f('ix_assistant_grant_account_id'))

    op.drop_table('assistant_grant')
