"""The shipped translations: complete, current with the code, and chosen as configured."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from turnstile.gui import i18n
from turnstile.resources import assets_dir

ROOT = Path(__file__).resolve().parents[2]
TS = assets_dir() / "i18n" / "turnstile_de.ts"


def _tool(name: str) -> str:
    path = Path(sys.executable).with_name(name)
    found = str(path) if path.exists() else shutil.which(name)
    if found is None:
        pytest.skip(f"{name} (installed with PySide6) is not on this machine")
    return found


def _messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(ts).getroot()
    return {(c.findtext("name") or "", m.findtext("source") or ""): m
            for c in root.iter("context") for m in c.iter("message")}


def test_every_german_string_is_translated() -> None:
    messages = _messages(TS)
    assert len(messages) > 30
    unfinished = []
    for (_, source), message in messages.items():
        translation = message.find("translation")
        if translation is None or translation.get("type") in ("unfinished", "obsolete") \
                or not (translation.text or "").strip():
            unfinished.append(source)
    assert not unfinished, f"untranslated: {unfinished}"


def test_the_catalogue_holds_every_marked_string(tmp_path: Path) -> None:
    """`make translations` was run after the last change to a user-visible string."""
    sources = sorted(str(p) for p in (ROOT / "turnstile" / "gui").rglob("*.py"))
    fresh = tmp_path / "fresh.ts"
    subprocess.run([_tool("pyside6-lupdate"), *sources, "-ts", str(fresh), "-locations", "none"],
                   check=True, capture_output=True)
    assert set(_messages(fresh)) == set(_messages(TS)), "run `make translations`"


def test_the_compiled_catalogue_matches_its_source(tmp_path: Path) -> None:
    compiled = tmp_path / "de.qm"
    subprocess.run([_tool("pyside6-lrelease"), str(TS), "-qm", str(compiled)], check=True,
                   capture_output=True)
    assert compiled.read_bytes() == TS.with_suffix(".qm").read_bytes(), \
        "run `make translations`"


def test_language_from_the_setting_or_the_system() -> None:
    assert i18n.choose("de") == "de"
    assert i18n.choose("de_AT") == "de"
    assert i18n.choose("", QLocale("de_CH")) == "de"
    assert i18n.choose("", QLocale("fr_FR")) == "en"
    assert i18n.choose("xx") == "en"  # unknown: English, with a warning


def test_installing_german_translates_and_english_restores(qtbot: QtBot) -> None:
    try:
        assert i18n.install("de") == "de"
        assert QCoreApplication.translate("Kiosk", "Access denied") == "Zugang verweigert"
    finally:
        i18n.install("en")
    assert QCoreApplication.translate("Kiosk", "Access denied") == "Access denied"
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert app.layoutDirection() is Qt.LayoutDirection.LeftToRight


#: Qt calls that put text on screen; a plain or f-string literal in one is a string the
#: translators never see.
_SHOWN = re.compile(r"\b(QLabel|QPushButton|QCheckBox|QGroupBox|QRadioButton|addRow|setText|"
                    r"setWindowTitle|setPlaceholderText|setToolTip|addItem|error|ok|info|"
                    r"getOpenFileNames?|getSaveFileName|getExistingDirectory)\("
                    r"(self, )?f?\"[A-Za-z]")


def test_every_visible_string_is_marked_for_translation() -> None:
    unmarked = []
    for path in sorted((ROOT / "turnstile" / "gui").rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if _SHOWN.search(line):
                unmarked.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not unmarked, "wrap in self.tr() or QCoreApplication.translate():\n" + "\n".join(
        unmarked)
