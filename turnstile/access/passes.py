"""The kiosk's pass check: QR visitor passes read from camera frames become visitor decisions.

Cheap by design: a frame is scanned only every `passes.scan_every` frames (a scan without a
code costs about 9-13 ms on a 854x480 frame, see the README), and only when passes are on.
A pass decided a moment ago and still held up is not decided again: for `hold_s` after each
sighting the kiosk keeps showing its result (and does not look for faces, so the visitor's own
face is not refused as unknown meanwhile).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from turnstile.access.passcode import (
    PassCheck,
    PassStatus,
    check,
    is_pass,
    key_path,
    load_key,
)
from turnstile.config import Config
from turnstile.store.passes import PassBook
from turnstile.types import Decision, DenyReason, Image, Outcome, PendingReason, Visitor

#: Why a pass was refused, as the event log and the kiosk say it.
REFUSALS = {PassStatus.EXPIRED: DenyReason.PASS_EXPIRED,
            PassStatus.NOT_YET_VALID: DenyReason.PASS_NOT_YET_VALID,
            PassStatus.REVOKED: DenyReason.PASS_REVOKED,
            PassStatus.USED_UP: DenyReason.PASS_USED_UP,
            PassStatus.FORGED: DenyReason.PASS_FORGED,
            PassStatus.MALFORMED: DenyReason.PASS_MALFORMED}


class CodeReader(Protocol):
    """Finds a QR code's text in a frame (vision.qr.QrReader; tests may pass a fake)."""

    def read(self, image: Image) -> str | None: ...


class PassLedger(Protocol):
    """What the database knows about passes (store.passes.PassBook)."""

    def revoked(self, pass_id: int) -> bool: ...

    def uses(self, pass_id: int) -> int: ...


class PassGate:
    """Turns a pass in view into a final decision, or a PENDING one while it stays up."""

    def __init__(self, key: bytes, ledger: PassLedger, reader: CodeReader, *,
                 max_uses: int = 1, scan_every: int = 3, hold_s: float = 5.0) -> None:
        self._key = key
        self._ledger = ledger
        self._reader = reader
        self.max_uses = max_uses
        self.scan_every = max(1, scan_every)
        self.hold = timedelta(seconds=hold_s)
        self._last: str | None = None
        self._until: datetime | None = None

    def look(self, image: Image, at: datetime, index: int) -> Decision | None:
        """A decision for this frame, or None: no pass involved, look for faces."""
        if index % self.scan_every == 0:
            text = self._reader.read(image)
            if text is not None and is_pass(text):
                if text == self._last and self._holding(at):
                    self._until = at + self.hold  # still held up: keep the result
                    return _recent(at)
                self._last, self._until = text, at + self.hold
                return self.decide(text, at)
        return _recent(at) if self._holding(at) else None

    def _holding(self, at: datetime) -> bool:
        return self._until is not None and at < self._until

    def verify(self, text: str, at: datetime) -> PassCheck:
        """Signature, validity, revocation and uses of one pass text at `at`."""
        result = check(text, self._key, at)
        claims = result.claims
        if result.status is not PassStatus.VALID or claims is None:
            return result
        if self._ledger.revoked(claims.pass_id):
            return PassCheck(PassStatus.REVOKED, claims, f"pass {claims.pass_id} is revoked")
        if self.max_uses and self._ledger.uses(claims.pass_id) >= self.max_uses:
            return PassCheck(PassStatus.USED_UP, claims,
                             f"pass {claims.pass_id} was used {self.max_uses} time(s)")
        return result

    def decide(self, text: str, at: datetime) -> Decision:
        result = self.verify(text, at)
        claims = result.claims
        visitor = Visitor(claims.pass_id, claims.visitor) if claims is not None else None
        if result.status is PassStatus.VALID and visitor is not None:
            return Decision(Outcome.VISITOR, at, detail=f"visitor pass {visitor.pass_id}",
                            visitor=visitor)
        prefix = f"visitor pass {visitor.pass_id}: " if visitor else "visitor pass: "
        return Decision(Outcome.DENIED, at, reason=REFUSALS[result.status],
                        detail=prefix + result.detail, visitor=visitor)


def _recent(at: datetime) -> Decision:
    return Decision(Outcome.PENDING, at, pending=PendingReason.RECENTLY_DECIDED)


def build_pass_gate(config: Config, database: Path, conn: sqlite3.Connection,
                    reader: CodeReader | None = None) -> PassGate | None:
    """The configured gate on the kiosk's connection; None when passes are off."""
    if not config.passes.enabled:
        return None
    if reader is None:
        from turnstile.vision.qr import QrReader

        reader = QrReader()
    key = load_key(key_path(config.passes.key_file, database))
    return PassGate(key, PassBook(conn), reader, max_uses=config.passes.max_uses,
                    scan_every=config.passes.scan_every,
                    hold_s=max(config.policy.cooldown_s, 1.0))
