"""The methods section written from the study: what a committee asks a methods chapter to say.

Each paragraph is built from what the project records (the research question, the method notes, the
participants and their groups, the sampling memos, the codes and codings by stage, memos by type,
the coders and their adjudications, de-identification and machine help), never from a template of
claims: a step the project does not record is not mentioned.
"""

from __future__ import annotations

import pandas as pd

from theorize.report.formatting import listing, plural

STAGE_WORDS = {
    "initial": ("initial (line-by-line) code", "initial (line-by-line) codes"),
    "focused": ("focused code", "focused codes"),
    "category": ("category", "categories"),
    "theoretical": ("theoretical code", "theoretical codes"),
}


def method_paragraphs(
    study,
    *,
    codes: pd.DataFrame,
    codings: pd.DataFrame,
    memos: pd.DataFrame,
    participants: pd.DataFrame,
    coders: pd.DataFrame,
) -> list[tuple[str, str]]:
    """(heading, paragraph) pairs for the methods section, in the order a methods chapter reads.

    Args:
        codings: the codings that count (with ``stage``, ``coder``, ``origin``).
    """
    info = study.study
    out: list[tuple[str, str]] = []
    if info.get("research_question"):
        out.append(("Research question", str(info["research_question"])))
    if info.get("method_notes"):
        out.append(("Design", str(info["method_notes"])))
    out.append(("Sampling", _sampling(participants, memos)))
    out.append(("Coding", _coding(codes, codings)))
    if len(memos):
        out.append(("Memo-writing", _memos(memos)))
    agreement = _agreement(coders, codings, memos)
    if agreement:
        out.append(("Agreement between coders", agreement))
    deid = _deidentification(study)
    if deid:
        out.append(("De-identification", deid))
    machine = _machine_help(study)
    if machine:
        out.append(("Machine help", machine))
    return out


def _sampling(participants: pd.DataFrame, memos: pd.DataFrame) -> str:
    if participants.empty:
        return "No participants are recorded in this project."
    groups = participants["group"].fillna("").value_counts()
    parts = [
        plural(int(n), f"{g} participant") if g else plural(int(n), "participant") + " without a group"
        for g, n in groups.items()
    ]
    text = f"The study interviewed {listing(parts)}."
    if "interview_date" in participants.columns:
        dates = participants.dropna(subset=["interview_date"])
        for group, part in dates.groupby(dates["group"].fillna("")):
            first, last = str(part["interview_date"].min())[:10], str(part["interview_date"].max())[:10]
            text += f" The {group or 'other'} interviews were held from {first} to {last}." if first != last else ""
    sampling = memos[memos["type"] == "sampling"] if len(memos) else memos
    if len(sampling):
        titles = "; ".join(f"\u201c{t}\u201d" for t in sampling["title"])
        text += (
            f" Who to interview next was decided as the analysis went (theoretical sampling), in "
            f"{plural(len(sampling), 'sampling memo')}: {titles}."
        )
    return text


def _coding(codes: pd.DataFrame, codings: pd.DataFrame) -> str:
    live = codes[codes["merged_into_id"].isna()] if "merged_into_id" in codes.columns else codes
    by_stage = live["stage"].value_counts()
    coded = codings["stage"].value_counts() if len(codings) else pd.Series(dtype=int)
    parts = []
    for stage in ("initial", "focused", "category", "theoretical"):
        n = int(by_stage.get(stage, 0))
        if n:
            applied = int(coded.get(stage, 0))
            parts.append(plural(n, *STAGE_WORDS[stage]) + (f" ({plural(applied, 'coding')})" if applied else ""))
    if not parts:
        return "No codes have been made yet."
    return (
        f"Coding moved through the stages of constructivist grounded theory (Charmaz 2014): {listing(parts)}. "
        "Only accepted codings count in every table and figure; machine suggestions not yet accepted do not."
    )


def _memos(memos: pd.DataFrame) -> str:
    counts = memos["type"].value_counts()
    parts = [plural(int(n), f"{t} memo") for t, n in counts.items()]
    authors = memos["author"].nunique()
    return (
        f"{plural(len(memos), 'memo')} were written by {plural(authors, 'researcher')} ({listing(parts)}); "
        "every memo is given in full in the appendix."
    )


def _agreement(coders: pd.DataFrame, codings: pd.DataFrame, memos: pd.DataFrame) -> str:
    people = sorted(set(codings["coder"])) if len(codings) else []
    if len(people) < 2:
        return ""
    adjudications = memos[memos["title"].str.startswith("Adjudication:")] if len(memos) else memos
    text = (
        f"{listing(people)} coded independently; their agreement is reported per code with Krippendorff's "
        "alpha beside percent agreement (section 4)."
    )
    if len(adjudications):
        text += (
            f" Disagreements were discussed and {plural(len(adjudications), 'decision')} recorded, each in an "
            "adjudication memo with its reason (listed beside the coefficients)."
        )
    else:
        text += " No adjudication of a disagreement is recorded."
    return text


def _deidentification(study) -> str:
    log = getattr(study, "deid_log", None)
    if log is None:
        return ""
    frame = log()
    if frame.empty:
        return ""
    types = frame["type"].value_counts()
    parts = [f"{n:,} {t}" for t, n in types.items()]
    return (
        f"Before analysis the transcripts were de-identified: {plural(len(frame), 'passage')} in "
        f"{plural(frame['source'].nunique(), 'source')} were replaced by pseudonyms or tags ({listing(parts)}); "
        "the key is kept apart from the project, encrypted."
    )


def _machine_help(study) -> str:
    every = study.codings(include_rejected=True, with_text=False)
    machine = every[every["origin"] == "machine"]
    if machine.empty:
        return ""
    status = machine["status"].value_counts()
    models = sorted({str(m) for m in machine["model_id"].dropna()})
    said = listing([f"{int(n):,} {s}" for s, n in status.items()])
    return (
        f"A local model suggested {plural(len(machine), 'coding')} ({said})"
        + (f", with {listing(models)}" if models else "")
        + "; a researcher accepted or rejected each, and only accepted ones count."
    )


def positionality(memos: pd.DataFrame) -> list[tuple[str, str, str]]:
    """The reflexive memos for a positionality section: (title, byline, first paragraphs).

    Examples:
        >>> m = pd.DataFrame({"title": ["Reading C03"], "type": ["reflexive"], "author": ["A"],
        ...                   "written_on": [pd.Timestamp("2026-03-16")], "body": ["I was a counselor.\\n\\nMore."]})
        >>> positionality(m)[0][2]
        'I was a counselor.'
    """
    from theorize.report.formatting import day, excerpt

    rows = []
    mine = memos[memos["type"] == "reflexive"] if len(memos) else memos
    for m in mine.itertuples():
        first = next((p.strip() for p in str(m.body or "").split("\n\n") if p.strip() and not p.startswith("#")), "")
        rows.append((str(m.title), f"{m.author} \u00b7 {day(m.written_on)}", excerpt(first, 600)))
    return rows
