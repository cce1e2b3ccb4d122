"""From a project to a :class:`~theorize.report.content.ReportContent`: read the views once, then
build each chapter from them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from theorize.errors import InvalidInput
from theorize.report import analyses, methods
from theorize.report.codebook import CodebookBuilder, CodeTree
from theorize.report.content import MemoEntry, ReportContent
from theorize.report.formatting import day, is_missing
from theorize.report.model import model_figure, model_sections
from theorize.report.quotes import QuotePicker


@dataclass
class ReportOptions:
    """What goes into a report.

    Attributes:
        saturation_group: the participant group whose interviews the saturation analysis uses
            (None: all interviews).
        saturation_stage: the coding stage counted for saturation (None: every stage).
        saturation_orders: random interview orders for the saturation bootstrap.
        agreement_coders: coders compared (None: everyone who coded the material).
        agreement_stage: the coding stage compared (None: every stage).
        agreement_unit: "turn", "sentence" or "character".
        quotes_per_code: exemplar quotes per code in the codebook.
        quotes_per_category: exemplar quotes per category in the model chapter.
    """

    saturation_group: str | None = None
    saturation_stage: str | None = "focused"
    saturation_orders: int = 1000
    agreement_coders: list[str] | None = None
    agreement_stage: str | None = "focused"
    agreement_unit: str = "turn"
    quotes_per_code: int = 2
    quotes_per_category: int = 3


def _memo_entries(memos: pd.DataFrame) -> dict[int, MemoEntry]:
    out = {}
    for m in memos.itertuples():
        written = pd.Timestamp(m.written_on) if not is_missing(m.written_on) else None
        out[int(m.id)] = MemoEntry(
            id=int(m.id),
            anchor=f"memo-{int(m.id)}",
            title=str(m.title),
            type=str(m.type),
            author=str(m.author),
            date=day(written),
            body=str(m.body or ""),
            codes=[str(c) for c in m.codes],
            sources=[str(s) for s in m.sources],
            date_sort=written.isoformat() if written is not None else "",
        )
    return out


def assemble(
    study, options: ReportOptions | None = None, progress: Callable[[str], None] | None = None
) -> ReportContent:
    """Read the project and put together everything the report says.

    Examples:
        >>> content = assemble(study)  # doctest: +SKIP
        >>> [c.name for c in content.categories][:2]  # doctest: +SKIP
        ["Living in the court's shadow", 'Complying to get through']
    """
    from theorize import __version__

    options = options or ReportOptions()
    say = progress or (lambda _msg: None)
    say("reading the project")
    info = study.study
    sources, participants = study.sources(), study.participants()
    codes, all_codes = study.codes(), study.codes(include_merged=True)
    codings = study.codings(counted_only=True)  # the one rule: accepted codings count
    memos, coders = study.memos(), study.coders()
    audit, snapshots = study.audit(), study.snapshots()
    participant_of = {int(r.id): r.participants.split(", ")[0] for r in sources.itertuples() if r.participants}
    groups = {str(r.participant): ("" if is_missing(r.group) else str(r.group)) for r in participants.itertuples()}

    say("methods")
    overview = methods.overview(info, sources, participants, codes, codings, memos)
    if len(sources):
        overview.append(study.deid_notice())  # whether the words were de-identified
    steps = methods.steps_table(audit, codings, memos, snapshots, sources)
    steps.rows.append(methods.anchor_row(study.audit_anchor()))

    say("codebook")
    tree = CodeTree(codes, all_codes)
    picker = QuotePicker(study, codings, participant_of)
    builder = CodebookBuilder(study, tree, codings, participant_of, groups, picker, options.quotes_per_code)
    model = study.model()
    categories = builder.categories(model, say)
    uncategorised = builder.uncategorised({c.id for c in categories})

    say("model")
    entries = _memo_entries(memos)
    figure, omitted = None, ""
    try:
        figure = model_figure(model)
    except InvalidInput as exc:
        omitted = f"The model figure is not shown: {exc}"
    sections = model_sections(
        model, tree, memos, entries, picker, builder.codings_for, options.quotes_per_category, say
    )

    say("saturation")
    saturation = analyses.saturation(
        study, group=options.saturation_group, stage=options.saturation_stage, n_orders=options.saturation_orders
    )
    say("agreement")
    agreement = analyses.agreement(
        study, coders=options.agreement_coders, stage=options.agreement_stage, unit=options.agreement_unit
    )
    where = study.path.name if study.path is not None else "a PostgreSQL project"
    generated = f"{day(datetime.now(UTC))} from {where} (theorize {__version__})"
    return ReportContent(
        title=str(info.get("title") or "Untitled study"),
        research_question=str(info.get("research_question") or ""),
        method_notes=str(info.get("method_notes") or ""),
        generated=generated,
        categories=categories,
        uncategorised=uncategorised,
        model_figure=figure,
        model_omitted=omitted,
        model_sections=sections,
        saturation=saturation,
        agreement=agreement,
        memos=sorted(entries.values(), key=lambda m: (m.date_sort, m.id)),
        overview=overview,
        participants=methods.participant_tables(participants),
        sources=methods.sources_table(sources),
        coders=methods.coders_table(coders, codings, memos),
        steps=steps,
    )
