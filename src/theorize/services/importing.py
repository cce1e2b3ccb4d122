"""Bringing a path into a project: which importer it gets, with which options, and what came of it.

A front end (the CLI's `theorize import`, a web upload, a notebook) names a path and the options
a researcher gave; :func:`importer_for` decides how the path is read and :func:`import_path`
reads it, returning one :class:`ImportOutcome` the front end only has to show.

Examples:
    >>> from pathlib import Path
    >>> importer_for(Path("from_nvivo.qdpx"), ImportOptions()).value
    'refi'
    >>> importer_for(Path("participants.csv"), ImportOptions(attributes=True)).value
    'attributes'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from theorize.errors import Conflict, InvalidInput

if TYPE_CHECKING:
    from theorize.services.participants import AttributeImport
    from theorize.services.sources import Imported

#: Suffixes of REFI-QDA projects and codebooks.
REFI_SUFFIXES = (".qdpx", ".qdc")


class Importer(StrEnum):
    """How a path is read."""

    FILE = "file"  # one transcript or document
    FOLDER = "folder"  # every readable file in a folder, as one action
    REFI = "refi"  # a REFI-QDA project (.qdpx) or codebook (.qdc)
    ATTRIBUTES = "attributes"  # a participant attribute sheet (.csv/.xlsx)
    SURVEY = "survey"  # open-ended survey answers (.csv/.xlsx)


@dataclass(frozen=True)
class ImportOptions:
    """What the researcher said about the files.

    Attributes:
        participant: the pseudonym id a single file belongs to.
        group: the group of a participant made by the import (client, counselor).
        kind: interview, focus group, field note or document.
        interviewer: speaker labels that are the interviewer.
        attributes: the file is a participant attribute sheet.
        survey: the file holds survey answers, one source per "respondent" or per "question".
        max_bytes: refuse files larger than this.
    """

    participant: str | None = None
    group: str = ""
    kind: str | None = None
    interviewer: tuple[str, ...] = ()
    attributes: bool = False
    survey: str | None = None
    max_bytes: int | None = None


@dataclass
class ImportOutcome:
    """What importing one path did."""

    path: Path
    importer: Importer
    imported: list[Imported] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already in the project: one sentence each
    failed: list[str] = field(default_factory=list)  # refused: one sentence each
    refi: Any = None  # the exchange report of a REFI-QDA import
    attributes: AttributeImport | None = None


def importer_for(path: Path, options: ImportOptions) -> Importer:
    """How ``path`` is read, given the options (the decision every front end shares)."""
    if options.attributes and options.survey:
        raise InvalidInput("A file is either an attribute sheet or a survey; give --attributes or --survey, not both.")
    if options.attributes:
        return Importer.ATTRIBUTES
    if options.survey:
        return Importer.SURVEY
    if path.suffix.lower() in REFI_SUFFIXES:
        return Importer.REFI
    if path.is_dir():
        return Importer.FOLDER
    return Importer.FILE


def import_path(
    study: Any, path: Path, options: ImportOptions, progress: Callable[[str, int, int], None] | None = None
) -> ImportOutcome:
    """Import ``path`` into ``study`` with the importer :func:`importer_for` chooses.

    A transcript already in the project is skipped (a sentence in ``skipped``), not an error;
    other failures raise, except inside a folder, where each bad file's sentence goes to
    ``failed`` and the rest come in.
    """
    path = Path(path)
    if not path.exists():
        raise InvalidInput(f"{path} does not exist.")
    importer = importer_for(path, options)
    outcome = ImportOutcome(path, importer)
    interviewer = list(options.interviewer) or None
    if importer is Importer.ATTRIBUTES:
        outcome.attributes = study.import_attributes(path)
    elif importer is Importer.SURVEY:
        outcome.imported = list(study.import_survey(path, per=options.survey))
    elif importer is Importer.REFI:
        outcome.refi = study.import_refi(path)
    elif importer is Importer.FOLDER:
        result = study.import_folder(path, progress=progress, interviewer=interviewer, max_bytes=options.max_bytes)
        outcome.imported = list(result.imported)
        outcome.skipped = [msg for _, msg in result.duplicates]
        outcome.failed = [msg for _, msg in result.failed]
    else:
        try:
            outcome.imported = [
                study.import_file(
                    path,
                    participant=options.participant,
                    group=options.group,
                    kind=options.kind,
                    interviewer=interviewer,
                    max_bytes=options.max_bytes,
                )
            ]
        except Conflict as exc:
            outcome.skipped = [str(exc)]
    return outcome
