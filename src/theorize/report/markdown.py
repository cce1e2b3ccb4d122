"""The report as GitHub-flavoured Markdown, with its figures as PNG files beside it
(``<report>-model.png``, ``<report>-saturation.png``), linked by relative paths."""

from __future__ import annotations

import re
from pathlib import Path

from theorize.report import memotext
from theorize.report.content import Analysis, CategoryEntry, CodeEntry, Figure, Quote, ReportContent, Table
from theorize.store.files import write_private

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_LIST_START = re.compile(r"^(\s*)(\d+)([.)])(\s)|^(\s*)([-+])(\s)")


def md(text) -> str:
    """Project text made inert in Markdown: every mark escaped, line breaks folded.

    Examples:
        >>> md("a *b* | <i>c</i> [d](e)")
        'a \\\\*b\\\\* \\\\| \\\\<i\\\\>c\\\\</i\\\\> \\\\[d\\\\](e)'
    """
    text = " ".join(str(text).split())
    text = _ENTITY.sub("&amp;", _SPECIAL.sub(r"\\\1", text))
    return _LIST_START.sub(
        lambda m: (
            f"{m.group(1)}{m.group(2)}\\{m.group(3)}{m.group(4)}"
            if m.group(2)
            else f"{m.group(5)}\\{m.group(6)}{m.group(7)}"
        ),
        text,
    )


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


