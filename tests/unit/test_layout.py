"""Geometry of the theory-model layout: columns, bands, routing, labels (no drawing)."""

from __future__ import annotations

import functools
from itertools import pairwise

import pytest

from theorize.domain.theory import (
    CategoryRole,
    ModelCategory,
    ModelRelation,
    ModelStage,
    TheoryModel,
)
from theorize.errors import InvalidInput
from theorize.theory.layout import Layout, _Font, layout

C = CategoryRole

from theory_models import demo_model, random_model  # noqa: E402


def _rects(lay: Layout) -> dict[str, tuple[float, float, float, float]]:
    return {b.category_id: (b.x, b.y, b.x + b.w, b.y + b.h) for b in lay.boxes}


def _overlap(a, b, tol: float = 1e-9) -> bool:
    return a[0] < b[2] - tol and b[0] < a[2] - tol and a[1] < b[3] - tol and b[1] < a[3] - tol


def _label_rect(e) -> tuple[float, float, float, float]:
    return (e.label_x - e.label_w / 2, e.label_y - e.label_h / 2, e.label_x + e.label_w / 2, e.label_y + e.label_h / 2)


def _segment_hits_rect(p, q, r, steps: int = 40) -> bool:
    return any(
        r[0] < p[0] + (q[0] - p[0]) * t / steps < r[2] and r[1] < p[1] + (q[1] - p[1]) * t / steps < r[3]
        for t in range(steps + 1)
    )


@functools.cache
def laid_out(name: str) -> Layout:
    """Layouts shared between tests: "demo", or "random-<seed>"."""
    return layout(demo_model() if name == "demo" else random_model(int(name.split("-")[1])))


SAMPLES = ["demo", "random-1", "random-3", "random-7"]


@pytest.fixture
def demo() -> Layout:
    return laid_out("demo")


def test_columns_run_conditions_stages_consequences(demo):
    x = {b.category_id: b.center[0] for b in demo.boxes}
    order = ["shadow", "complying", "testing", "finding", "negotiating", "for_me"]
    assert [x[c] for c in order] == sorted(x[c] for c in order)
    assert x["for_me"] == pytest.approx(x["guarded"])
    assert [h.lines[0] for h in demo.headers] == [
        "Conditions",
        "Stage 1",
        "Stage 2",
        "Stage 3",
        "Stage 4",
        "Consequences",
    ]
    assert len(demo.stage_columns) == 4


def test_a_straight_chain_stays_level(demo):
    y = {b.category_id: b.center[1] for b in demo.boxes}
    for a, b in [("shadow", "complying"), ("complying", "testing"), ("testing", "finding"), ("negotiating", "for_me")]:
        assert y[a] == pytest.approx(y[b], abs=1e-6)


def test_core_band_spans_the_stages_at_the_top(demo):
    core, first, last = demo.box("core"), demo.box("complying"), demo.box("negotiating")
    assert core.role == C.CORE and core.bold
    assert core.x <= first.x and core.x + core.w >= last.x + last.w
    assert all(core.y > b.y + b.h for b in demo.boxes if b.category_id != "core")


def test_core_band_can_go_to_the_bottom():
    lay = layout(demo_model(), core_position="bottom")
    core = lay.box("core")
    assert all(core.y + core.h < b.y for b in lay.boxes if b.category_id != "core")


def test_context_sits_below_the_stage_it_touches(demo):
    rupture, testing = demo.box("rupture"), demo.box("testing")
    assert rupture.x == pytest.approx(testing.x)
    assert rupture.y + rupture.h < min(b.y for b in demo.boxes if b.role in (C.STAGE, C.CONDITION))


def test_names_wrap_inside_their_boxes(demo):
    font = _Font(7.0, False, "DejaVu Sans")
    for b in demo.boxes:
        if b.role == C.CORE:
            continue
        label = ("Context: " if b.role == C.CONTEXT else "") + demo_model().category(b.category_id).name
        assert " ".join(b.lines) == label  # a context box is labelled, as the core band is
        assert max(font.width(s) for s in b.lines) <= b.w * 72 - 6
        assert len(b.lines) * 7.0 * 1.15 <= b.h * 72


@pytest.mark.parametrize("name", SAMPLES)
def test_boxes_and_labels_never_overlap(name):
    lay = laid_out(name)
    rects = list(_rects(lay).values())
    labels = [_label_rect(e) for e in lay.edges if e.label_lines]
    assert len(labels) == len([e for e in lay.edges if e.label.strip()])
    for i, a in enumerate(rects):
        assert not any(_overlap(a, b) for b in rects[i + 1 :])
    for i, a in enumerate(labels):
        assert not any(_overlap(a, b) for b in labels[i + 1 :]), "two labels overlap"
        assert not any(_overlap(a, r) for r in rects), "a label sits on a box"
        assert a[0] >= 0 and a[2] <= lay.width_in and a[1] >= 0 and a[3] <= lay.height_in


