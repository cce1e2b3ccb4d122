"""The model as diagram source text: Graphviz DOT and Mermaid.

Both keep the model's shape: conditions, then one group per process stage left to right, then
consequences; context categories and the core category stand outside the groups. Node ids are
derived from category ids (``c_`` + letters, digits and underscores, made unique); every label is
quoted and escaped, so any category name or relation label is safe.

Examples:
    >>> from theorize.domain.theory import CategoryRole, ModelCategory, ModelRelation, TheoryModel
    >>> m = TheoryModel("t", [ModelCategory("a", "Fear", CategoryRole.CONDITION),
    ...                       ModelCategory("b", "Hope", CategoryRole.CONSEQUENCE)],
    ...                 relations=[ModelRelation("a", "b", "leads to")])
    >>> [line.strip() for line in to_mermaid(m).splitlines() if "-->" in line]
    ['c_a -->|"leads to"| c_b']
"""

from __future__ import annotations

import json
import re

from theorize.domain.theory import CategoryRole, ModelStage, TheoryModel
from theorize.errors import InvalidInput

# Fill and border per role, the same restrained palette as the drawn diagram.
_COLOURS = {
    CategoryRole.CONDITION: ("#E4EAF1", "#4A6785", "#1B2733"),
    CategoryRole.STAGE: ("#FFFFFF", "#37414B", "#141A20"),
    CategoryRole.CONSEQUENCE: ("#E6EFE3", "#4C7145", "#1A2A17"),
    CategoryRole.CONTEXT: ("#F5EFE3", "#8A6A3A", "#2D2414"),
    CategoryRole.CORE: ("#2E3D4D", "#2E3D4D", "#FFFFFF"),
}


def _node_ids(model: TheoryModel) -> dict[str, str]:
    """``c_`` + the category id reduced to [A-Za-z0-9_], numbered on collision."""
    ids: dict[str, str] = {}
    used: set[str] = set()
    for c in model.categories:
        base = "c_" + (re.sub(r"[^A-Za-z0-9_]", "_", c.id) or "category")
        node, n = base, 2
        while node in used:
            node, n = f"{base}_{n}", n + 1
        ids[c.id] = node
        used.add(node)
    return ids


def _groups(model: TheoryModel) -> tuple[list[tuple[str, str, list[str]]], list[str]]:
    """(group id, group label, category ids) left to right, and the categories in no group."""
    known = {c.id for c in model.categories}
    for r in model.relations:
        for cid in (r.source_id, r.target_id):
            if cid not in known:
                raise InvalidInput(
                    f"the relation {r.source_id!r} {r.label} {r.target_id!r} names an unknown category {cid!r}"
                )
    staged: dict[str, ModelStage] = {}
    stages = sorted(model.stages, key=lambda s: s.order)
    for stage in stages:
        for cid in stage.category_ids:
            if cid not in known:
                raise InvalidInput(f"stage {stage.order} ({stage.name}) names an unknown category {cid!r}")
            if cid != model.core_category_id:
                staged.setdefault(cid, stage)
    loose = [c for c in model.categories if c.id not in staged]
    groups: list[tuple[str, str, list[str]]] = []
    conditions = [c.id for c in loose if c.role == CategoryRole.CONDITION]
    if conditions:
        groups.append(("conditions", "Conditions", conditions))
    for stage in stages:
        members = [cid for cid in dict.fromkeys(stage.category_ids) if staged.get(cid) is stage]
        name = stage.name.strip()
        label = f"Stage {stage.order}" + (f": {name}" if name and name.lower() != f"stage {stage.order}" else "")
        groups.append((f"stage_{len(groups)}", label, members))
    consequences = [c.id for c in loose if c.role == CategoryRole.CONSEQUENCE]
    if consequences:
        groups.append(("consequences", "Consequences", consequences))
    grouped = {cid for _, _, members in groups for cid in members}
    return groups, [c.id for c in model.categories if c.id not in grouped]


def _role(model: TheoryModel, cid: str) -> CategoryRole:
    return CategoryRole.CORE if cid == model.core_category_id else model.category(cid).role


def _dot_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "\\n") + '"'


