"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-28 19:50:47.230757
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('attribute',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attribute')),
    sa.UniqueConstraint('guid', name=op.f('uq_attribute_guid')),
    sa.UniqueConstraint('name', name=op.f('uq_attribute_name'))
    )
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=80), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('changes', sa.Text(), nullable=False),
    sa.Column('undoes', sa.Integer(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    op.create_table('code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('in_vivo', sa.Boolean(), nullable=False),
    sa.Column('colour', sa.String(length=9), nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['merged_into_id'], ['code.id'], name=op.f('fk_code_merged_into_id_code'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_id'], ['code.id'], name=op.f('fk_code_parent_id_code'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_code')),
    sa.UniqueConstraint('guid', name=op.f('uq_code_guid'))
    )
    op.create_table('coder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coder')),
    sa.UniqueConstraint('guid', name=op.f('uq_coder_guid')),
    sa.UniqueConstraint('name', name=op.f('uq_coder_name'))
    )
    op.create_table('participant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pseudonym', sa.String(length=200), nullable=False),
    sa.Column('group_name', sa.String(length=200), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant')),
    sa.UniqueConstraint('guid', name=op.f('uq_participant_guid')),
    sa.UniqueConstraint('pseudonym', name=op.f('uq_participant_pseudonym'))
    )
    op.create_table('relation_type',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('builtin', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relation_type')),
    sa.UniqueConstraint('name', name=op.f('uq_relation_type_name'))
    )
    op.create_table('snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_snapshot')),
    sa.UniqueConstraint('name', name=op.f('uq_snapshot_name'))
    )
    op.create_table('source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('file_format', sa.String(length=20), nullable=False),
    sa.Column('imported_sha256', sa.String(length=64), nullable=False),
    sa.Column('current_version', sa.Integer(), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source')),
    sa.UniqueConstraint('guid', name=op.f('uq_source_guid')),
    sa.UniqueConstraint('imported_sha256', name=op.f('uq_source_imported_sha256'))
    )
    op.create_table('study',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('research_question', sa.Text(), nullable=False),
    sa.Column('method_notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('audit_head', sa.String(length=64), nullable=False),
    sa.Column('audit_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_study'))
    )
    op.create_table('attribute_value',
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('attribute_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['attribute_id'], ['attribute.id'], name=op.f('fk_attribute_value_attribute_id_attribute'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_attribute_value_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('participant_id', 'attribute_id', name=op.f('pk_attribute_value'))
    )
    op.create_table('code_lineage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_id', sa.Integer(), nullable=False),
    sa.Column('origin_code_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['code_id'], ['code.id'], name=op.f('fk_code_lineage_code_id_code'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['origin_code_id'], ['code.id'], name=op.f('fk_code_lineage_origin_code_id_code'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_code_lineage'))
    )
    op.create_table('coding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('source_version', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('code_id', sa.Integer(), nullable=False),
    sa.Column('coder_id', sa.Integer(), nullable=False),
    sa.Column('origin', sa.String(length=20), nullable=False),
    sa.Column('model_id', sa.String(length=200), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('review', sa.String(length=20), nullable=True),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['code_id'], ['code.id'], name=op.f('fk_coding_code_id_code'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['coder_id'], ['coder.id'], name=op.f('fk_coding_coder_id_coder')),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_coding_source_id_source'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coding')),
    sa.UniqueConstraint('guid', name=op.f('uq_coding_guid'))
    )
    with op.batch_alter_table('coding', schema=None) as batch_op:
        batch_op.create_index('ix_coding_code', ['code_id'], unique=False)
        batch_op.create_index('ix_coding_source', ['source_id', 'start'], unique=False)

    op.create_table('memo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('written_on', sa.DateTime(timezone=True), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['coder.id'], name=op.f('fk_memo_author_id_coder')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memo')),
    sa.UniqueConstraint('guid', name=op.f('uq_memo_guid'))
    )
    op.create_table('relation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_code_id', sa.Integer(), nullable=False),
    sa.Column('target_code_id', sa.Integer(), nullable=False),
    sa.Column('type_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['source_code_id'], ['code.id'], name=op.f('fk_relation_source_code_id_code'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_code_id'], ['code.id'], name=op.f('fk_relation_target_code_id_code'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['type_id'], ['relation_type.id'], name=op.f('fk_relation_type_id_relation_type')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relation')),
    sa.UniqueConstraint('guid', name=op.f('uq_relation_guid'))
    )
    op.create_table('source_participant',
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_source_participant_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_source_participant_source_id_source'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('source_id', 'participant_id', name=op.f('pk_source_participant'))
    )
    op.create_table('source_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('text_sha256', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_source_version_source_id_source'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source_version')),
    sa.UniqueConstraint('source_id', 'version', name='uq_source_version_source_id_version')
    )
    op.create_table('memo_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('memo_id', sa.Integer(), nullable=False),
    sa.Column('target_type', sa.String(length=20), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['memo_id'], ['memo.id'], name=op.f('fk_memo_link_memo_id_memo'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memo_link')),
    sa.UniqueConstraint('memo_id', 'target_type', 'target_id', name='uq_memo_link_target')
    )
    op.create_table('segment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('speaker', sa.String(length=200), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('started_at', sa.Float(), nullable=True),
    sa.Column('ended_at', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['source_version_id'], ['source_version.id'], name=op.f('fk_segment_source_version_id_source_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_segment'))
    )
    with op.batch_alter_table('segment', schema=None) as batch_op:
        batch_op.create_index('ix_segment_version_position', ['source_version_id', 'position'], unique=False)

    


def downgrade() -> None:
    
    with op.batch_alter_table('segment', schema=None) as batch_op:
        batch_op.drop_index('ix_segment_version_position')

    op.drop_table('segment')
    op.drop_table('memo_link')
    op.drop_table('source_version')
    op.drop_table('source_participant')
    op.drop_table('relation')
    op.drop_table('memo')
    with op.batch_alter_table('coding', schema=None) as batch_op:
        batch_op.drop_index('ix_coding_source')
        batch_op.drop_index('ix_coding_code')

    op.drop_table('coding')
    op.drop_table('code_lineage')
    op.drop_table('attribute_value')
    op.drop_table('study')
    op.drop_table('source')
    op.drop_table('snapshot')
    op.drop_table('relation_type')
    op.drop_table('participant')
    op.drop_table('coder')
    op.drop_table('code')
    op.drop_table('audit_event')
    op.drop_table('attribute')
    
