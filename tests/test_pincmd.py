"""`turnstile pin ...` and `turnstile groups ...`: PINs never on the command line, clear errors."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.test_cli import fails_cleanly, run_json
from turnstile.store.sqlite import SQLiteStore


@pytest.fixture
def db(tmp_path: Path) -> list[str]:
    path = tmp_path / "turnstile.db"
    store = SQLiteStore.open(path)
    dana = store.people.add("Dana Whitfield", "1001")
    store.people.add("Eli Brandt", "E-2")
    store.groups.set(dana.id, ["Lab"])
    store.close()
    return ["--db", str(path)]


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def test_set_list_unlock_and_clear(capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch, db: list[str]) -> None:
    _stdin(monkeypatch, "482915\n")
    assert run_json(capsys, "pin", "set", "dana whitfield", "--pin-stdin", *db)["pin"] == "set"
    listed = run_json(capsys, "pin", "list", *db)["pins"]
    assert listed == [{"id": 1, "name": "Dana Whitfield", "employee_id": "1001",
                       "locked_until": None}]
    assert run_json(capsys, "pin", "unlock", "1001", *db)["unlocked"] is True
    assert run_json(capsys, "pin", "clear", "1001", *db)["cleared"] is True
    assert run_json(capsys, "pin", "clear", "1001", *db)["cleared"] is False
    fails_cleanly(capsys, "pin", "unlock", "1001", *db, match="has no PIN")


def test_bad_pins_and_people_fail_in_one_line(capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch,
                                              db: list[str]) -> None:
    _stdin(monkeypatch, "1234\n")
    fails_cleanly(capsys, "pin", "set", "1001", "--pin-stdin", *db, match="6 to 12 digits")
    _stdin(monkeypatch, "482915\n")
    fails_cleanly(capsys, "pin", "set", "Eli Brandt", "--pin-stdin", *db,
                  match="employee id of digits only")
    _stdin(monkeypatch, "")
    fails_cleanly(capsys, "pin", "set", "1001", "--pin-stdin", *db, match="no PIN on standard")
    fails_cleanly(capsys, "pin", "clear", "Nobody", *db, match="no one named")


def test_typed_pins_must_match(capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch, db: list[str]) -> None:
    answers = iter(["482915", "482916"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    fails_cleanly(capsys, "pin", "set", "1001", *db, match="the two PINs differ")


def test_groups_list_and_face_and_pin(capsys: pytest.CaptureFixture[str],
                                      db: list[str]) -> None:
    assert run_json(capsys, "groups", "list", *db)["groups"] == [
        {"name": "Lab", "face_and_pin": False}]
    assert run_json(capsys, "groups", "face-and-pin", "lab", "on", *db)["face_and_pin"] is True
    assert run_json(capsys, "groups", "list", *db)["groups"] == [
        {"name": "Lab", "face_and_pin": True}]
    fails_cleanly(capsys, "groups", "face-and-pin", "Vault", "on", *db,
                  match="no access group named 'Vault'")
