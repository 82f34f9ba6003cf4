"""Mirrored-sum enrolments against single-view searches: what recognition.flip_probe costs.

The kiosk enrols with the mirrored face added (recognition.flip_augment) but may search each
frame with one view only (recognition.flip_probe off, half the embedding time). On the LFW View
2 images this scores every protocol pair both ways round and every ordered cross-identity pair
as impostors, for three modes: neither side mirrored, only the enrolled side, both. Uses the
evaluation cache, so after `turnstile eval lfw` it embeds nothing:

    python benchmarks/lfw_probe_flip.py ../shared/datasets/lfw [--cache-dir DIR]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from turnstile.config import Config
from turnstile.evaluate.embedding import Pick, SetEmbedder, Settings, default_cache_dir
from turnstile.evaluate.pairs import read_lfw_pairs
from turnstile.evaluate.protocol import tar_at_far

#: The shipped recognition.threshold at the time of the measurement.
THRESHOLD = 0.57


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lfw", type=Path, help="folder with lfw-deepfunneled/ and protocol/")
    parser.add_argument("--cache-dir", type=Path, default=default_cache_dir())
    args = parser.parse_args()
    pairs = read_lfw_pairs(args.lfw / "protocol" / "pairs.txt", args.lfw / "lfw-deepfunneled")
    embedder = SetEmbedder(Config(), cache_dir=args.cache_dir)
    kiosk = embedder.embed(pairs.images, Settings(Pick.CENTER, 0.8, flip=True, probe_flip=False))
    mirrored, single = kiosk.embeddings, kiosk.searches
    where = kiosk.index()
    names = {}
    for pair in pairs.pairs:
        names[pair.a], names[pair.b] = pair.identity_a, pair.identity_b
    identity = np.array([names[path] for path in kiosk.paths])
    a = np.array([where[p.a] for p in pairs.pairs])
    b = np.array([where[p.b] for p in pairs.pairs])
    same = pairs.labels
    different = identity[:, None] != identity[None, :]
    print("| enrolled / searched | TAR@1e-2 | TAR@1e-3 | TAR@1e-4 | impostors >= "
          f"{THRESHOLD} | genuine < {THRESHOLD} |\n|---|---|---|---|---|---|")
    for label, probe, enrolled in (("single / single", single, single),
                                   ("mirrored sum / single", single, mirrored),
                                   ("mirrored sum / mirrored sum", mirrored, mirrored)):
        genuine = np.concatenate([np.sum(probe[a] * enrolled[b], axis=1)[same],
                                  np.sum(probe[b] * enrolled[a], axis=1)[same]])
        impostor = (probe @ enrolled.T)[different]
        tars = [100 * tar_at_far(genuine, impostor, far).tar for far in (1e-2, 1e-3, 1e-4)]
        print(f"| {label} | " + " | ".join(f"{t:.2f}" for t in tars)
              + f" | {np.mean(impostor >= THRESHOLD):.2e} of {impostor.size:,}"
              f" | {100 * np.mean(genuine < THRESHOLD):.1f} % |", flush=True)


if __name__ == "__main__":
    main()
