"""Exercise 10 — the capstone: split class by class, choose on validation, ship `predict(paths)`, report.

`predict` is graded on photos written only when it is checked (`data.write_unseen_photos`, fresh crops each
time, from the quarter of each photo the sample folder never uses, under names that say nothing of the class).
Every file opened in such a folder is recorded in the learner's Python (an audit hook, `data.unseen_opened`):
a notebook that opened any before it was graded fails, whether it trained on them or only looked.
"""

import math
import os
import shutil
from pathlib import Path

import numpy as np
import torch

from ..grading import CheckFailed, CustomProblem, call_learner, require_returned, with_ids
from ._checks import CustomCheck, Function, as_index_array, as_number, kind_of, self_check

UNSEEN_PER_CLASS = 30
PASS_ACCURACY = 0.5
"""Accuracy `predict` needs on 240 unseen photos. The solution scored 0.64–0.71 on fresh sets at base seeds 0–400
(3 sets each, 160 photos); 0.5 is 4 standard errors below the lowest, and far above guessing (0.125)."""
AUDIT = "__tl_unseen_opened__"   # the grader exports the kernel's record under this name (grade._kernel_helpers)


# ----------------------------------------------------------------------------------------------
# q1 a split class by class


def _check_split(split_by_class):
    if not callable(split_by_class):
        raise CheckFailed(f"`split_by_class` should be a function, but it is {kind_of(split_by_class)}.")
    cases = [(np.repeat(np.arange(5), [48, 20, 12, 11, 3]), 0.25, 0.25),      # unequal; 11 × 0.25 rounds up
             (np.array([2, 0, 1, 0, 2, 1, 0, 1, 2, 0, 0, 0, 1, 2, 0]).tolist(), 0.2, 0.2),   # a list, shuffled
             (torch.tensor(np.repeat([5, 9, 7], [30, 10, 3])), 0.3, 0.1)]      # a tensor; 3 × 0.1 rounds to 0
    for i, (labels, val, test) in enumerate(cases, start=1):
        y = np.asarray(labels)
        parts = _split_parts(split_by_class, labels, val, test, 0, i)
        for name, fraction in (("val", val), ("test", test)):
            for c in np.unique(y):
                n, got = int((y == c).sum()), int((y[parts[name]] == c).sum())
                want = max(1, round(fraction * n))
                if name == "val":
                    want = min(want, n - max(1, round(test * n)) - 1)
                if got != want:
                    raise CheckFailed(f"On test case {i} (val={val}, test={test}), class {c} has {n} examples and "
                                      f"{got} in '{name}'; a split class by class gives it round({fraction} × {n}) = "
                                      f"{want} (at least 1, and at least 1 left for training).")
    y = np.repeat(np.arange(3), [40, 12, 8])
    seen = [_split_parts(split_by_class, y, 0.25, 0.25, seed, 4) for seed in range(12)]
    again = _split_parts(split_by_class, y, 0.25, 0.25, 0, 4)
    if any(not np.array_equal(np.sort(seen[0][k]), np.sort(again[k])) for k in seen[0]):
        raise CheckFailed("`split_by_class` with the same seed gave two different splits: draw the random order "
                          "from a generator made from `seed` (np.random.default_rng(seed)).")
    in_test = np.zeros(len(y))
    for parts in seen:
        in_test[parts["test"]] += 1
    if (in_test == 0).sum() > 0.15 * len(y) or in_test.max() > 10:   # a fair shuffle: ~2 of 60, and ≤ 10 of 12
        raise CheckFailed("Over 12 seeds, the same examples keep landing in the test split and others never do: "
                          "shuffle each class's examples at random (a permutation from the seed), don't take a "
                          "fixed slice.")


def _split_parts(split_by_class, labels, val, test, seed, case):
    given = labels.clone() if isinstance(labels, torch.Tensor) else (list(labels) if isinstance(labels, list)
                                                                      else np.array(labels))
    got = require_returned(call_learner(split_by_class, given, val, test, seed), "split_by_class")
    if not isinstance(got, dict) or set(got) != {"train", "val", "test"}:
        raise CheckFailed(f"On test case {case}, `split_by_class` returned {kind_of(got)}; return a dict with the "
                          "keys 'train', 'val' and 'test', each an array of indices.")
    n = len(labels)
    parts = {k: as_index_array(v, f"On test case {case}, split['{k}']") for k, v in got.items()}
    every = np.concatenate(list(parts.values()))
    if len(every) and (every.min() < 0 or every.max() >= n):
        raise CheckFailed(f"On test case {case}, the split holds indices outside 0…{n - 1}: return positions in "
                          "`labels`, not the labels themselves.")
    if len(every) != n or len(np.unique(every)) != n:
        raise CheckFailed(f"On test case {case}, the three parts hold {len(every)} indices ({len(np.unique(every))} "
                          f"different) for {n} examples: every example goes to exactly one split.")
    return parts


