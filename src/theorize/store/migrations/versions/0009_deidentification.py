"""de-identification findings, entities and applied replacements

Findings hold where (source, version, code-point offsets), what type and which recogniser, never
the words themselves: while a source is not yet de-identified its text is in the project anyway,
and afterwards the identified words are only in the separate encrypted vault (``deid/vault.py``).
``deid_replacement`` is the anonymisation log (type, where, label, by whom, when; never the real
value). ``audit_event.hash_version`` says how an event's hash was made: 1 over its change images as
written, 2 over a digest of each image value, so an identified value can later be replaced by its
digest (and kept in the vault) while ``audit verify`` still holds.

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(sa.Column("hash_version", sa.Integer, nullable=False, server_default="1"))
    op.create_table(
        "deid_entity",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_deid_entity"),
        sa.UniqueConstraint("label", name="uq_deid_entity_label"),
    )
    op.create_table(
        "deid_finding",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_id", sa.Integer,
                  sa.ForeignKey("source.id", ondelete="CASCADE", name="fk_deid_finding_source_id_source"),
                  nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("recogniser", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("entity_id", sa.Integer,
                  sa.ForeignKey("deid_entity.id", ondelete="SET NULL", name="fk_deid_finding_entity_id_deid_entity"),
                  nullable=True),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_deid_finding"),
    )
    op.create_index("ix_deid_finding_source_id", "deid_finding", ["source_id"])
    op.create_table(
        "deid_term",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("list", sa.String(10), nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_deid_term"),
    )
    op.create_table(
        "deid_replacement",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_id", sa.Integer,
                  sa.ForeignKey("source.id", ondelete="CASCADE", name="fk_deid_replacement_source_id_source"),
                  nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_deid_replacement"),
    )
    op.create_index("ix_deid_replacement_source_id", "deid_replacement", ["source_id"])


def downgrade() -> None:
    op.drop_index("ix_deid_replacement_source_id", table_name="deid_replacement")
    op.drop_table("deid_replacement")
    op.drop_table("deid_term")
    op.drop_index("ix_deid_finding_source_id", table_name="deid_finding")
    op.drop_table("deid_finding")
    op.drop_table("deid_entity")
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_column("hash_version")
