"""Pass codes: signing, checking, validity, tampering, malformed text and the key file."""

from __future__ import annotations

import base64
import os
import stat
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from turnstile.access.passcode import (
    NAME_BYTES,
    PREFIX,
    PassClaims,
    PassKeyError,
    PassStatus,
    check,
    decode,
    encode,
    is_pass,
    key_path,
    load_key,
)

KEY = bytes(range(32))
START = datetime(2026, 3, 2, 9, 0)
CLAIMS = PassClaims(42, "Zoë Ångström", START, START + timedelta(hours=8))


def test_a_pass_reads_back_what_was_signed() -> None:
    text = encode(CLAIMS, KEY)
    assert is_pass(text) and text.startswith(PREFIX)
    result = decode(text, KEY)
    assert result.status is PassStatus.VALID and result.claims == CLAIMS


def test_the_code_stays_compact_and_in_the_qr_alphanumeric_alphabet() -> None:
    text = encode(CLAIMS, KEY)
    # 33x33 (version 4) holds 114 alphanumeric characters at level L.
    assert len(text) < 90
    assert set(text) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")


@pytest.mark.parametrize(("at", "status"), [
    (START - timedelta(minutes=1), PassStatus.NOT_YET_VALID),
    (START, PassStatus.VALID),
    (START + timedelta(hours=8) - timedelta(seconds=1), PassStatus.VALID),
    (START + timedelta(hours=8), PassStatus.EXPIRED),
    (START + timedelta(days=3), PassStatus.EXPIRED),
])
def test_validity_is_checked_at_the_frame_time(at: datetime, status: PassStatus) -> None:
    result = check(encode(CLAIMS, KEY), KEY, at)
    assert result.status is status
    assert result.claims == CLAIMS  # refused or not, the pass is named in the log


def test_another_key_makes_a_forgery() -> None:
    text = encode(CLAIMS, bytes(32))
    assert check(text, KEY, START).status is PassStatus.FORGED


def _raw(text: str) -> bytes:
    data = text[len(PREFIX):]
    return base64.b32decode(data + "=" * (-len(data) % 8))


def _text(raw: bytes) -> str:
    return PREFIX + base64.b32encode(raw).decode().rstrip("=")


@pytest.mark.parametrize("position", [0, 1, 4, 6, 10, 14, 20, -1, -16])
def test_any_changed_byte_is_refused(position: int) -> None:
    raw = bytearray(_raw(encode(CLAIMS, KEY)))
    raw[position] ^= 0x01
    result = check(_text(bytes(raw)), KEY, START)
    assert result.status is PassStatus.FORGED and result.claims is None


def test_a_longer_validity_cannot_be_written_in() -> None:
    raw = bytearray(_raw(encode(CLAIMS, KEY)))
    end = int.from_bytes(raw[9:13], "big") + 86400 * 30
    raw[9:13] = end.to_bytes(4, "big")
    assert check(_text(bytes(raw)), KEY, START).status is PassStatus.FORGED


@pytest.mark.parametrize("text", [PREFIX, PREFIX + "!!!!", PREFIX + "AAAA", "TP2:ABCDEFGH",
                                  PREFIX + "A" * 7, "TP12:"])
def test_malformed_text_is_refused_with_its_own_status(text: str) -> None:
    assert is_pass(text)
    assert check(text, KEY, START).status is PassStatus.MALFORMED


def test_other_qr_codes_are_not_passes() -> None:
    assert not is_pass("https://example.org/menu")
    assert not is_pass("TPLINK-5G")
    assert not is_pass("")


def test_a_long_name_is_cut_on_a_character_boundary() -> None:
    long = PassClaims(1, "É" * 60, START, START + timedelta(hours=1))
    claims = decode(encode(long, KEY), KEY).claims
    assert claims is not None and claims.visitor == "É" * (NAME_BYTES // 2)


def test_the_key_file_is_made_private_and_kept(tmp_path: Path) -> None:
    path = key_path("", tmp_path / "data" / "turnstile.db")
    assert path == tmp_path / "data" / "passes.key"
    key = load_key(path)
    assert len(key) == 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key(path) == key


def test_a_missing_key_is_an_error_when_it_may_not_be_made(tmp_path: Path) -> None:
    with pytest.raises(PassKeyError, match="no pass key"):
        load_key(tmp_path / "k", create=False)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_key_others_may_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "k"
    path.write_text("ab" * 32)
    path.chmod(0o644)
    with pytest.raises(PassKeyError, match="chmod 600"):
        load_key(path)


@pytest.mark.parametrize(("content", "message"), [
    ("zz" * 32, "not hex"), ("ab" * 8 + "a", "not hex"), ("ab" * 4, "too short")])
def test_a_bad_key_file_says_what_is_wrong(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "k"
    path.write_text(content)
    path.chmod(0o600)
    with pytest.raises(PassKeyError, match=message):
        load_key(path)


def test_the_key_file_setting_wins(tmp_path: Path) -> None:
    assert key_path(str(tmp_path / "x.key"), tmp_path / "db" / "t.db") == tmp_path / "x.key"
