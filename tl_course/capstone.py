"""Lesson 10, the capstone: the choices of lessons 03–09 made on your own photos, each on validation data.

The notebook shows the decisions; this module does the plumbing: `score_sources` (a transferability score and
a validation probe for each candidate source, lesson 06), `probe_head` (a fitted logistic-regression probe as a
PyTorch head, so either kind of model ships the same way), `reads_rgb` (a one-channel network behind the grey
conversion it was trained with, so every shipped model reads colour files alike), `weakest_classes` and
`show_report`.
"""

from __future__ import annotations

import time

import numpy as np
import torch
from torch import nn

from . import checks, models, train, transferability

SOURCES = ("efficientnet-lite0", "cnn-printed-digits", "cnn-printed-letters")
"""Candidate sources offline: ImageNet's EfficientNet-Lite0 and the course's CNNs trained on printed characters."""
REPORT_KEYS = ("images per class", "source model", "why this source", "method", "validation accuracy",
               "test accuracy", "weakest class", "model size (MB)", "ms per image", "when not to deploy")
"""What a capstone report states (`show_report`); the two sentences are the learner's own."""
_GREY = torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)   # ITU-R 601 luma, Pillow's RGB → L


def wants_grey(model: nn.Module) -> bool:
    """True when the model's first convolution reads one channel (the course's CNNs); ImageNet nets read RGB."""
    first = next((m for m in model.modules() if isinstance(m, nn.Conv2d)), None)
    return first is not None and first.in_channels == 1


def as_input(model: nn.Module, X: torch.Tensor) -> torch.Tensor:
    """`X` as the model reads it: colour images turned grey (Pillow's weights) for a one-channel network."""
    X = checks.as_inputs(X, "X")
    return _Grey()(X) if wants_grey(model) else X


class _Grey(nn.Module):
    """RGB images → one grey channel with Pillow's luma weights (`as_input` in training, `reads_rgb` when shipped)."""

    def forward(self, X):
        return (X * _GREY.to(X.device, X.dtype)).sum(1, keepdim=True) if X.shape[1] == 3 else X


def reads_rgb(model: nn.Module) -> nn.Module:
    """`model` as a network of colour images: unchanged if it reads RGB, else behind the grey conversion `as_input`
    applies in training (not Pillow's 8-bit grey), so a Predictor of colour files feeds it what it learned from."""
    return nn.Sequential(_Grey(), model).eval() if wants_grey(model) else model


class _UnitLength(nn.Module):
    """Scale each feature vector to length 1 (the probe's `Normalizer`)."""

    def forward(self, F):
        return nn.functional.normalize(F, dim=1)


def probe_head(probe) -> nn.Module:
    """A fitted `train.linear_probe` (unit length, then logistic regression) as a PyTorch head with equal outputs.

    Its logits equal the probe's `decision_function`, so `features → head` is the probe as one network: it can
    be saved, exported and served like a fine-tuned model.
    """
    clf = probe[-1]
    W, b = np.atleast_2d(clf.coef_), np.atleast_1d(clf.intercept_)
    if W.shape[0] == 1:                      # two classes: sklearn keeps one row; softmax needs both (−z/2, +z/2)
        W, b = np.vstack([-W / 2, W / 2]), np.array([-b[0] / 2, b[0] / 2])
    linear = nn.Linear(W.shape[1], W.shape[0])
    with torch.no_grad():
        linear.weight.copy_(torch.as_tensor(W, dtype=torch.float32))
        linear.bias.copy_(torch.as_tensor(b, dtype=torch.float32))
    return nn.Sequential(_UnitLength(), linear)


def score_sources(names, train_set, val_set, *, progress: bool | None = None) -> tuple[list[dict], dict]:
    """For each candidate source: LogME on the training features, and the accuracy of a probe on validation.

    Returns (rows for `plots.format_table`, {name: (model, probe)}). Each model's `features` is frozen and
    read once per image; the probe's `C` is chosen on validation (`train.linear_probe`). The test set is not
    an argument: the choice cannot look at it.
    """
    rows, fitted = [], {}
    for name in train._progress(list(names), "sources", progress):
        start = time.perf_counter()
        model = models.freeze(models.load_pretrained(name))
        F_train, F_val = (train.extract_features(model.features, as_input(model, d.X)).numpy()
                          for d in (train_set, val_set))
        probe = train.linear_probe(F_train, train_set.y.numpy(), F_val, val_set.y.numpy())
        rows.append({"source": name, "LogME": transferability.logme(F_train, train_set.y.numpy()),
                     "validation accuracy": float(probe.score(F_val, val_set.y.numpy())),
                     "seconds": time.perf_counter() - start})
        fitted[name] = (model, probe)
    return rows, fitted


def with_probe(model: nn.Module, probe) -> nn.Module:
    """The frozen source `model` with `probe` as its head (a copy; the source keeps its own head)."""
    import copy

    out = copy.deepcopy(model)
    out.head = probe_head(probe)
    return models.freeze(out).eval()


def accuracy(model: nn.Module, data) -> float:
    """Accuracy of `model` on `data` (ImageData), its images turned grey first if the model wants grey."""
    return float((train.logits(model, as_input(model, data.X)).argmax(1) == data.y).float().mean())


def weakest_classes(per_class: list, k: int = 2) -> list[str]:
    """The `k` classes with the lowest recall in an `evaluate.per_class_report` table (its macro row left out)."""
    rows = [r for r in per_class if r["class"] != "macro average"]
    return [r["class"] for r in sorted(rows, key=lambda r: (r["recall"], r["class"]))[:k]]


def show_report(report: dict) -> str:
    """Print the capstone report (a dict with `REPORT_KEYS`), one line per key, and return the text.

    A missing key reads **missing**, not hidden: the report is graded.
    """
    lines = ["### Capstone report", ""]
    for key in REPORT_KEYS:
        value = report.get(key, "**missing**")
        if isinstance(value, float):
            value = f"{value:.1%}" if "accuracy" in key else f"{value:.2f}"
        elif isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items())
        lines.append(f"- **{key}:** {value}")
    text = "\n".join(lines)
    print(text)
    return text
