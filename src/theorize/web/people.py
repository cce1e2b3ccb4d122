"""Who is asking: one place that says who the person behind a request is and what they may do.

Today the workbench serves one researcher on their own machine: the person is the project's user.
A team server replaces :func:`current_person` (accounts, sessions) and keeps the role checks here.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from theorize.errors import Forbidden

#: What each role may do. Pages only read; every write route names the permission it needs.
ROLES: dict[str, frozenset[str]] = {
    "owner": frozenset({"read", "code", "memo", "codebook", "import", "model", "adjudicate", "export", "undo"}),
    "coder": frozenset({"read", "code", "memo", "undo"}),
    "viewer": frozenset({"read"}),
}


@dataclass(frozen=True)
class Person:
    name: str
    role: str = "owner"

    def may(self, permission: str) -> bool:
        return permission in ROLES.get(self.role, frozenset())


def current_person(request: Request) -> Person:
    """The person behind this request: on a team server, who signed in (found by
    :class:`theorize.web.auth.Accounts`); on a local workbench, the project's user."""
    return request.scope.get("state", {}).get("person") or request.app.state.person


def require(person: Person, permission: str) -> None:
    """Refuse an action the person's role does not allow."""
    if not person.may(permission):
        raise Forbidden(f"{person.name} ({person.role}) may not do this.")
