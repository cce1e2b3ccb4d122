"""Codebook work grounded theory needs: create, rename, define, nest, move, merge, split, promote,
in-vivo codes, snapshots, their diff, and lineage."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, func, select
from sqlalchemy.exc import IntegrityError

from theorize.domain.code_tree import CodeTree, build_code_tree
from theorize.domain.codebook import SnapshotDiff, Stage, counts, diff_snapshots
from theorize.errors import Conflict, InvalidInput, NotFound
from theorize.services.base import Action, ProjectBase, code_name_clash, new_guid, now
from theorize.store import schema as t

if TYPE_CHECKING:
    import pandas as pd

_COLOUR_DIGITS = set("0123456789abcdefABCDEF")


def _check_colour(colour: str | None) -> str | None:
    if colour is None:
        return None
    if not (colour.startswith("#") and len(colour) in (4, 7, 9) and set(colour[1:]) <= _COLOUR_DIGITS):
        raise InvalidInput(f"{colour!r} is not a colour; give it as #RRGGBB, for example #1f77b4.")
    return colour


def _stage(stage: str | Stage) -> Stage:
    try:
        return Stage(stage)
    except ValueError:
        raise InvalidInput(
            f"{stage!r} is not a coding stage; use one of {', '.join(s.value for s in Stage)}."
        ) from None


class CodebookMixin(ProjectBase):
    """Services for the codebook."""

    def _check_name_free(
        self, conn: Connection, name: str, parent_id: int | None, except_id: int | None = None
    ) -> None:
        if not name.strip():
            raise InvalidInput("A code needs a name.")
        q = select(t.code.c.id).where(t.code.c.name == name, t.code.c.merged_into_id.is_(None))
        q = q.where(t.code.c.parent_id.is_(None) if parent_id is None else t.code.c.parent_id == parent_id)
        row = conn.execute(q).first()
        if row and row.id != except_id:
            raise Conflict(f"There is already a code called {name!r} in that place of the codebook (id {row.id}).")

    def _insert_code(
        self,
        act: Action,
        name: str,
        *,
        definition: str = "",
        stage: str | Stage = Stage.INITIAL,
        parent_id: int | None = None,
        in_vivo: bool = False,
        colour: str | None = None,
        guid: str | None = None,
    ) -> int:
        self._check_name_free(act.conn, name, parent_id)
        values = {
            "name": name,
            "definition": definition,
            "stage": _stage(stage).value,
            "parent_id": parent_id,
            "in_vivo": in_vivo,
            "colour": _check_colour(colour),
            "merged_into_id": None,
            "guid": guid or new_guid(),
            "created_at": now(),
        }
        try:
            return act.changes.insert(t.code, values)
        except IntegrityError as error:  # the name was taken by a writer the check did not see
            if not code_name_clash(error):
                raise
            raise Conflict(f"There is already a code called {name!r} in that place of the codebook.") from None

    def add_code(
        self,
        name: str,
        *,
        definition: str = "",
        stage: str | Stage = "initial",
        parent: int | str | None = None,
        in_vivo: bool = False,
        colour: str | None = None,
    ) -> int:
        """Create a code and return its id.

        Examples:
            >>> study.add_code("bracing for the judge", stage="initial")  # doctest: +SKIP
            12
        """
        with self._action("add code", f"added code {name!r}") as act:
            parent_id = self._code_row(act.conn, parent)["id"] if parent is not None else None
            return self._insert_code(
                act, name, definition=definition, stage=stage, parent_id=parent_id, in_vivo=in_vivo, colour=colour
            )

    def rename_code(self, code: int | str, new_name: str, *, expected: str | None = None) -> None:
        """Rename a code; its lineage records the old name. With ``expected`` (the name the person
        saw), a code renamed by someone else meanwhile is refused, naming who renamed it to what."""
        with self._action("rename code") as act:
            row = self._code_row(act.conn, code)
            if expected is not None and row["name"] != expected:
                if row["name"] == new_name:  # someone made the same change first: nothing to do
                    return
                from theorize.services.races import renamed_meanwhile

                raise Conflict(renamed_meanwhile(act.conn, row, expected))
            self._check_name_free(act.conn, new_name, row["parent_id"], except_id=row["id"])
            act.changes.update(t.code, row["id"], {"name": new_name})
            act.changes.insert(
                t.code_lineage,
                {
                    "code_id": row["id"],
                    "origin_code_id": row["id"],
                    "kind": "renamed",
                    "detail": f"{row['name']} -> {new_name}",
                    "at": now(),
                },
            )
            act.summary = f"renamed code {row['name']!r} to {new_name!r}"

    def define_code(self, code: int | str, definition: str) -> None:
        """Write or rewrite a code's definition."""
        with self._action("define code") as act:
            row = self._code_row(act.conn, code)
            act.changes.update(t.code, row["id"], {"definition": definition})
            act.summary = f"defined code {row['name']!r}"

    def set_code_colour(self, code: int | str, colour: str | None) -> None:
        """Give a code a colour (#RRGGBB) or take it away (None)."""
        with self._action("colour code") as act:
            row = self._code_row(act.conn, code)
            act.changes.update(t.code, row["id"], {"colour": _check_colour(colour)})
            act.summary = f"coloured code {row['name']!r} {colour}"

    def move_code(self, code: int | str, parent: int | str | None) -> None:
        """Nest a code under another (or at the top with ``parent=None``)."""
        with self._action("move code") as act:
            act.summary = f"moved code {self._move_one(act, code, parent)!r}"

    def _move_one(self, act: Action, code: int | str, parent: int | str | None) -> str:
        row = self._code_row(act.conn, code)
        parent_id = None
        if parent is not None:
            parent_id = self._code_row(act.conn, parent)["id"]
            node = parent_id
            while node is not None:  # no code may end up inside itself
                if node == row["id"]:
                    raise InvalidInput(f"{row['name']!r} cannot go inside itself or one of its own sub-codes.")
                node = act.conn.execute(select(t.code.c.parent_id).where(t.code.c.id == node)).scalar_one()
        self._check_name_free(act.conn, row["name"], parent_id, except_id=row["id"])
        act.changes.update(t.code, row["id"], {"parent_id": parent_id})
        return row["name"]

    def merge_codes(self, codes: Sequence[int | str], into: int | str, *, create: bool = True) -> int:
        """Merge codes into one: their codings, sub-codes and relations move; lineage is kept.

        When ``into`` names no code yet (and ``create``), it is made in the same action: at the
        latest stage of the merged codes, under their parent when they share one. The merged codes
        stay in the project (hidden from the tree) so that lineage can name them. Returns the
        number of codings moved.

        Examples:
            >>> study.merge_codes(["bracing for the judge", "keeping it short"],
            ...                   into="guarding what reaches the judge")  # doctest: +SKIP
            7
        """
        if not codes:
            raise InvalidInput("Name the codes to merge.")
        with self._action("merge codes") as act:
            rows = [self._code_row(act.conn, ref) for ref in codes]
            target = self._merge_target(act, rows, into, create)
            moved = 0
            names = []
            for row in rows:
                if row["id"] == target["id"]:
                    raise InvalidInput(f"{row['name']!r} cannot be merged into itself.")
                names.append(row["name"])
                moved += self._move_codings(act, row["id"], target["id"])
                for child in act.conn.execute(select(t.code.c.id).where(t.code.c.parent_id == row["id"])).all():
                    act.changes.update(t.code, child.id, {"parent_id": target["id"]})
                for rel in (
                    act.conn.execute(
                        select(t.relation).where(
                            (t.relation.c.source_code_id == row["id"]) | (t.relation.c.target_code_id == row["id"])
                        )
                    )
                    .mappings()
                    .all()
                ):
                    act.changes.update(
                        t.relation,
                        rel["id"],
                        {
                            "source_code_id": target["id"]
                            if rel["source_code_id"] == row["id"]
                            else rel["source_code_id"],
                            "target_code_id": target["id"]
                            if rel["target_code_id"] == row["id"]
                            else rel["target_code_id"],
                        },
                    )
                act.changes.update(t.code, row["id"], {"merged_into_id": target["id"]})
                act.changes.insert(
                    t.code_lineage,
                    {
                        "code_id": target["id"],
                        "origin_code_id": row["id"],
                        "kind": "merged",
                        "detail": row["name"],
                        "at": now(),
                    },
                )
            act.summary = f"merged {', '.join(repr(n) for n in names)} into {target['name']!r} ({moved} codings moved)"
        return moved

    def _merge_target(self, act: Action, rows: list, into: int | str, create: bool):
        """The code to merge into; made (in the action) when a name names no code yet."""
        try:
            return self._code_row(act.conn, into)
        except NotFound:
            if not create or isinstance(into, int) or "/" in into:
                raise
        stage = max((Stage(r["stage"]) for r in rows), key=lambda s: s.rank)
        parents = {r["parent_id"] for r in rows}
        parent_id = parents.pop() if len(parents) == 1 else None
        new_id = self._insert_code(act, into, stage=stage, parent_id=parent_id)
        return act.conn.execute(select(t.code).where(t.code.c.id == new_id)).mappings().one()

    def move_codes(self, codes: list[int | str], parent: int | str | None) -> None:
        """Place several codes under one parent (``None``: the top) in one action, without merging
        them: initial codes under the focused code they share.

        Examples:
            >>> study.move_codes(["counting the days", "keeping it short"], "doing my time")  # doctest: +SKIP
        """
        if not codes:
            raise InvalidInput("Name the codes to move.")
        with self._action("move codes") as act:
            names = [self._move_one(act, code, parent) for code in codes]
            where = "the top of the codebook" if parent is None else repr(self._code_row(act.conn, parent)["name"])
            act.summary = f"moved {', '.join(repr(n) for n in names)} under {where}"

    def _move_codings(self, act: Action, from_id: int, to_id: int, coding_ids: list[int] | None = None) -> int:
        q = select(t.coding.c.id).where(t.coding.c.code_id == from_id)
        if coding_ids is not None:
            q = q.where(t.coding.c.id.in_(coding_ids))
        ids = [r.id for r in act.conn.execute(q)]
        for cid in ids:
            act.changes.update(t.coding, cid, {"code_id": to_id})
        return len(ids)

    def split_code(self, code: int | str, codings: list[int], new_name: str, *, definition: str = "") -> int:
        """Move chosen codings of a code to a new code beside it; returns the new code's id."""
        with self._action("split code") as act:
            row = self._code_row(act.conn, code)
            if not codings:
                raise InvalidInput("Choose the codings that go to the new code.")
            own = {r.id for r in act.conn.execute(select(t.coding.c.id).where(t.coding.c.code_id == row["id"]))}
            stray = [c for c in codings if c not in own]
            if stray:
                raise InvalidInput(f"Codings {', '.join(map(str, stray))} are not codings of {row['name']!r}.")
            new_id = self._insert_code(
                act,
                new_name,
                definition=definition,
                stage=row["stage"],
                parent_id=row["parent_id"],
                colour=row["colour"],
            )
            self._move_codings(act, row["id"], new_id, codings)
            act.changes.insert(
                t.code_lineage,
                {
                    "code_id": new_id,
                    "origin_code_id": row["id"],
                    "kind": "split",
                    "detail": f"{len(codings)} codings",
                    "at": now(),
                },
            )
            act.summary = f"split {len(codings)} codings of {row['name']!r} into new code {new_name!r}"
        return new_id

    def promote_code(self, code: int | str, stage: str | Stage) -> None:
        """Raise a code to a later stage: initial -> focused -> category -> theoretical."""
        target = _stage(stage)
        with self._action("promote code") as act:
            row = self._code_row(act.conn, code)
            current = Stage(row["stage"])
            if target.rank <= current.rank:
                raise InvalidInput(
                    f"{row['name']!r} is already a {current.value} code; promotion goes to a later stage than that."
                )
            act.changes.update(t.code, row["id"], {"stage": target.value})
            act.changes.insert(
                t.code_lineage,
                {
                    "code_id": row["id"],
                    "origin_code_id": row["id"],
                    "kind": "promoted",
                    "detail": f"{current.value} -> {target.value}",
                    "at": now(),
                },
            )
            act.summary = f"promoted {row['name']!r} from {current.value} to {target.value}"

    # -- snapshots ------------------------------------------------------------------------------
    def _codebook_state(self, conn: Connection) -> dict:
        codes = [
            dict(r)
            for r in conn.execute(
                select(
                    t.code.c.id,
                    t.code.c.name,
                    t.code.c.definition,
                    t.code.c.stage,
                    t.code.c.parent_id,
                    t.code.c.in_vivo,
                    t.code.c.merged_into_id,
                )
            ).mappings()
        ]
        lineage = [
            {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in dict(r).items()}
            for r in conn.execute(select(t.code_lineage)).mappings()
        ]
        relations = [
            dict(r)
            for r in conn.execute(
                select(
                    t.relation.c.source_code_id, t.relation.c.target_code_id, t.relation_type.c.name.label("type")
                ).join(t.relation_type, t.relation_type.c.id == t.relation.c.type_id)
            ).mappings()
        ]
        counted = {
            r.code_id: r.n
            for r in conn.execute(  # the one rule: pending suggestions do not count
                select(t.coding.c.code_id, func.count().label("n"))
                .where(counts(t.coding.c.status))
                .group_by(t.coding.c.code_id)
            )
        }
        for c in codes:
            c["codings"] = counted.get(c["id"], 0)
        stages = [
            dict(r)
            for r in conn.execute(
                select(t.model_stage.c.id, t.model_stage.c.position, t.model_stage.c.name).order_by(
                    t.model_stage.c.position
                )
            ).mappings()
        ]
        roles = [dict(r) for r in conn.execute(select(t.category_role)).mappings()]
        properties = [
            dict(r)
            for r in conn.execute(
                select(t.category_property.c.code_id, t.category_property.c.kind, t.category_property.c.text).order_by(
                    t.category_property.c.position
                )
            ).mappings()
        ]
        return {
            "codes": codes,
            "lineage": lineage,
            "relations": relations,
            "model": {"stages": stages, "roles": roles, "properties": properties},
        }

    def snapshot(self, name: str, *, dated: datetime | None = None) -> int:
        """Save the codebook (and model relations) as it is now under a name; returns its id."""
        with self._action("snapshot") as act:
            if act.conn.execute(select(t.snapshot.c.id).where(t.snapshot.c.name == name)).first():
                raise Conflict(f"There is already a snapshot called {name!r}; choose another name.")
            state = self._codebook_state(act.conn)
            sid = act.changes.insert(
                t.snapshot, {"name": name, "taken_at": dated or now(), "content": json.dumps(state, ensure_ascii=False)}
            )
            act.summary = (
                f"took codebook snapshot {name!r} ({sum(1 for c in state['codes'] if not c['merged_into_id'])} codes)"
            )
        return sid

    def snapshot_content(self, name: str) -> dict:
        """The stored content of a snapshot (codes, lineage, relations)."""
        with self._read() as conn:
            row = conn.execute(select(t.snapshot.c.content).where(t.snapshot.c.name == name)).first()
            if row is None:
                raise NotFound(f"There is no snapshot called {name!r}; `theorize snapshot --list` shows them.")
            return json.loads(row.content)

    def diff(self, before: str, after: str | None = None) -> SnapshotDiff:
        """What changed in the codebook from one snapshot to another (or to now)."""
        old = self.snapshot_content(before)
        if after is None:
            with self._read() as conn:
                new = self._codebook_state(conn)
        else:
            new = self.snapshot_content(after)
        return diff_snapshots(old, new)

    def lineage(self, code: int | str) -> pd.DataFrame:
        """Where a code came from: merged, split, renamed, promoted and nested origins, with dates.

        Walks back through merges and splits, and down through sub-codes, so a category shows the
        initial codes it grew from.
        """
        with self._read() as conn:
            root = self._code_row(conn, code, include_merged=True)
            names = {r.id: (r.name, r.stage) for r in conn.execute(select(t.code.c.id, t.code.c.name, t.code.c.stage))}
            rows, seen, frontier = [], {root["id"]}, [(root["id"], 1)]
            while frontier:
                cid, depth = frontier.pop(0)
                for e in conn.execute(
                    select(t.code_lineage).where(t.code_lineage.c.code_id == cid).order_by(t.code_lineage.c.at)
                ).mappings():
                    origin = e["origin_code_id"]
                    rows.append(
                        {
                            "code": names[cid][0],
                            "origin": names[origin][0],
                            "origin_stage": names[origin][1],
                            "how": e["kind"],
                            "detail": e["detail"],
                            "at": e["at"],
                            "depth": depth,
                        }
                    )
                    if origin not in seen:
                        seen.add(origin)
                        frontier.append((origin, depth + 1))
                for child in conn.execute(select(t.code.c.id).where(t.code.c.parent_id == cid)):
                    rows.append(
                        {
                            "code": names[cid][0],
                            "origin": names[child.id][0],
                            "origin_stage": names[child.id][1],
                            "how": "nested",
                            "detail": "",
                            "at": None,
                            "depth": depth,
                        }
                    )
                    if child.id not in seen:
                        seen.add(child.id)
                        frontier.append((child.id, depth + 1))
        import pandas as pd

        return pd.DataFrame(rows, columns=["code", "origin", "origin_stage", "how", "detail", "at", "depth"])

    def code_tree(self, *, stage: str | None = None) -> CodeTree:
        """The codebook as a tree: categories > focused > initial, with rolled-up counts.

        A code counts its own codings (those that count: ``services.coding.counts``) and those of
        every code beneath it; initial codes
        not yet under a focused code are listed apart (``tree.unplaced``). With ``stage``, only
        codes of that stage, each under its nearest shown ancestor.

        Examples:
            >>> for node in study.code_tree().walk():  # doctest: +SKIP
            ...     print("  " * node.depth + node.name, node.codings)
        """
        if stage is not None:
            stage = _stage(stage).value
        with self._read() as conn:
            codes = [
                dict(r)
                for r in conn.execute(
                    select(
                        t.code.c.id,
                        t.code.c.name,
                        t.code.c.stage,
                        t.code.c.parent_id,
                        t.code.c.definition,
                        t.code.c.in_vivo,
                    ).where(t.code.c.merged_into_id.is_(None))
                ).mappings()
            ]
            counted = {
                (r.code_id, r.source_id): r.n
                for r in conn.execute(
                    select(t.coding.c.code_id, t.coding.c.source_id, func.count().label("n"))
                    .where(counts(t.coding.c.status))
                    .group_by(t.coding.c.code_id, t.coding.c.source_id)
                )
            }
        return build_code_tree(codes, counted, stage=stage)
