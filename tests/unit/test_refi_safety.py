"""Untrusted REFI files: each unsafe or unusable one is refused with one sentence, nothing written."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from theorize.errors import InvalidInput
from theorize.exchange.refi import read_qdc, read_qdpx

GOOD_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p">
<CodeBook><Codes><Code guid="11111111-1111-1111-1111-111111111111" name="c" isCodable="true"/></Codes></CodeBook>
</Project>"""


def make_qdpx(folder: Path, members: dict[str, bytes | str], name: str = "study.qdpx") -> Path:
    path = folder / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for member, data in members.items():
            z.writestr(member, data)
    return path


def refused(folder: Path, path: Path, reader=read_qdpx, **kwargs) -> str:
    """The message of the InvalidInput ``reader`` raises; asserts nothing new appeared in ``folder``."""
    before = sorted(folder.rglob("*"))
    with pytest.raises(InvalidInput) as e:
        reader(path, **kwargs)
    assert sorted(folder.rglob("*")) == before
    message = str(e.value)
    assert message.startswith(path.name) and message.count(". ") <= 1 and message.endswith(".")
    return message


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE Project [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&lol3;"/>"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Description>&secret;</Description></Project>"""


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_entities_and_dtds_are_refused(tmp_path, xml):
    message = refused(tmp_path, make_qdpx(tmp_path, {"project.qde": xml}))
    assert "declares a document type (DTD)" in message
    qdc = tmp_path / "book.qdc"
    qdc.write_text(xml.replace("Project", "CodeBook").replace("project:1.0", "codebook:1.0"))
    assert "declares a document type" in refused(tmp_path, qdc, read_qdc)


@pytest.mark.parametrize(
    "evil", ["../evil.txt", "sources/../../evil.txt", "/etc/evil.txt", "C:/evil.txt", "..\\evil.txt"]
)
def test_zip_slip_names_are_refused(tmp_path, evil):
    path = make_qdpx(tmp_path, {"project.qde": GOOD_QDE, evil: "x"})
    assert "points outside the archive" in refused(tmp_path, path)


def test_zip_bomb_is_refused_by_total_size(tmp_path):
    qde = GOOD_QDE.replace(
        "</Project>",
        '<Sources><TextSource guid="22222222-2222-2222-2222-222222222222" '
        'plainTextPath="internal://a.txt"/></Sources></Project>',
    )
    path = make_qdpx(tmp_path, {"project.qde": qde, "sources/a.txt": "a" * 5000})
    message = refused(tmp_path, path, max_unpacked_bytes=2000)
    assert "zip bomb" in message


def test_zip_bomb_is_refused_by_ratio(tmp_path):
    bomb = GOOD_QDE.replace("</Project>", "<Description>" + " " * (3 << 20) + "</Description></Project>")
    path = make_qdpx(tmp_path, {"project.qde": bomb})
    assert "times its packed size" in refused(tmp_path, path, max_ratio=50)


def test_a_file_that_is_not_a_zip(tmp_path):
    path = tmp_path / "study.qdpx"
    path.write_bytes(b"%PDF-1.7 not a zip")
    assert refused(tmp_path, path) == (
        "study.qdpx is not a REFI-QDA project: it is not a zip archive (a .qdpx file is one). "
        "Open it in the tool that made it and export again."
    )


def test_an_xml_file_given_as_a_project(tmp_path):
    path = tmp_path / "study.qdpx"
    path.write_text(GOOD_QDE)
    assert "it is an XML file, not the zip archive" in refused(tmp_path, path)


def test_a_zip_without_a_qde(tmp_path):
    path = make_qdpx(tmp_path, {"sources/a.txt": "hello", "notes.qde.bak": "x"})
    assert "holds no project.qde" in refused(tmp_path, path)


def test_a_zip_with_two_qde_files_and_no_project_qde(tmp_path):
    path = make_qdpx(tmp_path, {"a.qde": GOOD_QDE, "b.qde": GOOD_QDE})
    assert "2 .qde files" in refused(tmp_path, path)


def test_a_qde_holding_a_codebook(tmp_path):
    book = '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>'
    path = make_qdpx(tmp_path, {"project.qde": book})
    assert refused(tmp_path, path) == (
        "study.qdpx is not a REFI-QDA project: project.qde holds a codebook, not a project. "
        "Import it as a codebook (.qdc) instead."
    )


@pytest.mark.parametrize("xml", ["<html><body>hi</body></html>", '<Project xmlns="http://example.com/other"/>'])
def test_a_qde_of_random_xml(tmp_path, xml):
    message = refused(tmp_path, make_qdpx(tmp_path, {"project.qde": xml}))
    assert "not <Project>" in message or "XML of another kind" in message


def test_an_unescaped_ampersand_names_line_and_column(tmp_path):
    xml = GOOD_QDE.replace('name="p"', 'name="R&D"')
    assert refused(tmp_path, make_qdpx(tmp_path, {"project.qde": xml})) == (
        "study.qdpx is not a REFI-QDA project: project.qde is not well-formed XML "
        "(line 2, column 51: an unescaped '&'). Open it in the tool that made it and export again."
    )


def test_a_truncated_qde(tmp_path):
    message = refused(tmp_path, make_qdpx(tmp_path, {"project.qde": GOOD_QDE[:-30]}))
    assert "is not well-formed XML (line" in message


def test_codebook_refusals(tmp_path):
    zipped = make_qdpx(tmp_path, {"project.qde": GOOD_QDE}, "book.qdc")
    assert "it is a zip archive, probably a project" in refused(tmp_path, zipped, read_qdc)
    project = tmp_path / "project.qdc"
    project.write_text(GOOD_QDE)
    assert "holds a whole project" in refused(tmp_path, project, read_qdc)
    broken = tmp_path / "broken.qdc"
    broken.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code name="A & B"/></Codes></CodeBook>')
    assert "it is not well-formed XML (line 1" in refused(tmp_path, broken, read_qdc)
    big = tmp_path / "big.qdc"
    big.write_text(" " * 2000)
    assert "more than the 1,000 allowed" in refused(tmp_path, big, read_qdc, max_bytes=1000)


def test_a_missing_file_is_one_sentence(tmp_path):
    with pytest.raises(
        InvalidInput, match=r"^nothere\.qdpx cannot be read \(No such file or directory\); check the path"
    ):
        read_qdpx(tmp_path / "nothere.qdpx")


def test_absurdly_deep_nesting_is_refused(tmp_path):
    code = '<Code guid="11111111-1111-1111-1111-111111111111" name="c" isCodable="true">'
    xml = f'<Project xmlns="urn:QDA-XML:project:1.0" name="p"><CodeBook><Codes>{code * 300}{"</Code>" * 300}</Codes></CodeBook></Project>'
    assert "nested deeper than 256 levels" in refused(tmp_path, make_qdpx(tmp_path, {"project.qde": xml}))
