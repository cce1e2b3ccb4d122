"""The report's grounded-theory sections beyond code counts: the methods section and positionality,
theoretical saturation, the disagreements and adjudications beside the agreement coefficients, the
circular-saturation warning, theoretical sampling and the comparison of groups; and the numbering
that lets the text refer to its figures and tables.

:func:`extend` adds them to a :class:`~theorize.report.content.ReportContent` already assembled;
each section that does not apply carries one line saying why (never an empty table).
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

from theorize.errors import InvalidInput
from theorize.report.content import Analysis, Figure, ReportContent, Table
from theorize.report.formatting import excerpt, percent, plural
from theorize.report.methods_section import method_paragraphs, positionality
from theorize.report.rounds import round_sections


def extend(content: ReportContent, study, options) -> ReportContent:
    """Add the methods section, positionality and the theory sections to ``content``; number its
    figures and tables and refer to them from the text."""
    memos, participants = study.memos(), study.participants()
    codings = study.codings(counted_only=True, with_text=False)
    content.method_paragraphs = method_paragraphs(
        study,
        codes=study.codes(include_merged=True),
        codings=codings,
        memos=memos,
        participants=participants,
        coders=study.coders(),
    )
    content.positionality = positionality(memos)
    content.saturation.notes.extend(
        circular_notes(study, group=options.saturation_group, stage=options.saturation_stage)
    )
    content.more_analyses = [
        adjudications(
            study, stage=options.agreement_stage, unit=options.agreement_unit, coders=options.agreement_coders
        ),
        theoretical_saturation(study),
        *round_sections(study),
    ]
    content.sampling = [sampling(study), *comparisons(study)]
    number_floats(content)
    return content


def _sentence(exc: Exception) -> str:
    text = str(exc).strip()
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def circular_notes(study, *, group: str | None, stage: str | None) -> list[str]:
    """The warnings to print under the code saturation figure (circular; singletons)."""
    try:
        incidence = study.incidence(group=group, stage=stage)
    except InvalidInput:
        return []
    from theorize.analysis.richness import chao2

    try:
        unseen = chao2(incidence).unobserved
    except InvalidInput:
        unseen = None
    circular, singles = study.saturation_checks(incidence, stage=stage, unseen=unseen)
    return [f"Warning: {c.sentence}" for c in (circular, singles) if c.sentence]


def theoretical_saturation(study, group: str | None = None) -> Analysis:
    """When each category's properties and dimension values stopped growing, with its figure."""
    from theorize.report.theory_figures import plot_property_saturation

    title = "Theoretical saturation"
    try:
        result = study.theoretical_saturation(group=group)
    except InvalidInput as exc:
        return Analysis(title, omitted=f"Theoretical saturation is not reported: {_sentence(exc)}")
    points = result.points
    done = points[points["interviews_after"] > 0]
    statement = (
        f"Counting the properties and dimension values that codings of each category speak to, "
        f"{plural(len(done), 'category', 'categories')} of {len(points)} stopped growing before the last "
        f"interview: nothing new appeared after the interview given for each (Charmaz 2014, ch. 8)."
    )
    with tempfile.TemporaryDirectory(prefix="theorize-report-") as tmp:
        svg = plot_property_saturation(result, Path(tmp) / "p.svg").read_text(encoding="utf-8")
        png = plot_property_saturation(result, Path(tmp) / "p.png").read_bytes()
    caption = (
        "Properties and dimension values of each category, accumulated in interview order; a ring "
        "marks the interview after which nothing new appeared."
    )
    rows = [
        [
            result.categories[int(r.category_id)],
            str(r.elements),
            str(r.last_new_interview or "\u2013"),
            f"{r.last_new_position or 0} of {r.interviews}",
            str(r.interviews_after),
        ]
        for r in points.itertuples()
    ]
    table = Table(
        ["Category", "Properties and values", "Nothing new after", "Interview", "Interviews since"],
        rows,
        "Theoretical saturation per category.",
        numeric={1, 4},
    )
    return Analysis(
        title,
        statement=statement,
        figure=Figure("theoretical-saturation", caption, caption, png, svg),
        table=table,
        notes=list(result.statements),
    )


