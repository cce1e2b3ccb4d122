"""`theorize code`, `codes` (the tree and codebook work)."""

from __future__ import annotations

import click
from rich.text import Text

from theorize.cli.common import (
    console,
    friendly,
    listing_options,
    open_study,
    output_mode,
    parse_numbers,
    parse_span,
    print_frame,
)
from theorize.errors import InvalidInput

TABLE_FIELDS = ("id", "path", "stage", "own_codings", "codings", "sources", "definition")


def _ref(value: str) -> int | str:
    return int(value) if value.isdigit() else value


@click.command()
@click.argument("source")
@click.argument("code")
@click.option("--span", help="Characters START-END of the source's text.")
@click.option("--turn", help="A speaker turn or a range of turns, by number, e.g. 4 or 4-6 (see `theorize show`).")
@click.option("--sentence", help="A sentence or a range, e.g. 19 or 19-20 (see `theorize show --units sentence`).")
@click.option("--line", help="A line or a range, e.g. 7 or 7-9 (see `theorize show --units line`).")
@click.option("--quote", help="The exact words to code (with --turn: words in that turn).")
@click.option(
    "--occurrence", type=int, default=None, help="Which occurrence of --quote, when the words occur more than once."
)
@click.option("--coder", help="Who codes (default: --user).")
@click.option("--create", is_flag=True, help="Create the code if it does not exist yet (one action with the coding).")
@click.option("--stage", default="initial", show_default=True, help="Stage of a code made with --create.")
@click.pass_context
@friendly
def code(ctx, source, code, span, turn, sentence, line, quote, occurrence, coder, create, stage) -> None:
    """Apply CODE to a span, a turn, a sentence, a line or quoted words of SOURCE."""
    start = end = None
    numbered = [(v, u) for v, u in ((turn, "turn"), (sentence, "sentence"), (line, "line")) if v is not None]
    if len(numbered) > 1:
        raise InvalidInput("Give one of --turn, --sentence or --line.")
    segment, unit = (parse_numbers(*numbered[0]), numbered[0][1]) if numbered else (None, "turn")
    if span:
        start, end = parse_span(span)
    with open_study(ctx) as study:
        cid = study.code(
            _ref(source),
            _ref(code),
            start=start,
            end=end,
            segment=segment,
            unit=unit,
            quote=quote,
            occurrence=occurrence,
            coder=coder,
            create=create,
            stage=stage,
        )
        row = study.codings(_ref(source)).set_index("id").loc[cid]
    console.print(
        f"Coding #{cid}: {row['code']} on {row['source']} {row['start']}-{row['end']}: \u201c{row['quote']}\u201d",
        markup=False,
    )


def _node_line(node) -> Text:
    line = Text("  " * node.depth)
    line.append(node.name)
    if node.in_vivo:
        line.append(" (in vivo)")
    counts = f"{node.codings} coding{'' if node.codings == 1 else 's'} in {node.sources} source{'' if node.sources == 1 else 's'}"
    if node.codings != node.own_codings:
        counts += f" ({node.own_codings} its own)"
    line.append(f"  {node.stage} \u00b7 {counts} \u00b7 id {node.id}", style="dim")
    return line


@click.group(invoke_without_command=True)
@click.option(
    "--stage",
    default=None,
    type=click.Choice(["initial", "focused", "category", "theoretical"]),
    help="Only codes of this stage (counts still include the codes beneath).",
)
@click.option("--table", "as_table", is_flag=True, help="A flat table instead of the tree.")
@listing_options
@click.pass_context
@friendly
def codes(ctx, stage, as_table) -> None:
    """The codebook as a tree: categories > focused > initial codes; subcommands change it.

    A code counts its own codings and those of every code beneath it. Initial codes not yet
    under a focused code are listed last, as such.
    """
    if ctx.invoked_subcommand:
        return
    with open_study(ctx) as study:
        tree = study.code_tree(stage=stage)
    if output_mode() != "text":
        print_frame(tree.rows())
        return
    if not len(tree):
        console.print("The codebook is empty; add a code with `theorize codes add NAME`.")
        return
    if as_table:
        print_frame([{k: r[k] for k in TABLE_FIELDS} for r in tree.rows()])
        return
    lines = [_node_line(node) for node in tree.walk()]  # printed as one text: rich is slow per call
    if tree.unplaced:
        if tree.roots:
            lines.append(Text())
        lines.append(Text(f"Initial codes not yet under a focused code ({len(tree.unplaced)}):", style="bold"))
        for top in tree.unplaced:
            for node in top.walk():
                node.depth += 1
                lines.append(_node_line(node))
    console.print(Text("\n").join(lines))


@codes.command("add")
@click.argument("name")
@click.option("--definition", default="")
@click.option("--stage", default="initial", show_default=True)
@click.option("--parent", default=None)
@click.option("--colour", default=None, help="#RRGGBB")
@click.pass_context
@friendly
def codes_add(ctx, name, definition, stage, parent, colour) -> None:
    """Create a code."""
    with open_study(ctx) as study:
        cid = study.add_code(
            name, definition=definition, stage=stage, parent=_ref(parent) if parent else None, colour=colour
        )
    console.print(f"Added code {name!r} (id {cid})", markup=False)


@codes.command("rename")
@click.argument("code")
@click.argument("new_name")
@click.pass_context
@friendly
def codes_rename(ctx, code, new_name) -> None:
    """Rename a code."""
    with open_study(ctx) as study:
        study.rename_code(_ref(code), new_name)
    console.print(f"Renamed to {new_name!r}", markup=False)


