"""Blind coding rounds: an owner opens one on some sources for some coders, each of whom then sees
only their own codings there until the owner closes it; agreement per code is kept at the close.

A round may freeze the codebook: while a frozen round is open, no action may add, rename, move,
merge, split or promote a code (or take such a change back by undo), whoever does it; coding with
the codes there are, defining a code and giving it a colour stay allowed, since they leave the
codebook's structure (which codes exist, and where) as the coders found it. The refusal is one
check on the changes every action is about to record (:meth:`RoundsMixin._allowed`), so a new
code made on the way (in vivo, a new code with a coding, an import) is refused too.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from theorize.errors import Conflict, InvalidInput, NotFound
from theorize.services.agreement import AgreementMixin
from theorize.services.base import now
from theorize.services.team import TeamMixin
from theorize.services.workbench import WorkbenchMixin
from theorize.store import schema as t

CODEBOOK_IN_ROUND = ("open", "frozen")
#: The unit a round's agreement is counted in, at its close and in its review.
ROUND_UNIT = "sentence"
#: Columns of a code whose change alters the codebook's structure (definition and colour do not).
STRUCTURE = frozenset({"name", "parent_id", "merged_into_id", "stage"})
#: What each action would have done to the codebook, for the refusal's sentence.
_DONE = {
    "add code": "added",
    "rename code": "renamed",
    "move code": "moved",
    "move codes": "moved",
    "merge codes": "merged",
    "split code": "split",
    "promote code": "promoted",
    "code in vivo": "added (an in-vivo code is a new code)",
    "code": "added",
    "undo": "changed by an undo",
}


def changes_structure(items: list[dict[str, Any]]) -> bool:
    """True when recorded changes add, remove, rename, move, merge, split or promote a code."""
    for item in items:
        if item["table"] == "code_lineage":
            return True
        if item["table"] != "code":
            continue
        if item["op"] != "update" or STRUCTURE & set(item.get("after") or {}):
            return True
    return False


class RoundsMixin(TeamMixin, AgreementMixin, WorkbenchMixin):
    """Blind coding rounds (owners open and close them; see the module's docstring)."""

    def open_round(
        self, name: str, *, sources: list, coders: list[str], codebook: str = "open", frozen: bool | None = None
    ) -> int:
        """Open a blind coding round: in it, each of ``coders`` sees only their own codings on
        ``sources`` (in every page and in the JSON API) until the round is closed. With
        ``codebook="frozen"`` (or ``frozen=True``) no one may change the codebook's structure while
        it is open.

        Examples:
            >>> study.open_round("R1", sources=["C01.docx"], coders=["Sam", "Ana"], frozen=True)  # doctest: +SKIP
        """
        if frozen is not None:
            codebook = "frozen" if frozen else "open"
        if codebook not in CODEBOOK_IN_ROUND:
            raise InvalidInput(f"The codebook in a round is 'open' or 'frozen', not {codebook!r}.")
        coders = sorted({c.strip() for c in coders if c and c.strip()})
        if len(coders) < 2:
            raise InvalidInput("A blind round needs at least two coders.")
        with self._action("open round", f"opened the blind round {name!r}") as act:
            self._require_owner(act.conn)
            ids = sorted({self._source_row(act.conn, s)["id"] for s in sources})
            if not ids:
                raise InvalidInput("A blind round needs at least one source.")
            if act.conn.execute(select(t.coding_round.c.id).where(t.coding_round.c.name == name)).first():
                raise Conflict(f"There is already a round called {name!r}.")
            return act.changes.insert(
                t.coding_round,
                {
                    "name": name,
                    "sources": json.dumps(ids),
                    "coders": json.dumps(coders),
                    "codebook": codebook,
                    "opened_by": self.actor,
                    "opened_at": now(),
                    "closed_at": None,
                    "results": None,
                },
            )

    def close_round(self, name: str) -> dict:
        """Close a round: everyone sees all codings again; agreement per code is kept with the round."""
        row = self._round_row(name)
        if row["closed_at"] is not None:
            raise Conflict(f"The round {name!r} is closed already.")
        results = self._round_agreement(row)
        with self._action("close round", f"closed the blind round {name!r}") as act:
            self._require_owner(act.conn)
            act.changes.update(t.coding_round, row["id"], {"closed_at": now(), "results": json.dumps(results)})
        return results

    def rounds(self) -> list[dict]:
        """Every round, open or closed: sources (ids), coders, codebook (open or frozen), who opened
        and who closed it and when, and (when closed) agreement per code at the close."""
        with self._read() as conn:
            rows = conn.execute(select(t.coding_round).order_by(t.coding_round.c.id)).mappings().all()
            closers = _closers(conn) if any(r["closed_at"] is not None for r in rows) else {}
        return [_round(r) | {"closed_by": closers.get(r["id"]) if r["closed_at"] else None} for r in rows]

    def round_adjudications(self) -> dict[str, list[dict]]:
        """The adjudications recorded after each closed round, by round name: source, start, end,
        decision, note, by (the adjudicator), at. An adjudication on a source belongs to the latest
        round on that source closed before it was written."""
        rounds = [r for r in self.rounds() if r["closed_at"] is not None]
        out: dict[str, list[dict]] = {r["name"]: [] for r in rounds}
        if not rounds:
            return out
        with self._read() as conn:
            rows = conn.execute(
                select(
                    t.memo.c.id,
                    t.memo.c.title,
                    t.memo.c.body,
                    t.memo.c.created_at,
                    t.coder.c.name.label("by"),
                    t.memo_link.c.target_id.label("source_id"),
                    t.source.c.name.label("source"),
                )
                .join(t.memo_link, t.memo_link.c.memo_id == t.memo.c.id)
                .join(t.source, t.source.c.id == t.memo_link.c.target_id)
                .join(t.coder, t.coder.c.id == t.memo.c.author_id, isouter=True)
                .where(t.memo_link.c.target_type == "source", t.memo.c.title.like("Adjudication: %"))
                .order_by(t.memo.c.id)
            ).all()
        for r in rows:
            at = _aware(r.created_at)
            owners = [x for x in rounds if r.source_id in x["sources"] and _aware(x["closed_at"]) <= at]
            if not owners:
                continue
            owner = max(owners, key=lambda x: _aware(x["closed_at"]))
            span = r.title.rsplit(" ", 1)[-1]
            start, _, end = span.partition("-")
            decision, _, rest = (r.body or "").partition("\n\n")
            note = rest.split("\n\n", 1)[1] if rest.startswith(">") and "\n\n" in rest else rest
            out[owner["name"]].append(
                {
                    "source": r.source,
                    "start": int(start) if start.isdigit() else None,
                    "end": int(end) if end.isdigit() else None,
                    "decision": decision.removeprefix("Decision: ").rstrip("."),
                    "note": note.strip(),
                    "by": r.by or "",
                    "at": r.created_at,
                }
            )
        return out

    def blind_sources(self, viewer: str) -> set[int]:
        """The sources on which ``viewer`` is in an open round (they see only their own codings there)."""
        out: set[int] = set()
        with self._read() as conn:
            rows = conn.execute(
                select(t.coding_round.c.sources, t.coding_round.c.coders).where(t.coding_round.c.closed_at.is_(None))
            ).all()
        for sources, coders in rows:
            if viewer in json.loads(coders):
                out.update(json.loads(sources))
        return out

    def in_open_round(self, viewer: str) -> bool:
        return bool(self.blind_sources(viewer))

    def frozen_round(self) -> str | None:
        """The name of an open round that froze the codebook, or None."""
        with self._read() as conn:
            return _frozen_round(conn)

    def overview_for(self, viewer: str, *, recent: int = 12) -> dict:
        """:meth:`overview` as ``viewer`` may see it: in an open round, the round's sources count
        their codings only, and the newest actions are theirs only."""
        view = self.overview(recent=recent)
        blind = self.blind_sources(viewer)
        if not blind:
            return view
        from theorize.services.workbench import _covered

        view["recent"] = [e for e in view["recent"] if e["actor"] == viewer]
        with self._read() as conn:
            rows = conn.execute(
                select(t.coding.c.source_id, t.coding.c.start, t.coding.c.end)
                .join(t.coder, t.coder.c.id == t.coding.c.coder_id)
                .where(t.coder.c.name == viewer, t.coding.c.status == "accepted", t.coding.c.source_id.in_(blind))
            ).all()
        for s in view["sources"]:
            if s["id"] in blind:
                spans = [(r.start, r.end) for r in rows if r.source_id == s["id"]]
                s["codings"] = len(spans)
                s["coded_share"] = _covered(spans) / s["characters"] if s["characters"] else 0.0
        return view

    def transcript_for(self, source: int | str, viewer: str, unit: str = "sentence"):
        """:meth:`transcript` as ``viewer`` may see it: in an open round, their own codings only."""
        tr = self.transcript(source, unit)
        if tr.source_id in self.blind_sources(viewer):
            tr.codings = [c for c in tr.codings if c["coder"] == viewer]
        return tr

    def coding_for(self, coding_id: int, viewer: str, **kwargs) -> dict:
        """:meth:`coding` unless it is another coder's coding on a source blind to ``viewer``."""
        c = self.coding(coding_id, **kwargs)
        if c["coder"] != viewer and c["source_id"] in self.blind_sources(viewer):
            raise NotFound(f"There is no coding {coding_id}.", hint="list_codings")
        return c

    # -- inside ------------------------------------------------------------------------------------
    def _allowed(self, conn: Connection, action: str, items: list[dict[str, Any]]) -> None:
        """Refuse an action whose changes alter the codebook's structure while a frozen round is
        open (called by the write path before the event is recorded; the transaction then rolls back)."""
        if not changes_structure(items):
            return
        name = _frozen_round(conn)
        if name is None:
            return
        done = _DONE.get(action, "added, renamed, moved, merged, split or promoted")
        raise Conflict(
            f"The codebook is frozen while the blind round {name!r} is open, so no code can be {done}; "
            "code with the existing codes, or ask an owner to close the round (or to open the next one with an open codebook).",
            round=name,
        )

    def round(self, name: str) -> dict:
        """One round by its name, as :meth:`rounds` gives it (without who closed it)."""
        return _round(self._round_row(name))

    def _round_row(self, name: str):
        with self._read() as conn:
            row = conn.execute(select(t.coding_round).where(t.coding_round.c.name == name)).mappings().first()
            if row is None:
                known = ", ".join(conn.execute(select(t.coding_round.c.name).order_by(t.coding_round.c.id)).scalars())
                raise NotFound(f"There is no coding round {name!r}; the rounds are: {known or 'none yet'}.")
        return row

    def _round_agreement(self, row) -> dict[str, Any]:
        """Agreement per code among the round's coders on its sources (a sentence when there is none)."""
        try:
            report = self.agreement(
                coders=json.loads(row["coders"]), sources=json.loads(row["sources"]), unit=ROUND_UNIT, resamples=200
            )
        except InvalidInput as error:
            return {"note": error.fact, "codes": []}
        codes = [
            {
                "code": r["code"],
                "percent_agreement": _num(r.get("percent_agreement")),
                "alpha": _num(r.get("alpha")),
                "kappa": _num(r.get("kappa")),
            }
            for r in report.table.to_dict("records")
        ]
        return {"note": "", "codes": codes, "overall_alpha": _num(report.overall.get("alpha"))}


def _frozen_round(conn: Connection) -> str | None:
    return conn.execute(
        select(t.coding_round.c.name)
        .where(t.coding_round.c.closed_at.is_(None), t.coding_round.c.codebook == "frozen")
        .order_by(t.coding_round.c.id)
        .limit(1)
    ).scalar()


def _closers(conn: Connection) -> dict[int, str]:
    """Who closed each round: the actor of the newest 'close round' event that changed its row."""
    out: dict[int, str] = {}
    rows = conn.execute(
        select(t.audit_event.c.actor, t.audit_event.c.changes)
        .where(t.audit_event.c.action == "close round")
        .order_by(t.audit_event.c.id)
    ).all()
    for actor, changes in rows:
        for item in json.loads(changes or "[]"):
            if item.get("table") == "coding_round" and item.get("op") == "update":
                out[int(item["id"])] = actor
    return out


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _num(value) -> float | None:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if value != value else round(value, 4)


def _round(r) -> dict:
    return {
        "id": r["id"],
        "name": r["name"],
        "sources": json.loads(r["sources"]),
        "coders": json.loads(r["coders"]),
        "codebook": r["codebook"],
        "opened_by": r["opened_by"],
        "opened_at": r["opened_at"],
        "closed_at": r["closed_at"],
        "results": json.loads(r["results"]) if r["results"] else None,
    }
