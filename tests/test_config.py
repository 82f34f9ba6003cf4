"""Config loading: defaults, TOML, unknown keys and out-of-range values are errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from turnstile.config import Config, ConfigError, from_dict, load


def test_defaults_are_valid_and_lean_secure() -> None:
    config = from_dict({})
    assert config == Config()
    assert config.recognition.threshold > 0.3
    assert config.policy.agreement_frames >= 2
    assert config.events.store_thumbnails is False


def test_load_reads_nested_sections(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('database = "x.db"\n[recognition]\nthreshold = 0.5\n'
                    "[policy]\nroi = [1, 2, 3, 4]\n")
    config = load(path)
    assert config.database_path() == Path("x.db")
    assert config.recognition.threshold == 0.5
    assert config.policy.roi == (1, 2, 3, 4)


def test_unknown_key_names_the_key_and_the_known_ones(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[recognition]\nthreshhold = 0.5\n")
    with pytest.raises(ConfigError, match=r"recognition: unknown key\(s\) threshhold; known"):
        load(path)


def test_unknown_section_is_an_error() -> None:
    with pytest.raises(ConfigError, match="unknown key"):
        from_dict({"camra": {}})


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"recognition": {"threshold": 1.5}}, "threshold"),
        ({"recognition": {"threshold": "high"}}, "must be of type float"),
        ({"policy": {"agreement_frames": 0}}, "agreement_frames"),
        ({"policy": {"roi": [1, 2]}}, "roi"),
        ({"door": {"kind": "magic"}}, "door.kind"),
        ({"kiosk": {"fullscreen": "yes"}}, "true or false"),
        ({"models": "cpu"}, "must be a table"),
    ],
)
def test_bad_values_are_rejected(table: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        from_dict(table)


def test_missing_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load(tmp_path / "absent.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[recognition\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load(bad)


def test_environment_overrides_paths(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TURNSTILE_DB", str(tmp_path / "g.db"))
    monkeypatch.setenv("TURNSTILE_MODELS_DIR", str(tmp_path / "m"))
    config = Config()
    assert config.database_path() == tmp_path / "g.db"
    assert config.models.models_dir() == tmp_path / "m"
