""".docx, .odt and .xlsx files that unpack to far more than they hold are refused in one sentence,
before any member is unpacked. The bombs are built here: a valid file whose main XML part is
padded with white space (valid XML) that deflates about a thousand times."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import zipfile

import docx
import pytest
from odf.opendocument import OpenDocumentText
from odf.text import P
from openpyxl import Workbook

from theorize.errors import InvalidInput
from theorize.ingest import read_source_bytes
from theorize.ingest.spreadsheet import load_table

_CHUNK = b" " * (1 << 20)


def padded(package: bytes, member: str, closing: bytes, mib: int) -> bytes:
    """``package`` with ``mib`` MiB of spaces before ``closing`` in ``member``, streamed in."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename != member:
                dst.writestr(info, data, compress_type=info.compress_type)
                continue
            head, _, tail = data.rpartition(closing)
            target = zipfile.ZipInfo(member, info.date_time)
            target.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(target, "w", force_zip64=True) as f:
                f.write(head)
                for _ in range(mib):
                    f.write(_CHUNK)
                f.write(closing + tail)
    return out.getvalue()


def a_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("Interviewer: How did it start?")
    document.add_paragraph("C03: With the judge.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def an_odt() -> bytes:
    document = OpenDocumentText()
    document.text.addElement(P(text="Interviewer: How did it start?"))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def an_xlsx() -> bytes:
    book = Workbook()
    book.active.append(["respondent", "answer"])
    book.active.append(["R1", "It was fine."])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def docx_bomb(mib: int = 64) -> bytes:
    return padded(a_docx(), "word/document.xml", b"</w:document>", mib)


def test_a_docx_bomb_is_refused_in_one_sentence():
    bomb = docx_bomb()
    assert len(bomb) < 1_000_000
    with pytest.raises(InvalidInput) as e:
        read_source_bytes(bomb, "C03_interview.docx")
    assert str(e.value) == (
        "C03_interview.docx was not opened because word/document.xml would unpack to more than "
        "200 times its packed size, which looks like a zip bomb; if the file is genuine, save its "
        "text as .txt and import that"
    )


def test_an_odt_bomb_is_refused():
    bomb = padded(an_odt(), "content.xml", b"</office:document-content>", 64)
    with pytest.raises(InvalidInput, match=r"^C03\.odt was not opened because content\.xml would unpack"):
        read_source_bytes(bomb, "C03.odt")


def test_an_xlsx_bomb_is_refused():
    bomb = padded(an_xlsx(), "xl/worksheets/sheet1.xml", b"</worksheet>", 64)
    with pytest.raises(InvalidInput, match=r"^answers\.xlsx was not opened because .*zip bomb"):
        load_table(bomb, "answers.xlsx", ".xlsx")


@pytest.fixture(scope="module")
def big_bomb() -> bytes:
    return docx_bomb(1100)  # 1.1 GiB of spaces, about 1 MB packed


def test_a_bomb_over_the_total_cap_is_refused_by_its_size(big_bomb):
    with pytest.raises(InvalidInput, match="would unpack to more than the 1024 MiB allowed"):
        read_source_bytes(big_bomb, "big.docx")


def test_an_ordinary_padded_file_still_reads():
    # Well under the 1 MiB floor: a file that compresses well is not a bomb for that alone.
    src = read_source_bytes(padded(a_docx(), "word/document.xml", b"</w:document>", 0), "ok.docx")
    assert [t.speaker for t in src.turns] == ["Interviewer", "C03"]


def test_a_mimetype_that_claims_to_be_huge_is_read_only_a_little():
    bomb = padded(an_odt(), "mimetype", b"text", 64)  # "application/vnd...text" + 64 MiB
    with pytest.raises(InvalidInput):
        read_source_bytes(bomb, "odd.odt")


_MEASURE = textwrap.dedent(
    """
    import resource, sys, time
    from theorize.errors import InvalidInput
    from theorize.ingest import read_source_bytes
    data = open(sys.argv[1], "rb").read()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    try:
        read_source_bytes(data, "bomb.docx")
    except InvalidInput:
        pass
    print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
    """
)


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux")
def test_refusing_a_bomb_takes_little_memory(tmp_path, big_bomb):
    path = tmp_path / "bomb.docx"
    path.write_bytes(big_bomb)
    out = subprocess.run([sys.executable, "-c", _MEASURE, str(path)], capture_output=True, text=True, check=True)
    _, grown_kib = out.stdout.split()
    assert int(grown_kib) < 200 * 1024
