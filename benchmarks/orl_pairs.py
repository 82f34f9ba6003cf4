"""Write AT&T/ORL verification pairs as a CSV for `turnstile eval pairs`.

Every same-person pair (40 people x 45 = 1,800) and an equal number of different-person pairs
drawn with a fixed seed, as `s1/1.pgm,s1/2.pgm,1` rows relative to the ORL folder:

    python benchmarks/orl_pairs.py ../shared/datasets/orl out/orl_pairs.csv
    turnstile eval pairs --csv out/orl_pairs.csv --root ../shared/datasets/orl --json
"""

from __future__ import annotations

import argparse
import csv
import itertools
from pathlib import Path

import numpy as np

SEED = 1994  # the year the AT&T database was collected; fixed so every run draws the same


def orl_pairs(root: Path) -> list[tuple[str, str, int]]:
    people = sorted((p for p in root.iterdir() if p.is_dir() and p.name.startswith("s")),
                    key=lambda p: int(p.name[1:]))
    images = {p.name: sorted(f"{p.name}/{f.name}" for f in p.glob("*.pgm")) for p in people}
    same = [(a, b, 1) for files in images.values() for a, b in itertools.combinations(files, 2)]
    everyone = [(name, f) for name, files in images.items() for f in files]
    rng = np.random.default_rng(SEED)
    different: set[tuple[str, str]] = set()
    while len(different) < len(same):
        i, j = sorted(rng.choice(len(everyone), size=2, replace=False).tolist())
        if everyone[i][0] != everyone[j][0]:
            different.add((everyone[i][1], everyone[j][1]))
    return same + [(a, b, 0) for a, b in sorted(different)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("orl", type=Path, help="the ORL folder (s1..s40)")
    parser.add_argument("out", type=Path, help="CSV to write")
    args = parser.parse_args()
    rows = orl_pairs(args.orl)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["path_a", "path_b", "same"])
        writer.writerows(rows)
    print(f"{len(rows)} pairs ({sum(r[2] for r in rows)} same) written to {args.out}")


if __name__ == "__main__":
    main()
