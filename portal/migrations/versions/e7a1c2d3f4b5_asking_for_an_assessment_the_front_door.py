"""Asking for an assessment through the portal (the front door): referrals get a reference,
the contact details typed, a triage status, an urgent flag, a team and the day of first
contact; a referral may have no client yet; safeguarding alerts may come from a referral.

Referrals recorded before keep status NULL (they were never in the triage queue) and no
first-contact day (the wait to first contact counts their assessment, see
portal/domain/referrals.py).

Revision ID: e7a1c2d3f4b5
Revises: ad0c9064f610
Create Date: 2026-12-05 08:00:00
"""
from alembic import op
import sqlalchemy as sa
import portal.models.base


revision = 'e7a1c2d3f4b5'
down_revision = 'ad0c9064f610'
branch_labels = None
depends_on = None

ALERT_SOURCES = ('feedback', 'plan_comment', 'goal_note', 'arrangement_request', 'review_request', 'message')


def _alert_sources(sources: tuple[str, ...]) -> None:
    with op.batch_alter_table('safeguarding_alert', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_safeguarding_alert_alert_source'), type_='check')
        batch_op.create_check_constraint(op.f('ck_safeguarding_alert_alert_source'),
                                         f"source IN ({', '.join(repr(s) for s in sources)})")


def upgrade() -> None:
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contacted_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('reference', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('submission_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('status', sa.Enum('new', 'contacted', 'assessment_booked', 'not_eligible', 'passed_to_team', name='referral_status', native_enum=False, create_constraint=True, length=32), nullable=True))
        batch_op.add_column(sa.Column('urgent', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('team_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('not_eligible_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('for_someone_else', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('agreement', sa.Enum('agrees', 'cannot_decide', name='referral_agreement', native_enum=False, create_constraint=True, length=32), nullable=True))
        batch_op.add_column(sa.Column('person_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('person_phone', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('person_email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('referrer_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('referrer_phone', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('referrer_email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('relationship_to_person', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('about', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('updated_at', portal.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.alter_column('client_id', existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index('ix_referral_triage', ['status', 'created_at'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_referral_reference'), ['reference'])
        batch_op.create_unique_constraint(batch_op.f('uq_referral_submission_key'), ['submission_key'])
        batch_op.create_foreign_key(batch_op.f('fk_referral_team_id_team'), 'team', ['team_id'], ['id'])
    _alert_sources(ALERT_SOURCES + ('referral',))


def downgrade() -> None:
    # Referrals from the front door have no client and cannot go back: downgrading drops them.
    op.execute("DELETE FROM safeguarding_alert WHERE source = 'referral'")
    _alert_sources(ALERT_SOURCES)
    op.execute("DELETE FROM referral WHERE client_id IS NULL")
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_referral_team_id_team'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_referral_submission_key'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_referral_reference'), type_='unique')
        batch_op.drop_index('ix_referral_triage')
        batch_op.drop_constraint(batch_op.f('ck_referral_referral_agreement'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_referral_referral_status'), type_='check')
        batch_op.alter_column('client_id', existing_type=sa.INTEGER(), nullable=False)
        for column in ('updated_at', 'created_at', 'about', 'relationship_to_person', 'referrer_email',
                       'referrer_phone', 'referrer_name', 'person_email', 'person_phone', 'person_name',
                       'agreement', 'for_someone_else', 'language', 'not_eligible_reason', 'team_id',
                       'urgent', 'status', 'submission_key', 'reference', 'contacted_on'):
            batch_op.drop_column(column)
