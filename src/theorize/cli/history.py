"""`theorize snapshot`, `diff`, `undo`, `audit`."""

from __future__ import annotations

import click

from theorize.cli.common import console, friendly, listing_options, open_study, print_frame
from theorize.errors import InvalidInput


@click.command()
@click.argument("name", required=False)
@click.option("--list", "list_", is_flag=True, help="List the snapshots.")
@listing_options
@click.pass_context
@friendly
def snapshot(ctx, name, list_) -> None:
    """Save a named, dated snapshot of the codebook."""
    with open_study(ctx) as study:
        if list_ or not name:
            if not list_:
                raise InvalidInput("Give the snapshot a name, e.g. theorize snapshot 'after interview 4'.")
            print_frame(study.snapshots())
            return
        study.snapshot(name)
    console.print(f"Snapshot {name!r} saved", markup=False)


@click.command()
@click.argument("before")
@click.argument("after", required=False)
@click.pass_context
@friendly
def diff(ctx, before, after) -> None:
    """What changed in the codebook between two snapshots (or since one)."""
    with open_study(ctx) as study:
        result = study.diff(before, after)
    if result.is_empty():
        console.print("No changes.")
    for line in result.lines():
        console.print(line, markup=False)


@click.command()
@click.option("--event", "event", type=int, default=None, metavar="N",
              help="Undo event N (`theorize audit` lists them), another person's too.")
@click.pass_context
@friendly
def undo(ctx, event) -> None:
    """Undo your last action (again to go further back), or the action --event N.

    An action is not undone while a later one builds on it; that one is named.
    """
    with open_study(ctx) as study:
        done = study.undo(event=event)
    console.print(done[:1].upper() + done[1:], markup=False)  # not capitalize(): names keep their case


@click.group(invoke_without_command=True)
@listing_options
@click.pass_context
@friendly
def audit(ctx) -> None:
    """The audit trail; `audit verify` checks it."""
    if ctx.invoked_subcommand:
        return
    with open_study(ctx) as study:
        print_frame(study.audit(), max_width=90)


@audit.command("verify")
@click.pass_context
@friendly
def audit_verify(ctx) -> None:
    """Check that no audit event was edited, removed or reordered."""
    with open_study(ctx) as study:
        report = study.verify_audit()
    if report.ok:
        console.print(f"The audit trail is intact: {report.events} events, each chained to the one before.")
        return
    for problem in report.problems:
        console.print(f"Problem: {problem}", markup=False)
    console.print(f"The audit trail has been tampered with ({len(report.problems)} problems).")
    raise SystemExit(1)


def register(cli: click.Group) -> None:
    for cmd in (snapshot, diff, undo, audit):
        cli.add_command(cmd)
