"""`turnstile central init|status`, `turnstile sync` and the people commands with [central]."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import psycopg
import pytest

from tests.store.central.conftest import templates
from turnstile.cli import main
from turnstile.config import CentralConfig
from turnstile.store.central.connection import DSN_ENV, CentralConfigError, resolve
from turnstile.store.central.roster import CentralRoster


def _config(tmp_path: Path, dsn: str, models_dir: Path | None = None) -> Path:
    secret = tmp_path / "central.dsn"
    secret.write_text(dsn)
    secret.chmod(0o600)
    models = f'[models]\ndir = "{models_dir}"\ndevice = "cpu"\n' if models_dir else ""
    path = tmp_path / "config.toml"
    path.write_text(f'{models}[central]\ndsn_file = "{secret}"\nkiosk_id = "door-1"\n')
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    assert main([*argv, "--json"]) == 0
    return dict(json.loads(capsys.readouterr().out.strip().splitlines()[-1]))


def test_init_status_and_sync(pg_dsn: str, models_dir: Path, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    config = str(_config(tmp_path, pg_dsn, models_dir))
    assert _run(capsys, "central", "init", "--config", config)["before"] == 1
    again = _run(capsys, "central", "init", "--config", config)
    assert again["before"] == again["version"]
    db = str(tmp_path / "replica.db")
    report = _run(capsys, "sync", "--once", "--config", config, "--db", db)
    assert report["problem"] is None
    status = _run(capsys, "central", "status", "--config", config)
    kiosks = status["kiosks"]
    assert isinstance(kiosks, list) and [k["kiosk_id"] for k in kiosks] == ["door-1"]


def test_sync_refuses_a_roster_of_another_model(pg_dsn: str, models_dir: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    with psycopg.connect(pg_dsn) as conn:
        vector = np.ones(16, np.float32) / 4.0
        CentralRoster(conn, "cli:admin", "office").enrol("Ann", None, templates(vector),
                                                         "another-model", 16)
    config = str(_config(tmp_path, pg_dsn, models_dir))
    assert main(["sync", "--once", "--config", config, "--db", str(tmp_path / "r.db")]) == 1
    assert "refuses the roster" in capsys.readouterr().out


def test_unreachable_server_is_one_line(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    config = str(_config(tmp_path, "postgresql://nobody@127.0.0.1:1/none"))
    assert main(["central", "status", "--config", config]) == 2
    assert capsys.readouterr().err.startswith("turnstile: error: central database:")


def test_credentials_come_from_a_private_file_or_the_environment(tmp_path: Path) -> None:
    secret = tmp_path / "dsn"
    secret.write_text("postgresql://turnstile:pw@db.example/turnstile")
    secret.chmod(0o644)
    with pytest.raises(CentralConfigError, match="chmod 600"):
        resolve(CentralConfig(dsn_file=str(secret), kiosk_id="door-1"), {})
    secret.chmod(0o600)
    central = resolve(CentralConfig(dsn_file=str(secret), kiosk_id="door-1"), {})
    assert central is not None and "pw" in central.dsn and "pw" not in central.safe_dsn
    with pytest.raises(CentralConfigError, match="must not contain a password"):
        resolve(CentralConfig(dsn="postgresql://u:pw@db/t", kiosk_id="door-1"), {})
    from_env = resolve(CentralConfig(kiosk_id="door-2"), {DSN_ENV: "postgresql://u:pw@db/t"})
    assert from_env is not None and from_env.kiosk_id == "door-2"
    with pytest.raises(CentralConfigError, match="kiosk_id"):
        resolve(CentralConfig(dsn="postgresql://u@db/t"), {})
    assert resolve(CentralConfig(), {DSN_ENV: "postgresql://u@db/t"}) is None


def test_tls_is_verified_when_a_ca_is_configured(tmp_path: Path) -> None:
    central = resolve(CentralConfig(dsn="postgresql://u@db.example/t", kiosk_id="door-1",
                                    sslrootcert=str(tmp_path / "ca.pem")), {})
    assert central is not None
    assert "sslmode=verify-full" in central.dsn and "ca.pem" in central.dsn
    if os.name == "posix":
        relaxed = resolve(CentralConfig(dsn="postgresql://u@db/t", kiosk_id="k",
                                        sslmode="require"), {})
        assert relaxed is not None and "sslmode=require" in relaxed.dsn
