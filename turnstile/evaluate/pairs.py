"""Labelled image pairs: LFW's pairs.txt format and plain `path_a,path_b,same` CSV files."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from turnstile.errors import TurnstileError

#: Accepted spellings of the CSV's `same` column (case-insensitive).
TRUE_WORDS = frozenset({"1", "true", "yes"})
FALSE_WORDS = frozenset({"0", "false", "no"})
#: Third-column names that mark a first row as a header rather than a pair.
HEADER_WORDS = frozenset({"same", "label", "is_same", "same_person"})
#: How many missing files an error message lists before "and N more".
SHOW_MISSING = 5


class PairsError(TurnstileError, ValueError):
    """A pairs file is malformed or names images that do not exist; says file and line."""


@dataclass(frozen=True)
class Pair:
    """Two images and whether they show the same person; `fold` is LFW's fold number."""

    a: Path
    b: Path
    same: bool
    fold: int = 0
    identity_a: str = ""
    identity_b: str = ""


@dataclass(frozen=True)
class PairSet:
    """Pairs in file order with the distinct images they use."""

    pairs: tuple[Pair, ...]

    @property
    def images(self) -> tuple[Path, ...]:
        """Each image once, in first-use order."""
        return tuple(dict.fromkeys(p for pair in self.pairs for p in (pair.a, pair.b)))

    @property
    def labels(self) -> npt.NDArray[np.bool_]:
        return np.array([pair.same for pair in self.pairs], dtype=bool)

    @property
    def folds(self) -> npt.NDArray[np.int64]:
        return np.array([pair.fold for pair in self.pairs], dtype=np.int64)

    def check_files(self) -> None:
        """Raise PairsError listing images that are missing (before any embedding starts)."""
        missing = [path for path in self.images if not path.is_file()]
        if missing:
            shown = ", ".join(str(p) for p in missing[:SHOW_MISSING])
            more = f" and {len(missing) - SHOW_MISSING} more" if len(missing) > SHOW_MISSING else ""
            raise PairsError(f"{len(missing)} image(s) named in the pairs are missing: "
                             f"{shown}{more}")


def lfw_image(root: Path, name: str, number: str, where: str) -> Path:
    try:
        index = int(number)
    except ValueError as exc:
        raise PairsError(f"{where}: image number {number!r} is not an integer") from exc
    return root / name / f"{name}_{index:04d}.jpg"


def read_lfw_pairs(path: Path, images: Path) -> PairSet:
    """LFW pairs.txt (header `folds<TAB>n`) or View 1's (header `n`): n same then n different
    pairs per fold, as `name i j` or `name_a i name_b j`."""
    lines = _read_lines(path)
    header = lines[0].split() if lines else []
    try:
        counts = [int(v) for v in header]
    except ValueError:
        counts = []
    if len(counts) not in (1, 2) or min(counts) < 1:
        raise PairsError(f"{path}:1: expected a header `folds<TAB>pairs` or `pairs`, "
                         f"found {lines[0][:40] if lines else 'an empty file'!r}")
    folds, per = (1, counts[0]) if len(counts) == 1 else (counts[0], counts[1])
    body = lines[1:]
    if len(body) != 2 * folds * per:
        raise PairsError(f"{path}: header promises {folds} fold(s) x {2 * per} pairs = "
                         f"{2 * folds * per} lines, found {len(body)}")
    pairs = []
    for number, line in enumerate(body, start=2):
        where = f"{path}:{number}"
        fields = line.split()
        fold, position = divmod(number - 2, 2 * per)
        expect_same = position < per
        if len(fields) == 3 and expect_same:
            name, i, j = fields
            pairs.append(Pair(lfw_image(images, name, i, where), lfw_image(images, name, j, where),
                              True, fold, name, name))
        elif len(fields) == 4 and not expect_same:
            name_a, i, name_b, j = fields
            pairs.append(Pair(lfw_image(images, name_a, i, where),
                              lfw_image(images, name_b, j, where), False, fold, name_a, name_b))
        else:
            kind = "same-person `name i j`" if expect_same else "different `name_a i name_b j`"
            raise PairsError(f"{where}: expected a {kind} line, found {line[:60]!r}")
    return PairSet(tuple(pairs))


def parse_same(value: str, where: str) -> bool:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise PairsError(f"{where}: `same` must be one of 1/0, true/false, yes/no, not {value!r}")


def read_pairs_csv(path: Path, root: Path | None = None) -> PairSet:
    """`path_a,path_b,same` rows (an optional header row naming the third column `same` or
    `label` is skipped); relative paths are
    resolved against `root`, by default the CSV's folder."""
    base = root if root is not None else path.parent
    lines = _read_lines(path)
    rows = list(csv.reader(lines))
    pairs = []
    for number, row in enumerate(rows, start=1):
        where = f"{path}:{number}"
        cells = [cell.strip() for cell in row]
        if len(cells) != 3:
            raise PairsError(f"{where}: expected 3 columns path_a,path_b,same, found {len(cells)}")
        if number == 1 and cells[2].lower() in HEADER_WORDS:
            continue  # a header row
        if not cells[0] or not cells[1]:
            raise PairsError(f"{where}: empty image path")
        same = parse_same(cells[2], where)
        pairs.append(Pair(base / cells[0], base / cells[1], same))
    if not pairs:
        raise PairsError(f"{path}: no pairs")
    return PairSet(tuple(pairs))


def _read_lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise PairsError(f"{path}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise PairsError(f"{path}: not a UTF-8 text file") from exc
    return [line for line in text.splitlines() if line.strip()]
