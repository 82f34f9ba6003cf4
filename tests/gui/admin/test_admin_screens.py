"""Screenshots of the admin panel at 1280x800, in English and German: nothing clipped.

Every page is shown in turn; every visible button, label and check box must have at least
the room its text asks for, the tab bar must fit, and the window must stay 1280x800. The
PNGs go where tests/gui/test_kiosk_layout.py puts the kiosk's.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.admin.conftest import ADMIN_PASSWORD, sign_in
from tests.gui.screens import screenshot_dir
from turnstile.admin.accounts import User
from turnstile.admin.context import AdminContext
from turnstile.gui import i18n
from turnstile.gui.admin.window import AdminWindow
from turnstile.vision.engine import Engine

SIZE = QSize(1280, 800)


def clipped(window: QWidget) -> list[str]:
    """Visible widgets narrower or lower than their text needs."""
    problems = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or not isinstance(widget, QAbstractButton | QLabel):
            continue
        if isinstance(widget, QLabel) and (widget.wordWrap() or not widget.text()):
            continue  # wrapped text takes the height it needs
        need = widget.minimumSizeHint()
        if widget.width() < need.width() or widget.height() < need.height():
            text = widget.text()
            problems.append(f"{type(widget).__name__} {text!r}: {widget.width()}x"
                            f"{widget.height()}, needs {need.width()}x{need.height()}")
    return problems


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_panel_page_fits_1280x800(qtbot: QtBot, context: AdminContext, engine: Engine,
                                        admin: User, language: str,
                                        tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = screenshot_dir(tmp_path_factory.mktemp("panel-screens"))
    print(f"\npanel screenshots: {folder}")
    i18n.install(language)
    try:
        window = AdminWindow(context, make_engine=lambda: engine)
        qtbot.addWidget(window)
        window.resize(SIZE)
        window.show()
        qtbot.waitExposed(window)
        settle()
        assert window.login.width() <= 480  # a sign-in form, not a 1280 px wide one
        window.grab().save(str(folder / f"{language}-login.png"))
        sign_in(qtbot, window, admin.name, ADMIN_PASSWORD)
        assert not window.locked
        problems = []
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            settle()
            title = window.tabs.tabText(index)
            window.grab().save(str(folder / f"{language}-{index}-{title}.png"))
            problems += [f"{title}: {p}" for p in clipped(window)]
            assert window.size() == SIZE, f"{title} widened the panel to {window.size()}"
        tab_bar = window.tabs.tabBar()
        assert tab_bar.sizeHint().width() <= window.tabs.width(), "tabs do not fit"
        assert not problems, "\n".join(problems)
        if language == "de":
            assert window.tabs.tabText(1) == "Anlernen"
    finally:
        i18n.install("en")
