"""stored REFI selection GUIDs and carried-over exchange facts

Every coding gets the GUID of the REFI-QDA selection it is exported in, random and stored
(``coding.selection_guid``). Before, a coding's selection GUID was made from its row number, so
coding #1 had the same selection GUID in every project and two projects' exports collided in a third.
Existing rows are filled: a coding imported from REFI-QDA keeps the selection GUID it came with
(``coding_selection``); every other coding gets a new random one.

Revision ID: 0005
Revises: 0004
"""
import uuid

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('coding', schema=None) as batch_op:
        batch_op.add_column(sa.Column('selection_guid', sa.String(length=36), nullable=True))
    conn = op.get_bind()
    coding = sa.table('coding', sa.column('id', sa.Integer), sa.column('selection_guid', sa.String))
    kept = sa.table('coding_selection', sa.column('coding_id', sa.Integer), sa.column('selection_guid', sa.String))
    came_with = dict(conn.execute(sa.select(kept.c.coding_id, kept.c.selection_guid)).all())
    ids = [r[0] for r in conn.execute(sa.select(coding.c.id).order_by(coding.c.id))]
    rows = [{"row_id": i, "value": came_with.get(i) or str(uuid.uuid4())} for i in ids]
    if rows:
        conn.execute(sa.update(coding).where(coding.c.id == sa.bindparam("row_id"))
                     .values(selection_guid=sa.bindparam("value")), rows)
    # Rebuilding the coding table on SQLite keeps its AUTOINCREMENT (0004: coding numbers never reused).
    with op.batch_alter_table('coding', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.alter_column('selection_guid', existing_type=sa.String(length=36), nullable=False)
        batch_op.create_index(batch_op.f('ix_coding_selection_guid'), ['selection_guid'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('coding', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coding_selection_guid'))
        batch_op.drop_column('selection_guid')
