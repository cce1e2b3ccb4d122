"""Every file theorize writes is its owner's alone (0600; folders 0700), whatever the umask.

A project holds interviews with people under court supervision: the project file and its SQLite
companions, the migration backup, exports, reports, plots and model drawings must not be readable by
other accounts on the machine. Files are created with the owner-only mode in the ``open`` call itself
(never created readable and tightened later), and an existing file is tightened before it is
overwritten. SQLite gives its ``-wal``, ``-shm`` and ``-journal`` files the mode of the database
file, so a database created owner-only keeps its companions owner-only too.

Examples:
    >>> from theorize.store.files import open_private
    >>> with open_private(tmp / "codings.csv", "w", encoding="utf-8") as fh:  # doctest: +SKIP
    ...     fh.write("id,code\\n")
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO, Any

#: Read and write for the owner, nothing for group and others.
OWNER_ONLY = 0o600
#: A folder only its owner can list or enter.
OWNER_FOLDER = 0o700
#: The files SQLite keeps beside a database.
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")

_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation at the descriptor level


def make_private(path: str | Path) -> None:
    """Take every permission of group and others off an existing file or folder (no-op if absent)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    if mode & 0o077:
        os.chmod(path, stat.S_IMODE(mode) & ~0o077)


def open_private(path: str | Path, mode: str = "w", **kwargs: Any) -> IO:
    """Open ``path`` for writing (``"w"`` or ``"wb"``), created or truncated owner-only.

    ``kwargs`` go to :func:`open` (``encoding``, ``newline``).
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"open_private writes whole files ('w' or 'wb'), not {mode!r}")
    make_private(path)  # an existing file: tightened before its new content goes in
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _BINARY, OWNER_ONLY)
    return os.fdopen(fd, mode, **kwargs)


def write_private(path: str | Path, data: str | bytes, *, encoding: str = "utf-8") -> Path:
    """Write text or bytes to ``path`` owner-only; returns the path."""
    if isinstance(data, bytes):
        with open_private(path, "wb") as fh:
            fh.write(data)
    else:
        with open_private(path, "w", encoding=encoding, newline="") as fh:
            fh.write(data)
    return Path(path)


def private_folder(path: str | Path) -> Path:
    """Make a folder (and its missing parents) that only its owner can enter; an existing folder is
    left as it is (it may be the researcher's own)."""
    path = Path(path)
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=OWNER_FOLDER, exist_ok=True)
        make_private(folder)  # mkdir's mode is cut by the umask, never widened; this is for umask 0
    return path


def create_private_database(path: str | Path) -> None:
    """Before SQLite opens ``path``: create it empty and owner-only if missing (SQLite then gives its
    companions the same mode), or tighten it and any companions an older theorize left readable.

    A file owned by another account (a shared folder) cannot be changed by us and is left as it is.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, OWNER_ONLY)
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return  # no folder, or not ours to write: SQLite says so in its own words when it opens it
    except FileExistsError:
        for name in (str(path), *(f"{path}{suffix}" for suffix in SQLITE_COMPANIONS)):
            try:
                make_private(name)
            except PermissionError:
                pass  # not ours to change: the owner's umask decided
    else:
        os.close(fd)
