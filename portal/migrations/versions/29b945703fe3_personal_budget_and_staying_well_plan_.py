"""Personal budget and staying-well plan on plan versions

Existing versions get no budget (shown as not set yet: staff add it, and the client agrees
it) and an empty staying-well plan ({} from the server default).

Revision ID: 29b945703fe3
Revises: ac5fc30c66d3
Create Date: 2026-12-04 19:00:07.348118
"""
from alembic import op
import sqlalchemy as sa
import portal.models.base


revision = '29b945703fe3'
down_revision = 'ac5fc30c66d3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('support_plan_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('budget_pence_a_year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('budget_direct_payment_pence_a_year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('contribution_pence_a_week', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('staying_well', sa.JSON(), server_default='{}', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('support_plan_version', schema=None) as batch_op:
        batch_op.drop_column('staying_well')
        batch_op.drop_column('contribution_pence_a_week')
        batch_op.drop_column('budget_direct_payment_pence_a_year')
        batch_op.drop_column('budget_pence_a_year')

