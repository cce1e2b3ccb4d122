"""`theorize init`, `import`, `sources`, `show`, `edit`, `participants`."""

from __future__ import annotations

from pathlib import Path

import click
from rich.text import Text

from theorize import settings
from theorize.cli.common import (
    console,
    err_console,
    friendly,
    listing_options,
    open_study,
    output_mode,
    parse_numbers,
    print_frame,
)
from theorize.errors import InvalidInput, TheorizeError


@click.command()
@click.argument("location")
@click.option("--title", default="Untitled study", help="The study's title.")
@click.option("--question", default="", help="The research question.")
@click.pass_context
@friendly
def init(ctx, location, title, question) -> None:
    """Create a project: a .theorize file, or a postgresql:// URL of an empty database."""
    import theorize

    user = settings.resolve("user", ctx.find_root().params.get("user"))
    study = theorize.create_project(location, title=title, research_question=question, user=user)
    study.close()
    console.print(f"Created {location}", markup=False)


@click.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--participant", help="Pseudonym id of the participant the file belongs to.")
@click.option("--group", default="", help="Group of a new participant (client, counselor).")
@click.option("--kind", type=click.Choice(["interview", "focus group", "field note", "document"]), default=None)
@click.option("--interviewer", multiple=True, help="A speaker label that is the interviewer (repeatable).")
@click.option(
    "--attributes",
    is_flag=True,
    help="The file is a participant attribute sheet (.csv/.xlsx); sources are linked to their participants.",
)
@click.option(
    "--survey",
    type=click.Choice(["respondent", "question"]),
    default=None,
    help="The file holds open-ended survey answers: one source per respondent or per question.",
)
@click.option("--max-size", type=int, default=None, help=settings.setting("max_size_mb").help)
@click.pass_context
@friendly
def import_(ctx, paths, participant, group, kind, interviewer, attributes, survey, max_size) -> None:
    """Import transcripts (files or folders), an attribute sheet, a survey, or a REFI-QDA project."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from theorize.services.importing import Importer, ImportOptions, import_path, importer_for

    options = ImportOptions(
        participant=participant,
        group=group,
        kind=kind,
        interviewer=tuple(interviewer),
        attributes=attributes,
        survey=survey,
        max_bytes=settings.resolve("max_size_mb", max_size) * 1024 * 1024,
    )
    bad = 0
    with open_study(ctx) as study:
        for path in paths:
            importer = importer_for(path, options)
            if importer is Importer.FOLDER:
                with Progress(
                    TextColumn("{task.description}", markup=False),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TimeElapsedColumn(),
                    console=err_console,
                    transient=True,
                ) as bar:
                    task = bar.add_task("Importing", total=None)

                    def tick(name, i, n, task=task, bar=bar):
                        bar.update(task, total=n, completed=i - 1, description=f"Importing {name}")

                    outcome = import_path(study, path, options, progress=tick)
            elif importer is Importer.REFI:
                with err_console.status(Text(f"Importing {path.name}")):
                    outcome = import_path(study, path, options)
            else:
                outcome = import_path(study, path, options)
            _say_outcome(outcome)
            bad += len(outcome.failed)
    if bad:
        raise SystemExit(2)


def _say_outcome(outcome) -> None:
    from theorize.services.importing import Importer

    name = outcome.path.name
    if outcome.attributes is not None:
        result = outcome.attributes
        console.print(f"Read attributes of {result.participants} participants from {name}", markup=False)
        if result.linked:
            console.print(
                f"Linked {len(result.linked)} source{'' if len(result.linked) == 1 else 's'} to their "
                f"participants: {', '.join(f'{s} to {p}' for s, p in result.linked)}",
                markup=False,
            )
        if result.unlinked:
            one = len(result.unlinked) == 1
            err_console.print(
                f"Note: {len(result.unlinked)} source{'' if one else 's'} belong{'s' if one else ''} "
                f"to no participant: {', '.join(result.unlinked)}; link {'it' if one else 'them'} with "
                "`theorize assign SOURCE PARTICIPANT`.",
                markup=False,
            )
        return
    if outcome.refi is not None:
        console.print(outcome.refi.summary(), markup=False)
        return
    if outcome.importer is Importer.SURVEY:
        console.print(f"Imported {len(outcome.imported)} sources from {name}", markup=False)
        return
    for item in outcome.imported:
        _say_imported(item)
    for msg in outcome.skipped:
        console.print(f"Skipped: {msg}", markup=False)
    for msg in outcome.failed:
        err_console.print(f"Error: {msg}", markup=False)
    if outcome.importer is Importer.FOLDER:
        console.print(
            f"{len(outcome.imported)} imported, {len(outcome.skipped)} already there, {len(outcome.failed)} refused."
        )


@click.command(name="sources")
@listing_options
@click.pass_context
@friendly
def sources_(ctx) -> None:
    """List the sources."""
    with open_study(ctx) as study:
        print_frame(study.sources()[["id", "name", "kind", "participants", "turns", "words", "version"]])


@click.command()
@click.argument("source")
@click.option("--turns", "turn_range", default=None, help="Only these turns: one, e.g. 2, or a range, e.g. 3-10.")
@click.option(
    "--units",
    type=click.Choice(["sentence", "line"]),
    default=None,
    help="Number the sentences or lines instead (for line-by-line coding).",
)
@listing_options
@click.pass_context
@friendly
def show(ctx, source, turn_range, units) -> None:
    """Show a transcript turn by turn with its codings."""
    from theorize.domain.transcript import place_codings

    ref = int(source) if source.isdigit() else source
    lo, hi = 1, None
    if turn_range:
        numbers = parse_numbers(turn_range, "turn")
        lo, hi = (numbers, numbers) if isinstance(numbers, int) else numbers
    if units:
        with open_study(ctx) as study:
            frame = study.units(ref, units)
        if output_mode() != "text":
            print_frame(frame)
            return
        for u in frame.itertuples():
            line = Text(f"{u.unit:>5} ")
            line.append(f"({u.speaker or ''}, turn {u.turn}) ", style="dim")
            line.append(u.text)
            console.print(line)
        return
    with open_study(ctx) as study:
        turns = study.segments(ref)
        codings = study.codings(ref)
        text = study.text(ref)
    hi = hi or len(turns) or 1
    under, outside = place_codings(list(zip(turns.start, turns.end)), list(zip(codings.start, codings.end)))
    if output_mode() != "text":
        rows = []
        for i, turn in enumerate(turns.itertuples()):
            if lo <= turn.turn <= hi:
                rows.append(
                    {
                        "turn": turn.turn,
                        "speaker": turn.speaker,
                        "role": turn.role,
                        "start": turn.start,
                        "end": turn.end,
                        "started_at": turn.started_at,
                        "text": turn.text,
                        "codings": [int(codings.id.iloc[j]) for j in under[i]],
                    }
                )
        print_frame(rows)
        return
    if turns.empty:
        console.print(text, markup=False)
    for i, turn in enumerate(turns.itertuples()):
        if not lo <= turn.turn <= hi:
            continue
        heading = Text(f"{turn.turn:>4}", style="bold")
        if turn.started_at == turn.started_at and turn.started_at is not None:
            heading.append(f" [{int(turn.started_at // 60):02d}:{int(turn.started_at % 60):02d}]", style="bold")
        heading.append(f" {turn.speaker or ''}", style="bold")
        heading.append(f" ({turn.role})")
        console.print(heading)
        _indented(turn.text, 6)
        for j in under[i]:
            _say_coding(codings.iloc[j], "      ")
    for j in outside:
        _say_coding(codings.iloc[j], "  ")


def _say_coding(c, indent: str) -> None:
    flag = f" [review: {c.review}]" if c.review else ""
    _indented(f"\u25b8 #{c.id} {c.code} ({c.coder}, {c.start}-{c.end}){flag}: \u201c{c.quote}\u201d", len(indent))


def _indented(text: str, indent: int) -> None:
    """Plain text wrapped to the terminal, every line indented."""
    from rich.padding import Padding

    console.print(Padding(Text(text), (0, 0, 0, indent), expand=False), soft_wrap=False)


@click.command()
@click.argument("source")
@click.argument("new_text", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--reason", default="", help="Why the text changed (kept with the version).")
@click.pass_context
@friendly
def edit(ctx, source, new_text, reason) -> None:
    """Replace a source's text with a corrected version (a UTF-8 text file); codings follow."""
    try:
        text = new_text.read_text(encoding="utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError:
        raise InvalidInput(f"{new_text} is not UTF-8 text; save it as UTF-8 and try again.") from None
    with open_study(ctx) as study:
        result = study.edit_text(int(source) if source.isdigit() else source, text, reason=reason)
    console.print(
        f"Saved version {result.version}: {result.moved} codings carried over, "
        f"{result.changed} changed and {result.orphaned} orphaned (flagged for review)."
    )


@click.command()
@listing_options
@click.pass_context
@friendly
def participants(ctx) -> None:
    """List participants with their attributes."""
    with open_study(ctx) as study:
        frame = study.participants()
        types = study.attribute_types()
    for name, type_ in types.items():
        if type_ == "number" and name in frame:
            frame[name] = frame[name].map(_number)
    print_frame(frame)


def _number(value):
    """An attribute stored as text, as the number it is (7, not '7' or 7.0)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    return int(number) if number.is_integer() else number


@click.command()
@click.argument("source")
@click.argument("participants_", nargs=-1, required=True, metavar="PARTICIPANT...")
@click.pass_context
@friendly
def assign(ctx, source, participants_) -> None:
    """Say which participants a source belongs to (several for a focus group)."""
    with open_study(ctx) as study:
        study.assign_source(int(source) if source.isdigit() else source, list(participants_))
    console.print(f"{source} belongs to {', '.join(participants_)}", markup=False)


def _say_imported(item) -> None:
    console.print(f"Imported {item.name}: {item.turns} turns, {item.words:,} words", markup=False)
    for note in getattr(item, "notes", ()) or ():
        err_console.print(f"Note: {note}", markup=False)
    if not item.interviewer_found:
        err_console.print(
            f"Note: no speaker in {item.name} was recognised as the interviewer ({', '.join(item.speakers[:4])}); "
            "if one of them is, undo and import again with --interviewer NAME.",
            markup=False,
        )


def register(cli: click.Group) -> None:
    for cmd in (init, import_, sources_, show, edit, participants, assign):
        cli.add_command(cmd)


__all__ = ["register", "TheorizeError"]
