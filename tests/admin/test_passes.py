"""Issuing, listing and revoking visitor passes: caps, audit entries, roles, the card."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.admin.conftest import INSTALLER, FakeClock
from turnstile.access.passcode import PassStatus, check, load_key
from turnstile.admin.audit import AuditAction, AuditLog
from turnstile.admin.passes import VisitorPasses, card, parse_duration, parse_time
from turnstile.admin.roles import Role
from turnstile.configlinks import PassesConfig
from turnstile.errors import UsageError
from turnstile.vision.qr import QrReader


@dataclass(frozen=True)
class Account:
    name: str
    role: Role


@pytest.fixture
def passes(file_conn: sqlite3.Connection, db_path: Path, clock: FakeClock) -> VisitorPasses:
    audit = AuditLog(file_conn, clock)
    return VisitorPasses.open(file_conn, PassesConfig(max_valid_h=12), db_path, audit, clock)


def test_an_issued_pass_checks_at_the_kiosk_with_the_same_key(
        passes: VisitorPasses, db_path: Path, clock: FakeClock) -> None:
    issued = passes.issue(INSTALLER, "Zoë", host="Dana", valid_for=timedelta(hours=8))
    key = load_key(db_path.parent / "passes.key", create=False)
    result = check(issued.code, key, clock.now + timedelta(hours=1))
    assert result.status is PassStatus.VALID and result.claims is not None
    assert result.claims.pass_id == issued.record.id and result.claims.visitor == "Zoë"
    assert issued.record.valid_from == clock.now and issued.record.host == "Dana"


def test_validity_is_capped_by_max_valid_h(passes: VisitorPasses, clock: FakeClock) -> None:
    with pytest.raises(UsageError, match="at most 12 h"):
        passes.issue(INSTALLER, "Zoë", valid_for=timedelta(hours=13))
    with pytest.raises(UsageError, match="at most 12 h"):
        passes.issue(INSTALLER, "Zoë", valid_from=clock.now + timedelta(days=1),
                     until=clock.now + timedelta(days=2))
    assert passes.list() == []


def test_a_pass_ending_in_the_past_or_without_an_end_is_refused(
        passes: VisitorPasses, clock: FakeClock) -> None:
    with pytest.raises(UsageError, match="in the past"):
        passes.issue(INSTALLER, "Zoë", valid_from=clock.now - timedelta(hours=3),
                     until=clock.now - timedelta(hours=1))
    with pytest.raises(UsageError, match="either a duration or an end time"):
        passes.issue(INSTALLER, "Zoë")


def test_issue_and_revoke_are_audited_without_the_visitor_name(
        passes: VisitorPasses, file_conn: sqlite3.Connection, clock: FakeClock) -> None:
    issued = passes.issue(INSTALLER, "Zoë Secret", valid_for=timedelta(hours=2))
    passes.revoke(INSTALLER, issued.record.id)
    passes.revoke(INSTALLER, issued.record.id)  # again: no second entry
    entries = AuditLog(file_conn, clock).entries()
    actions = [(e.action, e.target) for e in entries]
    assert actions == [(AuditAction.PASS_REVOKED, f"pass {issued.record.id}"),
                       (AuditAction.PASS_ISSUED, f"pass {issued.record.id}")]
    assert all("Zoë" not in str(e.detail) for e in entries)
    assert passes.list(current=True) == [] and passes.list()[0].revoked


def test_operators_may_issue_passes(passes: VisitorPasses) -> None:
    issued = passes.issue(Account("reception", Role.OPERATOR), "Zoë",
                          valid_for=timedelta(hours=1))
    assert issued.record.issued_by == "reception"


def test_the_card_carries_a_readable_code(passes: VisitorPasses) -> None:
    issued = passes.issue(INSTALLER, "Zoë Ångström", host="Dana", reason="Audit",
                          valid_for=timedelta(hours=2))
    image = card(issued)
    assert image.shape[1] == 840 and QrReader().read(image) == issued.code
    assert passes.get(issued.record.id).code == issued.code  # reprinted: the same code


@pytest.mark.parametrize(("text", "seconds"), [("8h", 8 * 3600), ("90m", 5400), ("2d", 172800),
                                               (" 1.5H ", 5400)])
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text).total_seconds() == seconds


@pytest.mark.parametrize("text", ["8", "h", "8 hours", "-1h", ""])
def test_bad_durations_say_how_to_write_them(text: str) -> None:
    with pytest.raises(UsageError, match="8h, 90m or 2d"):
        parse_duration(text)


def test_times() -> None:
    now = datetime(2026, 3, 2, 9, 0)
    assert parse_time("18:00", now) == datetime(2026, 3, 2, 18, 0)
    assert parse_time("2026-03-04 07:30", now) == datetime(2026, 3, 4, 7, 30)
    with pytest.raises(UsageError, match="cannot read the time"):
        parse_time("tomorrow", now)


def test_issuing_prunes_passes_ended_longer_ago_than_the_retention(
        file_conn: sqlite3.Connection, db_path: Path, clock: FakeClock) -> None:
    passes = VisitorPasses.open(file_conn, PassesConfig(), db_path, AuditLog(file_conn, clock),
                                clock, keep_days=30)
    first = passes.issue(INSTALLER, "Early", valid_for=timedelta(hours=1))
    clock.advance(31 * 86400)
    second = passes.issue(INSTALLER, "Later", valid_for=timedelta(hours=1))
    assert [r.id for r in passes.list()] == [second.record.id]
    assert first.record.id != second.record.id  # numbers are never handed out again
