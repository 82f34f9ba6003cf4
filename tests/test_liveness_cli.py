"""`turnstile eval liveness` and `train-liveness` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.conftest import dataset
from turnstile.access.liveness import attack
from turnstile.cli import build_parser, main
from turnstile.config import Config


def write_video(path: Path, frames: list[np.ndarray], fps: float) -> None:
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (width, height))
    for frame in frames:
        writer.write(frame)
    writer.release()


def clip_start(name: str, seconds: float) -> tuple[list[np.ndarray], float]:
    capture = cv2.VideoCapture(str(dataset("videos", name)))
    fps = capture.get(cv2.CAP_PROP_FPS)
    frames = [capture.read()[1] for _ in range(round(seconds * fps))]
    capture.release()
    return frames, fps


def test_eval_is_a_group_shared_with_other_evaluations() -> None:
    args = build_parser().parse_args(["eval", "liveness", "--live", "a", "--attack", "b"])
    assert args.live == [Path("a")] and args.within == 2.0 and not args.json


def test_missing_folder_is_a_clear_error(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["eval", "liveness", "--live", str(tmp_path / "none"),
                 "--attack", str(tmp_path)])
    assert code == 2
    assert "is not a folder" in capsys.readouterr().err


def test_image_folders_without_a_passive_model_are_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], models_dir: Path) -> None:
    (tmp_path / "live").mkdir()
    (tmp_path / "attack").mkdir()
    code = main(["eval", "liveness", "--live", str(tmp_path / "live"),
                 "--attack", str(tmp_path / "attack")])
    assert code == 2
    assert "passive model" in capsys.readouterr().err


def test_videos_on_one_side_only_are_refused(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str],
                                             models_dir: Path) -> None:
    (tmp_path / "live").mkdir()
    (tmp_path / "attack").mkdir()
    write_video(tmp_path / "live" / "a.avi", [np.zeros((64, 64, 3), np.uint8)] * 3, 10.0)
    code = main(["eval", "liveness", "--live", str(tmp_path / "live"),
                 "--attack", str(tmp_path / "attack")])
    assert code == 2
    assert "both --live and --attack" in capsys.readouterr().err


@pytest.mark.slow
def test_eval_liveness_on_a_real_clip_and_a_simulated_print(
        tmp_path: Path, config: Config, capsys: pytest.CaptureFixture[str]) -> None:
    frames, fps = clip_start("1zlab_face.mp4", 2.2)
    live, attacks = tmp_path / "live", tmp_path / "attack"
    live.mkdir()
    attacks.mkdir()
    write_video(live / "person.avi", frames, fps)
    motion = attack.random_motion(np.random.default_rng(21))
    write_video(attacks / "print.avi",
                list(attack.presentation(frames[0], motion, round(2.5 * fps), fps, 21)), fps)
    config_file = tmp_path / "config.toml"
    config_file.write_text(f'[models]\ndir = "{config.models.dir}"\ndevice = "cpu"\n')
    out = tmp_path / "liveness.json"
    code = main(["eval", "liveness", "--config", str(config_file), "--live", str(live),
                 "--attack", str(attacks), "--out", str(out)])
    assert code == 0
    report = json.loads(out.read_text())
    point = report["operating_point"]
    assert (point["bona_fide"], point["attacks"]) == (1, 1)
    assert point["bpcer"] == 0.0 and point["apcer"] == 0.0
    assert point["acer"] == 0.0
    rows = {Path(row["file"]).name: row for row in report["files"]}
    assert rows["person.avi"]["verdicts"] == {"live": 1}
    assert rows["person.avi"]["median_s_to_live"] <= 2.0
    assert "live" not in rows["print.avi"]["verdicts"]
    assert "APCER 0.00%" in capsys.readouterr().out


@pytest.mark.slow
def test_eval_liveness_in_real_time_names_each_refused_start(
        tmp_path: Path, config: Config, capsys: pytest.CaptureFixture[str]) -> None:
    frames, fps = clip_start("1zlab_face.mp4", 2.2)
    live, attacks = tmp_path / "live", tmp_path / "attack"
    live.mkdir()
    attacks.mkdir()
    write_video(live / "person.avi", frames, fps)
    write_video(attacks / "still.avi", [frames[0]] * round(fps), fps)
    config_file = tmp_path / "config.toml"
    config_file.write_text(f'[models]\ndir = "{config.models.dir}"\ndevice = "cpu"\n')
    out = tmp_path / "liveness.json"
    code = main(["eval", "liveness", "--config", str(config_file), "--live", str(live),
                 "--attack", str(attacks), "--within", "1", "--realtime", "2", "--out",
                 str(out)])
    assert code == 0
    real = json.loads(out.read_text())["realtime"]
    assert real["presentations"] == 2
    # Each refused start is named (a busy machine may refuse either start, or none).
    assert len(real["refused"]) == round(real["bpcer"] * 2)
    for refused in real["refused"]:
        assert refused["file"] == "person.avi" and refused["verdict"] != "live"
        assert 0 <= refused["frames_taken"] <= refused["frames_shown"]
    printed = capsys.readouterr().out
    assert "real time (newest frame only" in printed
    assert printed.count("refused: person.avi from") == len(real["refused"])
