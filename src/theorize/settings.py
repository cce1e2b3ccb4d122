"""Every setting once, as data: its name, environment variable, default and help.

The CLI builds its options from these and the docs list them; nothing is read at import time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: object
    help: str
    type: type = str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "project",
        "THEORIZE_PROJECT",
        None,
        "The project: a .theorize file or a postgresql:// URL. Default: the one .theorize file in this folder.",
    ),
    Setting(
        "user",
        "THEORIZE_USER",
        None,
        "Who is working; recorded as coder and in the audit trail. Default: your login name.",
    ),
    Setting("max_size_mb", "THEORIZE_MAX_SIZE_MB", 100, "The largest file, in MB, that import reads.", int),
    Setting(
        "lock_wait",
        "THEORIZE_LOCK_WAIT",
        120.0,
        "Seconds a command waits while another action (an import, a colleague's change) holds the project, "
        "before it gives up and says so.",
        float,
    ),
)


def setting(name: str) -> Setting:
    for s in SETTINGS:
        if s.name == name:
            return s
    raise KeyError(name)


def resolve(name: str, given=None):
    """A setting's value: given explicitly, else from its environment variable, else its default."""
    s = setting(name)
    if given is not None:
        return given
    raw = os.environ.get(s.env)
    if raw is not None and raw != "":
        return s.type(raw)
    return s.default
