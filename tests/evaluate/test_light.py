"""`turnstile eval light`: relit ORL faces through the real detector and embedder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import dataset
from turnstile.cli import main
from turnstile.evaluate.light import Split, subjects


def test_split_halves_are_disjoint_and_cover_the_draw() -> None:
    folder = dataset("orl")
    drawn = subjects(folder, 10, seed=1)
    tune, report = subjects(folder, 10, 1, Split.TUNE), subjects(folder, 10, 1, Split.REPORT)
    assert len(drawn) == 10 and {s.name for s in tune} | {s.name for s in report} == {
        s.name for s in drawn}
    assert not {s.name for s in tune} & {s.name for s in report}
    assert all(s.reference != s.probe for s in drawn)


def test_subjects_refuse_a_folder_without_people(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="two people"):
        subjects(tmp_path, 5)
    with pytest.raises(FileNotFoundError):
        subjects(tmp_path / "absent", 5)


@pytest.mark.slow
def test_eval_light_reports_every_family(capsys: pytest.CaptureFixture[str],
                                         models_dir: Path) -> None:
    del models_dir
    argv = ["eval", "light", "--images", str(dataset("orl")), "--people", "6",
            "--families", "low,cast", "--crop", "clahe", "--quiet", "--json"]
    assert main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    conditions = {row["condition"] for row in report["rows"]}
    assert conditions == {"none", "low1", "low2", "low3", "cast1", "cast2", "cast3"}
    assert {row["variant"] for row in report["rows"]} == {"before", "after", "after+clahe"}
    for row in report["rows"]:
        assert row["probes"] == 6 - len(report["skipped"])
        assert row["accepted"] <= row["detected"] <= row["probes"]
        # Every face found is compared with the five other people's references.
        assert row["impostor_pairs"] >= 5 * row["detected"]
    families = {(r["variant"], r["family"]): r for r in report["families"]}
    assert families[("before", "low")]["probes"] == 3 * families[("before", "none")]["probes"]
    none = families[("before", "none")]
    assert none["detection_rate"] == 1.0 and none["genuine_acceptance"] > 0.5
