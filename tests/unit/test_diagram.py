"""The drawn theory-model diagram (SVG, PNG) and its DOT and Mermaid sources."""

from __future__ import annotations

import functools
import itertools
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from theorize.domain.theory import (
    CategoryRole,
    ModelCategory,
    ModelRelation,
    ModelStage,
    TheoryModel,
)
from theorize.theory import (
    draw,
    layout,
    render_png,
    render_svg,
    to_dot,
    to_mermaid,
    to_png,
    to_svg,
)

C = CategoryRole

from theory_models import demo_model, random_model  # noqa: E402


def awkward_model() -> TheoryModel:
    """Names and labels full of characters that DOT, Mermaid, SVG or mathtext could trip on."""
    cats = [
        ModelCategory("fear of jail", 'Fearing "the judge" \\ jail', C.CONDITION),
        ModelCategory("1st-stage", "Saying $what$ they <want> & #1", C.STAGE),
        ModelCategory("node", "A | pipe; and `ticks`", C.STAGE),
        ModelCategory("end", "End {braces}\nand a newline", C.CONSEQUENCE),
    ]
    stages = [ModelStage(1, 'Stage "one"', ("1st-stage",)), ModelStage(2, "Two", ("node",))]
    rels = [
        ModelRelation("fear of jail", "1st-stage", 'is a "condition" for'),
        ModelRelation("1st-stage", "node", "leads | to"),
        ModelRelation("node", "end", "leads to #2"),
    ]
    return TheoryModel('A "title" with: colons', cats, stages, rels)


MODELS = {"demo": demo_model, "random-2": lambda: random_model(2), "random-11": lambda: random_model(11)}


@functools.cache
def drawn(name: str):
    """A figure drawn at 300 dpi, with its renderer, shared between tests."""
    fig = draw(layout(MODELS[name]()), dpi=300)
    fig.canvas.draw()
    return fig, fig.canvas.get_renderer()


def _texts(fig):
    from matplotlib.text import Text

    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def _overlap(a, b) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > 0 and min(a.y1, b.y1) - max(a.y0, b.y0) > 0


@pytest.mark.parametrize("name", list(MODELS))
def test_no_two_texts_overlap_and_all_stay_inside(name):
    fig, renderer = drawn(name)
    texts = _texts(fig)
    extents = [t.get_window_extent(renderer) for t in texts]
    model = MODELS[name]()
    assert len(texts) >= len(model.categories) + len([r for r in model.relations if r.label.strip()])
    for (ta, a), (tb, b) in itertools.combinations(zip(texts, extents, strict=False), 2):
        assert not _overlap(a, b), f"{ta.get_text()!r} overlaps {tb.get_text()!r}"
    page = fig.bbox
    for t, e in zip(texts, extents, strict=False):
        assert page.x0 <= e.x0 and e.x1 <= page.x1 and page.y0 <= e.y0 and e.y1 <= page.y1, t.get_text()


@pytest.mark.parametrize("name", list(MODELS))
def test_boxes_do_not_overlap_and_hold_their_names(name):
    fig, renderer = drawn(name)
    boxes = {
        p.get_gid(): p.get_window_extent(renderer)
        for p in fig.axes[0].patches
        if (p.get_gid() or "").startswith("category-")
    }
    assert len(boxes) == len(MODELS[name]().categories)
    for a, b in itertools.combinations(boxes.values(), 2):
        assert not _overlap(a, b)
    for t in _texts(fig):
        gid = t.get_gid() or ""
        if gid.endswith("-name"):
            box, name_box = boxes[gid[: -len("-name")]], t.get_window_extent(renderer)
            assert box.x0 <= name_box.x0 and name_box.x1 <= box.x1 and box.y0 <= name_box.y0 and name_box.y1 <= box.y1


@pytest.mark.parametrize("name", list(MODELS))
def test_relation_labels_sit_off_the_boxes(name):
    fig, renderer = drawn(name)
    boxes = [p.get_window_extent(renderer) for p in fig.axes[0].patches if (p.get_gid() or "").startswith("category-")]
    for t in _texts(fig):
        if (t.get_gid() or "").endswith("-label"):
            assert not any(_overlap(t.get_window_extent(renderer), b) for b in boxes), t.get_text()


def test_print_sizes_are_readable():
    fig, _ = drawn("demo")
    assert min(t.get_fontsize() for t in _texts(fig)) >= 7
    assert fig.get_figwidth() == pytest.approx(7.0)


def test_svg_is_xml_with_every_name_as_text():
    svg = to_svg(demo_model())
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    lines = [el.text for el in root.iter(f"{ns}text") if el.text]
    joined = " ".join(lines)
    for cat in demo_model().categories:  # wrapped names are consecutive <text> lines
        assert cat.name in joined, cat.name
    for label in {r.label for r in demo_model().relations}:
        assert label in joined
    assert 'id="category-rupture"' in svg
    assert svg == to_svg(demo_model())  # deterministic, no timestamps
    inline = to_svg(demo_model(), standalone=False)
    assert inline.startswith("<svg") and ET.fromstring(inline).tag == f"{ns}svg"


def test_png_is_journal_width_at_300_dpi(tmp_path):
    data = to_png(demo_model(), dpi=300)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width == 2100 and 300 < height < 2100
    path = tmp_path / "model.png"
    render_png(demo_model(), path, dpi=100, width_in=6.5)
    assert struct.unpack(">II", path.read_bytes()[16:24])[0] == 650