def to_dot(model: TheoryModel) -> str:
    """Graphviz DOT, left to right, one cluster per stage with its categories at the same rank.

    Render with ``dot -Tsvg model.dot -o model.svg``. Relations labelled "contrasts with ..." are
    dashed and have no arrowhead, as in the drawn diagram.
    """
    ids = _node_ids(model)
    groups, others = _groups(model)
    out = [
        "digraph theory {",
        (
            "  graph [rankdir=LR, newrank=true, compound=true, nodesep=0.35, ranksep=0.55, "
            f'fontname="Helvetica", fontsize=11, labelloc=t, label={_dot_string(model.title)}];'
        ),
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, margin="0.12,0.06"];',
        '  edge [fontname="Helvetica-Oblique", fontsize=9, color="#3C434A", arrowsize=0.7];',
    ]

    def node(cid: str, indent: str) -> str:
        role = _role(model, cid)
        fill, border, text = _COLOURS[role]
        style = (
            "rounded,filled,dashed"
            if role == CategoryRole.CONTEXT
            else ("filled" if role == CategoryRole.CORE else "rounded,filled")
        )
        return (
            f"{indent}{ids[cid]} [label={_dot_string(model.category(cid).name)}, style={_dot_string(style)}, "
            f'fillcolor="{fill}", color="{border}", fontcolor="{text}"];'
        )

    for gid, label, members in groups:
        shaded = gid.startswith("stage_")
        out.append(f"  subgraph cluster_{gid} {{")
        style, colour = ("rounded,filled", "#F1F2F4") if shaded else ("rounded", "#FFFFFF")
        out.append(
            f'    label={_dot_string(label)}; fontname="Helvetica-Bold"; fontsize=10; style="{style}"; '
            f'color="{colour}"; fillcolor="#F1F2F4";'
        )
        if members:
            out.append("    { rank=same;")
            out.extend(node(cid, "      ") for cid in members)
            out.append("    }")
        else:
            out.append(f'    {gid}_empty [label="", shape=point, style=invis];')
        out.append("  }")
    out.extend(node(cid, "  ") for cid in others)
    for r in model.relations:
        attrs = f"label={_dot_string(r.label)}"
        if r.label.strip().lower().startswith("contrast"):
            attrs += ", style=dashed, dir=none"
        out.append(f"  {ids[r.source_id]} -> {ids[r.target_id]} [{attrs}];")
    out.append("}")
    return "\n".join(out) + "\n"


_MERMAID_ESCAPES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "|": "#124;", "`": "#96;", "&": "#amp;"}


def _mermaid_string(text: str) -> str:
    """A quoted Mermaid label: entity codes for the characters Mermaid would read as syntax."""
    flat = " ".join(text.split())
    return '"' + "".join(_MERMAID_ESCAPES.get(ch, ch) for ch in flat) + '"'


def to_mermaid(model: TheoryModel) -> str:
    """A Mermaid flowchart, left to right, one subgraph per stage (paste into Markdown as ```mermaid)."""
    ids = _node_ids(model)
    groups, others = _groups(model)
    out = ["---", f"title: {json.dumps(model.title, ensure_ascii=False)}", "---", "flowchart LR"]

    def node(cid: str) -> str:
        name = _mermaid_string(model.category(cid).name)
        if _role(model, cid) == CategoryRole.CORE:
            return f"{ids[cid]}[[{name}]]"
        return f"{ids[cid]}({name})" if _role(model, cid) == CategoryRole.CONTEXT else f"{ids[cid]}[{name}]"

    for gid, label, members in groups:
        out.append(f"    subgraph {gid}[{_mermaid_string(label)}]")
        out.append("        direction TB")
        out.extend(f"        {node(cid)}" for cid in members)
        out.append("    end")
    out.extend(f"    {node(cid)}" for cid in others)
    for r in model.relations:
        arrow = "-.-" if r.label.strip().lower().startswith("contrast") else "-->"
        if r.label.strip():
            out.append(f"    {ids[r.source_id]} {arrow}|{_mermaid_string(r.label)}| {ids[r.target_id]}")
        else:
            out.append(f"    {ids[r.source_id]} {arrow} {ids[r.target_id]}")
    for role, (fill, border, text) in _COLOURS.items():
        members = [ids[c.id] for c in model.categories if _role(model, c.id) == role]
        out.append(f"    classDef {role.value} fill:{fill},stroke:{border},color:{text}")
        if members:
            out.append(f"    class {','.join(members)} {role.value}")
    return "\n".join(out) + "\n"
