"""Memos and the relations between codes and categories."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from theorize.domain.codebook import BUILTIN_RELATION_TYPES, MemoType
from theorize.errors import Conflict, InvalidInput, NotFound
from theorize.services.base import Action, ProjectBase, new_guid, now
from theorize.store import schema as t

LINK_TARGETS = ("code", "source", "coding", "memo", "turn")


class MemosMixin(ProjectBase):
    """Services for memos and relations."""

    def _memo_type(self, type_: str) -> str:
        try:
            return MemoType(type_).value
        except ValueError:
            raise InvalidInput(
                f"{type_!r} is not a memo type; use one of {', '.join(m.value for m in MemoType)}."
            ) from None

    def _link(self, act: Action, memo_id: int, kind: str, ref) -> None:
        if kind not in LINK_TARGETS:
            raise InvalidInput(f"A memo links to a {', '.join(LINK_TARGETS)}; not to a {kind!r}.")
        if kind == "code":
            target = self._code_row(act.conn, ref)["id"]
        elif kind == "source":
            target = self._source_row(act.conn, ref)["id"]
        elif kind == "turn":  # the turn, and its source (which every exchange format knows)
            target = self._turn_id(act, ref)
            self._link(act, memo_id, "source", ref[0])
        else:
            table = t.coding if kind == "coding" else t.memo
            if act.conn.execute(select(table.c.id).where(table.c.id == int(ref))).first() is None:
                raise NotFound(f"There is no {kind} {ref}.")
            target = int(ref)
        act.changes.delete_link(t.memo_link, {"memo_id": memo_id, "target_type": kind, "target_id": target})
        act.changes.insert(t.memo_link, {"memo_id": memo_id, "target_type": kind, "target_id": target})

    def _turn_id(self, act: Action, ref) -> int:
        """The stored turn (segment row of the current text) for ``(source, turn number)``."""
        try:
            source, number = ref
            number = int(number)
        except (TypeError, ValueError):
            raise InvalidInput(f"{ref!r} does not name a turn; give a source and a turn number.") from None
        src = self._source_row(act.conn, source)
        version_id, _ = self._source_text(act.conn, src["id"])
        row = act.conn.execute(
            select(t.segment.c.id).where(t.segment.c.source_version_id == version_id, t.segment.c.position == number)
        ).first()
        if row is None:
            raise NotFound(f"{src['name']} has no turn {number}.")
        return row.id

    def memo_turns(self, memo_id: int) -> list[tuple[str, int]]:
        """The turns a memo is attached to, as ``(source name, turn number)``."""
        with self._read() as conn:
            rows = conn.execute(
                select(t.source.c.name, t.segment.c.position)
                .join(t.source_version, t.source_version.c.id == t.segment.c.source_version_id)
                .join(t.source, t.source.c.id == t.source_version.c.source_id)
                .join(t.memo_link, (t.memo_link.c.target_id == t.segment.c.id) & (t.memo_link.c.target_type == "turn"))
                .where(t.memo_link.c.memo_id == memo_id)
                .order_by(t.source.c.name, t.segment.c.position)
            ).all()
        return [(r.name, r.position) for r in rows]

    def write_memo(
        self,
        title: str,
        body: str = "",
        *,
        type: str = "code",
        author: str | None = None,
        written_on: datetime | None = None,
        codes=(),
        sources=(),
        codings=(),
        memos=(),
        turns=(),
    ) -> int:
        """Write a memo (Markdown) and link it to codes, sources, codings, turns and other memos.

        ``turns`` are ``(source, turn number)`` pairs. A memo needs a title and a body.

        Examples:
            >>> study.write_memo("Testing as a stage", "C05 told Luis about...", type="theoretical",
            ...                  codes=["testing with small disclosures"])  # doctest: +SKIP
            7
        """
        if not title.strip():
            raise InvalidInput("A memo needs a title.")
        type = self._memo_type(type)
        if not (body or "").strip():
            raise InvalidInput(f"The memo {title!r} is empty; write its text first.")
        with self._action("write memo", f"wrote memo {title!r}") as act:
            author_id = self._coder_id(act.conn, author, act.changes)
            memo_id = act.changes.insert(
                t.memo,
                {
                    "title": title,
                    "type": self._memo_type(type),
                    "body": body,
                    "author_id": author_id,
                    "written_on": written_on or now(),
                    "guid": new_guid(),
                    "created_at": now(),
                },
            )
            for kind, refs in (
                ("code", codes),
                ("source", sources),
                ("coding", codings),
                ("memo", memos),
                ("turn", turns),
            ):
                for ref in refs:
                    self._link(act, memo_id, kind, ref)
        return memo_id

    def edit_memo(
        self, memo_id: int, *, title: str | None = None, body: str | None = None, type: str | None = None
    ) -> None:
        """Change a memo's title, body or type; the audit trail keeps the earlier text."""
        with self._action("edit memo") as act:
            row = act.conn.execute(select(t.memo).where(t.memo.c.id == memo_id)).mappings().first()
            if row is None:
                raise NotFound(f"There is no memo {memo_id}.")
            values = {}
            if title is not None:
                values["title"] = title
            if body is not None:
                values["body"] = body
            if type is not None:
                values["type"] = self._memo_type(type)
            act.changes.update(t.memo, memo_id, values)
            act.summary = f"edited memo {row['title']!r}"

    def link_memo(self, memo_id: int, *, codes=(), sources=(), codings=(), memos=(), turns=()) -> None:
        """Link an existing memo to more codes, sources, codings, turns or memos."""
        with self._action("link memo", f"linked memo {memo_id}") as act:
            if act.conn.execute(select(t.memo.c.id).where(t.memo.c.id == memo_id)).first() is None:
                raise NotFound(f"There is no memo {memo_id}.")
            for kind, refs in (
                ("code", codes),
                ("source", sources),
                ("coding", codings),
                ("memo", memos),
                ("turn", turns),
            ):
                for ref in refs:
                    self._link(act, memo_id, kind, ref)

    # -- relations -----------------------------------------------------------------------------
    def add_relation_type(self, name: str) -> int:
        """Add a relation type of your own beside the built-in ones."""
        name = name.strip()
        if not name:
            raise InvalidInput("A relation type needs a name.")
        with self._action("add relation type", f"added relation type {name!r}") as act:
            if act.conn.execute(select(t.relation_type.c.id).where(t.relation_type.c.name == name)).first():
                raise Conflict(f"The relation type {name!r} exists already.")
            return act.changes.insert(t.relation_type, {"name": name, "builtin": False})

    def relate(self, source: int | str, target: int | str, type: str = "leads to", *, note: str = "") -> int:
        """A typed, directed link between codes or categories: source --type--> target."""
        with self._action("relate") as act:
            a, b = self._code_row(act.conn, source), self._code_row(act.conn, target)
            if a["id"] == b["id"]:
                raise InvalidInput(f"A relation links two different codes; both ends are {a['name']!r}.")
            rt = act.conn.execute(select(t.relation_type.c.id).where(t.relation_type.c.name == type)).first()
            if rt is None:
                known = [r.name for r in act.conn.execute(select(t.relation_type.c.name))]
                raise InvalidInput(
                    f"{type!r} is not a relation type; use one of: {', '.join(known)} (or add it with add_relation_type)."
                )
            rid = act.changes.insert(
                t.relation,
                {
                    "source_code_id": a["id"],
                    "target_code_id": b["id"],
                    "type_id": rt.id,
                    "note": note,
                    "guid": new_guid(),
                    "created_at": now(),
                },
            )
            act.summary = f"related {a['name']!r} {type} {b['name']!r}"
        return rid

    def unrelate(self, relation_id: int) -> None:
        """Remove a relation."""
        with self._action("unrelate", f"removed relation {relation_id}") as act:
            if act.conn.execute(select(t.relation.c.id).where(t.relation.c.id == relation_id)).first() is None:
                raise NotFound(f"There is no relation {relation_id}.")
            act.changes.delete(t.relation, relation_id)


def builtin_relation_rows() -> list[dict]:
    return [{"name": n, "builtin": True} for n in BUILTIN_RELATION_TYPES]