# ----------------------------------------------------------------------------------------------
# q2 the source, q3 the method: both on validation


def _check_source(rows, SOURCE):
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
        raise CheckFailed(f"`rows` should be the table `capstone.score_sources` returned, but it is {kind_of(rows)}.")
    if not isinstance(SOURCE, str):
        raise CheckFailed(f"`SOURCE` should be the name of a source, e.g. 'cnn-printed-digits'; it is {kind_of(SOURCE)}.")
    names = [r.get("source") for r in rows]
    if SOURCE not in names:
        raise CheckFailed(f"`SOURCE` = {SOURCE!r} is not one of the scored sources ({', '.join(map(str, names))}).")
    best = max(rows, key=lambda r: r["validation accuracy"])
    if SOURCE != best["source"] and rows[names.index(SOURCE)]["validation accuracy"] < best["validation accuracy"]:
        by_logme = max(rows, key=lambda r: r["LogME"])["source"]
        extra = " LogME is a first opinion; the probe on validation decides." if SOURCE == by_logme else ""
        raise CheckFailed(f"{SOURCE!r} is not the source with the best validation accuracy ({best['source']!r}).{extra}")


def _check_method(candidates, val_set, val_scores, METHOD):
    if not isinstance(val_scores, dict) or not val_scores:
        raise CheckFailed(f"`val_scores` should be a dict {{method: validation accuracy}}; it is {kind_of(val_scores)}.")
    if not isinstance(candidates, dict) or set(candidates) != set(val_scores):
        raise CheckFailed("`val_scores` should score exactly the models in `candidates`, one entry each.")
    from ..capstone import accuracy

    for name, model in candidates.items():
        given = as_number(val_scores[name], f"val_scores[{name!r}]", fraction=True)
        actual = accuracy(model, val_set)
        if abs(given - actual) > 1e-3:              # rounding to 3 decimals is fine; another set is not
            raise CheckFailed(f"val_scores[{name!r}] = {given:.4f}, but that model scores {actual:.4f} on `val_set`: "
                              "score each candidate on the validation set (not training, not test).")
    if METHOD not in val_scores:
        raise CheckFailed(f"`METHOD` should be one of {', '.join(map(repr, val_scores))}; it is {kind_of(METHOD)}.")
    top = max(round(float(v), 3) for v in val_scores.values())
    best = [n for n, v in val_scores.items() if round(float(v), 3) == top]
    if METHOD not in best:
        raise CheckFailed(f"{METHOD!r} does not have the best validation accuracy: choose on validation.")
    if len(best) > 1 and METHOD != "feature extraction" and "feature extraction" in best:
        raise CheckFailed("The two methods tie on validation: a tie goes to the simpler model, feature extraction.")


# ----------------------------------------------------------------------------------------------
# q4 predict(paths) on photos it never saw


class UnseenPhotos(CustomProblem):
    """`predict(paths)` scored on fresh unseen photos, after checking none were opened before."""

    def __init__(self, **kwargs):
        super().__init__(("predict", AUDIT), self._judge, **kwargs)

    def grade(self, namespace):
        if AUDIT not in namespace:            # in the learner's own Python: read the record right here
            from ..audit import unseen_opened

            namespace = dict(namespace, **{AUDIT: unseen_opened()})
        return super().grade(namespace)

    @staticmethod
    def _judge(predict, **values):
        opened = values[AUDIT]
        if not isinstance(opened, list):
            raise CheckFailed("The record of opened files could not be read; run the notebook again from the top.")
        if opened:
            raise CheckFailed(f"Your notebook opened {len(opened)} file{'s' * (len(opened) > 1)} of unseen photos "
                              f"before grading (e.g. {Path(str(opened[0])).name}): the photos `predict` is graded on "
                              "must stay unseen. Remove every call of data.write_unseen_photos (and any reading of "
                              "its folders), restart the kernel and run the notebook again.")
        if not callable(predict):
            raise CheckFailed(f"`predict` should be a function of a list of image files, but it is {kind_of(predict)}.")
        accuracy, said = _score_unseen(predict)
        if len(set(said)) == 1:
            raise CheckFailed(f"`predict` gave {said[0]!r} for every unseen photo: the model predicts one class.")
        if accuracy < PASS_ACCURACY:
            raise CheckFailed(f"`predict` got {accuracy:.0%} of {len(said)} unseen photos right; at least "
                              f"{PASS_ACCURACY:.0%} is needed (chance: 12.5 %). Choose the source and the method on "
                              "validation, and predict with the preprocessing the model was trained with "
                              "(deploy.Predictor does both).")


