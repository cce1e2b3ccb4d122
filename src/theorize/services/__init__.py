"""Services: the only code that writes. One transaction and one audit event per user action."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from theorize.services.project import Project

__all__ = ["Project"]


def __getattr__(name: str):
    if name == "Project":
        from theorize.services.project import Project

        return Project
    raise AttributeError(f"module 'theorize.services' has no attribute {name!r}")
