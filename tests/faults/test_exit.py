"""A kiosk that cannot run says "Out of service" and exits non-zero, for the service to restart."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from turnstile.access.health import EXIT_FAULT

ROOT = Path(__file__).resolve().parents[2]


def test_a_damaged_database_ends_the_kiosk_with_the_fault_status(tmp_path: Path,
                                                                  models_dir: Path) -> None:
    config_file = tmp_path / "kiosk.toml"
    config_file.write_text(f'[models]\ndir = "{models_dir.as_posix()}"\ndevice = "cpu"\n')
    database = tmp_path / "site.db"
    database.write_bytes(b"this is not a database" * 100)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "turnstile", "kiosk", "--windowed", "--source", str(tmp_path),
         "--db", str(database), "--config", str(config_file)],
        capture_output=True, text=True, timeout=120, env=env, check=False)
    assert result.returncode == EXIT_FAULT, result.stderr[-2000:]
    assert "not a usable SQLite database" in result.stderr
