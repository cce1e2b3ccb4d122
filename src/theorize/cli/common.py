"""What every command shares: finding the project, printing tables, turning errors into one line."""

from __future__ import annotations

import functools
from pathlib import Path

import click
import pandas as pd
from rich.console import Console
from rich.table import Table

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
        raise InvalidInput("No project here; name one with --project FILE (or THEORIZE_PROJECT), or create one with `theorize init FILE`.")
    raise InvalidInput(f"There are {len(found)} projects in this folder; choose one with --project FILE.")


def open_study(ctx: click.Context):
    import theorize

    user = settings.resolve("user", ctx.find_root().params.get("user"))
    return theorize.open_project(project_location(ctx), user=user)


def friendly(fn):
    """Run a command; a TheorizeError becomes one line on stderr and exit code 2."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except TheorizeError as exc:
            err_console.print(f"Error: {exc}", markup=False)
            raise SystemExit(2) from None

    return wrapper


def print_frame(frame: pd.DataFrame, title: str | None = None, max_width: int = 60) -> None:
    """A DataFrame as a rich table (long cells shortened)."""
    table = Table(title=title, show_lines=False)
    for col in frame.columns:
        table.add_column(str(col), overflow="fold")
    for row in frame.itertuples(index=False):
        cells = []
        for v in row:
            text = "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)
            cells.append(text if len(text) <= max_width else text[: max_width - 1] + "\u2026")
        table.add_row(*cells)
    console.print(table)


def parse_span(span: str) -> tuple[int, int]:
    try:
        a, b = span.split("-", 1)
        return int(a), int(b)
    except ValueError:
        raise InvalidInput(f"{span!r} is not a span; write it as START-END in characters, e.g. 120-245.") from None
