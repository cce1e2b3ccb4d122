"""REFI-QDA import and round trips on real files from NVivo, ATLAS.ti, QualCoder and qc.

The samples live in ../shared/refi/samples (some are AGPL: they are read from there, never copied into
the repository); every test skips when they are absent.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from theorize.errors import InvalidInput
from theorize.exchange.refi import canonical, read_qdc, read_qdpx, write_qdc, write_qdpx

REFI = Path(__file__).resolve().parents[2].parent / "shared" / "refi"
SAMPLES = REFI / "samples"
AMPERSAND = "qualcoder40beta_harness_demo_ampersand-annotation.qdpx"


def sample(name: str) -> Path:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"REFI sample {name} is not in {SAMPLES}")
    return path


def all_samples() -> list[str]:
    return sorted(p.name for p in SAMPLES.glob("*.qd*")) if SAMPLES.is_dir() else []


def read(path: Path):
    return read_qdc(path) if path.suffix == ".qdc" else read_qdpx(path)


@pytest.mark.parametrize("name", [n for n in all_samples() if n != AMPERSAND] or ["(no samples)"])
def test_every_sample_survives_export_validation_and_reimport(name, tmp_path):
    path = sample(name)
    project, _ = read(path)
    out = tmp_path / name
    report = (write_qdc if path.suffix == ".qdc" else write_qdpx)(project, out)
    assert not report.not_carried
    if path.suffix == ".qdc":
        xml = out.read_bytes()
        xsd = REFI / "Codebook.xsd"
    else:
        with zipfile.ZipFile(out) as z:
            xml = z.read("project.qde")
        xsd = REFI / "Project.xsd"
    schema = etree.XMLSchema(etree.parse(str(xsd)))  # the shared copy, not only the shipped one
    assert schema.validate(etree.fromstring(xml)), schema.error_log.last_error
    again, _ = read(out)
    assert canonical(again) == canonical(project)


def test_the_ampersand_sample_is_refused_in_one_sentence(tmp_path):
    with pytest.raises(InvalidInput) as e:
        read_qdpx(sample(AMPERSAND))
    assert str(e.value) == (
        f"{AMPERSAND} is not a REFI-QDA project: project.qde is not well-formed XML "
        "(line 77, column 36: an unescaped '&'). Open it in the tool that made it and export again."
    )


def test_nvivo_keeps_262_codes_with_repeated_names_as_different_codes():
    project, report = read_qdpx(sample("nvivo-mac15_qualitative-coding_nvivo_project.qdpx"))
    codes = list(project.walk_codes())
    assert len(codes) == 262 == len({c.guid for c, _, _ in codes})
    repeated = [n for n, k in Counter(c.name for c, _, _ in codes).items() if k > 1]
    assert len(repeated) == 9 and "programming" in repeated
    assert max(depth for _, _, depth in codes) == 7
    assert report.carried["Code"] == 262


def test_nvivo_empty_texts_are_carried_and_its_docx_reported():
    project, report = read_qdpx(sample("nvivo-mac15_qualitative-coding_nvivo_project.qdpx"))
    assert [s.text for s in project.sources] == ["\n", "\n"]
    assert [u.name for u in project.users] == ["chrisp", "cp"]
    assert report.not_carried_counts()["Source rich text"] == 2


def test_qualcoder_bom_dangling_references_and_first_annotation():
    project, report = read_qdpx(sample("qualcoder40beta_harness_demo.qdpx"))
    (src,) = project.sources
    assert src.text.startswith("Interview 1\nQ: Café? 😀")  # BOM gone before counting
    assert {src.text[s.start : s.end] for s in src.selections} >= {"économie", "health", "😀", "naïve résumé"}
    assert any("byte-order mark" in d for d in report.decisions)
    # the case's SourceRef points at nothing: reported, not stored
    assert project.cases[0].source_guids == []
    assert any(n.element == "SourceRef" for n in report.not_carried)
    # the project's creatingUserGUID names no user: a placeholder stands in
    placeholder = next(u for u in project.users if u.guid == project.creating_user)
    assert placeholder.name.startswith("unknown user")
    assert any("placeholder user" in d for d in report.decisions)
    # the annotation (a note holding a span of the source that refers to it) annotates that span
    note = next(n for n in project.notes if n.text == "annotation memo")
    (target,) = note.targets
    span = next(s for s in src.selections if s.guid == target)
    assert src.text[span.start : span.end] == "Café"
    # descriptions are memos too; variable values on the case and on the source
    assert project.cases[0].description == "case memo" and src.description == "source memo"
    assert [(v.kind, v.value) for v in project.cases[0].variable_values] == [("Float", "42")]
    assert [v.type for v in project.variables] == ["Float", "Text"]
    assert project.description == "Demo project memo: R&D <test>"


def test_qualcoder_links_only_the_first_annotation():
    project, report = read_qdpx(sample("qualcoder40beta_harness_demo_two-annotations.qdpx"))
    second = next(n for n in project.notes if n.text == "second annotation")
    assert second.targets == [] and len(second.selections) == 1
    assert any("linked to nothing" in d for d in report.decisions)


def test_maxqda_crlf_offsets_counted_for_lf_are_converted():
    project, report = read_qdpx(sample("qualcoder40beta_harness_demo_maxqda-crlf.qdpx"))
    (src,) = project.sources
    assert "\r\n" in src.text
    named = [s for s in src.selections if s.name]
    assert named and all(src.text[s.start : s.end] == s.name for s in named)
    assert any("CRLF" in d and "one position" in d and "converted" in d for d in report.decisions)


def test_qc_path_without_internal_and_nameless_sources():
    project, report = read_qdpx(sample("qc-tool_qualitative-coding_demo.qdpx"))
    assert [s.name for s in project.sources] == ["board_2017.txt", "admin-1.txt"]
    assert [len(s.text) for s in project.sources] == [52543, 31906]
    assert sum(len(s.selections) for s in project.sources) == 158
    assert report.carried["Coding"] == 205 and not report.not_carried
    assert any("lacks 'internal://'" in d for d in report.decisions)


def test_atlas_ti_codebook_with_a_code_group():
    project, report = read_qdc(sample("atlasti23-4_requal-test_codebook.qdc"))
    (code,) = project.codes
    assert (code.guid, code.name, code.color, code.description) == (
        "1ff58b12-6f6f-4b0c-8be5-bbdc91f55294",
        "code1",
        "#46AA00",
        "description",
    )
    (group,) = project.sets
    assert (group.name, group.description, group.code_guids) == ("code group 1", "kategorie 1", [code.guid])
    assert report.kind == "codebook" and project.origin == "ATLAS.ti Win 23.4.0"


def test_qualcoder_codebook_nesting_folders_and_bom():
    project, _ = read_qdc(sample("qualcoder40beta_harness_Codebook-demo.qdc"))
    tree = [(c.name, c.is_codable, depth) for c, _, depth in project.walk_codes()]
    assert tree == [
        ("Emoji", True, 1),
        ("Topics", False, 1),
        ("Economy", True, 2),
        ("Economy/sub", True, 3),
        ("Subtopics", False, 2),
        ("Health & care", True, 3),
    ]
