"""`theorize properties`, `theoretical-saturation`, `sampling`, `compare-groups`, `describe`: grounded
theory beyond code counts."""

from __future__ import annotations

from pathlib import Path

import click

from theorize.cli.common import (
    console,
    friendly,
    listing_options,
    open_study,
    output_mode,
    print_frame,
)
from theorize.errors import InvalidInput

LABELS = {
    "category_id": "id",
    "new_properties": "new properties",
    "new_dimension_values": "new dimension values",
    "new_elements": "new",
    "cumulative_elements": "cumulative",
    "properties_spoken_to": "spoken to",
    "last_new_interview": "nothing new after",
    "last_new_position": "at interview",
    "interviews_after": "interviews since",
    "of_participants": "of",
    "only_in": "only in",
}


def _ref(value: str) -> int | str:
    return int(value) if value.isdigit() else value


def _labelled(frame):
    return frame.rename(columns=lambda c: LABELS.get(c, c))


def _say(text: str) -> None:
    if output_mode() == "text":
        console.print(text, markup=False)


@click.group("properties", invoke_without_command=True)
@click.option("--category", default=None, help="Only this category's properties.")
@listing_options
@click.pass_context
@friendly
def properties(ctx, category) -> None:
    """The categories' properties and dimensions with the values codings carry; subcommands set
    and remove values on codings."""
    if ctx.invoked_subcommand:
        return
    with open_study(ctx) as study:
        props = study.category_properties(_ref(category) if category else None)
        values = study.property_values(_ref(category) if category else None)
    used = values.groupby("property_id").agg(
        codings=("coding_id", "nunique"), values=("value", lambda v: ", ".join(sorted({x for x in v if x})))
    )
    frame = props.join(used, on="id")[["id", "category", "kind", "text", "codings", "values"]]
    frame["codings"] = frame["codings"].fillna(0).astype(int)
    frame["values"] = frame["values"].fillna("")
    if frame.empty and output_mode() == "text":
        console.print("No properties yet: add them with `theorize model describe CATEGORY --property TEXT`.")
        return
    print_frame(frame)


@properties.command("set")
@click.argument("coding", type=int)
@click.argument("property_", metavar="PROPERTY")
@click.argument("value", required=False, default="")
@click.pass_context
@friendly
def properties_set(ctx, coding, property_, value) -> None:
    """Say that CODING speaks to PROPERTY of its category, or where it places the passage on a
    dimension: `properties set 12 "perceived surveillance" total`."""
    with open_study(ctx) as study:
        study.set_property_value(coding, _ref(property_), value)
    console.print(f"Coding #{coding}: {property_}" + (f" = {value}" if value else ""), markup=False)


@properties.command("remove")
@click.argument("coding", type=int)
@click.argument("property_", metavar="PROPERTY")
@click.pass_context
@friendly
def properties_remove(ctx, coding, property_) -> None:
    """Take a property or dimension value off CODING."""
    with open_study(ctx) as study:
        study.remove_property_value(coding, _ref(property_))
    console.print(f"Coding #{coding}: removed {property_}", markup=False)


@properties.command("values")
@click.argument("category", required=False)
@listing_options
@click.pass_context
@friendly
def properties_values(ctx, category) -> None:
    """Every property and dimension value on codings that count (of CATEGORY)."""
    with open_study(ctx) as study:
        frame = study.property_values(_ref(category) if category else None)
    print_frame(
        frame[["coding_id", "interview", "participant", "category", "property", "value"]].rename(
            columns={"coding_id": "coding"}
        )
    )


@click.command("theoretical-saturation")
@click.argument("category", required=False)
@click.option("--group", default=None, help="Only this participant group's interviews, e.g. client.")
@click.option("--curve", is_flag=True, help="Also print the new properties and values per interview.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the curve (.csv/.xlsx).")
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path), help="Draw the curves (.png/.svg).")
@listing_options
@click.pass_context
@friendly
def theoretical_saturation(ctx, category, group, curve, out, plot) -> None:
    """When each category's properties and dimension values stopped growing, in interview order."""
    if out is not None and out.suffix.lower() not in (".csv", ".xlsx"):
        raise InvalidInput(f"{out.name}: tables are written as .csv or .xlsx.")
    if plot is not None and plot.suffix.lower() not in (".png", ".svg"):
        raise InvalidInput(f"{plot.name}: curves are drawn as .png or .svg.")
    with open_study(ctx) as study:
        result = study.theoretical_saturation(_ref(category) if category else None, group=group)
    points = result.points.assign(category=result.points["category_id"].map(result.categories))
    shown = points[["category", "elements", "last_new_interview", "last_new_position", "interviews_after"]]
    if curve:
        d = result.discovery.assign(category=result.discovery["category_id"].map(result.categories))
        print_frame(
            _labelled(
                d[
                    [
                        "category",
                        "interview",
                        "new_properties",
                        "new_dimension_values",
                        "new_elements",
                        "cumulative_elements",
                    ]
                ]
            )
        )
    else:
        print_frame(_labelled(shown))
    for sentence in result.statements:
        _say(sentence)
    if not result.snapshots.empty and output_mode() == "text":
        _say("Properties and dimensions over codebook snapshots:")
        snaps = result.snapshots.assign(category=result.snapshots["category_id"].map(result.categories))
        print_frame(snaps[["snapshot", "category", "properties", "dimensions", "new"]])
    if out is not None:
        from theorize.exchange.tables import write_table

        _say(f"Wrote {write_table(result.discovery, out)}")
    if plot is not None:
        from theorize.report.theory_figures import plot_property_saturation

        _say(f"Wrote {plot_property_saturation(result, plot)}")


