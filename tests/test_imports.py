"""Architecture rule: only turnstile/gui imports Qt, and gui never imports cv2 or onnxruntime."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "turnstile"
QT = ("PySide6", "shiboken6", "PyQt5", "PyQt6")
HEAVY = ("cv2", "onnxruntime")


def imported(path: Path) -> set[str]:
    """Top-level module names a file imports, wherever in the file the import is."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_the_rule_sees_the_package() -> None:
    assert any(p.parent.name == "gui" for p in modules())
    assert "PySide6" in imported(PACKAGE / "gui" / "kiosk.py")
    assert "cv2" in imported(PACKAGE / "access" / "camera.py")


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_respect_the_boundary(path: Path) -> None:
    names = imported(path)
    if "gui" in path.relative_to(PACKAGE).parts:
        assert not names & set(HEAVY), f"{path.name} must call the core, not {names & set(HEAVY)}"
    else:
        assert not names & set(QT), f"{path.name} is core code and must not import Qt"
