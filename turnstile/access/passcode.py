"""Visitor pass codes: the compact signed text in a pass's QR code, made and checked here.

The text is "TP1:" and the base32 of: version, pass id, valid from, valid until (Unix
seconds), the visitor's name (UTF-8, at most NAME_BYTES) and an HMAC-SHA256 tag cut to
TAG_BYTES. Base32 keeps to the QR code's alphanumeric alphabet, so a pass for a usual name fits
a 33x33 code that a webcam reads from arm's length. HMAC, not a public-key signature: the
kiosks would need the `cryptography` package for Ed25519, and a kiosk that checks passes holds
the key in a 0600 file beside its database anyway (whoever can read it can also write the
database the kiosk trusts).
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import hmac
import re
import secrets
import struct
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from turnstile.errors import TurnstileError
from turnstile.store.files import create_private_secret, read_private_text

PREFIX = "TP1:"
#: Text of this shape is meant as a pass (an unreadable one is refused, not ignored); other
#: codes in view (a poster's URL, a wifi code) are not passes and are ignored.
FAMILY = re.compile(r"^TP\d+:")
VERSION = 1
#: Bytes of the tag kept: 128 bits, far beyond guessing at a door that reads a few codes a
#: second.
TAG_BYTES = 16
#: The longest name carried in the code (longer ones are cut at a character boundary).
NAME_BYTES = 40
KEY_BYTES = 32
#: The default key file's name, in the database's folder.
KEY_FILE = "passes.key"
_HEADER = struct.Struct(">BIII")
_DOMAIN = b"turnstile visitor pass\x00"


class PassKeyError(TurnstileError):
    """The pass key file cannot be used (unreadable, readable by others, wrong size)."""


class PassStatus(enum.Enum):
    """What checking a pass found."""

    VALID = "valid"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    REVOKED = "revoked"
    USED_UP = "used_up"
    FORGED = "forged"
    MALFORMED = "malformed"


@dataclass(frozen=True)
class PassClaims:
    """What a pass says: its number, the visitor and when it may be used."""

    pass_id: int
    visitor: str
    valid_from: datetime
    valid_until: datetime


@dataclass(frozen=True)
class PassCheck:
    """The status of a code read at a time; claims when the signature held."""

    status: PassStatus
    claims: PassClaims | None = None
    detail: str = ""


def key_path(key_file: str, database: Path) -> Path:
    """The configured key file, or passes.key beside the database."""
    return Path(key_file).expanduser() if key_file else database.parent / KEY_FILE


def load_key(path: Path, *, create: bool = True) -> bytes:
    """The signing key from a 0600 file; made (random, 0600) when missing and `create`."""
    if not path.exists():
        if not create:
            raise PassKeyError(f"no pass key at {path}; issue a pass first (it creates one)")
        create_private_secret(path, secrets.token_hex(KEY_BYTES))
    text = read_private_text(path, "the pass key", PassKeyError)
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise PassKeyError(f"the pass key {path} is not hex") from None
    if len(key) < 16:
        raise PassKeyError(f"the pass key {path} is too short ({len(key)} bytes, needs 16+)")
    return key


def _tag(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, _DOMAIN + body, hashlib.sha256).digest()[:TAG_BYTES]


def _short_name(name: str) -> bytes:
    data = name.strip().encode("utf-8")[:NAME_BYTES]
    return data.decode("utf-8", errors="ignore").encode("utf-8")  # no half character


def encode(claims: PassClaims, key: bytes) -> str:
    """The QR text of a pass."""
    body = _HEADER.pack(VERSION, claims.pass_id, int(claims.valid_from.timestamp()),
                        int(claims.valid_until.timestamp())) + _short_name(claims.visitor)
    return PREFIX + base64.b32encode(body + _tag(key, body)).decode("ascii").rstrip("=")


def is_pass(text: str) -> bool:
    """Whether a QR code's text is meant as a pass (other codes in view are ignored)."""
    return FAMILY.match(text) is not None


def decode(text: str, key: bytes) -> PassCheck:
    """The claims of a pass text whose tag holds (VALID, validity not yet looked at)."""
    if not text.startswith(PREFIX):
        return PassCheck(PassStatus.MALFORMED, detail="not a pass of this version")
    data = text[len(PREFIX):].strip()
    try:
        raw = base64.b32decode(data + "=" * (-len(data) % 8))
    except (binascii.Error, ValueError):
        return PassCheck(PassStatus.MALFORMED, detail="the code's text is not base32")
    if len(raw) < _HEADER.size + TAG_BYTES:
        return PassCheck(PassStatus.MALFORMED, detail="the code is too short")
    body, tag = raw[:-TAG_BYTES], raw[-TAG_BYTES:]
    # Constant-time: the time taken must not tell a forger how many bytes were right.
    if not hmac.compare_digest(tag, _tag(key, body)):
        return PassCheck(PassStatus.FORGED, detail="the signature does not match")
    version, pass_id, start, end = _HEADER.unpack_from(body)
    if version != VERSION:
        return PassCheck(PassStatus.MALFORMED, detail=f"pass version {version}")
    try:
        name = body[_HEADER.size:].decode("utf-8")
        claims = PassClaims(pass_id, name, datetime.fromtimestamp(start),
                            datetime.fromtimestamp(end))
    except (UnicodeDecodeError, ValueError, OverflowError, OSError):
        return PassCheck(PassStatus.MALFORMED, detail="unreadable name or times")
    return PassCheck(PassStatus.VALID, claims)


def check(text: str, key: bytes, at: datetime) -> PassCheck:
    """Signature, then validity at `at` (revocation and uses are the caller's)."""
    result = decode(text, key)
    claims = result.claims
    if claims is None:
        return result
    if at < claims.valid_from:
        return PassCheck(PassStatus.NOT_YET_VALID, claims,
                         f"valid from {claims.valid_from:%Y-%m-%d %H:%M}")
    if at >= claims.valid_until:
        return PassCheck(PassStatus.EXPIRED, claims,
                         f"expired {claims.valid_until:%Y-%m-%d %H:%M}")
    return result
