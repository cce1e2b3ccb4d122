"""`theorize agreement`, `saturation`, `matrix`, `cooccurrence`, `adjudicate`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from theorize.cli.common import console, err_console, friendly, listing_options, open_study, output_mode, print_frame
from theorize.errors import InvalidInput

if TYPE_CHECKING:
    import pandas as pd
else:
    from theorize._lazy import pandas as pd

STAGES = click.Choice(["initial", "focused", "category", "theoretical"])


#: Headings for the snake_case columns of the library's results: applied here, at the edge.
LABELS = {
    "code_id": "id",
    "units_coded": "units coded",
    "percent_agreement": "percent agreement",
    "alpha": "Krippendorff's alpha",
    "alpha_ci_low": "alpha 95% CI low",
    "alpha_ci_high": "alpha 95% CI high",
    "alpha_resamples": "resamples",
    "kappa": "Cohen's kappa",
    "binary_u_alpha": "binary u-alpha",
    "u_alpha": "u-alpha",
    "interview_id": "interview",
    "new_codes": "new codes",
    "cumulative_codes": "cumulative codes",
    "codings": "codings",
    "participants": "participants",
    "share": "share",
    "p_value": "p",
    "p_holm": "p (Holm)",
    "min_expected": "smallest expected",
    "small_sample": "small sample",
}
COUNTS = {
    "own": "A code counts only its own codings here, not those of the codes beneath it.",
    "own and beneath": "A code counts its own codings and those of every code beneath it.",
}


def _say(text: str) -> None:
    """A line for the reader: on stdout as text; on stderr when stdout carries a --json/--csv listing."""
    (console if output_mode() == "text" else err_console).print(text, markup=False)


def _listed(frame: pd.DataFrame) -> bool:
    """With --json or --csv: print the one listing (snake_case columns) and say so; else False."""
    if output_mode() == "text":
        return False
    print_frame(frame)
    return True


def _labelled(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.round(3)
    return out.rename(
        columns=lambda c: f"coded by {c[len('coded_by_') :]}" if str(c).startswith("coded_by_") else LABELS.get(c, c)
    )


def _save(frame: pd.DataFrame, path: Path | None, index: bool = False) -> None:
    if path is None:
        return
    from theorize.exchange.tables import write_table

    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise InvalidInput(f"{path.name}: tables are written as .csv or .xlsx.")
    _say(f"Wrote {write_table(frame, path, index=index)}")


def _by_label(frame: pd.DataFrame, labels: dict[int, str], axis: str = "index") -> pd.DataFrame:
    """Code ids on an axis shown as names (paths where names repeat)."""
    rename = {k: labels.get(int(k), str(k)) for k in (frame.index if axis == "index" else frame.columns)}
    out = frame.rename(index=rename) if axis == "index" else frame.rename(columns=rename)
    return out.rename_axis("code", axis=0 if axis == "index" else 1)


@click.command()
@click.option("--coder", "coders", multiple=True, help="A coder to compare (repeatable; default: all).")
@click.option("--source", "sources", multiple=True, help="Only these sources (repeatable).")
@click.option("--code", "codes", multiple=True, help="Only these codes (repeatable).")
@click.option("--stage", type=STAGES, default=None, help="Only codes of this stage.")
@click.option("--unit", type=click.Choice(["turn", "sentence", "character"]), default="turn", show_default=True)
@click.option(
    "--disagreements",
    "show_dis",
    is_flag=True,
    help="List the passages the coders disagree on (with --json or --csv: only those).",
)
@click.option(
    "--with-pending",
    "with_pending",
    multiple=True,
    metavar="CODER",
    help="Count this coder's pending suggestions (e.g. 'machine: <model>') to compare the machine "
    "with a person; the coder joins the comparison (repeatable). Otherwise pending suggestions never count.",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the table (.csv/.xlsx).")
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path), help="Draw agreement per code (.png/.svg).")
@listing_options
@click.pass_context
@friendly
def agreement(ctx, coders, sources, codes, stage, unit, show_dis, with_pending, out, plot) -> None:
    """Intercoder agreement per code and overall."""
    if out is not None and out.suffix.lower() not in (".csv", ".xlsx"):
        raise InvalidInput(f"{out.name}: tables are written as .csv or .xlsx.")
    with open_study(ctx) as study:
        report = study.agreement(
            coders=list(coders) or None,
            sources=list(sources) or None,
            codes=list(codes) or None,
            stage=stage,
            unit=unit,
            with_pending=list(with_pending) or None,
        )
    if _listed(report.disagreements if show_dis else report.to_frame()):
        for note in report.notes:
            _say(f"Note: {note}")
    else:
        _agreement_text(report, show_dis)
    if out is not None:
        _say(f"Wrote {report.write(out)}")
    if plot:
        from theorize.analysis.plots import plot_agreement

        value = "alpha" if "alpha" in report.table else "binary_u_alpha"
        _say(f"Wrote {plot_agreement(report.per_code(value), plot, value_label=LABELS[value])}")


def _agreement_text(report, show_dis: bool) -> None:
    console.print(
        f"Agreement of {' and '.join(report.coders)} by {report.unit} on {len(report.sources)} sources", markup=False
    )
    print_frame(_labelled(report.to_frame()))
    console.print(COUNTS[report.counts], markup=False)
    for note in report.notes:
        console.print(f"Note: {note}", markup=False)
    if show_dis:
        console.print(f"{len(report.disagreements)} disagreements")
        print_frame(report.disagreements, max_width=70)


@click.command()
@click.option("--group", default=None, help="Only this participant group, e.g. client.")
@click.option("--stage", type=STAGES, default=None, help="Only codes of this stage.")
@click.option("--coder", default=None, help="Only this coder's codings.")
@click.option("--base", "base_size", type=int, default=4, show_default=True, help="Base size (interviews).")
@click.option("--run", "run_length", type=int, default=2, show_default=True, help="Run length (interviews).")
@click.option("--threshold", type=float, default=0.05, show_default=True, help="New-information threshold.")
@click.option("--run-mode", type=click.Choice(["jump", "slide"]), default="jump", show_default=True)
@click.option("--report-at", type=click.Choice(["before_run", "end_of_run"]), default="before_run", show_default=True)
@click.option("--orders", type=int, default=1000, show_default=True, help="Random interview orders to bootstrap.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the curve (.csv/.xlsx).")
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path), help="Draw the discovery curve (.png/.svg).")
@listing_options
@click.pass_context
@friendly
def saturation(
    ctx, group, stage, coder, base_size, run_length, threshold, run_mode, report_at, orders, out, plot
) -> None:
    """Code saturation in interview order, with a statement for the methods section."""
    with open_study(ctx) as study:
        result = study.saturation(
            group=group,
            stage=stage,
            coder=coder,
            base_size=base_size,
            run_length=run_length,
            threshold=threshold,
            run_mode=run_mode,
            report=report_at,
            n_orders=orders,
        )
        warnings = study.saturation_warnings(result, stage=stage)
    curve = result.curve[["interview", "interview_id", "codes", "new_codes", "cumulative_codes"]]
    if _listed(curve):
        for warning in warnings:
            _say(f"Warning: {warning}")
    else:
        print_frame(_labelled(curve))
        console.print(result.statement, markup=False)
        for warning in warnings:
            console.print(f"Warning: {warning}", markup=False)
        console.print(COUNTS[result.counts], markup=False)
    _save(result.curve, out)
    if plot:
        from theorize.analysis.plots import plot_discovery_curve

        _say(f"Wrote {plot_discovery_curve(result.curve, plot, bootstrap=result.bootstrap, saturation=result.guest)}")


@click.command()
@click.argument("kind", type=click.Choice(["participant", "attribute", "framework"]))
@click.option("--attribute", default=None, help="With `attribute`: which attribute.")
@click.option("--stage", type=STAGES, default=None)
@click.option("--coder", default=None)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the table (.csv/.xlsx).")
@listing_options
@click.pass_context
@friendly
def matrix(ctx, kind, attribute, stage, coder, out) -> None:
    """Code x participant, code x attribute (with tests), or a framework matrix of quotes."""
    if kind == "attribute" and not attribute:
        raise InvalidInput("Name the attribute: theorize matrix attribute --attribute program_phase.")
    with open_study(ctx) as study:
        labels = study.code_labels()
        if kind == "participant":
            frame = _by_label(study.code_matrix(stage=stage, coder=coder), labels)
            if not _listed(frame.reset_index()):
                print_frame(frame.reset_index())
            _save(frame, out, index=True)
        elif kind == "attribute":
            result = study.attribute_matrix(attribute, stage=stage, coder=coder)
            table = _by_label(result.table, labels)
            table.columns = [f"{a} {m}" for a, m in table.columns]
            if not _listed(table.reset_index()):
                print_frame(_labelled(table.reset_index()))
                print_frame(_labelled(_by_label(result.tests, labels).reset_index()))
            if result.tests["small_sample"].any():
                _say("Warning: some expected counts are below 5; those p-values are unreliable.")
            _save(table, out, index=True)
        else:
            frame = study.framework(coder=coder)
            frame = _by_label(frame, labels, axis="columns").rename_axis("category", axis=1)
            if not _listed(frame.reset_index()):
                print_frame(frame.reset_index(), max_width=80)
            _save(frame, out, index=True)
    if kind != "framework" and output_mode() == "text":
        console.print(COUNTS["own and beneath"], markup=False)


@click.command()
@click.option("--mode", type=click.Choice(["overlap", "segment"]), default="overlap", show_default=True)
@click.option("--window", type=int, default=0, show_default=True, help="Characters (overlap) or turns (segment) apart.")
@click.option("--jaccard", is_flag=True, help="Jaccard similarity instead of counts.")
@click.option("--stage", type=STAGES, default=None)
@click.option("--coder", default=None)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path), help="Draw a heat map (.png/.svg).")
@listing_options
@click.pass_context
@friendly
def cooccurrence(ctx, mode, window, jaccard, stage, coder, out, plot) -> None:
    """Which codes occur together."""
    with open_study(ctx) as study:
        frame = study.cooccurrence(
            mode=mode, window=window, measure="jaccard" if jaccard else "count", stage=stage, coder=coder
        )
        labels = study.code_labels()
    if not _listed(_pairs(frame, labels, "jaccard" if jaccard else "count")):
        print_frame(_by_label(_by_label(frame, labels), labels, axis="columns").round(3).reset_index(), max_width=30)
        console.print(COUNTS["own"], markup=False)
    frame = _by_label(_by_label(frame, labels), labels, axis="columns")
    _save(frame, out, index=True)
    if plot:
        from theorize.analysis.plots import plot_cooccurrence_heatmap

        console.print(f"Wrote {plot_cooccurrence_heatmap(frame, plot)}", markup=False)


def _pairs(frame: pd.DataFrame, labels: dict[int, str], measure: str) -> list[dict]:
    """The code x code table as one row per pair of different codes that occur together."""
    ids = [int(k) for k in frame.index]
    rows = []
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            value = frame.loc[a, b]
            if value:
                rows.append(
                    {
                        "code_a_id": a,
                        "code_a": labels.get(a, str(a)),
                        "code_b_id": b,
                        "code_b": labels.get(b, str(b)),
                        measure: round(float(value), 3),
                    }
                )
    return rows


@click.command()
@click.argument("source")
@click.option("--span", required=True, help="Characters START-END of the passage.")
@click.option("--code", default=None, help="The agreed code; leave out when no code applies.")
@click.option("--note", required=True, help="Why: kept in the adjudication memo.")
@click.pass_context
@friendly
def adjudicate(ctx, source, span, code, note) -> None:
    """Record the decision on a disagreement, with a memo."""
    from theorize.cli.common import parse_span

    start, end = parse_span(span)
    with open_study(ctx) as study:
        memo_id = study.adjudicate(
            int(source) if source.isdigit() else source, start=start, end=end, code=code, note=note
        )
    console.print(f"Decision recorded in memo {memo_id}")


def register(cli: click.Group) -> None:
    for cmd in (agreement, saturation, matrix, cooccurrence, adjudicate):
        cli.add_command(cmd)
