"""Exercise 02 — why transfer learning: few-shot sampling, convergence speed, an honest probe score."""

import numpy as np
import torch

from ..grading import CheckFailed, ChoiceProblem, CustomProblem, ThoughtProblem, call_learner, require_returned
from ..train import History, linear_probe


def _as_index_array(got, name):
    got = require_returned(got, name)
    arr = np.asarray(got.detach().cpu() if hasattr(got, "detach") else got)
    if arr.ndim != 1 or (arr.size and not np.issubdtype(arr.dtype, np.integer)):
        raise CheckFailed(f"`{name}` should return a 1-D array of integer indices, not an array of dtype "
                          f"{arr.dtype} and shape {arr.shape}.")
    return arr


def _check_sample_few_shot(sample_few_shot):
    """Behaviour: exactly k of every class, distinct valid indices, reproducible by seed, random across seeds."""
    if not callable(sample_few_shot):
        raise CheckFailed("`sample_few_shot` should be a function.")
    rng = np.random.default_rng(3)
    cases = [(np.array([0, 1] * 10), 3), (np.array([7, 7, 7, 2, 2, 2, 2, 9, 9, 9]), 2),
             (rng.integers(0, 5, 400), 10), (np.array([4, 4, 1, 1]), 1)]
    for y, k in cases:
        idx = _as_index_array(call_learner(sample_few_shot, y, k, 0), "sample_few_shot")
        if len(idx) and (idx.min() < 0 or idx.max() >= len(y)):
            raise CheckFailed(f"`sample_few_shot` returned index {idx.max()} for labels of length {len(y)}: "
                              "return positions in `y`, not labels.")
        if np.array_equal(np.sort(idx), np.repeat(np.unique(y), k)):
            raise CheckFailed("`sample_few_shot` returned the labels themselves: return their positions in `y`.")
        if len(set(idx.tolist())) != len(idx):
            raise CheckFailed("`sample_few_shot` returned the same index twice: sample *without* replacement.")
        counts = {int(c): int((y[idx] == c).sum()) for c in np.unique(y)}
        if set(counts.values()) != {k}:
            total = f" ({len(idx)} in all: k should count per class, not in total)" if len(idx) == k else ""
            raise CheckFailed(f"With k={k}, each class should appear exactly {k} times; got {counts}{total}.")
        again = _as_index_array(call_learner(sample_few_shot, y, k, 0), "sample_few_shot")
        if sorted(again.tolist()) != sorted(idx.tolist()):
            raise CheckFailed("Calling `sample_few_shot` twice with the same seed gave different samples; "
                              "seed the random generator with `seed`.")
    y, k = rng.integers(0, 3, 300), 5
    picks = {tuple(sorted(_as_index_array(call_learner(sample_few_shot, y, k, s), "sample_few_shot").tolist()))
             for s in range(5)}
    if len(picks) == 1:
        raise CheckFailed("Every seed gave the same sample: the examples should be drawn at random (by `seed`), "
                          "not always the first k of each class.")


def _check_epochs_to_reach(epochs_to_reach):
    if not callable(epochs_to_reach):
        raise CheckFailed("`epochs_to_reach` should be a function.")
    cases = [([0.3, 0.8, 0.95, 0.97], 0.9), ([0.91, 0.5], 0.9), ([0.5, 0.9, 0.95], 0.9),
             ([0.1, 0.2], 0.9), ([], 0.5), ([0.2, 0.6, 0.4, 0.7], 0.65)]
    for i, (accs, target) in enumerate(cases, start=1):
        got = require_returned(call_learner(epochs_to_reach, list(accs), target), "epochs_to_reach", none_ok=True)
        want = History(val_acc=list(accs)).epochs_to_reach(target)
        if got != want:
            extra = ""
            if want is not None and got == want - 1:
                extra = " Epochs count from 1, not 0."
            elif want is None:
                extra = " When the target is never reached, return None."
            elif accs[want - 1] == target:
                extra = " Reaching the target exactly counts (use >=)."
            raise CheckFailed(f"On test case {i} (val_accs={accs}, target={target}) `epochs_to_reach` returned "
                              f"{got!r}, expected {want!r}.{extra}")


def _reference_probe(features, y, train_idx, val_idx):
    return linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])


