"""The model chapter: the figure, and a section per category assembled from its memos and quotes.

A memo belongs to a category when it is linked to the category or to any code inside it (codes
merged away count for the code they went into). The core category gathers the theoretical memos
that link codes of half the model's categories or more: those are the memos that integrate it.
"""

from __future__ import annotations

from collections import defaultdict

from theorize.domain.theory import TheoryModel
from theorize.errors import InvalidInput
from theorize.report.codebook import CodeTree, model_order, model_place
from theorize.report.content import Figure, MemoEntry, MemoExcerpt, ModelSection
from theorize.report.formatting import excerpt, listing, plural
from theorize.report.memotext import first_paragraph
from theorize.report.quotes import QuotePicker

MEMOS_PER_SECTION = 3
INTEGRATING = 3  # a theoretical memo linking at least this many categories (and half) speaks to the core


def model_figure(model: TheoryModel) -> Figure:
    """The model diagram as SVG (for HTML) and PNG (for DOCX and Markdown).

    Raises:
        InvalidInput: the model has no categories to draw.
    """
    from theorize.theory.diagram import to_png, to_svg

    if not model.categories:
        raise InvalidInput("No categories are placed in the model yet.")
    stages = listing([s.name for s in sorted(model.stages, key=lambda s: s.order)])
    caption = (
        f"The theoretical model: {plural(len(model.categories), 'category', 'categories')}"
        + (f", stages {stages}" if stages else "")
        + f", {plural(len(model.relations), 'relation')}."
    )
    alt = "Diagram of the model. " + "; ".join(
        f"{model.category(r.source_id).name} {r.label} {model.category(r.target_id).name}" for r in model.relations
    )
    return Figure("model", caption, alt, png=to_png(model, dpi=200), svg=to_svg(model))


def memo_categories(memos, tree: CodeTree, categories: set[int]) -> dict[int, dict[int, int]]:
    """memo id -> {category id: how many of the memo's linked codes lie in it}."""
    out: dict[int, dict[int, int]] = {}
    for m in memos.itertuples():
        counts: dict[int, int] = defaultdict(int)
        for name in m.codes:
            for cid in tree.ids_by_name.get(name, ()):
                cat = tree.category_of(cid, categories)
                if cat is not None:
                    counts[cat] += 1
        out[int(m.id)] = dict(counts)
    return out


def relation_sentences(model: TheoryModel, category_id: str) -> list[str]:
    out = []
    for r in model.relations:
        if category_id in (r.source_id, r.target_id):
            out.append(f"{model.category(r.source_id).name} {r.label} {model.category(r.target_id).name}.")
    return out


def memo_homes(
    links: dict[int, dict[int, int]], types: dict[int, str], order: list[int], core: int | None
) -> dict[int, int]:
    """The one category each memo is excerpted under: where most of its linked codes lie (the
    earlier category in the model on a tie); the core for a theoretical memo that links codes of
    half the categories or more."""
    rank = {c: i for i, c in enumerate(order)}
    wide = max(INTEGRATING, (len(order) - (core is not None)) // 2)
    homes = {}
    for mid, counts in links.items():
        if not counts:
            continue
        if core is not None and types[mid] == "theoretical" and len(counts) >= wide:
            homes[mid] = core
        else:
            homes[mid] = min(counts, key=lambda c: (-counts[c], rank.get(c, len(rank))))
    return homes


def model_sections(
    model: TheoryModel,
    tree: CodeTree,
    memos,
    entries: dict[int, MemoEntry],
    picker: QuotePicker,
    codings_of,
    quotes_per_category: int = 3,
    progress=None,
) -> list[ModelSection]:
    """One section per category of the model, in reading order.

    Each memo is excerpted once, under its home category (:func:`memo_homes`); a section with
    fewer than two excerpts of its own borrows memos not excerpted anywhere yet. Other linked
    memos are named with a link to the appendix.

    Args:
        model: ``study.model()``.
        tree: the codebook tree.
        memos: ``study.memos()``.
        entries: memo id -> its appendix entry (for titles, dates and anchors).
        picker: chooses the quotes (passages quoted earlier are avoided where there is a choice).
        codings_of: code ids -> accepted codings counted for them (``CodebookBuilder.codings_for``).
    """
    placed = {int(c.id) for c in model.categories if c.id.isdigit()}
    categories = set(tree.top_categories()) | placed
    links = memo_categories(memos, tree, categories)
    types = {int(m.id): m.type for m in memos.itertuples()}
    core = int(model.core_category_id) if model.core_category_id and model.core_category_id.isdigit() else None
    order = [int(c) for c in model_order(model) if c.isdigit()]
    homes = memo_homes(links, types, order, core)

    def ranked(key: int | None) -> list[int]:
        related = {mid: c.get(key, 0) for mid, c in links.items() if key in c}
        related.update({mid: len(links[mid]) for mid, home in homes.items() if home == key and mid not in related})
        return sorted(related, key=lambda m: (-related[m], types[m] != "theoretical", entries[m].date_sort, m))

    lists = {cid: ranked(int(cid) if cid.isdigit() else None) for cid in model_order(model)}
    excerpted: dict[str, list[int]] = {}
    for cid, memo_ids in lists.items():
        own = [m for m in memo_ids if homes.get(m) == (int(cid) if cid.isdigit() else None)]
        excerpted[cid] = own[:MEMOS_PER_SECTION]
    shown = {m for ids in excerpted.values() for m in ids}
    for cid, memo_ids in lists.items():
        for m in memo_ids:
            if len(excerpted[cid]) >= 2:
                break
            if m not in shown:
                excerpted[cid].append(m)
                shown.add(m)

    sections = []
    for cid in model_order(model):
        cat = model.category(cid)
        if progress:
            progress(f"model: {cat.name}")
        key = int(cid) if cid.isdigit() else None
        excerpts = [MemoExcerpt(entries[m], excerpt(first_paragraph(entries[m].body))) for m in excerpted[cid]]
        others = sorted((m for m in lists[cid] if m not in excerpted[cid]), key=lambda m: (entries[m].date_sort, m))
        quotes = []
        if key is not None and key in tree.rows:
            frame = codings_of(tree.counted(key))
            if frame.empty:  # only initial codes, placed beneath without a focused pass
                frame = codings_of([key, *tree.descendants(key)])
            quotes = picker.pick(frame["id"], quotes_per_category)
        sections.append(
            ModelSection(
                category_id=cid,
                name=cat.name,
                place=model_place(model, cid),
                definition=cat.definition,
                properties=list(cat.properties),
                dimensions=list(cat.dimensions),
                relations=relation_sentences(model, cid),
                memos=excerpts,
                quotes=quotes,
                further_memos=[entries[m] for m in others],
            )
        )
    return sections
