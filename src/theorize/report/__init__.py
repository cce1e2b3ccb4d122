"""Write-ups of a study: a results report as HTML, Word (DOCX) or Markdown.

The report has the methods (participants, sources, coders, the analysis steps from the audit
trail), the codebook (categories and their codes with definitions, lineage, counts and quotes),
the model (figure, and a section per category from its memos and quotes), saturation and
intercoder agreement where they apply, and every memo in an appendix. Every quote carries its
stable reference (:meth:`theorize.Project.reference`), which :meth:`theorize.Project.trace` and
``theorize trace`` find again.

Examples:
    >>> import theorize
    >>> from theorize.report import write_report
    >>> study = theorize.open_project("demo-study/demo-study.theorize")  # doctest: +SKIP
    >>> write_report(study, "results.html").path  # doctest: +SKIP
    PosixPath('results.html')
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from theorize.errors import InvalidInput
from theorize.report.assemble import ReportOptions, assemble
from theorize.report.content import ReportContent

FORMATS = {"html": ".html", "docx": ".docx", "md": ".md"}
_SUFFIXES = {".html": "html", ".htm": "html", ".docx": "docx", ".md": "md", ".markdown": "md"}

__all__ = [
    "FORMATS",
    "ReportContent",
    "ReportOptions",
    "ReportResult",
    "assemble",
    "default_report_path",
    "report_format",
    "write_report",
]


@dataclass
class ReportResult:
    """What was written: the report, any figure files beside it, what was left out and why."""

    path: Path
    format: str
    files: list[Path]
    quotes: int
    omitted: list[str] = field(default_factory=list)
    seconds: float = 0.0


def report_format(path: str | Path | None, fmt: str | None) -> str:
    """The format asked for, or the one the file name says (.html, .docx, .md).

    Examples:
        >>> report_format("results.docx", None), report_format("notes.txt", "md")
        ('docx', 'md')
    """
    if fmt is not None:
        if fmt not in FORMATS:
            raise InvalidInput(f"{fmt!r} is not a report format; use html, docx or md.")
        return fmt
    suffix = Path(path).suffix.lower() if path is not None else ""
    if suffix not in _SUFFIXES:
        raise InvalidInput(
            f"Cannot tell the report format from {Path(path).name if path else 'no file name'!r}; "
            "name the file .html, .docx or .md, or give the format."
        )
    return _SUFFIXES[suffix]


def default_report_path(study, fmt: str) -> Path:
    """``<project name>-report.<ext>`` next to the project file (in the current folder for a
    PostgreSQL project)."""
    if study.path is not None:
        return study.path.with_name(f"{study.path.stem}-report{FORMATS[fmt]}")
    return Path.cwd() / f"study-report{FORMATS[fmt]}"


def write_report(
    study,
    path: str | Path | None = None,
    *,
    fmt: str | None = None,
    options: ReportOptions | None = None,
    progress: Callable[[str], None] | None = None,
    **option_values,
) -> ReportResult:
    """Write the study's results report.

    Args:
        study: an open project.
        path: the report file; by default ``<project name>-report.<ext>`` next to the project.
        fmt: "html", "docx" or "md"; by default taken from the file name's suffix.
        options: what goes in (see :class:`ReportOptions`); or give its fields as keywords,
            e.g. ``saturation_group="client"``, ``agreement_stage="focused"``.
        progress: called with a few words as each part is built.

    Returns:
        A :class:`ReportResult`; ``files`` lists the report and, for Markdown, the figure PNGs
        written beside it.

    Raises:
        InvalidInput: an unknown format, or a folder that does not exist.

    Examples:
        >>> result = write_report(study, "results.docx", saturation_group=None)  # doctest: +SKIP
        >>> result.omitted  # doctest: +SKIP
        []
    """
    began = time.perf_counter()
    fmt = report_format(path, fmt) if path is not None or fmt is None else fmt
    if fmt not in FORMATS:
        raise InvalidInput(f"{fmt!r} is not a report format; use html, docx or md.")
    target = Path(path) if path is not None else default_report_path(study, fmt)
    if not target.parent.exists():
        raise InvalidInput(f"The folder {target.parent} does not exist.")
    if options is None:
        try:
            options = ReportOptions(**option_values)
        except TypeError as exc:
            raise InvalidInput(f"Unknown report option: {exc}.") from None
    elif option_values:
        raise InvalidInput("Give report options either as `options=` or as keywords, not both.")
    content = assemble(study, options, progress)
    say = progress or (lambda _msg: None)
    say("methods section, theoretical saturation, sampling")
    from theorize.report.theory_sections import extend

    extend(content, study, options)
    say(f"writing {target.name}")
    if fmt == "html":
        from theorize.report.html import write
    elif fmt == "docx":
        from theorize.report.docx import write
    else:
        from theorize.report.markdown import write
    files = write(content, target)
    omitted = [a.omitted for a in (content.saturation, content.agreement) if a.omitted]
    if content.model_omitted:
        omitted.insert(0, content.model_omitted)
    return ReportResult(target, fmt, files, len(content.quotes()), omitted, time.perf_counter() - began)
