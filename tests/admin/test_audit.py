"""Audit log: a hash chain that shows edits, deletions and insertions; retention; no secrets."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from tests.admin.conftest import FakeClock
from turnstile.admin.audit import AuditAction, AuditLog
from turnstile.admin.roles import PermissionDeniedError, Role, SystemUser
from turnstile.store import database as storage


def _filled(audit: AuditLog, clock: FakeClock, count: int = 5) -> None:
    for index in range(count):
        audit.record("alice", AuditAction.EDIT, f"person #{index}", {"active": index % 2 == 0})
        clock.advance(60)


def test_intact_chain_verifies(audit: AuditLog, clock: FakeClock) -> None:
    _filled(audit, clock)
    result = audit.verify()
    assert result.ok and result.checked == 5 and result.pruned == 0


@pytest.mark.parametrize("tamper", [
    "UPDATE audit_log SET actor = 'mallory' WHERE id = 3",
    "UPDATE audit_log SET detail = '{\"active\": false}' WHERE id = 1",
    "UPDATE audit_log SET at = '2020-01-01T00:00:00' WHERE id = 5",
    "DELETE FROM audit_log WHERE id = 2",
    "INSERT INTO audit_log (id, at, actor, action, target, detail, prev_hash, hash) SELECT"
    " 10, at, actor, action, target, detail, prev_hash, hash FROM audit_log WHERE id = 2",
])
def test_an_edit_to_the_file_breaks_the_chain(audit: AuditLog, clock: FakeClock,
                                              file_conn: sqlite3.Connection,
                                              tamper: str) -> None:
    _filled(audit, clock)
    file_conn.execute(tamper)
    result = audit.verify()
    assert not result.ok and result.broken_at is not None and result.problem


def test_retention_prunes_and_the_rest_still_verifies(file_conn: sqlite3.Connection,
                                                      clock: FakeClock) -> None:
    audit = AuditLog(file_conn, clock, retention_days=30)
    _filled(audit, clock, 4)
    clock.advance(40 * 86400)  # the first four are now past the retention
    audit.record("bob", AuditAction.LOGIN, "bob")  # a new day: the log prunes itself
    entries = audit.entries()
    assert [e.action for e in entries] == [AuditAction.AUDIT_PRUNED, AuditAction.LOGIN]
    assert entries[0].detail["entries"] == 4
    result = audit.verify()
    assert result.ok and result.pruned == 4 and result.checked == 2
    file_conn.execute("DELETE FROM audit_log WHERE id = (SELECT MIN(id) FROM audit_log)")
    assert not audit.verify().ok  # pruning by hand is not pruning


def test_entries_from_before_the_chain_are_sealed_and_lose_names(tmp_path: Path,
                                                                 clock: FakeClock) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    storage.migrate(conn, target=5)
    conn.execute("INSERT INTO audit_log (at, actor, action, target, detail) VALUES"
                 " ('2026-01-01T09:00:00', 'alice', 'enrol', 'person #1',"
                 " '{\"name\": \"Ada Lovelace\", \"employee_id\": \"E1\", \"templates\": 2}')")
    conn.close()
    upgraded = storage.connect(path)
    audit = AuditLog(upgraded, clock)
    assert audit.entries()[0].detail == {"templates": 2}
    audit.record("alice", AuditAction.LOGIN, "alice")
    assert audit.verify().ok and audit.verify().checked == 2
    upgraded.close()


def test_urls_lose_their_secrets_and_secret_keys_are_refused(
        audit: AuditLog, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    entry = audit.record("alice", AuditAction.SETTING_CHANGE, "camera.source",
                         {"old": "0", "new": "rtsp://admin:hunter2@10.0.0.5:554/stream?token=abc"})
    assert "hunter2" not in str(entry.detail) and "abc" not in str(entry.detail)
    assert entry.detail["new"] == "rtsp://***@10.0.0.5:554/stream?token=***"
    assert "hunter2" not in caplog.text and "hunter2" not in str(audit.entries())
    with pytest.raises(ValueError, match="secret"):
        audit.record("alice", AuditAction.EDIT, "x", {"api_token": "nope"})


def test_reading_the_log_is_an_administrator_s(audit: AuditLog) -> None:
    audit.record("alice", AuditAction.LOGIN, "alice")
    assert len(audit.read(SystemUser("alice", Role.ADMINISTRATOR))) == 1
    with pytest.raises(PermissionDeniedError, match="may not read the audit log"):
        audit.read(SystemUser("bob", Role.OPERATOR))


def test_rewriting_the_same_json_is_not_an_edit(audit: AuditLog, clock: FakeClock,
                                                file_conn: sqlite3.Connection) -> None:
    _filled(audit, clock, 3)
    file_conn.execute("UPDATE audit_log SET detail = json_remove(detail, '$.name')")
    assert audit.verify().ok  # minified by SQLite, same content
    file_conn.execute("UPDATE audit_log SET detail = json_set(detail, '$.active', 1)"
                      " WHERE id = 2")
    assert not audit.verify().ok
