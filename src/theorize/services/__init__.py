"""Services: the only code that writes. One transaction and one audit event per user action."""

from theorize.services.project import Project

__all__ = ["Project"]
