"""`turnstile card`, `enroll --card` and `people`: card numbers for the access panel."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from turnstile.cli import main
from turnstile.store.sqlite import SQLiteStore


@pytest.fixture
def site(tmp_path: Path) -> list[str]:
    db = tmp_path / "site.db"
    store = SQLiteStore.open(db)
    store.people.add("Dana Whitfield", "E-1")
    store.people.add("Sam Okafor")
    store.close()
    return ["--db", str(db)]


def credentials(site: list[str]) -> dict[str, int | None]:
    store = SQLiteStore.open(Path(site[1]))
    try:
        return {p.name: p.credential for p in store.people.all()}
    finally:
        store.close()


def error_line(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("turnstile: error:"), err
    return err[0]


def test_set_list_and_clear_a_card_number(capsys: pytest.CaptureFixture[str],
                                          site: list[str]) -> None:
    assert main(["card", "dana whitfield", "4242", *site]) == 0
    assert capsys.readouterr().out.strip() == "card number set for Dana Whitfield"
    assert credentials(site) == {"Dana Whitfield": 4242, "Sam Okafor": None}
    assert main(["people", "--json", *site]) == 0
    rows = json.loads(capsys.readouterr().out)["people"]
    assert {r["name"]: r["card"] for r in rows} == {"Dana Whitfield": 4242, "Sam Okafor": None}
    assert main(["card", "E-1", "--clear", *site]) == 0
    assert credentials(site)["Dana Whitfield"] is None


def test_bad_card_numbers_get_one_clear_line(capsys: pytest.CaptureFixture[str],
                                             site: list[str], tmp_path: Path) -> None:
    assert "0 to 65535" in error_line(capsys, "card", "Sam Okafor", "65536", *site)
    assert "a card number or --clear" in error_line(capsys, "card", "Sam Okafor", *site)
    assert "a card number or --clear" in error_line(capsys, "card", "Sam Okafor", "1",
                                                     "--clear", *site)
    assert "no one named 'Nobody'" in error_line(capsys, "card", "Nobody", "1", *site)
    main(["card", "Sam Okafor", "7", *site])
    capsys.readouterr()
    assert "already belongs to someone else" in error_line(capsys, "card", "Dana Whitfield",
                                                           "7", *site)
    # A 37-bit format carries more: the configured format decides.
    config = tmp_path / "config.toml"
    config.write_text('[osdp]\ncard_format = "h10304"\nfacility_code = 12\n')
    assert main(["card", "Dana Whitfield", "65536", "--config", str(config), *site]) == 0
    assert credentials(site) == {"Dana Whitfield": 65536, "Sam Okafor": 7}


def test_enroll_refuses_a_card_number_before_enrolling(capsys: pytest.CaptureFixture[str],
                                                       site: list[str], examples: Path) -> None:
    assert "0 to 65535" in error_line(capsys, "enroll", "Joe Biden",
                                      str(examples / "biden.jpg"), "--card", "99999", *site)
    assert "Joe Biden" not in credentials(site)
