"""Thread settings for frame to decision on 2 cores: onnxruntime vs OpenCV, one process each.

Usage: python benchmarks/threads.py [ROUNDS] [REPEAT]. Every variant runs in its own fresh
process (thread pools that spin would otherwise bill one variant's idle spinning to the
next), the variants alternate for ROUNDS rounds, and the medians of all rounds are pooled.
Prints wall and CPU milliseconds per 640x480 frame to decision (one face, 10,000 people).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

#: (onnxruntime intra-op threads, onnxruntime spinning, OpenCV threads, OpenBLAS threads)
#: where -1 leaves a library's own default.
VARIANTS = [(0, True, -1, -1), (0, False, -1, 1), (1, True, -1, 1), (2, False, -1, 1),
            (2, False, 1, 1), (2, True, -1, 1)]


def child(ort_threads: int, spin: bool, cv_threads: int, repeat: int) -> None:
    import cv2
    import numpy as np

    from turnstile.bench.abtest import clip_frames
    from turnstile.bench.kiosk import build_pipeline, process
    from turnstile.bench.synthetic import fill_gallery, unit_vectors
    from turnstile.config import Config, ModelsConfig
    from turnstile.store.sqlite import SQLiteStore
    from turnstile.vision.embed import OnnxEmbedder
    from turnstile.vision.engine import Engine, build_detector
    from turnstile.vision.models import EMBEDDER, model_path

    if cv_threads >= 0:
        cv2.setNumThreads(cv_threads)
    config = Config(models=ModelsConfig(device="cpu", threads=ort_threads))
    embedder = OnnxEmbedder(model_path(config.models.models_dir(), EMBEDDER), "cpu",
                            ort_threads, spinning=spin)
    engine = Engine(build_detector(config), embedder)
    gallery = engine.gallery(SQLiteStore.open(":memory:"))
    fill_gallery(gallery, unit_vectors(10_000, embedder.dimension))
    pipeline = build_pipeline(config, engine, gallery)
    frames = clip_frames(16)
    wall, cpu = [], []
    for i in range(5 + repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        process(pipeline, frames[i % len(frames)], i)
        if i >= 5:
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
    print(json.dumps({"wall": float(np.median(wall)), "cpu": float(np.median(cpu)),
                      "wall_all": wall}))


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    results: dict[tuple[int, bool, int, int], list[dict[str, float]]] = {v: [] for v in VARIANTS}
    for _ in range(rounds):
        for variant in VARIANTS:
            env = dict(os.environ)
            if variant[3] >= 0:  # read by OpenBLAS when numpy loads it
                env["OPENBLAS_NUM_THREADS"] = str(variant[3])
            out = subprocess.run([sys.executable, __file__, "--child", *map(str, variant[:3]),
                                  str(repeat)], capture_output=True, text=True, check=True,
                                 env=env)
            results[variant].append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"frame to decision 640x480, {rounds} rounds x {repeat} runs "
          f"(load average {os.getloadavg()[0]:.2f})")
    print("ort threads, ort spinning, cv2 threads, openblas threads: per-round medians, ms")

    def auto(value: int) -> str:
        return str(value) if value > 0 else "auto"

    for (ort_threads, spin, cv_threads, blas), runs in results.items():
        walls = " ".join(f"{r['wall']:.1f}" for r in runs)
        cpus = " ".join(f"{r['cpu']:.1f}" for r in runs)
        print(f"ort {auto(ort_threads):>4} spin {spin!s:>5} cv2 {auto(cv_threads):>4} "
              f"blas {auto(blas):>4}   wall {walls}   cpu {cpus}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(int(sys.argv[2]), sys.argv[3] == "True", int(sys.argv[4]), int(sys.argv[5]))
    else:
        main()
