"""`theorize memo` and `theorize relate`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.text import Text

from theorize.cli.common import console, friendly, listing_options, open_study, output_mode, print_frame
from theorize.errors import InvalidInput


def _read_body(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(f"{path.name} is not UTF-8 text; save the memo as UTF-8 and try again.") from None


def _ref(value: str) -> int | str:
    return int(value) if value.isdigit() else value


@click.group(invoke_without_command=True)
@listing_options
@click.pass_context
@friendly
def memo(ctx) -> None:
    """List memos; subcommands write, show and edit them."""
    if ctx.invoked_subcommand:
        return
    with open_study(ctx) as study:
        frame = study.memos()
    if output_mode() != "text":
        print_frame(frame)
        return
    if frame.empty:
        console.print("No memos yet; write one with `theorize memo add TITLE`.")
        return
    for m in frame.itertuples():
        line = Text(f"{m.id:>4}  {str(m.written_on)[:10]}  ", style="bold")
        line.append(str(m.title), style="bold")
        line.append(f"  {m.type} memo by {m.author}", style="dim")
        console.print(line, soft_wrap=False)
        about = "; ".join(
            f"{label}: {', '.join(map(str, getattr(m, label)))}"
            for label in ("codes", "sources")
            if len(getattr(m, label))
        )
        if about:
            console.print(Text(f"      {about}", style="dim"), soft_wrap=False)


@memo.command("add")
@click.argument("title")
@click.option(
    "--type",
    "type_",
    default="code",
    show_default=True,
    type=click.Choice(["code", "theoretical", "reflexive", "sampling"]),
)
@click.option("--body", default=None, help="The memo's text (Markdown).")
@click.option(
    "--file",
    "file_",
    type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path),
    help="Read the body from a Markdown file ('-': standard input).",
)
@click.option("--code", "codes_", multiple=True, help="A code the memo is about (repeatable).")
@click.option("--source", "sources_", multiple=True, help="A source the memo is about (repeatable).")
@click.option("--turn", "turns_", multiple=True, metavar="SOURCE:N", help="A turn the memo is about (repeatable).")
@click.option("--coding", "codings_", multiple=True, type=int, help="A coding the memo is about (repeatable).")
@click.option("--memo", "memos_", multiple=True, type=int, help="Another memo it answers (repeatable).")
@click.pass_context
@friendly
def memo_add(ctx, title, type_, body, file_, codes_, sources_, turns_, codings_, memos_) -> None:
    """Write a memo. The body comes from --body, --file, standard input (piped), or else $EDITOR."""
    text = _memo_body(body, file_, title)
    with open_study(ctx) as study:
        mid = study.write_memo(
            title,
            text,
            type=type_,
            codes=[_ref(c) for c in codes_],
            sources=[_ref(s) for s in sources_],
            codings=codings_,
            memos=memos_,
            turns=[_turn(x) for x in turns_],
        )
    console.print(f"Memo {mid} saved", markup=False)


def _memo_body(body: str | None, file_: Path | None, title: str) -> str:
    """The body: given, from a file, piped in, or written in the editor; never silently empty."""
    if body is not None and file_ is not None:
        raise InvalidInput("Give the memo's body with --body or --file, not both.")
    if body is not None:
        return body
    if file_ is not None:
        return sys.stdin.read() if str(file_) == "-" else _read_body(file_)
    stdin = sys.stdin
    if not stdin.isatty():
        return stdin.read()
    written = click.edit(
        f"\n\n<!-- The memo {title!r}: write above this line; an empty memo is not saved. -->\n", extension=".md"
    )
    return (written or "").split("<!-- The memo ")[0]


def _turn(value: str) -> tuple[int | str, int]:
    source, _, number = value.rpartition(":")
    if not source or not number.isdigit():
        raise InvalidInput(f"{value!r} does not name a turn; write it as SOURCE:N, e.g. C03_interview.txt:4.")
    return _ref(source), int(number)


@memo.command("show")
@click.argument("memo_id", type=int)
@click.pass_context
@friendly
def memo_show(ctx, memo_id) -> None:
    """Print a memo with its links."""
    from theorize.errors import NotFound

    with open_study(ctx) as study:
        frame = study.memos()
        turns = study.memo_turns(memo_id)
    rows = frame[frame.id == memo_id]
    if rows.empty:
        raise NotFound(f"There is no memo {memo_id}.")
    m = rows.iloc[0]
    heading = Text(str(m.title), style="bold")
    heading.append(f"  ({m.type} memo by {m.author}, {str(m.written_on)[:10]})")
    console.print(heading)
    for label, col in (("codes", "codes"), ("sources", "sources"), ("codings", "codings"), ("memos", "memos")):
        if len(m[col]):
            console.print(f"{label}: {', '.join(map(str, m[col]))}", markup=False)
    if turns:
        console.print(f"turns: {', '.join(f'{s} turn {n}' for s, n in turns)}", markup=False)
    console.print()
    console.print(m.body, markup=False)


@memo.command("edit")
@click.argument("memo_id", type=int)
@click.option("--title", default=None)
@click.option("--body", default=None)
@click.option("--file", "file_", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
@friendly
def memo_edit(ctx, memo_id, title, body, file_) -> None:
    """Change a memo's title or body (the audit trail keeps the old text)."""
    if body is not None and file_ is not None:
        raise InvalidInput("Give the memo's body with --body or --file, not both.")
    text = _read_body(file_) if file_ else body
    if text is not None and not text.strip():
        raise InvalidInput(f"The new text of memo {memo_id} is empty; a memo keeps its text.")
    with open_study(ctx) as study:
        study.edit_memo(memo_id, title=title, body=text)
    console.print("Memo saved")