def _check_probe_acc(probe_acc, features, faces, train_idx, val_idx, test_idx):
    try:
        value = float(probe_acc)
    except (TypeError, ValueError):
        raise CheckFailed(f"`probe_acc` should be a number, not {type(probe_acc).__name__}.") from None
    if 1 < value <= 100:
        raise CheckFailed(f"`probe_acc` = {value:g} looks like a percentage; give a fraction between 0 and 1.")
    y = faces.y
    probe = _reference_probe(features, y, train_idx, val_idx)
    expected = probe.score(features[test_idx], y[test_idx])
    if np.isclose(value, expected, atol=1e-9):
        return
    if np.isclose(value, probe.score(features[train_idx], y[train_idx])):
        raise CheckFailed("`probe_acc` is the accuracy on the training images; score the test set instead.")
    if np.isclose(value, probe.score(features[val_idx], y[val_idx])):
        raise CheckFailed("`probe_acc` is the validation accuracy; the validation set chose C, so report the test set.")
    cheat = _reference_probe(features, y, test_idx, val_idx).score(features[test_idx], y[test_idx])
    if np.isclose(value, cheat):
        raise CheckFailed("`probe_acc` comes from a probe trained on the test images: train on `train_idx` only.")
    raise CheckFailed(f"`probe_acc` = {value:.4f} is not the test accuracy of `linear_probe` trained on "
                      f"`train_idx` with C chosen on `val_idx` (expected {expected:.4f}).")


PROBLEMS = {
    "q1": CustomProblem(
        "02.q1", ("sample_few_shot",), _check_sample_few_shot,
        hints=("For every class c, find the positions where `y == c`, then pick k of them at random.",
               "`rng = np.random.default_rng(seed)` and `rng.choice(members, size=k, replace=False)`.",
               "Concatenate the picks of all classes with `np.concatenate` and return them."),
        solution=("def sample_few_shot(y, k, seed):\n"
                  "    rng = np.random.default_rng(seed)\n"
                  "    picks = [rng.choice(np.flatnonzero(y == c), size=k, replace=False) for c in np.unique(y)]\n"
                  "    return np.concatenate(picks)")),
    "q2": CustomProblem(
        "02.q2", ("epochs_to_reach",), _check_epochs_to_reach,
        hints=("Walk through the accuracies in order and stop at the first one that reaches the target.",
               "`enumerate(val_accs, start=1)` counts epochs from 1.",
               "Return None after the loop if no epoch reached it."),
        solution=("def epochs_to_reach(val_accs, target):\n"
                  "    for epoch, acc in enumerate(val_accs, start=1):\n"
                  "        if acc >= target:\n"
                  "            return epoch\n"
                  "    return None")),
    "q3": CustomProblem(
        "02.q3", ("probe_acc", "features", "faces", "train_idx", "val_idx", "test_idx"), _check_probe_acc,
        hints=("`train.linear_probe(F_train, y_train, F_val, y_val)` returns a fitted probe; C is chosen on validation.",
               "Index the features and labels with `train_idx` and `val_idx`; score with `probe.score(F, y)`.",
               "`probe_acc = probe.score(features[test_idx], faces.y[test_idx])`"),
        solution=("probe = train.linear_probe(features[train_idx], faces.y[train_idx], features[val_idx], faces.y[val_idx])\n"
                  "probe_acc = probe.score(features[test_idx], faces.y[test_idx])")),
    "q4": ChoiceProblem(
        "02.q4", "many_labels", "b", ["a", "b", "c", "d"],
        why=("Lesson 02 measured a gap of more than ten points at 1 label per class that was gone at 40: "
             "the benefit is data efficiency, and it shrinks as labels grow."),
        hints=("Look at the right end of the learning curve in lesson 02.",),
        solution='many_labels = "b"'),
    "q5": ThoughtProblem(
        "02.q5",
        answer=("If the learning rate (or C) were picked by test accuracy, the test set would have been used for "
                "training decisions: the reported number would be optimistically biased (the best of several tries "
                "on the same images), and the comparison would reward whichever method had more settings to try. "
                "Choosing on validation data, with the same number of candidates for both methods, keeps the test "
                "set an honest estimate and the baseline fair."),
        hints=("What would the test accuracy then measure: the model, or the luck of picking?",)),
}
