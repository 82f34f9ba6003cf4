"""Assets by name: found in this install and in the one-folder app; bad names are refused."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from turnstile.resources import asset_path, assets_dir

ROOT = Path(__file__).resolve().parents[1]


def test_app_icon_is_found_and_is_the_projects_file() -> None:
    icon = asset_path("turnstile.svg")
    assert icon.is_file()
    assert icon.read_bytes() == (ROOT / "turnstile" / "assets" / "turnstile.svg").read_bytes()
    assert b"<svg" in icon.read_bytes()


def test_kiosk_stylesheet_and_icons_are_found() -> None:
    assert "{" in asset_path("kiosk.qss").read_text(encoding="utf-8")
    assert asset_path("icons/granted.svg").parent == assets_dir() / "icons"


@pytest.mark.parametrize("name", ["", "../pyproject.toml", "/etc/hostname", "icons/../../x",
                                  "..\\pyproject.toml"])
def test_names_outside_the_assets_folder_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="relative path inside the assets folder"):
        asset_path(name)


def test_missing_asset_says_what_to_do() -> None:
    with pytest.raises(FileNotFoundError, match=r"'nothing\.svg' is missing .*reinstall"):
        asset_path("nothing.svg")


def test_a_folder_is_not_an_asset() -> None:
    with pytest.raises(FileNotFoundError):
        asset_path("__pycache__")


def test_one_folder_app_reads_assets_beside_its_code(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bundled = tmp_path / "turnstile" / "assets" / "icons"
    bundled.mkdir(parents=True)
    (bundled / "granted.svg").write_text("<svg/>")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)

    assert asset_path("icons/granted.svg") == bundled / "granted.svg"
    assert assets_dir() == tmp_path / "turnstile" / "assets"
