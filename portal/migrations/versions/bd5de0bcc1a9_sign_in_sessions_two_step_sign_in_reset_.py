"""Sign-in sessions, two-step sign-in, reset links, sign-in throttle

A row per sign-in replaces the account's one session token (everyone signs in again once);
the lock-out columns give way to the throttle table; links get a purpose and can be retired.

Revision ID: bd5de0bcc1a9
Revises: b64b08001653
Create Date: 2026-12-04 17:28:36.872625
"""
from alembic import op
import sqlalchemy as sa
import portal.models.base


revision = 'bd5de0bcc1a9'
down_revision = 'b64b08001653'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sign_in_throttle',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('blocked_until', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_sign_in_throttle'))
    )
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_throttle_last_failure_at'), ['last_failure_at'], unique=False)

    op.create_table('recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('used_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_recovery_code_account_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code'))
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_account_id'), ['account_id'], unique=False)

    op.create_table('sign_in_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('started_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('second_factor_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_sign_in_session_account_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_sign_in_session_token_hash'))
    )
    with op.batch_alter_table('sign_in_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_session_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_session_started_at'), ['started_at'], unique=False)

    # Plain ALTER TABLE, not a batch copy: other tables' foreign keys point at account, so
    # SQLite could not drop it to copy it (SQLite drops plain columns itself since 3.35).
    op.add_column('account', sa.Column('totp_secret', sa.String(length=255), nullable=True))
    op.add_column('account', sa.Column('totp_confirmed_at', portal.models.base.UTCDateTime(timezone=True), nullable=True))
    op.add_column('account', sa.Column('totp_last_step', sa.Integer(), nullable=True))
    op.drop_column('account', 'session_token')
    op.drop_column('account', 'failed_signins')
    op.drop_column('account', 'locked_until')

    # Every existing link is an invitation; of two unused invitations for one account only
    # the newer one works from now on (the older is retired when the newer was made).
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', sa.Enum('invitation', 'password_reset', name='link_purpose', native_enum=False, create_constraint=True, length=32), nullable=False, server_default='invitation'))
        batch_op.add_column(sa.Column('retired_at', portal.models.base.UTCDateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE invitation SET retired_at = (SELECT MIN(newer.created_at) FROM invitation newer "
        "WHERE newer.account_id = invitation.account_id AND newer.id > invitation.id) "
        "WHERE used_at IS NULL AND EXISTS (SELECT 1 FROM invitation newer "
        "WHERE newer.account_id = invitation.account_id AND newer.id > invitation.id)"
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.alter_column('purpose', server_default=None)


def downgrade() -> None:
    # Reset links must not become invitations; an empty session token matches no cookie,
    # so everyone signs in again.
    op.execute("DELETE FROM invitation WHERE purpose = 'password_reset'")
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_invitation_link_purpose'), type_='check')
        batch_op.drop_column('retired_at')
        batch_op.drop_column('purpose')

    op.add_column('account', sa.Column('locked_until', portal.models.base.UTCDateTime(timezone=True), nullable=True))
    op.add_column('account', sa.Column('failed_signins', sa.Integer(), nullable=False, server_default='0'))
    op.add_column('account', sa.Column('session_token', sa.String(length=64), nullable=False, server_default=''))
    op.drop_column('account', 'totp_last_step')
    op.drop_column('account', 'totp_confirmed_at')
    op.drop_column('account', 'totp_secret')

    with op.batch_alter_table('sign_in_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_session_started_at'))
        batch_op.drop_index(batch_op.f('ix_sign_in_session_account_id'))

    op.drop_table('sign_in_session')
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_account_id'))

    op.drop_table('recovery_code')
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_throttle_last_failure_at'))

    op.drop_table('sign_in_throttle')
