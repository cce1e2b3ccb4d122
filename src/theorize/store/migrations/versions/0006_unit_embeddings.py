"""unit embeddings per text version and machine suggestions

Machine suggestions themselves are codings (origin, model_id, confidence, status since 0001); this
adds the stored passage vectors and the record of what a local language model was asked.

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unit_embedding",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_version_id", sa.Integer,
                  sa.ForeignKey("source_version.id", ondelete="CASCADE",
                                name="fk_unit_embedding_source_version_id_source_version"), nullable=False),
        sa.Column("unit", sa.String(10), nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("text_sha256", sa.String(64), nullable=False),
        sa.Column("model_id", sa.String(200), nullable=False),
        sa.Column("vector", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_unit_embedding"),
    )
    op.create_index("ix_unit_embedding_version_model", "unit_embedding", ["source_version_id", "model_id"])
    op.create_index("ix_unit_embedding_model_text", "unit_embedding", ["model_id", "text_sha256"])
    op.create_table(
        "machine_exchange",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("task", sa.String(40), nullable=False),
        sa.Column("model_id", sa.String(200), nullable=False),
        sa.Column("prompt", sa.Text, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("kept", sa.Text, nullable=False),
        sa.Column("quotes_dropped", sa.Integer, nullable=False),
        sa.Column("guid", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_machine_exchange"),
        sa.UniqueConstraint("guid", name="uq_machine_exchange_guid"),
    )


def downgrade() -> None:
    op.drop_table("machine_exchange")
    op.drop_index("ix_unit_embedding_model_text", table_name="unit_embedding")
    op.drop_index("ix_unit_embedding_version_model", table_name="unit_embedding")
    op.drop_table("unit_embedding")
