"""Build the demo study through the public API: import, attributes, codings, memos, relations,
snapshots. `theorize demo DIR` and `make demo` run this."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from importlib import resources
from pathlib import Path

import theorize
from theorize.demo.reference import (
    ReferenceCoding,
    find_quote,
    participant_spans,
    read_codings,
    read_memo,
    read_yaml,
)
from theorize.errors import Conflict, InvalidInput
from theorize.store.files import private_folder

PROJECT_NAME = "demo-study.theorize"


def study_folder() -> Path:
    """The folder of the bundled demo study's files."""
    return Path(str(resources.files("theorize.demo") / "study"))


def _at(day) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


@dataclass
class DemoResult:
    """What the demo built, for the command to print."""

    project: Path
    sources: int = 0
    codings: int = 0
    codes: int = 0
    memos: int = 0
    relations: int = 0
    snapshots: list[str] = field(default_factory=list)
    missed_quotes: list[str] = field(default_factory=list)
    outputs: dict[str, Path] = field(default_factory=dict)


class _DemoBuilder:
    def __init__(self, study: theorize.Project, folder: Path, progress: Callable[[str], None]):
        self.study, self.folder, self.progress = study, folder, progress
        self.codebook = read_yaml(folder / "codebook.yaml")
        self.coders = {c["id"]: c for c in read_yaml(folder / "coders.yaml")["coders"]}
        self.names = {k: v["name"] for k, v in self.codebook["focused_codes"].items()}
        self.merged: dict[str, str] = {}
        self.result = DemoResult(project=Path(study.location))

    # -- codes --------------------------------------------------------------------------------
    def focused(self, code_id: str) -> int:
        """The id of a focused code, creating it the first time it is used."""
        while code_id in self.merged:
            code_id = self.merged[code_id]
        if code_id not in self._focused:
            spec = self.codebook["focused_codes"].get(code_id)
            if spec is None:
                raise InvalidInput(f"The demo refers to an unknown focused code {code_id!r}.")
            self._focused[code_id] = self.study.add_code(
                self.names[code_id],
                stage="focused",
                definition=spec.get("definition", ""),
                in_vivo=code_id == "doing_it_for_me",
            )
        return self._focused[code_id]

    def initial(self, name: str, focused_id: str) -> int:
        """The id of an initial code, nested under the focused code it fed into (if any)."""
        key = (name, focused_id)
        if key not in self._initial:
            parent = self.focused(focused_id) if focused_id else None
            in_vivo = name.startswith('"') and name.endswith('"')
            self._initial[key] = self.study.add_code(name, stage="initial", in_vivo=in_vivo, parent=parent)
        return self._initial[key]

    # -- steps ----------------------------------------------------------------------------------
    def run(self) -> DemoResult:
        self._focused: dict[str, int] = {}
        self._initial: dict[tuple[str, str], int] = {}
        for coder in self.coders.values():
            self.study.add_coder(coder["name"], role=coder.get("role", ""))
        self.progress("participant attributes")
        self.study.import_attributes(self.folder / "participants.csv")
        people = self.study.participants().set_index("participant")
        order = sorted(
            people.index, key=lambda p: (people.loc[p, "group"] != "client", str(people.loc[p, "interview_date"]))
        )
        snapshots = (
            {
                s["after_source"]: s
                for s in (read_yaml(self.folder / "analysis" / "snapshots.yaml") or {}).get("snapshots", [])
            }
            if (self.folder / "analysis" / "snapshots.yaml").exists()
            else {}
        )
        memos = sorted(
            (read_memo(p) for p in (self.folder / "analysis" / "memos").glob("*.md")),
            key=lambda m: (m.date, m.path.name),
        )
        memo_index = 0
        for pid in order:
            path = next((self.folder / "sources").glob(f"{pid}_*"))
            self.progress(f"{path.name}")
            self.study.import_file(path, participant=pid, interviewer=self._interviewer_labels())
            self.result.sources += 1
            self._code_source(path.name, pid)
            nxt = order[order.index(pid) + 1] if pid != order[-1] else None
            cutoff = str(people.loc[nxt, "interview_date"]) if nxt else "9999"
            while memo_index < len(memos) and str(memos[memo_index].date) < cutoff:
                self._write_memo(memos[memo_index])
                memo_index += 1
            if path.name in snapshots:
                self._snapshot(snapshots[path.name])
        while memo_index < len(memos):
            self._write_memo(memos[memo_index])
            memo_index += 1
        self._categories()
        self._property_values()
        codes = self.study.codes()
        self.result.codes = len(codes)
        self.result.codings = len(self.study.codings(with_text=False))
        self.result.relations = len(self.study.relations())
        return self.result

    def _interviewer_labels(self) -> list[str]:
        """How transcripts name the interviewer: "Interviewer", or her name with or without title."""
        name = self.coders["A"]["name"]
        return ["Interviewer", name, name.removeprefix("Dr. ")]

    def _code_source(self, source_name: str, pid: str) -> None:
        text = self.study.text(source_name)
        spans = participant_spans(text, self.study.segments(source_name))
        sheets = sorted((self.folder / "analysis" / "codings").glob(f"{pid}_*.csv"))
        for sheet in sheets:
            initial = "_initial_" in sheet.name
            for row in read_codings(sheet):
                self._apply(row, source_name, text, spans, initial)

    def _apply(self, row: ReferenceCoding, source_name: str, text: str, spans, initial: bool) -> None:
        span = find_quote(text, spans, row.quote, row.occurrence)
        if span is None:
            self.result.missed_quotes.append(f"{row.source}: {row.quote[:50]!r}")
            return
        code = self.initial(row.code, row.focused_code) if initial else self.focused(row.code)
        self.study.code(source_name, code, start=span[0], end=span[1], coder=self.coders[row.coder]["name"])

    def _write_memo(self, memo) -> None:
        codes = [self.focused(c) for c in memo.codes]
        sources = [s for s in memo.sources if s in set(self.study.sources()["name"])]
        self.study.write_memo(
            memo.title,
            memo.body,
            type=memo.type,
            author=self.coders[memo.author]["name"],
            written_on=_at(memo.date),
            codes=codes,
            sources=sources,
        )
        self.result.memos += 1

    def _snapshot(self, spec: dict) -> None:
        for op in spec.get("operations") or []:
            kind = op.get("op")
            if kind == "merge":
                into = self.focused(op["into"])
                sources = [c for c in op["codes"] if c != op["into"]]
                names = [self.focused(c) for c in sources]
                self.study.merge_codes(names, into=into)
                for c in sources:
                    self.merged[c] = op["into"]
            elif kind == "rename":
                old = self.focused(op["code"])
                self.study.rename_code(old, op["to"])
                self.names[op["code"]] = op["to"]
            elif kind == "promote":
                self.study.promote_code(self.focused(op["code"]), op["to"])
            else:
                raise InvalidInput(f"snapshots.yaml has an unknown operation {kind!r}.")
        self.study.snapshot(spec["name"], dated=_at(spec["date"]))
        self.result.snapshots.append(spec["name"])

    def _categories(self) -> None:
        self._category_ids: dict[str, int] = {}
        for cat in self.codebook["categories"]:
            stage = "theoretical" if cat["role"] == "core" else "category"
            cat_id = self.study.add_code(cat["name"], stage=stage, definition=cat.get("definition", ""))
            for fid in cat.get("focused_codes", []):
                if fid not in self.merged and fid in self._focused:
                    self.study.move_code(self._focused[fid], cat_id)
            if cat.get("properties") or cat.get("dimensions"):
                self.study.describe_category(
                    cat_id, properties=cat.get("properties") or (), dimensions=cat.get("dimensions") or ()
                )
            self._category_ids[cat["id"]] = cat_id
        stage_names = {}
        for stage in sorted(self.codebook.get("stages", []), key=lambda s: s["order"]):
            self.study.add_stage(stage["name"])
            stage_names[stage["order"]] = stage["name"]
        for cat in self.codebook["categories"]:
            self.study.place_category(
                self._category_ids[cat["id"]],
                cat["role"],
                stage=stage_names.get(cat.get("stage")) if cat["role"] == "stage" else None,
            )
        by_id = {c["id"]: c["name"] for c in self.codebook["categories"]}
        for rel in self.codebook.get("relations", []):
            if rel["type"] not in self.study.relation_types():  # "leads back to": the loop memo 27 asks for
                self.study.add_relation_type(rel["type"])
            self.study.relate(by_id[rel["source"]], by_id[rel["target"]], rel["type"])

    def _property_values(self) -> None:
        """Set the reference analysis's property and dimension values on the categories' codings:
        each value on the next coding of the category in that interview (analysis/property_values.yaml)."""
        path = self.folder / "analysis" / "property_values.yaml"
        if not path.exists():
            return
        under = self.study.category_codings()
        for pid, by_category in (read_yaml(path).get("values") or {}).items():
            for cat, items in by_category.items():
                mine = under[(under["participant"] == pid) & (under["category_id"] == self._category_ids[cat])]
                ids = sorted({int(c) for c in mine["coding_id"]})
                if not ids:
                    self.result.missed_quotes.append(f"{pid}: no coding of {cat} for its property values")
                    continue
                for n, item in enumerate(items):
                    prop, _, value = (part.strip() for part in item.partition(" = "))
                    self.study.set_property_value(ids[n % len(ids)], prop, value)


