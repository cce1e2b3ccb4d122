"""The report as one self-contained HTML page: inline CSS, inline SVG figures, no scripts, nothing
fetched from anywhere. All project text is escaped; memo bodies go through :mod:`memotext`."""

from __future__ import annotations

import base64
import re
from html import escape
from importlib import resources
from pathlib import Path

from theorize.report import memotext
from theorize.report.content import Analysis, CategoryEntry, CodeEntry, Figure, Quote, ReportContent, Table
from theorize.store.files import write_private


def e(text) -> str:
    """Escape text for HTML content and attribute values alike."""
    return escape(str(text), quote=True)


def _css() -> str:
    return (resources.files("theorize.report") / "style.css").read_text(encoding="utf-8")


_XML_PROLOG = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?", re.S)
_SVG_SIZE = re.compile(r'(<svg\b[^>]*?)\s(?:width|height)="[^"]*"')
_IDS = re.compile(r'\bid="([^"]+)"')


def inline_svg(svg: str, prefix: str, label: str) -> str:
    """An SVG document made fit to sit inside the page: no prolog, ids made unique to this figure,
    sized by the page, labelled for screen readers."""
    svg = _XML_PROLOG.sub("", svg)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    ids = set(_IDS.findall(svg))
    svg = _IDS.sub(lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})" if m.group(1) in ids else m.group(0), svg)
    svg = re.sub(
        r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"' if m.group(1) in ids else m.group(0), svg
    )
    while _SVG_SIZE.search(svg.split(">", 1)[0] + ">"):
        head, rest = svg.split(">", 1)
        svg = _SVG_SIZE.sub(r"\1", head + ">", count=1) + rest
    return svg.replace("<svg ", f'<svg role="img" aria-label="{e(label)}" ', 1).strip()


