"""The results report in HTML, DOCX and Markdown, built on the demo study; `theorize report` and
`theorize trace`. Every quote in every format must lead back to its coding through its reference."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import zipfile

import pytest

import theorize
from tests.helpers import cli_runner, transcript
from theorize.demo import build_demo
from theorize.report import write_report

NETWORK = re.compile(
    r"""(?:\bsrc|\bhref|\baction|\bposter|\bdata)\s*=\s*["']?\s*(?:https?:)?//"""
    r"""|url\(\s*["']?\s*(?:https?:)?//|@import|<script|<link\b|<iframe|<object|<embed""",
    re.I,
)
HTML_QUOTE = re.compile(
    r'<blockquote class="quote" id="([^"]+)" data-ref="([^"]+)">\s*'
    r'<p class="quote-text">(.*?)</p>\s*<footer>.*?<a class="ref" href="#\1" title="([^"]+)">\2</a>',
    re.S,
)
MD_QUOTE = re.compile(r"^> (.+)\n>\n> \u2014 .+ \u00b7 `([^`]+)`$", re.M)
BLANKS = {"nan", "none", "nat", "<na>", "null"}


def network_loads(page: str) -> list[str]:
    """Everything in the markup (tags, and the CSS in <style>) that would fetch from a network.
    Text between tags is left out: escaped, "src=http://" there is words on the page."""
    markup = " ".join(re.findall(r"<[^>]+>", page) + re.findall(r"<style>(.*?)</style>", page, re.S))
    return NETWORK.findall(markup)


def flat(text: str) -> str:
    return " ".join(text.split())


def md_text(text: str) -> str:
    """Markdown-escaped text back to its words."""
    return re.sub(r"\\([\\`*_\[\]<>|~#.)+-])", r"\1", text).replace("&amp;", "&")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    result = build_demo(folder, outputs=False)
    return result.project


@pytest.fixture(scope="module")
def study(demo):
    project = theorize.open_project(demo)
    yield project
    project.close()


