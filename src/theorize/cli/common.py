"""What every command shares: finding the project, printing tables, turning errors into one line."""

from __future__ import annotations

import functools
from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from theorize import settings
from theorize.errors import InvalidInput, TheorizeError

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def project_location(ctx: click.Context) -> str:
    given = ctx.find_root().params.get("project")
    location = settings.resolve("project", given)
    if location:
        return str(location)
    found = sorted(Path.cwd().glob("*.theorize"))
    if len(found) == 1:
        return str(found[0])
    if not found:
        raise InvalidInput(
            "No project here; name one with --project FILE (or THEORIZE_PROJECT), or create one with `theorize init FILE`."
        )
    raise InvalidInput(f"There are {len(found)} projects in this folder; choose one with --project FILE.")


def open_study(ctx: click.Context):
    import theorize

    user = settings.resolve("user", ctx.find_root().params.get("user"))
    study = theorize.open_project(project_location(ctx), user=user)
    study.lock_wait = settings.resolve("lock_wait")
    study.on_wait = waiting_spinner
    return study


def waiting_spinner():
    """Shown while a command waits for another action to let go of the project."""
    return err_console.status("Waiting for another action to finish with the project\u2026", spinner="dots")


def _database_error(exc: Exception) -> TheorizeError | None:
    """A database driver's error as one sentence, or None when ``exc`` is not one.

    The library turns the errors it expects into theorize errors; this is the last resort, so that
    no driver error reaches a person as a traceback. sqlalchemy is only looked at when it is loaded:
    if it is not, the error cannot be one of its.
    """
    import sys

    sa_exc = sys.modules.get("sqlalchemy.exc")
    if sa_exc is None or not isinstance(exc, sa_exc.DBAPIError):
        return None
    from theorize.store.engine import database_failure

    return database_failure(exc)


def friendly(fn):
    """Run a command; a TheorizeError (or a database driver's error) becomes one line on stderr and
    exit code 2."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except TheorizeError as exc:
            err_console.print(f"Error: {exc}", markup=False)
            raise SystemExit(2) from None
        except Exception as exc:  # only a driver's error is translated; anything else is a bug to see
            translated = _database_error(exc)
            if translated is None:
                raise
            err_console.print(f"Error: {translated}", markup=False)
            raise SystemExit(2) from None

    return wrapper


def listing_options(fn):
    """``--json`` and ``--csv`` on a command that prints a listing (the same two on every one)."""

    def remember(ctx: click.Context, param: click.Parameter, value: bool) -> None:
        if value:
            if ctx.meta.get("theorize.output") not in (None, param.name):
                raise click.UsageError("Give --json or --csv, not both.")
            ctx.meta["theorize.output"] = param.name

    fn = click.option(
        "--csv", "csv", is_flag=True, expose_value=False, callback=remember, help="Print the listing as CSV."
    )(fn)
    return click.option(
        "--json", "json", is_flag=True, expose_value=False, callback=remember, help="Print the listing as JSON."
    )(fn)


def output_mode() -> str:
    """'json', 'csv' or 'text': what the running command was asked to print."""
    ctx = click.get_current_context(silent=True)
    return (ctx.meta.get("theorize.output") if ctx else None) or "text"


def print_frame(frame, title: str | None = None, max_width: int = 60) -> None:
    """A listing (a DataFrame or row dicts) as a table, or as JSON or CSV when asked.

    Every cell is plain text (never read as markup). A table too wide for the terminal is printed
    as one block per row instead.
    """
    from theorize.exchange.listing import text_rows, to_csv, to_json

    mode = output_mode()
    if mode != "text":
        click.echo(to_json(frame) if mode == "json" else to_csv(frame), nl=False)
        return
    columns, rows = text_rows(frame)
    rows = [[v if len(v) <= max_width else v[: max_width - 1] + "\u2026" for v in row] for row in rows]
    # the narrowest each column can get without breaking its heading or a word (up to 15 letters)
    needed = sum(
        max([len(c)] + [min(len(w), 15) for r in rows for w in r[j].split()]) for j, c in enumerate(columns)
    ) + 2 * len(columns)
    if needed > console.width and len(columns) > 2:
        _print_blocks(columns, rows, title)
        return
    from rich import box
    from rich.table import Table

    table = Table(
        title=Text(title) if title else None, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0)
    )
    for col in columns:
        table.add_column(Text(col), overflow="fold")
    for row in rows:
        table.add_row(*(Text(v) for v in row))
    console.print(table)


def _print_blocks(columns: list[str], rows: list[list[str]], title: str | None) -> None:
    """One block per row: the first value as a heading, then 'column: value' pairs wrapped and
    indented under it."""
    from rich.padding import Padding

    if title:
        console.print(Text(title, style="bold"))
    for row in rows:
        console.print(Text(f"{columns[0]} {row[0]}", style="bold"))
        pairs = Text()
        for col, value in zip(columns[1:], row[1:]):
            if value:
                if pairs:
                    pairs.append(" \u00b7 ", style="dim")
                pairs.append(f"{col}: ", style="dim")
                pairs.append(value)
        console.print(Padding(pairs, (0, 0, 0, 4), expand=False), soft_wrap=False)


def parse_numbers(value: str, what: str) -> int | tuple[int, int]:
    """A number (``2``) or a range of numbers (``19-20``) of turns, sentences or lines."""
    try:
        if "-" in value:
            a, b = value.split("-", 1)
            return int(a), int(b)
        return int(value)
    except ValueError:
        raise InvalidInput(
            f"{value!r} is not a {what} number; give one number, e.g. 4, or a range, e.g. 4-6."
        ) from None


def parse_span(span: str) -> tuple[int, int]:
    try:
        a, b = span.split("-", 1)
        return int(a), int(b)
    except ValueError:
        raise InvalidInput(f"{span!r} is not a span; write it as START-END in characters, e.g. 120-245.") from None
