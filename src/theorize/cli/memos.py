"""`theorize memo` and `theorize relate`."""

from __future__ import annotations

from pathlib import Path

import click

from theorize.cli.common import console, friendly, open_study, print_frame
from theorize.errors import InvalidInput


def _read_body(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(f"{path.name} is not UTF-8 text; save the memo as UTF-8 and try again.") from None


def _ref(value: str) -> int | str:
    return int(value) if value.isdigit() else value


@click.group(invoke_without_command=True)
@click.pass_context
@friendly
def memo(ctx) -> None:
    """List memos; subcommands write, show and edit them."""
    if ctx.invoked_subcommand:
        return
    with open_study(ctx) as study:
        frame = study.memos()
    if frame.empty:
        console.print("No memos yet; write one with `theorize memo add TITLE`.")
        return
    print_frame(frame[["id", "written_on", "type", "author", "title", "codes", "sources"]])


@memo.command("add")
@click.argument("title")
@click.option("--type", "type_", default="code", show_default=True,
              type=click.Choice(["code", "theoretical", "reflexive", "sampling"]))
@click.option("--body", default=None, help="The memo's text (Markdown).")
@click.option("--file", "file_", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the body from a Markdown file.")
@click.option("--code", "codes_", multiple=True, help="A code the memo is about (repeatable).")
@click.option("--source", "sources_", multiple=True, help="A source the memo is about (repeatable).")
@click.option("--coding", "codings_", multiple=True, type=int, help="A coding the memo is about (repeatable).")
@click.option("--memo", "memos_", multiple=True, type=int, help="Another memo it answers (repeatable).")
@click.pass_context
@friendly
def memo_add(ctx, title, type_, body, file_, codes_, sources_, codings_, memos_) -> None:
    """Write a memo."""
    if body is not None and file_ is not None:
        raise InvalidInput("Give the memo's body with --body or --file, not both.")
    text = _read_body(file_) if file_ else (body or "")
    with open_study(ctx) as study:
        mid = study.write_memo(title, text, type=type_, codes=[_ref(c) for c in codes_],
                               sources=[_ref(s) for s in sources_], codings=codings_, memos=memos_)
    console.print(f"Memo {mid} saved", markup=False)


@memo.command("show")
@click.argument("memo_id", type=int)
@click.pass_context
@friendly
def memo_show(ctx, memo_id) -> None:
    """Print a memo with its links."""
    from theorize.errors import NotFound

    with open_study(ctx) as study:
        frame = study.memos()
    rows = frame[frame.id == memo_id]
    if rows.empty:
        raise NotFound(f"There is no memo {memo_id}.")
    m = rows.iloc[0]
    console.print(f"[bold]{m.title}[/bold]  ({m.type} memo by {m.author}, {str(m.written_on)[:10]})")
    for label, col in (("codes", "codes"), ("sources", "sources"), ("codings", "codings"), ("memos", "memos")):
        if len(m[col]):
            console.print(f"{label}: {', '.join(map(str, m[col]))}", markup=False)
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
    text = _read_body(file_) if file_ else body
    with open_study(ctx) as study:
        study.edit_memo(memo_id, title=title, body=text)
    console.print("Memo saved")


@memo.command("link")
@click.argument("memo_id", type=int)
@click.option("--code", "codes_", multiple=True, help="A code the memo is about (repeatable).")
@click.option("--source", "sources_", multiple=True, help="A source (repeatable).")
@click.option("--coding", "codings_", multiple=True, type=int, help="A coding (repeatable).")
@click.option("--memo", "memos_", multiple=True, type=int, help="Another memo (repeatable).")
@click.pass_context
@friendly
def memo_link(ctx, memo_id, codes_, sources_, codings_, memos_) -> None:
    """Link a memo to more codes, sources, codings or memos."""
    if not (codes_ or sources_ or codings_ or memos_):
        raise InvalidInput("Name something to link: --code, --source, --coding or --memo.")
    with open_study(ctx) as study:
        study.link_memo(memo_id, codes=[_ref(c) for c in codes_], sources=[_ref(s) for s in sources_],
                        codings=codings_, memos=memos_)
    console.print(f"Memo {memo_id} linked")


@click.command()
@click.argument("source", required=False)
@click.argument("target", required=False)
@click.option("--type", "type_", default="leads to", show_default=True, help="The relation type.")
@click.option("--note", default="")
@click.option("--list", "list_", is_flag=True, help="List relations.")
@click.option("--add-type", default=None, help="Add a relation type of your own.")
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
