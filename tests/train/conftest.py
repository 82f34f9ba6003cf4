"""Tiny real ORL folders for the training tests (links to the shared data, never copies)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import dataset


def orl_subset(root: Path, people: int, images: int) -> Path:
    """A folder of `people` ORL identities with `images` images each, as symlinks."""
    source = dataset("orl")
    for person in range(1, people + 1):
        folder = root / f"s{person}"
        folder.mkdir(parents=True)
        for index in range(1, images + 1):
            (folder / f"{index}.pgm").symlink_to(source / f"s{person}" / f"{index}.pgm")
    return root


@pytest.fixture
def tiny_orl(tmp_path: Path) -> Path:
    """Four people, four images each: enough for pairs, batches and a few training steps."""
    return orl_subset(tmp_path / "orl", people=4, images=4)


@pytest.fixture(autouse=True)
def one_torch_thread() -> None:
    """Tests train on a few images: one thread avoids waiting on a busy shared machine."""
    try:
        import torch
    except ModuleNotFoundError:
        return
    torch.set_num_threads(1)
