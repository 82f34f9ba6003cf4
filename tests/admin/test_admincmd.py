"""`turnstile import` on the command line: summary, JSON, exit codes."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest

from turnstile.admin.audit import AuditLog
from turnstile.admin.roles import os_user_name
from turnstile.cli import main


def _write_config(tmp_path: Path, models_dir: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[models]\ndir = "{models_dir}"\ndevice = "cpu"\n')
    return path


def test_import_folder_json(examples: Path, models_dir: Path, tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "staff"
    for person, photo in (("Barack_Obama", "obama.jpg"), ("Barack_Obama", "two_people.jpg"),
                          ("Joe_Biden", "biden.jpg")):
        (root / person).mkdir(parents=True, exist_ok=True)
        os.symlink(examples / photo, root / person / photo)
    config = _write_config(tmp_path, models_dir)
    db = tmp_path / "t.db"
    code = main(["import", str(root), "--db", str(db), "--config", str(config), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1  # something was rejected
    assert out["enrolled"] == {"Barack Obama": 1, "Joe Biden": 1} and out["photos"] == 3
    assert out["rejected"][0]["reason"] == "several faces"
    assert main(["people", "--db", str(db), "--config", str(config), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["people"]
    assert sorted(p["name"] for p in listed) == ["Barack Obama", "Joe Biden"]


def test_import_csv_text_summary(examples: Path, models_dir: Path, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    sheet = tmp_path / "staff.csv"
    sheet.write_text(f"name,employee_id,image_path\nJoe Biden,B1,{examples / 'biden.jpg'}\n")
    config = _write_config(tmp_path, models_dir)
    code = main(["import", str(sheet), "--db", str(tmp_path / "t.db"), "--config", str(config)])
    captured = capsys.readouterr()
    assert code == 0
    assert "1 of 1 photo(s) enrolled for 1 person(s); 0 rejected" in captured.out
    assert "importing" in captured.err  # the progress bar


def test_import_bad_source_is_a_clear_error(tmp_path: Path, models_dir: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    config = _write_config(tmp_path, models_dir)
    code = main(["import", str(tmp_path / "nothing"), "--config", str(config),
                 "--db", str(tmp_path / "t.db")])
    assert code == 2 and "is not a folder" in capsys.readouterr().err
    assert not (tmp_path / "t.db").exists()


def test_remove_command_anonymises_events(examples: Path, models_dir: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from turnstile.store import database as storage

    monkeypatch.setenv("USER", "mallory")
    monkeypatch.setenv("LOGNAME", "mallory")
    config = _write_config(tmp_path, models_dir)
    db = tmp_path / "t.db"
    base = ["--db", str(db), "--config", str(config)]
    assert main(["enroll", "Obama", str(examples / "obama.jpg"), *base]) == 0
    conn = storage.connect(db)
    person_id = conn.execute("SELECT id FROM people").fetchone()[0]
    conn.execute("INSERT INTO events (at, outcome, person_id, name) VALUES"
                 " ('2026-03-02T08:00:00', 'granted', ?, 'Obama')", (person_id,))
    assert main(["remove", "Obama", "--yes", *base]) == 0
    assert conn.execute("SELECT person_id, name, outcome FROM events").fetchone() == (
        None, None, "granted")
    # Both command-line changes are audited, by the OS account (not $USER), without the name.
    rows = conn.execute("SELECT actor, action, target, detail FROM audit_log ORDER BY id")
    entries = rows.fetchall()
    assert [e[1] for e in entries] == ["enrol", "delete"]
    assert {e[0] for e in entries} == {f"cli:{os_user_name()}"}
    assert "Obama" not in str(entries)
    assert AuditLog(conn, datetime.now).verify().ok
    conn.close()
