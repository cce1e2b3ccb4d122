"""`theorize model`: the grounded theory model: stages, where categories sit, and the diagram."""

from __future__ import annotations

from pathlib import Path

import click
from rich.text import Text

from theorize.cli.common import console, friendly, open_study
from theorize.errors import InvalidInput

ROLES = click.Choice(["condition", "stage", "consequence", "core", "context"])


def _ref(value: str) -> int | str:
    return int(value) if value.isdigit() else value


@click.group(invoke_without_command=True)
@click.option("--snapshot", default=None, help="The model as it stood in this codebook snapshot.")
@click.pass_context
@friendly
def model(ctx, snapshot) -> None:
    """Show the model; subcommands build it and draw it."""
    if ctx.invoked_subcommand:
        return
    with open_study(ctx) as study:
        m = study.model(snapshot)
    if not m.categories:
        console.print("The model is empty: place categories with `theorize model place CATEGORY ROLE`.")
        return
    names = {c.id: c.name for c in m.categories}

    def say(label: str, text: str) -> None:
        console.print(Text.assemble((f"{label}:", "bold"), f" {text}"))

    if m.core_category_id:
        say("Core category", names[m.core_category_id])
    for role, label in (("condition", "Conditions"), ("context", "Context"), ("consequence", "Consequences")):
        members = [c.name for c in m.categories if c.role.value == role]
        if members:
            say(label, "; ".join(members))
    for stage in m.stages:
        say(f"Stage {stage.order}, {stage.name}", "; ".join(names[i] for i in stage.category_ids))
    for r in m.relations:
        console.print(f"  {names[r.source_id]} \u2192 {r.label} \u2192 {names[r.target_id]}", markup=False)


@model.command("stage")
@click.argument("name")
@click.option("--position", type=int, default=None, help="1 = first; default: after the last.")
@click.pass_context
@friendly
def model_stage(ctx, name, position) -> None:
    """Add an ordered process stage."""
    with open_study(ctx) as study:
        study.add_stage(name, position=position)
    console.print(f"Added stage {name!r}", markup=False)


@model.command("place")
@click.argument("category")
@click.argument("role", type=ROLES)
@click.option("--stage", default=None, help="With role `stage`: the stage's name or number.")
@click.pass_context
@friendly
def model_place(ctx, category, role, stage) -> None:
    """Put a category in the model as a condition, stage, consequence, core or context."""
    with open_study(ctx) as study:
        study.place_category(_ref(category), role, stage=_ref(stage) if stage else None)
    console.print(f"Placed {category!r} as {role}", markup=False)


@model.command("describe")
@click.argument("category")
@click.option("--property", "properties", multiple=True, help="A property (repeatable).")
@click.option("--dimension", "dimensions", multiple=True, help="A dimension, e.g. 'trust: guarded .. open'.")
@click.pass_context
@friendly
def model_describe(ctx, category, properties, dimensions) -> None:
    """Add properties and dimensions to a category."""
    if not properties and not dimensions:
        raise InvalidInput("Give at least one --property or --dimension.")
    with open_study(ctx) as study:
        study.describe_category(_ref(category), properties=properties, dimensions=dimensions)
    console.print("Saved")


@model.command("draw")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--snapshot", default=None, help="Draw the model as it stood in this snapshot.")
@click.option("--width", type=float, default=7.0, show_default=True, help="Width in inches (print size).")
@click.pass_context
@friendly
def model_draw(ctx, path, snapshot, width) -> None:
    """Draw the model: .svg, .png, .dot (Graphviz) or .mmd (Mermaid), by the file's suffix."""
    from theorize.theory.diagram import draw_model, drawing_format

    drawing_format(path)  # a suffix no drawing has is refused before the project is opened
    with open_study(ctx) as study:
        m = study.model(snapshot)
    draw_model(m, path, width_in=width)
    console.print(f"Wrote {path}", markup=False)


def register(cli: click.Group) -> None:
    cli.add_command(model)
