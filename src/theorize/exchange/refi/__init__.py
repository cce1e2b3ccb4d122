"""REFI-QDA exchange: ``.qdpx`` projects and ``.qdc`` codebooks in and out, through a canonical model.

Examples:
    >>> from theorize.exchange.refi import read_qdpx, write_qdpx, canonical
    >>> project, report = read_qdpx("study.qdpx")  # doctest: +SKIP
    >>> write_qdpx(project, "copy.qdpx").summary()  # doctest: +SKIP
"""

from .canonical import canonical
from .model import (
    Case,
    Code,
    Coding,
    Graph,
    Link,
    Note,
    RefiProject,
    Selection,
    Set,
    Source,
    User,
    Variable,
    VariableValue,
    guid_for,
    normalise_guid,
)
from .read import read_qdc, read_qdpx
from .report import ExchangeReport, NotCarried
from .write import write_qdc, write_qdpx

__all__ = [
    "Case",
    "Code",
    "Coding",
    "ExchangeReport",
    "Graph",
    "Link",
    "NotCarried",
    "Note",
    "RefiProject",
    "Selection",
    "Set",
    "Source",
    "User",
    "Variable",
    "VariableValue",
    "canonical",
    "guid_for",
    "normalise_guid",
    "read_qdc",
    "read_qdpx",
    "write_qdc",
    "write_qdpx",
]
