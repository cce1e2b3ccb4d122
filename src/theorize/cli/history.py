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
@listing_options
@click.pass_context
@friendly
def diff(ctx, before, after) -> None:
    """What changed in the codebook between two snapshots (or since one)."""
    from theorize.cli.common import output_mode

    with open_study(ctx) as study:
        result = study.diff(before, after)
    if output_mode() != "text":
        print_frame(_diff_rows(result))
        return
    if result.is_empty():
        console.print("No changes.")
    for line in result.lines():
        console.print(line, markup=False)


def _diff_rows(result) -> list[dict]:
    """One row per change: what happened, to which code(s), from what, to what."""
    rows = [{"change": "added", "code": n, "before": None, "after": None} for n in result.added]
    rows += [{"change": "removed", "code": n, "before": None, "after": None} for n in result.removed]
    rows += [{"change": "merged", "code": list(a), "before": None, "after": b} for a, b in result.merged]
    rows += [{"change": "split", "code": a, "before": None, "after": b} for a, b in result.split]
    rows += [{"change": "renamed", "code": b, "before": a, "after": b} for a, b in result.renamed]
    rows += [{"change": "promoted", "code": c, "before": a, "after": b} for c, a, b in result.promoted]
    rows += [{"change": "redefined", "code": n, "before": None, "after": None} for n in result.redefined]
    rows += [{"change": "moved", "code": c, "before": a, "after": b} for c, a, b in result.moved]
    return rows


@click.command()
@click.option(
    "--event",
    "event",
    type=int,
    default=None,
    metavar="N",
    help="Undo event N (`theorize audit` lists them), another person's too.",
)
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
    """The audit trail; `audit verify` checks it, `audit anchor` prints a mark to keep elsewhere."""
    if ctx.invoked_subcommand:
        return
    with open_study(ctx) as study:
        print_frame(study.audit(), max_width=90)


@audit.command("verify")
@click.option(
    "--anchor",
    default=None,
    metavar="ANCHOR",
    help="An anchor from `theorize audit anchor`: also check nothing up to it was removed or rewritten.",
)
@click.option("--deep", is_flag=True, help="Also replay the recorded changes and compare every table, row by row.")
@click.pass_context
@friendly
def audit_verify(ctx, anchor, deep) -> None:
    """Check that no audit event was edited, removed or reordered (and, with --deep, no row changed
    outside theorize). Exit code 1 when something was."""
    with open_study(ctx) as study:
        report = study.verify_audit(anchor=anchor, deep=deep)
    if report.ok:
        console.print(f"The audit trail is intact: {report.events} events, each chained to the one before.")
        if report.anchor is not None:
            console.print(
                f"The anchor holds: nothing up to event {report.anchor.event} was removed or rewritten "
                "since it was taken.",
                soft_wrap=True,
            )
        if report.deep:
            console.print(
                f"Every table matches the changes the trail recorded ({report.rows_checked:,} rows checked).",
                soft_wrap=True,
            )
        return
    for problem in report.problems:
        console.print(f"Problem: {problem}", markup=False, soft_wrap=True)
    for difference in report.differences:
        console.print(f"Differs: {difference}", markup=False, soft_wrap=True)
    console.print(
        f"The audit trail has been tampered with ({len(report.problems) + len(report.differences)} problems)."
    )
    raise SystemExit(1)


@audit.command("anchor")
@click.pass_context
@friendly
def audit_anchor(ctx) -> None:
    """Print the trail's newest event number and hash, to keep somewhere else."""
    with open_study(ctx) as study:
        anchor = study.audit_anchor()
    console.print(f"Audit anchor: {anchor}", markup=False)
    console.print(
        f"The newest event, {anchor.event}, written {anchor.at:%Y-%m-%d %H:%M:%S} UTC by {anchor.actor}; "
        "its hash covers every event before it.",
        markup=False,
        soft_wrap=True,
    )
    console.print(
        "Keep this line somewhere else (a lab notebook, an e-mail to yourself): later, "
        f"`theorize audit verify --anchor {anchor}` shows whether anything up to it was removed or "
        "rewritten.",
        markup=False,
        soft_wrap=True,
    )


def register(cli: click.Group) -> None:
    for cmd in (snapshot, diff, undo, audit):
        cli.add_command(cmd)
