"""Files in, domain objects out: transcripts, documents, captions, surveys, attribute sheets.

``read_source`` reads .txt, .md, .docx, .pdf, .odt, .rtf, .html/.htm, .vtt and .srt files into a
``ParsedSource`` (text plus speaker turns); ``read_survey`` turns open-ended survey answers into
sources; ``read_attributes`` reads a participant attribute sheet; ``split_sentences`` and
``split_lines`` cut a span into units for coding. Offsets are code points into the text.

Examples:
    >>> from theorize.ingest import read_source_bytes
    >>> src = read_source_bytes(b"I: How did it start?\\nP3: With the judge.", "c03.txt")
    >>> [(t.speaker, t.role.value, src.text[t.start:t.end]) for t in src.turns]
    [('I', 'interviewer', 'How did it start?'), ('P3', 'participant', 'With the judge.')]
"""

from typing import TYPE_CHECKING, Any

from theorize.ingest.files import DEFAULT_MAX_BYTES
from theorize.ingest.layout import ReadRequest
from theorize.ingest.registry import (
    READERS,
    READERS_BY_SUFFIX,
    ReaderEntry,
    SourceReader,
    read_source,
    read_source_bytes,
    reader_for,
    supported_suffixes,
)
from theorize.ingest.sentences import split_lines, split_sentences
from theorize.ingest.turns import SpeakerOverride, SpeakerRoles, detect_turns

if TYPE_CHECKING:
    from theorize.ingest.attributes import ATTRIBUTE_TYPES, AttributeSheet, read_attributes, read_attributes_bytes
    from theorize.ingest.survey import read_survey, read_survey_bytes

# Sheets (surveys, attributes) need pandas: imported when first asked for, so reading a
# transcript, and every command that does not read a sheet, starts without it.
_SHEETS = {
    "ATTRIBUTE_TYPES": "attributes",
    "AttributeSheet": "attributes",
    "read_attributes": "attributes",
    "read_attributes_bytes": "attributes",
    "read_survey": "survey",
    "read_survey_bytes": "survey",
}


def __getattr__(name: str) -> Any:
    module = _SHEETS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"theorize.ingest.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "ATTRIBUTE_TYPES",
    "AttributeSheet",
    "DEFAULT_MAX_BYTES",
    "READERS",
    "READERS_BY_SUFFIX",
    "ReadRequest",
    "ReaderEntry",
    "SourceReader",
    "SpeakerOverride",
    "SpeakerRoles",
    "detect_turns",
    "read_attributes",
    "read_attributes_bytes",
    "read_source",
    "read_source_bytes",
    "read_survey",
    "read_survey_bytes",
    "reader_for",
    "split_lines",
    "split_sentences",
    "supported_suffixes",
]
