"""`theorize demo [DIR]`: build the bundled demo study, file to report."""

from __future__ import annotations

import time
from pathlib import Path

import click
from rich.text import Text

from theorize.cli.common import console, err_console, friendly


@click.command()
@click.argument("directory", default="demo-study", type=click.Path(file_okay=False, path_type=Path))
@friendly
def demo(directory: Path) -> None:
    """Build the demo study (fictional) in DIRECTORY and print what was built."""
    from theorize.demo import build_demo

    began = time.perf_counter()
    with err_console.status("Building the demo study") as status:
        result = build_demo(
            directory, progress=lambda msg: status.update(f"Building the demo study: {msg}"), deidentify=True
        )
    seconds = time.perf_counter() - began
    console.print(Text.assemble((f"Demo study built in {seconds:.1f} s", "bold"), f": {result.project}"))
    console.print(
        f"  {result.sources} sources, {result.codes} codes, {result.codings:,} codings, "
        f"{result.memos} memos, {result.relations} relations"
    )
    console.print(f"  codebook snapshots: {', '.join(result.snapshots) or 'none'}", markup=False)
    for label, path in result.outputs.items():
        console.print(f"  {label}: {path}", markup=False)
    if result.missed_quotes:
        err_console.print(f"{len(result.missed_quotes)} reference codings did not find their words:", markup=False)
        for miss in result.missed_quotes[:10]:
            err_console.print(f"  {miss}", markup=False)
    console.print(f"Try: theorize -p {result.project} codes", markup=False)


def register(cli: click.Group) -> None:
    cli.add_command(demo)
