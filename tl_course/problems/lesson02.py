"""Exercise 02 — why transfer learning: few-shot sampling, convergence speed, an honest probe score."""

import copy
import numbers

import numpy as np

from ..grading import (CheckFailed, ChoiceProblem, CustomProblem, ThoughtProblem, call_learner, require_returned,
                       with_ids)
from ..train import History, linear_probe
from ._checks import (HonestSplit, _same_value, as_index_array, as_number, c_sensitive_rows, kind_of, require_split,
                      self_check, shuffled_split)


FREQUENCY_SEEDS = 400  # calls of `sample_few_shot` whose picks must look uniformly random


def _picks(sample_few_shot, y, k, seed):
    """Call the learner's function on a copy of `y`; check the structure of its answer; return the indices."""
    given = y.copy()
    idx = as_index_array(require_returned(call_learner(sample_few_shot, given, k, seed), "sample_few_shot"),
                         "`sample_few_shot` returned")
    if not np.array_equal(given, y):
        raise CheckFailed("`sample_few_shot` changed the labels `y` it was given (shuffled or sorted them in place): "
                          "draw indices without touching `y`.")
    if len(idx) and (idx.min() < 0 or idx.max() >= len(y)):
        raise CheckFailed(f"`sample_few_shot` returned index {idx.max()} for labels of length {len(y)}: "
                          "return positions in `y`, not labels.")
    if len(idx) > 1 and np.array_equal(np.sort(idx), np.sort(np.repeat(np.unique(y), k))):
        raise CheckFailed("`sample_few_shot` returned the labels themselves: return their positions in `y`.")
    if len(set(idx.tolist())) != len(idx):
        raise CheckFailed("`sample_few_shot` returned the same index twice: sample *without* replacement.")
    counts = {int(c): int((y[idx] == c).sum()) for c in np.unique(y)}
    if set(counts.values()) != {k}:
        total = f" ({len(idx)} in all: k should count per class, not in total)" if len(idx) == k else ""
        raise CheckFailed(f"With k={k}, each class should appear exactly {k} times; got {counts}{total}.")
    return idx


def _check_sample_few_shot(sample_few_shot):
    """Behaviour: exactly k of every class, distinct valid indices, reproducible by seed, uniformly random."""
    if not callable(sample_few_shot):
        raise CheckFailed(f"`sample_few_shot` should be a function, but it is {kind_of(sample_few_shot)}.")
    rng = np.random.default_rng(3)
    cases = [(np.array([0, 1] * 10), 3), (np.array([7, 7, 7, 2, 2, 2, 2, 9, 9, 9]), 2),
             (rng.integers(0, 5, 400), 10), (np.array([4, 4, 1, 1]), 1), (np.array([3, 11, 3, 11, 3, 11]), 3),
             (rng.permutation(np.repeat([-2, 5, 40], [5, 30, 12])), 4)]
    for y, k in cases:
        idx = _picks(sample_few_shot, y, k, 0)
        again = _picks(sample_few_shot, y, k, 0)
        if sorted(again.tolist()) != sorted(idx.tolist()):
            raise CheckFailed("Calling `sample_few_shot` twice with the same seed gave different samples; "
                              "seed the random generator with `seed`.")
    # Randomness, tested as randomness: over many seeds every member of a class is picked k/n_c of the time, and
    # every pair of members equally often — on unbalanced classes whose labels are not 0, 1, 2, ...
    y = np.random.default_rng(5).permutation(np.repeat([9, 1, 5], [3, 8, 20]))
    k = 2
    hits, pairs = np.zeros(len(y)), {}
    samples = set()
    for seed in range(FREQUENCY_SEEDS):
        idx = _picks(sample_few_shot, y, k, seed)
        hits[idx] += 1
        samples.add(tuple(sorted(idx.tolist())))
        members8 = tuple(sorted(i for i in idx.tolist() if y[i] == 1))
        pairs[members8] = pairs.get(members8, 0) + 1
    if len(samples) == 1:
        raise CheckFailed("Every seed gave the same sample: the examples should be drawn at random (by `seed`), "
                          "not always the same k of each class.")
    for c in np.unique(y):
        members = np.flatnonzero(y == c)
        p = k / len(members)
        expected, sd = FREQUENCY_SEEDS * p, np.sqrt(FREQUENCY_SEEDS * p * (1 - p))
        worst = members[np.argmax(np.abs(hits[members] - expected))]
        if abs(hits[worst] - expected) > 5 * sd + 1:
            raise CheckFailed(f"Over {FREQUENCY_SEEDS} seeds, position {worst} (one of {len(members)} examples of "
                              f"class {c}) was picked {int(hits[worst])} times, but a uniform draw picks each about "
                              f"{expected:.0f} times: every example of a class must be equally likely.")
    num_pairs = 8 * 7 // 2
    counts = np.array([pairs.get(pair, 0) for pair in
                       [(a, b) for i, a in enumerate(np.flatnonzero(y == 1)) for b in np.flatnonzero(y == 1)[i + 1:]]])
    expected = FREQUENCY_SEEDS / num_pairs
    chi2 = ((counts - expected) ** 2 / expected).sum()
    if chi2 > (num_pairs - 1) + 10 * np.sqrt(2 * (num_pairs - 1)):
        raise CheckFailed(f"Over {FREQUENCY_SEEDS} seeds, some pairs of examples of one class were never drawn "
                          f"together and others far too often ({counts.min()}-{counts.max()} times, expected about "
                          f"{expected:.0f}): draw k at random (`rng.choice(..., replace=False)`), not a window that "
                          "moves with the seed.")


