"""An int8 copy of the template matrix that narrows a large 1:N search to a few exact rows.

At a million templates the float32 product reads 512 MB per query and is bound by memory
bandwidth. The int8 copy is a quarter of that; onnxruntime's integer matrix product scores it,
and a proven error bound says which rows could still be the best person or the runner-up.
Only those are scored again in float32, so the result is the exact search's, never an
approximation of it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

#: Unit-vector components lie in [-1, 1]; this scale maps them onto int8 without clipping.
SCALE = 127.0
#: Below this many rows the plain float32 product is as fast; the int8 copy is not kept.
MIN_ROWS = 50_000


def _session(threads: int) -> object:
    """An onnxruntime session computing int8 rows x int8 query -> int32 scores."""
    import onnxruntime as ort
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("MatMulInteger", ["rows", "query"], ["scores"])], "coarse",
        [helper.make_tensor_value_info("rows", TensorProto.INT8, ["n", "d"]),
         helper.make_tensor_value_info("query", TensorProto.INT8, ["d", 1])],
        [helper.make_tensor_value_info("scores", TensorProto.INT32, ["n", 1])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    # Idle pool threads would otherwise spin on the cores the detector needs next.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(model.SerializeToString(), options,
                                providers=["CPUExecutionProvider"])


def quantize(rows: npt.NDArray[np.float32]) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float32]]:
    """int8 rows at the fixed SCALE, and each row's quantisation error (L2 norm)."""
    codes = np.clip(np.rint(rows * SCALE), -127, 127).astype(np.int8)
    errors = np.linalg.norm(rows - codes.astype(np.float32) / SCALE, axis=1)
    return codes, errors.astype(np.float32)


class CoarseIndex:
    """int8 rows kept beside a float32 matrix; `candidates` returns the rows worth an exact
    score. Not thread-safe on its own: TemplateMatrix calls it under its lock."""

    def __init__(self, dimension: int, threads: int = 2) -> None:
        self.dimension = dimension
        self._threads = threads
        self._codes = np.zeros((0, dimension), np.int8)
        self._count = 0
        #: The largest quantisation error of any row ever added (never lowered: a bound).
        self._max_error = 0.0
        self._runner: object | None = None

    @property
    def size(self) -> int:
        return self._count

    def replace(self, rows: npt.NDArray[np.float32]) -> None:
        self._codes, errors = quantize(rows)
        self._count = rows.shape[0]
        self._max_error = float(errors.max()) if errors.size else 0.0

    def append(self, row: npt.NDArray[np.float32]) -> None:
        if self._count == self._codes.shape[0]:
            grown = np.zeros((max(2 * self._count, 64), self.dimension), np.int8)
            grown[: self._count] = self._codes[: self._count]
            self._codes = grown
        codes, errors = quantize(row.reshape(1, -1))
        self._codes[self._count] = codes[0]
        self._max_error = max(self._max_error, float(errors[0]))
        self._count += 1

    def keep(self, mask: npt.NDArray[np.bool_]) -> None:
        """Drop the rows where `mask` is False (the same compaction as the float32 rows)."""
        kept = int(mask.sum())
        self._codes[:kept] = self._codes[: self._count][mask]
        self._count = kept

    def candidates(self, query: npt.NDArray[np.float32],
                   ids: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:
        """Rows whose exact score could make them the best person's or the runner-up's."""
        peak = float(np.abs(query).max()) or 1.0
        query_scale = 127.0 / peak
        query_codes = np.rint(query * query_scale).astype(np.int8)
        query_error = float(np.linalg.norm(query - query_codes / query_scale))
        raw = self._scores(query_codes)
        # |exact - approx| <= |q.(t - t')| + |(q - q').t'| <= |t - t'| + |q - q'| |t'|,
        # with |q| = 1 and |t'| <= 1 + |t - t'|.
        bound = self._max_error + query_error * (1.0 + self._max_error)
        units = SCALE * query_scale
        second = _second_person_best(raw, ids)
        if second is None:  # one person only: every row is theirs
            return np.arange(self._count)
        cut = second / units - 2.0 * bound
        return np.flatnonzero(raw >= int(np.floor(cut * units)))

    def _scores(self, query_codes: npt.NDArray[np.int8]) -> npt.NDArray[np.int32]:
        if self._runner is None:
            self._runner = _session(self._threads)
        session = self._runner
        out = session.run(None, {"rows": self._codes[: self._count],  # type: ignore[attr-defined]
                                 "query": query_codes.reshape(-1, 1)})[0]
        return np.asarray(out, np.int32).reshape(-1)


#: Next-best rows looked at for another person before masking all of the best's rows.
_TRIES = 4


def _second_person_best(raw: npt.NDArray[np.int32], ids: npt.NDArray[np.int64]) -> int | None:
    """The highest approximate score of anyone but the top row's person (None: no one)."""
    best = int(raw.argmax())
    person = ids[best]
    # A few argmax passes usually find another person; comparing every id costs more.
    hidden: list[tuple[int, int]] = []
    found: int | None = None
    for _ in range(_TRIES):
        row = int(raw.argmax())
        if ids[row] != person:
            found = int(raw[row])
            break
        hidden.append((row, int(raw[row])))
        raw[row] = np.iinfo(np.int32).min
    if found is None:
        others = ids != person
        found = int(raw[others].max()) if others.any() else None
    for row, value in hidden:  # the caller still selects candidates from these scores
        raw[row] = value
    return found
