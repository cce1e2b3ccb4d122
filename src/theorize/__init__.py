"""theorize: from interview transcripts to a constructivist grounded theory, offline.

Examples:
    >>> import theorize
    >>> study = theorize.open_project("study.theorize")  # doctest: +SKIP
    >>> study.codes().head()  # doctest: +SKIP
"""

from theorize.errors import BackendUnavailable, Conflict, InvalidInput, NotFound, TheorizeError
from theorize.services.project import Project, create_project, open_project

__version__ = "0.1.0"

__all__ = [
    "Project",
    "create_project",
    "open_project",
    "TheorizeError",
    "NotFound",
    "Conflict",
    "InvalidInput",
    "BackendUnavailable",
]