def _check_epochs_to_reach(epochs_to_reach):
    if not callable(epochs_to_reach):
        raise CheckFailed(f"`epochs_to_reach` should be a function, but it is {kind_of(epochs_to_reach)}.")
    cases = [([0.3, 0.8, 0.95, 0.97], 0.9), ([0.91, 0.5], 0.9), ([0.5, 0.9, 0.95], 0.9),
             ([0.1, 0.2], 0.9), ([], 0.5), ([0.2, 0.6, 0.4, 0.7], 0.65), ([0.5, 0.95, 0.6, 0.96, 0.99], 0.9),
             ([0.005, 0.009, 0.02], 0.01), ((0.4, 0.7, 0.8), 0.7), (np.array([0.2, 0.85, 0.9]), 0.8)]
    for i, (accs, target) in enumerate(cases, start=1):
        given = copy.copy(accs)
        got = require_returned(call_learner(epochs_to_reach, given, target), "epochs_to_reach", none_ok=True)
        want = History(val_acc=list(accs)).epochs_to_reach(target)
        if not _same_value(given, accs):
            raise CheckFailed(f"On test case {i}, `epochs_to_reach` changed the list it was given (sorted it?): "
                              "the order of the accuracies is the order of the epochs.")
        shown = list(accs) if not isinstance(accs, list) else accs
        if got is not None and (isinstance(got, (bool, np.bool_)) or not isinstance(got, numbers.Integral)):
            raise CheckFailed(f"On test case {i} (val_accs={shown}, target={target}) `epochs_to_reach` returned "
                              f"{kind_of(got)} ({got!r}); return an epoch number (an int) or None.")
        if got != want:
            extra = ""
            if want is not None and got == want - 1:
                extra = " Epochs count from 1, not 0."
            elif want is None:
                extra = " When the target is never reached, return None."
            elif accs[want - 1] == target:
                extra = " Reaching the target exactly counts (use >=)."
            raise CheckFailed(f"On test case {i} (val_accs={shown}, target={target}) `epochs_to_reach` returned "
                              f"{got!r}, expected {want!r}.{extra}")


PROBE_CASES = ((1, False), (10, False), (3, True))  # the grader's own probe problems: (seed, tie)
PROBE_ARGS = ("features", "y", "train_idx", "val_idx", "test_idx")