class _Writer:
    def __init__(self, content: ReportContent, path: Path):
        self.c, self.path = content, path
        self.out: list[str] = []
        self.files: list[Path] = []
        self.tables = self.figures = 0

    def w(self, *lines: str) -> None:
        self.out.extend(lines)

    def table(self, t: Table) -> None:
        if not t.rows:
            self.w(f"*{md(t.caption)}: none yet.*", "")
            return
        self.tables += 1
        self.w(f"**Table {self.tables}.** {md(t.caption)}", "")
        self.w(
            "| " + " | ".join(md(c) for c in t.columns) + " |",
            "|" + "|".join("---:" if i in t.numeric else "---" for i in range(len(t.columns))) + "|",
        )
        for r, row in enumerate(t.rows):
            cells = [md(v) for v in row]
            if r in t.emphasis:
                cells = [f"**{v}**" if v else v for v in cells]
            self.w("| " + " | ".join(cells) + " |")
        self.w("")

    def figure(self, f: Figure) -> None:
        self.figures += 1
        target = self.path.with_name(f"{self.path.stem}-{f.key}.png")
        write_private(target, f.png)
        self.files.append(target)
        self.w(f"![{md(f.alt)}]({target.name})", "", f"*Figure {self.figures}.* {md(f.caption)}", "")

    def quote(self, q: Quote) -> None:
        self.w(f"> {md(q.text)}", ">", f"> \u2014 {md(q.attribution)} \u00b7 `{q.reference}`", "")

    def facts(self, items: list[tuple[str, str]]) -> None:
        for label, text in items:
            self.w(f"- **{label}:** {md(text)}")
        if items:
            self.w("")

    # -- chapters ------------------------------------------------------------------------------
    def front(self) -> None:
        c = self.c
        self.w(f"# {md(c.title)}", "")
        if c.research_question:
            self.w(f"**Research question:** *{md(c.research_question)}*", "")
        self.w(f"<sub>Generated {md(c.generated)}</sub>", "")
        self.w("## Contents", "", "- [1 Methods](#1-methods)", "- [2 Codebook](#2-codebook)")
        for i, cat in enumerate(c.categories, 1):
            self.w(f"  - [2.{i} {md(cat.name)}](#{slug(f'2.{i} {cat.name}')})")
        self.w(
            "- [3 The theoretical model](#3-the-theoretical-model)",
            "- [4 Saturation and agreement](#4-saturation-and-agreement)",
            *(
                [
                    (
                        "- [5 Theoretical sampling and comparison of groups]"
                        "(#5-theoretical-sampling-and-comparison-of-groups)"
                    )
                ]
                if c.sampling
                else []
            ),
            "- [A Appendix: memos](#a-appendix-memos)",
            "",
        )

    def methods(self) -> None:
        c = self.c
        self.w("## 1 Methods", "")
        if c.method_notes:
            self.w(md(c.method_notes), "")
        self.w(f"The material comprises {md('; '.join(c.overview))}.", "", "### 1.1 Participants", "")
        if not c.participants:
            self.w("*No participants are recorded in this project.*", "")
        for t in c.participants:
            self.table(t)
        for number, title, t in (
            ("1.2", "Sources", c.sources),
            ("1.3", "Coders", c.coders),
            ("1.4", "Analysis steps", c.steps),
        ):
            self.w(f"### {number} {title}", "")
            self.table(t)
        if c.method_paragraphs:
            self.w("### 1.5 How the analysis was done", "")
            for lead, text in c.method_paragraphs:
                self.w(f"**{md(lead)}.** {md(text)}", "")
        if c.positionality:
            self.w(
                "### 1.6 Reflexivity and positionality",
                "",
                "What the researchers wrote about their own position, in their reflexive memos.",
                "",
            )
            for title, byline, text in c.positionality:
                self.w(f"**{md(title)}** ({md(byline)}) {md(text)}", "")

    def codebook(self) -> None:
        c = self.c
        self.w(
            "## 2 Codebook",
            "",
            md(c.codebook_intro()) + " Every quote ends with its reference (source, text "
            "version, character span, coding); `theorize trace REFERENCE` shows it in context.",
            "",
        )
        for i, cat in enumerate(c.categories, 1):
            self.category(cat, f"2.{i}")
        if c.uncategorised:
            self.w(f"### 2.{len(c.categories) + 1} Focused codes not yet in a category", "")
            for code in c.uncategorised:
                self.code(code)

    def category(self, cat: CategoryEntry, number: str) -> None:
        self.w(
            f"### {number} {md(cat.name)}",
            "",
            f"*{cat.stage}*" + (f" \u00b7 in the model: {md(cat.role)}" if cat.role else ""),
            "",
        )
        if cat.definition:
            self.w(md(cat.definition), "")
        self.facts(cat.facts())
        for q in cat.quotes:
            self.quote(q)
        for code in cat.codes:
            self.code(code)

    def code(self, code: CodeEntry) -> None:
        stage = code.stage + (", in vivo" if code.in_vivo else "")
        self.w(f"#### {md(code.name)} \u00b7 *{stage}*", "")
        if code.definition:
            self.w(md(code.definition), "")
        self.facts(code.facts())
        for q in code.quotes:
            self.quote(q)

    def model(self) -> None:
        c = self.c
        self.w("## 3 The theoretical model", "")
        if c.model_figure:
            if c.model_reference:
                self.w(
                    f"{c.model_reference} shows the model: its conditions, the stages of the process, the "
                    "consequences, the context and the core category, with the relations between them.",
                    "",
                )
            self.figure(c.model_figure)
        else:
            self.w(f"*{md(c.model_omitted)}*", "")
        for i, s in enumerate(c.model_sections, 1):
            self.w(f"### 3.{i} {md(s.name)}", "", f"*{md(s.place)}*", "")
            if s.definition:
                self.w(md(s.definition), "")
            self.facts(s.facts())
            if s.memos:
                self.w("**From the memos**", "")
            for m in s.memos:
                self.w(f"- {md(m.excerpt)}  ", f"  <sub>{md(m.memo.title)} \u00b7 {md(m.memo.byline)}</sub>")
            if s.memos:
                self.w("")
            if s.further_memos:
                self.w("Also discussed in: " + "; ".join(f"*{md(m.title)}*" for m in s.further_memos) + ".", "")
            if s.quotes:
                self.w("**In the participants\u2019 words**", "")
            for q in s.quotes:
                self.quote(q)

    def analysis(self, a: Analysis, number: str) -> None:
        self.w(f"### {number} {a.title}", "")
        if a.omitted:
            self.w(f"*{md(a.omitted)}*", "")
            return
        if a.statement:
            self.w(md(a.statement), "")
        notes = list(a.notes)
        if a.figure:
            if notes:
                self.w(f"*{md(notes.pop(0))}*", "")
            self.figure(a.figure)
        if a.table:
            self.table(a.table)
        for n in notes:
            self.w(f"*{md(n)}*", "")

    def memos(self) -> None:
        self.w("## A Appendix: memos", "", md(self.c.memos_intro()), "")
        for m in self.c.memos:
            self.w(f"### {md(m.title)}", "", f"*{md(m.byline)}*", "")
            links = ([f"Codes: {', '.join(m.codes)}"] if m.codes else []) + (
                [f"Sources: {', '.join(m.sources)}"] if m.sources else []
            )
            if links:
                self.w(f"<sub>{md(' · '.join(links))}</sub>", "")
            body = memotext.to_markdown(m.body)
            if body:
                self.w(body, "")

    def render(self) -> str:
        self.front()
        self.methods()
        self.codebook()
        self.model()
        self.w("## 4 Saturation and agreement", "")
        self.analysis(self.c.saturation, "4.1")
        self.analysis(self.c.agreement, "4.2")
        for i, a in enumerate(self.c.more_analyses, 3):
            self.analysis(a, f"4.{i}")
        if self.c.sampling:
            self.w("## 5 Theoretical sampling and comparison of groups", "")
            for i, a in enumerate(self.c.sampling, 1):
                self.analysis(a, f"5.{i}")
        self.memos()
        return "\n".join(self.out).rstrip() + "\n"


def write(content: ReportContent, path: Path) -> list[Path]:
    """Write the Markdown report and its figure PNGs; returns the files written, report first."""
    writer = _Writer(content, path)
    text = writer.render()
    write_private(path, text)
    return [path, *writer.files]
