"""Enrolment page: live camera with guidance and automatic shots, or photos from files."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from turnstile.admin.enrolment import Duplicate, Enroller, LiveEnrolment
from turnstile.admin.people import PeopleAdmin
from turnstile.admin.source import CameraLostError, FrameSource
from turnstile.gui.admin.enrolworker import AnalysedFrame, EnrolCamera
from turnstile.gui.admin.widgets import MessageLabel, frame_pixmap, set_role
from turnstile.store.records import NewTemplate, StoreError
from turnstile.types import Person

VIDEO_WIDTH = 480


class EnrolPage(QWidget):
    """Type the name and id, then let the camera take the shots (or add photos)."""

    enrolled = Signal(object)

    def __init__(self, enroller: Enroller, people: PeopleAdmin,
                 open_source: Callable[[], FrameSource],
                 clock: Callable[[], float] = time.monotonic,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.enroller = enroller
        self.people = people
        self._open_source = open_source
        self._clock = clock
        self._camera: EnrolCamera | None = None
        self.live = LiveEnrolment(enroller.config.enrolment)
        self.photo_templates: list[NewTemplate] = []
        self.duplicate: Duplicate | None = None
        self._build()

    def _build(self) -> None:
        self.name = QLineEdit()
        self.employee_id = QLineEdit()
        self.consent = QCheckBox(self.tr(
            "The person consents to storing their face for door access"))
        self.video = QLabel(self.tr("camera off"))
        self.video.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.video.setMinimumSize(VIDEO_WIDTH, VIDEO_WIDTH * 3 // 4)
        self.guidance = QLabel("")
        self.guidance.setStyleSheet("font-size: 20pt; font-weight: bold;")
        self.progress = QProgressBar()
        self.progress.setMaximum(self.live.planned)
        self.start_button = QPushButton(self.tr("Start camera"))
        self.photos_button = QPushButton(self.tr("Add photos..."))
        self.reset_button = QPushButton(self.tr("Start over"))
        self.save_button = QPushButton(self.tr("Enrol"))
        set_role(self.save_button, "primary")
        self.confirm_button = QPushButton(self.tr("Enrol anyway"))
        set_role(self.confirm_button, "destructive")
        self.confirm_button.hide()
        #: Offered with the duplicate warning: these faces are that person's, add them there.
        self.add_to_button = QPushButton()
        set_role(self.add_to_button, "primary")
        self.add_to_button.hide()
        self.rejections = QListWidget()
        self.message = MessageLabel()
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Employee id"), self.employee_id)
        form.addRow("", self.consent)
        buttons = QHBoxLayout()
        for button in (self.start_button, self.photos_button, self.reset_button,
                       self.save_button, self.add_to_button, self.confirm_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.video)
        layout.addWidget(self.guidance)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        layout.addWidget(QLabel(self.tr("Photos not used:")))
        layout.addWidget(self.rejections)
        layout.addWidget(self.message)
        self.start_button.clicked.connect(self.toggle_camera)
        self.photos_button.clicked.connect(self._photos_clicked)
        self.reset_button.clicked.connect(self.reset)
        self.save_button.clicked.connect(lambda: self.save(confirmed=False))
        self.confirm_button.clicked.connect(lambda: self.save(confirmed=True))
        self.add_to_button.clicked.connect(self.add_to_duplicate)

    # Camera ----------------------------------------------------------------------------
    @property
    def camera_running(self) -> bool:
        return self._camera is not None

    def toggle_camera(self) -> None:
        if self._camera is not None:
            self.stop_camera()
            return
        try:
            source = self._open_source()
        except (OSError, CameraLostError) as exc:
            self.message.error(str(exc))
            return
        # The detector is not shared between threads: photos wait while the camera runs.
        self.photos_button.setEnabled(False)
        self.start_button.setText(self.tr("Stop camera"))
        self._camera = EnrolCamera(source, self.enroller.engine.analyze, self._clock)
        self._camera.analysed.connect(self._show)
        self._camera.ended.connect(self._ended)
        self._camera.start()

    def stop_camera(self) -> None:
        camera, self._camera = self._camera, None
        if camera is not None:
            camera.stop()
            camera.wait()
            camera.deleteLater()
        self.photos_button.setEnabled(True)
        self.start_button.setText(self.tr("Start camera"))
        self.video.clear()  # no stale frame of the last person
        self.video.setText(self.tr("camera off"))

    def _show(self, frame: AnalysedFrame) -> None:
        """One analysed frame (UI thread): guide, maybe take a shot, show the picture."""
        camera = self._camera
        if camera is None or self.sender() is not camera:
            return  # a frame still queued from a camera already stopped
        image = frame.image
        step = self.live.feed(frame.faces, (image.shape[1], image.shape[0]), frame.at)
        self.video.setPixmap(frame_pixmap(image, VIDEO_WIDTH))
        self.guidance.setText(step.guidance.message)
        self.progress.setValue(step.captured)
        camera.shown()
        if step.done:
            self.stop_camera()

    def _ended(self, reason: str) -> None:
        if self._camera is not None and self.sender() is self._camera:
            self.stop_camera()
            if reason:
                self.guidance.setText(reason)

    # Photos ----------------------------------------------------------------------------
    def _photos_clicked(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Photos of the person"), "",
            self.tr("Images (*.jpg *.jpeg *.png *.bmp *.webp)"))
        self.add_photos([Path(n) for n in names])

    def add_photos(self, paths: Sequence[Path]) -> int:
        """Assess each photo; accepted ones join the templates, the others are listed."""
        accepted = 0
        for path in paths:
            verdict = self.enroller.assess_file(path)
            if verdict.face is None:
                self.rejections.addItem(f"{path.name}: {verdict.detail}")
            else:
                self.photo_templates.append(verdict.template())
                accepted += 1
                if verdict.warning:
                    self.rejections.addItem(self.tr("kept, but %1").replace("%1", verdict.warning))
        self.message.ok(self.tr("%1 of %2 photo(s) usable").replace("%1", str(accepted))
                        .replace("%2", str(len(paths))))
        return accepted

    # Saving ----------------------------------------------------------------------------
    def templates(self) -> list[NewTemplate]:
        live = self.live.templates() if self.live.can_finish else []
        return live + self.photo_templates

    def save(self, confirmed: bool) -> Person | None:
        """Enrol after the duplicate check; a match needs the operator's confirmation."""
        templates = self.templates()
        problem = self._problem(templates)
        if problem:
            self.message.error(problem)
            return None
        self.duplicate = self.enroller.duplicate([t.embedding for t in templates])
        if self.duplicate is not None and not confirmed:
            self.message.error(self.tr(
                "This face already matches %1 (similarity %2). If it is them, add these "
                "pictures to %1; enrol anyway only if they are really different people.")
                .replace("%1", self.duplicate.name)
                .replace("%2", f"{self.duplicate.similarity:.2f}"))
            self.add_to_button.setText(self.tr("Add to %1").replace("%1", self.duplicate.name))
            self.add_to_button.show()
            self.confirm_button.show()
            return None
        try:
            person = self.people.enrol(self.name.text(), self.employee_id.text(), templates,
                                       consent=True, duplicate_of=self.duplicate.person_id
                                       if self.duplicate else None)
        except StoreError as exc:
            self.message.error(str(exc))
            return None
        self.reset()
        self.message.ok(self.tr("%1 enrolled with %2 template(s)").replace("%1", person.name)
                        .replace("%2", str(person.templates)))
        self.enrolled.emit(person)
        return person

    def add_to_duplicate(self) -> bool:
        """Add the faces to the person the duplicate search found (audited)."""
        duplicate, templates = self.duplicate, self.templates()
        if duplicate is None or not templates:
            return False
        try:
            self.people.add_templates(duplicate.person_id, templates)
        except StoreError as exc:
            self.message.error(str(exc))
            return False
        self.reset()
        self.message.ok(self.tr("%1 picture(s) added to %2").replace("%1", str(len(templates)))
                        .replace("%2", duplicate.name))
        self.enrolled.emit(self.people.store.people.get(duplicate.person_id))
        return True

    def _problem(self, templates: list[NewTemplate]) -> str:
        if not self.name.text().strip():
            return "Type the person's name first"
        if not self.consent.isChecked():
            return "Enrolment needs the person's consent (tick the box)"
        if not templates:
            return "No usable face yet: start the camera or add photos"
        return ""

    def reset(self) -> None:
        self.stop_camera()
        self.live = LiveEnrolment(self.enroller.config.enrolment)
        self.progress.setMaximum(self.live.planned)
        self.progress.setValue(0)
        self.photo_templates = []
        self.duplicate = None
        self.confirm_button.hide()
        self.add_to_button.hide()
        self.rejections.clear()
        for field in (self.name, self.employee_id):
            field.clear()
        self.consent.setChecked(False)
        self.guidance.setText("")
        self.video.setText(self.tr("camera off"))
        self.message.setText("")
