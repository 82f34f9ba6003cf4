"""The audit log: who did which admin action when, hash-chained; secrets never reach it."""

from __future__ import annotations

import enum
import json
import logging
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from turnstile.admin.roles import Actor, Permission, require
from turnstile.redact import redact_text
from turnstile.store.audit import AuditRow, AuditStore, entry_hash

#: A detail value as the log stores it (JSON scalars only).
DetailValue = str | int | float | bool | None
#: Detail keys containing any of these are refused: the log and its exports are readable
#: by every operator, so a secret written there would be a leak.
FORBIDDEN_KEY_PARTS = ("password", "passwd", "hash", "salt", "secret", "token")

#: Entries are kept this long (two years) unless the config says otherwise.
DEFAULT_RETENTION_DAYS = 730.0

log = logging.getLogger("turnstile.admin")


class AuditAction(enum.Enum):
    """Every kind of admin action that is recorded."""

    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOCKED_OUT = "locked_out"
    LOGOUT = "logout"
    ACCOUNT_CREATED = "account_created"
    ACCOUNT_DELETED = "account_deleted"
    ENROL = "enrol"
    TEMPLATES_ADDED = "templates_added"
    TEMPLATE_DELETED = "template_deleted"
    EDIT = "edit"
    DELETE = "delete"
    EXPORT = "export"
    IMPORT = "import"
    SETTING_CHANGE = "setting_change"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET = "password_reset"
    UNLOCKED = "unlocked"
    REAUTHENTICATED = "reauthenticated"
    AUTHORISED = "authorised"
    AUDIT_PRUNED = "audit_pruned"
    #: A person's kiosk PIN set or changed, removed, or its lockout lifted (never the PIN).
    PIN_SET = "pin_set"
    PIN_CLEARED = "pin_cleared"
    PIN_UNLOCKED = "pin_unlocked"
    #: A group's members asked (or no longer asked) for face and PIN on every door.
    GROUP_CHANGED = "group_changed"
    PASS_ISSUED = "pass_issued"
    PASS_REVOKED = "pass_revoked"
    BACKUP = "backup"
    #: A backup chosen to replace the database at the kiosk's next start.
    RESTORE_CHOSEN = "restore_chosen"


@dataclass(frozen=True)
class AuditEntry:
    """One recorded action."""

    id: int
    at: datetime
    actor: str
    action: AuditAction
    target: str
    detail: dict[str, DetailValue]


@dataclass(frozen=True)
class AuditVerification:
    """What `verify` found: how many entries chain up, and the first one that does not."""

    checked: int
    pruned: int
    head: str
    broken_at: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def _check_detail(detail: Mapping[str, DetailValue]) -> dict[str, DetailValue]:
    """The detail with URLs redacted; a key naming a secret is refused outright."""
    for key in detail:
        if any(part in key.lower() for part in FORBIDDEN_KEY_PARTS):
            raise ValueError(f"audit detail key {key!r} names a secret; secrets are never logged")
    return {k: redact_text(v) if isinstance(v, str) else v for k, v in detail.items()}


def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(row.id, datetime.fromisoformat(row.at), row.actor, AuditAction(row.action),
                      row.target, json.loads(row.detail))


class AuditLog:
    """Appends hash-chained entries to the audit_log table (and the Python log).

    Each entry's hash covers the previous entry's hash, so editing, inserting or deleting a
    row in the middle shows in `verify`. Entries older than `retention_days` are pruned,
    leaving the last pruned hash as the anchor the remaining chain starts from.
    """

    def __init__(self, conn: sqlite3.Connection, clock: Callable[[], datetime],
                 retention_days: float = DEFAULT_RETENTION_DAYS) -> None:
        self._store = AuditStore(conn)
        self._clock = clock
        self._retention_days = retention_days
        self._pruned_on: date | None = None

    def record(self, actor: str, action: AuditAction, target: str = "",
               detail: Mapping[str, DetailValue] | None = None) -> AuditEntry:
        clean = _check_detail(detail or {})
        at = self._clock()
        stamp = at.isoformat(timespec="seconds")
        target = redact_text(target)
        text = json.dumps(clean, ensure_ascii=False, sort_keys=True)
        with self._store.transaction():
            self._seal_legacy()
            prev = self._store.head()
            digest = entry_hash(prev, stamp, actor, action.value, target, text)
            entry_id = self._store.append(stamp, actor, action.value, target, text, prev,
                                          digest)
        log.info("%s %s %s %s", actor, action.value, target, text)
        if self._pruned_on != at.date() and action is not AuditAction.AUDIT_PRUNED:
            self.prune()
        return AuditEntry(entry_id, at, actor, action, target, clean)

    def _seal_legacy(self) -> None:
        """Chain the entries written before the chain existed (once, after the upgrade)."""
        legacy = self._store.unsealed()
        if not legacy:
            return
        prev = self._store.anchor()[0]
        for row in legacy:
            digest = entry_hash(prev, row.at, row.actor, row.action, row.target, row.detail)
            self._store.seal(row.id, prev, digest)
            prev = digest

    def prune(self) -> int:
        """Delete entries older than the retention (0 keeps all); returns how many."""
        now = self._clock()
        self._pruned_on = now.date()
        if self._retention_days <= 0:
            return 0
        cutoff = (now - timedelta(days=self._retention_days)).isoformat(timespec="seconds")
        with self._store.transaction():
            self._seal_legacy()
            count = self._store.prune_before(cutoff)
        if count:
            self.record("turnstile", AuditAction.AUDIT_PRUNED, "audit log",
                        {"entries": count, "older_than_days": self._retention_days})
        return count

    def verify(self) -> AuditVerification:
        """Walk the chain from the anchor: every entry must follow the one before it and
        hash to what it says."""
        anchor, pruned = self._store.anchor()
        prev, checked = anchor, 0
        for row in self._store.ascending():
            if not row.hash:
                return AuditVerification(checked, pruned, prev, row.id,
                                         f"entry {row.id} was never sealed")
            if row.prev_hash != prev:
                return AuditVerification(checked, pruned, prev, row.id,
                                         f"entry {row.id} does not follow the one before it "
                                         "(an entry was deleted, inserted or reordered)")
            expected = entry_hash(prev, row.at, row.actor, row.action, row.target, row.detail)
            if expected != row.hash:
                return AuditVerification(checked, pruned, prev, row.id,
                                         f"entry {row.id} was changed after it was written")
            prev, checked = row.hash, checked + 1
        return AuditVerification(checked, pruned, prev)

    def read(self, by: Actor, since: datetime | None = None, actor: str | None = None,
             limit: int = 1000) -> list[AuditEntry]:
        """What the panel shows: refused (PermissionDeniedError) unless `by` may read it."""
        require(by, Permission.READ_AUDIT)
        return self.entries(since, actor, limit)

    def entries(self, since: datetime | None = None, actor: str | None = None,
                limit: int = 1000) -> list[AuditEntry]:
        """Newest first, optionally only since a time and by one actor."""
        stamp = since.isoformat(timespec="seconds") if since is not None else None
        return [_entry(row) for row in self._store.newest(stamp, actor, limit)]
