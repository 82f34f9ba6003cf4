"""`turnstile central init|status`, `turnstile sync` and the people commands with [central]."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
import pytest

from tests.store.central.conftest import templates
from turnstile.cli import main
from turnstile.config import CentralConfig
from turnstile.store.central.connection import DSN_ENV, CentralConfigError, resolve
from turnstile.store.central.roster import CentralRoster
from turnstile.store.central.schema import SCHEMA_VERSION


def _config(tmp_path: Path, dsn: str, models_dir: Path | None = None) -> Path:
    secret = tmp_path / "central.dsn"
    secret.write_text(dsn)
    secret.chmod(0o600)
    models = f'[models]\ndir = "{models_dir}"\ndevice = "cpu"\n' if models_dir else ""
    path = tmp_path / "config.toml"
    path.write_text(f'{models}[central]\ndsn_file = "{secret}"\nkiosk_id = "door-1"\n')
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    assert main([*argv, "--json"]) == 0
    return dict(json.loads(capsys.readouterr().out.strip().splitlines()[-1]))


def test_init_status_and_sync(pg_dsn: str, models_dir: Path, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    config = str(_config(tmp_path, pg_dsn, models_dir))
    assert _run(capsys, "central", "init", "--config", config)["before"] == SCHEMA_VERSION
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


def test_people_events_and_remove_work_on_the_central_roster(
        pg_dsn: str, roster: CentralRoster, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    from tests.store.central.conftest import MODEL, Kiosk, unit

    rng = np.random.default_rng(30)
    vector = unit(rng)
    ann = roster.enrol("Ann Central", "E1", templates(vector), MODEL.name, MODEL.dimension)
    roster.set_groups(ann.person.id, ["Staff"])
    roster.enrol("Bo Central", "E2", templates(unit(rng)), MODEL.name, MODEL.dimension)
    for name in ("door-1", "door-2"):
        kiosk = Kiosk.open(name, tmp_path, pg_dsn)
        kiosk.sync.once()
        kiosk.decide(vector)
        kiosk.sync.once()
        kiosk.close()
    config = str(_config(tmp_path, pg_dsn))
    listed = _run(capsys, "people", "--config", config)["people"]
    assert isinstance(listed, list)
    assert [(p["name"], p["groups"]) for p in listed] == [("Ann Central", ["Staff"]),
                                                          ("Bo Central", [])]
    events = _run(capsys, "events", "--config", config, "--person", "E1")["events"]
    assert isinstance(events, list)
    assert sorted((e["kiosk_id"], e["name"], e["outcome"]) for e in events) == [
        ("door-1", "Ann Central", "granted"), ("door-2", "Ann Central", "granted")]
    out = tmp_path / "all.csv"
    assert _run(capsys, "events", "--config", config, "--csv", str(out))["exported"] == 2
    assert out.read_text().splitlines()[0].startswith("at,kiosk_id,outcome")
    assert _run(capsys, "remove", "E1", "--config", config)["removed"] == "Ann Central"
    after = _run(capsys, "people", "--config", config)["people"]
    assert [p["name"] for p in after] == ["Bo Central"]
    events = _run(capsys, "events", "--config", config)["events"]
    assert [e["name"] for e in events] == [None, None]


def test_enroll_writes_to_the_centre_and_a_replica_grants(
        pg_dsn: str, models_dir: Path, tmp_path: Path, examples: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    config = str(_config(tmp_path, pg_dsn, models_dir))
    photo = str(examples / "obama.jpg")
    here = str(tmp_path / "admin-pc.db")  # the replica of the machine enrolling
    first = _run(capsys, "enroll", "Barack", photo, "--employee-id", "B1", "--config", config,
                 "--db", here)
    again = _run(capsys, "enroll", "Barack", photo, "--config", config, "--db", here)
    assert first["person_id"] == again["person_id"]
    with psycopg.connect(pg_dsn) as conn:
        assert conn.execute("SELECT count(*) FROM templates").fetchone() == (2,)
        assert conn.execute("SELECT value FROM central_meta WHERE key = 'model'")\
            .fetchone() is not None
    db = str(tmp_path / "replica.db")
    assert _run(capsys, "sync", "--once", "--config", config, "--db", db)["updated"] == 1
    found = _run(capsys, "identify", str(examples / "obama2.jpg"), "--config", config,
                 "--db", db)["faces"]
    assert [f["name"] for f in found] == ["Barack"]


def test_import_and_the_panel_write_to_the_centre(
        pg_dsn: str, models_dir: Path, tmp_path: Path, examples: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    from turnstile.admin.central import CentralPeopleAdmin
    from turnstile.admin.context import AdminContext
    from turnstile.config import load

    folder = tmp_path / "photos"
    for name, photo in (("Barack", "obama.jpg"), ("Joe", "biden.jpg")):
        (folder / name).mkdir(parents=True)
        shutil.copy(examples / photo, folder / name / photo)
    config_path = _config(tmp_path, pg_dsn, models_dir)
    db = tmp_path / "replica.db"
    report = _run(capsys, "import", str(folder), "--config", str(config_path), "--db", str(db))
    assert report["accepted"] == 2
    with psycopg.connect(pg_dsn) as conn:
        names = conn.execute("SELECT name FROM people ORDER BY name").fetchall()
    assert names == [("Barack",), ("Joe",)]

    context = AdminContext.open(load(config_path), config_path, db)
    try:
        people = context.people("panel:admin")
        assert isinstance(people, CentralPeopleAdmin)
        joe = next(p for p in context.store.people.all() if p.name == "Joe")
        assert not people.set_active(joe.id, False).active
        people.delete(joe.id)
        assert [p.name for p in context.store.people.all()] == ["Barack"]
        people.close()
    finally:
        context.close()
    with psycopg.connect(pg_dsn) as conn:
        assert conn.execute("SELECT name FROM people").fetchall() == [("Barack",)]
