"""Evaluation beyond accuracy: where the errors are, how far to trust a confidence, where to cut a score.

For lesson 09. Every function takes tensors, NumPy arrays or lists and returns plain floats or NumPy arrays.
- `confusion_matrix`, `per_class_report`, `precision_recall_f1` — which classes the errors fall on.
- `expected_calibration_error`, `reliability` — does a confidence of 0.9 mean right 9 times in 10
  (Guo et al., 2017, "On calibration of modern neural networks").
- `fit_temperature`, `apply_temperature` — temperature scaling, fitted on validation logits (Guo et al., 2017).
- `negative_log_likelihood`, `most_confident_mistakes`, `best_threshold`.
"""

from __future__ import annotations

import math

import numpy as np

from . import checks

_LOG_FLOOR = 1e-12        # probabilities are clamped here before the log: a 0 costs log(1e-12) ≈ −27.6, not ∞


# ------------------------------------------------------------------------------------------------
# Which classes the errors fall on


def _label_pair(y_true, y_pred, indices: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Both label vectors as int64 arrays (N,) of the same length."""
    y_true = checks.as_labels(y_true, "y_true", indices=indices)
    y_pred = checks.as_labels(y_pred, "y_pred", len(y_true), "y_true", indices=indices)
    return y_true, y_pred


def confusion_matrix(y_true, y_pred, num_classes: int | None = None) -> np.ndarray:
    """Counts (C, C) int64: row = true class, column = predicted class; C = `num_classes` or the largest label + 1."""
    y_true, y_pred = _label_pair(y_true, y_pred)
    largest = int(max(y_true.max(), y_pred.max()))
    if num_classes is None:
        num_classes = largest + 1
    num_classes = checks.whole(num_classes, "num_classes")
    if largest >= num_classes:
        raise ValueError(f"`num_classes` must exceed every label in `y_true` and `y_pred`; got {num_classes} "
                         f"with a label {largest}.")
    cm = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(cm, (y_true, y_pred), 1)
    return cm


def _scores(tp, fp, fn):
    """Precision, recall, F1 from counts; 0.0 where a denominator is 0 (sklearn's `zero_division=0`)."""
    tp, fp, fn = (np.asarray(v, dtype=np.float64) for v in (tp, fp, fn))
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(tp + fp > 0, tp / (tp + fp), 0.0)
        recall = np.where(tp + fn > 0, tp / (tp + fn), 0.0)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    return precision, recall, f1


def per_class_report(y_true, y_pred, classes) -> list[dict]:
    """One row `{"class", "precision", "recall", "f1", "support"}` per class, then a "macro average" row.

    Labels index `classes` (a list of names). A class never predicted has precision 0.0, one never present
    recall 0.0 (as sklearn's `zero_division=0`). The macro row is the unweighted mean over classes, with the
    total support. Print it with `plots.format_table(rows)`.
    """
    if isinstance(classes, (str, bytes)) or not hasattr(classes, "__len__") or len(classes) == 0:
        raise TypeError(f"`classes` must be a non-empty list of class names; got {classes!r}.")
    cm = confusion_matrix(y_true, y_pred, num_classes=len(classes))
    tp = np.diag(cm)
    precision, recall, f1 = _scores(tp, cm.sum(0) - tp, cm.sum(1) - tp)
    support = cm.sum(1)
    rows = [{"class": str(name), "precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
            for name, p, r, f, s in zip(classes, precision, recall, f1, support)]
    rows.append({"class": "macro average", "precision": float(precision.mean()), "recall": float(recall.mean()),
                 "f1": float(f1.mean()), "support": int(support.sum())})
    return rows


def precision_recall_f1(y_true, y_pred, positive: int = 1) -> tuple[float, float, float]:
    """(precision, recall, F1) of the class `positive` in a binary task; 0.0 where a denominator is 0."""
    y_true, y_pred = _label_pair(y_true, y_pred, indices=False)
    if not ((y_true == positive).any() or (y_pred == positive).any()):
        raise ValueError(f"`positive` must be a label found in `y_true` or `y_pred`; got {positive!r}.")
    t, p = y_true == positive, y_pred == positive
    precision, recall, f1 = _scores((t & p).sum(), (~t & p).sum(), (t & ~p).sum())
    return float(precision), float(recall), float(f1)


# ------------------------------------------------------------------------------------------------
# Calibration


def _probs_and_labels(probs, y) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities (N, C) float64 and labels (N,) int64 < C, checked together."""
    probs = checks.as_probabilities(probs, "probs")
    y = checks.as_labels(y, "y", len(probs), "probs", indices=True)
    if y.max() >= probs.shape[1]:
        raise ValueError(f"labels `y` must be below the number of columns of `probs` ({probs.shape[1]}); "
                         f"got {int(y.max())}.")
    return probs, y


def reliability(probs, y, bins: int = 15) -> dict:
    """Per confidence bin (B,): mean "confidence", "accuracy" (NaN when empty), "count"; plus "edges" (B + 1,).

    Confidence = the largest probability, prediction = its column. Bins are equal-width over (0, 1]: bin k holds
    the confidences c with k/B < c ≤ (k+1)/B (edges computed as `k / B` in float64), so a confidence of exactly
    1.0 falls in the last bin. What a reliability diagram plots (`plots.plot_reliability`).
    """
    probs, y = _probs_and_labels(probs, y)
    bins = checks.whole(bins, "bins")
    confidence, correct = probs.max(1), (probs.argmax(1) == y).astype(np.float64)
    edges = np.arange(bins + 1) / bins
    which = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, bins - 1)
    count = np.bincount(which, minlength=bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_conf = np.bincount(which, weights=confidence, minlength=bins) / count
        accuracy = np.bincount(which, weights=correct, minlength=bins) / count
    return {"confidence": mean_conf, "accuracy": accuracy, "count": count, "edges": edges}


def expected_calibration_error(probs, y, bins: int = 15) -> float:
    """ECE = Σ_b (n_b / N) · |accuracy_b − confidence_b| over equal-width confidence bins (see `reliability`).

    Guo et al. (2017), "On calibration of modern neural networks". 0 = confidences match accuracy in every bin.
    """
    r = reliability(probs, y, bins)
    full = r["count"] > 0
    weights = r["count"][full] / r["count"].sum()
    return float((weights * np.abs(r["accuracy"][full] - r["confidence"][full])).sum())


def negative_log_likelihood(probs, y) -> float:
    """Mean −log p(true class) over examples (probabilities clamped at 1e-12 so a 0 costs ≈ 27.6, not ∞)."""
    probs, y = _probs_and_labels(probs, y)
    return float(-np.log(np.maximum(probs[np.arange(len(y)), y], _LOG_FLOOR)).mean())


# ------------------------------------------------------------------------------------------------
# Temperature scaling


def _logits_and_labels(logits, y) -> tuple[np.ndarray, np.ndarray]:
    logits = checks.as_features(logits, "logits")
    if logits.shape[1] < 2:
        raise ValueError(f"`logits` must have one column per class (at least 2); got {logits.shape[1]}.")
    y = checks.as_labels(y, "y", len(logits), "logits", indices=True)
    if y.max() >= logits.shape[1]:
        raise ValueError(f"labels `y` must be below the number of columns of `logits` ({logits.shape[1]}); "
                         f"got {int(y.max())}.")
    return logits, y


def _log_softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(1, keepdims=True)
    return z - np.log(np.exp(z).sum(1, keepdims=True))


def _nll_at(logits: np.ndarray, y: np.ndarray, T: float) -> float:
    """Mean cross-entropy of softmax(logits / T) (exact log-softmax, no clamping)."""
    return float(-_log_softmax(logits / T)[np.arange(len(y)), y].mean())


def apply_temperature(logits, T: float) -> np.ndarray:
    """Probabilities (N, C) float64 = softmax(logits / T); T = 1 is the plain softmax."""
    logits = checks.as_features(logits, "logits")
    T = checks.number(T, "T", low=0, low_open=True)
    return np.exp(_log_softmax(logits / T))


def fit_temperature(logits, y, grid=None) -> float:
    """The temperature T > 0 minimising the NLL of softmax(logits / T): logits (N, C), labels y (N,).

    Guo et al. (2017), "On calibration of modern neural networks". Fit it on VALIDATION logits, never on the
    test set, then `apply_temperature(test_logits, T)`. T > 1 softens an over-confident model, T < 1 sharpens
    an under-confident one; the argmax (and so accuracy) never changes. Search: every T in `grid` (default
    400 log-spaced values in [0.05, 20]; the smallest wins a tie), then golden-section search in log T between
    the best value's neighbours (the NLL is convex in 1/T, so this finds its minimum within the grid's range).
    Deterministic: no optimiser, no random numbers.
    """
    logits, y = _logits_and_labels(logits, y)
    grid = np.geomspace(0.05, 20.0, 400) if grid is None else np.sort(checks.as_values(grid, "grid"))
    if grid.min() <= 0:
        raise ValueError(f"`grid` must hold temperatures > 0; got {grid.min():g}.")
    losses = np.array([_nll_at(logits, y, T) for T in grid])
    best = int(np.argmin(losses))
    low, high = math.log(grid[max(best - 1, 0)]), math.log(grid[min(best + 1, len(grid) - 1)])
    T = _golden_section(lambda u: _nll_at(logits, y, math.exp(u)), low, high)
    # keep the grid's best if the refinement did not beat it (e.g. a one-value grid)
    return float(math.exp(T)) if _nll_at(logits, y, math.exp(T)) < losses[best] else float(grid[best])


def _golden_section(f, low: float, high: float, iterations: int = 60) -> float:
    """The minimiser of a unimodal `f` on [low, high] by golden-section search (interval shrinks 0.618× a step)."""
    ratio = (math.sqrt(5) - 1) / 2
    a, b = low + (1 - ratio) * (high - low), low + ratio * (high - low)
    fa, fb = f(a), f(b)
    for _ in range(iterations):
        if fa <= fb:
            high, b, fb = b, a, fa
            a = low + (1 - ratio) * (high - low)
            fa = f(a)
        else:
            low, a, fa = a, b, fb
            b = low + ratio * (high - low)
            fb = f(b)
    return (low + high) / 2


# ------------------------------------------------------------------------------------------------
# Looking at errors, choosing a threshold


def most_confident_mistakes(probs, y, k: int = 8) -> np.ndarray:
    """Indices (≤ k,) of the wrong predictions, most confident first (ties: the lower index first)."""
    probs, y = _probs_and_labels(probs, y)
    k = checks.whole(k, "k")
    wrong = np.flatnonzero(probs.argmax(1) != y)
    order = np.argsort(-probs[wrong].max(1), kind="stable")
    return wrong[order[:k]]


def best_threshold(scores, y, metric: str = "f1") -> float:
    """The threshold t maximising `metric` ("f1" or "accuracy") of `scores >= t` on binary labels y ∈ {0, 1}.

    Use VALIDATION scores of the positive class (e.g. `probs[:, 1]`), then apply t to the test scores. The
    candidates are the distinct scores; among thresholds with the same best value, the largest t wins (the rule
    that calls the fewest examples positive).
    """
    scores = checks.as_values(scores, "scores")
    y = checks.as_flags(y, "y").astype(bool)
    checks.same_length("one label per score", scores=scores, y=y)
    checks.choice(metric, "metric", ("f1", "accuracy"))
    if y.all() or not y.any():
        raise ValueError("labels `y` must contain both classes (0 and 1) to choose a threshold; got only "
                         f"{int(y[0])}s.")
    candidates = np.unique(scores)
    # number of positives / negatives with a score ≥ each candidate
    tp = y.sum() - np.searchsorted(np.sort(scores[y]), candidates, side="left")
    fp = (~y).sum() - np.searchsorted(np.sort(scores[~y]), candidates, side="left")
    if metric == "f1":
        value = _scores(tp, fp, y.sum() - tp)[2]
    else:
        value = (tp + ((~y).sum() - fp)) / len(y)
    best = np.flatnonzero(value == value.max())[-1]
    return float(candidates[best])
