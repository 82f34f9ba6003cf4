"""Config loading: defaults, TOML, unknown keys and out-of-range values are errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from turnstile.config import Config, ConfigError, from_dict, load, replace
from turnstile.configmeta import leaf, leaves


def test_defaults_are_valid_and_lean_secure() -> None:
    config = from_dict({})
    assert config == Config()
    assert config.recognition.threshold > 0.3
    assert config.policy.agreement_frames >= 2
    # Event pictures are on (the Events page shows who was refused) but never kept forever.
    assert config.events.store_thumbnails is True and config.events.retention_days > 0


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
        ({"policy": {"roi": ["1", 2, 3, 4]}}, "policy.roi must be a list of integers"),
        ({"policy": {"roi": [True, 2, 3, 4]}}, "policy.roi must be a list of integers"),
        ({"policy": {"allowed_groups": "staff"}}, "allowed_groups must be a list of strings"),
        ({"policy": {"allowed_groups": ["staff", 3]}}, "allowed_groups must be a list of strings"),
        ({"policy": {"allowed_groups": ["staff", " "]}}, "must not contain an empty name"),
        ({"door": {"kind": "magic"}}, "door.kind"),
        ({"kiosk": {"fullscreen": "yes"}}, "true or false"),
        ({"models": "cpu"}, "must be a table"),
    ],
)
def test_bad_values_are_rejected(table: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        from_dict(table)


@pytest.mark.parametrize(
    ("section", "field", "low", "high", "message"),
    [
        ("recognition", "margin", 0.0, 2.0, "recognition.margin must be between 0 and 2"),
        ("policy", "recheck_s", 0.1, 60.0, "policy.recheck_s must be between 0.1 and 60"),
        ("camera", "folder_fps", 0.1, 120.0, "camera.folder_fps must be between 0.1 and 120"),
        ("enrolment", "turn_shots", 0, 5, "enrolment.turn_shots must be between 0 and 5"),
        ("liveness", "live_structure", 0.0, 1.0,
         "liveness.live_structure must be between 0 and 1"),
        ("liveness", "challenge_min_similarity", -1.0, 1.0,
         "liveness.challenge_min_similarity must be between -1 and 1"),
    ],
)
def test_ranges_are_closed_and_named(section: str, field: str, low: float, high: float,
                                     message: str) -> None:
    for edge in (low, high):
        table = {"allow_insecure": True, section: {field: edge}}  # ranges, not floors
        assert getattr(getattr(from_dict(table), section), field) == edge
    step = 1 if isinstance(low, int) else 0.01
    for outside in (low - step, high + step):
        with pytest.raises(ConfigError, match=message):
            from_dict({section: {field: outside}})


def test_allowed_groups_read_as_strings(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[policy]\nallowed_groups = ["Staff", "Cleaning"]\n')
    assert load(path).policy.allowed_groups == ("Staff", "Cleaning")
    assert Config().policy.allowed_groups == ()  # every enrolled person by default


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


def test_every_numeric_field_is_bounded_with_a_unit_and_description() -> None:
    for item in leaves(Config):
        assert item.doc, f"{item.key} has no description"
        if item.kind in (int, float):
            assert item.bounds is not None, f"{item.key} has no range"


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
def test_infinite_and_nan_values_are_refused(value: float) -> None:
    with pytest.raises(ConfigError, match=r"door\.http_timeout_s must be a finite number"):
        from_dict({"door": {"http_timeout_s": value}})


def test_zero_timeout_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"door.http_timeout_s must be between 0 \(excluded\)"):
        from_dict({"door": {"http_timeout_s": 0}})


def test_choices_come_from_the_schema() -> None:
    assert leaf(Config, "door.kind").choices == ("simulated", "serial", "http", "osdp")
    assert leaf(Config, "models.device").choices == ("auto", "cpu", "cuda")
    with pytest.raises(ConfigError, match=r"unknown setting door\.colour"):
        leaf(Config, "door.colour")


def test_replace_validates_the_copy() -> None:
    policy = Config().policy
    assert replace(policy, cooldown_s=2.0).cooldown_s == 2.0
    assert policy.cooldown_s == 5.0  # frozen: the original is unchanged
    with pytest.raises(ConfigError, match="cooldown_s must be between 0 and 600"):
        replace(policy, cooldown_s=-1.0)


def test_camera_index_may_be_written_as_a_number() -> None:
    assert from_dict({"camera": {"source": 1}}).camera.source == "1"


@pytest.mark.parametrize(("table", "key"), [
    ({"recognition": {"threshold": -1.0}}, "recognition.threshold"),
    ({"recognition": {"threshold": 0.39}}, "recognition.threshold"),
    ({"recognition": {"margin": 0.0}}, "recognition.margin"),
    ({"policy": {"agreement_frames": 1}}, "policy.agreement_frames"),
    ({"models": {"embedder": "mine.onnx"}, "recognition": {"threshold": 0.0}},
     "recognition.threshold"),
    ({"models": {"embedder": "mine.onnx"}, "recognition": {"margin": 0.0}}, "recognition.margin"),
])
def test_values_below_the_security_floors_need_allow_insecure(
        table: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError, match=rf"{key} = .* is below its security floor"):
        from_dict(table)
    config = from_dict({"allow_insecure": True, **table})
    assert [line.split(" = ")[0] for line in config.below_floors()] == [key]


def test_the_floors_admit_every_calibrated_operating_point() -> None:
    # benchmarks/README.md "Calibration": far 1e-4 with 10 and 100 enrolled people.
    for threshold, margin in ((0.475, 0.225), (0.57, 0.2), (0.57, 0.205)):
        assert from_dict({"recognition": {"threshold": threshold, "margin": margin}})
    assert Config().below_floors() == []
    # A custom embedder has its own scale: a low but positive threshold is its calibration's.
    assert from_dict({"models": {"embedder": "mine.onnx"},
                      "recognition": {"threshold": 0.2, "margin": 0.05}})


@pytest.mark.parametrize(("table", "message"), [
    ({"door": {"kind": "osdp"}}, "door.kind = \"osdp\" needs osdp.port"),
    ({"osdp": {"facility_code": 256}}, "facility code 256 does not fit H10301 .26-bit.: it "
                                       "must be 0 to 255"),
    ({"osdp": {"card_format": "h10302", "facility_code": 7}}, "carries no facility code"),
    ({"osdp": {"card_format": "h10305"}}, "osdp.card_format"),
])
def test_an_osdp_reader_is_checked_when_read(table: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        from_dict(table)


def test_an_osdp_reader_with_its_port_and_a_34_bit_format_loads() -> None:
    config = from_dict({"door": {"kind": "osdp"}, "osdp": {
        "port": "/dev/ttyUSB0", "card_format": "h10306", "facility_code": 40000}})
    assert config.door.kind == "osdp" and config.osdp.card_format == "h10306"
    assert config.osdp.secure_channel  # on unless switched off
