"""De-identification as actions on a project: scan, review, the researcher's lists, apply, the log.

Findings are stored as where (source, version, code points), type, score and recogniser, never as
words: until a source is de-identified its words are in its text anyway, and afterwards only in the
vault. ``deid_apply`` is one action: a new text version of each source (codings carried over as
after any edit), every other place the identified words were kept withheld (``deid/scrub.py``),
and the originals and the key written to the vault. See ARCHITECTURE.md, "De-identification".
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import String, Text, select, update

from theorize.deid.recognisers import TYPES
from theorize.errors import InvalidInput, NotFound
from theorize.services.base import ProjectBase, now
from theorize.store import schema as t

DECISIONS = ("accept", "reject")
_STATUS = {"accept": "accepted", "reject": "rejected"}
#: Tables whose words are the research team's, not the participants': never rewritten.
_NOT_SCRUBBED = {
    "coder",
    "interviewer",
    "source_version",
    "audit_event",
    "deid_finding",
    "deid_entity",
    "deid_replacement",
    "deid_term",
}
_NOT_TEXT = ("guid", "sha256", "hash", "actor", "kind", "status", "origin", "model_id", "role", "type", "op")


@dataclass
class Applied:
    """What ``deid_apply`` did: sources given a new version, replacements made, where words were withheld."""

    vault: Path
    sources: list[str] = field(default_factory=list)
    replacements: int = 0
    rows_rewritten: int = 0
    images_withheld: int = 0
    events_withheld: int = 0
    old_events_kept: int = 0  # events hashed before migration 0009 that still hold identified words


class DeidMixin(ProjectBase):
    # from SourcesMixin: a new text version with codings and turns carried over
    _save_version: Callable[..., Any]
    """Find what identifies a person, review it, replace it consistently, keep the key apart."""

    # -- where the vault is --------------------------------------------------------------------
    def vault_path(self, vault: str | Path | None = None) -> Path:
        """``<name>.vault`` beside a project file; a PostgreSQL project needs the path given."""
        if vault:
            return Path(vault)
        if self.path is None:
            raise InvalidInput("A PostgreSQL project keeps its vault where you say; give the vault's path.")
        return self.path.with_suffix(".vault")

    # -- finding -------------------------------------------------------------------------------
    def deid_scan(
        self,
        sources: Iterable[int | str] | None = None,
        *,
        passphrase: str | None = None,
        vault: str | Path | None = None,
        progress: Callable[[int, int], None] | None = None,
        use_model: bool = True,
    ) -> list[dict]:
        """Find what may identify someone in the current text of ``sources`` (all by default) and store
        it as pending findings; earlier decisions on the same words are kept. With the vault's
        passphrase, the names and places already in the key (and its deny list) are found too."""
        from theorize.deid.detect import Detector

        with self._read() as conn:
            rows = self._deid_sources(conn, sources)
            texts = [self._source_text(conn, r["id"])[1] for r in rows]
            terms = conn.execute(select(t.deid_term)).mappings().all()
        deny = [(r["text"], r["type"]) for r in terms if r["list"] == "deny"]
        allow = [r["text"] for r in terms if r["list"] == "allow"]
        if passphrase:
            deny += _vault_terms(self.vault_path(vault), passphrase)
        detector = Detector(deny=deny, allow=allow, use_model=use_model)
        found = detector.scan(texts, progress=(lambda n: progress(n, len(texts))) if progress else None)
        with self._action("deid scan") as act:
            new = 0
            for src, findings in zip(rows, found):
                version = act.conn.execute(
                    select(t.source.c.current_version).where(t.source.c.id == src["id"])
                ).scalar_one()
                old = (
                    act.conn.execute(
                        select(t.deid_finding).where(
                            t.deid_finding.c.source_id == src["id"], t.deid_finding.c.version == version
                        )
                    )
                    .mappings()
                    .all()
                )
                decided = {(o["start"], o["end"]) for o in old if o["status"] != "pending"}
                for o in old:
                    if o["status"] == "pending":
                        act.changes.delete(t.deid_finding, o["id"])
                batch = [
                    {
                        "source_id": src["id"],
                        "version": version,
                        "start": f.start,
                        "end": f.end,
                        "type": f.type,
                        "score": f.score,
                        "recogniser": f.recogniser,
                        "status": "pending",
                    }
                    for f in findings
                    if (f.start, f.end) not in decided
                ]
                act.changes.insert_rows(t.deid_finding, batch)
                new += len(batch)
            act.summary = f"scanned {len(rows)} sources for identifying details: {new} findings to review"
        return self.deid_findings([r["id"] for r in rows])

    def _deid_sources(self, conn, sources) -> list:
        if sources is None:
            return list(conn.execute(select(t.source).order_by(t.source.c.id)).mappings())
        return [
            self._source_row(
                conn,
                int(s)
                if isinstance(s, str)
                and s.isdigit()
                and not conn.execute(select(t.source.c.id).where(t.source.c.name == s)).first()
                else s,
            )
            for s in sources
        ]

    def deid_findings(self, sources: Iterable[int | str] | None = None, *, status: str | None = None) -> list[dict]:
        """The findings on the current versions, each with its words (read from the text, not stored)."""
        out = []
        with self._read() as conn:
            for src in self._deid_sources(conn, sources):
                _, text = self._source_text(conn, src["id"])
                q = (
                    select(t.deid_finding)
                    .where(t.deid_finding.c.source_id == src["id"], t.deid_finding.c.version == src["current_version"])
                    .order_by(t.deid_finding.c.start, t.deid_finding.c.id)
                )
                if status:
                    q = q.where(t.deid_finding.c.status == status)
                for f in conn.execute(q).mappings():
                    out.append(
                        {
                            "id": f["id"],
                            "source": src["name"],
                            "source_id": src["id"],
                            "start": f["start"],
                            "end": f["end"],
                            "type": f["type"],
                            "text": text[f["start"] : f["end"]],
                            "score": round(f["score"], 2),
                            "recogniser": f["recogniser"],
                            "status": f["status"],
                        }
                    )
        return out

    # -- reviewing -----------------------------------------------------------------------------
    def _finding(self, conn, finding_id: int):
        row = conn.execute(select(t.deid_finding).where(t.deid_finding.c.id == finding_id)).mappings().first()
        if row is None:
            raise NotFound(f"There is no finding {finding_id}; `theorize deid scan` lists them.")
        if row["status"] == "applied":
            raise InvalidInput(f"Finding {finding_id} is applied already; its words are replaced.")
        return row

    def deid_decide(self, findings: Iterable[int], decision: str) -> int:
        """Accept or reject findings by id; how many were decided."""
        if decision not in DECISIONS:
            raise InvalidInput(f"{decision!r} is not a decision; say accept or reject.")
        ids = list(findings)
        with self._action(f"deid {decision}") as act:
            for finding_id in ids:
                self._finding(act.conn, finding_id)
                act.changes.update(t.deid_finding, finding_id, {"status": _STATUS[decision], "decided_by": self.actor})
            act.summary = f"{decision}ed {len(ids)} de-identification findings"
        return len(ids)

    def deid_decide_all(
        self, decision: str, *, min_score: float = 0.0, sources: Iterable[int | str] | None = None
    ) -> int:
        """Accept or reject every pending finding (scoring at least ``min_score``)."""
        pending = [f["id"] for f in self.deid_findings(sources, status="pending") if f["score"] >= min_score]
        return self.deid_decide(pending, decision) if pending else 0

    def deid_retype(self, finding: int, type: str) -> None:
        """Give a finding another type (a place taken for a person); it is accepted."""
        _check_type(type)
        with self._action("deid retype", f"retyped finding {finding} as {type}") as act:
            self._finding(act.conn, finding)
            act.changes.update(t.deid_finding, finding, {"type": type, "status": "accepted", "decided_by": self.actor})

    def deid_widen(self, finding: int, start: int, end: int) -> None:
        """Move a finding's bounds (code points), e.g. from "Harmon" to "Judge Harmon"; it is accepted."""
        with self._action("deid widen", f"changed the bounds of finding {finding}") as act:
            row = self._finding(act.conn, finding)
            self._check_span(act.conn, row["source_id"], start, end)
            act.changes.update(
                t.deid_finding, finding, {"start": start, "end": end, "status": "accepted", "decided_by": self.actor}
            )

    def deid_add(self, source: int | str, start: int, end: int, type: str) -> int:
        """Add what the scan missed, as an accepted finding; returns its id."""
        _check_type(type)
        with self._action("deid add") as act:
            src = self._source_row(act.conn, source)
            self._check_span(act.conn, src["id"], start, end)
            act.summary = f"added a {type} finding to {src['name']}"
            return act.changes.insert(
                t.deid_finding,
                {
                    "source_id": src["id"],
                    "version": src["current_version"],
                    "start": start,
                    "end": end,
                    "type": type,
                    "score": 1.0,
                    "recogniser": "researcher",
                    "status": "accepted",
                    "decided_by": self.actor,
                },
            )

    def _check_span(self, conn, source_id: int, start: int, end: int) -> None:
        _, text = self._source_text(conn, source_id)
        if not 0 <= start < end <= len(text):
            raise InvalidInput(f"{start}-{end} is not a span of the text, which has {len(text)} characters.")

    # -- the researcher's lists ----------------------------------------------------------------
    def deid_terms(self) -> list[dict]:
        """The deny and allow lists (deny terms applied already are in the vault, not here)."""
        with self._read() as conn:
            return [
                dict(r)
                for r in conn.execute(
                    select(t.deid_term.c.id, t.deid_term.c.list, t.deid_term.c.type, t.deid_term.c.text).order_by(
                        t.deid_term.c.id
                    )
                ).mappings()
            ]

    def deid_add_term(self, list_name: str, text: str, type: str = "person") -> int:
        """Add words to the deny list (always found, as ``type``) or the allow list (never found)."""
        if list_name not in ("deny", "allow"):
            raise InvalidInput(f"{list_name!r} is not a list; the lists are deny and allow.")
        _check_type(type)
        if not text.strip():
            raise InvalidInput("A list entry needs some words.")
        with self._action("deid list", f"added an entry to the {list_name} list") as act:
            return act.changes.insert(
                t.deid_term, {"list": list_name, "type": type, "text": text.strip(), "created_at": now()}
            )

    def deid_remove_term(self, term: int) -> None:
        with self._action("deid list", f"removed entry {term} from a list") as act:
            if not act.conn.execute(select(t.deid_term.c.id).where(t.deid_term.c.id == term)).first():
                raise NotFound(f"There is no list entry {term}; `theorize deid lists` shows them.")
            act.changes.delete(t.deid_term, term)

    # -- status and log ------------------------------------------------------------------------
    def deid_pending_sources(self) -> list[str]:
        """Sources whose current text is not de-identified (never applied, or edited since)."""
        with self._read() as conn:
            done = {
                (r.source_id, r.version)
                for r in conn.execute(select(t.deid_replacement.c.source_id, t.deid_replacement.c.version).distinct())
            }
            return [
                r.name
                for r in conn.execute(
                    select(t.source.c.id, t.source.c.name, t.source.c.current_version).order_by(t.source.c.id)
                )
                if (r.id, r.current_version) not in done
            ]

    def deid_notice(self) -> str:
        """One line for a report or an export: which sources are not yet de-identified, or that all are."""
        pending = self.deid_pending_sources()
        if not pending:
            return "every source de-identified (anonymisation log: theorize deid log)"
        shown = ", ".join(pending[:5]) + (f" and {len(pending) - 5} more" if len(pending) > 5 else "")
        return f"{len(pending)} source{'s' if len(pending) != 1 else ''} not yet de-identified ({shown})"

    def require_deid(self) -> None:
        """Refuse (for ``--require-deid``) while any source is not yet de-identified."""
        pending = self.deid_pending_sources()
        if pending:
            notice = self.deid_notice()
            raise InvalidInput(
                f"{notice[0].upper()}{notice[1:]}; run `theorize deid scan`, review and apply "
                "first, or leave out --require-deid."
            )

    def deid_log(self):
        """The anonymisation log: what type was replaced where, by what, by whom, when; never the real words."""
        import pandas as pd

        r, s = t.deid_replacement, t.source
        with self._read() as conn:
            rows = (
                conn.execute(
                    select(
                        s.c.name.label("source"),
                        r.c.version,
                        r.c.start,
                        r.c.end,
                        r.c.type,
                        r.c.label.label("replacement"),
                        r.c.actor,
                        r.c.at,
                    )
                    .join(s, s.c.id == r.c.source_id)
                    .order_by(r.c.id)
                )
                .mappings()
                .all()
            )
        return pd.DataFrame(
            [dict(x) for x in rows], columns=["source", "version", "start", "end", "type", "replacement", "actor", "at"]
        )

    # -- applying ------------------------------------------------------------------------------
    def deid_apply(
        self, passphrase: str, *, vault: str | Path | None = None, style: str = "tags", date_style: str = "generalise"
    ) -> Applied:
        """Replace every accepted finding with its entity's replacement, in a new text version of
        each source; withhold the identified words everywhere else the project kept them; write the
        originals and the key to the vault (encrypted with ``passphrase``). Pending findings must be
        decided first."""
        from theorize.deid import vault as vaults
        from theorize.deid.pseudonyms import DATE_STYLES, STYLES, Key
        from theorize.deid.scrub import Identified, withhold_images

        if style not in STYLES or date_style not in DATE_STYLES:
            raise InvalidInput(
                f"The replacement style is one of {', '.join(STYLES)}; dates are {' or '.join(DATE_STYLES)}."
            )
        path = self.vault_path(vault)
        content = vaults.read_vault(path, passphrase)
        key = Key.from_json(content["key"]) if content.get("key") else Key(style, date_style)
        result = Applied(path)
        with self._action("deid apply") as act:
            conn = act.conn
            pending = conn.execute(select(t.deid_finding.c.id).where(t.deid_finding.c.status == "pending")).first()
            if pending:
                raise InvalidInput(
                    "Some findings are not yet reviewed; accept or reject them first (`theorize deid review`)."
                )
            words: dict[str, str] = {}
            plans = []
            for src in conn.execute(select(t.source).order_by(t.source.c.id)).mappings().all():
                version = src["current_version"]
                if conn.execute(
                    select(t.deid_replacement.c.id).where(
                        t.deid_replacement.c.source_id == src["id"], t.deid_replacement.c.version == version
                    )
                ).first():
                    continue  # de-identified already
                _, text = self._source_text(conn, src["id"])
                findings = (
                    conn.execute(
                        select(t.deid_finding)
                        .where(
                            t.deid_finding.c.source_id == src["id"],
                            t.deid_finding.c.version == version,
                            t.deid_finding.c.status == "accepted",
                        )
                        .order_by(t.deid_finding.c.start)
                    )
                    .mappings()
                    .all()
                )
                shift = content["shifts"].setdefault(self._deid_participant(conn, src["id"]), random.randint(-180, 180))
                spans = []
                for f in findings:
                    said = text[f["start"] : f["end"]]
                    label = key.label_for(f["type"], said, shift_days=shift)
                    spans.append((f["start"], f["end"], f["type"], label, f["id"]))
                    words[said] = label
                    if f["type"] == "person":
                        for name in _person_words(said):
                            words.setdefault(name, label)
                plans.append((src, text, spans))
            for term in content.get("deny", []) + [
                dict(r) for r in conn.execute(select(t.deid_term).where(t.deid_term.c.list == "deny")).mappings()
            ]:
                entity = key.find(term["type"], term["text"])
                words.setdefault(term["text"], entity.label if entity else f"[{term['type']}]")
            identified = Identified(words)
            for src, text, spans in plans:
                self._deid_source(act, src, text, spans, identified, key, result)
            self._deid_entities(act, key)
            for term in conn.execute(select(t.deid_term).where(t.deid_term.c.list == "deny")).mappings().all():
                content["deny"].append({"text": term["text"], "type": term["type"]})
                act.changes.delete(t.deid_term, term["id"])
            result.rows_rewritten += self._deid_rewrite_rows(act, identified)
            result.events_withheld, result.old_events_kept = self._deid_withhold_trail(
                conn, identified, content["originals"]
            )
            result.images_withheld = withhold_images(act.changes.items, identified, content["originals"])
            act.summary = (
                f"de-identified {len(result.sources)} sources: {result.replacements} replacements; "
                f"identified words withheld from {result.rows_rewritten} rows and "
                f"{result.events_withheld} audit events (originals in the vault)"
            )
            content["key"] = key.to_json()
            vaults.write_vault(path, passphrase, content)
        self._deid_compact()
        return result

    def _deid_participant(self, conn, source_id: int) -> str:
        row = conn.execute(
            select(t.participant.c.pseudonym)
            .join(t.source_participant, t.source_participant.c.participant_id == t.participant.c.id)
            .where(t.source_participant.c.source_id == source_id)
        ).first()
        return row.pseudonym if row else f"source {source_id}"

    def _deid_source(self, act, src, text: str, spans: list, identified, key, result: Applied) -> None:
        """One source: its accepted findings (and every other mention of the same words) replaced in
        a new version; older versions masked; the log written."""
        taken = [(s, e) for s, e, *_ in spans]
        for start, end, label in identified.spans(text):  # the same words where the scan did not mark them
            if not any(start < e and s < end for s, e in taken):
                entity = next((x for x in key.entities if x.label == label), None)
                spans.append((start, end, entity.type if entity else "person", label, None))
        spans.sort()
        pieces, log, cursor, shift = [], [], 0, 0
        for start, end, kind, label, _ in spans:
            if start < cursor:
                continue  # inside a replacement already made
            pieces += [text[cursor:start], label]
            log.append((start + shift, start + shift + len(label), kind, label))
            shift += len(label) - (end - start)
            cursor = end
        new_text = "".join(pieces) + text[cursor:]
        version = src["current_version"]
        if new_text != text:
            version, _ = self._save_version(act, src, new_text, reason="de-identified")
            result.sources.append(src["name"])
            for old in act.conn.execute(
                select(t.source_version.c.id, t.source_version.c.text).where(
                    t.source_version.c.source_id == src["id"], t.source_version.c.version < version
                )
            ).all():
                if identified.search(old.text):
                    act.changes.update(t.source_version, old.id, {"text": identified.mask(old.text)})
        for _, _, _, _, finding_id in spans:
            if finding_id is not None:
                act.changes.update(t.deid_finding, finding_id, {"status": "applied"})
        at = now()
        rows = [
            {
                "source_id": src["id"],
                "version": version,
                "start": s,
                "end": e,
                "type": k,
                "label": lab,
                "actor": self.actor,
                "at": at,
            }
            for s, e, k, lab in log
        ]
        if not rows:  # checked, nothing to replace: the log says so, and the source counts as done
            rows = [
                {
                    "source_id": src["id"],
                    "version": version,
                    "start": 0,
                    "end": 0,
                    "type": "none",
                    "label": "",
                    "actor": self.actor,
                    "at": at,
                }
            ]
        act.changes.insert_rows(t.deid_replacement, rows)
        result.replacements += len(log)

    def _deid_entities(self, act, key) -> None:
        known = {r.label: r.id for r in act.conn.execute(select(t.deid_entity.c.id, t.deid_entity.c.label))}
        for entity in key.entities:
            if entity.label not in known:
                known[entity.label] = act.changes.insert(
                    t.deid_entity, {"type": entity.type, "label": entity.label, "created_at": now()}
                )

    def _deid_rewrite_rows(self, act, identified) -> int:
        """Every other text column holding an identified word gets the pseudonym instead (memos, code
        names, snapshots, machine exchanges, source names, the study's title)."""
        if not identified:
            return 0
        rewritten = 0
        for table in t.metadata.sorted_tables:
            if table.name in _NOT_SCRUBBED or "id" not in table.c:
                continue
            columns = [
                c
                for c in table.c
                if isinstance(c.type, (String, Text)) and not any(word in c.name for word in _NOT_TEXT)
            ]
            if not columns:
                continue
            for row in act.conn.execute(select(table.c.id, *columns)).mappings().all():
                values = {c.name: identified.replace(row[c.name]) for c in columns if identified.search(row[c.name])}
                if values and table.name == "segment":  # turns are bulk rows: written in place
                    act.conn.execute(update(table).where(table.c.id == row["id"]).values(**values))
                    act.changes.items.append({"table": "segment", "op": "withhold", "id": row["id"]})
                elif values:
                    act.changes.update(table, row["id"], values)
                rewritten += bool(values)
        return rewritten

    def _deid_withhold_trail(self, conn, identified, originals: dict[str, str]) -> tuple[int, int]:
        """Withhold identified words from earlier events' images and summaries (version-2 hashes hold)."""
        from theorize.deid.scrub import withhold_event

        ev = t.audit_event
        withheld = kept = 0
        if not identified:
            return 0, 0
        for row in conn.execute(select(ev.c.id, ev.c.summary, ev.c.changes, ev.c.hash_version)).all():
            if (row.hash_version or 1) < 2:
                kept += identified.search(row.summary) or identified.search(row.changes)
                continue
            new = withhold_event(row.summary, row.changes, identified, originals)
            if new:
                conn.execute(update(ev).where(ev.c.id == row.id).values(summary=new[0], changes=new[1]))
                withheld += 1
        return withheld, kept

    def _deid_compact(self) -> None:
        """Leave no page of the old words behind: SQLite rewrites the file and empties its -wal."""
        if self.path is None:
            return
        self.engine.dispose()
        raw = self.engine.raw_connection()
        try:
            driver = raw.driver_connection
            assert driver is not None
            if driver.in_transaction:
                driver.commit()
            driver.execute("VACUUM")
            driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()


def _check_type(kind: str) -> None:
    if kind not in TYPES:
        raise InvalidInput(f"{kind!r} is not a type of finding; the types are {', '.join(TYPES)}.")


def _person_words(text: str) -> list[str]:
    from theorize.deid.detect import _name_words

    return [w for w in _name_words(text) if len(w) > 2]


def _vault_terms(path: Path, passphrase: str) -> list[tuple[str, str]]:
    """The deny list and every written form of the key's entities, from the vault."""
    from theorize.deid.vault import read_vault

    content = read_vault(path, passphrase)
    terms = [(d["text"], d["type"]) for d in content.get("deny", [])]
    for entity in (content.get("key") or {}).get("entities", []):
        if entity["type"] in TYPES and entity["type"] not in ("date", "age"):
            terms += [(w, entity["type"]) for w in [*entity.get("words", []), *entity.get("forms", [])] if len(w) > 2]
    return terms
