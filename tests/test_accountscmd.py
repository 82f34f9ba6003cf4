"""`turnstile accounts ...` and `turnstile audit verify` in-process, with a real database."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest

from tests.admin.conftest import CHEAP_COST
from turnstile.admin import passwords
from turnstile.admin.roles import os_user_name
from turnstile.cli import main


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The strong cost is tested on its own; here it would only make the test slow."""
    monkeypatch.setattr(passwords, "DEFAULT_COST", CHEAP_COST)


def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db: Path,
        *argv: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main([*argv, "--db", str(db)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_first_administrator_and_password_life_cycle(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    monkeypatch.setenv("USER", "mallory")  # the audit's actor never comes from the environment
    monkeypatch.setenv("LOGNAME", "mallory")
    code, out, _ = run(capsys, monkeypatch, db, "accounts", "list", "--json")
    assert code != 0 and not db.exists()  # listing never creates a database
    code, out, _ = run(capsys, monkeypatch, db, "accounts", "create", "alice",
                       "--password-stdin", stdin="first password 1\n")
    assert code == 0 and "created administrator account alice" in out
    code, out, _ = run(capsys, monkeypatch, db, "accounts", "create", "bob",
                       "--password-stdin", stdin="bob password 1\n")
    assert code == 0 and "operator account bob" in out  # later accounts default to operator
    code, out, _ = run(capsys, monkeypatch, db, "accounts", "list", "--json")
    assert [(a["name"], a["role"]) for a in json.loads(out)["accounts"]] == [
        ("alice", "administrator"), ("bob", "operator")]
    code, _, err = run(capsys, monkeypatch, db, "accounts", "passwd", "bob", "--password-stdin",
                       stdin="not bob's\nnew bob password\n")
    assert code == 2 and "wrong name or password" in err
    code, out, _ = run(capsys, monkeypatch, db, "accounts", "passwd", "bob", "--password-stdin",
                       stdin="bob password 1\nnew bob password\n")
    assert code == 0 and "changed" in out
    code, out, _ = run(capsys, monkeypatch, db, "accounts", "reset", "alice",
                       "--password-stdin", stdin="forgotten no more\n")
    assert code == 0
    code, out, _ = run(capsys, monkeypatch, db, "accounts", "unlock")
    assert code == 0 and "lockout lifted" in out
    code, _, err = run(capsys, monkeypatch, db, "accounts", "remove", "alice")
    assert code == 2 and "last administrator" in err
    code, out, _ = run(capsys, monkeypatch, db, "accounts", "remove", "bob")
    assert code == 0
    with sqlite3.connect(db) as conn:
        actors = {row[0] for row in conn.execute("SELECT actor FROM audit_log")}
        actions = [row[0] for row in conn.execute("SELECT action FROM audit_log ORDER BY id")]
    assert f"cli:{os_user_name()}" in actors and not any("mallory" in a for a in actors)
    assert actions[:2] == ["account_created", "account_created"]
    assert {"password_changed", "password_reset", "unlocked", "account_deleted"} <= set(actions)


def test_audit_verify_finds_an_edited_entry(capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    for name in ("alice", "bob", "carol"):
        code, _, _ = run(capsys, monkeypatch, db, "accounts", "create", name,
                         "--role", "administrator", "--password-stdin",
                         stdin="a long password\n")
        assert code == 0
    code, out, _ = run(capsys, monkeypatch, db, "audit", "verify", "--json")
    assert code == 0 and json.loads(out)["ok"] and json.loads(out)["entries"] == 3
    with sqlite3.connect(db) as conn:  # someone with the file rewrites who did it
        conn.execute("UPDATE audit_log SET target = 'mallory' WHERE target = 'bob'")
    code, out, _ = run(capsys, monkeypatch, db, "audit", "verify")
    assert code == 1 and "BROKEN" in out and "changed after it was written" in out
