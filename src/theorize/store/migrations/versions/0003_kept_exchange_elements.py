"""kept exchange elements

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 20:12:58.540379
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('exchange_kept',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_kept')),
    sa.UniqueConstraint('guid', name=op.f('uq_exchange_kept_guid'))
    )
    op.create_table('coding_selection',
    sa.Column('coding_id', sa.Integer(), nullable=False),
    sa.Column('selection_guid', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['coding_id'], ['coding.id'], name=op.f('fk_coding_selection_coding_id_coding'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('coding_id', name=op.f('pk_coding_selection'))
    )
    with op.batch_alter_table('coding_selection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coding_selection_selection_guid'), ['selection_guid'], unique=False)

    


def downgrade() -> None:
    
    with op.batch_alter_table('coding_selection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coding_selection_selection_guid'))

    op.drop_table('coding_selection')
    op.drop_table('exchange_kept')
    
