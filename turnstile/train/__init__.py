"""Training a Siamese face embedder on identity folders and exporting it to ONNX (extra `train`).

Only `data`, `sampling` and `evaluate` work without PyTorch; the other modules import it.
"""
