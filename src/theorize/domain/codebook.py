"""Codebook vocabulary and the comparison of two codebook snapshots. Pure; no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Stage(str, Enum):
    """Where a code stands in grounded theory coding, in the order codes move through."""

    INITIAL = "initial"
    FOCUSED = "focused"
    CATEGORY = "category"
    THEORETICAL = "theoretical"

    @property
    def rank(self) -> int:
        return list(Stage).index(self)


class MemoType(str, Enum):
    """The memos a grounded theorist writes."""

    CODE = "code"
    THEORETICAL = "theoretical"
    REFLEXIVE = "reflexive"  # reflexive or methodological
    SAMPLING = "sampling"  # a sampling decision


class CodingStatus(str, Enum):
    """Human codings are accepted; machine suggestions wait as pending until a person decides."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


def counts(status: Any) -> Any:
    """The one rule for which codings count, in every view and analysis: accepted ones, whether a
    person made them or a person accepted a machine's suggestion. Pending suggestions and rejected
    codings do not count (views still list pending ones, with their status).

    Works on one status (gives a bool), a pandas Series of statuses (a boolean Series), or the SQL
    column ``coding.status`` (a condition). Services use it as ``theorize.services.coding.counts``.

    Examples:
        >>> counts("accepted"), counts("pending"), counts("rejected")
        (True, False, False)
    """
    return status == CodingStatus.ACCEPTED.value


BUILTIN_RELATION_TYPES = (
    "is a condition for",
    "leads to",
    "is a property of",
    "is part of",
    "contrasts with",
)

ATTRIBUTE_TYPES = ("text", "number", "date", "yes/no", "category")


@dataclass
class SnapshotDiff:
    """What changed in the codebook between two snapshots, in grounded theory's verbs."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    merged: list[tuple[list[str], str]] = field(default_factory=list)  # (codes, into)
    split: list[tuple[str, str]] = field(default_factory=list)  # (from, new code)
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (old name, new name)
    promoted: list[tuple[str, str, str]] = field(default_factory=list)  # (code, from stage, to stage)
    redefined: list[str] = field(default_factory=list)
    moved: list[tuple[str, str | None, str | None]] = field(default_factory=list)  # (code, old parent, new parent)

    def is_empty(self) -> bool:
        return not any(vars(self).values())

    def lines(self) -> list[str]:
        """The diff as sentences, one per change."""
        out = [f"added: {n}" for n in self.added]
        out += [f"removed: {n}" for n in self.removed]
        out += [f"merged: {', '.join(a)} -> {b}" for a, b in self.merged]
        out += [f"split: {a} -> {b}" for a, b in self.split]
        out += [f"renamed: {a} -> {b}" for a, b in self.renamed]
        out += [f"promoted: {c} ({a} -> {b})" for c, a, b in self.promoted]
        out += [f"redefined: {n}" for n in self.redefined]
        out += [f"moved: {c} (under {a or 'the top'} -> under {b or 'the top'})" for c, a, b in self.moved]
        return out


def diff_snapshots(before: dict[str, Any], after: dict[str, Any]) -> SnapshotDiff:
    """Compare two snapshot contents (as stored: ``{"codes": [...], "lineage": [...]}``).

    Codes are matched by id, never by name, so a rename is a rename and two codes with one name in
    different branches stay two codes.
    """
    old = {c["id"]: c for c in before["codes"]}
    new = {c["id"]: c for c in after["codes"]}
    names = {**{i: c["name"] for i, c in old.items()}, **{i: c["name"] for i, c in new.items()}}
    diff = SnapshotDiff()
    old_lineage = {(e["code_id"], e["origin_code_id"], e["kind"]) for e in before.get("lineage", [])}
    split_targets = set()
    for e in after.get("lineage", []):
        key = (e["code_id"], e["origin_code_id"], e["kind"])
        if e["kind"] == "split" and key not in old_lineage:
            diff.split.append((names.get(e["origin_code_id"], str(e["origin_code_id"])), names[e["code_id"]]))
            split_targets.add(e["code_id"])
    merged_into: dict[int, list[str]] = {}
    for cid, c in new.items():
        o = old.get(cid)
        if o is None:
            if cid not in split_targets and not c.get("merged_into_id"):
                diff.added.append(c["name"])
            continue
        if c.get("merged_into_id") and not o.get("merged_into_id"):
            merged_into.setdefault(c["merged_into_id"], []).append(o["name"])
            continue
        if c["name"] != o["name"]:
            diff.renamed.append((o["name"], c["name"]))
        if c["stage"] != o["stage"]:
            diff.promoted.append((c["name"], o["stage"], c["stage"]))
        if c.get("definition", "") != o.get("definition", ""):
            diff.redefined.append(c["name"])
        if c.get("parent_id") != o.get("parent_id"):
            diff.moved.append((c["name"], names.get(o.get("parent_id")), names.get(c.get("parent_id"))))
    for target, sources in merged_into.items():
        diff.merged.append((sorted(sources), names.get(target, str(target))))
    diff.removed = [o["name"] for cid, o in old.items() if cid not in new]
    return diff
