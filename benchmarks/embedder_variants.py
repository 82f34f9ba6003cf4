"""Embedder speed: float32 (folded at install) vs int8 with and without QDQ fusion, threads.

Usage: python benchmarks/embedder_variants.py [REPEAT]. Times one aligned real face per
call through onnxruntime sessions built side by side, interleaved; prints how far each
variant's embeddings are from the float32 model's on the same faces.
"""

from __future__ import annotations

import functools
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort

from turnstile.bench.abtest import clip_frames, interleaved, print_table
from turnstile.config import Config, ModelsConfig
from turnstile.vision import models
from turnstile.vision.align import align
from turnstile.vision.derive import keep_real_inputs, make_batch_dynamic
from turnstile.vision.embed import normalize
from turnstile.vision.engine import Engine


def session(path: Path, threads: int, spin: bool, qdq: bool) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
    if not qdq:
        options.add_session_config_entry("session.disable_quant_qdq", "1")
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    config = Config(models=ModelsConfig(device="cpu"))
    engine = Engine.from_config(config)
    crops = []
    for frame in clip_frames(16):
        found = engine.detector.detect(frame)
        if found:
            crops.append(align(frame, found[0], 112))
    tensors = [np.ascontiguousarray(c[None, ..., ::-1].astype(np.float32).transpose(0, 3, 1, 2))
               for c in crops]
    folder = config.models.models_dir()
    f32 = models.model_path(folder, models.EMBEDDER)
    with tempfile.TemporaryDirectory() as scratch:
        # The upstream int8 file only loses its unused weight inputs: DequantizeLinear stays.
        int8 = Path(scratch) / "sface_int8.onnx"
        model = onnx.load(str(folder / models.EMBEDDER.upstream))
        keep_real_inputs(model)
        make_batch_dynamic(model)
        onnx.save(model, str(int8))
        sessions = {
            "float32, 1 thread": session(f32, 1, True, True),
            "float32, 2 threads": session(f32, 2, True, True),
            "float32, 1 thread, no spinning": session(f32, 1, False, True),
            "float32, 2 threads, no spinning": session(f32, 2, False, True),
            "int8 QDQ fused, 1 thread": session(int8, 1, True, True),
            "int8 disable_quant_qdq, 1 thread": session(int8, 1, True, False),
        }
        names = {name: s.get_inputs()[0].name for name, s in sessions.items()}
        reference = normalize(np.concatenate(
            [sessions["float32, 1 thread"].run(None, {names["float32, 1 thread"]: t})[0]
             for t in tensors]))
        for name, s in sessions.items():
            out = normalize(np.concatenate([s.run(None, {names[name]: t})[0] for t in tensors]))
            cosine = (out * reference).sum(axis=1)
            print(f"{name:44} min cosine to float32 over {len(tensors)} faces: "
                  f"{cosine.min():.5f}")
        def run(session: ort.InferenceSession, name: str, i: int) -> object:
            return session.run(None, {name: tensors[i % len(tensors)]})

        stats = interleaved({name: functools.partial(run, s, names[name])
                             for name, s in sessions.items()}, warmup=5, repeat=repeat)
    print_table("SFace embedding, one 112x112 face", stats)


if __name__ == "__main__":
    main()
