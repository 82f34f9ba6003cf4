"""Accounts: first run, roles in the core, scrypt hashes, lockout and the PC-wide throttle."""

from __future__ import annotations

import logging
import sqlite3

import pytest

from tests.admin.conftest import CHEAP_COST, INSTALLER, FakeClock
from turnstile.admin import passwords
from turnstile.admin.accounts import (
    Accounts,
    AuthError,
    LockoutError,
    Role,
    check_password,
    hash_password,
)
from turnstile.admin.audit import AuditAction, AuditLog
from turnstile.admin.passwords import DEFAULT_COST, ScryptCost, needs_rehash
from turnstile.admin.roles import Permission, PermissionDeniedError, SystemUser
from turnstile.config import AdminConfig

PASSWORD = "correct horse battery"


@pytest.fixture
def accounts(file_conn: sqlite3.Connection, audit: AuditLog, clock: FakeClock) -> Accounts:
    return Accounts(file_conn, AdminConfig(), audit, clock, CHEAP_COST)


def test_hash_is_salted_and_checks() -> None:
    first, second = hash_password(PASSWORD, CHEAP_COST), hash_password(PASSWORD, CHEAP_COST)
    assert first != second and PASSWORD not in first
    assert check_password(PASSWORD, first)
    assert not check_password("wrong password", first)
    assert not check_password(PASSWORD, "not a hash")
    assert not check_password(PASSWORD, "scrypt$1099511627776$8$1$AAAA$AAAA")  # absurd cost


def test_default_cost_follows_current_guidance() -> None:
    assert (DEFAULT_COST.n, DEFAULT_COST.r, DEFAULT_COST.p) == (2**17, 8, 1)
    stored = hash_password(PASSWORD)  # the real cost, once
    assert stored.startswith("scrypt$131072$8$1$") and check_password(PASSWORD, stored)
    assert not needs_rehash(stored) and needs_rehash(hash_password(PASSWORD, CHEAP_COST))


def test_first_account_comes_from_the_pc_account_only(accounts: Accounts) -> None:
    assert accounts.first_run()
    with pytest.raises(AuthError, match="first account must be an administrator"):
        accounts.create("op", PASSWORD, Role.OPERATOR, by=INSTALLER)
    # Nobody signed in (the kiosk's gesture) cannot make an account, first or not.
    nobody = SystemUser("kiosk visitor", Role.OPERATOR)
    with pytest.raises(PermissionDeniedError):
        accounts.create("mallory", PASSWORD, Role.ADMINISTRATOR, by=nobody)
    assert accounts.first_run()
    admin = accounts.create("Alice", PASSWORD, Role.ADMINISTRATOR, by=INSTALLER)
    assert not accounts.first_run() and admin.role is Role.ADMINISTRATOR
    operator = accounts.create("Bob", PASSWORD, Role.OPERATOR, by=admin)
    with pytest.raises(PermissionDeniedError, match="may not manage accounts"):
        accounts.create("eve", PASSWORD, Role.OPERATOR, by=operator)
    with pytest.raises(AuthError, match="already exists"):
        accounts.create("alice", PASSWORD, Role.OPERATOR, by=admin)
    with pytest.raises(AuthError, match="at least 8"):
        accounts.create("carol", "short", Role.OPERATOR, by=admin)
    assert [u.name for u in accounts.users()] == ["Alice", "Bob"]


def test_roles_are_refused_in_the_core(accounts: Accounts) -> None:
    admin = accounts.create("alice", PASSWORD, Role.ADMINISTRATOR, by=INSTALLER)
    operator = accounts.create("bob", PASSWORD, Role.OPERATOR, by=admin)
    for call in (lambda: accounts.delete(admin.id, by=operator),
                 lambda: accounts.reset_password(admin.id, "new password 1", by=operator),
                 lambda: accounts.unlock("alice", by=operator),
                 lambda: accounts.authorise("bob", PASSWORD, Permission.QUIT_KIOSK)):
        with pytest.raises(PermissionDeniedError):
            call()
    assert accounts.authorise("alice", PASSWORD, Permission.QUIT_KIOSK).name == "alice"


