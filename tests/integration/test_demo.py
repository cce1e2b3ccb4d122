"""The demo study: built from its files through the public API, every reference coding anchored to
its quoted words, both researchers present, and the analyses a reviewer asks for."""

from __future__ import annotations

from collections import Counter

import pytest

import theorize
from theorize.demo import build_demo, study_folder
from theorize.demo.reference import read_codings, read_memo
from theorize.errors import InvalidInput


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    result = build_demo(tmp_path_factory.mktemp("demo"))
    study = theorize.open_project(result.project, user="Dr. Lena Marsh")
    yield result, study
    study.close()


def reference_rows():
    rows = []
    for sheet in sorted((study_folder() / "analysis" / "codings").glob("*.csv")):
        rows.extend(read_codings(sheet))
    return rows


def test_every_file_is_marked_fictional():
    folder = study_folder()
    for path in (folder / "sources").glob("*.txt"):
        assert "FICTIONAL" in path.read_text(encoding="utf-8")[:200]
    assert "FICTIONAL" in (folder / "codebook.yaml").read_text(encoding="utf-8")[:200]


def test_every_reference_coding_anchors_to_its_quoted_words(demo):
    result, study = demo
    assert result.missed_quotes == []
    coders = {"A": "Dr. Lena Marsh", "B": "Sam Okoye"}
    built = Counter(zip(study.codings().source, study.codings().coder, study.codings().quote))
    wanted = Counter((r.source, coders[r.coder], r.quote) for r in reference_rows())
    assert built == wanted


def test_both_researchers_coded_all_eight_client_interviews(demo):
    _, study = demo
    focused = study.codings()
    focused = focused[focused.stage != "initial"]
    clients = {f"C0{i}" for i in range(1, 9)}
    for coder in ("Dr. Lena Marsh", "Sam Okoye"):
        sources = {s[:3] for s in focused[focused.coder == coder].source}
        assert clients <= sources, coder
    initial = study.codings(coder="Dr. Lena Marsh")
    assert (initial.stage == "initial").sum() >= 300


def test_the_study_has_what_the_issue_names(demo):
    result, study = demo
    assert result.sources == 12
    assert len(study.participants()) == 12
    assert set(study.participants().group) == {"client", "counselor"}
    assert result.memos >= 25
    assert set(study.memos().type) == {"code", "theoretical", "reflexive", "sampling"}
    assert result.snapshots == ["after interview 2", "after interview 4", "after interview 6", "after interview 8"]
    words = study.sources().set_index("name").words
    assert all(2500 <= words[n] <= 4300 for n in words.index if n.startswith("C"))
    assert set(study.sources().file_format) == {"docx", "vtt", "txt"}
    memos = [read_memo(p) for p in (study_folder() / "analysis" / "memos").glob("*.md")]
    assert len({m.date for m in memos}) >= 20


def test_codebook_evolution_shows_in_the_snapshot_diff(demo):
    _, study = demo
    diff = study.diff("after interview 2", "after interview 8")
    assert diff.added  # focused codes appear as interviews come in
    assert diff.renamed or diff.merged or diff.promoted


def test_model_has_stages_from_compliance_to_alliance(demo):
    _, study = demo
    model = study.model()
    assert [s.name for s in model.stages] == ["Compliance", "Testing", "Recognition", "Alliance"]
    core = model.category(model.core_category_id)
    assert core.name == "From compliance to alliance"
    lineage = study.lineage("Testing the counselor")
    assert (lineage.origin_stage == "initial").any()


def test_agreement_between_the_two_researchers(demo):
    _, study = demo
    report = study.agreement(coders=["Dr. Lena Marsh", "Sam Okoye"], stage="focused", unit="turn")
    overall = report.overall
    assert 0.5 < overall["alpha"] < 0.95
    assert 0.5 < overall["kappa"] < 0.95
    assert overall["alpha_ci_low"] < overall["alpha"] < overall["alpha_ci_high"]
    assert not report.disagreements.empty
    assert report.table.notna().all().all()
    chars = study.agreement(coders=["Dr. Lena Marsh", "Sam Okoye"], stage="focused", unit="character")
    assert 0 < chars.overall["binary_u_alpha"] < 1


