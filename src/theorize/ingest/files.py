"""Getting a file's bytes: it must exist, be a file, and not be larger than the limit."""

from __future__ import annotations

import os
from pathlib import Path

from theorize.errors import InvalidInput, NotFound

DEFAULT_MAX_BYTES = 100 * 1000 * 1000
"""The largest file theorize reads unless told otherwise: 100 MB."""


def human_size(n: int) -> str:
    """A byte count the way a researcher reads it (decimal units, as file browsers show them).

    Examples:
        >>> human_size(200_000_000), human_size(1_500_000), human_size(2_013), human_size(12)
        ('200 MB', '1.5 MB', '2 KB', '12 bytes')
    """
    for unit, size in (("MB", 1000 * 1000), ("KB", 1000)):
        if n >= size:
            value = n / size
            shown = f"{value:.0f}" if value >= 10 else f"{value:.1f}".removesuffix(".0")
            return f"{shown} {unit}"
    return f"{n} bytes"


def check_size(size: int, filename: str, max_bytes: int) -> None:
    """Refuse a file larger than ``max_bytes``."""
    if size > max_bytes:
        raise InvalidInput(
            f"{filename} is {human_size(size)}, larger than the {human_size(max_bytes)} limit; "
            "split it or raise the limit with --max-size"
        )


def load_bytes(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES, *, releasable: bool = False) -> bytes:
    """The bytes of the file at ``path``, after checking that it exists and is not too large.

    ``releasable=True`` reads them into a bytearray that a text reader empties once it has
    decoded them (``encoding.release``), so a large transcript is not held twice.

    Raises:
        NotFound: there is no file at ``path``.
        InvalidInput: it is a folder, cannot be read, or is larger than ``max_bytes``.
    """
    p = Path(path)
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise NotFound(f"{p} does not exist; check the path and the file name") from None
    except OSError as e:
        raise InvalidInput(f"{p} cannot be read ({e.strerror}); check the path") from None
    if p.is_dir():
        raise InvalidInput(f"{p.name} is a folder, not a file; choose the files inside it")
    check_size(size, p.name, max_bytes)
    try:
        if not releasable:
            return p.read_bytes()
        buffer = bytearray(size)
        with p.open("rb") as f:
            got = f.readinto(buffer)
            rest = f.read()  # the file grew since stat()
        del buffer[got:]
        return buffer + rest if rest else buffer  # type: ignore[return-value]
    except OSError as e:
        raise InvalidInput(f"{p.name} cannot be read ({e.strerror}); check that you may open it") from None