def _score_unseen(predict) -> tuple[float, list]:
    """Write fresh unseen photos, call `predict` on their paths, return (accuracy, its answers); clean up."""
    from .. import audit
    from ..data import sample

    mark = len(audit._opened)
    paths, labels = sample.write_unseen_photos(UNSEEN_PER_CLASS, seed=None, parent=os.environ.get("TL_COURSE_SCRATCH"))
    try:
        got = require_returned(call_learner(predict, list(paths)), "predict")
    finally:
        shutil.rmtree(Path(paths[0]).parent, ignore_errors=True)
        del audit._opened[mark:]             # the check's own reading is not the learner's
    if isinstance(got, (str, bytes)) or not hasattr(got, "__len__"):
        raise CheckFailed(f"`predict(paths)` returned {kind_of(got)}; return a list with one class name per path.")
    said = list(got.tolist() if hasattr(got, "tolist") else got)
    if len(said) != len(paths):
        raise CheckFailed(f"`predict` returned {len(said)} answers for {len(paths)} paths: one class name per path, "
                          "in the same order.")
    if not all(isinstance(s, str) for s in said):
        odd = next(s for s in said if not isinstance(s, str))
        extra = (" — a class index; map it to its name with CLASSES[i]" if isinstance(odd, (int, np.integer)) else "")
        raise CheckFailed(f"`predict` returned {kind_of(odd)} for a photo{extra}: return class names such as "
                          f"{labels[0]!r}.")
    unknown = sorted({s for s in said if s not in set(labels)})
    if unknown:
        raise CheckFailed(f"`predict` returned {unknown[0]!r}, which is not a class of the sample folder "
                          f"({', '.join(sorted(set(labels)))}).")
    return float(np.mean([s == t for s, t in zip(said, labels)])), said


# ----------------------------------------------------------------------------------------------
# q5 the report


_SENTENCES = ("why this source", "when not to deploy")


def _check_report(report, SOURCE, METHOD, val_scores, test_accuracy):
    from ..capstone import REPORT_KEYS
    from ..data import SAMPLE_COUNTS

    if not isinstance(report, dict):
        raise CheckFailed(f"`report` should be a dict with the keys of capstone.REPORT_KEYS; it is {kind_of(report)}.")
    missing = [k for k in REPORT_KEYS if k not in report]
    if missing:
        raise CheckFailed(f"`report` has no {missing[0]!r}: fill in every key of capstone.REPORT_KEYS.")
    counts = report["images per class"]
    if not isinstance(counts, dict) or {str(k): v for k, v in counts.items()} != dict(SAMPLE_COUNTS):
        raise CheckFailed("report['images per class'] should be the folder's count per class (`found['counts']`).")
    if report["source model"] != SOURCE or report["method"] != METHOD:
        raise CheckFailed("report['source model'] and report['method'] should be the choices you made, SOURCE and "
                          "METHOD.")
    checks = (("validation accuracy", val_scores.get(METHOD) if isinstance(val_scores, dict) else None),
              ("test accuracy", test_accuracy))
    for key, measured in checks:
        value = as_number(report[key], f"report[{key!r}]", fraction=True)
        if measured is None or abs(value - float(measured)) > 5e-3:
            raise CheckFailed(f"report[{key!r}] = {value:.3f} is not the {key} you measured for the chosen model.")
    from ..data import TEXTURE_IMAGES

    if report["weakest class"] not in TEXTURE_IMAGES:
        raise CheckFailed(f"report['weakest class'] should name a class; it is {kind_of(report['weakest class'])}.")
    for key in ("model size (MB)", "ms per image"):
        if not as_number(report[key], f"report[{key!r}]") > 0:
            raise CheckFailed(f"report[{key!r}] should be the measured value, above 0.")
    for key in _SENTENCES:
        text = report[key]
        if not isinstance(text, str) or "____" in text or len(text.split()) < 6:
            raise CheckFailed(f"report[{key!r}] should be a sentence of your own (6 words or more), not "
                              f"{kind_of(text)}.")
    if report[_SENTENCES[0]].strip() == report[_SENTENCES[1]].strip():
        raise CheckFailed("The two sentences of the report say the same thing: each answers its own question.")

