"""`turnstile pass issue|list|revoke` in-process with a real database and key file."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import cv2
import numpy as np
import pytest

from turnstile.cli import main
from turnstile.vision.qr import QrReader


def run(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--db", str(db)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_issue_list_revoke(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db, out = tmp_path / "site.db", tmp_path / "pass.png"
    code, text, _ = run(capsys, db, "pass", "issue", "--visitor", "Zoë", "--host", "Dana",
                        "--valid", "8h", "--out", str(out), "--json")
    assert code == 0
    issued = json.loads(text)
    assert issued["visitor"] == "Zoë" and issued["host"] == "Dana" and not issued["revoked"]
    assert QrReader().read(np.asarray(cv2.imread(str(out)), np.uint8)) == issued["code"]
    assert stat.S_IMODE((tmp_path / "passes.key").stat().st_mode) == 0o600
    code, text, _ = run(capsys, db, "pass", "list")
    assert code == 0 and "Zoë" in text and "host Dana" in text and "REVOKED" not in text
    code, text, _ = run(capsys, db, "pass", "revoke", str(issued["id"]))
    assert code == 0 and "revoked" in text
    code, text, _ = run(capsys, db, "pass", "list", "--current", "--json")
    assert json.loads(text) == {"passes": []}


@pytest.mark.parametrize(("argv", "message"), [
    (["--valid", "100h"], "at most 24 h"),
    (["--valid", "soon"], "8h, 90m or 2d"),
    (["--until", "whenever"], "cannot read the time"),
    (["--valid", "1h", "--out", "pass.jpg"], "must end in .png"),
])
def test_bad_input_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                               argv: list[str], message: str) -> None:
    out = ["--out", str(tmp_path / "p.png")] if "--out" not in argv else []
    argv = [a if a != "pass.jpg" else str(tmp_path / a) for a in argv]
    code, _, err = run(capsys, tmp_path / "site.db", "pass", "issue", "--visitor", "Zoë",
                       *argv, *out)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "p.png").exists()


def test_revoking_an_unknown_pass_or_listing_without_a_database(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, tmp_path / "none.db", "pass", "list")
    assert code == 2 and "no database" in err and not (tmp_path / "none.db").exists()
    run(capsys, tmp_path / "site.db", "pass", "issue", "--visitor", "Z", "--valid", "1h",
        "--out", str(tmp_path / "p.png"))
    code, _, err = run(capsys, tmp_path / "site.db", "pass", "revoke", "99")
    assert code == 2 and "no visitor pass 99" in err
