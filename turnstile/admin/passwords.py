"""Password hashing: salted scrypt with self-describing parameters, checks, dummies, rehash."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass

SALT_BYTES = 16
DIGEST_BYTES = 32
#: Stored costs above this are refused unread: a tampered row must not stall a sign-in.
MAX_N = 2**20


@dataclass(frozen=True)
class ScryptCost:
    """scrypt's work factors: n (CPU and memory), r (block size), p (parallelism)."""

    n: int
    r: int = 8
    p: int = 1

    @property
    def maxmem(self) -> int:
        """Memory scrypt may use: it needs 128 * r * (n + p + 2) bytes; leave headroom."""
        return 2 * 128 * self.r * (self.n + self.p + 2) + (1 << 20)


#: N = 2**17, r = 8, p = 1: 128 MiB and about 0.4 s per check on a kiosk PC (OWASP's
#: password storage guidance), so each guess at a stolen database costs as much.
DEFAULT_COST = ScryptCost(2**17)


@dataclass(frozen=True)
class StoredHash:
    """A parsed `scrypt$n$r$p$salt$digest` string."""

    cost: ScryptCost
    salt: bytes
    digest: bytes


def kdf(password: str, salt: bytes, cost: ScryptCost, length: int = DIGEST_BYTES) -> bytes:
    """The one place a password is stretched (the timing tests count calls here)."""
    return hashlib.scrypt(password.encode(), salt=salt, n=cost.n, r=cost.r, p=cost.p,
                          dklen=length, maxmem=cost.maxmem)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _format(cost: ScryptCost, salt: bytes, digest: bytes) -> str:
    return f"scrypt${cost.n}${cost.r}${cost.p}${_b64(salt)}${_b64(digest)}"


def hash_password(password: str, cost: ScryptCost = DEFAULT_COST,
                  salt: bytes | None = None) -> str:
    """A self-describing scrypt hash: scrypt$n$r$p$salt$digest (base64)."""
    salt = os.urandom(SALT_BYTES) if salt is None else salt
    return _format(cost, salt, kdf(password, salt, cost))


def dummy_hash(cost: ScryptCost = DEFAULT_COST) -> str:
    """A well-formed hash no password matches, for unknown names: checking it costs exactly
    one stretch at `cost`, like a real account's, and making it costs none."""
    return _format(cost, os.urandom(SALT_BYTES), os.urandom(DIGEST_BYTES))


def parse(stored: str) -> StoredHash | None:
    """The parts of a stored hash, or None when it is not one this module wrote."""
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        cost = ScryptCost(int(n), int(r), int(p))
        parsed = StoredHash(cost, base64.b64decode(salt, validate=True),
                            base64.b64decode(digest, validate=True))
    except (ValueError, binascii.Error):
        return None
    if kind != "scrypt" or not 1 < cost.n <= MAX_N or cost.n & (cost.n - 1) or not parsed.digest:
        return None
    return parsed


def check_password(password: str, stored: str) -> bool:
    parsed = parse(stored)
    if parsed is None:
        return False
    actual = kdf(password, parsed.salt, parsed.cost, len(parsed.digest))
    return bool(hmac.compare_digest(actual, parsed.digest))


def needs_rehash(stored: str, cost: ScryptCost = DEFAULT_COST) -> bool:
    """The hash was made with other (older, weaker) parameters than `cost`."""
    parsed = parse(stored)
    return parsed is None or parsed.cost != cost or len(parsed.digest) != DIGEST_BYTES
