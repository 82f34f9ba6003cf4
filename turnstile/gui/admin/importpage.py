"""Bulk photo import in a worker thread, with a progress bar and the rejected photos."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from turnstile.admin.audit import AuditAction, AuditLog
from turnstile.admin.enrolment import Enroller
from turnstile.admin.importer import Importer, ImportItem, ImportPlanError, ImportReport, plan
from turnstile.admin.people import PeopleAdmin
from turnstile.config import Config
from turnstile.gui.admin.widgets import MessageLabel
from turnstile.store.sqlite import SQLiteStore
from turnstile.vision.engine import Engine


class ImportWorker(QThread):
    """Runs an import on its own database connection (SQLite connections stay per thread)."""

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, items: Sequence[ImportItem], source: str, database: Path, config: Config,
                 make_engine: Callable[[], Engine], actor: str, consent: bool,
                 clock: Callable[[], datetime]) -> None:
        super().__init__()
        self._items = list(items)
        self._source = source
        self._database = database
        self._config = config
        self._make_engine = make_engine
        self._actor = actor
        self._consent = consent
        self._clock = clock

    def run(self) -> None:
        store = SQLiteStore.open(self._database, self._config.events)
        try:
            engine = self._make_engine()
            gallery = engine.gallery(store)
            audit = AuditLog(store.connection, self._clock)
            people = PeopleAdmin(store, audit, self._actor, self._clock, gallery)
            importer = Importer(Enroller(engine, gallery, self._config), people, self._consent)
            report = importer.run(self._items, self.progressed.emit)
            audit.record(self._actor, AuditAction.IMPORT, self._source,
                         {"photos": report.photos, "accepted": report.accepted,
                          "rejected": len(report.rejected)})
            self.succeeded.emit(report)
        except Exception as exc:  # the page shows it; a worker must never die silently
            self.failed.emit(str(exc))
        finally:
            store.close()


class ImportPage(QWidget):
    """Choose a folder (one sub-folder per person) or a CSV; see what was left out."""

    imported = Signal(object)

    def __init__(self, database: Path, config: Config, make_engine: Callable[[], Engine],
                 actor: str, clock: Callable[[], datetime] = datetime.now,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._database, self._config, self._make_engine = database, config, make_engine
        self._actor, self._clock = actor, clock
        self.worker: ImportWorker | None = None
        self.report: ImportReport | None = None
        self.folder_button = QPushButton(self.tr("Import folder..."))
        self.csv_button = QPushButton(self.tr("Import CSV..."))
        self.consent = QCheckBox(self.tr("Everyone in this import gave consent"))
        self.progress = QProgressBar()
        self.rejected = QTableWidget(0, 3)
        self.rejected.setHorizontalHeaderLabels((self.tr("Photo"), self.tr("Person"),
                                                  self.tr("Reason")))
        self.rejected.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.rejected.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.message = MessageLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.folder_button)
        buttons.addWidget(self.csv_button)
        buttons.addWidget(self.consent)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.rejected)
        layout.addWidget(self.message)
        self.folder_button.clicked.connect(self._choose_folder)
        self.csv_button.clicked.connect(self._choose_csv)

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Folder with one sub-folder per person"))
        if folder:
            self.start(Path(folder))

    def _choose_csv(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("CSV: name,employee_id,image_path"), "", self.tr("CSV files (*.csv)"))
        if name:
            self.start(Path(name))

    def start(self, source: Path) -> bool:
        if self.worker is not None and self.worker.isRunning():
            self.message.error(self.tr("An import is already running"))
            return False
        try:
            items = plan(source, self._config.osdp.card_format)
        except ImportPlanError as exc:
            self.message.error(str(exc))
            return False
        self.report = None
        self.rejected.setRowCount(0)
        self.progress.setRange(0, len(items))
        self.progress.setValue(0)
        self.message.ok(self.tr("importing %1 photo(s)...").replace("%1", str(len(items))))
        self._set_busy(True)
        self.worker = ImportWorker(items, source.name, self._database, self._config,
                                   self._make_engine, self._actor, self.consent.isChecked(),
                                   self._clock)
        self.worker.progressed.connect(lambda done, _total: self.progress.setValue(done))
        self.worker.succeeded.connect(self._show)
        self.worker.failed.connect(self._failed)
        self.worker.start()
        return True

    def _set_busy(self, busy: bool) -> None:
        self.folder_button.setEnabled(not busy)
        self.csv_button.setEnabled(not busy)

    def _failed(self, text: str) -> None:
        self._set_busy(False)
        self.message.error(self.tr("import failed: %1").replace("%1", text))

    def _show(self, report: ImportReport) -> None:
        self._set_busy(False)
        self.report = report
        self.rejected.setRowCount(len(report.rejected))
        for row, item in enumerate(report.rejected):
            for column, text in enumerate((item.path.name, item.name, item.detail)):
                self.rejected.setItem(row, column, QTableWidgetItem(text))
        self.message.ok(self.tr("%1 of %2 photo(s) enrolled for %3 person(s); %4 rejected")
                        .replace("%1", str(report.accepted)).replace("%2", str(report.photos))
                        .replace("%3", str(len(report.enrolled)))
                        .replace("%4", str(len(report.rejected))))
        self.imported.emit(report)
