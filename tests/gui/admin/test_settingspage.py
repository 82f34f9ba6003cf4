"""The settings page: widgets and ranges from the schema, only changed keys written, no door
the kiosk cannot start, "Test door" against the fake relay, the allow_insecure banner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLineEdit, QSpinBox
from pytestqt.qtbot import QtBot

from tests.access.test_door import Relay, relay_url  # noqa: F401 (the fake HTTP relay)
from tests.admin.conftest import FakeClock
from tests.test_configfile import COMMENTED
from turnstile.admin.audit import AuditLog
from turnstile.admin.roles import Role, SystemUser
from turnstile.admin.settings import SettingsStore
from turnstile.config import Config, load
from turnstile.configmeta import leaf, leaves
from turnstile.gui.admin.reauth import Confirmation
from turnstile.gui.admin.settingspage import FIELDS, SettingsPage
from turnstile.store import database as storage

ALICE = SystemUser("alice", Role.ADMINISTRATOR)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SettingsStore]:
    conn = storage.connect(tmp_path / "audit.db")
    path = tmp_path / "config.toml"
    path.write_text(COMMENTED)
    yield SettingsStore(path, AuditLog(conn, FakeClock()))
    conn.close()


@pytest.fixture
def page(qtbot: QtBot, store: SettingsStore) -> SettingsPage:
    widget = SettingsPage(store, ALICE, lambda: None, confirm=lambda _: Confirmation(True))
    qtbot.addWidget(widget)
    return widget


def test_every_widget_has_the_schema_range_and_choices(page: SettingsPage) -> None:
    for key in FIELDS:
        item, widget = leaf(Config, key), page.widgets[key]
        assert widget.toolTip() == item.doc
        if item.choices:
            assert isinstance(widget, QComboBox)
            assert tuple(widget.itemText(i) for i in range(widget.count())) == item.choices
        elif item.kind is bool:
            assert isinstance(widget, QCheckBox)
        elif item.kind in (int, float):
            assert isinstance(widget, QSpinBox | QDoubleSpinBox)
            bounds = item.bounds
            assert bounds is not None
            step = 1 if item.kind is int else 10.0 ** -widget.decimals()  # type: ignore[union-attr]
            low = bounds.low + step if bounds.low_open else bounds.low
            high = bounds.high - step if bounds.high_open else bounds.high
            assert widget.minimum() == pytest.approx(low), key
            assert widget.maximum() == pytest.approx(high), key
        else:
            assert isinstance(widget, QLineEdit)


def test_the_page_offers_every_door_field(page: SettingsPage) -> None:
    door = {item.key for item in leaves(Config) if item.key.startswith(("door.", "osdp."))}
    assert door <= set(FIELDS)
    kind = page.widgets["door.kind"]
    assert isinstance(kind, QComboBox)
    kind.setCurrentText("osdp")  # the reader's settings come alive, the relay's grey out
    reader, relay = page.widgets["osdp.port"], page.widgets["door.serial_port"]
    assert reader.isEnabled() and not relay.isEnabled()
    kind.setCurrentText("serial")
    assert not reader.isEnabled() and relay.isEnabled()
    assert page.insecure_banner.isHidden()  # the defaults are secure


def test_saving_writes_only_the_changed_key(page: SettingsPage, store: SettingsStore) -> None:
    page.widgets["policy.cooldown_s"].setValue(7.5)  # type: ignore[attr-defined]
    assert page.save() is not None
    before, after = COMMENTED.splitlines(), store.path.read_text().splitlines()
    assert [(a, b) for a, b in zip(before, after, strict=True) if a != b] == [
        ("cooldown_s = 5.0", "cooldown_s = 7.5")]


def test_a_door_the_kiosk_cannot_start_is_not_saved(page: SettingsPage,
                                                     store: SettingsStore) -> None:
    page.widgets["door.kind"].setCurrentText("serial")  # type: ignore[attr-defined]
    assert page.widgets["door.serial_port"].isEnabled()
    assert not page.widgets["door.http_url"].isEnabled()
    assert page.save() is None
    assert "serial_port" in page.message.text()
    assert not page.test_door()
    assert "serial_port" in page.door_message.text()
    assert store.path.read_text() == COMMENTED


def test_test_door_pulses_the_fake_relay_once(qtbot: QtBot, page: SettingsPage,
                                              store: SettingsStore,
                                              relay_url: str) -> None:  # noqa: F811
    page.widgets["door.kind"].setCurrentText("http")  # type: ignore[attr-defined]
    page.widgets["door.http_url"].setText(relay_url)  # type: ignore[attr-defined]
    page.widgets["door.pulse_s"].setValue(0.1)  # type: ignore[attr-defined]
    assert page.test_door()
    qtbot.waitUntil(lambda: "answered 200" in page.door_message.text(), timeout=5000)
    assert [request[:2] for request in Relay.requests] == [("POST", "/relay/1")]
    assert page.test_door_button.isEnabled()
    assert store.path.read_text() == COMMENTED  # testing saves nothing
    Relay.status = 500
    assert page.test_door()
    qtbot.waitUntil(lambda: "did not open" in page.door_message.text(), timeout=5000)


def test_allow_insecure_shows_a_warning_banner(qtbot: QtBot, store: SettingsStore) -> None:
    store.path.write_text("allow_insecure = true\n")
    page = SettingsPage(store, ALICE, lambda: None, confirm=lambda _: Confirmation(True))
    qtbot.addWidget(page)
    assert not page.insecure_banner.isHidden()
    assert "allow_insecure" in page.insecure_banner.text()
    assert load(store.path).allow_insecure