def _write_outputs(
    study: theorize.Project, directory: Path, result: DemoResult, progress: Callable[[str], None]
) -> None:
    """The end of the path: the model figure and the write-up, beside the project."""
    from theorize.report import write_report
    from theorize.theory.diagram import render_png, render_svg

    progress("model figure")
    model = study.model()
    render_svg(model, directory / "model.svg")
    render_png(model, directory / "model.png")
    result.outputs["model figure"] = directory / "model.svg"
    result.outputs["model figure (PNG)"] = directory / "model.png"
    for fmt in ("html", "docx"):
        progress(f"{fmt.upper()} report")
        # saturation over the client interviews: the counselors are the next study's sample
        written = write_report(study, directory / f"demo-study-report.{fmt}", fmt=fmt, saturation_group="client")
        result.outputs[f"report ({fmt.upper()})"] = written.path


#: The demo vault's passphrase (the demo is fictional; a real study's passphrase is never written down).
DEMO_PASSPHRASE = "fictional demo vault"
#: The researchers' own names: not participants' identifiers, so on the demo's allow list.
RESEARCHERS = ("Dr. Lena Marsh", "Lena Marsh", "Dr. Marsh", "Marsh", "Lena", "Sam Okoye", "Okoye", "Sam")


def _deidentify(study: theorize.Project, directory: Path, result: DemoResult, progress: Callable[[str], None]) -> None:
    """Scan every transcript, accept what was found (the demo's confirmed key), apply it with the
    demo passphrase; the anonymisation log is written beside the report."""
    from theorize.exchange.tables import write_table

    progress("de-identification")
    for name in RESEARCHERS:
        study.deid_add_term("allow", name)
    study.deid_scan()
    study.deid_decide_all("accept")
    applied = study.deid_apply(DEMO_PASSPHRASE)
    result.outputs["vault (passphrase: " + DEMO_PASSPHRASE + ")"] = applied.vault
    result.outputs["anonymisation log"] = write_table(study.deid_log(), directory / "anonymisation-log.csv")


