"""Restoring a ``theorize.json`` (see ``refi_native``) into a project, inside one import action.

Restoring into a project that already holds work merges: a coder, participant, attribute, relation
type, model stage or interviewer of the same name is the same one; a code or coding of the same GUID
is the same one; a source of the same GUID and text is the same one (a teammate's copy coming back),
with another text it is not imported again; a memo or relation already here (same GUID) is not
imported again, nor what hangs on it; a live code whose name is taken beside it, or a snapshot whose
name is taken, is renamed; a snapshot, lineage step or property already here is not added twice.
Each of these is in the report.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import DateTime, func, select

from theorize.services.base import CURRENT_VERSION, Action, new_guid
from theorize.services.refi_native import (
    CARRIED,
    MEMO_TARGETS,
    SKIP,
    STUDY_COLUMNS,
    Carried,
    _fks,
    _ref,
)
from theorize.store import schema as t
from theorize.store.rows import from_json


class Restorer:
    """Writes a ``theorize.json`` content into a project inside one action, reporting into ``report``."""

    def __init__(self, act: Action, content: dict, texts: dict[str, str], report) -> None:
        self.act, self.conn, self.content, self.texts, self.r = act, act.conn, content, texts, report
        self.ids: dict[str, dict[Any, int]] = {}  # table -> reference key -> local id
        self.left: Counter[str] = Counter()  # rows not restored, per table
        self.lengths: dict[Any, int] = {}  # a text version's reference -> its length
        self.code_ids: dict[str, int] | None = None  # every code's GUID -> id, once read
        self.names_under: dict[int | None, set[str]] = {}
        self.kept_ids: dict[str, set[int]] = {}  # table -> ids of rows already here that rows of the file are
        self.bad_spans: Counter[str] = Counter()  # codings and turns outside their text
        self.was_empty = not (self._count(t.source) or self._count(t.code))

    def _count(self, table) -> int:
        return self.conn.execute(select(func.count()).select_from(table)).scalar_one()

    def run(self) -> Counter[str]:
        """Restore every table; returns how many rows of each were written."""
        written: Counter[str] = Counter()
        tables = self.content["tables"]
        for spec in CARRIED:
            rows = tables.get(spec.table, [])
            if spec.table == "code":
                written[spec.table] = self._codes(rows)
            elif spec.table in ("segment", "coding"):
                written[spec.table] = self._bulk(spec, rows)
            else:
                written[spec.table] = sum(self._row(spec, row) for row in rows)
        self._study()
        for table, n in sorted(self.bad_spans.items()):
            self.left[table] -= n
            self.r.skip(table, f"{n} {table} rows", "their span lies outside their text")
        for table, n in sorted(self.left.items()):
            if not n:
                continue
            self.r.skip(
                table,
                f"{n} {table.replace('_', ' ')} rows",
                "they hang on something already in this project or left out (see above), so they were not imported",
            )
        return written

    # -- one row --------------------------------------------------------------------------------
    def _local(self, target: str, ref: Any) -> int | None:
        return self.ids.get(target, {}).get(_ref(ref))

    def _translate(self, spec: Carried, row: dict) -> dict | None:
        """The row with local ids for its references, or None when one of them is not here."""
        table = t.metadata.tables[spec.table]
        out = dict(row)
        for col, target in _fks(table).items():
            if out.get(col) is not None and target != spec.table:
                out[col] = self._local(target, out[col])
                if out[col] is None:
                    return None
        if spec.table == "memo_link":
            out["target_id"] = self._local(MEMO_TARGETS[out["target_type"]], out["target_id"])
            if out["target_id"] is None:
                return None
        if spec.table == "source_version":
            if out["text"] is None:
                out["text"] = self.texts.get(row["source_id"], "")
            self.lengths[_ref([row["source_id"], row["version"]])] = len(out["text"])
        span_of = {
            "coding": lambda: [row["source_id"], row["source_version"]],
            "segment": lambda: row["source_version_id"],
        }
        if spec.table in span_of:
            n = self.lengths.get(_ref(span_of[spec.table]()))
            if n is None or not (0 <= out["start"] <= out["end"] <= n):
                self.bad_spans[spec.table] += 1
                return None
        return _from_json(table, out)

    def _remember(self, spec: Carried, row: dict, local_id: int) -> None:
        if spec.key:
            key = row[spec.key[0]] if len(spec.key) == 1 else [row[k] for k in spec.key]
            self.ids.setdefault(spec.table, {})[_ref(key)] = local_id

    def _existing(self, spec: Carried, values: dict) -> int | object | None:
        """The id of the row already here that is this one, if any."""
        table = t.metadata.tables[spec.table]
        if spec.same and values.get(spec.same) is not None:
            hit = self.conn.execute(select(table.c.id).where(table.c[spec.same] == values[spec.same])).first()
            if hit:
                return hit.id
        if "guid" in table.c and spec.on_guid == "same":
            hit = self.conn.execute(select(table.c.id).where(table.c.guid == values["guid"])).first()
            return hit.id if hit else None
        if spec.on_guid == "same text":
            return self._same_source(values)
        if spec.table == "category_property":  # a property already here, word for word, is the same one
            cond = [table.c[k] == values[k] for k in ("code_id", "kind", "text", "position")]
            hit = self.conn.execute(select(table.c.id).where(*cond)).first()
            return hit.id if hit else None
        if spec.table == "coding_property":  # one value per coding and property: the one here stays
            hit = self.conn.execute(
                select(table.c.id, table.c.value).where(
                    table.c.coding_id == values["coding_id"], table.c.property_id == values["property_id"]
                )
            ).first()
            if hit is not None and hit.value != values["value"]:
                self.r.skip("coding_property", f"value {values['value']!r}", "this project holds another value there")
            return hit.id if hit else None
        if spec.table == "source_version":  # of a source already here: the same version if the same text
            hit = self.conn.execute(
                select(table.c.id, table.c.text_sha256).where(
                    table.c.source_id == values["source_id"], table.c.version == values["version"]
                )
            ).first()
            if hit is not None:
                return hit.id if hit.text_sha256 == values["text_sha256"] else SKIP
        return None

    def _same_source(self, values: dict) -> int | None:
        """A source of the same GUID already here is the same one when its current text is the same
        (a teammate's copy coming back); with another text it is not imported again."""
        hit = self.conn.execute(
            select(t.source.c.id, t.source_version.c.text_sha256)
            .join(
                t.source_version,
                CURRENT_VERSION,
            )
            .where(t.source.c.guid == values["guid"])
        ).first()
        if hit is None:
            return None
        mine = hashlib.sha256(self.texts.get(values["guid"], "").encode("utf-8", "surrogatepass")).hexdigest()
        return hit.id if hit.text_sha256 == mine else None

    def _guid_taken(self, spec: Carried, values: dict) -> bool:
        table = t.metadata.tables[spec.table]
        return (
            "guid" in table.c
            and self.conn.execute(select(table.c.id).where(table.c.guid == values["guid"])).first() is not None
        )

    def _row(self, spec: Carried, row: dict) -> int:
        values = self._translate(spec, row)
        if values is None:
            self.left[spec.table] += 1
            return 0
        table = t.metadata.tables[spec.table]
        existing = self._existing(spec, values)
        if existing is SKIP:
            self.left[spec.table] += 1
            return 0
        if isinstance(existing, int):
            self._remember(spec, row, existing)
            self.kept_ids.setdefault(spec.table, set()).add(existing)
            return 0
        if self._guid_taken(spec, values):
            if spec.on_guid in ("skip", "same text"):
                what = values.get("name") or values.get("title") or values["guid"]
                why = "with another text" if spec.on_guid == "same text" else "(same GUID)"
                self.r.skip(spec.table, f"{what}", f"already in this project {why}; not imported again")
                return 0
            values["guid"] = new_guid()
        if not spec.key and "id" in table.c and self._identical_exists(table, values):
            return 0  # a snapshot, lineage step or property this project has already (the same file twice)
        if spec.table == "source":
            values["imported_sha256"] = self._free_sha(values["imported_sha256"], values["guid"])
        if spec.table == "snapshot":
            values["name"] = self._free_snapshot_name(values["name"])
        if "id" not in table.c:
            if spec.table == "attribute_value":
                self.act.changes.delete_link(table, {k: values[k] for k in ("participant_id", "attribute_id")})
            elif spec.table in ("source_participant", "category_role") and self._link_exists(table, values):
                return 0
            self.act.changes.insert_link(table, values)
            return 1
        self._remember(spec, row, self.act.changes.insert(table, values))
        return 1

    def _identical_exists(self, table, values: dict) -> bool:
        cond = [table.c[k] == v if v is not None else table.c[k].is_(None) for k, v in values.items()]
        return self.conn.execute(select(table.c.id).where(*cond)).first() is not None

    def _link_exists(self, table, values: dict) -> bool:
        cond = [table.c[c.name] == values[c.name] for c in table.primary_key.columns]
        return self.conn.execute(select(*table.primary_key.columns).where(*cond)).first() is not None

    def _free_sha(self, sha: str, guid: str) -> str:
        taken = self.conn.execute(select(t.source.c.id).where(t.source.c.imported_sha256 == sha)).first()
        return hashlib.sha256(f"theorize:{guid}\0{sha}".encode()).hexdigest() if taken else sha

    def _free_snapshot_name(self, name: str) -> str:
        candidate, n = name, 2
        while self.conn.execute(select(t.snapshot.c.id).where(t.snapshot.c.name == candidate)).first():
            candidate, n = f"{name} ({n})", n + 1
        if candidate != name:
            self.r.decide(f"snapshot '{name}' was renamed '{candidate}': that name was taken")
        return candidate

    # -- bulk and self-referring tables ---------------------------------------------------------
    def _bulk(self, spec: Carried, rows: list[dict]) -> int:
        """Turns and codings: thousands of rows, inserted at once."""
        table = t.metadata.tables[spec.table]
        ready = []
        for row in rows:
            values = self._translate(spec, row)
            if values is None:
                self.left[spec.table] += 1
            else:
                ready.append((row, values))
        if spec.table == "segment":
            by_version: dict[int, list[tuple[dict, dict]]] = {}
            for row, values in ready:
                by_version.setdefault(values["source_version_id"], []).append((row, values))
            for version_id, pairs in by_version.items():
                if version_id not in self.kept_ids.get("source_version", ()):
                    self.act.changes.insert_many(table, [v for _, v in pairs], scope={"source_version_id": version_id})
                # memo links to turns refer to them by (version, position): the new ids, looked up once
                new_ids = dict(
                    self.conn.execute(
                        select(table.c.position, table.c.id).where(table.c.source_version_id == version_id)
                    ).all()
                )
                for row, values in pairs:
                    self._remember(spec, row, new_ids[values["position"]])
            return len(ready)
        here = {r.guid: r.id for r in self.conn.execute(select(table.c.guid, table.c.id))}
        spans: dict[str, tuple[int, int, int]] = {}  # a selection GUID used here -> the span it covers
        for r in self.conn.execute(select(table.c.selection_guid, table.c.source_id, table.c.start, table.c.end)):
            spans.setdefault(r.selection_guid, (r.source_id, r.start, r.end))
        fresh: dict[str, str] = {}
        new = []
        for row, values in ready:
            if values["guid"] in here:  # this coding is here already (a teammate's copy coming back)
                self._remember(spec, row, here[values["guid"]])
                continue
            span = spans.get(values["selection_guid"])
            if span is not None and span != (values["source_id"], values["start"], values["end"]):
                values["selection_guid"] = fresh.setdefault(values["selection_guid"], new_guid())
            new.append((row, values))
        ids = self.act.changes.insert_rows(table, [v for _, v in new])
        for (row, _), local_id in zip(new, ids, strict=True):
            self._remember(spec, row, local_id)
        return len(new)

    def _codes(self, rows: list[dict]) -> int:
        """Codes after their parents and the codes they were merged into; a live code whose name is
        taken beside it is renamed."""
        spec = next(c for c in CARRIED if c.table == "code")
        pending, written = list(rows), 0
        while pending:
            later = []
            for row in pending:
                refs = [row[c] for c in ("parent_id", "merged_into_id") if row[c] is not None]
                if any(self._local("code", r) is None and any(x["guid"] == r for x in pending) for r in refs):
                    later.append(row)
                    continue
                written += self._code(spec, row)
            if len(later) == len(pending):  # a cycle: cannot happen through theorize's own actions
                for row in later:
                    self.r.skip("code", row["name"], "its parent or merge chain loops; not carried")
                break
            pending = later
        return written

    def _code(self, spec: Carried, row: dict) -> int:
        if self.code_ids is None:
            self.code_ids = dict(self.conn.execute(select(t.code.c.guid, t.code.c.id)).all())
        if row["guid"] in self.code_ids:
            self._remember(spec, row, self.code_ids[row["guid"]])
            return 0
        values = _from_json(t.code, row)
        for col in ("parent_id", "merged_into_id"):
            if row[col] is not None:
                values[col] = self._local("code", row[col])
        if values["merged_into_id"] is None:
            taken = self._live_names(values["parent_id"])
            name, n = values["name"], 2
            while values["name"] in taken:
                values["name"], n = f"{name} ({n})", n + 1
            if values["name"] != name:
                self.r.decide(f"code {name!r} was renamed {values['name']!r}: that name was taken in the same place")
            taken.add(values["name"])
        self.code_ids[row["guid"]] = local_id = self.act.changes.insert(t.code, values)
        self._remember(spec, row, local_id)
        return 1

    def _live_names(self, parent_id: int | None) -> set[str]:
        """The names of the live codes under ``parent_id`` (None: at the top), read once."""
        if parent_id not in self.names_under:
            q = select(t.code.c.name).where(t.code.c.merged_into_id.is_(None))
            q = q.where(t.code.c.parent_id.is_(None) if parent_id is None else t.code.c.parent_id == parent_id)
            self.names_under[parent_id] = {r.name for r in self.conn.execute(q)}
        return self.names_under[parent_id]

    # -- the study --------------------------------------------------------------------------------
    def _study(self) -> None:
        study = from_json(t.study, self.content.get("study") or {})
        wanted = {k: study[k] for k in STUDY_COLUMNS if k in study}
        here = self.conn.execute(select(t.study)).mappings().one()
        differs = {k: v for k, v in wanted.items() if k != "created_at" and here[k] != v}
        if self.was_empty:
            self.act.changes.update(t.study, here["id"], wanted)
            self.r.decide("the project took the study's title, research question and method notes from the file")
        else:
            for k, v in differs.items():
                self.r.skip(
                    "Project",
                    f"the study's {k.replace('_', ' ')} ({_short(v)})",
                    "this project holds work already and keeps its own",
                )


def _short(text: str, n: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


@cache
def _instants(table_name: str) -> frozenset[str]:
    """The date-and-time columns of a table."""
    return frozenset(c.name for c in t.metadata.tables[table_name].c if isinstance(c.type, DateTime))


def _from_json(table, row: dict) -> dict[str, Any]:
    """``store.rows.from_json`` for the table's own columns, with its instants read quickly (thousands
    of codings); every instant is UTC, written as ``...Z``."""
    instants = _instants(table.name)
    out = {}
    for key, value in row.items():
        if key not in table.c:
            continue
        if value is not None and key in instants:
            value = datetime.fromisoformat(value.removesuffix("Z")).replace(tzinfo=UTC)
        out[key] = value
    return out
