"""One engine factory carries --model: the kiosk's worker, the admin panel opened from the
kiosk (and its import page) and the CLI's admin commands all build the chosen model."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from pytestqt.qtbot import QtBot

from tests.vision.test_embed import tiny_embedder
from turnstile.cli import build_parser
from turnstile.cli.admincmd import _context
from turnstile.config import Config
from turnstile.gui.admin.kiosklink import AdminLink
from turnstile.gui.admin.window import AdminWindow
from turnstile.gui.app import Kiosk
from turnstile.vision.engine import EngineFactory


class Gesture(QObject):
    requested = Signal()


def test_the_panel_opened_from_a_kiosk_uses_the_kiosks_model(
        qtbot: QtBot, config: Config, tmp_path: Path) -> None:
    model = tmp_path / "tiny.onnx"
    tiny_embedder(model)
    kiosk = Kiosk(config, tmp_path / "site.db", str(tmp_path), model=model)
    qtbot.addWidget(kiosk.window)
    assert kiosk.engines == EngineFactory(model)
    gesture = Gesture()
    link = AdminLink(gesture.requested, config, tmp_path / "config.toml", tmp_path / "site.db",
                     engines=kiosk.engines)
    try:
        window = link.open()
        qtbot.addWidget(window)
        context = link.context
        assert context is not None
        assert context.engine.embedder.name == "tiny-test"  # enrolment embeds with --model
        assert isinstance(window, AdminWindow)
        assert window._make_engine().embedder.name == "tiny-test"  # the import page's engine
    finally:
        link.close()


def test_cli_admin_commands_carry_model(config: Config, tmp_path: Path) -> None:
    model = tmp_path / "tiny.onnx"
    tiny_embedder(model)
    path = tmp_path / "config.toml"
    path.write_text(f"[models]\ndir = {json.dumps(config.models.dir)}\ndevice = \"cpu\"\n")
    for command in ("admin", "import"):
        extra = [str(tmp_path)] if command == "import" else []
        args = build_parser().parse_args([command, *extra, "--config", str(path), "--db",
                                          str(tmp_path / "site.db"), "--model", str(model)])
        context = _context(args)
        try:
            assert context.engine.embedder.name == "tiny-test"
            assert context.engines == EngineFactory(model)
        finally:
            context.close()
