"""The codebook chapter: each category with the codes nested in it, their definitions, lineage,
counts by participant and exemplar quotes.

A *category* here is a code of stage "category" or "theoretical" with no category above it; the
codes listed under it are its direct sub-codes past the initial stage (focused codes, and
sub-categories promoted from them); initial codes are counted, not listed. A code's counts are
its own codings plus those of the non-initial codes beneath it (all codes beneath when those hold
no coding, as when initial codes were placed under a category without a focused pass), so initial
and focused passes on the same words are not added up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container

import pandas as pd

from theorize.domain.theory import CategoryRole, TheoryModel
from theorize.report.content import CategoryEntry, CodeEntry
from theorize.report.formatting import day, is_missing, plural
from theorize.report.quotes import QuotePicker

CATEGORY_STAGES = ("category", "theoretical")


class CodeTree:
    """The live codebook as a tree (from ``study.codes()``), and merged codes' names mapped to where
    they went (from ``study.codes(include_merged=True)``)."""

    def __init__(self, codes: pd.DataFrame, all_codes: pd.DataFrame):
        self.rows = {int(r.id): r for r in codes.itertuples()}
        self.children: dict[int | None, list[int]] = defaultdict(list)
        for r in codes.itertuples():
            parent = None if is_missing(r.parent_id) else int(r.parent_id)
            self.children[parent if parent in self.rows else None].append(int(r.id))
        merged_into = {
            int(r.id): int(r.merged_into_id) for r in all_codes.itertuples() if not is_missing(r.merged_into_id)
        }
        self.ids_by_name: dict[str, set[int]] = defaultdict(set)
        for r in all_codes.itertuples():
            target, seen = int(r.id), set()
            while target in merged_into and target not in seen:
                seen.add(target)
                target = merged_into[target]
            if target in self.rows:
                self.ids_by_name[r.name].add(target)

    def descendants(self, code_id: int) -> list[int]:
        out, stack = [], list(self.children.get(code_id, []))
        while stack:
            cid = stack.pop()
            out.append(cid)
            stack.extend(self.children.get(cid, []))
        return out

    def top_categories(self) -> list[int]:
        """Category-stage codes with no category above them."""
        out = []
        for cid, r in self.rows.items():
            if r.stage not in CATEGORY_STAGES:
                continue
            node, inside = r, False
            while not is_missing(node.parent_id) and int(node.parent_id) in self.rows:
                node = self.rows[int(node.parent_id)]
                if node.stage in CATEGORY_STAGES:
                    inside = True
                    break
            if not inside:
                out.append(cid)
        return out

    def counted(self, code_id: int, coded: Container[int] | None = None) -> list[int]:
        """The codes whose codings count for this one (see the module docstring): itself and the
        codes past the initial stage beneath it; all the codes beneath when none of those holds a
        coding (``coded``: the codes that do; None: not known), as when initial codes were only placed
        under it."""
        below = self.descendants(code_id)
        later = [c for c in below if self.rows[c].stage != "initial"]
        chosen = [code_id, *later]
        if coded is None or any(c in coded for c in chosen):
            return chosen
        return [code_id, *below]

    def category_of(self, code_id: int, categories: set[int]) -> int | None:
        node: int | None = code_id
        seen: set[int] = set()
        while node is not None and node not in seen:
            if node in categories:
                return node
            seen.add(node)
            parent = self.rows[node].parent_id if node in self.rows else None
            node = None if parent is None or is_missing(parent) else int(parent)
        return None


def model_order(model: TheoryModel) -> list[str]:
    """Category ids in reading order: conditions, stages in order, context, consequences, core."""
    by_role = defaultdict(list)
    for c in model.categories:
        by_role[c.role].append(c.id)
    staged = [cid for s in sorted(model.stages, key=lambda s: s.order) for cid in s.category_ids]
    stage_rest = [c for c in by_role[CategoryRole.STAGE] if c not in staged]
    return (
        by_role[CategoryRole.CONDITION]
        + staged
        + stage_rest
        + by_role[CategoryRole.CONTEXT]
        + by_role[CategoryRole.CONSEQUENCE]
        + by_role[CategoryRole.CORE]
    )


def model_place(model: TheoryModel, category_id: str) -> str:
    """Where a category sits, in words: "Condition", "Stage 2 of 4: Testing", "Core category"."""
    cat = model.category(category_id)
    if cat.role == CategoryRole.STAGE:
        for s in model.stages:
            if category_id in s.category_ids:
                return f"Stage {s.order} of {len(model.stages)}: {s.name}"
        return "Stage"
    return {
        CategoryRole.CONDITION: "Condition",
        CategoryRole.CONSEQUENCE: "Consequence",
        CategoryRole.CONTEXT: "Context",
        CategoryRole.CORE: "Core category",
    }[cat.role]


def lineage_notes(lineage: pd.DataFrame, name: str) -> list[str]:
    """A code's history from ``study.lineage``: renames, merges, splits and promotions, dated,
    following merges and splits back through the codes that went into it."""
    names, notes = {name}, []
    events = lineage[lineage["how"] != "nested"].sort_values(["depth", "at"], na_position="last")
    for r in events.itertuples():
        if r.code not in names:
            continue
        when = "" if is_missing(r.at) else f" ({day(r.at)})"
        if r.how == "renamed":
            old = str(r.detail).split(" -> ")[0]
            notes.append(f"renamed from \u201c{old}\u201d{when}")
        elif r.how == "merged":
            notes.append(f"\u201c{r.origin}\u201d merged into it{when}")
            names.add(r.origin)
        elif r.how == "split":
            notes.append(f"split from \u201c{r.origin}\u201d ({r.detail}){when}")
            names.add(r.origin)
        elif r.how == "promoted":
            stages = str(r.detail).replace(" -> ", " to ")
            notes.append(f"promoted from {stages}{when}")
        else:
            notes.append(f"{r.how} from \u201c{r.origin}\u201d{when}")
    return notes


class CodebookBuilder:
    """Builds the codebook's entries from the project's tables."""

    def __init__(
        self,
        study,
        tree: CodeTree,
        codings: pd.DataFrame,
        participant_of: dict[int, str],
        groups: dict[str, str],
        picker: QuotePicker,
        quotes_per_code: int = 2,
    ):
        self.study, self.tree, self.picker, self.k = study, tree, picker, quotes_per_code
        self.participant_of, self.groups = participant_of, groups
        self.by_code = {int(c): g for c, g in codings.groupby("code_id")}
        self.group_sizes = pd.Series(groups).value_counts().to_dict() if groups else {}
        self.empty = codings.iloc[0:0]

    def codings_for(self, code_ids) -> pd.DataFrame:
        parts = [self.by_code[c] for c in code_ids if c in self.by_code]
        return pd.concat(parts) if parts else self.empty

    def entry(self, code_id: int, lineage: pd.DataFrame, *, quotes: bool, cls=CodeEntry, **extra) -> CodeEntry:
        row = self.tree.rows[code_id]
        frame = self.codings_for(self.tree.counted(code_id, self.by_code))
        people = frame["source_id"].map(lambda s: self.participant_of.get(int(s))).dropna()
        per_person = people.value_counts()
        by_group = []
        for group, size in sorted(self.group_sizes.items()):
            have = sum(1 for p in per_person.index if self.groups.get(p) == group)
            by_group.append((group, have, int(size)))
        initial = sum(1 for c in self.tree.descendants(code_id) if self.tree.rows[c].stage == "initial")
        notes = lineage_notes(lineage, row.name)
        if initial:
            notes.append(f"grew from {plural(initial, 'initial code')}")
        return cls(
            id=code_id,
            name=row.name,
            stage=row.stage,
            definition="" if is_missing(row.definition) else str(row.definition),
            in_vivo=bool(row.in_vivo),
            codings=len(frame),
            participants=len(per_person),
            participants_total=len(self.groups),
            by_group=by_group,
            by_participant=sorted((str(p), int(n)) for p, n in per_person.items()),
            lineage=notes,
            initial_codes=initial,
            quotes=self.picker.pick(frame["id"], self.k) if quotes else [],
            **extra,
        )

    def categories(self, model: TheoryModel, progress) -> list[CategoryEntry]:
        order = {cid: i for i, cid in enumerate(model_order(model))}
        tops = sorted(
            self.tree.top_categories(), key=lambda c: (order.get(str(c), len(order)), self.tree.rows[c].name.lower())
        )
        placed = {c.id for c in model.categories}
        out = []
        for cid in tops:
            progress(f"codebook: {self.tree.rows[cid].name}")
            lineage = self.study.lineage(cid)
            nested = [c for c in self.tree.children.get(cid, []) if self.tree.rows[c].stage != "initial"]
            nested.sort(key=lambda c: self.tree.rows[c].name.lower())
            cat = model.category(str(cid)) if str(cid) in placed else None
            entry = self.entry(
                cid,
                lineage,
                quotes=not nested,
                cls=CategoryEntry,
                role=model_place(model, str(cid)) if cat else "",
                properties=list(cat.properties) if cat else [],
                dimensions=list(cat.dimensions) if cat else [],
            )
            assert isinstance(entry, CategoryEntry)  # made with cls=CategoryEntry
            entry.codes = [self.entry(c, lineage, quotes=True) for c in nested]
            out.append(entry)
        return out

    def uncategorised(self, categories: set[int]) -> list[CodeEntry]:
        """Focused codes that no category holds yet."""
        loose = [
            cid
            for cid, r in self.tree.rows.items()
            if r.stage == "focused" and self.tree.category_of(cid, categories) is None
        ]
        out = []
        for cid in sorted(loose, key=lambda c: self.tree.rows[c].name.lower()):
            out.append(self.entry(cid, self.study.lineage(cid), quotes=True))
        return out
