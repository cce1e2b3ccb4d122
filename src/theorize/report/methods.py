"""The methods summary: participants by group, sources, coders, and the analysis steps with their
dates, summarised from the audit trail, the codings, the memos and the snapshots."""

from __future__ import annotations

import pandas as pd

from theorize.report.content import MISSING, Table
from theorize.report.formatting import cell, is_missing, label, listing, period, plural

# Audit actions summarised as one step each: (actions, step name, what one event is).
_CODEBOOK_ACTIONS = {
    "merge codes": "merge",
    "split code": "split",
    "rename code": "rename",
    "promote code": "promotion",
    "move code": "move",
}
_MODEL_ACTIONS = {
    "place category": "category placed",
    "add stage": "stage",
    "relate": "relation",
    "describe category": "category described",
}


def participant_tables(participants: pd.DataFrame) -> list[Table]:
    """One table per group; a column only where someone in that group has a value."""
    tables: list[Table] = []
    if participants.empty:
        return tables
    groups = participants["group"].map(lambda g: MISSING if is_missing(g) else str(g))
    for group in sorted(groups.unique(), key=lambda g: (g == MISSING, g)):
        part = participants[groups == group].drop(columns=["group"])
        part = part.loc[:, [c for c in part.columns if c == "participant" or not part[c].map(is_missing).all()]]
        columns = ["Participant"] + [label(c) for c in part.columns if c != "participant"]
        rows = [[cell(v) for v in r] for r in part.itertuples(index=False)]
        numeric = {
            i
            for i, c in enumerate(part.columns)
            if i and pd.to_numeric(part[c], errors="coerce").notna().sum() == part[c].notna().sum() > 0
        }
        name = "Participants without a group" if group == MISSING else f"{label(group)} participants"
        tables.append(Table(columns, rows, caption=f"{name} ({len(rows)})", numeric=numeric))
    return tables


def sources_table(sources: pd.DataFrame) -> Table:
    edited = bool((sources["version"] > 1).any()) if not sources.empty else False
    columns = ["Source", "Participant", "Format", "Words", "Turns"] + (["Text version"] if edited else [])
    rows = []
    for r in sources.itertuples():
        row = [r.name, r.participants or MISSING, str(r.file_format).upper(), cell(int(r.words)), cell(int(r.turns))]
        rows.append(row + ([str(r.version)] if edited else []))
    total = [
        "All sources",
        f"{sources['participants'].replace('', None).nunique():,} participants",
        "",
        cell(int(sources["words"].sum())),
        cell(int(sources["turns"].sum())),
    ] + ([""] if edited else [])
    return Table(columns, rows + [total], caption=f"Sources ({len(rows)})", numeric={3, 4}, emphasis={len(rows)})


def coders_table(coders: pd.DataFrame, codings: pd.DataFrame, memos: pd.DataFrame) -> Table:
    stages = [s for s in ("initial", "focused", "category", "theoretical") if (codings["stage"] == s).any()]
    columns = ["Coder", "Role", *[f"{s.capitalize()} codings" for s in stages], "Sources coded", "Memos"]
    rows = []
    for r in coders.itertuples():
        mine = codings[codings["coder"] == r.name]
        counts = mine["stage"].value_counts()
        written = int((memos["author"] == r.name).sum()) if not memos.empty else 0
        if mine.empty and not written:
            continue
        rows.append(
            [
                r.name,
                r.role or MISSING,
                *[cell(int(counts.get(s, 0))) for s in stages],
                cell(mine["source_id"].nunique()),
                cell(written),
            ]
        )
    numeric = set(range(2, len(columns)))
    return Table(columns, rows, caption="Coders and their work", numeric=numeric)


def _dated(audit: pd.DataFrame, actions) -> pd.DataFrame:
    return audit[audit["action"].isin(list(actions))]