def c_sensitive_probe_case(seed: int, tie: bool = False):
    """A small probe problem on which choosing C on the test set gives another answer than choosing it on validation.

    Built around three probes fitted on 8 training rows (C = 0.1, 1, 10): the validation rows are labelled so that
    C = 0.1 alone is right where the probes disagree, the test rows so that C = 10 alone is (or C = 1 and 10), and a
    few rows of each are labelled against all three. Validation then chooses 0.1 and the test set would choose 10;
    training, validation, default-C and train + validation answers all differ too (tests/test_grading.py checks it).
    For an even `seed` the 8 training rows hold 5 of one class and 3 of the other, so an answer that re-weights the
    classes (`class_weight="balanced"`) gives another probe. With `tie`, the three C tie on validation (see
    `_checks.c_sensitive_rows`): the smallest is chosen, and breaking the tie with the test rows gives another answer.
    Returns `(features, y, train_idx, val_idx, test_idx)` of the notebook's kinds: float32 features, int64 labels and
    index tensors (in no order: an answer that sorts them in place is seen), with rows in no split, as in the notebook.
    """
    import torch

    rng = np.random.default_rng(seed)
    mix = rng.normal(size=(6, 24))

    def draw(labels):
        signal = np.outer(2.0 * labels - 1, [1.0, 0.5, 0, 0, 0, 0])
        return ((rng.normal(size=(len(labels), 6)) + signal) @ mix).astype(np.float32)

    y_train = rng.permutation(np.repeat([0, 1], [4, 4] if seed % 2 else [5, 3]))   # problem 2: unequal classes
    F_train, pool = draw(y_train), draw(rng.integers(0, 2, 3000))
    P = np.array([linear_probe(F_train, y_train, Cs=(C,)).predict(pool) for C in (0.1, 1.0, 10.0)])
    val, val_y, test, test_y, unused = c_sensitive_rows(P, rng, tie)
    F = np.concatenate([F_train, pool[val], pool[test], pool[unused]])
    y = np.concatenate([y_train, val_y, test_y, P[0, unused]])
    order, parts = shuffled_split(rng, len(y_train), len(val), len(test), len(y))
    parts = [torch.as_tensor(part) for part in parts]
    return (torch.as_tensor(F[order]), torch.as_tensor(y[order]).long(), *parts)


PROBE = HonestSplit("honest_probe_accuracy", PROBE_ARGS, "train.linear_probe", "rows", Cs=(0.1, 1.0, 10.0), tol=1e-9)


def _probe_task(args):
    """The `(fit, score, tr, va, te)` of `(features, y, train_idx, val_idx, test_idx)`: see `HonestSplit`."""
    F, y = _as_arrays(args[0], args[1])

    def fit(rows, val_rows=None, Cs=PROBE.Cs):
        on = () if val_rows is None else (F[val_rows], y[val_rows])
        return linear_probe(F[rows], y[rows], *on, Cs=Cs)

    return (fit, lambda probe, rows: probe.score(F[rows], y[rows]), *(np.asarray(a) for a in args[2:]))


def _as_arrays(features, y):
    """The features (float64) and labels as NumPy arrays, for the reference computations."""
    F = np.array(features.detach().cpu().numpy() if hasattr(features, "detach") else features, dtype=np.float64)
    return F, np.asarray(y.detach().cpu().numpy() if hasattr(y, "detach") else y)


def _check_probe_acc(honest_probe_accuracy, probe_acc, features, faces, train_idx, val_idx, test_idx):
    """`honest_probe_accuracy` behaves as the reference on the grader's problems and the notebook's split, and
    `probe_acc` is the test accuracy of a probe trained on the given training split with C chosen on validation.

    The split is checked against what the notebook made (disjoint; 2, 10 and 50 per class), so an answer that
    re-assigned an index variable cannot move the reference; the reference is computed here from it.
    """
    from .. import data

    value = as_number(probe_acc, "probe_acc", fraction=True)
    y = np.asarray(data.load_faces().y)
    if not hasattr(features, "shape") or len(features) != len(y) or tuple(features.shape[1:]) != (1280,):
        raise CheckFailed(f"`features` should be the (200, 1280) frozen features the notebook extracted, not "
                          f"{kind_of(features)}: re-run that cell.")
    if not np.array_equal(np.asarray(getattr(faces, "y", [])), y):
        raise CheckFailed("`faces.y` is no longer the faces' labels: re-run the cell that loads them.")
    split = require_split({"train_idx": train_idx, "val_idx": val_idx, "test_idx": test_idx}, y,
                          {"train_idx": 2, "val_idx": 10, "test_idx": 50})
    own = _probe_task((features, y, split["train_idx"], split["val_idx"], split["test_idx"]))
    expected = PROBE.reference(*own)
    cases = [(c_sensitive_probe_case(seed, tie), f"the grader's probe problem {i} (24 features, 8 training rows)")
             for i, (seed, tie) in enumerate(PROBE_CASES, start=1)]
    PROBE.check_function(honest_probe_accuracy, cases, _probe_task, own_value=expected,
                         own_args=(features, faces.y, train_idx, val_idx, test_idx),
                         own_names="`features`, `faces.y`")
    PROBE.check_number(value, "probe_acc", expected, *own,
                       call="honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)")


