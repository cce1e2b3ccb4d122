"""The vault: the identified originals and the key, in one file apart from the project, encrypted.

AES-256-GCM (``cryptography``) with a 256-bit key derived from the passphrase by scrypt
(n=2**15, r=8, p=1) and a random 16-byte salt; a fresh 12-byte nonce on every write. The file is
one line of JSON naming the format and the scrypt parameters (authenticated as associated data),
then the ciphertext. Without the passphrase nothing in it can be read; a wrong passphrase or a
changed file is refused in one sentence. Written owner-only, to a temporary file renamed over the
old one, so a crash leaves the old vault whole.

What it holds (``content``, JSON): ``key`` (entities, their forms and replacements: pseudonyms.Key),
``originals`` (each withheld text by its SHA-256: older text versions, audit images, summaries),
``deny`` (the deny list once applied) and ``shifts`` (days per participant for shifted dates).

Examples:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "study.vault"
    >>> write_vault(path, "correct horse", {"originals": {"ab": "Judge Harmon"}}, n=2**10)
    >>> read_vault(path, "correct horse")["originals"]["ab"]
    'Judge Harmon'
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

from theorize.errors import InvalidInput

FORMAT = "theorize-vault/1"
SCRYPT_N = 2**15


def _key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def empty() -> dict[str, Any]:
    """What a new vault holds."""
    return {"key": None, "originals": {}, "deny": [], "shifts": {}}


def read_vault(path: str | Path, passphrase: str) -> dict[str, Any]:
    """The vault's content; a new, empty content when there is no vault yet."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    path = Path(path)
    if not passphrase:
        raise InvalidInput("The vault needs a passphrase, and the one given is empty.")
    if not path.exists():
        return empty()
    head, _, body = path.read_bytes().partition(b"\n")
    try:
        header = json.loads(head)
        if header.get("format") != FORMAT:
            raise ValueError
        salt, nonce = base64.b64decode(header["salt"]), base64.b64decode(header["nonce"])
        key = _key(passphrase, salt, header["n"], header["r"], header["p"])
    except (ValueError, KeyError, TypeError):
        raise InvalidInput(f"{path.name} is not a theorize vault.") from None
    try:
        plain = AESGCM(key).decrypt(nonce, base64.b64decode(body), head)
    except (InvalidTag, ValueError):
        raise InvalidInput(f"The passphrase does not open {path.name} (or the file was changed).") from None
    content = empty()
    content.update(json.loads(plain))
    return content


def write_vault(path: str | Path, passphrase: str, content: dict[str, Any], *, n: int = SCRYPT_N) -> None:
    """Encrypt ``content`` into ``path`` (replacing it whole), owner-only."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from theorize.store.files import write_private

    path = Path(path)
    if not passphrase:
        raise InvalidInput("The vault needs a passphrase, and the one given is empty.")
    salt, nonce = os.urandom(16), os.urandom(12)
    header = json.dumps(
        {
            "format": FORMAT,
            "kdf": "scrypt",
            "n": n,
            "r": 8,
            "p": 1,
            "cipher": "AES-256-GCM",
            "salt": base64.b64encode(salt).decode(),
            "nonce": base64.b64encode(nonce).decode(),
        },
        separators=(",", ":"),
    ).encode()
    plain = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    sealed = AESGCM(_key(passphrase, salt, n, 8, 1)).encrypt(nonce, plain, header)
    temporary = path.with_name(path.name + ".tmp")
    write_private(temporary, header + b"\n" + base64.b64encode(sealed))
    os.replace(temporary, path)
