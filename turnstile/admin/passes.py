"""Visitor passes as reception handles them: issue (capped validity), list, revoke, print.

Each issue and revoke is in the audit log, naming the pass by number only (the visitor's
name stays in the pass table, which follows the event log's rules, not in the audit trail).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import cv2
import numpy as np

from turnstile.access.passcode import PassClaims, encode, key_path, load_key
from turnstile.admin.audit import AuditAction, AuditLog
from turnstile.admin.roles import Actor, Permission, require
from turnstile.configlinks import PassesConfig
from turnstile.errors import UsageError
from turnstile.store.passes import PassBook, PassRecord
from turnstile.types import Image
from turnstile.vision import qr

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhd])\s*$", re.IGNORECASE)
_UNITS = {"m": 60.0, "h": 3600.0, "d": 86400.0}
#: The printed card's width in pixels (about 7 cm at 300 dpi, a phone screen's width).
CARD_W = 840


@dataclass(frozen=True)
class IssuedPass:
    """A pass row with the text its QR code carries."""

    record: PassRecord
    code: str


def parse_duration(text: str) -> timedelta:
    """"8h", "90m", "2d" as a timedelta; UsageError otherwise."""
    found = _DURATION.match(text)
    if found is None:
        raise UsageError(f"cannot read the duration {text!r}; write e.g. 8h, 90m or 2d")
    return timedelta(seconds=float(found.group(1)) * _UNITS[found.group(2).lower()])


def parse_time(text: str, now: datetime) -> datetime:
    """"2026-03-02 18:00", "2026-03-02T18:00" or "18:00" (today); UsageError otherwise."""
    value = text.strip()
    try:
        if re.fullmatch(r"\d{1,2}:\d{2}", value):
            clock = datetime.strptime(value, "%H:%M").time()
            return datetime.combine(now.date(), clock)
        return datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"cannot read the time {text!r}; write e.g. \"2026-03-02 18:00\" "
                         "or 18:00") from None


class VisitorPasses:
    """Issues, lists and revokes passes on one connection, as one actor."""

    def __init__(self, book: PassBook, audit: AuditLog, key: bytes, config: PassesConfig,
                 clock: Callable[[], datetime] = datetime.now, keep_days: int = 0) -> None:
        self.book = book
        self._audit = audit
        self._key = key
        self._config = config
        self._clock = clock
        #: Ended passes are deleted this many days after their end (events.retention_days;
        #: 0 keeps them).
        self.keep_days = keep_days

    @classmethod
    def open(cls, conn: sqlite3.Connection, config: PassesConfig, database: Path,
             audit: AuditLog, clock: Callable[[], datetime] = datetime.now,
             keep_days: int = 0) -> VisitorPasses:
        """With the key file (made 0600 beside the database on first use)."""
        return cls(PassBook(conn), audit, load_key(key_path(config.key_file, database)),
                   config, clock, keep_days)

    def issue(self, actor: Actor, visitor: str, *, host: str = "", reason: str = "",
              valid_from: datetime | None = None, until: datetime | None = None,
              valid_for: timedelta | None = None) -> IssuedPass:
        """A new pass from `valid_from` (default now) for `valid_for` or until `until`."""
        require(actor, Permission.ISSUE_PASSES)
        now = self._clock().replace(microsecond=0)
        start = (valid_from or now).replace(microsecond=0)
        if (until is None) == (valid_for is None):
            raise UsageError("give the pass either a duration or an end time")
        end = (until if until is not None else start + (valid_for or timedelta())).replace(
            microsecond=0)
        longest = timedelta(hours=self._config.max_valid_h)
        if end - start > longest:
            raise UsageError(f"a pass may be valid for at most {self._config.max_valid_h:g} h "
                             "(passes.max_valid_h)")
        if end <= now:
            raise UsageError(f"the pass would end in the past ({end:%Y-%m-%d %H:%M})")
        if self.keep_days:
            self.book.prune(now - timedelta(days=self.keep_days))
        record = self.book.issue(visitor, host, reason, start, end, actor.name, now)
        self._audit.record(actor.name, AuditAction.PASS_ISSUED, f"pass {record.id}",
                           {"valid_from": start.isoformat(), "valid_until": end.isoformat(),
                            "with_host": bool(record.host)})
        return IssuedPass(record, self.code(record))

    def code(self, record: PassRecord) -> str:
        """The QR text of a stored pass (to print it again)."""
        return encode(PassClaims(record.id, record.visitor, record.valid_from,
                                 record.valid_until), self._key)

    def get(self, pass_id: int) -> IssuedPass:
        record = self.book.get(pass_id)
        return IssuedPass(record, self.code(record))

    def list(self, *, current: bool = False) -> list[PassRecord]:
        """Newest first; `current`: only those not ended and not revoked."""
        return self.book.all(current_at=self._clock() if current else None)

    def revoke(self, actor: Actor, pass_id: int) -> PassRecord:
        require(actor, Permission.ISSUE_PASSES)
        before = self.book.get(pass_id)
        record = self.book.revoke(pass_id, actor.name, self._clock().replace(microsecond=0))
        if not before.revoked:
            self._audit.record(actor.name, AuditAction.PASS_REVOKED, f"pass {pass_id}", {})
        return record


def _ascii(text: str) -> str:
    """What OpenCV's stroke font can draw: accents dropped, other letters as "?"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return plain if plain.strip() or not text.strip() else "?" * len(text.strip())


def card(issued: IssuedPass, title: str = "VISITOR PASS") -> Image:
    """A printable (or phone-screen) card: the QR code large, then who, whom and when."""
    record = issued.record
    code = qr.draw(issued.code, module_px=max(6, CARD_W // 50))
    side = min(CARD_W - 40, code.shape[0])
    code = np.asarray(cv2.resize(code, (side, side), interpolation=cv2.INTER_NEAREST), np.uint8)
    lines = [(title, 1.3, 3), (_ascii(record.visitor), 1.2, 2)]
    if record.host:
        lines.append((f"Host: {_ascii(record.host)}", 0.9, 2))
    if record.reason:
        lines.append((_ascii(record.reason), 0.8, 1))
    lines += [(f"Valid {record.valid_from:%Y-%m-%d %H:%M} - {record.valid_until:%Y-%m-%d %H:%M}",
               0.75, 2), (f"Pass {record.id}", 0.75, 1)]
    height = side + 40 + 50 * len(lines) + 20
    page = np.full((height, CARD_W, 3), 255, np.uint8)
    y = 20
    for text, scale, thick in lines[:2]:
        y += 45
        _put(page, text, y, scale, thick)
    y += 20
    x = (CARD_W - side) // 2
    page[y:y + side, x:x + side] = code
    y += side
    for text, scale, thick in lines[2:]:
        y += 45
        _put(page, text, y, scale, thick)
    return page


def _put(page: Image, text: str, y: int, scale: float, thick: int) -> None:
    font = cv2.FONT_HERSHEY_SIMPLEX
    width = cv2.getTextSize(text, font, scale, thick)[0][0]
    while width > CARD_W - 40 and scale > 0.4:  # a long name shrinks rather than overflows
        scale *= 0.9
        width = cv2.getTextSize(text, font, scale, thick)[0][0]
    cv2.putText(page, text, (max(20, (CARD_W - width) // 2), y), font, scale, (0, 0, 0), thick,
                cv2.LINE_AA)


def png(image: Image) -> bytes:
    """The card as PNG bytes (written with Path.write_bytes: any file name works)."""
    ok, data = cv2.imencode(".png", image)
    if not ok:
        raise UsageError("the pass image could not be encoded as PNG")
    return bytes(data.tobytes())
