"""CLI plumbing: shared options before or after the command, one line for the project's own
errors (a traceback with --debug), a bug is never hidden, --json prints and --out writes."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from turnstile.cli import build_parser, common, main
from turnstile.config import ConfigError


def test_shared_options_work_before_and_after_the_command(tmp_path: Path) -> None:
    config, db = tmp_path / "c.toml", tmp_path / "g.db"
    before = build_parser().parse_args(["--config", str(config), "--db", str(db), "--json",
                                        "people"])
    after = build_parser().parse_args(["people", "--config", str(config), "--db", str(db),
                                       "--json"])
    for args in (before, after):
        assert (args.config, args.db, args.json) == (config, db, True)
    plain = build_parser().parse_args(["people"])
    assert (plain.config, plain.db, plain.json) == (None, None, False)


def test_project_errors_are_one_line_and_debug_shows_the_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "c.toml"
    bad.write_text("[policy]\nagreement_frames = 0\n")
    assert main(["config", "check", "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "policy.agreement_frames" in err
    with pytest.raises(ConfigError):
        main(["--debug", "config", "check", "--config", str(bad)])


def test_a_bug_is_not_turned_into_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(args: argparse.Namespace) -> int:
        raise ValueError("a bug, not the user's input")

    monkeypatch.setattr("turnstile.cli.configcmd.run_show", broken)
    with pytest.raises(ValueError, match="a bug"):
        main(["config", "show"])


def test_json_prints_and_out_writes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "result.json"
    args = argparse.Namespace(json=False, out=out)
    common.emit_to_file(args, {"accuracy": 0.99}, "accuracy 99 %")
    assert json.loads(out.read_text()) == {"accuracy": 0.99}
    assert capsys.readouterr().out.startswith("accuracy 99 %")
    common.emit_to_file(argparse.Namespace(json=True, out=None), {"a": 1}, "text")
    assert json.loads(capsys.readouterr().out) == {"a": 1}
    parser = build_parser()
    for argv in (["eval", "pairs", "--csv", "x.csv", "--out", str(out)],
                 ["bench", "--out", str(out)], ["eval", "liveness", "--live", "a", "--attack",
                                                "b", "--out", str(out)]):
        assert parser.parse_args(argv).out == out
