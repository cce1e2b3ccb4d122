"""Errors a researcher can read.

Library code raises these; the CLI turns them into one line and exit code 2, the web layer into an
error page or a JSON body. An error carries its *fact* (what is wrong, naming the file or value) and,
where there is one, a *hint* as data: a key saying what to do, which each front end words in its own
terms ("`theorize sources` lists them" in a terminal, "the Study page lists them" in the browser).

Examples:
    >>> err = NotFound("There is no source 'C09.docx' in this project.", hint="list_sources")
    >>> err.fact
    "There is no source 'C09.docx' in this project."
    >>> err.hint
    'list_sources'
    >>> str(err)
    "There is no source 'C09.docx' in this project. The list of sources shows them."
"""

from __future__ import annotations

from typing import Any

#: Front-end-neutral wording of each hint key; the CLI and the web app have their own wordings.
HINTS: dict[str, str] = {
    "list_sources": "The list of sources shows them.",
    "list_codes": "The codebook shows the codes.",
    "list_memos": "The list of memos shows them.",
    "list_participants": "The list of participants shows them.",
    "list_codings": "The transcript shows coding numbers.",
    "list_events": "The history lists the actions and their numbers.",
    "name_by_path": "Name the code by its path (parent/child) or by its id.",
    "try_again": "Try again in a moment.",
    "install_assist": "Install theorize[assist] to use machine help.",
    "install_deid": "Install theorize[deid] to use de-identification.",
    "install_llm": "Install theorize[llm] and name a GGUF model file.",
    "install_postgres": "Install theorize[postgres] to use a PostgreSQL server.",
    "list_users": "`theorize users list` shows the team.",
    "install_team": "Install theorize[team] to serve a team.",
}


class TheorizeError(Exception):
    """Base class of every error theorize raises on purpose.

    Args:
        fact: one sentence saying what is wrong, naming the file, value or thing.
        hint: an optional key of :data:`HINTS` saying what to do; front ends word it.
        **data: facts a front end may use (a source name, an event number).
    """

    def __init__(self, fact: str, hint: str | None = None, **data: Any) -> None:
        super().__init__(fact)
        self.fact = fact
        self.hint = hint
        self.data = data

    def hint_text(self, wordings: dict[str, str] | None = None) -> str:
        """The hint in a front end's words (falling back to the neutral wording), or ''."""
        if not self.hint:
            return ""
        if wordings and self.hint in wordings:
            return wordings[self.hint]
        return HINTS.get(self.hint, "")

    def sentence(self, wordings: dict[str, str] | None = None) -> str:
        """The fact followed by the hint, as one line for a person to read."""
        hint = self.hint_text(wordings)
        return f"{self.fact} {hint}" if hint else self.fact

    def __str__(self) -> str:
        return self.sentence()


class NotFound(TheorizeError):
    """A source, code, memo or other thing the user named does not exist."""


class Conflict(TheorizeError):
    """The action clashes with what is already in the project (a duplicate import, a name in use)."""


class InvalidInput(TheorizeError):
    """A file, value or argument is not usable as given."""


class BackendUnavailable(TheorizeError):
    """An optional component (a database driver, a model, a converter) is not installed or not reachable."""


class Busy(TheorizeError):
    """Another action holds the project's write lock and did not let go in time."""


class Forbidden(TheorizeError):
    """The person acting may not do this (their role, or a blind coding round, does not allow it)."""


__all__ = ["TheorizeError", "NotFound", "Conflict", "InvalidInput", "BackendUnavailable", "Busy", "Forbidden", "HINTS"]
