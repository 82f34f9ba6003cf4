"""Calibration: margin choice by hand, config writing that keeps the rest, and a real run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.conftest import dataset
from turnstile import config as config_module
from turnstile.config import Config, ConfigError
from turnstile.evaluate.calibrate import calibrate, choose_margin, write_config
from turnstile.evaluate.embedding import Pick, SetEmbedder, Settings
from turnstile.evaluate.identify import Searches


def test_margin_costs_at_most_one_percent_of_grants() -> None:
    margins = np.arange(200) / 1000.0  # 0.000 .. 0.199
    mated = Searches(best=np.full(200, 0.8, np.float32), runner_up=(0.8 - margins).astype(
        np.float32), correct=np.ones(200, bool))
    # 1% of 200 grants may be refused: the two smallest margins (0.000, 0.001) fall below.
    assert choose_margin(mated, 0.5) == pytest.approx(0.0)  # 0.002 rounds down to the step
    wide = Searches(mated.best, (0.8 - 0.1 - margins).astype(np.float32), mated.correct)
    assert choose_margin(wide, 0.5) == pytest.approx(0.1)
    assert choose_margin(mated, 0.9) == 0.0  # nobody granted: no margin to choose


def test_write_config_keeps_other_settings_and_comments(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("# site config\nallow_insecure = true\n[policy]\nagreement_frames = 5\n\n"
                    "[recognition]\n"
                    "threshold = 0.3\nflip_augment = true\n\n[door]\nkind = \"simulated\"\n")
    write_config(path, 0.4321, 0.075, "calibrated: test")
    write_config(path, 0.4321, 0.075, "calibrated: again")
    text = path.read_text()
    assert "# site config" in text and text.count("# calibrated:") == 1
    config = config_module.load(path)
    assert config.recognition.threshold == pytest.approx(0.4321)
    assert config.recognition.margin == pytest.approx(0.075)
    assert config.recognition.flip_augment and config.policy.agreement_frames == 5


def test_write_config_creates_the_section_and_refuses_bad_values(tmp_path: Path) -> None:
    path = tmp_path / "new.toml"
    write_config(path, 0.5, 0.15, "calibrated: fresh")
    assert config_module.load(path).recognition.threshold == pytest.approx(0.5)
    before = path.read_text()
    with pytest.raises(ConfigError, match="margin"):
        write_config(path, 0.5, 3.0, "calibrated: broken")
    # Below the security floors only where the file says allow_insecure = true.
    with pytest.raises(ConfigError, match=r"threshold = 0\.3 is below its security floor"):
        write_config(path, 0.3, 0.15, "calibrated: lenient")
    assert path.read_text() == before and list(tmp_path.iterdir()) == [path]


@pytest.mark.slow
def test_calibrate_on_real_faces(config: Config, tmp_path: Path) -> None:
    root = dataset("orl")
    paths = [root / f"s{p}" / f"{i}.pgm" for p in range(1, 11) for i in range(1, 4)]
    embedded = SetEmbedder(config, cache_dir=tmp_path, progress=False).embed(
        paths, Settings(Pick.LARGEST, 0.8, False))
    result = calibrate(embedded, 0.05, 3)
    assert result.measured and result.stranger_searches >= 20 / 0.05
    assert result.stranger_accepts <= 0.05 * result.stranger_searches
    assert 0.0 < result.threshold < 1.0 and 0.0 <= result.margin < 0.5
    assert result.genuine_accept_rate > 0.5
    big = calibrate(embedded, 0.05, 10_000)  # more people than the set has: extrapolated
    assert not big.measured and big.threshold >= result.threshold
    assert "once in 20 attempts" in big.explain() and "extrapolated" in big.explain()
    with pytest.raises(ValueError, match="between 0 and 1"):
        calibrate(embedded, 1.5, 3)