@click.command("sampling")
@click.option("--by", default="group", show_default=True, help="Split participants by group or by an attribute.")
@click.option(
    "--min-participants",
    type=int,
    default=2,
    show_default=True,
    help="A cell with fewer participants than this is thin.",
)
@click.option("--table", is_flag=True, help="Print the whole coverage table, not only the thin cells.")
@listing_options
@click.pass_context
@friendly
def sampling(ctx, by, min_participants, table) -> None:
    """Who has spoken to each category and its properties, thin cells marked, and what to look for
    in the next interviews."""
    with open_study(ctx) as study:
        view = study.sampling(by=by, min_participants=min_participants)
    cov = view.coverage.assign(category=view.coverage["category_id"].map(view.categories))
    cov["thin"] = cov["thin"].map({True: "thin", False: ""})
    if not table:
        cov = cov[cov["thin"] == "thin"]
    if cov.empty and output_mode() == "text":
        console.print(
            f"No category is thin in any {by}: each was spoken to by at least {min_participants} "
            "participants of each (--table shows them all).",
            markup=False,
        )
    else:
        print_frame(
            _labelled(
                cov[["category", "group", "participants", "of_participants", "codings", "properties", "thin"]].rename(
                    columns={"group": by}
                )
            )
        )
    if output_mode() != "text":
        return
    if not view.memos.empty:
        console.print("Sampling memos:", markup=False)
        for m in view.memos.itertuples():
            console.print(f"  memo {m.id} ({str(m.written_on)[:10]}): {m.title}", markup=False)
    console.print(
        "To look for in the next interviews:"
        if view.leads
        else "No thin cells: every category has been spoken to by enough participants of each group.",
        markup=False,
    )
    for lead in view.leads:
        console.print(f"  - {lead}", markup=False)


@click.command("compare-groups")
@click.argument("category")
@click.option("--group", "groups", multiple=True, help="A group to compare (repeatable; default: all).")
@click.option("--by", default="group", show_default=True, help="Split participants by group or by an attribute.")
@click.option("--quotes", type=int, default=2, show_default=True, help="Quotes per group.")
@listing_options
@click.pass_context
@friendly
def compare_groups(ctx, category, groups, by, quotes) -> None:
    """CATEGORY's properties, dimension values and quotes by group, side by side."""
    with open_study(ctx) as study:
        result = study.compare_groups(_ref(category), groups=list(groups) or None, by=by, quotes=quotes)
    _say(
        f"{result.category}: "
        + "; ".join(
            f"{r.participants} of {r.of_participants} {r.group} participants, {r.codings} codings"
            for r in result.coverage.itertuples()
        )
    )
    print_frame(_labelled(result.properties))
    if output_mode() != "text":
        return
    for group, part in result.quotes.groupby("group", sort=False):
        console.print(f"{group}:", markup=False)
        for q in part.itertuples():
            text = " ".join(q.quote.split())
            console.print(f"  \u201c{text[:300]}\u201d ({q.participant}, #{q.coding_id})", markup=False)


@click.command("describe")
@click.option("--title", default=None, help="The study's title.")
@click.option("--question", "research_question", default=None, help="The research question.")
@click.option(
    "--method-notes",
    "notes",
    type=click.Path(dir_okay=False, exists=False, path_type=Path),
    default=None,
    help="A text or Markdown file of method notes, for the report's methods section.",
)
@click.pass_context
@friendly
def describe(ctx, title, research_question, notes) -> None:
    """Show the study's title, research question and method notes, or change them."""
    text = None
    if notes is not None:
        if not notes.is_file():
            raise InvalidInput(f"There is no file {notes}; give a text file of method notes.")
        try:
            text = notes.read_text(encoding="utf-8").strip()
        except UnicodeDecodeError:
            raise InvalidInput(
                f"{notes.name} is not a text file; save the method notes as plain text or Markdown."
            ) from None
    with open_study(ctx) as study:
        if title is None and research_question is None and text is None:
            info = study.study
            for label, key in (
                ("Title", "title"),
                ("Research question", "research_question"),
                ("Method notes", "method_notes"),
            ):
                console.print(f"{label}: {info[key] or '(none)'}", markup=False)
            return
        study.describe_study(title=title, research_question=research_question, method_notes=text)
    console.print("Saved the study description", markup=False)


def register(cli: click.Group) -> None:
    for command in (properties, theoretical_saturation, sampling, compare_groups, describe):
        cli.add_command(command)
