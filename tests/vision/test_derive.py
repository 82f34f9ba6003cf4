"""Folding DequantizeLinear into float weights, checked against hand-computed values."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

from turnstile.vision.derive import dequantize, derive_float_model


def test_per_tensor_dequantize() -> None:
    q = np.array([[-2, 0, 4]], np.int8)
    out = dequantize(q, np.array([0.5], np.float32), np.array([1], np.int8), 0, 0)
    np.testing.assert_allclose(out, [[-1.5, -0.5, 1.5]])


def test_blocked_dequantize_with_short_last_block() -> None:
    q = np.array([[1, 2, 3, 4, 5]], np.int8)
    scales = np.array([[1.0, 10.0, 100.0]], np.float32)
    zeros = np.array([[0, 1, 0]], np.int8)
    out = dequantize(q, scales, zeros, axis=1, block_size=2)
    np.testing.assert_allclose(out, [[1.0, 2.0, 20.0, 30.0, 500.0]])


def test_per_axis_dequantize() -> None:
    q = np.array([[1, 1], [1, 1]], np.int8)
    out = dequantize(q, np.array([2.0, 3.0], np.float32), None, axis=0, block_size=0)
    np.testing.assert_allclose(out, [[2.0, 2.0], [3.0, 3.0]])


def _quantized_matmul_model(path: Path) -> np.ndarray:
    """x (1x4) @ W where W is stored int8 with blocked scales and a Reshape after it."""
    weight_q = np.arange(-4, 4, dtype=np.int8).reshape(8, 1)
    scales = np.array([[0.5], [0.25]], np.float32)  # blocks of 4 rows along axis 0
    nodes = [
        helper.make_node("DequantizeLinear", ["wq", "ws"], ["wd"], axis=0, block_size=4),
        helper.make_node("Reshape", ["wd", "shape"], ["w"]),
        helper.make_node("MatMul", ["x", "w"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes, "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4]),
         helper.make_tensor_value_info("wq", TensorProto.INT8, [8, 1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])],
        [numpy_helper.from_array(weight_q, "wq"), numpy_helper.from_array(scales, "ws"),
         numpy_helper.from_array(np.array([4, 2], np.int64), "shape")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)])
    model.ir_version = 10
    onnx.save(model, str(path))
    expected = np.concatenate([weight_q[:4] * 0.5, weight_q[4:] * 0.25]).reshape(4, 2)
    return expected.astype(np.float32)


def test_derived_model_runs_and_matches(tmp_path: Path) -> None:
    expected_weight = _quantized_matmul_model(tmp_path / "q.onnx")
    folded = derive_float_model(tmp_path / "q.onnx", tmp_path / "f.onnx", dynamic_batch=True)
    assert folded == 1
    model = onnx.load(str(tmp_path / "f.onnx"))
    assert [i.name for i in model.graph.input] == ["x"]
    assert not [n for n in model.graph.node if n.op_type == "DequantizeLinear"]
    session = ort.InferenceSession(str(tmp_path / "f.onnx"), providers=["CPUExecutionProvider"])
    x = np.array([[1.0, 2.0, 3.0, 4.0], [0.0, 1.0, 0.0, 0.0]], np.float32)
    np.testing.assert_allclose(session.run(None, {"x": x})[0], x @ expected_weight, rtol=1e-6)
