"""A report's content as plain data: what the HTML, DOCX and Markdown writers lay out.

:func:`theorize.report.assemble.assemble` fills these from a project; the writers never touch the
project themselves. Every value here is already text for the page (numbers formatted, dates
written out, missing values as an en dash), so the three formats cannot disagree and none can
print ``nan`` or ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MISSING = "\u2013"  # what an empty table cell shows


@dataclass
class Table:
    """A table ready to print: a header row and rows of text; ``emphasis`` rows are set in bold."""

    columns: list[str]
    rows: list[list[str]]
    caption: str = ""
    numeric: set[int] = field(default_factory=set)  # column indexes to right-align
    emphasis: set[int] = field(default_factory=set)  # row indexes to set in bold (totals)


@dataclass
class Quote:
    """An exemplar quote with who said it, where, and the reference that finds it again.

    ``reference`` is :meth:`theorize.Project.reference` of the coding; ``anchor`` is unique within
    one report (an HTML id); ``location`` is "turn 14" or a recording time "04:21".
    """

    text: str
    reference: str
    anchor: str
    participant: str
    location: str
    source: str
    code: str
    coder: str

    @property
    def attribution(self) -> str:
        """ "C01, turn 14" or "C02 at 04:21"."""
        if not self.location:
            return self.participant or self.source
        joiner = " at " if ":" in self.location else ", "
        return f"{self.participant or self.source}{joiner}{self.location}"


@dataclass
class CodeEntry:
    """One code of the codebook: a category or a code nested in one."""

    id: int
    name: str
    stage: str
    definition: str
    in_vivo: bool
    codings: int
    participants: int
    participants_total: int
    by_group: list[tuple[str, int, int]]  # (group, participants with the code, participants in group)
    by_participant: list[tuple[str, int]]  # (pseudonym, codings)
    lineage: list[str]  # "renamed from 'x' (3 March 2026)", "grew from 27 initial codes"
    initial_codes: int  # initial codes nested beneath
    quotes: list[Quote] = field(default_factory=list)

    def coverage(self) -> str:
        """ "9 of 12 participants (7 of 8 clients, 2 of 4 counselors); 49 codings"."""
        if not self.codings:
            return "no codings yet"
        groups = [
            f"{have} of {size} {group or 'without a group'}{'s' if group and size != 1 else ''}"
            for group, have, size in self.by_group
            if size
        ]
        text = f"{self.participants} of {self.participants_total} participants" if self.participants_total else ""
        if len(groups) > 1:
            text += f" ({', '.join(groups)})"
        codings = f"{self.codings:,} coding{'s' if self.codings != 1 else ''}"
        return f"{text}; {codings}" if text else codings

    def spread(self, limit: int = 16) -> str:
        """Codings per participant: "C01 4 · C02 3 · …" (the ``limit`` with most codings when there are many)."""
        items = self.by_participant
        rest = 0
        if len(items) > limit:
            top = sorted(items, key=lambda x: (-x[1], x[0]))[:limit]
            rest = len(items) - limit
            items = sorted(top)
        text = " \u00b7 ".join(f"{p} {n}" for p, n in items)
        return text + (f" \u00b7 and {rest} more" if rest else "")

    def facts(self, *, spread: bool = True) -> list[tuple[str, str]]:
        """(label, text) lines every format prints under a code: coverage, spread, lineage."""
        items = []
        if self.codings:
            items.append(("Coded for", self.coverage()))
            if spread and self.by_participant:
                items.append(("By participant", self.spread()))
        if self.lineage:
            items.append(("Lineage", "; ".join(self.lineage)))
        return items


def shape_facts(
    properties: list[str], dimensions: list[str], relations: list[str] | None = None
) -> list[tuple[str, str]]:
    """(label, text) lines for a category's properties, dimensions and relations, where it has them."""
    items = [("Properties", "; ".join(properties))] if properties else []
    items += [("Dimensions", "; ".join(dimensions))] if dimensions else []
    items += [("Relations", " ".join(relations))] if relations else []
    return items


@dataclass
class CategoryEntry(CodeEntry):
    """A category (or the theoretical core) with its nested codes and its place in the model."""

    role: str = ""  # "condition", "stage 2 (Testing)", "core category", ... or "" when not in the model
    properties: list[str] = field(default_factory=list)
    dimensions: list[str] = field(default_factory=list)
    codes: list[CodeEntry] = field(default_factory=list)

    def facts(self, *, spread: bool | None = None) -> list[tuple[str, str]]:
        """Properties and dimensions, then the code facts (the spread only when no codes are nested)."""
        spread = not self.codes if spread is None else spread
        return shape_facts(self.properties, self.dimensions) + super().facts(spread=spread)


