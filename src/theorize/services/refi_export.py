"""A theorize project out as a REFI-QDA project (.qdpx) or codebook (.qdc)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import not_, select

from theorize.errors import InvalidInput
from theorize.services.base import ProjectBase
from theorize.services.coding import counts
from theorize.store import schema as t

ATTRIBUTE_TO_REFI = {"text": "Text", "yes/no": "Boolean", "number": "Float", "date": "Date", "category": "Text"}


class RefiExportMixin(ProjectBase):
    """`export_refi` and the canonical REFI model of this project."""

    def to_refi(self):
        """The project as a canonical REFI-QDA model (``theorize.exchange.refi.RefiProject``)."""
        from theorize.exchange.refi import (
            Case,
            Code,
            Coding,
            Graph,
            Link,
            Note,
            RefiProject,
            Selection,
            Set,
            Source,
            User,
            Variable,
            VariableValue,
            guid_for,
        )
        from theorize.exchange.refi.write_elements import refi_boolean

        with self._read() as conn:
            coders = {r.id: r.guid for r in conn.execute(select(t.coder.c.id, t.coder.c.guid))}
            users = [User(guid=r.guid, name=r.name) for r in conn.execute(select(t.coder).order_by(t.coder.c.id))]
            codes = [dict(r) for r in conn.execute(select(t.code).order_by(t.code.c.id)).mappings()]
            guid_of_code = {c["id"]: c["guid"] for c in codes}
            code_meta = {
                k.guid: json.loads(k.content)
                for k in conn.execute(
                    select(t.exchange_kept.c.guid, t.exchange_kept.c.content).where(t.exchange_kept.c.kind == "code")
                )
            }
            merged_from: dict[int, list[str]] = {}
            for c in codes:
                if c["merged_into_id"] is not None:
                    merged_from.setdefault(c["merged_into_id"], []).append(c["guid"])
            nodes = {}
            for c in codes:
                if c["merged_into_id"] is not None:
                    continue
                meta = code_meta.get(c["guid"], {})
                stage = None if (not meta.get("stage_given", True) and c["stage"] == "initial") else c["stage"]
                nodes[c["id"]] = Code(
                    guid=c["guid"],
                    name=c["name"],
                    color=c["colour"],
                    description=c["definition"],
                    stage=stage,
                    in_vivo=bool(c["in_vivo"]),
                    is_codable=meta.get("is_codable", True),
                    merged_from=merged_from.get(c["id"], []),
                )
            top = []
            for c in codes:
                if c["id"] not in nodes:
                    continue
                parent = nodes.get(c["parent_id"])
                (parent.children if parent else top).append(nodes[c["id"]])
            texts = {
                r.source_id: r.text
                for r in conn.execute(
                    select(t.source_version.c.source_id, t.source_version.c.text).join(
                        t.source,
                        (t.source.c.id == t.source_version.c.source_id)
                        & (t.source.c.current_version == t.source_version.c.version),
                    )
                )
            }
            sources, source_guid = [], {}
            codings_by_source: dict[int, list] = {}
            for r in conn.execute(
                select(t.coding)
                .where(counts(t.coding.c.status))
                .order_by(t.coding.c.source_id, t.coding.c.start, t.coding.c.id)
            ).mappings():
                codings_by_source.setdefault(r["source_id"], []).append(r)
            kept = [dict(r) for r in conn.execute(select(t.exchange_kept)).mappings()]
            kept_selections: dict[str, list[dict]] = {}
            for k in kept:
                if k["kind"] == "selection":
                    sel = json.loads(k["content"])
                    kept_selections.setdefault(sel["source_guid"], []).append(sel)
            exported_selection: dict[int, str] = {}  # coding id -> the selection it is written in
            for s in conn.execute(select(t.source).order_by(t.source.c.id)).mappings():
                source_guid[s["id"]] = s["guid"]
                by_guid: dict[str, Selection] = {}
                for r in codings_by_source.get(s["id"], []):
                    if r["code_id"] not in nodes:
                        continue
                    sel_guid = r["selection_guid"]
                    sel = by_guid.get(sel_guid)
                    if sel is None or (sel.start, sel.end) != (r["start"], r["end"]):
                        if sel is not None:  # the text was edited and the codings of one selection moved apart
                            sel_guid = guid_for("selection", r["guid"])  # the coding's GUID is random
                        sel = by_guid[sel_guid] = Selection(
                            guid=sel_guid,
                            start=r["start"],
                            end=r["end"],
                            creating_user=coders[r["coder_id"]],
                            created=r["created_at"],
                        )
                    sel.codings.append(
                        Coding(
                            guid=r["guid"],
                            code_guid=guid_of_code[r["code_id"]],
                            creating_user=coders[r["coder_id"]],
                            created=r["created_at"],
                        )
                    )
                    exported_selection[r["id"]] = sel_guid
                for extra in kept_selections.get(s["guid"], []):
                    if extra["guid"] in by_guid:
                        by_guid[extra["guid"]].description = extra["description"]
                        by_guid[extra["guid"]].name = extra["name"]
                    elif extra["end"] <= len(texts[s["id"]]):
                        by_guid[extra["guid"]] = Selection(
                            guid=extra["guid"],
                            start=extra["start"],
                            end=extra["end"],
                            name=extra["name"],
                            description=extra["description"],
                        )
                sources.append(
                    Source(
                        guid=s["guid"],
                        name=s["name"],
                        text=texts[s["id"]],
                        created=s["imported_at"],
                        selections=list(by_guid.values()),
                    )
                )
            memo_guid = {r.id: r.guid for r in conn.execute(select(t.memo.c.id, t.memo.c.guid))}
            extra_targets = {
                k["guid"]: json.loads(k["content"])["targets"] for k in kept if k["kind"] == "note-targets"
            }
            links: dict[int, list[str]] = {mid: list(extra_targets.get(g, [])) for mid, g in memo_guid.items()}
            merged_into = {c["id"]: c["merged_into_id"] for c in codes}

            def live_code(i: int) -> str | None:
                """A memo on a merged code is about the code it was merged into (followed to the live one)."""
                seen = set()
                while merged_into.get(i) is not None and i not in seen:
                    seen.add(i)
                    i = merged_into[i]
                return guid_of_code.get(i)

            for r in conn.execute(select(t.memo_link)).mappings():
                target = {
                    "code": live_code,
                    "source": lambda i: source_guid.get(i),
                    "memo": lambda i: memo_guid.get(i),
                    "coding": lambda i: exported_selection.get(i),
                }.get(r["target_type"], lambda i: None)(r["target_id"])
                if target and target not in links.setdefault(r["memo_id"], []):
                    links.setdefault(r["memo_id"], []).append(target)
            notes = [
                Note(
                    guid=m["guid"],
                    name=m["title"],
                    text=m["body"],
                    creating_user=coders[m["author_id"]],
                    created=m["written_on"],
                    targets=links.get(m["id"], []),
                    memo_type=m["type"],
                )
                for m in conn.execute(select(t.memo).order_by(t.memo.c.written_on, t.memo.c.id)).mappings()
            ]
            var_types = {k["guid"]: json.loads(k["content"]) for k in kept if k["kind"] == "variable"}
            attrs = [dict(r) for r in conn.execute(select(t.attribute).order_by(t.attribute.c.id)).mappings()]
            variables = [
                Variable(
                    guid=a["guid"],
                    name=a["name"],
                    type=var_types.get(a["guid"], {}).get("type", ATTRIBUTE_TO_REFI[a["type"]]),
                    description=var_types.get(a["guid"], {}).get("description", ""),
                )
                for a in attrs
            ]
            values: dict[int, list] = {}
            for r in conn.execute(select(t.attribute_value).where(t.attribute_value.c.value.is_not(None))).mappings():
                a = next(
                    x for x in variables if x.guid == next(at["guid"] for at in attrs if at["id"] == r["attribute_id"])
                )
                value = (refi_boolean(r["value"]) or r["value"]) if a.type == "Boolean" else r["value"]
                values.setdefault(r["participant_id"], []).append(
                    VariableValue(variable_guid=a.guid, value=value, kind=a.type)
                )
            members: dict[int, list[str]] = {}
            for r in conn.execute(select(t.source_participant)).mappings():
                members.setdefault(r["participant_id"], []).append(source_guid[r["source_id"]])
            cases = [
                Case(
                    guid=p["guid"],
                    name=p["pseudonym"],
                    description=p["group_name"] and f"group: {p['group_name']}",
                    variable_values=values.get(p["id"], []),
                    source_guids=members.get(p["id"], []),
                )
                for p in conn.execute(select(t.participant).order_by(t.participant.c.id)).mappings()
            ]
            relation_links = [
                Link(
                    guid=r.guid,
                    origin_guid=guid_of_code[r.source_code_id],
                    target_guid=guid_of_code[r.target_code_id],
                    name=r.name,
                    direction="OneWay",
                )
                for r in conn.execute(
                    select(
                        t.relation.c.guid,
                        t.relation.c.source_code_id,
                        t.relation.c.target_code_id,
                        t.relation_type.c.name,
                    ).join(t.relation_type, t.relation_type.c.id == t.relation.c.type_id)
                )
            ]
            study = conn.execute(select(t.study)).mappings().one()
        sets = [Set(**json.loads(k["content"])) for k in kept if k["kind"] == "set"]
        graphs = [Graph(**json.loads(k["content"])) for k in kept if k["kind"] == "graph"]
        other_links = [Link(**json.loads(k["content"])) for k in kept if k["kind"] == "link"]
        return RefiProject(
            name=study["title"],
            origin="theorize",
            description=study["research_question"],
            created=study["created_at"],
            users=users,
            codes=top,
            variables=variables,
            cases=cases,
            sources=sources,
            notes=notes,
            links=relation_links + other_links,
            sets=sets,
            graphs=graphs,
        )

    def _carry_native(self, refi) -> list[tuple[str, str]]:
        """Put theorize's own structures into ``refi`` (theorize.json); returns what other tools will not
        see (table, what) and the tables not carried at all ("not carried:<table>", rows)."""
        from theorize.services.refi_native import NATIVE_FILE, dump, sealed

        with self._read() as conn:
            content, left = dump(conn, {s.guid: s.text for s in refi.sources})
        refi.attachments[NATIVE_FILE] = lambda qde: sealed(content, qde)
        return _refi_gaps(content) + [(f"not carried:{name}", f"{n} rows") for name, n in left]

    def export_refi(self, path: str | Path, *, fmt: str | None = None):
        """Write the project as a REFI-QDA .qdpx (or the codebook as .qdc), validated against the
        standard's schema before the file is written. Returns the exchange report.

        A .qdpx also carries ``theorize.json``: every table of the project (text versions, turns, merged
        codes and lineage, machine suggestions, the model, snapshots, coder roles), which other tools
        ignore and theorize restores, so theorize -> .qdpx -> theorize loses nothing. The report lists
        what the REFI-QDA part could not hold, which other tools therefore do not see.
        """
        from theorize.exchange.refi import write_qdc, write_qdpx

        path = Path(path)
        fmt = fmt or path.suffix.lower().lstrip(".")
        if fmt not in ("qdpx", "qdc"):
            raise InvalidInput(f"{fmt!r} is not a REFI-QDA format; use qdpx (project) or qdc (codebook).")
        if path.suffix.lower() != f".{fmt}":
            path = path.with_suffix(f".{fmt}")
        refi = self.to_refi()
        gaps: list[tuple[str, str]] = []
        if fmt == "qdpx":
            gaps = self._carry_native(refi)
        report = write_qdpx(refi, path) if fmt == "qdpx" else write_qdc(refi, path)
        for table, what in gaps:
            if table.startswith("not carried:"):
                report.skip(table.removeprefix("not carried:"), what, "the export does not carry this table")
            else:
                report.skip(
                    table,
                    what,
                    "REFI-QDA has no place for it, so other tools do not see it; "
                    "theorize.json in the file carries it for theorize",
                )
        with self._read() as conn:
            # the codings that do not count stay out of the REFI-QDA part; theorize.json carries them all
            left = conn.execute(select(t.coding.c.status).where(not_(counts(t.coding.c.status)))).all()
        if left:
            report.skip(
                "Coding",
                f"{len(left)} machine suggestions",
                "pending or rejected suggestions are not in the "
                "REFI-QDA part, so other tools do not see them; theorize.json carries them for theorize",
            )
        return report


def _refi_gaps(content: dict) -> list[tuple[str, str]]:
    """What of the project REFI-QDA has no place for (counted from theorize.json's tables)."""
    tables = content["tables"]
    versions = tables["source_version"]
    gaps = [
        (
            "source_version",
            (
                f"{sum(1 for r in versions if r['text'] is not None)} earlier text versions"
                f" of {len({r['source_id'] for r in versions if r['text'] is not None})} sources"
            ),
        ),
        ("segment", f"{len(tables['segment'])} speaker turns"),
        (
            "code",
            (
                f"{sum(1 for r in tables['code'] if r['merged_into_id'])} merged codes (other tools see "
                "only the code each was merged into)"
            ),
        ),
        ("code_lineage", f"{len(tables['code_lineage'])} steps of code lineage (merges, splits, promotions)"),
        ("snapshot", f"{len(tables['snapshot'])} codebook snapshots"),
        ("model_stage", f"{len(tables['model_stage'])} model stages"),
        ("category_role", f"{len(tables['category_role'])} category roles"),
        ("category_property", f"{len(tables['category_property'])} category properties and dimensions"),
        ("coder", f"{sum(1 for r in tables['coder'] if r['role'])} coder roles"),
        ("relation", f"{sum(1 for r in tables['relation'] if r['note'])} relation notes"),
        ("memo_link", f"{sum(1 for r in tables['memo_link'] if r['target_type'] == 'turn')} memo links to turns"),
    ]
    return [(table, what) for table, what in gaps if not what.startswith("0 ")]
