"""LFW View 2 under each test-time variant (face choice, detector cut-off, flip), one table.

Every variant goes through `turnstile.evaluate.lfw.evaluate`, the code behind `turnstile eval
lfw`; embeddings come from the shared cache, so only the first variant pays for embedding:

    python benchmarks/lfw_variants.py ../shared/datasets/lfw [--json out/variants.json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from turnstile.config import Config
from turnstile.evaluate import lfw
from turnstile.evaluate.embedding import Pick, SetEmbedder, Settings, default_cache_dir
from turnstile.evaluate.pairs import read_lfw_pairs

VARIANTS = (
    Settings(Pick.LARGEST, 0.8, False),  # the kiosk's own choice: largest face, default cut-off
    Settings(Pick.CENTER, 0.8, False),  # LFW's labelled person is the centred face
    Settings(Pick.CENTER, 0.5, False),  # fewer centre-crop fallbacks
    Settings(Pick.LARGEST, 0.8, True),
    Settings(Pick.CENTER, 0.8, True),
    Settings(Pick.CENTER, 0.5, True),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lfw", type=Path, help="folder with lfw-deepfunneled/ and protocol/")
    parser.add_argument("--json", type=Path, help="write every variant's full report here")
    args = parser.parse_args()
    pairs = read_lfw_pairs(args.lfw / "protocol" / "pairs.txt", args.lfw / "lfw-deepfunneled")
    embedder = SetEmbedder(Config(), cache_dir=default_cache_dir())
    reports = []
    print("| face | min score | flip | accuracy | AUC | TAR@1e-2 | TAR@1e-3 | TAR@1e-4 | "
          "no face |\n|---|---|---|---|---|---|---|---|---|")
    for settings in VARIANTS:
        report = lfw.evaluate(pairs, embedder, settings).to_json()
        reports.append(report)
        tar = report["tar_at_far"]
        print(f"| {settings.pick.value} | {settings.min_score} | {'on' if settings.flip else 'off'}"
              f" | {100 * report['accuracy']:.2f} +- {100 * report['accuracy_std']:.2f} | "
              f"{report['auc']:.4f} | {100 * tar['0.01']:.2f} | {100 * tar['0.001']:.2f} | "
              f"{100 * tar['0.0001']:.2f} | {report['no_face']} |", flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(reports, indent=2) + "\n")


if __name__ == "__main__":
    main()