@pytest.mark.parametrize("name", SAMPLES)
def test_edges_join_their_boxes_and_go_around_the_others(name):
    lay = laid_out(name)
    rects = _rects(lay)
    tol = 0.5 / 72
    for e in lay.edges:
        for (x, y), cid in ((e.points[0], e.source_id), (e.points[-1], e.target_id)):
            x0, y0, x1, y1 = rects[cid]
            on_border = (abs(x - x0) < tol or abs(x - x1) < tol) and y0 - tol <= y <= y1 + tol
            on_border |= (abs(y - y0) < tol or abs(y - y1) < tol) and x0 - tol <= x <= x1 + tol
            assert on_border, f"{e.source_id} -> {e.target_id} does not touch {cid}"
        for cid, r in rects.items():
            if cid in (e.source_id, e.target_id):
                continue
            shrunk = (r[0] + tol, r[1] + tol, r[2] - tol, r[3] - tol)
            assert not any(_segment_hits_rect(p, q, shrunk) for p, q in pairwise(e.points)), (
                f"{e.source_id} -> {e.target_id} crosses {cid}"
            )


def test_back_and_same_column_edges_are_routed_around():
    cats = [ModelCategory(i, n, C.STAGE) for i, n in [("a", "First"), ("b", "Second"), ("c", "Third"), ("d", "Fourth")]]
    stages = [ModelStage(1, "One", ("a", "b")), ModelStage(2, "Two", ("c",)), ModelStage(3, "Three", ("d",))]
    rels = [
        ModelRelation("a", "c", "leads to"),
        ModelRelation("c", "d", "leads to"),
        ModelRelation("d", "a", "feeds back into"),  # back edge
        ModelRelation("a", "b", "contrasts with"),  # same column
    ]
    lay = layout(TheoryModel("t", cats, stages, rels))
    back = next(e for e in lay.edges if e.label == "feeds back into")
    assert len(back.points) > 4  # not a straight line back through the stages
    a, d = lay.box("a"), lay.box("d")
    ys = [y for _, y in back.points]
    assert min(ys) < min(a.y, d.y) or max(ys) > max(a.y + a.h, d.y + d.h)  # it runs below or above them
    same = next(e for e in lay.edges if e.label == "contrasts with")
    assert same.dashed


def test_barycentre_ordering_removes_a_crossing():
    cats = [ModelCategory(i, i.upper(), C.STAGE) for i in "abcd"]
    stages = [ModelStage(1, "One", ("a", "b")), ModelStage(2, "Two", ("c", "d"))]
    rels = [ModelRelation("a", "d", "leads to"), ModelRelation("b", "c", "leads to")]
    lay = layout(TheoryModel("t", cats, stages, rels))
    y = {b.category_id: b.center[1] for b in lay.boxes}
    assert (y["a"] > y["b"]) == (y["d"] > y["c"])


def test_layout_is_deterministic():
    assert layout(random_model(5)) == layout(random_model(5))


def test_width_is_a_parameter_and_too_narrow_is_explained():
    small = TheoryModel(
        "t",
        [
            ModelCategory("a", "Fear", C.CONDITION),
            ModelCategory("b", "Hope", C.STAGE),
            ModelCategory("c", "Calm", C.CONSEQUENCE),
        ],
        [ModelStage(1, "One", ("b",))],
        [ModelRelation("a", "b", "leads to"), ModelRelation("b", "c", "leads to")],
    )
    assert layout(small, width_in=3.5).width_in == pytest.approx(3.5)
    with pytest.raises(InvalidInput, match=r"at least \d+\.\d in"):
        layout(random_model(1), width_in=2.0)


def test_models_that_cannot_be_drawn_say_why():
    with pytest.raises(InvalidInput, match="no categories"):
        layout(TheoryModel("empty"))
    bad = demo_model()
    bad.relations.append(ModelRelation("shadow", "nowhere", "leads to"))
    with pytest.raises(InvalidInput, match="'nowhere'"):
        layout(bad)
    with pytest.raises(InvalidInput, match="core_position"):
        layout(demo_model(), core_position="left")


def test_unusual_models_still_lay_out():
    odd = TheoryModel(
        "odd",
        [
            ModelCategory("x", "A stage category in no stage", C.STAGE),
            ModelCategory("y", "Only context", C.CONTEXT),
            ModelCategory("z", '$100 fines and 50% of "wages"', C.CONDITION),
        ],
        relations=[
            ModelRelation("x", "x", "sustains itself"),
            ModelRelation("z", "y", ""),
            ModelRelation("y", "x", "shapes"),
        ],
    )
    lay = layout(odd)
    assert {b.category_id for b in lay.boxes} == {"x", "y", "z"}
    loop = lay.edges[0]
    assert len(loop.points) > 4 and loop.points[0] != loop.points[-1]
    assert all(len(e.points) >= 2 for e in lay.edges)
