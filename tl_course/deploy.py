"""Deployment: save a trained model with what it needs to be used again, load it, predict one photo.

A checkpoint holds the weights (`state_dict`) and plain-Python metadata: the class names, the image size and
colour, and the preprocessing rule. Loading is the standard PyTorch way: build the same architecture, load the
weights into it strictly. `Predictor.predict_image` reads a file with `data.read_image`, the same preprocessing
as `data.load_image_folder` gave the training images.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from . import checks

_KEYS = ("state_dict", "classes", "size", "color")


def save_checkpoint(model: nn.Module, path, *, classes, size: int, color: bool = True, note: str = "") -> Path:
    """Save `model`'s weights (on the CPU) and the metadata to use it again to `path`; return the path."""
    from .data.folder import _describe

    if isinstance(classes, str) or not classes or not all(isinstance(c, str) for c in classes):
        raise TypeError(f"`classes` must be a non-empty list of class names in label order; got {classes!r}.")
    size = checks.whole(size, "size")
    state = model.state_dict()  # a fresh dict (with its version `_metadata`); the model keeps its own tensors
    for k in state:
        state[k] = state[k].detach().cpu()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"state_dict": state, "classes": list(classes), "size": size, "color": bool(color),
                "preprocessing": _describe(size, bool(color)), "torch": str(torch.__version__), "note": str(note)},
               path)  # plain Python types only, so `torch.load(..., weights_only=True)` reads it
    return path


def load_checkpoint(path, model: nn.Module) -> "Predictor":
    """Load a `save_checkpoint` file into `model` (the same architecture, built by the caller); return a Predictor."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No checkpoint at {path}: check the path, or write one with save_checkpoint.")
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(checkpoint, dict) or any(k not in checkpoint for k in _KEYS):
        raise ValueError(f"{path} is not a checkpoint written by save_checkpoint (it needs {', '.join(_KEYS)}).")
    try:
        model.load_state_dict(checkpoint["state_dict"], strict=True)
    except RuntimeError as err:
        first = str(err).split("\n\t")[1] if "\n\t" in str(err) else str(err)
        raise ValueError(f"The checkpoint {path} belongs to another architecture or number of classes "
                         f"({len(checkpoint['classes'])} classes): build the model it was saved from and load "
                         f"again — {first.strip()}") from None
    model.eval()
    return Predictor(model, tuple(checkpoint["classes"]), checkpoint["size"], checkpoint["color"])


@dataclass
class Predictor:
    """A trained model with its class names and input format: probabilities for images, a top-k for a file."""

    model: nn.Module
    classes: tuple
    size: int
    color: bool = True

    def probabilities(self, X) -> torch.Tensor:
        """Return class probabilities (N, num_classes) on the CPU for images X (N, C, size, size)."""
        from .models import device_of
        from .train import predict

        X = checks.as_inputs(X, "X")
        return predict(self.model, X, device=device_of(self.model), probs=True)  # batches go where the model is

    def predict_image(self, path, top: int = 3) -> list[tuple[str, float]]:
        """Return the `top` (class name, probability) pairs for one image file, most likely first."""
        from .data.folder import read_image

        top = min(checks.whole(top, "top"), len(self.classes))
        P = self.probabilities(read_image(path, self.size, self.color)[None])[0]
        values, indices = P.topk(top)
        return [(self.classes[i], float(v)) for v, i in zip(values.tolist(), indices.tolist())]

    def predict_files(self, paths, batch_size: int = 64) -> list[str]:
        """Return the most likely class name for each image file in `paths`, read as `predict_image` reads one."""
        from .data.folder import read_image

        if isinstance(paths, (str, Path)):
            raise TypeError("`paths` must be a list of image files; for one file use predict_image(path).")
        paths, names = list(paths), []
        for start in range(0, len(paths), batch_size):
            X = torch.stack([read_image(f, self.size, self.color) for f in paths[start:start + batch_size]])
            names += [self.classes[i] for i in self.probabilities(X).argmax(1).tolist()]
        return names