def test_render_svg_writes_a_file(tmp_path):
    path = tmp_path / "model.svg"
    render_svg(demo_model(), path)
    assert ">Staying<" in path.read_text(encoding="utf-8")


def test_drawing_leaves_pyplot_and_the_backend_alone():
    code = (
        "import sys\n"
        "from theorize.domain.theory import CategoryRole, ModelCategory, TheoryModel\n"
        "from theorize.theory import to_png, to_svg\n"
        "m = TheoryModel('t', [ModelCategory('a', 'Fear', CategoryRole.CONDITION)])\n"
        "to_png(m, dpi=50); to_svg(m)\n"
        "print('matplotlib.pyplot' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split()[0] == "False"


def test_awkward_names_draw():
    svg = to_svg(awkward_model())
    ET.fromstring(svg)
    assert "$what$" in svg  # drawn literally, not as mathtext


# -- DOT ----------------------------------------------------------------------------------------


def _dot_structure(dot: str) -> None:
    """Braces balance outside strings, and every statement line has a known shape."""
    depth = 0
    for ch in re.sub(r'"(\\.|[^"\\])*"', '""', dot):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0
    body = re.sub(r'"(\\.|[^"\\])*"', '""', dot)
    for line in body.splitlines()[1:-1]:
        line = line.strip()
        assert re.fullmatch(
            r'(graph|node|edge) \[.*\];|subgraph cluster_\w+ \{|\}|\{ rank=same;|label="".*;'
            r'|\w+ \[label="".*\];|\w+ -> \w+ \[label=""(, style=dashed, dir=none)?\];',
            line,
        ), line


@pytest.mark.parametrize("make", [demo_model, awkward_model, lambda: random_model(3)])
def test_dot_has_every_node_and_edge_and_parses(make):
    model = make()
    dot = to_dot(model)
    assert dot.startswith("digraph theory {") and "rankdir=LR" in dot
    _dot_structure(dot)
    node_ids = re.findall(r"^\s*(c_\w+) \[label=", dot, re.MULTILINE)
    assert len(node_ids) == len(set(node_ids)) == len(model.categories)
    edges = re.findall(r"^\s*(c_\w+) -> (c_\w+) \[", dot, re.MULTILINE)
    assert len(edges) == len(model.relations)
    try:
        import pydot
    except ImportError:
        return
    (graph,) = pydot.graph_from_dot_data(dot)
    assert len(graph.get_edges()) == len(model.relations)


def test_dot_groups_each_stage_at_one_rank():
    dot = to_dot(demo_model())
    stage = re.search(r"subgraph cluster_stage_\d+ \{(.*?)\n  \}", dot, re.DOTALL)
    assert stage and "rank=same" in stage.group(1) and "c_complying" in stage.group(1)
    assert '"Living in the court\'s shadow"' in dot
    awkward = to_dot(awkward_model())
    assert 'label="Fearing \\"the judge\\" \\\\ jail"' in awkward
    assert "\\nand a newline" in awkward


# -- Mermaid ------------------------------------------------------------------------------------

_MERMAID_LINE = re.compile(
    r'subgraph \w+\["[^"]*"\]|direction TB|end'
    r'|c_\w+(\["[^"]*"\]|\("[^"]*"\)|\[\["[^"]*"\]\])'
    r'|c_\w+ (-->|-\.-)(\|"[^"|]*"\|)? c_\w+'
    r"|classDef \w+ fill:#[0-9A-F]{6},stroke:#[0-9A-F]{6},color:#[0-9A-F]{6}"
    r"|class c_\w+(,c_\w+)* \w+"
)


@pytest.mark.parametrize("make", [demo_model, awkward_model, lambda: random_model(3)])
def test_mermaid_has_every_node_and_edge_and_is_well_formed(make):
    model = make()
    text = to_mermaid(model)
    lines = text.splitlines()
    assert lines[0] == "---" and lines[1].startswith("title: ") and lines[2] == "---" and lines[3] == "flowchart LR"
    body = [line.strip() for line in lines[4:]]
    for line in body:
        assert _MERMAID_LINE.fullmatch(line), line
    assert sum(line.startswith("subgraph ") for line in body) == sum(line == "end" for line in body)
    nodes = [re.match(r"(c_\w+)[\[(]", line).group(1) for line in body if re.match(r"c_\w+[\[(]", line)]
    assert len(nodes) == len(set(nodes)) == len(model.categories)
    edges = [line for line in body if "->" in line or "-.-" in line]
    assert len(edges) == len(model.relations)
    for r, line in zip(model.relations, edges, strict=False):
        assert (r.label.strip() != "") == ("|" in line)


def test_mermaid_escapes_what_it_would_misread():
    text = to_mermaid(awkward_model())
    assert '"Fearing #quot;the judge#quot; \\ jail"' in text
    assert "#lt;want#gt; #amp; #35;1" in text
    assert "leads #124; to" in text
    assert "End {braces} and a newline" in text
    demo = to_mermaid(demo_model())
    assert 'subgraph stage_1["Stage 1: Complying to get through"]' in demo
    assert 'c_for_me -.-|"contrasts with"| c_guarded' in demo  # a contrast has no direction
