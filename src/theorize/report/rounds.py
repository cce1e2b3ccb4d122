"""The blind coding rounds in the report: one section each, after the agreement sections.

Each says which sources and coders the round had, whether the codebook was frozen, when it was
opened and closed and by whom; a closed round gives the agreement per code kept at its close and
the adjudications recorded after it (:meth:`theorize.Project.round_adjudications`).
"""

from __future__ import annotations

from theorize.report.content import MISSING, Analysis, Table
from theorize.report.formatting import day, excerpt, percent


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}" if names else MISSING


def _number(value) -> str:
    return MISSING if value is None else f"{value:.2f}"


def round_sections(study) -> list[Analysis]:
    """One :class:`Analysis` per round, oldest first (none when the project has no rounds)."""
    rounds = study.rounds()
    if not rounds:
        return []
    names = {int(r.id): str(r.name) for r in study.sources().itertuples()}
    adjudications = study.round_adjudications()
    return [_section(r, names, adjudications.get(r["name"], [])) for r in rounds]


def _section(r: dict, names: dict[int, str], adjudicated: list[dict]) -> Analysis:
    sources = [names.get(s, f"source {s}") for s in r["sources"]]
    if r["closed_at"]:
        frozen = (
            "The codebook was frozen during the round: no code was added, renamed, moved, merged, split or promoted."
            if r["codebook"] == "frozen"
            else "The codebook was open during the round: codes could be added and changed."
        )
    else:
        frozen = (
            "The codebook is frozen while the round is open."
            if r["codebook"] == "frozen"
            else "The codebook is open during the round: codes can be added and changed."
        )
    opened = f"Opened {day(r['opened_at'])} by {r['opened_by']}"
    said = (
        f"{opened}; closed {day(r['closed_at'])} by {r['closed_by'] or MISSING}."
        if r["closed_at"]
        else f"{opened}; still open when this report was written, so its agreement is not reported yet."
    )
    statement = f"{said} Coders: {_and(r['coders'])}. Sources: {_and(sources)}. {frozen}"
    title = f"Blind coding round {r['name']}"
    if not r["closed_at"]:
        return Analysis(title, statement=statement)
    results = r["results"] or {}
    notes = [results["note"]] if results.get("note") else []
    if results.get("overall_alpha") is not None:
        notes.append(f"Krippendorff's alpha over all codes at the close: {results['overall_alpha']:.2f}.")
    table = None
    if results.get("codes"):
        table = Table(
            ["Code", "Percent agreement", "Krippendorff's alpha", "Cohen's kappa"],
            [
                [str(c["code"]), percent(c["percent_agreement"]), _number(c["alpha"]), _number(c["kappa"])]
                for c in results["codes"]
            ],
            f"Agreement per code at the close of round {r['name']} (sentences as units).",
            numeric={1, 2, 3},
        )
    for a in adjudicated:
        where = f"{a['source']} {a['start']}\u2013{a['end']}" if a["start"] is not None else a["source"]
        reason = f" {excerpt(a['note'], 300)}" if a["note"] else ""
        notes.append(f"Adjudicated by {a['by'] or MISSING} ({day(a['at'])}), {where}: {a['decision']}.{reason}")
    if not adjudicated:
        notes.append("No adjudications were recorded after this round.")
    return Analysis(title, statement=statement, table=table, notes=notes)