@dataclass
class Figure:
    """A figure in the forms the writers need: SVG text for HTML, PNG bytes for DOCX and Markdown."""

    key: str  # "model", "saturation": names the PNG written beside a Markdown report
    caption: str
    alt: str
    png: bytes
    svg: str | None = None


@dataclass
class MemoEntry:
    """A memo for the appendix; ``body`` is the researcher's Markdown, rendered by each writer."""

    id: int
    anchor: str
    title: str
    type: str
    author: str
    date: str
    body: str
    codes: list[str]
    sources: list[str]
    date_sort: str = ""  # ISO date, for ordering

    @property
    def byline(self) -> str:
        return f"{self.type.capitalize()} memo \u00b7 {self.author} \u00b7 {self.date}"


@dataclass
class MemoExcerpt:
    """A memo cited in the model chapter: its first paragraph, pointing to the appendix."""

    memo: MemoEntry
    excerpt: str


@dataclass
class ModelSection:
    """One category of the model written up: its place, relations in words, memos and quotes."""

    category_id: str
    name: str
    place: str  # "Condition", "Stage 2 of 4: Testing", "Core category"
    definition: str
    properties: list[str]
    dimensions: list[str]
    relations: list[str]  # "leads to Finding the person behind the role"
    memos: list[MemoExcerpt]
    quotes: list[Quote]
    further_memos: list[MemoEntry] = field(default_factory=list)  # also linked, not excerpted

    def facts(self) -> list[tuple[str, str]]:
        return shape_facts(self.properties, self.dimensions, self.relations)


@dataclass
class Analysis:
    """An analysis section: present (statement, figure, table) or left out with one line saying why."""

    title: str
    statement: str = ""
    figure: Figure | None = None
    table: Table | None = None
    notes: list[str] = field(default_factory=list)
    omitted: str = ""  # set when the analysis does not apply; the only thing printed then


@dataclass
class ReportContent:
    """Everything a report says, in order."""

    title: str
    research_question: str
    method_notes: str
    generated: str  # "28 November 2026 from demo-study.theorize (theorize 0.1.0)"
    overview: list[str]  # short facts for the opening paragraph
    participants: list[Table]  # one per group
    sources: Table
    coders: Table
    steps: Table
    categories: list[CategoryEntry]
    uncategorised: list[CodeEntry]
    model_figure: Figure | None
    model_omitted: str
    model_sections: list[ModelSection]
    saturation: Analysis
    agreement: Analysis
    memos: list[MemoEntry]
    # the grounded-theory sections (theorize.report.theory_sections.extend)
    method_paragraphs: list[tuple[str, str]] = field(default_factory=list)  # (lead-in, paragraph)
    positionality: list[tuple[str, str, str]] = field(default_factory=list)  # reflexive memos: title, byline, text
    more_analyses: list[Analysis] = field(default_factory=list)  # disagreements, theoretical saturation
    sampling: list[Analysis] = field(default_factory=list)  # theoretical sampling, group comparisons
    model_reference: str = ""  # "Figure 1", once numbered

    def codebook_intro(self) -> str:
        from theorize.report.formatting import listing, plural

        n_cats, n_loose = len(self.categories), len(self.uncategorised)
        n_nested = sum(len(c.codes) for c in self.categories)
        n_initial = sum(c.initial_codes for c in self.categories)
        if not n_cats and not n_loose:
            return "The codebook has no categories or focused codes yet."
        beneath = [plural(n_nested, "code") + " past the initial stage"] if n_nested else []
        if n_initial:
            beneath.append(plural(n_initial, "initial code") + " (counted, not listed)")
        text = plural(n_cats, "category", "categories") if n_cats else "No categories yet"
        if beneath:
            text += f" with {listing(beneath)} beneath them"
        if n_loose:
            text += f"{', and ' if n_cats else '; '}{plural(n_loose, 'focused code')} not yet in a category"
        return (
            f"{text}; each is given with its definition, its history in the codebook, how many participants "
            "it was coded for, and exemplar quotes."
        )

    def memos_intro(self) -> str:
        n = len(self.memos)
        return (
            "No memos have been written."
            if not n
            else "The memo, as written."
            if n == 1
            else f"All {n} memos, in the order they were written."
        )

    def quotes(self) -> list[Quote]:
        """Every quote in the report, in the order it appears."""
        out: list[Quote] = []
        for cat in self.categories:
            out += cat.quotes
            for code in cat.codes:
                out += code.quotes
        for code in self.uncategorised:
            out += code.quotes
        for section in self.model_sections:
            out += section.quotes
        return out
