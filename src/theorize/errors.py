"""Errors a researcher can read.

Library code raises these; the CLI turns them into one line and exit code 2, the web layer into an
error page. Every message names the file or value and says what to do.
"""

from __future__ import annotations


class TheorizeError(Exception):
    """Base class of every error theorize raises on purpose."""


class NotFound(TheorizeError):
    """A source, code, memo or other thing the user named does not exist."""


class Conflict(TheorizeError):
    """The action clashes with what is already in the project (a duplicate import, a name in use)."""


class InvalidInput(TheorizeError):
    """A file, value or argument is not usable as given."""


class BackendUnavailable(TheorizeError):
    """An optional component (a database driver, a model, a converter) is not installed or not reachable."""


__all__ = ["TheorizeError", "NotFound", "Conflict", "InvalidInput", "BackendUnavailable"]
