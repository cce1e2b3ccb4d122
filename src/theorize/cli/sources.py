"""`theorize init`, `import`, `sources`, `show`, `edit`, `participants`."""

from __future__ import annotations

from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from theorize import settings
from theorize.cli.common import console, err_console, friendly, open_study, print_frame
from theorize.errors import Conflict, InvalidInput, TheorizeError


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
    console.print(f"Created {location}")


@click.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--participant", help="Pseudonym id of the participant the file belongs to.")
@click.option("--group", default="", help="Group of a new participant (client, counselor).")
@click.option("--kind", type=click.Choice(["interview", "focus group", "field note", "document"]), default=None)
@click.option("--interviewer", multiple=True, help="A speaker label that is the interviewer (repeatable).")
@click.option("--attributes", is_flag=True, help="The file is a participant attribute sheet (.csv/.xlsx).")
@click.option("--survey", type=click.Choice(["respondent", "question"]), default=None,
              help="The file holds open-ended survey answers: one source per respondent or per question.")
@click.option("--max-size", type=int, default=None, help=settings.setting("max_size_mb").help)
@click.pass_context
@friendly
def import_(ctx, paths, participant, group, kind, interviewer, attributes, survey, max_size) -> None:
    """Import transcripts (files or folders), an attribute sheet, a survey, or a REFI-QDA project."""
    study = open_study(ctx)
    max_bytes = settings.resolve("max_size_mb", max_size) * 1024 * 1024
    bad = 0
    with study:
        for path in paths:
            if attributes:
                n = study.import_attributes(path)
                console.print(f"Read attributes of {n} participants from {path.name}")
                continue
            if survey:
                done = study.import_survey(path, per=survey)
                console.print(f"Imported {len(done)} sources from {path.name}")
                continue
            if path.suffix.lower() in (".qdpx", ".qdc"):
                with err_console.status(f"Importing {path.name}"):
                    report = study.import_refi(path)
                console.print(report.summary(), markup=False)
                continue
            if path.is_dir():
                with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                              TimeElapsedColumn(), console=err_console, transient=True) as bar:
                    task = bar.add_task("Importing", total=None)

                    def tick(name, i, n, task=task, bar=bar):
                        bar.update(task, total=n, completed=i - 1, description=f"Importing {name}")

                    result = study.import_folder(path, progress=tick, interviewer=interviewer or None,
                                                 max_bytes=max_bytes)
                for item in result.imported:
                    _say_imported(item)
                for _, msg in result.duplicates:
                    console.print(f"Skipped: {msg}", markup=False)
                for _, msg in result.failed:
                    err_console.print(f"Error: {msg}", markup=False)
                bad += len(result.failed)
                console.print(f"{len(result.imported)} imported, {len(result.duplicates)} already there, "
                              f"{len(result.failed)} refused.")
                continue
            if not path.exists():
                raise InvalidInput(f"{path} does not exist.")
            try:
                item = study.import_file(path, participant=participant, group=group, kind=kind,
                                         interviewer=interviewer or None, max_bytes=max_bytes)
            except Conflict as exc:
                console.print(f"Skipped: {exc}", markup=False)
                continue
            _say_imported(item)
    if bad:
        raise SystemExit(2)


@click.command(name="sources")
@click.pass_context
@friendly
def sources_(ctx) -> None:
    """List the sources."""
    with open_study(ctx) as study:
        print_frame(study.sources()[["id", "name", "kind", "participants", "turns", "words", "version"]])


@click.command()
@click.argument("source")
@click.option("--turns", "turn_range", default=None, help="Only these turns, e.g. 3-10.")
@click.option("--units", type=click.Choice(["sentence", "line"]), default=None,
              help="Number the sentences or lines instead (for line-by-line coding).")
@click.pass_context
@friendly
def show(ctx, source, turn_range, units) -> None:
    """Show a transcript turn by turn with its codings."""
    if units:
        with open_study(ctx) as study:
            frame = study.units(int(source) if source.isdigit() else source, units)
        for u in frame.itertuples():
            console.print(f"{u.unit:>5} [dim]({u.speaker or ''}, turn {u.turn})[/dim] ", end="")
            console.print(u.text, markup=False)
        return
    with open_study(ctx) as study:
        src = source if not source.isdigit() else int(source)
        turns = study.segments(src)
        codings = study.codings(src)
        text = study.text(src)
    lo, hi = 1, len(turns) or 1
    if turn_range:
        from theorize.cli.common import parse_span

        lo, hi = parse_span(turn_range)
    if turns.empty:
        console.print(text, markup=False)
    placed = set()
    for turn in turns.itertuples():
        inside = codings[(codings.start >= turn.start) & (codings.start < max(turn.end, turn.start + 1))]
        placed.update(inside.id)
        if not lo <= turn.turn <= hi:
            continue
        stamp = f" [{int(turn.started_at // 60):02d}:{int(turn.started_at % 60):02d}]" if turn.started_at == turn.started_at and turn.started_at is not None else ""
        console.print(f"[bold]{turn.turn:>4}{stamp} {turn.speaker or ''}[/bold] ({turn.role})")
        console.print(f"      {turn.text}", markup=False)
        for c in inside.itertuples():
            flag = f" [review: {c.review}]" if c.review else ""
            console.print(f"      \u25b8 #{c.id} {c.code} ({c.coder}, {c.start}-{c.end}){flag}: \u201c{c.quote}\u201d", markup=False)
    rest = codings[~codings.id.isin(placed)]
    for c in rest.itertuples():
        console.print(f"  \u25b8 #{c.id} {c.code} ({c.coder}, {c.start}-{c.end}): \u201c{c.quote}\u201d", markup=False)


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
    console.print(f"Saved version {result.version}: {result.moved} codings carried over, "
                  f"{result.changed} changed and {result.orphaned} orphaned (flagged for review).")


@click.command()
@click.pass_context
@friendly
def participants(ctx) -> None:
    """List participants with their attributes."""
    with open_study(ctx) as study:
        print_frame(study.participants())


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
    if not item.interviewer_found:
        err_console.print(
            f"Note: no speaker in {item.name} was recognised as the interviewer ({', '.join(item.speakers[:4])}); "
            "if one of them is, undo and import again with --interviewer NAME.", markup=False)


def register(cli: click.Group) -> None:
    for cmd in (init, import_, sources_, show, edit, participants, assign):
        cli.add_command(cmd)


__all__ = ["register", "TheorizeError"]
