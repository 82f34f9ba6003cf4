"""Accounts: first run, roles, scrypt hashes, lockout with a growing delay."""

from __future__ import annotations

import logging
import sqlite3

import pytest

from tests.admin.conftest import FakeClock
from turnstile.admin.accounts import (
    Accounts,
    AuthError,
    LockoutError,
    Role,
    check_password,
    hash_password,
)
from turnstile.admin.audit import AuditAction, AuditLog
from turnstile.config import AdminConfig

PASSWORD = "correct horse battery"


@pytest.fixture
def accounts(file_conn: sqlite3.Connection, audit: AuditLog, clock: FakeClock) -> Accounts:
    return Accounts(file_conn, AdminConfig(), audit, clock)


def test_hash_is_salted_and_checks(accounts: Accounts) -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first != second and PASSWORD not in first
    assert check_password(PASSWORD, first)
    assert not check_password("wrong password", first)
    assert not check_password(PASSWORD, "not a hash")


def test_first_run_creates_an_administrator_only(accounts: Accounts) -> None:
    assert accounts.first_run()
    with pytest.raises(AuthError, match="first account must be an administrator"):
        accounts.create("op", PASSWORD, Role.OPERATOR, by=None)
    admin = accounts.create("Alice", PASSWORD, Role.ADMINISTRATOR, by=None)
    assert not accounts.first_run() and admin.role is Role.ADMINISTRATOR
    with pytest.raises(AuthError, match="only an administrator"):
        accounts.create("mallory", PASSWORD, Role.ADMINISTRATOR, by=None)
    operator = accounts.create("Bob", PASSWORD, Role.OPERATOR, by=admin)
    with pytest.raises(AuthError, match="only an administrator"):
        accounts.create("eve", PASSWORD, Role.OPERATOR, by=operator)
    with pytest.raises(AuthError, match="already exists"):
        accounts.create("alice", PASSWORD, Role.OPERATOR, by=admin)
    with pytest.raises(AuthError, match="at least 8"):
        accounts.create("carol", "short", Role.OPERATOR, by=admin)
    assert [u.name for u in accounts.users()] == ["Alice", "Bob"]


def test_stored_password_is_a_scrypt_hash(accounts: Accounts,
                                          file_conn: sqlite3.Connection) -> None:
    accounts.create("alice", PASSWORD, Role.ADMINISTRATOR, by=None)
    stored = file_conn.execute("SELECT password FROM users").fetchone()[0]
    assert stored.startswith("scrypt$") and PASSWORD not in stored


def test_login_and_lockout_grows(accounts: Accounts, clock: FakeClock, audit: AuditLog) -> None:
    accounts.create("alice", PASSWORD, Role.ADMINISTRATOR, by=None)
    assert accounts.login("alice", PASSWORD).name == "alice"
    for _ in range(2):
        with pytest.raises(AuthError, match="wrong name or password"):
            accounts.login("alice", "guess")
    with pytest.raises(AuthError):
        accounts.login("alice", "guess")  # the third failure locks
    assert accounts.lockout_remaining("alice") == pytest.approx(30.0)
    with pytest.raises(LockoutError):
        accounts.login("alice", PASSWORD)  # even the right password waits
    clock.advance(31)
    with pytest.raises(AuthError):
        accounts.login("alice", "guess")
    assert accounts.lockout_remaining("alice") == pytest.approx(60.0)  # doubled
    clock.advance(61)
    assert accounts.login("alice", PASSWORD).name == "alice"
    assert accounts.lockout_remaining("alice") == 0.0
    actions = [e.action for e in audit.entries()]
    assert actions.count(AuditAction.LOGIN_FAILED) == 4
    assert AuditAction.LOCKED_OUT in actions and actions.count(AuditAction.LOGIN) == 2


def test_unknown_names_are_locked_out_too(accounts: Accounts) -> None:
    accounts.create("alice", PASSWORD, Role.ADMINISTRATOR, by=None)
    for _ in range(3):
        with pytest.raises(AuthError, match="wrong name or password"):
            accounts.login("nobody", "guess")
    with pytest.raises(LockoutError):
        accounts.login("nobody", "guess")


def test_last_administrator_cannot_be_deleted(accounts: Accounts) -> None:
    admin = accounts.create("alice", PASSWORD, Role.ADMINISTRATOR, by=None)
    operator = accounts.create("bob", PASSWORD, Role.OPERATOR, by=admin)
    with pytest.raises(AuthError, match="last administrator"):
        accounts.delete(admin.id, by=admin)
    with pytest.raises(AuthError, match="only an administrator"):
        accounts.delete(admin.id, by=operator)
    accounts.delete(operator.id, by=admin)
    assert [u.name for u in accounts.users()] == ["alice"]


def test_no_password_hash_or_salt_in_logs_or_audit(
        accounts: Accounts, audit: AuditLog, file_conn: sqlite3.Connection,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    admin = accounts.create("alice", PASSWORD, Role.ADMINISTRATOR, by=None)
    accounts.create("bob", "another secret pw", Role.OPERATOR, by=admin)
    accounts.login("alice", PASSWORD)
    with pytest.raises(AuthError):
        accounts.login("alice", "a wrong guess")
    stored = [row[0] for row in file_conn.execute("SELECT password FROM users")]
    secrets = [PASSWORD, "another secret pw", "a wrong guess"]
    secrets += [part for hashed in stored for part in hashed.split("$")[4:]]
    audit_text = " ".join(str(e) for e in audit.entries())
    for secret in secrets:
        assert secret not in caplog.text and secret not in audit_text
    assert "alice" in caplog.text  # the log is written, just without secrets
    with pytest.raises(ValueError, match="secret"):
        audit.record("alice", AuditAction.EDIT, "x", {"password": "nope"})
