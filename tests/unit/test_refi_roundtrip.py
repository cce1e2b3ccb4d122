"""REFI-QDA export is strict and a round trip keeps every character, span and memo."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime, timezone
from pathlib import Path

import pytest
from lxml import etree

from theorize.errors import InvalidInput
from theorize.exchange.refi import (
    Case,
    Code,
    Coding,
    Link,
    Note,
    RefiProject,
    Selection,
    Set,
    Source,
    User,
    Variable,
    VariableValue,
    canonical,
    guid_for,
    read_qdc,
    read_qdpx,
    write_qdc,
    write_qdpx,
)

NS = "{urn:QDA-XML:project:1.0}"
SHARED_XSD = Path(__file__).resolve().parents[2].parent / "shared" / "refi" / "Project.xsd"
TEXT = (
    "Hello 👋🏽 world\r\n"  # emoji with a skin-tone modifier: two code points
    "Cafe\u0301 and cafe\u0301\r\n"  # combining acute accents
    "שלום עולם — مرحبا بالعالم\n"  # right-to-left scripts, an LF after CRLFs
    "👨‍👩‍👧 family, end"
)


def span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def made_up() -> RefiProject:
    """A project with every hard case: emoji, combining marks, RTL, CRLF, zero-length, overlap, edges."""
    g = guid_for
    ada, bo = User(g("coder", 1), "Ada"), User(g("coder", 2), "Bó")
    trust = Code(
        g("code", 1),
        "trust",
        color="#336699",
        description="Talk of relying on others.",
        stage="focused",
        merged_from=[g("code", 9)],
        in_vivo=True,
    )
    folder = Code(
        g("code", 2), "Feelings", is_codable=False, children=[trust, Code(g("code", 3), "joy", stage="initial")]
    )
    spans = [
        (0, 0),  # zero-length at the very start
        (len(TEXT), len(TEXT)),  # zero-length at the very end
        (0, len(TEXT)),  # the whole text
        span(TEXT, "👋🏽"),
        span(TEXT, "Cafe\u0301"),
        span(TEXT, "שלום עולם"),
        span(TEXT, "world\r\nCafe"),  # across a CRLF
        (3, 12),
        (8, 20),  # overlapping
        span(TEXT, "👨‍👩‍👧"),
    ]
    selections = [
        Selection(
            g("segment", i),
            s,
            e,
            creating_user=ada.guid,
            created=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
            codings=[
                Coding(
                    g("coding", i),
                    trust.guid if i % 2 else folder.children[1].guid,
                    creating_user=(ada if i % 3 else bo).guid,
                )
            ],
        )
        for i, (s, e) in enumerate(spans)
    ]
    src = Source(
        g("source", 1),
        "interview 1 — Zoë.txt",
        TEXT,
        description="First interview.",
        creating_user=ada.guid,
        selections=selections,
        codings=[Coding(g("coding", 99), folder.children[1].guid)],
        variable_values=[VariableValue(g("var", 2), "Lyon")],
    )
    age, site = Variable(g("var", 1), "Age", "Integer"), Variable(g("var", 2), "Site", "Text", "where")
    case = Case(
        g("case", 1),
        "P01",
        "pseudonymised",
        [VariableValue(age.guid, "42", "Integer")],
        [src.guid],
        [selections[3].guid],
        [trust.guid],
    )
    relation = Link(g("relation", 1), trust.guid, folder.children[1].guid, "leads to", "OneWay", "#FF0000")
    notes = [
        Note(
            g("memo", 1),
            "On trust",
            "Trust grows\r\nslowly 🌱.",
            targets=[trust.guid],
            memo_type="code",
            creating_user=bo.guid,
        ),
        Note(
            g("memo", 2),
            "Segment memo",
            "Look again.",
            targets=[selections[4].guid, selections[4].codings[0].guid],
            memo_type="theoretical",
        ),
        Note(g("memo", 3), "On the relation", "Why?", targets=[relation.guid]),
        Note(g("memo", 4), "On P01", "Sampling: next, someone older.", targets=[case.guid], memo_type="sampling"),
        Note(g("memo", 5), "Project journal", "Day 1.", about_project=True, memo_type="reflexive"),
    ]
    groups = [Set(g("set", 1), "Core", "core codes", [trust.guid], [src.guid], [notes[0].guid])]
    return RefiProject(
        name="Study ✓",
        description="A made-up study",
        users=[ada, bo],
        codes=[folder],
        variables=[age, site],
        cases=[case],
        sources=[src],
        notes=notes,
        links=[relation],
        sets=groups,
    )


def test_made_up_project_survives_character_for_character(tmp_path):
    project = made_up()
    out = tmp_path / "study.qdpx"
    report = write_qdpx(project, out)
    assert not report.not_carried
    with zipfile.ZipFile(out) as z:
        raw = z.read(f"sources/{project.sources[0].guid}.txt")
    assert raw.decode("utf-8") == TEXT and not raw.startswith(b"\xef\xbb\xbf")
    again, back = read_qdpx(out)
    assert canonical(again) == canonical(project)
    before = {s.guid: TEXT[s.start : s.end] for s in project.sources[0].selections}
    after = {s.guid: again.sources[0].text[s.start : s.end] for s in again.sources[0].selections}
    assert after == before
    assert not back.not_carried
    assert any("CRLF" in d and "kept" in d for d in back.decisions)  # our own offsets are code points


def test_theorize_extras_ride_along_in_descriptions_and_links(tmp_path):
    project = made_up()
    out = tmp_path / "study.qdpx"
    report = write_qdpx(project, out)
    with zipfile.ZipFile(out) as z:
        root = etree.fromstring(z.read("project.qde"))
    trust = root.find(f".//{NS}Code[@name='trust']")
    assert trust.findtext(f"{NS}Description").endswith(
        f"[theorize] stage: focused\n[theorize] merged from: {guid_for('code', 9)}\n[theorize] in vivo: yes"
    )
    link = root.find(f"{NS}Links/{NS}Link")
    assert (link.get("name"), link.get("direction")) == ("leads to", "OneWay")
    assert any("where REFI has no NoteRef" in d for d in report.decisions)  # the memo on a case
    again, _ = read_qdpx(out)
    code = next(c for c, _, _ in again.walk_codes() if c.name == "trust")
    assert (code.description, code.stage, code.in_vivo) == ("Talk of relying on others.", "focused", True)
    by_name = {n.name: n for n in again.notes}
    assert by_name["On P01"].targets == [guid_for("case", 1)]
    assert by_name["Project journal"].about_project and by_name["Project journal"].memo_type == "reflexive"


def test_export_is_exactly_project_qde_and_flat_lowercase_sources(tmp_path):
    out = tmp_path / "study.qdpx"
    write_qdpx(made_up(), out)
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        qde = z.read("project.qde")
    assert names[0] == "project.qde"
    assert all(n == "project.qde" or (n.startswith("sources/") and n.count("/") == 1 and n == n.lower()) for n in names)
    assert qde.startswith(b"<?xml") and b"\xef\xbb\xbf" not in qde[:3]
    root = etree.fromstring(qde)
    assert root.tag == f"{NS}Project"
    order = [etree.QName(el).localname for el in root]
    assert order == [
        "Users",
        "CodeBook",
        "Variables",
        "Cases",
        "Sources",
        "Notes",
        "Links",
        "Sets",
        "Description",
        "NoteRef",
    ]
    assert all(len(el) or (el.text or "").strip() or el.attrib for el in root.iter())  # no empty containers
    if SHARED_XSD.exists():  # the shared copy of the schema, besides the shipped one used on export
        schema = etree.XMLSchema(etree.parse(str(SHARED_XSD)))
        assert schema.validate(root), schema.error_log.last_error


def test_two_exports_are_identical_and_guids_kept(tmp_path):
    project = made_up()
    write_qdpx(project, tmp_path / "a.qdpx")
    write_qdpx(project, tmp_path / "b.qdpx")
    assert (tmp_path / "a.qdpx").read_bytes() == (tmp_path / "b.qdpx").read_bytes()
    again, _ = read_qdpx(tmp_path / "a.qdpx")
    assert {s.guid for _, s in again.all_selections()} == {s.guid for _, s in project.all_selections()}


def test_a_minimal_project_writes_no_empty_containers(tmp_path):
    out = tmp_path / "empty.qdpx"
    report = write_qdpx(RefiProject(name=""), out)
    with zipfile.ZipFile(out) as z:
        root = etree.fromstring(z.read("project.qde"))
    assert len(root) == 0 and root.get("name") == "project"
    assert report.summary().splitlines()[1] == "Carried: nothing."


def test_forbidden_characters_are_stripped_from_xml_but_kept_in_text_files(tmp_path):
    text = "page\x0cbreak \x01here"
    project = RefiProject(
        name="p\x00",
        codes=[Code(guid_for("code", 1), "bad\x07name")],
        sources=[
            Source(guid_for("source", 1), "s\x1f", text, selections=[Selection(guid_for("segment", 1), 0, len(text))])
        ],
    )
    out = tmp_path / "p.qdpx"
    report = write_qdpx(project, out)
    again, _ = read_qdpx(out)
    assert again.name == "p" and again.codes[0].name == "badname" and again.sources[0].text == text
    assert any("XML 1.0 forbids" in d for d in report.decisions)


def test_unpaired_surrogates_become_replacement_characters_offsets_unchanged(tmp_path):
    text = "a\ud800b"
    project = RefiProject(
        name="p",
        sources=[
            Source(guid_for("source", 1), "s", text, selections=[Selection(guid_for("segment", 1), 2, 3, name="b")])
        ],
    )
    report = write_qdpx(project, tmp_path / "p.qdpx")
    again, _ = read_qdpx(tmp_path / "p.qdpx")
    src = again.sources[0]
    assert src.text == "a\ufffdb" and src.text[2:3] == "b"
    assert any("unpaired surrogate" in d for d in report.decisions)


def test_dangling_references_in_the_model_are_reported_not_written(tmp_path):
    project = made_up()
    project.sources[0].selections.append(Selection(guid_for("segment", 500), 5, 10_000))
    project.sources[0].selections[0].codings.append(Coding(guid_for("coding", 500), guid_for("code", 404)))
    project.cases[0].source_guids.append(guid_for("source", 404))
    report = write_qdpx(project, tmp_path / "x.qdpx")
    assert report.not_carried_counts() == {"PlainTextSelection": 1, "Coding": 1, "SourceRef": 1}


def test_invalid_or_repeated_guids_refuse_the_export_and_write_nothing(tmp_path):
    project = made_up()
    project.codes[0].children[1].guid = project.codes[0].children[0].guid
    with pytest.raises(InvalidInput, match="belongs to both"):
        write_qdpx(project, tmp_path / "x.qdpx")
    project.codes[0].children[1].guid = "code-3"
    with pytest.raises(InvalidInput, match="not a GUID"):
        write_qdpx(project, tmp_path / "x.qdpx")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_save_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    out = tmp_path / "study.qdpx"
    out.write_bytes(b"old")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", boom)
    with pytest.raises(OSError):
        write_qdpx(made_up(), out)
    assert out.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["study.qdpx"]


def test_codebook_round_trip_keeps_codes_and_code_sets(tmp_path):
    project = made_up()
    out = tmp_path / "book.qdc"
    report = write_qdc(project, out)
    assert b"urn:QDA-XML:codebook:1.0" in out.read_bytes()[:200]
    assert {n.element for n in report.not_carried} >= {"Source", "Note", "Set", "NoteRef"}
    book, _ = read_qdc(out)
    assert canonical(book)["codes"] == canonical(project)["codes"]
    assert book.sets[0].code_guids == project.sets[0].code_guids
    with pytest.raises(InvalidInput, match="needs at least one"):
        write_qdc(RefiProject(name="none"), tmp_path / "none.qdc")


def test_a_missing_folder_is_one_sentence():
    with pytest.raises(InvalidInput, match=r"^Cannot write x\.qdpx: the folder .* does not exist"):
        write_qdpx(made_up(), "/nonexistent/folder/x.qdpx")