def build_demo(
    directory: str | Path,
    *,
    progress: Callable[[str], None] | None = None,
    user: str = "Dr. Lena Marsh",
    outputs: bool = True,
    deidentify: bool = False,
) -> DemoResult:
    """Build the demo study in a new folder, then its model figure and report (``outputs``).

    With ``deidentify`` (as `theorize demo` does) the transcripts are scanned, the findings accepted
    and applied before the report, so it shows only pseudonyms; the vault opens with
    :data:`DEMO_PASSPHRASE`.

    Examples:
        >>> from theorize.demo import build_demo
        >>> result = build_demo("demo-study")  # doctest: +SKIP
        >>> result.sources, result.memos  # doctest: +SKIP
        (12, 25)
    """
    directory = Path(directory)
    private_folder(directory)
    target = directory / PROJECT_NAME
    if target.exists():
        raise Conflict(f"{target} exists already; choose an empty folder for the demo.")
    folder = study_folder()
    spec = read_yaml(folder / "codebook.yaml")["study"]
    study = theorize.create_project(
        target,
        title=spec["title"],
        research_question=spec["research_question"],
        method_notes=spec["method_notes"],
        user=user,
    )
    progress = progress or (lambda _msg: None)
    try:
        result = _DemoBuilder(study, folder, progress).run()
        if deidentify:
            _deidentify(study, directory, result, progress)
        if outputs:
            _write_outputs(study, directory, result, progress)
        return result
    finally:
        study.close()
