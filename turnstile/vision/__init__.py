"""The vision engine: detection, alignment, embedding, model files and image input."""
