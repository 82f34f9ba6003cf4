"""Tests for the benchmark code: it runs on a tiny configuration and reports every key."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import dataset
from turnstile.bench import coldstart, frames, peers, synthetic, timing
from turnstile.cli import main
from turnstile.config import Config
from turnstile.store.gallery import Gallery
from turnstile.store.sqlite import SQLiteStore

TINY = ["--repeat", "2", "--warmup", "1", "--frames", "2", "--loop-seconds", "1",
        "--grant-runs", "1", "--gallery", "30", "--match-sizes", "10,200", "--cold-starts", "1"]


def clip() -> Path:
    return dataset("videos", frames.DEFAULT_CLIP)


def test_summarize_and_time_ms() -> None:
    stat = timing.summarize([5.0, 1.0, 3.0, 2.0, 4.0])
    assert (stat.median, stat.runs) == (3.0, 5)
    assert stat.p90 == pytest.approx(4.6)
    calls: list[int] = []
    timed = timing.time_ms(calls.append, warmup=2, repeat=3)
    assert calls == [0, 1, 2, 3, 4]
    assert timed.runs == 3 and timed.median >= 0.0
    assert set(timed.as_dict()) == {"median", "p90", "runs", "cpu_median"}
    assert timing.summarize([1.0, 3.0], [2.0, 4.0]).cpu_median == 3.0
    assert "cpu_median" not in stat.as_dict()
    with pytest.raises(ValueError):
        timing.summarize([])
    with pytest.raises(ValueError):
        timing.time_ms(calls.append, warmup=0, repeat=0)


def test_fit_crops_to_aspect_then_resizes() -> None:
    wide = np.zeros((480, 854, 3), np.uint8)
    wide[:, 427] = 255  # the centre column survives the crop
    for size in frames.RESOLUTIONS:
        out = frames.fit(wide, size)
        assert out.shape == (size[1], size[0], 3)
        assert out[:, size[0] // 2 - 2 : size[0] // 2 + 2].max() > 0
    assert frames.resolution_key((640, 480)) == "640x480"


def test_read_frames_spreads_over_the_real_clip() -> None:
    picked = frames.read_frames(clip(), 5)
    assert len(picked) == 5
    assert all(f.dtype == np.uint8 and f.ndim == 3 for f in picked)
    assert not np.array_equal(picked[0], picked[-1])


def test_read_frames_rejects_a_non_video(tmp_path: Path) -> None:
    bad = tmp_path / "not.mp4"
    bad.write_bytes(b"not a video")
    with pytest.raises(ValueError, match=r"not\.mp4"):
        frames.read_frames(bad, 3)


def test_synthetic_gallery_is_unit_and_matchable() -> None:
    vectors = synthetic.unit_vectors(100, 16, seed=5)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    gallery = Gallery(SQLiteStore.open(":memory:"), "m", 16)
    synthetic.fill_gallery(gallery, vectors)
    assert gallery.size == 100 and len(gallery.store.people.all()) == 100
    match = gallery.match(vectors[42])
    assert match.similarity == pytest.approx(1.0) and match.name is not None


def _check_report(data: dict[str, object]) -> None:
    for key in ("640x480", "1280x720"):
        f2d = data["frame_to_decision_ms"]
        assert isinstance(f2d, dict) and {"median", "p90"} <= set(f2d[key])
    match = data["match_ms"]
    assert isinstance(match, dict) and set(match) == {"10", "200"}
    for key in ("fps", "cold_start_s", "peak_rss_mb", "machine", "threads", "versions"):
        assert key in data, key
    assert isinstance(data["fps"], float) and data["fps"] > 0
    assert isinstance(data["peak_rss_mb"], float) and data["peak_rss_mb"] > 10
    assert data["gallery"] == 30
    for key in ("time_to_grant_ms", "time_to_grant_recognition_ms"):
        grant = data[key]
        assert isinstance(grant, dict) and grant["median"] > 0, key


@pytest.mark.slow
def test_bench_cli_writes_every_key(config: Config, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    toml = tmp_path / "config.toml"
    toml.write_text(f'[models]\ndir = "{config.models.dir}"\ndevice = "cpu"\n')
    out = tmp_path / "bench.json"
    code = main(["bench", "--config", str(toml), "--source", str(clip()), "--out", str(out),
                 "--no-peers", *TINY])
    assert code == 0
    data = json.loads(out.read_text())
    _check_report(data)
    assert "face_recognition_ratio" not in data
    printed = capsys.readouterr().out
    assert "frame to decision @640x480" in printed and "1:N match @200 people" in printed


def test_bench_cli_rejects_missing_source_and_bad_sizes(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--source", str(tmp_path / "missing.mp4")]) == 2
    assert "missing.mp4" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["bench", "--gallery", "0"])
    with pytest.raises(SystemExit):
        main(["bench", "--match-sizes", "ten"])


def test_peer_worker_reports_a_library_that_quits_on_import(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # What face_recognition does when face_recognition_models cannot import pkg_resources.
    fake = tmp_path / "face_recognition.py"
    fake.write_text("print('Please install `face_recognition_models`')\nquit()\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    frame = np.zeros((48, 64, 3), np.uint8)
    run = peers.run_face_recognition({"64x48": [frame]}, frame, gallery=5, warmup=0, repeat=1)
    assert not run.available
    assert "quit while importing" in run.reason and "face_recognition_models" in run.reason


def test_peer_output_parsing_explains_failures() -> None:
    crashed = peers.parse_worker_output(1, "", "Traceback...\nMemoryError\n")
    assert not crashed.available and "MemoryError" in crashed.reason
    said_no = peers.parse_worker_output(0, '{"ok": false, "reason": "not installed"}\n', "")
    assert (said_no.available, said_no.reason) == (False, "not installed")
    assert not peers.parse_worker_output(0, "garbage", "").available


@pytest.mark.slow
def test_peer_side_by_side_on_real_frames() -> None:
    pytest.importorskip("face_recognition_models")
    picked = [frames.fit(f, (320, 240)) for f in frames.read_frames(clip(), 3)]
    run = peers.run_face_recognition({"320x240": picked[1:]}, picked[0], gallery=10,
                                     warmup=0, repeat=2, python=sys.executable)
    if not run.available and "quit while importing" in run.reason:
        pytest.skip(run.reason)
    assert run.available, run.reason
    assert run.frame_to_decision_ms["320x240"]["runs"] == 2
    assert sum(run.outcomes["320x240"].values()) == 2


def test_coldstart_child_usage_and_peak_rss() -> None:
    assert coldstart.main([]) == 2
    assert coldstart.peak_rss_mb() > 10


def test_engine_applies_blas_thread_limit_and_config_checks_it(config: Config) -> None:
    from threadpoolctl import threadpool_info

    from turnstile.config import ConfigError, from_dict, replace
    from turnstile.vision.engine import Engine

    models = replace(config.models, blas_threads=1, spinning=False)
    Engine.from_config(replace(config, models=models))
    blas = [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]
    assert blas and all(n == 1 for n in blas)
    with pytest.raises(ConfigError, match="blas_threads"):
        from_dict({"models": {"blas_threads": -1}})
