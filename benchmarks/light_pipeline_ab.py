"""Frame to decision with and without the light code, interleaved in one process.

Usage: python benchmarks/light_pipeline_ab.py [REPEAT]. The kiosk's pipeline (detect, policy,
align, embed, match; liveness off, every frame recognised as in `turnstile bench`'s frame to
decision) on the shared clip's frames at 640x480, good light, a face in each, against an
enrolled gallery. Variant "light" is the shipped default (the rescue wrapper around the
detector, the light hint on non-final frames); variant "no light code" has the wrapper off
(`detector.rescue_score = 0`) and the hint replaced by "OK". The two alternate frame by frame,
so load changes hit both; the difference of the medians is what the light code adds.
"""

from __future__ import annotations

import sys
import time
from typing import Any

import numpy as np

from turnstile.access import pipeline as pipeline_module
from turnstile.bench.abtest import clip_frames, interleaved, print_table
from turnstile.bench.kiosk import build_pipeline, process
from turnstile.config import Config, replace
from turnstile.store.records import NewTemplate
from turnstile.store.sqlite import SQLiteStore
from turnstile.vision.engine import Engine
from turnstile.vision.light import LightHint


def _config(config: Config, rescue: bool) -> Config:
    detector = config.detector if rescue else replace(config.detector, rescue_score=0.0)
    return replace(config, detector=detector,
                   policy=replace(config.policy, track_iou=0.0),
                   liveness=replace(config.liveness, motion=False, challenge=False,
                                    passive_model=""))


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    base = Config()
    frames = clip_frames(16)
    store = SQLiteStore.open(":memory:")
    with_light = Engine.from_config(_config(base, rescue=True))
    without = Engine.from_config(_config(base, rescue=False))
    gallery = with_light.gallery(store)
    enrolled = with_light.analyze(frames[0])
    assert enrolled, "the first benchmark frame should show a face"
    person = store.people.add("Benchmark")
    store.templates.add(person.id, with_light.embedder.name, with_light.embedder.dimension,
                        [NewTemplate(enrolled[0].embedding, "benchmark")])
    gallery.reload()
    light = build_pipeline(_config(base, rescue=True), with_light, gallery)
    plain = build_pipeline(_config(base, rescue=False), without, gallery)
    real_assess = pipeline_module.assess  # type: ignore[attr-defined]

    def no_hint(*_: Any) -> LightHint:
        return LightHint.OK

    def run(pipe: Any, hint: Any) -> Any:
        def call(i: int) -> object:
            pipeline_module.assess = hint  # type: ignore[attr-defined]
            return process(pipe, frames[i % len(frames)], i)
        return call

    try:
        stats = interleaved({"light (shipped defaults)": run(light, real_assess),
                             "no light code": run(plain, no_hint)},
                            warmup=20, repeat=repeat)
        paired = _paired(run(light, real_assess), run(plain, no_hint), repeat)
    finally:
        pipeline_module.assess = real_assess  # type: ignore[attr-defined]
    print_table(f"frame to decision, 640x480, {repeat} frames each", stats)
    added = (stats["light (shipped defaults)"][0].median - stats["no light code"][0].median)
    print(f"light code adds {added:+.2f} ms wall (difference of the medians)")
    low, mid, high = paired
    print(f"paired, same frame back to back: median {mid:+.2f} ms wall "
          f"(95 % bootstrap interval {low:+.2f} to {high:+.2f})")


def _paired(light: Any, plain: Any, repeat: int) -> tuple[float, float, float]:
    """Each frame through both variants back to back (order alternating): the median of the
    per-frame differences, with a bootstrap interval, resists load better than two medians."""
    differences = []
    for i in range(repeat):
        first, second = (light, plain) if i % 2 == 0 else (plain, light)
        times = {}
        for call in (first, second):
            start = time.perf_counter()
            call(i)
            times[call] = (time.perf_counter() - start) * 1000.0
        differences.append(times[light] - times[plain])
    values = np.array(differences)
    rng = np.random.default_rng(0)
    medians = np.median(rng.choice(values, (2000, values.size)), axis=1)
    return (float(np.percentile(medians, 2.5)), float(np.median(values)),
            float(np.percentile(medians, 97.5)))


if __name__ == "__main__":
    main()
