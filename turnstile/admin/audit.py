"""The audit log: who did which admin action when; secrets can never be written to it."""

from __future__ import annotations

import enum
import json
import logging
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from turnstile.store import database

#: A detail value as the log stores it (JSON scalars only).
DetailValue = str | int | float | bool | None
#: Detail keys containing any of these are refused: the log and its exports are readable
#: by every operator, so a secret written there would be a leak.
FORBIDDEN_KEY_PARTS = ("password", "passwd", "hash", "salt", "secret", "token")

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


@dataclass(frozen=True)
class AuditEntry:
    """One recorded action."""

    id: int
    at: datetime
    actor: str
    action: AuditAction
    target: str
    detail: dict[str, DetailValue]


def _check_detail(detail: Mapping[str, DetailValue]) -> None:
    for key in detail:
        if any(part in key.lower() for part in FORBIDDEN_KEY_PARTS):
            raise ValueError(f"audit detail key {key!r} names a secret; secrets are never logged")


class AuditLog:
    """Appends to the audit_log table (and the Python log) in the caller's connection."""

    def __init__(self, conn: sqlite3.Connection, clock: Callable[[], datetime]) -> None:
        self._conn = conn
        self._clock = clock

    def record(self, actor: str, action: AuditAction, target: str = "",
               detail: Mapping[str, DetailValue] | None = None) -> AuditEntry:
        detail = dict(detail or {})
        _check_detail(detail)
        at = self._clock()
        text = json.dumps(detail, ensure_ascii=False, sort_keys=True)
        cursor = self._conn.execute(
            "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)",
            (at.isoformat(timespec="seconds"), actor, action.value, target, text))
        log.info("%s %s %s %s", actor, action.value, target, text)
        return AuditEntry(int(cursor.lastrowid or 0), at, actor, action, target, detail)

    def scrub(self, target: str, keys: tuple[str, ...]) -> int:
        """Remove `keys` from the details of every entry about `target` (erasure)."""
        return database.scrub_audit(self._conn, target, keys)

    def entries(self, since: datetime | None = None, actor: str | None = None,
                limit: int = 1000) -> list[AuditEntry]:
        """Newest first, optionally only since a time and by one actor."""
        sql = "SELECT id, at, actor, action, target, detail FROM audit_log WHERE 1 = 1"
        params: list[object] = []
        if since is not None:
            sql += " AND at >= ?"
            params.append(since.isoformat(timespec="seconds"))
        if actor is not None:
            sql += " AND actor = ? COLLATE NOCASE"
            params.append(actor)
        sql += " ORDER BY id DESC LIMIT ?"
        params.append(limit)
        return [AuditEntry(int(i), datetime.fromisoformat(at), str(who), AuditAction(what),
                           str(target), json.loads(detail))
                for i, at, who, what, target, detail in self._conn.execute(sql, params)]
