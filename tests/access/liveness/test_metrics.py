"""ISO/IEC 30107-3 error rates against counts worked out by hand."""

from __future__ import annotations

import pytest

from turnstile.access.liveness import metrics
from turnstile.errors import UsageError


def test_rates_at_a_threshold() -> None:
    live = [0.9, 0.8, 0.4, 0.95]
    attack = [0.1, 0.6, 0.2, 0.3, 0.05]
    rates = metrics.rates_at(live, attack, 0.5)
    assert rates.apcer == pytest.approx(1 / 5)
    assert rates.bpcer == pytest.approx(1 / 4)
    assert rates.acer == pytest.approx((0.2 + 0.25) / 2)
    assert (rates.attacks, rates.bona_fide) == (5, 4)
    assert rates.as_dict()["acer"] == pytest.approx(rates.acer)


def test_threshold_for_apcer_is_the_lowest_that_keeps_attacks_out() -> None:
    live = [0.9, 0.8, 0.7, 0.4]
    attack = [0.1, 0.6, 0.2]
    rates = metrics.threshold_for_apcer(live, attack, 0.0)
    assert rates.apcer == 0.0
    assert rates.threshold == pytest.approx(0.7)
    assert rates.bpcer == pytest.approx(1 / 4)


def test_threshold_above_every_score_when_no_threshold_is_strict_enough() -> None:
    rates = metrics.threshold_for_apcer([0.5], [0.9], 0.0)
    assert rates.apcer == 0.0 and rates.bpcer == 1.0


def test_equal_error_balances_the_two_rates() -> None:
    live = [0.9, 0.8, 0.7, 0.3]
    attack = [0.1, 0.2, 0.75, 0.25]
    rates = metrics.equal_error(live, attack)
    assert rates.apcer == pytest.approx(rates.bpcer)


def test_empty_scores_are_an_error() -> None:
    with pytest.raises(ValueError, match="at least one"):
        metrics.rates_at([], [0.2], 0.5)


def test_wilson_upper_bound_against_worked_values() -> None:
    # 0 of n: z^2 / (n + z^2); 1 of 400 and 5 of 400 as the benchmarks report them.
    assert metrics.wilson_upper(0, 20) == pytest.approx(1.96**2 / (20 + 1.96**2))
    assert metrics.wilson_upper(0, 20) == pytest.approx(0.161, abs=0.001)
    assert metrics.wilson_upper(1, 400) == pytest.approx(0.0140, abs=0.0002)
    assert metrics.wilson_upper(5, 400) == pytest.approx(0.0290, abs=0.0002)
    assert metrics.wilson_upper(3, 3) == 1.0
    for errors, total in ((-1, 5), (6, 5), (0, 0)):
        with pytest.raises(UsageError):
            metrics.wilson_upper(errors, total)