QUIZ = with_ids(__name__, {
    "c1": self_check(
        "ship_which", "a", ["a", "b", "c"],
        why=("Validation made the choice; switching because the test set disagrees turns the test set into a second "
             "validation set, and its score stops being an honest estimate. (A gap of one photo is within the noise "
             "either way — which is why ties go to the simpler model, and why more validation photos help most.)")),
    "c2": self_check(
        "split_rule", "b", ["a", "b", "c"],
        why=("A stratified split takes a quarter of each class, so a rare class keeps its share in training, validation "
             "and test; a random quarter of 68 photos can leave the hamsters out of a split, and dropping them drops a "
             "class the model has to know.")),
    "c3": self_check(
        "test_vs_new", "b", ["a", "b", "c"],
        why=("Photos split at random put near-copies (same scene, same day) in training and test, so the test split "
             "partly measures recognising the same pixels again. Training too long would show on validation first; "
             "broken files are skipped with a warning. Split by occasion and keep later photos for a last check.")),
    "c4": self_check(
        "four_photos", "b", ["a", "b", "c"],
        why=("A frozen base and a linear head learn from a few photos per class; fine-tuning a network on four "
             "learns them by heart, and 100 per class is not a rule. With one validation photo per class, the "
             "numbers are rough: the guard rail says so.")),
})

PROBLEMS = with_ids(__name__, {
    "q1": CustomProblem(
        ("split_by_class",), _check_split,
        hints=("Work class by class: the indices of class c are `np.flatnonzero(y == c)`; shuffle them with "
               "`rng.permutation`, from `rng = np.random.default_rng(seed)` made once.",
               "For a class of n: n_test = max(1, round(test * n)), n_val = min(max(1, round(val * n)), n - n_test - 1); "
               "the first n_test shuffled indices go to test, the next n_val to val, the rest to train.",
               "Collect each part over the classes and return "
               "`{'train': np.array(train), 'val': np.array(val), 'test': np.array(test)}`; `y = np.asarray(labels)`.")),
    "q2": CustomProblem(
        ("rows", "SOURCE"), _check_source,
        hints=("Which column of `rows` was measured on validation data?",
               "`max(rows, key=lambda r: r['validation accuracy'])['source']`")),
    "q3": CustomProblem(
        ("candidates", "val_set", "val_scores", "METHOD"), _check_method,
        hints=("Score each candidate on the validation set with `capstone.accuracy(model, val_set)`.",
               "Choose the highest validation score; when both round to the same value, keep feature extraction.",
               "`val_scores = {name: capstone.accuracy(m, val_set) for name, m in candidates.items()}`, then compare "
               "`round(val_scores['fine-tuning'], 3) > round(val_scores['feature extraction'], 3)`")),
    "q4": UnseenPhotos(
        hints=("`predict` receives a list of file paths and returns a list of class names, one per path.",
               "`deploy.Predictor(capstone.reads_rgb(model), CLASSES, SIZE)` reads files the way the training images "
               "were read; its `predict_files(paths)` returns class names.",
               "`predictor = deploy.Predictor(capstone.reads_rgb(model), CLASSES, SIZE)` and "
               "`def predict(paths): return predictor.predict_files(paths)`")),
    "q5": CustomProblem(
        ("report", "SOURCE", "METHOD", "val_scores", "test_accuracy"), _check_report,
        hints=("Every key of capstone.REPORT_KEYS, the numbers from the cells above, and two sentences of your own.",
               "report['validation accuracy'] is val_scores[METHOD]; report['test accuracy'] is test_accuracy.")),
})
