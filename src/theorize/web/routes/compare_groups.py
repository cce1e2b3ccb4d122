"""Comparing groups: one category's properties, dimension values and quotes by participant group
(or attribute), side by side: the workbench's face of :meth:`theorize.Project.compare_groups`."""

from __future__ import annotations

from fastapi import APIRouter, Request

from theorize.errors import InvalidInput
from theorize.web.render import page

router = APIRouter()


def _categories(study) -> list[dict]:
    codes = study.codes()
    return [{"id": int(r.id), "name": r.name} for r in codes.itertuples() if r.stage in ("category", "theoretical")]


@router.get("/compare/groups")
def compare_groups_page(request: Request, category: int | None = None, by: str = "group", quotes: int = 3):
    study = request.app.state.study
    result = study.compare_groups(category, by=by, quotes=quotes) if category is not None else None
    people = study.participants()
    return page(
        request,
        "compare/groups.html",
        {
            "result": result,
            "category": category,
            "by": by,
            "categories": _categories(study),
            "splits": ["group", *[c for c in people.columns if c not in ("participant", "group")]],
            "rows": result.properties.to_dict("records") if result else [],
            "quotes": result.quotes.to_dict("records") if result else [],
            "section": "compare",
        },
    )


@router.get("/api/compare/groups")
def compare_groups_json(request: Request, category: int | None = None, by: str = "group", quotes: int = 3):
    if category is None:
        raise InvalidInput("Name the category to compare: /api/compare/groups?category=ID.")
    result = request.app.state.study.compare_groups(category, by=by, quotes=quotes)
    return {
        "category": result.category,
        "groups": result.groups,
        "coverage": result.coverage.to_dict("records"),
        "properties": result.properties.to_dict("records"),
        "quotes": result.quotes.to_dict("records"),
    }
