"""The vault: AES-256-GCM under a key from the passphrase (scrypt); nothing readable without it."""

from __future__ import annotations

import stat

import pytest

from theorize.deid.vault import read_vault, write_vault
from theorize.errors import InvalidInput


def test_round_trip_owner_only_and_nothing_in_the_clear(tmp_path):
    path = tmp_path / "study.vault"
    write_vault(path, "correct horse", {"originals": {"x": "Judge Harmon of Ashford"}}, n=2**10)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert b"Harmon" not in path.read_bytes()
    assert read_vault(path, "correct horse")["originals"] == {"x": "Judge Harmon of Ashford"}


def test_wrong_passphrase_changed_file_and_not_a_vault_are_one_sentence(tmp_path):
    path = tmp_path / "study.vault"
    write_vault(path, "correct horse", {"deny": []}, n=2**10)
    with pytest.raises(InvalidInput, match=r"^The passphrase does not open study.vault \(or the file was changed\)\.$"):
        read_vault(path, "wrong horse")
    data = bytearray(path.read_bytes())
    data[-5] = ord("A") if data[-5] != ord("A") else ord("B")
    path.write_bytes(bytes(data))
    with pytest.raises(InvalidInput, match="does not open"):
        read_vault(path, "correct horse")
    (tmp_path / "other.vault").write_text("hello\n")
    with pytest.raises(InvalidInput, match="^other.vault is not a theorize vault.$"):
        read_vault(tmp_path / "other.vault", "x")
    with pytest.raises(InvalidInput, match="passphrase"):
        read_vault(path, "")


def test_no_vault_yet_reads_as_empty(tmp_path):
    assert read_vault(tmp_path / "none.vault", "pw")["originals"] == {}
