"""Exports on their worker thread: their own connection, cancel, failures that lose nothing."""

from __future__ import annotations

import csv
import threading
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from turnstile.admin.eventexport import EventFilter, export_csv
from turnstile.gui.admin.exportworker import ExportRunner
from turnstile.store.interfaces import EventStore
from turnstile.store.sqlite import SQLiteStore
from turnstile.types import Decision, Outcome


def _database(tmp_path: Path, rows: int) -> Path:
    path = tmp_path / "turnstile.db"
    store = SQLiteStore.open(path)
    start = datetime(2026, 3, 2, 8)
    with store.transaction():
        for n in range(rows):
            store.events.record(Decision(Outcome.UNKNOWN, start + timedelta(seconds=n)))
    store.close()
    return path


def _runner(path: Path) -> tuple[ExportRunner, QPushButton, QPushButton]:
    export, cancel = QPushButton("Export"), QPushButton("Cancel")
    return ExportRunner(lambda: SQLiteStore.open(path), (export,), cancel), export, cancel


def test_export_runs_on_its_own_thread_and_connection(qtbot: QtBot, tmp_path: Path) -> None:
    path = _database(tmp_path, 2500)  # more than two keyset pages
    runner, export, cancel = _runner(path)
    threads: list[int] = []

    def job(log: EventStore, target: Path, stop: threading.Event) -> int:
        threads.append(threading.get_ident())
        return export_csv(log, EventFilter(), target, stop)

    target = tmp_path / "events.csv"
    with qtbot.waitSignal(runner.succeeded, timeout=20000) as done:
        runner.start("events", target, job)
        assert not export.isEnabled() and runner.running
    assert done.args == ["events", target, 2500]
    assert threads and threads[0] != threading.get_ident()
    assert len(list(csv.DictReader(target.open()))) == 2500
    assert export.isEnabled() and not runner.running and cancel.isHidden()


def test_cancel_removes_the_partial_file(qtbot: QtBot, tmp_path: Path) -> None:
    runner, export, cancel = _runner(_database(tmp_path, 10))
    started = threading.Event()

    def job(log: EventStore, target: Path, stop: threading.Event) -> int:
        target.write_text("time,outcome\n")  # a first page written
        started.set()
        stop.wait(30)  # the user presses cancel while the export runs
        return 1

    target = tmp_path / "events.csv"
    with qtbot.waitSignal(runner.failed, timeout=20000) as failed:
        runner.start("events", target, job)
        assert started.wait(10)
        assert not cancel.isHidden()
        cancel.click()
    assert failed.args == ["export cancelled"]
    assert not target.exists() and export.isEnabled()


def test_an_unwritable_target_is_reported_and_the_panel_goes_on(qtbot: QtBot,
                                                               tmp_path: Path) -> None:
    runner, export, _ = _runner(_database(tmp_path, 3))
    target = tmp_path / "missing" / "dir" / "events.csv"
    (tmp_path / "missing").write_text("a file where a folder should be")

    def job(log: EventStore, path: Path, stop: threading.Event) -> int:
        return export_csv(log, EventFilter(), path, stop)

    with qtbot.waitSignal(runner.failed, timeout=20000) as failed:
        runner.start("events", target, job)
    assert "cannot write" in failed.args[0]
    assert export.isEnabled() and not runner.running


def test_a_database_that_cannot_be_opened_is_reported(qtbot: QtBot, tmp_path: Path) -> None:
    not_a_database = tmp_path / "turnstile.db"
    not_a_database.write_bytes(b"this is not an SQLite file" * 100)
    runner, _, _ = _runner(not_a_database)

    def job(log: EventStore, path: Path, stop: threading.Event) -> int:
        return export_csv(log, EventFilter(), path, stop)

    with qtbot.waitSignal(runner.failed, timeout=20000) as failed:
        runner.start("events", tmp_path / "events.csv", job)
    assert failed.args[0].startswith("cannot open the database")
    assert not (tmp_path / "events.csv").exists()
