"""`turnstile train` and `train-eval` end to end on tiny real data; PyTorch stays optional."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from turnstile.cli import main
from turnstile.config import Config

pytestmark = pytest.mark.slow


def train_args(data: Path, out: Path, *extra: str) -> list[str]:
    return ["train", "--data", str(data), "--out", str(out), "--batch", "8",
            "--per-identity", "2", "--val", "0.5", "--quiet", "--no-cache", "--json",
            "--threads", "1", *extra]


#: The only modules allowed to import PyTorch.
TORCH_MODULES = {f"turnstile.train.{name}" for name in
                 ("trainer", "losses", "nets", "export", "pipeline", "ensemble")}


def test_kiosk_side_never_imports_torch() -> None:
    code = ("import pkgutil, sys, importlib, turnstile, turnstile.cli\n"
            f"skip = {sorted(TORCH_MODULES)!r}\n"
            "names = [m.name for m in pkgutil.walk_packages(turnstile.__path__, 'turnstile.')]\n"
            "for name in names:\n"
            "    if name not in skip and name != 'turnstile.__main__':\n"
            "        importlib.import_module(name)\n"
            "turnstile.cli.build_parser()\n"
            "print(len(names), 'torch' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    count, imported = result.stdout.split()
    assert int(count) > 20 and imported == "False"


def test_train_exports_reports_and_resumes(tiny_orl: Path, tmp_path: Path, config: Config,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("torch")
    out = tmp_path / "models" / "tiny.onnx"
    assert main(train_args(tiny_orl, out, "--epochs", "1")) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["epochs"] == 1 and first["train_identities"] == 2
    assert first["val_identities"] == 2 and 0.0 <= first["val_accuracy"] <= 1.0
    assert first["onnx_max_difference"] <= 1e-4 and first["opset"] == 17
    for suffix in (".onnx", ".ckpt", ".loss.png", ".report.json"):
        assert out.with_suffix(suffix).exists(), suffix

    assert main(train_args(tiny_orl, out, "--epochs", "2", "--resume")) == 0
    captured = capsys.readouterr()
    second = json.loads(captured.out)
    assert "resumed from" in captured.err and "epoch 2/2" in captured.err
    assert "epoch 1/2" not in captured.err  # the first epoch was not trained again
    assert second["epochs"] == 2 and len(second["history"]["loss"]) == 2
    assert second["history"]["loss"][0] == first["history"]["loss"][0]

    # The exported file is a drop-in --model for the engine's commands.
    assert main(["train-eval", "--data", str(tiny_orl), "--model", str(out), "--json"]) == 0
    evaluation = json.loads(capsys.readouterr().out)
    assert evaluation["model"] == "tiny" and evaluation["positives"] == 24
    assert evaluation["negatives"] == 24 and 0.5 <= evaluation["accuracy"] <= 1.0


def test_resume_refuses_a_different_run(tiny_orl: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("torch")
    out = tmp_path / "tiny.onnx"
    assert main(train_args(tiny_orl, out, "--epochs", "1")) == 0
    before = out.with_suffix(".ckpt").read_bytes()
    capsys.readouterr()
    assert main(train_args(tiny_orl, out, "--epochs", "2", "--resume", "--loss",
                           "contrastive")) == 2
    assert "different run (loss differ)" in capsys.readouterr().err
    assert out.with_suffix(".ckpt").read_bytes() == before  # nothing lost


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--data", "missing-folder", "not a folder"),
    ("--identities", "s1", "at least two identity"),
    ("--batch", "2", "batch must hold"),
    ("--members", "11", "members must be between 1 and 10"),
])
def test_bad_input_is_one_clear_line(option: str, value: str, message: str, tiny_orl: Path,
                                     tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("torch")
    monkeypatch.chdir(tmp_path)
    argv = train_args(tiny_orl, tmp_path / "m.onnx", "--epochs", "1")
    if option in argv:
        argv[argv.index(option) + 1] = value
    else:
        argv += [option, value]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "m.onnx").exists()


def test_members_are_exported_as_one_whitened_model(tiny_orl: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("torch")
    import onnx
    import onnxruntime as ort

    out = tmp_path / "pair.onnx"
    assert main(train_args(tiny_orl, out, "--epochs", "1", "--members", "2")) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["members"] == 2 and report["whitened"] is True
    assert len(report["member_final_losses"]) == 2
    assert report["onnx_max_difference"] <= 1e-4
    assert out.with_suffix(".m1.ckpt").exists()  # the second network resumes from its own
    meta = {p.key: p.value for p in onnx.load(str(out)).metadata_props}
    assert meta["turnstile.members"] == "2" and meta["turnstile.whitening"] == "wccn"
    assert meta["turnstile.embedding_size"] == "256"
    session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    embedding = session.run(None, {"input": np.zeros((1, 3, 64, 64), np.float32)})[0]
    assert embedding.shape == (1, 256) and np.linalg.norm(embedding) == pytest.approx(1.0)

    single = tmp_path / "single.onnx"
    assert main(train_args(tiny_orl, single, "--epochs", "1", "--members", "1",
                           "--no-whiten")) == 0
    assert json.loads(capsys.readouterr().out)["whitened"] is False
    meta = {p.key: p.value for p in onnx.load(str(single)).metadata_props}
    assert meta["turnstile.embedding_size"] == "128" and meta["turnstile.whitening"] == "none"
