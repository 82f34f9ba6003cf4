"""The screens' language: Qt translators for Turnstile's own strings and Qt's dialogs.

Sources are turnstile/assets/i18n/turnstile_<lang>.ts (made with `pyside6-lupdate`, see
`make translations`); the compiled .qm files beside them ship in the package. English is the
source language and needs none.
"""

from __future__ import annotations

import logging
import typing

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QGuiApplication

from turnstile.config import Language
from turnstile.resources import assets_dir

log = logging.getLogger(__name__)

#: Languages shipped with Turnstile (the config's choices); any other falls back to English.
LANGUAGES = tuple(code for code in typing.get_args(Language) if code)
#: Installed translators, kept alive for as long as the application runs.
_installed: list[QTranslator] = []


def choose(setting: str, system: QLocale | None = None) -> str:
    """The language to use: the setting ("de", "de_AT"), else the system's; English when
    neither is shipped."""
    wanted = setting or (system or QLocale.system()).name()
    code = wanted.replace("-", "_").split("_")[0].lower()
    if code in LANGUAGES:
        return code
    if setting:
        log.warning("language %r is not shipped (%s); using English", setting,
                    ", ".join(LANGUAGES))
    return "en"


def qm_path(language: str) -> str:
    return str(assets_dir() / "i18n" / f"turnstile_{language}.qm")


def install(setting: str = "", app: QCoreApplication | None = None) -> str:
    """Load the chosen language into the running application; returns its code.

    Call once the QApplication exists and before any window is built. A right-to-left
    language also turns the layout direction around.
    """
    app = app or QCoreApplication.instance()
    if app is None:
        raise RuntimeError("create the QApplication before installing a language")
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    language = choose(setting)
    if language != "en":
        own = QTranslator()
        if not own.load(qm_path(language)):
            raise FileNotFoundError(f"translation {qm_path(language)} is missing")
        _installed.append(own)
    qt = QTranslator()  # Qt's own dialogs and buttons, where PySide6 ships them
    if qt.load(QLocale(language), "qtbase", "_",
               QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        _installed.append(qt)
    for translator in _installed:
        app.installTranslator(translator)
    QLocale.setDefault(QLocale(language))
    if isinstance(app, QGuiApplication):
        app.setLayoutDirection(QLocale(language).textDirection())
    return language
