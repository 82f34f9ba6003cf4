"""`turnstile eval ...` and `turnstile calibrate` end to end on small real subsets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import dataset
from turnstile import config as config_module
from turnstile.admin.settings import CALIBRATION_FILE, load_far_curve
from turnstile.cli import main
from turnstile.config import RecognitionConfig

LFW_KEYS = {"accuracy", "accuracy_std", "auc", "threshold", "tar_at_far", "impostor_pairs",
            "no_face", "images", "model", "seconds"}
PAIRS_KEYS = {"accuracy", "threshold", "accuracy_at_threshold", "configured_threshold", "pairs",
              "no_face"}


@pytest.mark.slow
def test_eval_pairs_json(capsys: pytest.CaptureFixture[str], examples: Path, tmp_path: Path,
                         models_dir: Path) -> None:
    csv = tmp_path / "pairs.csv"
    csv.write_text("path_a,path_b,same\nobama.jpg,obama2.jpg,yes\nobama.jpg,biden.jpg,no\n"
                   "obama-480p.jpg,obama2.jpg,1\nbiden.jpg,alex-lacamoire.png,0\n")
    argv = ["eval", "pairs", "--csv", str(csv), "--root", str(examples), "--quiet",
            "--cache-dir", str(tmp_path / "cache"), "--json"]
    assert main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) >= PAIRS_KEYS
    assert report["pairs"] == 4 and report["no_face"] == 0 and report["accuracy"] == 1.0
    assert report["configured_threshold"] == RecognitionConfig().threshold
    assert report["accuracy_at_threshold"] == 1.0
    assert report["false_accepts_at_threshold"] == report["false_rejects_at_threshold"] == 0


def test_eval_pairs_bad_csv_fails_cleanly(capsys: pytest.CaptureFixture[str],
                                          tmp_path: Path) -> None:
    csv = tmp_path / "bad.csv"
    csv.write_text("a.jpg,b.jpg,perhaps\n")
    assert main(["eval", "pairs", "--csv", str(csv)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bad.csv:1: `same` must be one of" in err[0]


@pytest.mark.slow
def test_eval_lfw_on_two_small_folds(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                     models_dir: Path) -> None:
    protocol = dataset("lfw", "protocol", "pairs.txt").read_text().splitlines()
    # Two folds of 2 same + 2 different pairs, taken from the real folds 1 and 2.
    lines = ["2\t2", *protocol[1:3], *protocol[301:303], *protocol[601:603], *protocol[901:903]]
    pairs = tmp_path / "pairs.txt"
    pairs.write_text("\n".join(lines) + "\n")
    out, plot = tmp_path / "lfw.json", tmp_path / "lfw.png"
    argv = ["eval", "lfw", "--images", str(dataset("lfw", "lfw-deepfunneled")), "--pairs",
            str(pairs), "--out", str(out), "--plot", str(plot), "--quiet",
            "--cache-dir", str(tmp_path / "cache")]
    assert main(argv) == 0
    assert "accuracy" in capsys.readouterr().out
    report = json.loads(out.read_text())
    assert set(report) >= LFW_KEYS
    assert set(report["tar_at_far"]) == {"0.01", "0.001", "0.0001"}
    assert report["accuracy"] >= 0.75 and report["images"] == 13
    assert report["impostor_pairs"] > 4  # every cross-identity pair, not only the listed ones
    assert plot.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.slow
def test_eval_lfw_on_a_view1_file_cross_validates(capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path, models_dir: Path) -> None:
    # View 1's files (header: pairs per kind, no folds) are one set: the thresholds come from
    # 10-fold cross-validation over it instead of failing after every image was embedded.
    dev = dataset("lfw", "protocol", "pairsDevTest.txt").read_text().splitlines()
    pairs = tmp_path / "dev.txt"
    pairs.write_text("\n".join(["10", *dev[1:11], *dev[501:511]]) + "\n")
    out = tmp_path / "dev.json"
    argv = ["eval", "lfw", "--images", str(dataset("lfw", "lfw-deepfunneled")), "--pairs",
            str(pairs), "--out", str(out), "--quiet", "--cache-dir", str(tmp_path / "cache")]
    assert main(argv) == 0
    assert "20 pairs in 10 folds" in capsys.readouterr().out
    report = json.loads(out.read_text())
    assert len(report["fold_accuracies"]) == 10
    assert report["accuracy"] >= 0.75


def orl_subset(tmp_path: Path) -> Path:
    """Links (not copies) to 10 ORL people x 3 images, in per-person folders."""
    orl = dataset("orl")
    images = tmp_path / "people"
    for person in range(1, 11):
        folder = images / f"s{person}"
        folder.mkdir(parents=True)
        for i in range(1, 4):
            (folder / f"{i}.pgm").symlink_to(orl / f"s{person}" / f"{i}.pgm")
    return images


@pytest.mark.slow
def test_eval_identify_json_and_det_plot(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                         models_dir: Path) -> None:
    images = orl_subset(tmp_path)
    plot = tmp_path / "det.png"
    argv = ["eval", "identify", "--images", str(images), "--plot", str(plot), "--quiet",
            "--pick", "largest", "--cache-dir", str(tmp_path / "cache"), "--json"]
    assert main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["enrolled"] == 5 and report["images"] == 30
    assert report["mated_searches"] == 10 and report["stranger_searches"] == 15
    assert set(report["dir_at_fpir"]) == {"0.01", "0.001"} and 0.0 <= report["rank1"] <= 1.0
    sizes = {(g["gallery_size"], g["measured"]) for g in report["gallery_growth"]}
    assert sizes == {(100, False), (1000, False), (10000, False)}  # 10 people: none measurable
    assert plot.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.slow
def test_calibrate_writes_the_config(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                     models_dir: Path) -> None:
    images = orl_subset(tmp_path)
    config = tmp_path / "config.toml"
    config.write_text("allow_insecure = true  # 1 stranger in 20 is far below the floors\n")
    argv = ["calibrate", "--far", "0.05", "--gallery-size", "4", "--images", str(images),
            "--write-config", str(config), "--quiet", "--cache-dir", str(tmp_path / "cache"),
            "--pick", "largest"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "recommended: threshold" in out and "stranger" in out
    loaded = config_module.load(config).recognition
    assert f"{loaded.threshold:.3f}" in out and f"{loaded.margin:.3f}" in out
    curve = load_far_curve(tmp_path / CALIBRATION_FILE)  # what the admin panel reads
    assert curve is not None and curve.at(1.0) <= 0.05 <= curve.at(0.0)
    assert main(["calibrate", "--far", "2", "--images", str(images), "--quiet",
                 "--cache-dir", str(tmp_path / "cache")]) == 2
