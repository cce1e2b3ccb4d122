"""accounts, roles and blind coding rounds

People who sign in to a team server (account; the Argon2id hash and sign-in bookkeeping apart in
account_secret, outside the audit chain), the key that signs cookies for every worker, and blind
coding rounds.

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_account"),
        sa.UniqueConstraint("name", name="uq_account_name"),
    )
    op.create_table(
        "account_secret",
        sa.Column("account_id", sa.Integer,
                  sa.ForeignKey("account.id", ondelete="CASCADE", name="fk_account_secret_account_id_account"),
                  nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("epoch", sa.Integer, nullable=False),
        sa.Column("failed", sa.Integer, nullable=False),
        sa.Column("wait_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("account_id", name="pk_account_secret"),
    )
    op.create_table(
        "server_key",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("value", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_server_key"),
        sa.UniqueConstraint("purpose", name="uq_server_key_purpose"),
    )
    op.create_table(
        "coding_round",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("sources", sa.Text, nullable=False),
        sa.Column("coders", sa.Text, nullable=False),
        sa.Column("codebook", sa.String(10), nullable=False),
        sa.Column("opened_by", sa.String(200), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("results", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_coding_round"),
        sa.UniqueConstraint("name", name="uq_coding_round_name"),
    )


def downgrade() -> None:
    op.drop_table("coding_round")
    op.drop_table("server_key")
    op.drop_table("account_secret")
    op.drop_table("account")