@memo.command("link")
@click.argument("memo_id", type=int)
@click.option("--code", "codes_", multiple=True, help="A code the memo is about (repeatable).")
@click.option("--source", "sources_", multiple=True, help="A source (repeatable).")
@click.option("--turn", "turns_", multiple=True, metavar="SOURCE:N", help="A turn (repeatable).")
@click.option("--coding", "codings_", multiple=True, type=int, help="A coding (repeatable).")
@click.option("--memo", "memos_", multiple=True, type=int, help="Another memo (repeatable).")
@click.pass_context
@friendly
def memo_link(ctx, memo_id, codes_, sources_, turns_, codings_, memos_) -> None:
    """Link a memo to more codes, sources, turns, codings or memos."""
    if not (codes_ or sources_ or turns_ or codings_ or memos_):
        raise InvalidInput("Name something to link: --code, --source, --turn, --coding or --memo.")
    with open_study(ctx) as study:
        study.link_memo(
            memo_id,
            codes=[_ref(c) for c in codes_],
            sources=[_ref(s) for s in sources_],
            codings=codings_,
            memos=memos_,
            turns=[_turn(x) for x in turns_],
        )
    console.print(f"Memo {memo_id} linked")


@click.command()
@click.argument("source", required=False)
@click.argument("target", required=False)
@click.option("--type", "type_", default="leads to", show_default=True, help="The relation type.")
@click.option("--note", default="")
@click.option("--list", "list_", is_flag=True, help="List relations.")
@click.option("--add-type", default=None, help="Add a relation type of your own.")
@listing_options
@click.pass_context
@friendly
def relate(ctx, source, target, type_, note, list_, add_type) -> None:
    """Relate two codes or categories: SOURCE --type--> TARGET."""
    with open_study(ctx) as study:
        if add_type:
            study.add_relation_type(add_type)
            console.print(f"Added relation type {add_type!r}", markup=False)
            return
        if list_ or not (source and target):
            if not list_:
                raise InvalidInput("Name both codes: theorize relate SOURCE TARGET --type 'leads to'.")
            print_frame(study.relations())
            return
        rid = study.relate(_ref(source), _ref(target), type_, note=note)
    console.print(f"Relation {rid}: {source} {type_} {target}", markup=False)


def register(cli: click.Group) -> None:
    cli.add_command(memo)
    cli.add_command(relate)