def test_agreement_with_one_coder_names_the_problem(demo):
    _, study = demo
    with pytest.raises(InvalidInput, match="Agreement needs at least two coders"):
        study.agreement(coders=["Sam Okoye"])


def test_adjudication_is_a_decision_with_a_memo(demo):
    _, study = demo
    report = study.agreement(coders=["Dr. Lena Marsh", "Sam Okoye"], stage="focused")
    row = report.disagreements.iloc[0]
    memo_id = study.adjudicate(
        row.source,
        start=int(row.start),
        end=int(row.end),
        code=None,
        note="Neither code fits; the passage is about the family, not the counselor.",
    )
    memo = study.memos().set_index("id").loc[memo_id]
    assert memo.title.startswith("Adjudication:")
    assert "no code applies" in memo.body and row.source in memo.sources
    study.undo()


def test_saturation_of_the_client_interviews(demo):
    _, study = demo
    result = study.saturation(group="client", stage="focused", n_orders=200)
    assert result.interviews[0].startswith("C01") and result.interviews[-1].startswith("C08")
    assert result.curve.cumulative_codes.is_monotonic_increasing
    assert "base of 4" in result.statement
    assert result.accumulation.codes.iloc[-1] == result.curve.cumulative_codes.iloc[-1]
    with pytest.raises(InvalidInput):
        study.saturation(group="client", base_size=8)


def test_matrices_and_cooccurrence(demo):
    _, study = demo
    table = study.code_matrix(stage="focused")
    assert "C01" in table.columns and "K04" in table.columns
    phase = study.attribute_matrix("program_phase", stage="focused")
    assert set(phase.tests.test) <= {"chi-square", "Fisher's exact"}
    co = study.cooccurrence(stage="focused", mode="segment")
    assert (co.values == co.values.T).all()
    frame = study.framework(k=2)
    assert study.code_id("Testing the counselor") in frame.columns


def test_the_demo_ends_with_the_model_figure_and_the_report(demo):
    result, study = demo
    outputs = result.outputs
    assert outputs["model figure"].read_text(encoding="utf-8").lstrip().startswith(("<?xml", "<svg"))
    assert outputs["model figure (PNG)"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = outputs["report (HTML)"].read_text(encoding="utf-8")
    assert study.study["title"] in html and "Testing the counselor" in html
    assert outputs["report (DOCX)"].stat().st_size > 10_000


def test_no_labels_overlap_in_the_demo_model_at_journal_width(demo):
    import itertools

    from matplotlib.text import Text

    from theorize.theory.diagram import draw

    _, study = demo
    fig = draw(study.model(), width_in=7.0, dpi=300)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    assert {c.name for c in study.model().categories} <= {" ".join(t.split()) for t, _ in boxes} | {
        " ".join(t.split()).removeprefix("Core category: ").removeprefix("Context: ") for t, _ in boxes
    }
    for (ta, a), (tb, b) in itertools.combinations(boxes, 2):
        overlap = min(a.x1, b.x1) - max(a.x0, b.x0) > 0 and min(a.y1, b.y1) - max(a.y0, b.y0) > 0
        assert not overlap, f"{ta!r} overlaps {tb!r}"


def test_the_interviewer_is_recognised_in_every_format(demo):
    _, study = demo
    turns = study.segments()
    for name, group in turns.groupby("source"):
        roles = dict(zip(group.speaker, group.role))
        assert set(roles.values()) == {"interviewer", "participant"}, (name, roles)
        assert all(r == "interviewer" for s, r in roles.items() if s in ("Interviewer", "Lena Marsh")), name
