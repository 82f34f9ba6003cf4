"""What the figures came from (machine, load, threads, versions) and the text report."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import onnxruntime as ort

from turnstile import __version__
from turnstile.config import Config

#: Environment variables that change how many threads the numeric libraries start.
THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float | None:
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None
    return round(pages / 2**30, 1)


def machine() -> dict[str, Any]:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = [round(v, 2) for v in os.getloadavg()] if hasattr(os, "getloadavg") else []
    return {"cpu": _cpu_model(), "cores": os.cpu_count(), "usable_cores": usable,
            "memory_gib": _memory_gib(), "os": platform.platform(terse=True),
            "load_average": load}


def threads(config: Config, embedder: str = "") -> dict[str, Any]:
    from threadpoolctl import threadpool_info

    blas = [int(lib["num_threads"]) for lib in threadpool_info() if lib["user_api"] == "blas"]
    return {"embedder_runtime": f"{config.models.runtime} ({embedder})" if embedder
            else config.models.runtime,
            "onnxruntime_intra_op": config.models.threads or "auto",
            "onnxruntime_spinning": config.models.spinning,
            "opencv": cv2.getNumThreads(), "blas": blas[0] if blas else "none",
            **{name.lower(): os.environ.get(name, "") for name in THREAD_ENV}}


def versions() -> dict[str, str]:
    return {"turnstile": __version__, "python": platform.python_version(),
            "numpy": np.__version__, "opencv": cv2.__version__, "onnxruntime": ort.__version__}


def _stat(value: dict[str, Any]) -> str:
    cpu = value.get("cpu_median")
    return f"{value['median']:8.2f} {value['p90']:8.2f}" + (f" {cpu:8.2f}" if cpu else "")


def _header(result: dict[str, Any]) -> list[str]:
    m, t = result["machine"], result["threads"]
    return [
        f"machine  {m['cpu']}, {m['usable_cores']} usable of {m['cores']} cores, "
        f"{m['memory_gib']} GiB, {m['os']}; load average {m['load_average']}",
        "threads  " + ", ".join(f"{k}={v}" for k, v in t.items() if v != ""),
        "versions " + ", ".join(f"{k} {v}" for k, v in result["versions"].items()),
        f"source   {result['source']} ({result['frames']} frames), gallery "
        f"{result['gallery']} people, {result['repeat']} runs after {result['warmup']} warm-up",
        "",
        f"{'figure':36} {'median':>8} {'p90':>8} {'cpu med':>8}  (ms)",
    ]


def _timings(result: dict[str, Any]) -> list[str]:
    lines = [f"{stage + ' @' + key:36} {_stat(value)}"
             for key, stages in result["stages_ms"].items()
             for stage, value in stages.items() if stage != "frame_to_decision"]
    # The headline figures after the stages they are made of (recognition; the variant with
    # the liveness checks is listed with the stages).
    lines += [f"{'frame to decision @' + key:36} {_stat(value)}"
              for key, value in result["frame_to_decision_ms"].items()]
    lines += [f"{'1:N match @' + size + ' people':36} {_stat(value)}"
              for size, value in result["match_ms"].items()]
    peer = result.get("face_recognition")
    if peer and peer.get("available"):
        lines += [f"{'face_recognition f2d @' + key:36} {_stat(value)}"
                  for key, value in peer["frame_to_decision_ms"].items()]
        lines.append(f"face_recognition_ratio  {result['face_recognition_ratio']:.2f}x "
                     "(their median / ours, 640x480; CPU time: "
                     f"{result.get('face_recognition_cpu_ratio', float('nan')):.2f}x)")
    elif peer:
        lines.append(f"face_recognition: not run ({peer.get('reason', '')})")
    return lines


def text(result: dict[str, Any]) -> str:
    """The human-readable report: context first, then one line per figure."""
    lines = _header(result) + _timings(result)
    lines.append(f"fps (kiosk loop @{result['loop_resolution']}, 30 fps camera)  "
                 f"{result['fps']:.1f} ({result['loop_dropped']} camera frames skipped)")
    for key, label in (("time_to_grant_ms", ""),
                       ("time_to_grant_recognition_ms", ", liveness off")):
        grant = result.get(key)
        if grant:
            lines.append(f"time to grant ({result['agreement_frames']} agreeing frames{label})"
                         f"  median {grant['median']:.0f} ms, p90 {grant['p90']:.0f} ms")
    if "cold_start_s" in result:
        lines.append(f"cold start to first decision  {result['cold_start_s']:.2f} s "
                     f"(runs {result['cold_start_runs_s']})")
        lines.append(f"peak RSS (kiosk process)  {result['peak_rss_mb']:.0f} MiB")
    lines.append(f"peak RSS (this benchmark)  {result['bench_peak_rss_mb']:.0f} MiB")
    return "\n".join(lines)