PROBLEMS = with_ids(__name__, {
    "q1": CustomProblem(
        ("sample_few_shot",), _check_sample_few_shot,
        hints=("For every class c, find the positions where `y == c`, then pick k of them at random.",
               "`rng = np.random.default_rng(seed)` and `rng.choice(members, size=k, replace=False)`.",
               "Concatenate the picks of all classes with `np.concatenate` and return them.")),
    "q2": CustomProblem(
        ("epochs_to_reach",), _check_epochs_to_reach,
        hints=("Walk through the accuracies in order and stop at the first one that reaches the target.",
               "`enumerate(val_accs, start=1)` counts epochs from 1.",
               "Return None after the loop if no epoch reached it.")),
    "q3": CustomProblem(
        ("honest_probe_accuracy", "probe_acc", "features", "faces", "train_idx", "val_idx", "test_idx"),
        _check_probe_acc,
        hints=("Inside the function use only its arguments: fit `train.linear_probe(F_train, y_train, F_val, y_val)` "
               "on the training rows, with the validation rows as `F_val, y_val` (that is where it chooses C).",
               "Return `probe.score(features[test_idx], y[test_idx])`: the test rows are used for this score only.",
               "`probe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)`")),
    "q4": ChoiceProblem(
        "many_labels", "b", ["a", "b", "c", "d"],
        why=("Lesson 02 measured a gap of more than ten points at 1 label per class that was gone at 40: "
             "the benefit is data efficiency, and it shrinks as labels grow."),
        hints=("Look at the right end of the learning curve in lesson 02.",)),
    "q5": ThoughtProblem(
        answer=("If the learning rate (or C) were picked by test accuracy, the test set would have been used for "
                "training decisions: the reported number would be optimistically biased (the best of several tries "
                "on the same images), and the comparison would reward whichever method had more settings to try. "
                "Choosing on validation data, with the same number of candidates for both methods, keeps the test "
                "set an honest estimate and the baseline fair."),
        hints=("What would the test accuracy then measure: the model, or the luck of picking?",)),
})


QUIZ = with_ids(__name__, {
    "c1": self_check(
        "fair_baseline", "b", ["a", "b", "c"],
        why=("A comparison is only as honest as its baseline: a scratch CNN with a bad learning rate would make "
             "transfer look better than it is, so both learners get the same budget of three settings, chosen on "
             "validation (never test).")),
    "c2": self_check(
        "gap_at_many_labels", "c", ["a", "b", "c"],
        why=("Transfer buys data efficiency: at k=1 it won by at least 10 points, while with all 40 images per class "
             "the scratch CNN had enough data and the gap closed to within 3 points.")),
    "c3": self_check(
        "pretrained_start", "a", ["a", "b", "c"],
        why=("The pretrained start was at least 40 points ahead after one epoch and reached 90 % in fewer epochs on "
             "every seed, but both ended within 2 points on the test set: the same destination, reached sooner.")),
    "c4": self_check(
        "small_app_choice", "b", ["a", "b", "c"],
        why=("When scratch matches transfer, the smaller model wins on cost: the EfficientNet-Lite0 backbone has over "
             "100 times more parameters and was more than three times slower per image than the small CNN.")),
    "c5": self_check(
        "seed_averaging", "a", ["a", "b", "c"],
        why=("The test set is fixed for every k; what changes with the seed at small k is which images get labelled, "
             "and that moves the accuracy a lot (the ± in the table, the band in the plot), so one seed proves "
             "little.")),
})