class _Writer:
    def __init__(self, content: ReportContent):
        self.c = content
        self.out: list[str] = []
        self.tables = 0
        self.figures = 0

    def w(self, *parts: str) -> None:
        self.out.extend(parts)

    # -- pieces --------------------------------------------------------------------------------
    def table(self, t: Table) -> None:
        if not t.rows:
            self.w(f'<p class="omitted">{e(t.caption)}: none yet.</p>')
            return
        self.tables += 1
        wide = " wide" if len(t.columns) > 6 else ""
        self.w(f'<div class="table-wrap{wide}"><table>')
        if t.caption:
            self.w(f"<caption><b>Table {self.tables}.</b> {e(t.caption)}</caption>")
        self.w("<thead><tr>")
        for i, col in enumerate(t.columns):
            self.w(f'<th scope="col"{" class=n" if i in t.numeric else ""}>{e(col)}</th>')
        self.w("</tr></thead><tbody>")
        for r, row in enumerate(t.rows):
            self.w("<tr class=total>" if r in t.emphasis else "<tr>")
            for i, value in enumerate(row):
                css = "n" if i in t.numeric else "nw" if len(value) <= 16 else ""
                self.w(f'<td class="{css}">{e(value)}</td>' if css else f"<td>{e(value)}</td>")
            self.w("</tr>")
        self.w("</tbody></table></div>")

    def quote(self, q: Quote) -> None:
        title = f"Coded {q.code} by {q.coder} in {q.source}. Trace it: theorize trace {q.reference}"
        self.w(
            f'<blockquote class="quote" id="{e(q.anchor)}" data-ref="{e(q.reference)}">',
            f'<p class="quote-text">{e(q.text)}</p>',
            f'<footer><span class="who">{e(q.attribution)}</span>'
            f'<a class="ref" href="#{e(q.anchor)}" title="{e(title)}">{e(q.reference)}</a></footer></blockquote>',
        )

    def figure(self, f: Figure) -> None:
        self.figures += 1
        if f.svg:
            body = inline_svg(f.svg, f"fig{self.figures}", f.alt)
        else:
            body = f'<img alt="{e(f.alt)}" src="data:image/png;base64,{base64.b64encode(f.png).decode()}">'
        wide = " wide" if f.key == "model" else ""
        self.w(
            f'<figure class="figure{wide}" id="figure-{e(f.key)}">',
            body,
            f"<figcaption><b>Figure {self.figures}.</b> {e(f.caption)}</figcaption></figure>",
        )

    def facts(self, items: list[tuple[str, str, str]]) -> None:
        """A definition list; each item (label, text, css class)."""
        if not items:
            return
        self.w('<dl class="facts">')
        for label, text, css in items:
            self.w(f"<dt>{e(label)}</dt><dd{f' class={css}' if css else ''}>{e(text)}</dd>")
        self.w("</dl>")

    @staticmethod
    def styled(items: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
        """Facts with the CSS class the stylesheet gives some of them."""
        css = {"By participant": "spread"}
        return [(label, text, css.get(label, "")) for label, text in items]

    def stage(self, code: CodeEntry) -> str:
        label = code.stage + (", in vivo" if code.in_vivo else "")
        return f'<span class="stage">{e(label)}</span>'

    # -- chapters ------------------------------------------------------------------------------
    def front(self) -> None:
        c = self.c
        self.w('<header class="title-page"><p class="kicker">Results report</p>', f"<h1>{e(c.title)}</h1>")
        if c.research_question:
            self.w(f'<p class="rq"><b>Research question</b>{e(c.research_question)}</p>')
        self.w(f'<p class="generated">Generated {e(c.generated)}</p></header>')
        self.w(
            '<nav class="toc" aria-label="Contents"><h2>Contents</h2><ul>',
            '<li><a href="#methods"><span class="num">1</span>Methods</a></li>',
            '<li><a href="#codebook"><span class="num">2</span>Codebook</a><ul>',
        )
        for i, cat in enumerate(self.c.categories, 1):
            self.w(f'<li><a href="#category-{cat.id}"><span class="num">2.{i}</span>{e(cat.name)}</a></li>')
        self.w(
            "</ul></li>",
            '<li><a href="#model"><span class="num">3</span>The theoretical model</a></li>',
            '<li><a href="#analyses"><span class="num">4</span>Saturation and agreement</a></li>',
            *(
                [
                    (
                        '<li><a href="#sampling"><span class="num">5</span>Theoretical sampling and comparison of groups'
                        "</a></li>"
                    )
                ]
                if self.c.sampling
                else []
            ),
            '<li><a href="#memos"><span class="num">A</span>Appendix: memos</a></li></ul></nav>',
        )

    def methods(self) -> None:
        c = self.c
        self.w('<section id="methods"><h2><span class="num">1</span>Methods</h2>')
        if c.method_notes:
            self.w(f'<p class="lead">{e(c.method_notes)}</p>')
        self.w(f"<p>The material comprises {e('; '.join(c.overview))}.</p>")
        self.w('<h3><span class="num">1.1</span>Participants</h3>')
        if not c.participants:
            self.w('<p class="omitted">No participants are recorded in this project.</p>')
        for t in c.participants:
            self.table(t)
        self.w('<h3><span class="num">1.2</span>Sources</h3>')
        self.table(c.sources)
        self.w('<h3><span class="num">1.3</span>Coders</h3>')
        self.table(c.coders)
        self.w('<h3><span class="num">1.4</span>Analysis steps</h3>')
        self.table(c.steps)
        if c.method_paragraphs:
            self.w('<h3 id="methods-section"><span class="num">1.5</span>How the analysis was done</h3>')
            for lead, text in c.method_paragraphs:
                self.w(f"<p><b>{e(lead)}.</b> {e(text)}</p>")
        if c.positionality:
            self.w(
                '<h3 id="reflexivity"><span class="num">1.6</span>Reflexivity and positionality</h3>',
                "<p>What the researchers wrote about their own position, in their reflexive memos.</p>",
            )
            for title, byline, text in c.positionality:
                self.w(f'<p><b>{e(title)}</b> <span class="byline">({e(byline)})</span> {e(text)}</p>')
        self.w("</section>")

    def codebook(self) -> None:
        c = self.c
        self.w(
            '<section id="codebook"><h2><span class="num">2</span>Codebook</h2>',
            f"<p>{e(c.codebook_intro())}</p>",
            '<p class="how-to-trace">Every quote ends with its reference: source, text version, character '
            "span and coding. <code>theorize trace REFERENCE</code> shows the quote in its context.</p>",
        )
        for i, cat in enumerate(c.categories, 1):
            self.category(cat, f"2.{i}")
        if c.uncategorised:
            self.w(
                f'<section class="category"><h3><span class="num">2.{len(c.categories) + 1}</span>'
                "Focused codes not yet in a category</h3>"
            )
            for code in c.uncategorised:
                self.code(code)
            self.w("</section>")
        self.w("</section>")

    def category(self, cat: CategoryEntry, number: str) -> None:
        self.w(
            f'<section class="category" id="category-{cat.id}">',
            f'<h3><span class="num">{number}</span>{e(cat.name)}{self.stage(cat)}</h3>',
        )
        if cat.role:
            self.w(f'<p class="meta">In the model: <a href="#model-{cat.id}">{e(cat.role)}</a></p>')
        if cat.definition:
            self.w(f'<p class="definition">{e(cat.definition)}</p>')
        self.facts(self.styled(cat.facts()))
        for q in cat.quotes:
            self.quote(q)
        for code in cat.codes:
            self.code(code)
        self.w("</section>")

    def code(self, code: CodeEntry) -> None:
        self.w(f'<article class="code" id="code-{code.id}"><h4>{e(code.name)}{self.stage(code)}</h4>')
        if code.definition:
            self.w(f'<p class="definition">{e(code.definition)}</p>')
        self.facts(self.styled(code.facts()))
        for q in code.quotes:
            self.quote(q)
        self.w("</article>")

    def model(self) -> None:
        c = self.c
        self.w('<section id="model"><h2><span class="num">3</span>The theoretical model</h2>')
        if c.model_figure:
            if c.model_reference:
                self.w(
                    f"<p>{e(c.model_reference)} shows the model: its conditions, the stages of the process, the "
                    "consequences, the context and the core category, with the relations between them.</p>"
                )
            self.figure(c.model_figure)
        else:
            self.w(f'<p class="omitted">{e(c.model_omitted)}</p>')
        for i, s in enumerate(c.model_sections, 1):
            self.w(
                f'<section class="model-category" id="model-{e(s.category_id)}">',
                f'<h3><span class="num">3.{i}</span>{e(s.name)}</h3>',
                f'<p class="meta">{e(s.place)}</p>',
            )
            if s.definition:
                self.w(f'<p class="definition">{e(s.definition)}</p>')
            self.facts(self.styled(s.facts()))
            if s.memos:
                self.w("<h4>From the memos</h4>")
            for m in s.memos:
                self.w(
                    '<div class="memo-excerpt">',
                    f"<p>{e(m.excerpt)}</p>",
                    f'<div class="byline"><a href="#{e(m.memo.anchor)}">{e(m.memo.title)}</a> \u00b7 '
                    f"{e(m.memo.byline)}</div></div>",
                )
            if s.further_memos:
                links = ", ".join(f'<a href="#{e(m.anchor)}">{e(m.title)}</a>' for m in s.further_memos)
                self.w(f'<p class="note">Also discussed in: {links}.</p>')
            if s.quotes:
                self.w("<h4>In the participants\u2019 words</h4>")
            for q in s.quotes:
                self.quote(q)
            self.w("</section>")
        self.w("</section>")

    def analysis(self, a: Analysis, number: str, anchor: str) -> None:
        self.w(f'<section id="{anchor}"><h3><span class="num">{number}</span>{e(a.title)}</h3>')
        if a.omitted:
            self.w(f'<p class="omitted">{e(a.omitted)}</p></section>')
            return
        if a.statement:
            self.w(f'<p class="statement">{e(a.statement)}</p>')
        for note in a.notes[:1] if a.figure else []:
            self.w(f'<p class="note">{e(note)}</p>')
        if a.figure:
            self.figure(a.figure)
        if a.table:
            self.table(a.table)
        for note in a.notes[1:] if a.figure else a.notes:
            self.w(f'<p class="note">{e(note)}</p>')
        self.w("</section>")

    def memos(self) -> None:
        self.w(
            '<section id="memos"><h2><span class="num">A</span>Appendix: memos</h2>',
            f"<p>{e(self.c.memos_intro())}</p>",
        )
        for m in self.c.memos:
            self.w(
                f'<article class="memo" id="{e(m.anchor)}"><h3>{e(m.title)}</h3>',
                f'<p class="byline">{e(m.byline)}</p>',
            )
            links = []
            if m.codes:
                links.append("Codes: " + ", ".join(m.codes))
            if m.sources:
                links.append("Sources: " + ", ".join(m.sources))
            if links:
                joined = " \u00b7 ".join(links)
                self.w(f'<p class="links">{e(joined)}</p>')
            self.w(f'<div class="memo-body">{memotext.to_html(m.body)}</div></article>')
        self.w("</section>")

    def render(self) -> str:
        c = self.c
        self.w(
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="generator" content="theorize">',
            f"<title>{e(c.title)}</title>",
            f'<style>{_css()}</style></head><body><main class="report">',
        )
        self.front()
        self.methods()
        self.codebook()
        self.model()
        self.w('<section id="analyses"><h2><span class="num">4</span>Saturation and agreement</h2>')
        self.analysis(c.saturation, "4.1", "saturation")
        self.analysis(c.agreement, "4.2", "agreement")
        for i, a in enumerate(c.more_analyses, 3):
            self.analysis(a, f"4.{i}", f"analysis-4-{i}")
        self.w("</section>")
        if c.sampling:
            self.w(
                '<section id="sampling"><h2><span class="num">5</span>Theoretical sampling and comparison of groups</h2>'
            )
            for i, a in enumerate(c.sampling, 1):
                self.analysis(a, f"5.{i}", f"analysis-5-{i}")
            self.w("</section>")
        self.memos()
        self.w("</main></body></html>\n")
        return "\n".join(self.out)


def render(content: ReportContent) -> str:
    """The report as an HTML document (a string)."""
    return _Writer(content).render()


def write(content: ReportContent, path: Path) -> list[Path]:
    """Write the HTML report; returns the files written (just the one)."""
    write_private(path, render(content))
    return [path]
