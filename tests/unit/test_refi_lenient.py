"""Lenient REFI-QDA import: the variants real tools write are read, and every oddity is reported."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from theorize.exchange.refi import read_qdc, read_qdpx

G = "{:08x}-0000-4000-8000-000000000000".format
TEXT_FILE = "sources/t.txt"


def make_qdpx(folder: Path, members: dict[str, bytes | str], name: str = "study.qdpx", zip64: bool = False) -> Path:
    path = folder / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for member, data in members.items():
            with z.open(member, "w", force_zip64=zip64) as f:
                f.write(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def project(body: str, ns: str | None = "urn:QDA-XML:project:1.0", attrs: str = "") -> str:
    xmlns = f' xmlns="{ns}"' if ns else ""
    return f'<?xml version="1.0" encoding="utf-8"?>\n<Project{xmlns} name="p"{attrs}>{body}</Project>'


CODES = (
    f'<CodeBook><Codes><Code guid="{G(1)}" name="a" isCodable="false" color="#abc">'
    f'<Description>folder</Description><Code guid="{G(2)}" name="b" isCodable="true"/></Code></Codes></CodeBook>'
)


def source(selections: str = "", path: str = "internal://t.txt", extra: str = "") -> str:
    return f'<Sources><TextSource guid="{G(10)}" name="s" plainTextPath="{path}" {extra}>{selections}</TextSource></Sources>'


def sel(n: int, start: int, end: int, name: str = "", code: int = 2, user: str = "") -> str:
    named = f' name="{name}"' if name else ""
    return (
        f'<PlainTextSelection guid="{G(100 + n)}" startPosition="{start}" endPosition="{end}"{named}>'
        f'<Coding guid="{G(200 + n)}"{user}><CodeRef targetGUID="{G(code)}"/></Coding></PlainTextSelection>'
    )


@pytest.mark.parametrize(
    "ns",
    ["urn:QDA-XML:project:1.0", "urn:QDA-XML:project:1:0", "urn:QDA-XML:project:0:4", "urn:QDA-XML:project:0:10", None],
)
def test_project_namespace_variants(tmp_path, ns):
    path = make_qdpx(tmp_path, {"project.qde": project(CODES + source(sel(1, 0, 5)), ns), TEXT_FILE: "hello world"})
    p, report = read_qdpx(path)
    assert [c.name for c, _, _ in p.walk_codes()] == ["a", "b"]
    assert report.carried["Coding"] == 1 and not report.not_carried


@pytest.mark.parametrize(
    "ns",
    [
        "urn:QDA-XML:codebook:1.0",
        "urn:QDA-XML:codebook:1:0",
        "urn:QDA-XML:codebook:0:4",
        "urn:QDA-XML:codebook:0:10",
        None,
    ],
)
def test_codebook_namespace_variants_and_member_code_spellings(tmp_path, ns):
    xmlns = f' xmlns="{ns}"' if ns else ""
    path = tmp_path / "book.qdc"
    path.write_text(
        f'\ufeff<CodeBook{xmlns}><Codes><Code guid="{G(1)}" name="a" isCodable="true"/>'
        f'<Code guid="{G(2)}" name="b" isCodable="true"/></Codes><Sets><Set guid="{G(3)}" name="s">'
        f'<MemberCode guid="{G(1)}"/><MemberCode targetGUID="{G(2).upper()}"/></Set></Sets></CodeBook>',
        encoding="utf-8",
    )
    book, _ = read_qdc(path)
    assert book.sets[0].code_guids == [G(1), G(2)]


def test_guids_in_braces_or_upper_case_are_normalised_and_matched(tmp_path):
    body = CODES.replace(f'guid="{G(2)}"', f'guid="{{{G(2).upper()}}}"') + source(sel(1, 0, 5, code=2))
    p, report = read_qdpx(make_qdpx(tmp_path, {"project.qde": project(body), TEXT_FILE: "hello"}))
    assert p.codes[0].children[0].guid == G(2) == p.sources[0].selections[0].codings[0].code_guid


def test_container_variants_single_qde_uppercase_sources_mac_clutter_bom_zip64(tmp_path):
    members = {
        "My Study.qde": "\ufeff" + project(CODES + source(sel(1, 0, 5))),
        "SOURCES/t.txt": "\ufeffhello",
        "__MACOSX/._My Study.qde": b"\x00\x05\x16\x07",
        ".DS_Store": b"\x00\x00\x00\x01Bud1",
    }
    p, report = read_qdpx(make_qdpx(tmp_path, members, zip64=True))
    assert p.sources[0].text == "hello"
    assert any("only .qde file" in d for d in report.decisions)
    assert not report.not_carried


def test_missing_and_offset_dates(tmp_path):
    body = CODES + source(sel(1, 0, 5), extra='creationDateTime="2024-05-06T07:08:09+02:00"')
    p, report = read_qdpx(
        make_qdpx(tmp_path, {"project.qde": project(body, attrs=' creationDateTime="soon"'), TEXT_FILE: "hello"})
    )
    assert p.created is None and p.sources[0].created.utcoffset().total_seconds() == 7200
    assert p.sources[0].selections[0].created is None
    assert [n.element for n in report.not_carried] == ["@creationDateTime"]


def test_dangling_references_are_reported(tmp_path):
    user = f' creatingUser="{G(77)}"'
    body = (
        f'<Users><User guid="{G(50)}" name="ann"/></Users>'
        + CODES
        + source(sel(1, 0, 5, user=user) + sel(2, 0, 3, code=999))
        + f'<Cases><Case guid="{G(60)}" name="c"><CodeRef targetGUID="{G(998)}"/><SourceRef targetGUID="{G(997)}"/>'
        f'<SelectionRef targetGUID="{G(101)}"/></Case></Cases>'
        + f'<Links><Link guid="{G(70)}" originGUID="{G(1)}" targetGUID="{G(996)}"/></Links>'
        + f'<Sets><Set guid="{G(80)}" name="s"><MemberNote targetGUID="{G(995)}"/></Set></Sets>'
        + f'<NoteRef targetGUID="{G(994)}"/>'
    )
    p, report = read_qdpx(make_qdpx(tmp_path, {"project.qde": project(body), TEXT_FILE: "hello"}))
    assert sorted(report.not_carried_counts().items()) == [
        ("CodeRef", 1),
        ("Coding", 1),
        ("Link", 1),
        ("MemberNote", 1),
        ("NoteRef", 1),
        ("SourceRef", 1),
    ]
    assert p.cases[0].selection_guids == [G(101)]
    assert [u.name for u in p.users] == ["ann", "unknown user 0000004d"]
    assert p.sources[0].selections[0].codings[0].creating_user == G(77)


def test_out_of_range_and_nonsense_selections_are_reported_not_stored(tmp_path):
    body = CODES + source(
        sel(1, 0, 5)
        + sel(2, 3, 99)
        + sel(3, -1, 2)
        + sel(4, 4, 2)
        + f'<PlainTextSelection guid="{G(9)}" startPosition="x" endPosition="2"/>'
    )
    p, report = read_qdpx(make_qdpx(tmp_path, {"project.qde": project(body), TEXT_FILE: "hello"}))
    assert [(s.start, s.end) for s in p.sources[0].selections] == [(0, 5)]
    assert report.not_carried_counts()["PlainTextSelection"] == 4


@pytest.mark.parametrize("offsets,reading", [((7, 12), "one position"), ((8, 13), "code points")])
def test_crlf_both_readings_are_tried_and_the_matching_one_taken(tmp_path, offsets, reading):
    body = CODES + source(sel(1, *offsets, name="world") + sel(2, 0, 5, name="hello"))
    p, report = read_qdpx(make_qdpx(tmp_path, {"project.qde": project(body), TEXT_FILE: b"hello\r\n world"}))
    s = p.sources[0]
    assert s.text == "hello\r\n world" and [s.text[x.start : x.end] for x in s.selections] == ["world", "hello"]
    assert any("CRLF" in d and reading in d for d in report.decisions)


def test_path_without_internal_nameless_source_and_inline_text(tmp_path):
    body = CODES + (
        f'<Sources><TextSource guid="{G(10)}" plainTextPath="notes/t.txt"/>'
        f'<TextSource guid="{G(11)}" name="inline"><PlainTextContent>\ufeffin line</PlainTextContent></TextSource>'
        f'<TextSource guid="{G(12)}" name="gone" plainTextPath="internal://gone.txt"/></Sources>'
    )
    p, report = read_qdpx(make_qdpx(tmp_path, {"project.qde": project(body), TEXT_FILE: "hello"}))
    assert [(s.name, s.text) for s in p.sources] == [("t.txt", "hello"), ("inline", "in line")]
    assert [n.element for n in report.not_carried] == ["Source"]
    assert any("lacks 'internal://'" in d for d in report.decisions)


def test_memos_as_descriptions_notes_and_note_refs(tmp_path):
    body = (
        CODES.replace(
            'name="b" isCodable="true"/>', f'name="b" isCodable="true"><NoteRef targetGUID="{G(40)}"/></Code>'
        )
        + source(sel(1, 0, 5).replace("</Coding>", f'<NoteRef targetGUID="{G(41)}"/></Coding>'))
        + f'<Notes><Note guid="{G(40)}" name="on b"><PlainTextContent>code memo</PlainTextContent></Note>'
        f'<Note guid="{G(41)}"><PlainTextContent>coding memo</PlainTextContent></Note>'
        f'<Note guid="{G(42)}" name="journal" plainTextPath="internal://j.txt"/></Notes>'
        + f'<Description>project memo</Description><NoteRef targetGUID="{G(42)}"/>'
    )
    members = {"project.qde": project(body), TEXT_FILE: "hello", "sources/j.txt": "day one"}
    p, report = read_qdpx(make_qdpx(tmp_path, members))
    assert p.codes[0].description == "folder" and p.description == "project memo"
    assert [(n.name, n.text, n.targets, n.about_project) for n in p.notes] == [
        ("on b", "code memo", [G(2)], False),
        ("", "coding memo", [G(201)], False),
        ("journal", "day one", [], True),
    ]
    assert report.carried["NoteRef"] == 3


def test_pdf_representation_graphs_and_other_media(tmp_path):
    body = CODES + (
        f'<Sources><PDFSource guid="{G(20)}" name="report.pdf" path="internal://r.pdf">'
        f'<PDFSelection guid="{G(21)}" page="1" firstX="0" firstY="0" secondX="5" secondY="5">'
        f'<Coding guid="{G(22)}"><CodeRef targetGUID="{G(2)}"/></Coding></PDFSelection>'
        f'<Representation guid="{G(23)}" plainTextPath="internal://t.txt">{sel(1, 0, 5)}</Representation></PDFSource>'
        f'<AudioSource guid="{G(24)}" name="talk.mp3"/></Sources>'
        f'<Cases><Case guid="{G(60)}"><SourceRef targetGUID="{G(23)}"/></Case></Cases>'
        f'<Graphs><Graph guid="{G(30)}" name="map"><Vertex guid="{G(31)}" representedGUID="{G(2)}" firstX="1" firstY="2"/>'
        f"</Graph></Graphs>"
    )
    members = {"project.qde": project(body), TEXT_FILE: "hello", "sources/r.pdf": b"%PDF"}
    p, report = read_qdpx(make_qdpx(tmp_path, members))
    (pdf,) = p.sources
    assert (pdf.guid, pdf.name, pdf.text, len(pdf.selections)) == (G(20), "report.pdf", "hello", 1)
    assert p.cases[0].source_guids == [G(20)]  # a reference to the representation means the source
    assert report.not_carried_counts() == {"PDFSelection": 1, "AudioSource": 1}
    (graph,) = p.graphs
    assert 'xmlns="urn:QDA-XML:project:1.0"' in graph.xml and "Vertex" in graph.xml
    assert any("graph 'map'" in d for d in report.decisions)


def test_missing_and_repeated_guids_get_deterministic_ones(tmp_path):
    body = (
        f'<CodeBook><Codes><Code name="a" isCodable="true"/><Code guid="{G(1)}" name="b" isCodable="yes"/>'
        f'<Code guid="{G(1)}" name="c" isCodable="true"/></Codes></CodeBook>'
    )
    path = make_qdpx(tmp_path, {"project.qde": project(body)})
    first, report = read_qdpx(path)
    second, _ = read_qdpx(path)
    guids = [c.guid for c in first.codes]
    assert len(set(guids)) == 3 and guids == [c.guid for c in second.codes] and guids[1] == G(1)
    assert sum("was given" in d for d in report.decisions) == 2
    assert any("isCodable='yes'" in d for d in report.decisions)


def test_foreign_elements_and_unknown_files_are_reported(tmp_path):
    body = CODES + '<x:Extra xmlns:x="http://vendor.example/ns"><x:Deep/></x:Extra>'
    members = {"project.qde": project(body), "sources/orphan.txt": "?", "sources/.root": ""}
    _, report = read_qdpx(make_qdpx(tmp_path, members))
    assert report.not_carried_counts() == {"Extra": 1, "file": 1}
    assert "Not carried (2):" in report.summary()


def test_elements_refi_does_not_define_are_reported_wherever_they_are(tmp_path):
    body = CODES.replace("<Description>folder</Description>", "<Description>folder</Description><Colour>red</Colour>")
    _, report = read_qdpx(make_qdpx(tmp_path, {"project.qde": project(body + "<Extra/>")}))
    assert [str(n) for n in report.not_carried] == [
        "Colour: <Colour> in <Code>: it is not part of REFI-QDA",
        "Extra: <Extra> in <Project>: it is not part of REFI-QDA",
    ]
