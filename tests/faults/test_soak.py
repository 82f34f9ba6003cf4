"""A short soak: `turnstile bench soak` samples a real pipeline while another process enrols."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import dataset
from turnstile.cli import main


@pytest.mark.usefixtures("models_dir")
def test_a_short_soak_reports_flat_threads_and_descriptors(tmp_path: Path) -> None:
    clip = dataset("videos", "1zlab_face.mp4")
    out, picture = tmp_path / "soak.json", tmp_path / "soak.png"
    assert main(["bench", "soak", "--frames", "240", "--every", "60", "--clip", str(clip),
                 "--json", str(out), "--plot", str(picture)]) == 0
    report = json.loads(out.read_text())
    summary, samples = report["summary"], report["samples"]
    assert summary["frames"] == 240 and [s["frames"] for s in samples] == [60, 120, 180, 240]
    # The second process really changed the gallery while the loop ran.
    assert summary["enrolments"] >= 1
    # Nothing accumulates: the same threads and descriptors from the first sample on.
    assert len({s["threads"] for s in samples}) == 1
    assert len({s["fds"] for s in samples}) == 1
    assert summary["faults"] == 0
    assert picture.stat().st_size > 10_000
