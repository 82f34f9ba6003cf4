"""Fixtures for the admin panel's Qt tests: a real database file, engine and config file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot

from tests.admin.conftest import CHEAP_COST, INSTALLER, FakeClock
from turnstile.admin.accounts import Role, User
from turnstile.admin.context import AdminContext
from turnstile.config import Config
from turnstile.gui.admin.window import AdminWindow
from turnstile.vision.engine import Engine

ADMIN_PASSWORD = "admin password 1"
OPERATOR_PASSWORD = "operator password 1"


@pytest.fixture
def context(config: Config, engine: Engine, tmp_path: Path) -> Iterator[AdminContext]:
    ctx = AdminContext.open(config, tmp_path / "config.toml", tmp_path / "turnstile.db",
                            engine=engine, clock=FakeClock(), password_cost=CHEAP_COST)
    yield ctx
    ctx.close()


@pytest.fixture
def window(qtbot: QtBot, context: AdminContext, engine: Engine) -> AdminWindow:
    panel = AdminWindow(context, make_engine=lambda: engine)
    qtbot.addWidget(panel)
    panel.show()
    return panel


def sign_in(qtbot: QtBot, window: AdminWindow, name: str, password: str) -> None:
    window.login.name.setText(name)
    window.login.password.setText(password)
    window.login.submit.click()


def cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    assert item is not None, f"no cell at {row}, {column}"
    return item.text()


@pytest.fixture
def admin(context: AdminContext) -> User:
    return context.accounts.create("alice", ADMIN_PASSWORD, Role.ADMINISTRATOR, by=INSTALLER)


@pytest.fixture
def admin_window(qtbot: QtBot, window: AdminWindow, admin: User) -> AdminWindow:
    window.ask_password = lambda purpose: ADMIN_PASSWORD  # she confirms sensitive steps
    sign_in(qtbot, window, "alice", ADMIN_PASSWORD)
    assert not window.locked
    return window
