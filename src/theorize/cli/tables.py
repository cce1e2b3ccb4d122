"""`theorize export`: tables (csv, xlsx) and REFI-QDA files (qdpx, qdc)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.text import Text

from theorize.cli.common import console, friendly, open_study
from theorize.exchange.tables import TABLES


@click.command()
@click.argument("args", nargs=-1, required=True, metavar="[FORMAT] FILE")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx", "qdpx", "qdc"]),
    default=None,
    help="Default: from FILE's suffix.",
)
@click.option(
    "--table",
    "tables",
    multiple=True,
    type=click.Choice(TABLES),
    help="Only these tables (csv/xlsx; repeatable). Default: all.",
)
@click.option("--require-deid", is_flag=True, help="Refuse while any source is not yet de-identified.")
@click.pass_context
@friendly
def export(ctx, args, fmt, tables, require_deid) -> None:
    """Export tables as CSV/XLSX, or the project as REFI-QDA .qdpx / codebook .qdc.

    \b
    theorize export codings.csv --table codings
    theorize export xlsx study.xlsx
    theorize export --format qdpx study.qdpx
    """
    from theorize.errors import InvalidInput

    if len(args) == 2:
        fmt = fmt or args[0]
        target = Path(args[1])
        if fmt not in ("csv", "xlsx", "qdpx", "qdc"):
            raise InvalidInput(f"{fmt!r} is not an export format; use csv, xlsx, qdpx or qdc.")
    elif len(args) == 1:
        target = Path(args[0])
    else:
        raise InvalidInput("Give the format and one file: theorize export [csv|xlsx|qdpx|qdc] FILE.")
    fmt = fmt or target.suffix.lower().lstrip(".") or "csv"
    with open_study(ctx) as study:
        if require_deid:
            study.require_deid()
        elif fmt != "qdc" and study.deid_pending_sources():
            from theorize.cli.common import err_console

            err_console.print(f"Warning: {study.deid_notice()}.", markup=False)
        if fmt in ("qdpx", "qdc"):
            from theorize.cli.common import err_console

            with err_console.status(Text(f"Writing {target.name}")):
                report = study.export_refi(target, fmt=fmt)
            console.print(report.summary(), markup=False)
            return
        from theorize.exchange.tables import export_tables

        written = export_tables(study, target, fmt=fmt, which=list(tables) or None)
    for path in written:
        console.print(f"Wrote {path}", markup=False)


def register(cli: click.Group) -> None:
    cli.add_command(export)