def steps_table(
    audit: pd.DataFrame, codings: pd.DataFrame, memos: pd.DataFrame, snapshots: pd.DataFrame, sources: pd.DataFrame
) -> Table:
    """The analysis steps in the order of the research process, each with its dates and what it
    amounted to. Dates are those recorded: audit events for imports, coding and revisions; the
    memo's own date for memos; the snapshot's date for snapshots."""
    steps: list[list[str]] = []  # [step, when, what], in the order of the research process

    def add(name: str, first, last, detail: str) -> None:
        steps.append([name, period(first, last), detail])

    created = _dated(audit, ["create project"])
    if not created.empty:
        add("Project created", created["at"].iloc[0], created["at"].iloc[0], "Audit trail begins")
    imports = _dated(audit, ["import source"])
    if not imports.empty:
        kinds = listing([f"{n} {f.upper()}" for f, n in sources["file_format"].value_counts().items()])
        add("Sources imported", imports["at"].min(), imports["at"].max(), f"{plural(len(imports), 'source')} ({kinds})")
    attrs = _dated(audit, ["import attributes", "set attributes", "add participant"])
    if not attrs.empty:
        add("Participant attributes recorded", attrs["at"].min(), attrs["at"].max(), plural(len(attrs), "change"))
    edits = _dated(audit, ["edit text"])
    if not edits.empty:
        add(
            "Transcripts corrected",
            edits["at"].min(),
            edits["at"].max(),
            f"{plural(len(edits), 'text edit')}; codings carried over to the new versions",
        )
    for coder, mine in codings.groupby("coder", sort=True):
        by_stage = listing([f"{n:,} {s}" for s, n in mine["stage"].value_counts().items()])
        add(
            f"Coding by {coder}",
            mine["created_at"].min(),
            mine["created_at"].max(),
            f"{by_stage} codings on {plural(mine['source_id'].nunique(), 'source')}",
        )
    work = _dated(audit, _CODEBOOK_ACTIONS)
    if not work.empty:
        counts = work["action"].value_counts()
        detail = listing(
            [
                plural(int(counts[a]), w, "moves" if w == "move" else None)
                for a, w in _CODEBOOK_ACTIONS.items()
                if a in counts
            ]
        )
        add("Codebook revised", work["at"].min(), work["at"].max(), detail)
    for r in snapshots.itertuples():
        add("Codebook snapshot", r.taken_at, r.taken_at, f"\u201c{r.name}\u201d")
    if not memos.empty:
        types = listing([f"{n} {t}" for t, n in memos["type"].value_counts().items()])
        add(
            "Memos written",
            memos["written_on"].min(),
            memos["written_on"].max(),
            f"{plural(len(memos), 'memo')}: {types}",
        )
    adjudications = _dated(audit, ["adjudicate"])
    if not adjudications.empty:
        add(
            "Disagreements adjudicated",
            adjudications["at"].min(),
            adjudications["at"].max(),
            f"{plural(len(adjudications), 'decision')}, each with a memo",
        )
    reviews = _dated(audit, ["accept suggestion", "review coding"])
    if not reviews.empty:
        add("Suggested codings reviewed", reviews["at"].min(), reviews["at"].max(), plural(len(reviews), "review"))
    model = _dated(audit, _MODEL_ACTIONS)
    if not model.empty:
        counts = model["action"].value_counts()
        detail = listing(
            [
                plural(
                    int(counts[a]),
                    w,
                    {"category placed": "categories placed", "category described": "categories described"}.get(w),
                )
                for a, w in _MODEL_ACTIONS.items()
                if a in counts
            ]
        )
        add("Theoretical model built", model["at"].min(), model["at"].max(), detail)
    undone = _dated(audit, ["undo"])
    if not undone.empty:
        add("Actions undone", undone["at"].min(), undone["at"].max(), plural(len(undone), "undo"))
    total = plural(len(audit), "audited action")
    return Table(["Step", "When", "What"], steps, caption=f"Analysis steps, summarised from the audit trail ({total})")


def anchor_row(anchor) -> list[str]:
    """The audit anchor as the last analysis step: kept with the report, it lets a reader check later
    (``theorize audit verify --anchor``) that no step up to the report was removed or rewritten."""
    detail = (
        f"{anchor} (event {anchor.event}); `theorize audit verify --anchor` with it shows whether any "
        "step up to here was later removed or rewritten"
    )
    return ["Audit anchor", period(anchor.at, anchor.at), detail]


def overview(
    study_info: dict,
    sources: pd.DataFrame,
    participants: pd.DataFrame,
    codes: pd.DataFrame,
    codings: pd.DataFrame,
    memos: pd.DataFrame,
) -> list[str]:
    """Short facts for the opening paragraph."""
    groups = participants["group"].map(lambda g: "" if is_missing(g) else str(g)).value_counts()
    people = listing([f"{n} {g}{'s' if n != 1 else ''}" if g else f"{n} without a group" for g, n in groups.items()])
    stages = codes["stage"].value_counts()
    code_text = listing(
        [
            plural(int(stages[s]), f"{s} code") if s != "category" else plural(int(stages[s]), "category", "categories")
            for s in ("initial", "focused", "category", "theoretical")
            if s in stages
        ]
    )
    facts = [f"{plural(len(sources), 'source')} ({cell(int(sources['words'].sum()))} words)"]
    if len(participants):
        facts.append(f"{plural(len(participants), 'participant')} ({people})")
    facts.append(f"{plural(len(codings), 'coding')} by {plural(codings['coder'].nunique(), 'coder')}")
    if code_text:
        facts.append(code_text)
    facts.append(plural(len(memos), "memo"))
    return facts