@codes.command("define")
@click.argument("code")
@click.argument("definition")
@click.pass_context
@friendly
def codes_define(ctx, code, definition) -> None:
    """Write a code's definition."""
    with open_study(ctx) as study:
        study.define_code(_ref(code), definition)
    console.print("Definition saved")


@codes.command("move")
@click.argument("codes_", nargs=-1, required=True, metavar="CODE...")
@click.option("--under", default=None, help="The new parent; leave out to move to the top.")
@click.pass_context
@friendly
def codes_move(ctx, codes_, under) -> None:
    """Place codes under another (e.g. initial codes under a focused code), or at the top.

    The codes stay themselves, with their codings; `codes merge` folds them into one instead.
    """
    with open_study(ctx) as study:
        study.move_codes([_ref(c) for c in codes_], _ref(under) if under else None)
    where = f"under {under!r}" if under else "to the top"
    console.print(f"Moved {len(codes_)} code{'' if len(codes_) == 1 else 's'} {where}", markup=False)


@codes.command("merge")
@click.argument("codes_", nargs=-1, required=True, metavar="CODE...")
@click.option("--into", required=True, help="The code they merge into (made if there is none of that name).")
@click.pass_context
@friendly
def codes_merge(ctx, codes_, into) -> None:
    """Merge codes into one; codings move, lineage is kept.

    If no code is called INTO yet, it is made (one action with the merge), at the merged codes'
    latest stage.
    """
    with open_study(ctx) as study:
        n = study.merge_codes([_ref(c) for c in codes_], _ref(into))
    console.print(
        f"Merged {len(codes_)} code{'' if len(codes_) == 1 else 's'} into {into!r}; "
        f"{n} coding{'' if n == 1 else 's'} moved",
        markup=False,
    )


@codes.command("split")
@click.argument("code")
@click.option("--codings", required=True, help="Coding ids that go to the new code, e.g. 4,9,12.")
@click.option("--name", "new_name", required=True, help="The new code's name.")
@click.pass_context
@friendly
def codes_split(ctx, code, codings, new_name) -> None:
    """Move chosen codings of a code to a new code."""
    try:
        ids = [int(x) for x in codings.split(",") if x.strip()]
    except ValueError:
        raise InvalidInput(f"{codings!r} is not a list of coding ids; write them like 4,9,12.") from None
    with open_study(ctx) as study:
        cid = study.split_code(_ref(code), ids, new_name)
    console.print(f"New code {new_name!r} (id {cid}) with {len(ids)} codings", markup=False)


@codes.command("promote")
@click.argument("code")
@click.argument("stage", type=click.Choice(["focused", "category", "theoretical"]))
@click.pass_context
@friendly
def codes_promote(ctx, code, stage) -> None:
    """Promote a code: initial -> focused -> category -> theoretical."""
    with open_study(ctx) as study:
        study.promote_code(_ref(code), stage)
    console.print(f"Promoted to {stage}")


@codes.command("in-vivo")
@click.argument("source")
@click.option("--quote", help="The participant's exact words.")
@click.option("--span", help="Characters START-END.")
@click.option("--coder", default=None)
@click.pass_context
@friendly
def codes_in_vivo(ctx, source, quote, span, coder) -> None:
    """Make an in-vivo code from the participant's words and code them with it."""
    start = end = None
    if span:
        start, end = parse_span(span)
    with open_study(ctx) as study:
        cid = study.code_in_vivo(_ref(source), quote=quote, start=start, end=end, coder=coder)
        row = study.codings(_ref(source)).set_index("id").loc[cid]
    console.print(f"Coding #{cid} with in-vivo code {row['code']}", markup=False)


@codes.command("lineage")
@click.argument("code")
@listing_options
@click.pass_context
@friendly
def codes_lineage(ctx, code) -> None:
    """Where a code came from: merges, splits, renames, promotions and sub-codes."""
    with open_study(ctx) as study:
        frame = study.lineage(_ref(code))
    if frame.empty and output_mode() == "text":
        console.print("This code has no lineage yet.")
    else:
        print_frame(frame)


@click.command()
@click.argument("coding_id", type=int)
@click.pass_context
@friendly
def uncode(ctx, coding_id) -> None:
    """Remove a coding (by its number, shown as #N by `theorize show`)."""
    with open_study(ctx) as study:
        study.uncode(coding_id)
    console.print(f"Removed coding #{coding_id}")


@click.command()
@click.argument("coding_id", type=int)
@click.option("--accept", "decision", flag_value="accept", help="Accept a machine suggestion.")
@click.option("--reject", "decision", flag_value="reject", help="Reject a machine suggestion.")
@click.pass_context
@friendly
def decide(ctx, coding_id, decision) -> None:
    """Accept or reject a machine suggestion."""
    if decision is None:
        raise InvalidInput("Say --accept or --reject.")
    with open_study(ctx) as study:
        study.decide(coding_id, accept=decision == "accept")
    console.print(f"Coding #{coding_id} {decision}ed")


@click.command()
@click.argument("coding_id", type=int)
@click.option("--span", default=None, help="Move the coding to characters START-END while reviewing it.")
@click.pass_context
@friendly
def review(ctx, coding_id, span) -> None:
    """Mark a coding flagged after a text edit (changed or orphaned) as reviewed."""
    start = end = None
    if span:
        start, end = parse_span(span)
    with open_study(ctx) as study:
        study.resolve_review(coding_id, start=start, end=end)
    console.print(f"Coding #{coding_id} reviewed")


def register(cli: click.Group) -> None:
    for cmd in (code, codes, uncode, decide, review):
        cli.add_command(cmd)
