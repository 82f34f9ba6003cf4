"""`turnstile door test|close` with an OSDP reader: is the panel polling, securely?"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.access.osdp_panel import FdChannel, Panel
from turnstile.access.osdpkey import DEFAULT_KEY_NAME, load_key
from turnstile.cli import main


def osdp_config(tmp_path: Path, port: str) -> list[str]:
    config = tmp_path / "config.toml"
    config.write_text(f'[door]\nkind = "osdp"\n\n[osdp]\nport = "{port}"\naddress = 9\n')
    return ["--config", str(config), "--db", str(tmp_path / "site.db"), "--json"]


def test_door_test_sees_the_panel_and_the_secure_channel(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    master, slave = os.openpty()
    port = os.ttyname(slave)
    key = load_key(tmp_path / DEFAULT_KEY_NAME, create=True)  # as the first start makes it
    panel = Panel(FdChannel(master), 9, key)
    try:
        assert main(["door", "test", *osdp_config(tmp_path, port)]) == 0
    finally:
        panel.close()
        os.close(slave)
    report = json.loads(capsys.readouterr().out)
    assert report["door"] == "osdp" and report["ok"]
    assert [s["step"] for s in report["steps"]] == ["panel polls the reader", "secure channel"]
    assert main(["door", "close", *osdp_config(tmp_path, port)]) == 0


def test_door_test_without_a_panel_fails_and_says_why(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    master, slave = os.openpty()
    try:
        assert main(["door", "test", *osdp_config(tmp_path, os.ttyname(slave))]) == 1
    finally:
        os.close(master)
        os.close(slave)
    report = json.loads(capsys.readouterr().out)
    assert not report["ok"] and "offline" in report["steps"][0]["detail"]
    assert (tmp_path / DEFAULT_KEY_NAME).exists()  # made on the first start
