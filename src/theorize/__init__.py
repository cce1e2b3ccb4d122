"""theorize: from interview transcripts to a constructivist grounded theory, offline.

Examples:
    >>> import theorize
    >>> study = theorize.open_project("study.theorize")  # doctest: +SKIP
    >>> study.codes().head()  # doctest: +SKIP
"""

from typing import TYPE_CHECKING

from theorize.errors import BackendUnavailable, Conflict, InvalidInput, NotFound, TheorizeError

if TYPE_CHECKING:
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


def __getattr__(name: str):
    """Project, create_project and open_project, imported when first used: `import theorize` (and
    every command's start-up) does not pay for the services until a project is opened."""
    if name in ("Project", "create_project", "open_project"):
        from theorize.services import project

        return getattr(project, name)
    raise AttributeError(f"module 'theorize' has no attribute {name!r}")
