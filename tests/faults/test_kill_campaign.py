"""A short kill -9 campaign (benchmarks/kill_campaign.py runs the full 100 trials)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import dataset
from tests.faults.killcampaign import campaign


def photos(tmp_path: Path) -> Path:
    """A small import folder: a few LFW people, one sub-folder each (links, not copies)."""
    lfw = dataset("lfw", "lfw-deepfunneled")
    folder = tmp_path / "photos"
    folder.mkdir()
    people = sorted(p for p in lfw.iterdir() if p.is_dir() and len(list(p.iterdir())) >= 4)
    for person in people[:12]:
        (folder / person.name).symlink_to(person)
    return folder


@pytest.mark.usefixtures("models_dir")
def test_kills_at_random_moments_lose_nothing_and_leave_the_relay_closed(
        tmp_path: Path) -> None:
    trials = campaign(tmp_path, trials=8, seed=7, photos=photos(tmp_path))
    assert [t.workload for t in trials] == ["enrol", "import", "events", "door"] * 2
    failed = [(t.workload, t.delay_s, t.problems) for t in trials if not t.ok]
    assert failed == []
