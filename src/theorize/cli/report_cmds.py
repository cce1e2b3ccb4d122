"""`theorize report` (write the results report) and `theorize trace REF` (a quote in its context)."""

from __future__ import annotations

import re
from pathlib import Path

import click
from rich.text import Text

from theorize.cli.common import console, err_console, friendly, open_study

CONTEXT_CHARS = 240


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "docx", "md"]),
    default=None,
    help="Report format (default: from --out's suffix, else html).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The report file (default: <project name>-report.<ext> next to the project).",
)
@click.option(
    "--saturation-group",
    default="",
    help="Participant group whose interviews the saturation analysis uses (default: all interviews).",
)
@click.option(
    "--saturation-stage",
    default="focused",
    show_default=True,
    help="Coding stage counted for saturation ('' for every stage).",
)
@click.option(
    "--agreement-stage",
    default="focused",
    show_default=True,
    help="Coding stage compared for intercoder agreement ('' for every stage).",
)
@click.option("--coder", "coders", multiple=True, help="A coder to compare for agreement (repeatable; default: all).")
@click.option("--require-deid", is_flag=True, help="Refuse while any source is not yet de-identified.")
@click.pass_context
@friendly
def report(ctx, fmt, out, saturation_group, saturation_stage, agreement_stage, coders, require_deid) -> None:
    """Write the results report: methods, codebook, model, saturation, agreement, memos."""
    from theorize.report import ReportOptions, default_report_path, report_format, write_report

    fmt = fmt or (report_format(out, None) if out is not None else "html")
    options = ReportOptions(
        saturation_group=saturation_group or None,
        saturation_stage=saturation_stage or None,
        agreement_stage=agreement_stage or None,
        agreement_coders=list(coders) or None,
    )
    with open_study(ctx) as study:
        if require_deid:
            study.require_deid()
        target = out or default_report_path(study, fmt)
        with err_console.status(Text(f"Writing {target.name}")) as status:
            result = write_report(
                study,
                target,
                fmt=fmt,
                options=options,
                progress=lambda msg: status.update(Text(f"Writing {target.name}: {msg}")),
            )
    for line in result.omitted:
        err_console.print(f"Note: {line}", markup=False)
    console.print(str(result.path), markup=False)
    for extra in result.files[1:]:
        console.print(f"  figure: {extra}", markup=False)


def _context(text: str, side: str, cut: bool) -> str:
    """Context cut at a word boundary ('…words' before, 'words…' after), turns kept on their lines.
    ``cut``: the text was already cut short on its far side (mid-word, perhaps)."""
    text = re.sub(r"\n\s*\n\s*", "\n\n", re.sub(r"[ \t]+", " ", text))
    if not (cut or len(text) > CONTEXT_CHARS):
        return text
    if side == "before":
        return "\u2026" + re.split(r"\s", text[-CONTEXT_CHARS:], maxsplit=1)[-1].lstrip()
    return re.split(r"\s(?=\S*$)", text[:CONTEXT_CHARS])[0].rstrip() + "\u2026"


@click.command()
@click.argument("reference")
@click.pass_context
@friendly
def trace(ctx, reference) -> None:
    """Show a report's quote in its context: REFERENCE as printed beside the quote
    (e.g. C03_interview.txt@v1:120-180#3f2a9c01)."""
    with open_study(ctx) as study:
        found = study.trace(reference, context=CONTEXT_CHARS + 40)
    before = _context(found.before, "before", cut=found.start > len(found.before))
    after = _context(found.after, "after", cut=len(found.after) >= CONTEXT_CHARS + 40)
    console.print(Text.assemble((before, "dim"), (found.quote, "bold"), (after, "dim")))
    console.print()
    where = f"turn {found.turn}" if found.turn is not None else "no turn"
    speaker = found.speaker or "unknown speaker"
    console.print(
        f"Source:  {found.source} (text version {found.version}, characters {found.start}-{found.end})", markup=False
    )
    console.print(f"Speaker: {speaker}, {where}", markup=False)
    console.print(f"Code:    {found.code}", markup=False)
    console.print(f"Coder:   {found.coder}", markup=False)
    if found.current_version != found.version:
        console.print(
            Text(
                f"Warning: {found.source} was edited since this quote was taken (now text version "
                f"{found.current_version}); the coding now spans characters "
                f"{found.current_start}-{found.current_end}.",
                style="yellow",
            )
        )
    if found.review:
        console.print(Text(f"Warning: this coding is flagged for review ({found.review}).", style="yellow"))


def register(cli: click.Group) -> None:
    cli.add_command(report)
    cli.add_command(trace)
