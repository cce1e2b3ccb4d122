"""The codebook as a tree: categories > focused codes > initial codes, with rolled-up counts.

One rule counts codings in the tree: a code counts its own codings and those of every code
beneath it (its *rolled-up* count), and the participants' sources those codings lie in. Initial
codes that no focused code (or category) holds yet are kept apart as *unplaced*: they are the
work still to do in focused coding.

Pure logic on plain rows; the project reads the rows (``study.code_tree()``).

Examples:
    >>> rows = [
    ...     {"id": 1, "name": "Complying to get through", "stage": "category", "parent_id": None},
    ...     {"id": 2, "name": "doing my time", "stage": "focused", "parent_id": 1},
    ...     {"id": 3, "name": "counting the days", "stage": "initial", "parent_id": 2},
    ...     {"id": 4, "name": "keeping it short", "stage": "initial", "parent_id": None},
    ... ]
    >>> tree = build_code_tree(rows, {(2, 10): 3, (3, 10): 1, (3, 11): 1, (4, 10): 2})
    >>> [(n.name, n.depth, n.own_codings, n.codings, n.sources) for n in tree.walk()]
    [('Complying to get through', 0, 0, 5, 2), ('doing my time', 1, 3, 5, 2), ('counting the days', 2, 2, 2, 2)]
    >>> [n.name for n in tree.unplaced]
    ['keeping it short']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

_STAGE_RANK = {"initial": 0, "focused": 1, "category": 2, "theoretical": 3}

#: The columns of :meth:`CodeTree.rows`, in order.
ROW_FIELDS = (
    "id",
    "name",
    "path",
    "stage",
    "parent_id",
    "depth",
    "in_vivo",
    "own_codings",
    "codings",
    "sources",
    "placed",
    "definition",
)


@dataclass
class CodeNode:
    """One code in the tree.

    ``own_codings`` counts the code's own codings; ``codings`` and ``sources`` are rolled up over
    the code and every code beneath it.
    """

    id: int
    name: str
    stage: str
    parent_id: int | None = None
    definition: str = ""
    in_vivo: bool = False
    own_codings: int = 0
    codings: int = 0
    sources: int = 0
    depth: int = 0
    path: str = ""
    placed: bool = True
    children: list[CodeNode] = field(default_factory=list)

    def walk(self) -> Iterator[CodeNode]:
        """This code, then every code beneath it, depth first in display order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class CodeTree:
    """The tree: ``roots`` (categories first, then focused codes outside a category, then codes of
    later stages' making) and ``unplaced`` initial codes not yet under a focused code."""

    roots: list[CodeNode]
    unplaced: list[CodeNode]

    def walk(self, *, unplaced: bool = False) -> Iterator[CodeNode]:
        """Every node in display order; the unplaced initial codes too when asked."""
        for root in self.roots + (self.unplaced if unplaced else []):
            yield from root.walk()

    def __len__(self) -> int:
        return sum(1 for _ in self.walk(unplaced=True))

    def rows(self) -> list[dict[str, Any]]:
        """One flat row per code (see :data:`ROW_FIELDS`), for tables, JSON and CSV."""
        return [{name: getattr(node, name) for name in ROW_FIELDS} for node in self.walk(unplaced=True)]


def _order(node: CodeNode) -> tuple[int, str, int]:
    return (-_STAGE_RANK.get(node.stage, 0), node.name.casefold(), node.id)


def build_code_tree(
    codes: Iterable[Mapping[str, Any]], counts: Mapping[tuple[int, int], int], *, stage: str | None = None
) -> CodeTree:
    """Build the tree from live code rows and coding counts.

    Args:
        codes: rows with ``id``, ``name``, ``stage``, ``parent_id`` (and optionally ``definition``,
            ``in_vivo``); merged codes left out.
        counts: the number of codings that count, by ``(code_id, source_id)``.
        stage: show only codes of this stage, each under its nearest shown ancestor; counts stay
            rolled up over every code beneath.
    """
    nodes: dict[int, CodeNode] = {}
    for row in codes:
        nodes[int(row["id"])] = CodeNode(
            id=int(row["id"]),
            name=str(row["name"]),
            stage=str(row["stage"]),
            parent_id=None if row.get("parent_id") is None else int(row["parent_id"]),
            definition=str(row.get("definition") or ""),
            in_vivo=bool(row.get("in_vivo")),
        )
    below: dict[int | None, list[int]] = {}
    for node in nodes.values():
        parent = node.parent_id if node.parent_id in nodes else None
        below.setdefault(parent, []).append(node.id)
    own_sources: dict[int, set[int]] = {}
    for (code_id, source_id), n in counts.items():
        if code_id in nodes and n:
            nodes[code_id].own_codings += int(n)
            own_sources.setdefault(code_id, set()).add(int(source_id))

    def roll_up(code_id: int, trail: tuple[str, ...]) -> set[int]:
        node = nodes[code_id]
        node.path = " / ".join((*trail, node.name))
        node.codings = node.own_codings
        sources = set(own_sources.get(code_id, ()))
        for child in below.get(code_id, []):
            sources |= roll_up(child, (*trail, node.name))
            node.codings += nodes[child].codings
        node.sources = len(sources)
        return sources

    for top in below.get(None, []):
        roll_up(top, ())

    def shown(code_id: int) -> list[CodeNode]:
        """The node (if shown) with its shown descendants; else its shown descendants lifted up."""
        node = nodes[code_id]
        lifted = [n for child in below.get(code_id, []) for n in shown(child)]
        if stage is not None and node.stage != stage:
            return lifted
        node.children = sorted(lifted, key=_order)
        return [node]

    tops = sorted((n for top in below.get(None, []) for n in shown(top)), key=_order)

    def place(node: CodeNode, depth: int, placed: bool) -> None:
        node.depth, node.placed = depth, placed
        for child in node.children:
            place(child, depth + 1, placed)

    roots = [n for n in tops if n.stage != "initial"]
    unplaced = [n for n in tops if n.stage == "initial"]
    for root in roots:
        place(root, 0, True)
    for root in unplaced:
        place(root, 0, False)
    return CodeTree(roots=roots, unplaced=unplaced)
