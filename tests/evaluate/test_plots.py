"""Charts: rates read as "1 in N", and a chart file that is a real PNG with the threshold."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from turnstile.evaluate.plots import one_in, verification_figure


def test_rates_read_as_one_in_n() -> None:
    assert one_in(1e-4) == "1 in 10,000"
    assert one_in(0.001) == "1 in 1,000"
    assert one_in(0.0) == "never"
    assert one_in(1.0) == "100%"


def test_verification_figure_writes_a_png(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    out = tmp_path / "charts" / "roc.png"
    verification_figure(rng.normal(0.7, 0.1, 300), rng.normal(0.1, 0.1, 30000), 0.45,
                        "synthetic scores", out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 20_000