def adjudications(study, *, stage: str | None, unit: str, coders=None) -> Analysis:
    """The passages the coders disagreed on, each with the decision recorded (or none yet), and why
    percent agreement and alpha differ."""
    title = "Disagreements and adjudications"
    try:
        report = study.agreement(coders=coders, stage=stage, unit=unit)
    except InvalidInput as exc:
        return Analysis(title, omitted=f"Disagreements are not reported: {_sentence(exc)}")
    dis = report.disagreements
    memos = study.memos()
    decided = {}
    for m in memos[memos["title"].str.startswith("Adjudication:")].itertuples():
        where = m.title.removeprefix("Adjudication:").strip()
        decision = next((line for line in str(m.body).splitlines() if line.startswith("Decision:")), "")
        decided[where] = decision.removeprefix("Decision:").strip().rstrip(".")
    coders_ = list(report.coders)
    rows = []
    for row in dis.head(40).to_dict("records"):
        key = f"{row['source']} {row['start']}-{row['end']}"
        rows.append(
            [
                str(row["source"]),
                excerpt(str(row["passage"]), 120),
                *[str(row.get(c) or "") or "\u2013" for c in coders_],
                decided.get(key, "not adjudicated"),
            ]
        )
    overall = report.overall
    pa, alpha = overall.get("percent_agreement"), overall.get("alpha")
    notes = []
    if pa is not None and alpha is not None and not (math.isnan(pa) or math.isnan(alpha)):
        notes.append(
            f"Percent agreement ({percent(pa)}) and Krippendorff's alpha ({alpha:.2f}) differ because percent "
            f"agreement counts every {unit} that neither coder gave a code as agreement, and most {unit}s "
            "carry none of a given code; alpha discounts the agreement expected by chance from how often "
            "each code is used, so it is the figure to judge the coding by."
        )
    if len(dis) > 40:
        notes.append(
            f"The first 40 of {len(dis)} disagreements are shown; `theorize agreement --disagreements` lists all."
        )
    n_dec = sum(1 for r in rows if r[-1] != "not adjudicated")
    statement = (
        f"The coders differed on {plural(len(dis), unit)}; {plural(n_dec, 'decision')} on them "
        "are recorded in adjudication memos."
    )
    table = (
        Table(
            ["Source", "Passage", *coders_, "Decision"],
            rows,
            "Disagreements between the coders and the decisions recorded.",
        )
        if rows
        else None
    )
    return Analysis(title, statement=statement, table=table, notes=notes)


def sampling(study) -> Analysis:
    """Coverage of each category by participant group, thin cells marked, and what to look for next."""
    title = "Theoretical sampling"
    try:
        view = study.sampling()
    except InvalidInput as exc:
        return Analysis(title, omitted=f"Theoretical sampling is not reported: {_sentence(exc)}")
    groups = sorted(view.coverage["group"].unique())
    rows = []
    for category, name in view.categories.items():
        part = view.coverage[view.coverage["category_id"] == category].set_index("group")
        rows.append(
            [
                name,
                *[
                    f"{part.loc[g, 'participants']} of {part.loc[g, 'of_participants']}"
                    + (" (thin)" if part.loc[g, "thin"] else "")
                    + f", {part.loc[g, 'properties']} prop."
                    for g in groups
                ],
            ]
        )
    table = Table(
        ["Category", *[g if g.endswith("participants") else f"{g} participants" for g in groups]],
        rows,
        "Who has spoken to each category, and to how many of its properties and dimensions, by group.",
    )
    memo_note = (
        ("Sampling decisions: " + "; ".join(f"\u201c{t}\u201d" for t in view.memos["title"]) + ".")
        if len(view.memos)
        else "No sampling memo is recorded."
    )
    leads = (
        ["To look for in the next interviews: " + " ".join(view.leads)]
        if view.leads
        else ["Every category has been spoken to by enough participants of each group."]
    )
    return Analysis(
        title,
        statement=f"Coverage of {plural(len(rows), 'category', 'categories')} by "
        f"{plural(len(groups), 'participant group')}.",
        table=table,
        notes=[memo_note, *leads],
    )


def comparisons(study, *, limit: int = 8) -> list[Analysis]:
    """One comparison of the groups per category whose properties more than one group spoke to."""
    try:
        values = study.property_values()
    except InvalidInput:
        return []
    if values.empty or values["group"].nunique() < 2:
        return []
    out = []
    for category in list(dict.fromkeys(values["category_id"]))[:limit]:
        part = values[values["category_id"] == category]
        if part["group"].nunique() < 2:
            continue
        cmp = study.compare_groups(int(category), quotes=1)
        head = ["Property or dimension", *cmp.groups]
        rows = [[r["property"], *[r[g] or "\u2013" for g in cmp.groups]] for r in cmp.properties.to_dict("records")]
        said = "; ".join(
            f"{r.participants} of {r.of_participants} {r.group} participants" for r in cmp.coverage.itertuples()
        )
        quotes = [f"{q.group}: \u201c{excerpt(q.quote, 200)}\u201d ({q.participant})" for q in cmp.quotes.itertuples()]
        out.append(
            Analysis(
                f"{cmp.category}, by group",
                statement=f"Spoken to by {said}.",
                table=Table(head, rows, f"{cmp.category}: properties and dimension values by group."),
                notes=quotes,
            )
        )
    return out


def number_floats(content: ReportContent) -> None:
    """Number figures and tables in the order the writers lay them out, and refer to each from its
    section's text ("(Figure 2; Table 9)"). Tables with no rows are not numbered (they print a line)."""
    figures = tables = 0

    def table(t: Table | None) -> str:
        nonlocal tables
        if t is None or not t.rows:
            return ""
        tables += 1
        return f"Table {tables}"

    for t in [*content.participants, content.sources, content.coders, content.steps]:
        table(t)
    if content.model_figure is not None:
        figures += 1
        content.model_reference = f"Figure {figures}"
    for a in [content.saturation, content.agreement, *content.more_analyses, *content.sampling]:
        if a.omitted:
            continue
        refs = []
        if a.figure is not None:
            figures += 1
            refs.append(f"Figure {figures}")
        name = table(a.table)
        if name:
            refs.append(name)
        if refs and a.statement:
            a.statement = f"{a.statement.rstrip()} ({'; '.join(refs)})"
