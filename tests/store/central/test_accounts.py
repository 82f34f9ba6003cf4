"""Admin accounts at the centre: one sign-in at every kiosk, lockouts everywhere, and the
kiosk's copy while the server is away (only while it is recent; changes need the server)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from tests.admin.conftest import CHEAP_COST, INSTALLER, FakeClock
from tests.netproxy import TcpProxy
from tests.store.central.conftest import MODEL, through
from turnstile.admin.accounts import Accounts, AuthError, LockoutError, Role
from turnstile.admin.audit import AuditLog
from turnstile.config import AdminConfig
from turnstile.store import database as storage
from turnstile.store.central.accounts import CentralAccountStore
from turnstile.store.central.connection import Central
from turnstile.store.central.sync import Synchronizer

PASSWORD, NEW_PASSWORD = "first password 1", "second password 2"


@dataclass
class Door:
    """One kiosk's accounts: its own file, the central database, its own clock."""

    accounts: Accounts
    store: CentralAccountStore
    clock: FakeClock


@pytest.fixture
def doors(pg_dsn: str, proxy: TcpProxy, tmp_path: Path) -> Iterator[list[Door]]:
    """door-1 reaches the server directly, door-2 through the test's proxy."""
    opened = []
    for name, dsn in (("door-1", pg_dsn), ("door-2", through(pg_dsn, proxy))):
        conn = storage.connect(tmp_path / f"{name}.db")
        clock = FakeClock()
        store = CentralAccountStore(Central(dsn, name), conn, timedelta(hours=24), clock,
                                    retry_s=0.0)
        accounts = Accounts(conn, AdminConfig(), AuditLog(conn, clock), clock, CHEAP_COST,
                            store)
        opened.append(Door(accounts, store, clock))
    yield opened
    for door in opened:
        door.store.close()


def test_an_account_made_at_one_door_signs_in_at_another(doors: list[Door]) -> None:
    one, two = doors
    assert one.accounts.first_run() and two.accounts.first_run()
    alice = one.accounts.create("alice", PASSWORD, Role.ADMINISTRATOR, by=INSTALLER)
    assert not two.accounts.first_run()
    assert two.accounts.login("Alice", PASSWORD).id == alice.id
    two.accounts.change_password(alice, PASSWORD, NEW_PASSWORD)
    with pytest.raises(AuthError, match="wrong name or password"):
        one.accounts.login("alice", PASSWORD)
    assert one.accounts.login("alice", NEW_PASSWORD).name == "alice"
    bob = two.accounts.create("bob", PASSWORD, Role.OPERATOR, by=alice)
    with pytest.raises(AuthError, match="already exists"):
        one.accounts.create("BOB", PASSWORD, Role.OPERATOR, by=alice)
    one.accounts.delete(bob.id, by=alice)
    with pytest.raises(AuthError, match="wrong name or password"):
        two.accounts.login("bob", PASSWORD)
    assert [u.name for u in two.accounts.users()] == ["alice"]


def test_a_lockout_at_one_door_holds_at_every_door(doors: list[Door]) -> None:
    one, two = doors
    alice = one.accounts.create("alice", PASSWORD, Role.ADMINISTRATOR, by=INSTALLER)
    for _ in range(AdminConfig().max_failed_logins):
        with pytest.raises(AuthError):
            one.accounts.login("alice", "a wrong guess")
    with pytest.raises(LockoutError):
        two.accounts.login("alice", PASSWORD)  # even with the right password
    assert two.accounts.unlock("alice", by=alice) == 1
    assert one.accounts.login("alice", PASSWORD).name == "alice"


def test_a_cut_off_door_signs_in_with_its_recent_copy_only(doors: list[Door],
                                                          proxy: TcpProxy) -> None:
    one, two = doors
    alice = one.accounts.create("alice", PASSWORD, Role.ADMINISTRATOR, by=INSTALLER)
    proxy.cut()
    with pytest.raises(AuthError, match="no copy of the accounts yet"):
        two.accounts.login("alice", PASSWORD)  # never reached the server: fails shut
    proxy.restore()
    assert two.accounts.login("alice", PASSWORD).id == alice.id  # the copy is made here
    proxy.cut()
    assert two.accounts.login("alice", PASSWORD).id == alice.id
    with pytest.raises(AuthError, match="can be changed only while it answers"):
        two.accounts.change_password(alice, PASSWORD, NEW_PASSWORD)
    with pytest.raises(AuthError, match="wrong name or password"):
        two.accounts.login("alice", "a wrong guess")  # counted on the kiosk meanwhile
    two.clock.advance(timedelta(hours=25).total_seconds())
    with pytest.raises(AuthError, match="too old to sign in with"):
        two.accounts.login("alice", PASSWORD)


def test_the_sync_loop_keeps_the_copy_current(doors: list[Door], pg_dsn: str, proxy: TcpProxy,
                                              tmp_path: Path) -> None:
    one, two = doors
    alice = one.accounts.create("alice", PASSWORD, Role.ADMINISTRATOR, by=INSTALLER)
    sync = Synchronizer(Central(pg_dsn, "door-2"), tmp_path / "door-2.db", MODEL)
    sync.once()  # the kiosk's background loop, one round
    proxy.cut()
    assert two.accounts.login("alice", PASSWORD).id == alice.id
    proxy.restore()
    one.accounts.reset_password(alice.id, NEW_PASSWORD, by=alice)
    sync.once()
    proxy.cut()
    with pytest.raises(AuthError, match="wrong name or password"):
        two.accounts.login("alice", PASSWORD)
    assert two.accounts.login("alice", NEW_PASSWORD).id == alice.id
