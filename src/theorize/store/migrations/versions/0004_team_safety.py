"""live code names unique under their parent; coding ids never reused

Two people adding the same code at once must not make two codes: a live (not merged) code's name is
unique among its siblings, by two partial unique indexes (one for top-level codes, whose parent is
NULL, one for the rest). Codes that already share a name in one place (possible after an undo
restored a merged code) keep the oldest's name; each other one gets its id appended.

A coding's number is shown to people and named in memos, so it is never given again after the
coding is removed: on SQLite the coding table is rebuilt with AUTOINCREMENT (PostgreSQL's sequences
never hand a number out twice). The rebuild drops the old table, whose rows' ``coding_selection``
entries go with it by their cascade: they are put back.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_code = sa.table('code', sa.column('id', sa.Integer), sa.column('name', sa.String),
                 sa.column('parent_id', sa.Integer), sa.column('merged_into_id', sa.Integer))
_selection = sa.table('coding_selection', sa.column('coding_id', sa.Integer),
                      sa.column('selection_guid', sa.String))
_LIVE = sa.text('merged_into_id IS NULL')
_LIVE_AT_TOP = sa.text('parent_id IS NULL AND merged_into_id IS NULL')


def _rename_repeated_names(conn) -> None:
    rows = conn.execute(sa.select(_code.c.id, _code.c.name, _code.c.parent_id)
                        .where(_code.c.merged_into_id.is_(None)).order_by(_code.c.id)).all()
    taken = {(r.parent_id, r.name) for r in rows}
    seen: set = set()
    for r in rows:
        if (r.parent_id, r.name) not in seen:
            seen.add((r.parent_id, r.name))
            continue
        name = f"{r.name} ({r.id})"
        while (r.parent_id, name) in taken:
            name += "'"
        taken.add((r.parent_id, name))
        seen.add((r.parent_id, name))
        conn.execute(sa.update(_code).where(_code.c.id == r.id).values(name=name))


def upgrade() -> None:
    conn = op.get_bind()
    _rename_repeated_names(conn)
    op.create_index('uq_code_live_name_top', 'code', ['name'], unique=True,
                    sqlite_where=_LIVE_AT_TOP, postgresql_where=_LIVE_AT_TOP)
    op.create_index('uq_code_live_name_under', 'code', ['parent_id', 'name'], unique=True,
                    sqlite_where=_LIVE, postgresql_where=_LIVE)
    if conn.dialect.name == 'sqlite':
        kept = [dict(r) for r in conn.execute(sa.select(_selection)).mappings()]
        with op.batch_alter_table('coding', recreate='always', table_kwargs={'sqlite_autoincrement': True}):
            pass
        conn.execute(sa.delete(_selection))
        if kept:
            conn.execute(sa.insert(_selection), kept)


def downgrade() -> None:
    op.drop_index('uq_code_live_name_under', table_name='code')
    op.drop_index('uq_code_live_name_top', table_name='code')
