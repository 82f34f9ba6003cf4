"""The command line in-process: JSON contracts, real faces, and one clear line per bad input."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import pytest

from turnstile.cli import main
from turnstile.store import database as storage
from turnstile.store.sqlite import SQLiteStore
from turnstile.vision.imageio import read_image


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    assert main([*argv, "--json"]) == 0
    result: dict[str, object] = json.loads(capsys.readouterr().out)
    return result


def fails_cleanly(capsys: pytest.CaptureFixture[str], *argv: str, match: str) -> None:
    """Non-zero exit, exactly one error line naming the problem, no traceback."""
    assert main(list(argv)) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("turnstile: error:") and match in err[0]
    assert "Traceback" not in err[0]


def test_verify_same_and_different(capsys: pytest.CaptureFixture[str], examples: Path,
                                   models_dir: Path) -> None:
    same = run_json(capsys, "verify", str(examples / "obama.jpg"), str(examples / "obama2.jpg"))
    assert same["same"] is True and float(str(same["similarity"])) > 0.6
    other = run_json(capsys, "verify", str(examples / "obama.jpg"), str(examples / "biden.jpg"))
    assert other["same"] is False and float(str(other["similarity"])) < 0.3
    assert set(other) == {"similarity", "same", "threshold"}


def test_enrol_then_identify_both_faces_and_an_unknown(
    capsys: pytest.CaptureFixture[str], examples: Path, db_path: Path, models_dir: Path
) -> None:
    db = ["--db", str(db_path)]
    enrolled = run_json(capsys, "enroll", "Barack Obama", str(examples / "obama.jpg"),
                        str(examples / "obama-480p.jpg"), "--employee-id", "E44", *db)
    assert enrolled["enrolled"] == 2
    run_json(capsys, "enroll", "Joe Biden", str(examples / "biden.jpg"), *db)
    faces = run_json(capsys, "identify", str(examples / "two_people.jpg"), *db)["faces"]
    assert isinstance(faces, list)
    assert sorted(str(f["name"]) for f in faces) == ["Barack Obama", "Joe Biden"]
    assert all(len(f["box"]) == 4 and f["similarity"] > 0.5 for f in faces)
    stranger = run_json(capsys, "identify", str(examples / "alex-lacamoire.png"), *db)["faces"]
    assert isinstance(stranger, list) and len(stranger) == 1 and stranger[0]["name"] is None
    people = run_json(capsys, "people", *db)["people"]
    assert isinstance(people, list)
    assert {(p["name"], p["employee_id"], p["templates"]) for p in people} == {
        ("Barack Obama", "E44", 2), ("Joe Biden", None, 1)}


def test_people_json_lists_each_persons_groups(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    store = SQLiteStore.open(db_path)
    alice, bob = store.people.add("Alice"), store.people.add("Bob")
    store.groups.set(alice.id, ["Staff", "Cleaning"])
    store.close()
    people = run_json(capsys, "people", "--db", str(db_path))["people"]
    assert isinstance(people, list)
    assert {p["name"]: p["groups"] for p in people} == {"Alice": ["Cleaning", "Staff"],
                                                        "Bob": []}
    assert bob.id != alice.id


def test_enrol_skips_bad_images_but_keeps_the_good(
    capsys: pytest.CaptureFixture[str], examples: Path, db_path: Path, tmp_path: Path,
    models_dir: Path,
) -> None:
    blank = tmp_path / "blank.png"
    import cv2
    import numpy as np

    cv2.imwrite(str(blank), np.full((200, 200, 3), 127, np.uint8))
    code = main(["enroll", "Obama", str(examples / "obama.jpg"), str(examples / "two_people.jpg"),
                 str(blank), "--db", str(db_path), "--json"])
    captured = capsys.readouterr()
    assert code == 1
    result = json.loads(captured.out)
    assert result["enrolled"] == 1
    reasons = {Path(s["image"]).name: s["reason"] for s in result["skipped"]}
    # The panel's quality gate, with its words.
    assert "several faces (2)" in reasons["two_people.jpg"] and "no face" in reasons["blank.png"]


def _degraded(examples: Path, tmp_path: Path) -> dict[str, Path]:
    import cv2
    import numpy as np

    photo = read_image(examples / "obama.jpg")
    out = {"blurred": tmp_path / "blurred.jpg", "dark": tmp_path / "dark.jpg"}
    cv2.imwrite(str(out["blurred"]), cv2.GaussianBlur(photo, (0, 0), 12))
    cv2.imwrite(str(out["dark"]), np.asarray(photo * 0.08, np.uint8))
    return out


def test_enroll_applies_the_panels_quality_gate(capsys: pytest.CaptureFixture[str],
                                                examples: Path, db_path: Path,
                                                tmp_path: Path, models_dir: Path) -> None:
    photos = _degraded(examples, tmp_path)
    db = ["--db", str(db_path)]
    fails_cleanly(capsys, "enroll", "Barack Obama", str(photos["blurred"]), *db,
                  match="blurred")
    fails_cleanly(capsys, "enroll", "Barack Obama", str(photos["dark"]), *db, match="too dark")
    # --force overrides the duplicate check only, never the quality gate.
    fails_cleanly(capsys, "enroll", "Barack Obama", str(photos["blurred"]), "--force", *db,
                  match="blurred")
    assert run_json(capsys, "people", *db)["people"] == []


def test_enroll_refuses_a_duplicate_unless_forced(capsys: pytest.CaptureFixture[str],
                                                  examples: Path, db_path: Path,
                                                  models_dir: Path) -> None:
    db = ["--db", str(db_path)]
    run_json(capsys, "enroll", "Barack Obama", str(examples / "obama.jpg"), "--consent", *db)
    # Obama's other photo under another name: the kiosk would take him for Obama.
    fails_cleanly(capsys, "enroll", "Joe Biden", str(examples / "obama2.jpg"), *db,
                  match="the face matches Barack Obama")
    people = run_json(capsys, "people", *db)["people"]
    assert isinstance(people, list) and [p["name"] for p in people] == ["Barack Obama"]
    assert main(["enroll", "Joe Biden", str(examples / "obama2.jpg"), "--force", *db]) == 0
    assert "matches Barack Obama" in capsys.readouterr().err  # still said, once
    store = SQLiteStore.open(db_path)
    [obama] = store.people.find("Barack Obama")
    assert store.people.consent(obama.id) is not None  # --consent stamped it
    detail = store.connection.execute(
        "SELECT detail FROM audit_log WHERE action = 'enrol' ORDER BY id DESC").fetchone()[0]
    assert json.loads(detail)["confirmed_duplicate_of"] == f"person #{obama.id}"
    assert "Obama" not in detail  # audit entries name people by number only
    store.close()


def test_enrol_again_adds_to_the_same_person(capsys: pytest.CaptureFixture[str], examples: Path,
                                            db_path: Path, models_dir: Path) -> None:
    db = ["--db", str(db_path)]
    first = run_json(capsys, "enroll", "Joe Biden", str(examples / "biden.jpg"), *db)
    again = run_json(capsys, "enroll", "Joe Biden", str(examples / "biden.jpg"), *db)
    assert again["person_id"] == first["person_id"]
    people = run_json(capsys, "people", *db)["people"]
    assert isinstance(people, list) and [(p["name"], p["templates"]) for p in people] == [
        ("Joe Biden", 2)]


def test_remove_erases_templates(capsys: pytest.CaptureFixture[str], examples: Path,
                                 db_path: Path, models_dir: Path) -> None:
    run_json(capsys, "enroll", "Obama", str(examples / "obama.jpg"), "--db", str(db_path))
    assert run_json(capsys, "remove", "Obama", "--yes", "--db", str(db_path))["removed"] == "Obama"
    conn = storage.connect(db_path)
    assert conn.execute("SELECT COUNT(*) FROM templates").fetchone()[0] == 0
    fails_cleanly(capsys, "remove", "Obama", "--yes", "--db", str(db_path), match="no one named")


@pytest.fixture
def enrolled_db(capsys: pytest.CaptureFixture[str], examples: Path, db_path: Path,
                models_dir: Path) -> Path:
    run_json(capsys, "enroll", "Biden", str(examples / "biden.jpg"), "--db", str(db_path))
    return db_path


def _gallery_rows(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT p.name, t.embedding FROM people p JOIN templates t"
                        " ON t.person_id = p.id").fetchall()
    conn.close()
    return rows


def test_bad_inputs_fail_cleanly_and_lose_nothing(
    capsys: pytest.CaptureFixture[str], enrolled_db: Path, tmp_path: Path
) -> None:
    import cv2
    import numpy as np

    before = _gallery_rows(enrolled_db)
    db = ["--db", str(enrolled_db)]
    corrupt = tmp_path / "corrupt.jpg"
    corrupt.write_bytes(b"\xff\xd8garbage" * 20)
    tiny = tmp_path / "tiny.png"
    cv2.imwrite(str(tiny), np.zeros((1, 1, 3), np.uint8))
    huge = tmp_path / "huge.png"
    from tests.vision.test_imageio import huge_png

    huge.write_bytes(huge_png(20000, 20000))
    blank = tmp_path / "blank.png"
    cv2.imwrite(str(blank), np.full((300, 300, 3), 90, np.uint8))
    fails_cleanly(capsys, "identify", str(tmp_path / "missing.jpg"), *db, match="no such file")
    fails_cleanly(capsys, "enroll", "X", str(corrupt), *db, match="not a readable image")
    fails_cleanly(capsys, "enroll", "X", str(tiny), *db, match="too small")
    fails_cleanly(capsys, "enroll", "X", str(huge), *db, match="larger than the limit")
    fails_cleanly(capsys, "enroll", "X", str(blank), *db, match="no face; nothing enrolled")
    fails_cleanly(capsys, "verify", str(blank), str(blank), *db, match="no face found")
    bad_model = tmp_path / "model.onnx"
    bad_model.write_bytes(b"not a model")
    fails_cleanly(capsys, "identify", str(blank), "--model", str(bad_model), *db,
                  match="not a usable ONNX embedder")
    assert _gallery_rows(enrolled_db) == before


def test_newer_schema_database_is_refused(
    capsys: pytest.CaptureFixture[str], examples: Path, tmp_path: Path, models_dir: Path
) -> None:
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {storage.SCHEMA_VERSION + 5}")
    conn.close()
    fails_cleanly(capsys, "enroll", "Obama", str(examples / "obama.jpg"), "--db", str(path),
                  match="newer than this Turnstile supports")
    fails_cleanly(capsys, "people", "--db", str(path), match="newer than")


def test_cuda_without_a_cuda_provider_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], examples: Path, models_dir: Path
) -> None:
    import onnxruntime

    if "CUDAExecutionProvider" in onnxruntime.get_available_providers():
        pytest.skip("this machine has CUDA")
    fails_cleanly(capsys, "verify", "--device", "cuda", str(examples / "obama.jpg"),
                  str(examples / "biden.jpg"), match="CUDA was requested")


def test_bad_config_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[recognition]\nthreshold = 2\n")
    fails_cleanly(capsys, "people", "--config", str(config), match="threshold")


def test_check_reports_each_part(capsys: pytest.CaptureFixture[str], db_path: Path,
                                 models_dir: Path) -> None:
    result = run_json(capsys, "check", "--no-camera", "--db", str(db_path))
    checks = result["checks"]
    assert result["ok"] is True and isinstance(checks, dict)
    assert set(checks) == {"models", "database", "display"}
    assert str(checks["display"]).startswith("ok (offscreen")  # what the tests run on
    assert main(["check", "--db", str(db_path)]) in (0, 1)  # camera may or may not exist here


def test_check_names_a_display_qt_cannot_open(capsys: pytest.CaptureFixture[str],
                                              db_path: Path, models_dir: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "no-such-platform")
    assert main(["check", "--no-camera", "--json", "--db", str(db_path)]) == 1
    display = json.loads(capsys.readouterr().out)["checks"]["display"]
    assert display.startswith("Qt cannot open the display") and "no-such-platform" in display
    assert main(["check", "--no-camera", "--no-display", "--db", str(db_path)]) == 0


def test_gui_entry_points_log_to_a_file_without_a_console(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from turnstile import cli

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setattr(sys, "stderr", None)
    monkeypatch.setattr(sys, "argv", ["turnstile-kiosk", "--no-such-option"])
    with pytest.raises(SystemExit):
        cli.kiosk_main()  # argparse writes its complaint to stderr, now the log file
    assert "--no-such-option" in (tmp_path / "turnstile" / "logs" / "kiosk.log").read_text()


def test_read_only_commands_create_no_database_or_folder(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, examples: Path,
        models_dir: Path) -> None:
    typo = tmp_path / "typo" / "galery.db"
    db = ["--db", str(typo)]
    for argv in (["people"], ["events"], ["identify", str(examples / "obama.jpg")],
                 ["remove", "Obama", "--yes"]):
        fails_cleanly(capsys, *argv, *db, match=f"no database at {typo}")
    assert list(tmp_path.iterdir()) == []


def test_remove_asks_first_and_matches_names_in_any_case(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        enrolled_db: Path) -> None:
    db = ["--db", str(enrolled_db)]
    before = _gallery_rows(enrolled_db)
    # Not at a terminal and no --yes: refused, nothing erased.
    fails_cleanly(capsys, "remove", "Biden", *db, match="add --yes")
    fails_cleanly(capsys, "remove", "Bidne", "--yes", *db, match="did you mean 'Biden'?")
    # At a terminal the operator is asked; anything but yes keeps the person.
    answers: list[str] = []

    def answer_no(prompt: str) -> str:
        answers.append(prompt)
        return "n"

    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", answer_no)
    assert main(["remove", "biden", *db]) == 1
    assert "Erase Biden with 1 template(s)?" in answers[0] and "cannot be undone" in answers[0]
    assert _gallery_rows(enrolled_db) == before
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    assert main(["remove", "BIDEN", *db]) == 0
    assert _gallery_rows(enrolled_db) == []