def test_stored_password_is_a_scrypt_hash(accounts: Accounts,
                                          file_conn: sqlite3.Connection) -> None:
    accounts.create("alice", PASSWORD, Role.ADMINISTRATOR, by=INSTALLER)
    stored = file_conn.execute("SELECT password FROM users").fetchone()[0]
    assert stored.startswith("scrypt$") and PASSWORD not in stored


def test_weaker_hash_is_upgraded_at_the_next_sign_in(
        file_conn: sqlite3.Connection, audit: AuditLog, clock: FakeClock) -> None:
    old = Accounts(file_conn, AdminConfig(), audit, clock, ScryptCost(2**6))
    old.create("alice", PASSWORD, Role.ADMINISTRATOR, by=INSTALLER)
    stronger = Accounts(file_conn, AdminConfig(), audit, clock, CHEAP_COST)
    with pytest.raises(AuthError):
        stronger.login("alice", "wrong password")
    assert file_conn.execute("SELECT password FROM users").fetchone()[0].startswith("scrypt$64$")
    stronger.login("alice", PASSWORD)
    stored = file_conn.execute("SELECT password FROM users").fetchone()[0]
    assert stored.startswith(f"scrypt${CHEAP_COST.n}$") and check_password(PASSWORD, stored)


def test_unknown_and_known_names_cost_the_same_stretch(
        accounts: Accounts, monkeypatch: pytest.MonkeyPatch) -> None:
    """The answer time cannot tell names apart: both paths run exactly one key stretch with
    the same parameters (counted, not timed: a wall clock on a shared machine is noise)."""
    accounts.create("alice", PASSWORD, Role.ADMINISTRATOR, by=INSTALLER)
    calls: list[tuple[int, int, int, int]] = []
    real = passwords.kdf

    def counting(password: str, salt: bytes, cost: ScryptCost, length: int = 32) -> bytes:
        calls.append((cost.n, cost.r, cost.p, length))
        return real(password, salt, cost, length)

    monkeypatch.setattr(passwords, "kdf", counting)
    per_name: dict[str, list[tuple[int, int, int, int]]] = {}
    for name in ("alice", "nobody", "alice", "zed"):
        calls.clear()
        with pytest.raises(AuthError, match="wrong name or password"):
            accounts.login(name, "wrong guess")
        per_name.setdefault(name, []).extend(calls)
    assert per_name["alice"] == per_name["nobody"] + per_name["zed"]
    assert per_name["nobody"] == [(CHEAP_COST.n, CHEAP_COST.r, CHEAP_COST.p, 32)]


def test_login_and_lockout_grows(accounts: Accounts, clock: FakeClock, audit: AuditLog) -> None:
    accounts.create("alice", PASSWORD, Role.ADMINISTRATOR, by=INSTALLER)
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


def test_a_name_is_never_locked_longer_than_the_cap(accounts: Accounts,
                                                    clock: FakeClock) -> None:
    accounts.create("alice", PASSWORD, Role.ADMINISTRATOR, by=INSTALLER)
    for _ in range(12):  # a visitor keeps guessing the administrator's name
        with pytest.raises(AuthError):
            accounts.login("alice", "guess")
        clock.advance(accounts.lockout_remaining("alice") + 1)
        assert accounts.lockout_remaining("alice") == 0.0
    with pytest.raises(AuthError):
        accounts.login("alice", "guess")
    assert accounts.lockout_remaining("alice") == pytest.approx(AdminConfig().lockout_max_s)
    # The kiosk account lifts it at once.
    assert accounts.unlock("alice", by=INSTALLER) == 1
    assert accounts.login("alice", PASSWORD).name == "alice"


def test_guessing_many_names_hits_the_pc_wide_throttle(accounts: Accounts,
                                                       clock: FakeClock) -> None:
    config = AdminConfig()
    accounts.create("alice", PASSWORD, Role.ADMINISTRATOR, by=INSTALLER)
    for index in range(config.global_failed_logins):  # one guess per name: no name locks
        with pytest.raises(AuthError, match="wrong name or password"):
            accounts.login(f"user{index}", "guess")
        clock.advance(1)
    with pytest.raises(LockoutError, match="on this PC") as raised:
        accounts.login("someone else", "guess")
    assert 0 < raised.value.wait_s <= config.global_delay_s
    # A throttle, not a lock: after the spacing the administrator gets in.
    clock.advance(config.global_delay_s)
    assert accounts.login("alice", PASSWORD).name == "alice"
    with pytest.raises(AuthError, match="wrong name or password"):
        accounts.login("user0", "guess")
    with pytest.raises(LockoutError, match="on this PC"):
        accounts.login("user1", "guess")
    clock.advance(config.global_window_s)  # a new window starts counting from zero
    with pytest.raises(AuthError, match="wrong name or password"):
        accounts.login("user1", "guess")


