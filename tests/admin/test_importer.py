"""Bulk import from a folder per person or a CSV, with every rejection explained."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from turnstile.admin.enrolment import Enroller, Rejection
from turnstile.admin.importer import Importer, ImportPlanError, plan, plan_csv, plan_folder
from turnstile.admin.people import PeopleAdmin


def _link(target: Path, link: Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, link)


@pytest.fixture
def import_tree(examples: Path, tmp_path: Path) -> Path:
    """One folder per person, linking to the real photos (nothing is copied)."""
    root = tmp_path / "staff"
    _link(examples / "obama.jpg", root / "Barack_Obama" / "a.jpg")
    _link(examples / "obama-720p.jpg", root / "Barack_Obama" / "b.jpg")
    _link(examples / "two_people.jpg", root / "Barack_Obama" / "group.jpg")
    _link(examples / "biden.jpg", root / "Joe Biden" / "1.jpg")
    _link(examples / "obama2.jpg", root / "Impostor" / "1.jpg")  # Obama under another name
    (root / "Joe Biden" / "notes.txt").write_text("skipped: not an image")
    return root


@pytest.mark.slow
def test_folder_import(import_tree: Path, enroller: Enroller, people: PeopleAdmin) -> None:
    items = plan_folder(import_tree)
    assert sorted({i.name for i in items}) == ["Barack Obama", "Impostor", "Joe Biden"]
    calls: list[tuple[int, int]] = []
    report = Importer(enroller, people).run(items, lambda d, t: calls.append((d, t)))
    assert calls[-1] == (5, 5) and report.photos == 5
    assert report.enrolled == {"Barack Obama": 2, "Joe Biden": 1}
    reasons = {r.path.name: (r.reason, r.detail) for r in report.rejected}
    assert reasons["group.jpg"][0] is Rejection.SEVERAL_FACES
    assert reasons["1.jpg"][0] is Rejection.DUPLICATE
    assert "duplicate of Barack Obama" in reasons["1.jpg"][1]
    # Importing again adds to the same people instead of flagging them as duplicates.
    again = Importer(enroller, people).run(plan_folder(import_tree))
    assert again.enrolled == {"Barack Obama": 2, "Joe Biden": 1}
    assert len(people.store.people.all()) == 2


def test_csv_import(examples: Path, tmp_path: Path, enroller: Enroller,
                    people: PeopleAdmin) -> None:
    sheet = tmp_path / "staff.csv"
    sheet.write_text("name,employee_id,image_path\n"
                     f"Joe Biden,B-1,{examples / 'biden.jpg'}\n"
                     "Nobody,N-1,missing.jpg\n")
    items = plan(sheet)
    assert items[1].path == tmp_path / "missing.jpg"
    report = Importer(enroller, people, consent=True).run(items)
    assert report.enrolled == {"Joe Biden": 1}
    assert report.rejected[0].reason is Rejection.UNREADABLE
    assert people.rows()[0].person.employee_id == "B-1" and people.rows()[0].consent_at


def test_bad_plans_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportPlanError, match="not a folder"):
        plan_folder(tmp_path / "missing")
    with pytest.raises(ImportPlanError, match="no sub-folder"):
        plan_folder(tmp_path)
    sheet = tmp_path / "bad.csv"
    sheet.write_text("who,where\nx,y\n")
    with pytest.raises(ImportPlanError, match="missing column"):
        plan_csv(sheet)
    sheet.write_text("name,employee_id,image_path\n,1,a.jpg\n")
    with pytest.raises(ImportPlanError, match="line 2"):
        plan_csv(sheet)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_csv_naming_a_device_is_rejected_without_reading_it(
        examples: Path, tmp_path: Path, enroller: Enroller, people: PeopleAdmin) -> None:
    sheet = tmp_path / "staff.csv"
    sheet.write_text("name,employee_id,image_path\n"
                     "Endless,Z-1,/dev/zero\n"
                     f"Joe Biden,B-1,{examples / 'biden.jpg'}\n")
    report = Importer(enroller, people, consent=True).run(plan(sheet))
    assert report.enrolled == {"Joe Biden": 1}
    assert report.rejected[0].reason is Rejection.UNREADABLE
    assert "not a regular file" in report.rejected[0].detail


def test_csv_card_column_sets_card_numbers(examples: Path, tmp_path: Path, enroller: Enroller,
                                           people: PeopleAdmin) -> None:
    sheet = tmp_path / "staff.csv"
    sheet.write_text("name,employee_id,image_path,card\n"
                     f"Joe Biden,B-1,{examples / 'biden.jpg'},4242\n")
    items = plan(sheet, "h10301")
    assert items[0].card == 4242
    report = Importer(enroller, people).run(items)
    assert report.enrolled == {"Joe Biden": 1} and report.rejected == []
    assert people.rows()[0].person.credential == 4242


@pytest.mark.parametrize(("card", "message"), [
    ("12x", "line 2: card '12x' is not a whole number"),
    ("65536", "line 2: card number 65536 does not fit H10301"),
    ("-4", "line 2: card '-4' is not a whole number"),
])
def test_csv_card_numbers_are_checked_before_anything_is_enrolled(
        tmp_path: Path, card: str, message: str) -> None:
    sheet = tmp_path / "staff.csv"
    sheet.write_text(f"name,employee_id,image_path,card\nJoe,B-1,a.jpg,{card}\n")
    with pytest.raises(ImportPlanError, match=message):
        plan_csv(sheet, "h10301")
