"""Derive runnable float32 ONNX models from OpenCV Zoo's int8 block-quantised files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import onnx
from onnx import numpy_helper


def _attribute(node: onnx.NodeProto, name: str, default: int) -> int:
    for attribute in node.attribute:
        if attribute.name == name:
            return int(attribute.i)
    return default


def dequantize(
    quantized: npt.NDArray[np.int8],
    scales: npt.NDArray[np.float32],
    zero_points: npt.NDArray[np.int8] | None,
    axis: int,
    block_size: int,
) -> npt.NDArray[np.float32]:
    """DequantizeLinear's arithmetic for per-tensor, per-axis and blocked scales."""
    values = quantized.astype(np.float32)
    zeros = np.zeros_like(scales) if zero_points is None else zero_points.astype(np.float32)
    if scales.size == 1:
        return ((values - zeros.reshape(())) * scales.reshape(())).astype(np.float32)
    axis = axis % values.ndim
    if block_size > 0:
        # Each scale covers `block_size` consecutive elements along `axis`; the last block
        # may be short, so repeat then cut to the tensor's length.
        scales = np.repeat(scales, block_size, axis=axis)
        zeros = np.repeat(zeros, block_size, axis=axis)
        index = [slice(None)] * values.ndim
        index[axis] = slice(0, values.shape[axis])
        scales, zeros = scales[tuple(index)], zeros[tuple(index)]
    else:
        shape = [1] * values.ndim
        shape[axis] = scales.size
        scales, zeros = scales.reshape(shape), zeros.reshape(shape)
    return ((values - zeros) * scales).astype(np.float32)


def fold_dequantize(model: onnx.ModelProto) -> int:
    """Replace every DequantizeLinear (and a following constant Reshape) by float weights.

    Returns how many DequantizeLinear nodes were folded.
    """
    graph = model.graph
    constants = {init.name: numpy_helper.to_array(init) for init in graph.initializer}
    kept: list[onnx.NodeProto] = []
    folded: dict[str, npt.NDArray[np.float32]] = {}
    count = 0
    for node in graph.node:
        inputs = list(node.input)
        if node.op_type == "DequantizeLinear" and all(i in constants for i in inputs if i):
            zero = constants[inputs[2]] if len(inputs) > 2 and inputs[2] else None
            folded[node.output[0]] = dequantize(
                constants[inputs[0]], constants[inputs[1]], zero,
                _attribute(node, "axis", 1), _attribute(node, "block_size", 0),
            )
            count += 1
        elif node.op_type == "Reshape" and inputs[0] in folded and inputs[1] in constants:
            shape = [int(v) for v in constants[inputs[1]]]
            folded[node.output[0]] = folded[inputs[0]].reshape(shape)
        else:
            kept.append(node)
    used = {name for node in kept for name in node.input}
    new_inits = [i for i in graph.initializer if i.name in used and i.name not in folded]
    new_inits += [numpy_helper.from_array(a, name) for name, a in folded.items() if name in used]
    del graph.node[:]
    graph.node.extend(kept)
    del graph.initializer[:]
    graph.initializer.extend(new_inits)
    return count


def keep_real_inputs(model: onnx.ModelProto) -> None:
    """Drop graph inputs that are initializers or unused (the int8 export lists its weights)."""
    graph = model.graph
    initializers = {init.name for init in graph.initializer}
    used = {name for node in graph.node for name in node.input}
    real = [i for i in graph.input if i.name not in initializers and i.name in used]
    del graph.input[:]
    graph.input.extend(real)


def make_batch_dynamic(model: onnx.ModelProto) -> None:
    """Let the first dimension of inputs and outputs vary, for batched evaluation."""
    for value in list(model.graph.input) + list(model.graph.output):
        dims = value.type.tensor_type.shape.dim
        if dims:
            dims[0].ClearField("dim_value")
            dims[0].dim_param = "batch"
    del model.graph.value_info[:]


def derive_float_model(source: Path, target: Path, dynamic_batch: bool) -> int:
    """Write a float32, onnxruntime-loadable copy of `source` to `target`; returns folds."""
    model = onnx.load(str(source))
    folded = fold_dequantize(model)
    keep_real_inputs(model)
    if dynamic_batch:
        make_batch_dynamic(model)
    model.producer_name = "turnstile-derive"
    del model.metadata_props[:]
    onnx.checker.check_model(model)
    target.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(target))
    return folded

