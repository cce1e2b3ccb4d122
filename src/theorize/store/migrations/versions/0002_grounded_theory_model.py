"""grounded theory model

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 19:55:57.254923
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('model_stage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_model_stage')),
    sa.UniqueConstraint('guid', name=op.f('uq_model_stage_guid')),
    sa.UniqueConstraint('name', name=op.f('uq_model_stage_name'))
    )
    op.create_table('category_property',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['code_id'], ['code.id'], name=op.f('fk_category_property_code_id_code'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_category_property'))
    )
    op.create_table('category_role',
    sa.Column('code_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['code_id'], ['code.id'], name=op.f('fk_category_role_code_id_code'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stage_id'], ['model_stage.id'], name=op.f('fk_category_role_stage_id_model_stage'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('code_id', name=op.f('pk_category_role'))
    )
    


def downgrade() -> None:
    
    op.drop_table('category_role')
    op.drop_table('category_property')
    op.drop_table('model_stage')
    
