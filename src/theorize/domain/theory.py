"""The grounded theory model as plain data: categories, stages, relations.

Built by ``theorize.theory`` from the project; drawn by ``theorize.theory.diagram``; written up by
``theorize.report``. No I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class CategoryRole(str, Enum):
    """Where a category sits in the model."""

    CONDITION = "condition"
    STAGE = "stage"  # a category inside one of the ordered process stages
    CONSEQUENCE = "consequence"
    CORE = "core"
    CONTEXT = "context"


@dataclass(frozen=True)
class ModelCategory:
    """A category of the model. ``id`` is stable (the code's id in the project)."""

    id: str
    name: str
    role: CategoryRole
    definition: str = ""
    properties: tuple[str, ...] = ()
    dimensions: tuple[str, ...] = ()  # e.g. "trust: guarded .. open"


@dataclass(frozen=True)
class ModelStage:
    """One ordered process stage (order 1 is first) and the categories inside it."""

    order: int
    name: str
    category_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModelRelation:
    """A typed, directed link: ``source_id`` --label--> ``target_id`` ("leads to", "is a condition for")."""

    source_id: str
    target_id: str
    label: str


@dataclass
class TheoryModel:
    """A whole model: what the diagram draws and the report describes."""

    title: str
    categories: list[ModelCategory] = field(default_factory=list)
    stages: list[ModelStage] = field(default_factory=list)
    relations: list[ModelRelation] = field(default_factory=list)
    core_category_id: str | None = None

    def category(self, category_id: str) -> ModelCategory:
        for c in self.categories:
            if c.id == category_id:
                return c
        raise KeyError(category_id)