@pytest.fixture(scope="module")
def reports(study, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    return {
        fmt: write_report(study, out / f"results.{fmt}", saturation_group="client") for fmt in ("html", "md", "docx")
    }


@pytest.fixture(scope="module")
def page(reports) -> str:
    return reports["html"].path.read_text(encoding="utf-8")


def category_names(study) -> list[str]:
    codes = study.codes()
    return list(codes[codes.stage.isin(["category", "theoretical"]) & codes.parent_id.isna()]["name"])


# -- HTML ------------------------------------------------------------------------------------------
def test_html_has_the_study_its_categories_and_every_analysis(study, page):
    assert html.escape(study.study["title"]) in page
    names = category_names(study)
    assert len(names) == 9
    for name in names:
        assert html.escape(name) in page, name
    assert "Client participants (8)" in page and "Counselor participants (4)" in page
    assert page.count("<table") >= 6
    statement = study.saturation(group="client", stage="focused").statement
    assert html.escape(statement) in page
    assert re.search(r"<tr class=total>\s*<td[^>]*>all codes</td>", page)
    for title in study.memos()["title"]:
        assert f"<h3>{html.escape(title)}</h3>" in page
    assert "<svg" in page and "Figure 1." in page and "Figure 2." in page


def test_html_is_one_file_that_loads_nothing(page):
    assert not network_loads(page), network_loads(page)[:5]
    assert "<style>" in page
    assert "<!DOCTYPE svg" not in page and "<?xml" not in page
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "element ids must be unique (figures' ids are prefixed)"


def test_every_html_quote_traces_back_to_its_words(study, page, reports):
    quotes = HTML_QUOTE.findall(page)
    assert len(quotes) == reports["html"].quotes == page.count('class="quote"') >= 40
    for _anchor, ref, text, title in quotes:
        assert ref in html.unescape(title)
        found = study.trace(html.unescape(ref))
        assert flat(found.quote) == flat(html.unescape(text)), ref
    vtt = [q for q in quotes if ".vtt@" in q[1]]
    assert vtt and all(
        re.search(rf'id="{q[0]}".*?<span class="who">[CK]\d\d at \d\d:\d\d</span>', page, re.S) for q in vtt[:5]
    )


def test_html_tables_have_no_blank_markers(page):
    cells = [
        flat(html.unescape(re.sub(r"<[^>]+>", "", c))).lower()
        for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", page, re.S)
    ]
    assert cells and not BLANKS & set(cells)
    assert not re.search(r"\bnan\b", re.sub(r"<[^>]+>", " ", page.split('id="memos"')[0]))


# -- Markdown --------------------------------------------------------------------------------------
def test_markdown_report_with_figures_beside_it(study, reports):
    result = reports["md"]
    text = result.path.read_text(encoding="utf-8")
    assert text.startswith("# From compliance to alliance")
    for name in category_names(study):
        assert name in md_text(text), name
    assert "| **all codes** |" in text
    figures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert figures == ["results-model.png", "results-saturation.png", "results-theoretical-saturation.png"]
    for name in figures:
        target = result.path.parent / name
        assert target in result.files and target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not network_loads(text)
    assert not re.search(r"!\[[^\]]*\]\(\s*(?:https?:)?//", text)
    rows = [
        c.strip().strip("*").lower()
        for line in text.splitlines()
        if line.startswith("|")
        for c in line.strip("|").split("|")
    ]
    assert rows and not BLANKS & set(rows)


def test_every_markdown_quote_traces_back(study, reports):
    text = reports["md"].path.read_text(encoding="utf-8")
    quotes = MD_QUOTE.findall(text)
    assert len(quotes) == reports["md"].quotes >= 40
    for words, ref in quotes:
        assert flat(study.trace(ref).quote) == flat(md_text(words)), ref


# -- DOCX ------------------------------------------------------------------------------------------
def test_docx_has_headings_tables_a_picture_and_traceable_quotes(study, reports):
    import docx

    document = docx.Document(str(reports["docx"].path))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert {
        "1  Methods",
        "2  Codebook",
        "3  The theoretical model",
        "4  Saturation and agreement",
        "Appendix A  Memos",
    } <= set(headings)
    assert any(p.style.name == "Title" and p.text == study.study["title"] for p in document.paragraphs)
    for name in category_names(study):
        assert any(h.endswith(name) or h.startswith(name) or name in h for h in headings), name
    assert len(document.inline_shapes) == 3  # the model, the discovery curve, theoretical saturation
    with zipfile.ZipFile(reports["docx"].path) as z:
        assert any(n.startswith("word/media/") and n.endswith(".png") for n in z.namelist())
    assert len(document.tables) >= 6 and all(t.style.name == "Table Grid" for t in document.tables)
    cells = {c.text.strip().lower() for t in document.tables for row in t.rows for c in row.cells}
    assert not BLANKS & cells
    paragraphs = document.paragraphs
    quotes = [
        (p.text, paragraphs[i + 1].runs[-1].text)
        for i, p in enumerate(paragraphs)
        if p.style.name == "Quote" and "@v" in paragraphs[i + 1].text
    ]
    assert len(quotes) == reports["docx"].quotes
    for text, ref in quotes:
        assert flat(study.trace(ref).quote) == flat(text), ref


@pytest.mark.libreoffice
def test_libreoffice_reads_the_docx(study, reports, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not on the PATH")
    done = subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "txt:Text",
            "--outdir",
            str(tmp_path),
            str(reports["docx"].path),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    out = tmp_path / "results.txt"
    assert out.exists(), done.stderr
    text = out.read_text(encoding="utf-8-sig")
    assert study.study["title"] in text
    for name in category_names(study):
        assert name in text, name


# -- analyses that do not apply, and user text that must stay text ---------------------------------
@pytest.fixture
def small(tmp_path):
    """One coder, no 'client' group, and names and memos full of markup."""
    study = theorize.create_project(tmp_path / "tiny.theorize", title='<b>Tiny</b> & "study"', user="lena")
    study.import_parsed(
        transcript(
            "P1_interview.txt",
            [
                ("Interviewer", "How was it?"),
                ("Participant", "It was <script>alert('x')</script> fine, & I kept going back every week."),
            ],
        ),
        participant="P1",
    )
    category = study.add_code("<i>Keeping on</i>", stage="category", definition="<img src=http://x/y.png>")
    code = study.add_code("going back", stage="focused", parent=category)
    study.code("P1_interview.txt", code, quote="I kept going back every week")
    study.write_memo(
        "Memo <script>",
        "# Heading\n\n<iframe src='https://x'></iframe> ![p](https://x/p.png) [link](https://example.org)",
        type="theoretical",
        codes=[code],
    )
    yield study
    study.close()


@pytest.mark.parametrize("fmt", ["html", "md", "docx"])
def test_sections_that_do_not_apply_say_so_in_one_line(small, tmp_path, fmt):
    result = write_report(small, tmp_path / f"tiny.{fmt}")
    assert len(result.omitted) == 3
    assert result.omitted[0].startswith("The model figure is not shown")
    assert result.omitted[1].startswith(
        "Saturation is not reported: A base of 4 interviews leaves nothing to assess in 1 interview"
    )
    assert result.omitted[2] == (
        "Intercoder agreement is not reported: Agreement needs at least two coders; "
        "only 'lena' coded the chosen material."
    )
    assert result.quotes == 1


def test_user_text_is_escaped_in_html(small, tmp_path):
    page = write_report(small, tmp_path / "tiny.html").path.read_text(encoding="utf-8")
    assert "&lt;b&gt;Tiny&lt;/b&gt; &amp; &quot;study&quot;" in page
    assert "&lt;i&gt;Keeping on&lt;/i&gt;" in page and "<i>Keeping on" not in page
    assert "<script" not in page and "<iframe" not in page and "<img" not in page
    assert not network_loads(page)
    assert "link (https://example.org)" in page and "[image: p]" in page


def test_user_text_is_inert_in_markdown(small, tmp_path):
    text = write_report(small, tmp_path / "tiny.md").path.read_text(encoding="utf-8")
    assert "\\<b\\>Tiny\\</b\\>" in text
    assert not re.search(r"(?<!\\)<(script|iframe)", text)
    assert "&lt;iframe" in text and "\\<script\\>" in text
    assert not re.search(r"!\[[^\]]*\]\(https?://", text)


def test_format_from_the_name_and_bad_formats(small, tmp_path):
    assert write_report(small, tmp_path / "r.htm").format == "html"
    with pytest.raises(theorize.InvalidInput, match="name the file .html, .docx or .md"):
        write_report(small, tmp_path / "r.pdf")
    with pytest.raises(theorize.InvalidInput, match="is not a report format"):
        write_report(small, tmp_path / "r.html", fmt="pdf")


# -- the command line ------------------------------------------------------------------------------
@pytest.fixture
def run(monkeypatch):
    return cli_runner(monkeypatch)


def test_cli_report_writes_next_to_the_project_and_prints_the_path(run, small):
    result = run("-p", str(small.path), "report", "--format", "md")
    assert result.exit_code == 0, result.output
    target = small.path.with_name("tiny-report.md")
    assert target.exists()
    assert str(target) in result.output.splitlines()
    assert "Note: Saturation is not reported" in result.output


def test_cli_report_to_a_named_file(run, demo, tmp_path):
    out = tmp_path / "chapter.docx"
    result = run("-p", str(demo), "report", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(out) and out.stat().st_size > 10_000


def test_cli_trace_prints_the_quote_in_context(run, demo, study):
    coding = study.codings(code="testing the counselor with small disclosures").iloc[0]
    ref = study.reference(int(coding.id))
    result = run("-p", str(demo), "trace", ref)
    assert result.exit_code == 0, result.output
    assert flat(coding.quote) in flat(result.output)
    assert f"Source:  {coding.source} (text version 1," in result.output
    assert "Code:    testing the counselor with small disclosures" in result.output
    assert f"Coder:   {coding.coder}" in result.output
    assert "Speaker: " in result.output and ", turn " in result.output
    assert "Warning" not in result.output


def test_cli_trace_of_a_bad_reference_is_one_sentence_and_exit_2(run, demo):
    result = run("-p", str(demo), "trace", "not-a-reference")
    assert result.exit_code == 2
    assert result.output == (
        "Error: 'not-a-reference' is not a quote reference; they look like C03_interview.txt@v1:120-180#3f2a9c01.\n"
    )
    missing = run("-p", str(demo), "trace", "C01_interview.docx@v1:1-2#00000000")
    assert missing.exit_code == 2 and missing.output.startswith("Error: No coding of C01_interview.docx matches")


def test_cli_trace_warns_when_the_text_was_edited_since(run, small):
    coding = small.codings().iloc[0]
    ref = small.reference(int(coding.id))
    text = small.text("P1_interview.txt")
    small.edit_text(
        "P1_interview.txt", "Note added before the interview.\n\n" + text.replace("every week", "each week")
    )
    result = run("-p", str(small.path), "trace", ref)
    assert result.exit_code == 0, result.output
    assert "I kept going back every week" in result.output
    assert "Warning: P1_interview.txt was edited since this quote was taken (now text version 2)" in result.output
    assert "Warning: this coding is flagged for review (changed)." in result.output
