"""property and dimension values on codings

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('coding_property',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('coding_id', sa.Integer(), nullable=False),
    sa.Column('property_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['coding_id'], ['coding.id'], name=op.f('fk_coding_property_coding_id_coding'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['property_id'], ['category_property.id'], name=op.f('fk_coding_property_property_id_category_property'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coding_property')),
    sa.UniqueConstraint('coding_id', 'property_id', name='uq_coding_property_coding_id_property_id')
    )
    op.create_index('ix_coding_property_property', 'coding_property', ['property_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_coding_property_property', table_name='coding_property')
    op.drop_table('coding_property')
