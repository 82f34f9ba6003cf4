"""Pairs files: LFW's pairs.txt layout and `path_a,path_b,same` CSVs, with clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from turnstile.evaluate.pairs import PairsError, read_lfw_pairs, read_pairs_csv


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_with_header_and_every_spelling_of_same(tmp_path: Path) -> None:
    csv = write(tmp_path / "p.csv", "path_a,path_b,same\n"
                "a.jpg,b.jpg,1\na.jpg,c.jpg,0\nb.jpg, c.jpg ,TRUE\n"
                "a.jpg,d.jpg,no\nd.jpg,b.jpg,Yes\nc.jpg,d.jpg,false\n\n")
    pairs = read_pairs_csv(csv)
    assert pairs.labels.tolist() == [True, False, True, False, True, False]
    assert pairs.pairs[2].b == tmp_path / "c.jpg"
    assert [p.name for p in pairs.images] == ["a.jpg", "b.jpg", "c.jpg", "d.jpg"]


def test_csv_without_header_and_with_a_root(tmp_path: Path) -> None:
    csv = write(tmp_path / "p.csv", "x/a.jpg,x/b.jpg,yes\n")
    pairs = read_pairs_csv(csv, root=Path("/data"))
    assert pairs.pairs[0].a == Path("/data/x/a.jpg") and pairs.pairs[0].same


@pytest.mark.parametrize(("text", "message"), [
    ("a.jpg,b.jpg\n", ":1: expected 3 columns"),
    ("a,b,same\na.jpg,b.jpg,maybe\n", ":2: `same` must be one of"),
    ("a.jpg,b.jpg,1\n,b.jpg,0\n", ":2: empty image path"),
    ("a,b,same\n", "no pairs"),
    ("a.jpg,b.jpg,perhaps\n", ":1: `same` must be one of"),
    ("", "no pairs"),
])
def test_bad_csv_says_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    csv = write(tmp_path / "p.csv", text)
    with pytest.raises(PairsError, match=message):
        read_pairs_csv(csv)


def test_missing_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(PairsError, match="no such file"):
        read_pairs_csv(tmp_path / "absent.csv")
    (tmp_path / "bin.csv").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(PairsError, match="UTF-8"):
        read_pairs_csv(tmp_path / "bin.csv")


def test_missing_images_are_listed_before_any_work(tmp_path: Path) -> None:
    (tmp_path / "a.jpg").write_bytes(b"x")
    rows = "".join(f"a.jpg,gone{i}.jpg,0\n" for i in range(8))
    pairs = read_pairs_csv(write(tmp_path / "p.csv", rows))
    with pytest.raises(PairsError, match=r"8 image\(s\).*gone0.jpg.*and 3 more"):
        pairs.check_files()


def test_lfw_pairs_layout(tmp_path: Path) -> None:
    text = "2\t1\nAl\t1\t2\nAl\t1\tBo\t3\nCy\t4\t5\nBo\t1\tCy\t2\n"
    pairs = read_lfw_pairs(write(tmp_path / "pairs.txt", text), tmp_path)
    assert pairs.labels.tolist() == [True, False, True, False]
    assert pairs.folds.tolist() == [0, 0, 1, 1]
    assert pairs.pairs[1].b == tmp_path / "Bo" / "Bo_0003.jpg"
    assert (pairs.pairs[1].identity_a, pairs.pairs[1].identity_b) == ("Al", "Bo")


def test_lfw_view1_single_number_header(tmp_path: Path) -> None:
    pairs = read_lfw_pairs(write(tmp_path / "p.txt", "1\nAl\t1\t2\nAl\t1\tBo\t1\n"), tmp_path)
    assert len(pairs.pairs) == 2 and pairs.folds.tolist() == [0, 0]


@pytest.mark.parametrize(("text", "message"), [
    ("ten\t300\n", ":1: expected a header"),
    ("", "empty file"),
    ("1\t2\nAl\t1\t2\n", "promises 1 fold"),
    ("1\t1\nAl\t1\tBo\t1\nAl\t1\t2\n", ":2: expected a same-person"),
    ("1\t1\nAl\t1\tx\nAl\t1\tBo\t1\n", ":2: image number 'x'"),
])
def test_bad_lfw_pairs_say_where(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(PairsError, match=message):
        read_lfw_pairs(write(tmp_path / "pairs.txt", text), tmp_path)