def test_unknown_names_are_locked_out_too(accounts: Accounts) -> None:
    accounts.create("alice", PASSWORD, Role.ADMINISTRATOR, by=INSTALLER)
    for _ in range(3):
        with pytest.raises(AuthError, match="wrong name or password"):
            accounts.login("nobody", "guess")
    with pytest.raises(LockoutError):
        accounts.login("nobody", "guess")


def test_password_change_and_reset(accounts: Accounts, audit: AuditLog) -> None:
    admin = accounts.create("alice", PASSWORD, Role.ADMINISTRATOR, by=INSTALLER)
    bob = accounts.create("bob", PASSWORD, Role.OPERATOR, by=admin)
    with pytest.raises(AuthError, match="wrong name or password"):
        accounts.change_password(bob, "not my password", "bob's new password")
    with pytest.raises(AuthError, match="at least 8"):
        accounts.change_password(bob, PASSWORD, "short")
    accounts.change_password(bob, PASSWORD, "bob's new password")
    with pytest.raises(AuthError):
        accounts.login("bob", PASSWORD)
    assert accounts.login("bob", "bob's new password").name == "bob"
    for _ in range(3):  # bob forgot it and locked himself out
        with pytest.raises(AuthError):
            accounts.login("bob", "forgotten")
    accounts.reset_password(bob.id, "reset password 1", by=admin)
    assert accounts.login("bob", "reset password 1").name == "bob"  # and the lock is lifted
    actions = [e.action for e in audit.entries()]
    assert AuditAction.PASSWORD_CHANGED in actions and AuditAction.PASSWORD_RESET in actions


def test_reauthentication_counts_wrong_answers(accounts: Accounts) -> None:
    admin = accounts.create("alice", PASSWORD, Role.ADMINISTRATOR, by=INSTALLER)
    accounts.confirm(admin, PASSWORD, "erase a person")
    for _ in range(3):
        with pytest.raises(AuthError):
            accounts.confirm(admin, "someone guessing", "erase a person")
    with pytest.raises(LockoutError):
        accounts.confirm(admin, PASSWORD, "erase a person")


def test_last_administrator_cannot_be_deleted(accounts: Accounts) -> None:
    admin = accounts.create("alice", PASSWORD, Role.ADMINISTRATOR, by=INSTALLER)
    operator = accounts.create("bob", PASSWORD, Role.OPERATOR, by=admin)
    with pytest.raises(AuthError, match="last administrator"):
        accounts.delete(admin.id, by=admin)
    with pytest.raises(PermissionDeniedError):
        accounts.delete(admin.id, by=operator)
    accounts.delete(operator.id, by=admin)
    assert [u.name for u in accounts.users()] == ["alice"]


def test_no_password_hash_or_salt_in_logs_or_audit(
        accounts: Accounts, audit: AuditLog, file_conn: sqlite3.Connection,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    admin = accounts.create("alice", PASSWORD, Role.ADMINISTRATOR, by=INSTALLER)
    accounts.create("bob", "another secret pw", Role.OPERATOR, by=admin)
    accounts.login("alice", PASSWORD)
    with pytest.raises(AuthError):
        accounts.login("alice", "a wrong guess")
    accounts.change_password(admin, PASSWORD, "a third secret")
    stored = [row[0] for row in file_conn.execute("SELECT password FROM users")]
    secrets = [PASSWORD, "another secret pw", "a wrong guess", "a third secret"]
    secrets += [part for hashed in stored for part in hashed.split("$")[4:]]
    audit_text = " ".join(str(e) for e in audit.entries())
    for secret in secrets:
        assert secret not in caplog.text and secret not in audit_text
    assert "alice" in caplog.text  # the log is written, just without secrets
    with pytest.raises(ValueError, match="secret"):
        audit.record("alice", AuditAction.EDIT, "x", {"password": "nope"})
