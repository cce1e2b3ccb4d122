"""De-identification: `theorize deid scan`, `review`, `apply`, `lists`, `log`, `status`.

Every command calls one library method (``services/deid.py``) and prints its result.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from theorize.cli.common import (
    console,
    err_console,
    friendly,
    listing_options,
    open_study,
    print_frame,
)
from theorize.deid.recognisers import TYPES
from theorize.errors import InvalidInput

PASSPHRASE_ENV = "THEORIZE_VAULT_PASSPHRASE"
_TYPES = click.Choice(TYPES)


def parse_ids(value: str) -> list[int]:
    """Finding numbers: ``3``, ``3,5,8`` or ranges ``3-7``."""
    out: list[int] = []
    try:
        for part in filter(None, (p.strip() for p in value.split(","))):
            a, _, b = part.partition("-")
            out += list(range(int(a), int(b) + 1)) if b else [int(a)]
    except ValueError:
        raise InvalidInput(f"{value!r} is not a list of finding numbers; write e.g. 3,5,7-9.") from None
    return out


def read_passphrase(passphrase_file: str | None, passphrase_env: str | None) -> str:
    """The vault's passphrase: from a file (first line), a named environment variable, the
    THEORIZE_VAULT_PASSPHRASE variable, or typed at a terminal (not shown)."""
    if passphrase_file:
        try:
            return Path(passphrase_file).read_text(encoding="utf-8").splitlines()[0]
        except (OSError, IndexError, UnicodeDecodeError):
            raise InvalidInput(f"The passphrase file {passphrase_file} cannot be read or is empty.") from None
    name = passphrase_env or PASSPHRASE_ENV
    if os.environ.get(name):
        return os.environ[name]
    if passphrase_env:
        raise InvalidInput(f"The environment variable {passphrase_env} is not set.")
    if sys.stdin.isatty():
        return click.prompt("Vault passphrase", hide_input=True, err=True)
    raise InvalidInput(
        f"Give the vault's passphrase with --passphrase-file FILE, --passphrase-env NAME or {PASSPHRASE_ENV}."
    )


def _passphrase_options(fn):
    fn = click.option(
        "--vault",
        type=click.Path(dir_okay=False),
        default=None,
        help="The vault file (default: beside the project, <name>.vault; needed for PostgreSQL).",
    )(fn)
    fn = click.option(
        "--passphrase-env",
        default=None,
        metavar="NAME",
        help=f"The environment variable holding the passphrase (default {PASSPHRASE_ENV}).",
    )(fn)
    return click.option(
        "--passphrase-file",
        type=click.Path(dir_okay=False),
        default=None,
        help="A file whose first line is the vault's passphrase.",
    )(fn)


@click.group()
def deid() -> None:
    """Find, review and replace what identifies a person; keep the key in a separate encrypted vault."""


@deid.command()
@click.argument("sources", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per finding, one per line.")
@click.option("--with-vault", is_flag=True, help="Also find the names and places already in the vault's key.")
@_passphrase_options
@click.pass_context
@friendly
def scan(ctx, sources, as_json, with_vault, passphrase_file, passphrase_env, vault) -> None:
    """Find what may identify someone in SOURCES (all by default); findings wait for review."""
    from theorize.cli.assist_cmds import _bar

    passphrase = read_passphrase(passphrase_file, passphrase_env) if with_vault else None
    with open_study(ctx) as study, _bar("Scanning") as tick:
        found = study.deid_scan(list(sources) or None, passphrase=passphrase, vault=vault, progress=tick)
    if as_json:
        for f in found:
            click.echo(json.dumps(f, ensure_ascii=False))
        return
    print_frame(found)
    pending = sum(f["status"] == "pending" for f in found)
    err_console.print(f"{len(found)} findings, {pending} to review (theorize deid review).", markup=False)


@deid.command()
@click.argument("sources", nargs=-1)
@click.option("--accept", "accept", default=None, metavar="IDS", help="Accept findings, e.g. 3,5,7-9.")
@click.option("--reject", "reject", default=None, metavar="IDS", help="Reject findings (they stay as written).")
@click.option("--accept-all", is_flag=True, help="Accept every pending finding (scoring at least --min-score).")
@click.option("--reject-all", is_flag=True, help="Reject every pending finding (scoring at least --min-score).")
@click.option(
    "--min-score", type=float, default=0.0, help="With --accept-all/--reject-all: only findings scoring this or more."
)
@click.option(
    "--retype", nargs=2, type=(int, _TYPES), default=None, metavar="ID TYPE", help="Give a finding another type."
)
@click.option(
    "--widen", nargs=2, type=(int, str), default=None, metavar="ID START-END", help="Move a finding's bounds."
)
@click.option(
    "--add",
    nargs=3,
    type=(str, str, _TYPES),
    default=None,
    metavar="SOURCE START-END TYPE",
    help="Add what the scan missed.",
)
@listing_options
@click.pass_context
@friendly
def review(ctx, sources, accept, reject, accept_all, reject_all, min_score, retype, widen, add) -> None:
    """Accept, reject, retype, widen or add findings. With no option, list the pending findings
    (at a terminal: go through them one by one)."""
    from theorize.cli.common import parse_span

    with open_study(ctx) as study:
        did = bool(accept or reject)
        if accept:
            console.print(f"Accepted {study.deid_decide(parse_ids(accept), 'accept')} findings.")
        if reject:
            console.print(f"Rejected {study.deid_decide(parse_ids(reject), 'reject')} findings.")
        for flag, decision in ((accept_all, "accept"), (reject_all, "reject")):
            if flag:
                n = study.deid_decide_all(decision, min_score=min_score, sources=list(sources) or None)
                console.print(f"{decision.capitalize()}ed {n} findings.")
                did = True
        if retype:
            study.deid_retype(retype[0], retype[1])
            console.print(f"Finding {retype[0]} is now a {retype[1]} (accepted).")
            did = True
        if widen:
            start, end = parse_span(widen[1])
            study.deid_widen(widen[0], start, end)
            console.print(f"Finding {widen[0]} now covers {start}-{end} (accepted).")
            did = True
        if add:
            start, end = parse_span(add[1])
            console.print(f"Added finding {study.deid_add(add[0], start, end, add[2])}.")
            did = True
        if did:
            return
        pending = study.deid_findings(list(sources) or None, status="pending")
        if sys.stdin.isatty() and sys.stdout.isatty() and pending:
            _one_by_one(study, pending)
        else:
            print_frame(pending)


def _one_by_one(study, pending: list[dict]) -> None:
    """Each pending finding in its line of text: accept, reject, retype, skip or quit."""
    for f in pending:
        text = study.text(f["source"])
        before = text[max(0, f["start"] - 60) : f["start"]].rsplit("\n", 1)[-1]
        after = text[f["end"] : f["end"] + 60].split("\n", 1)[0]
        console.print(
            f"\n#{f['id']} {f['source']} {f['start']}-{f['end']} {f['type']} ({f['recogniser']}, {f['score']})",
            markup=False,
        )
        console.print(f"  \u2026{before}[{f['text']}]{after}\u2026", markup=False)
        answer = click.prompt(
            "  [a]ccept, [r]eject, [t]ype, [s]kip, [q]uit",
            default="a",
            type=click.Choice(list("artsq")),
            show_choices=False,
        )
        if answer == "q":
            return
        if answer == "a":
            study.deid_decide([f["id"]], "accept")
        elif answer == "r":
            study.deid_decide([f["id"]], "reject")
        elif answer == "t":
            study.deid_retype(f["id"], click.prompt("  type", type=_TYPES))


@deid.command()
@_passphrase_options
@click.option(
    "--style",
    type=click.Choice(["tags", "surrogates"]),
    default="tags",
    show_default=True,
    help="Bracketed tags ([Judge A], [Town 1]) or realistic surrogates.",
)
@click.option(
    "--dates",
    type=click.Choice(["generalise", "shift"]),
    default="generalise",
    show_default=True,
    help="Dates as season and year, or shifted by a number of days kept per participant.",
)
@click.pass_context
@friendly
def apply(ctx, passphrase_file, passphrase_env, vault, style, dates) -> None:
    """Replace every accepted finding in a new text version of each source; the originals and the
    key go to the encrypted vault, and nothing identifying stays in the project."""
    passphrase = read_passphrase(passphrase_file, passphrase_env)
    with open_study(ctx) as study:
        done = study.deid_apply(passphrase, vault=vault, style=style, date_style=dates)
    console.print(
        f"De-identified {len(done.sources)} sources ({done.replacements} replacements); identified words "
        f"withheld from {done.rows_rewritten} other rows and {done.events_withheld} audit events. "
        f"Key and originals: {done.vault}",
        markup=False,
    )
    if done.old_events_kept:
        err_console.print(
            f"Warning: {done.old_events_kept} audit events written before de-identification existed "
            "(hash version 1) still hold identified words; they cannot be withheld without breaking "
            "the chain.",
            markup=False,
        )


@deid.command()
@click.option("--deny", default=None, metavar="WORDS", help="Always find these words (a name, a place).")
@click.option("--allow", default=None, metavar="WORDS", help='Never find these words ("Drug Court").')
@click.option("--type", "type_", type=_TYPES, default="person", show_default=True, help="The type of a --deny entry.")
@click.option("--remove", type=int, default=None, metavar="ID", help="Remove an entry by its number.")
@listing_options
@click.pass_context
@friendly
def lists(ctx, deny, allow, type_, remove) -> None:
    """Show or change the deny and allow lists."""
    with open_study(ctx) as study:
        if deny:
            study.deid_add_term("deny", deny, type_)
        if allow:
            study.deid_add_term("allow", allow, type_)
        if remove is not None:
            study.deid_remove_term(remove)
        print_frame(study.deid_terms())


@deid.command()
@click.option(
    "--out", type=click.Path(dir_okay=False), default=None, help="Write the log as CSV or XLSX for an archive."
)
@listing_options
@click.pass_context
@friendly
def log(ctx, out) -> None:
    """The anonymisation log: what type was replaced where, with what, by whom, when (never the real words)."""
    with open_study(ctx) as study:
        frame = study.deid_log()
    if out:
        from theorize.exchange.tables import write_table

        console.print(f"Wrote {write_table(frame, out)}", markup=False)
        return
    print_frame(frame)


@deid.command()
@click.pass_context
@friendly
def status(ctx) -> None:
    """Which sources are not yet de-identified (never applied, or edited since)."""
    with open_study(ctx) as study:
        pending = study.deid_pending_sources()
    if not pending:
        console.print("Every source is de-identified.")
    for name in pending:
        console.print(f"not de-identified: {name}", markup=False)


def register(cli: click.Group) -> None:
    cli.add_command(deid)
