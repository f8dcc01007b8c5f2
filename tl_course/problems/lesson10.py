"""Exercise 10 — the capstone: split class by class, choose on validation, ship `predict(paths)`, report.

`predict` is graded on photos written only when it is checked (`data.write_unseen_photos`, fresh crops each
time, from the quarter of each photo the sample folder never uses, under names that say nothing of the class).
Every file opened in such a folder is recorded in the learner's Python (an audit hook, `data.unseen_opened`):
a notebook that opened any before it was graded fails, whether it trained on them or only looked.
"""

import os
import shutil
from pathlib import Path

import numpy as np
import torch

from ..grading import CheckFailed, CustomProblem, call_learner, require_returned, with_ids
from ._checks import as_index_array, as_number, kind_of, self_check

UNSEEN_PER_CLASS = 30
PASS_ACCURACY = 0.5
"""Accuracy `predict` needs on 240 unseen photos. The solution scored 0.67–0.82 on three fresh sets each at base
seeds 0–500 (fine-tuned 60 steps); 0.5 is 5 standard errors below the lowest, and 4 times guessing (0.125)."""
AUDIT = "__tl_unseen_opened__"   # the grader exports the kernel's record under this name (grade._kernel_helpers)


# ----------------------------------------------------------------------------------------------
# q1 a split class by class


def _check_split(split_by_class):
    if not callable(split_by_class):
        raise CheckFailed(f"`split_by_class` should be a function, but it is {kind_of(split_by_class)}.")
    cases = [(np.repeat(np.arange(6), [48, 20, 12, 11, 10, 3]), 0.25, 0.25),  # unequal; 2.75 → 3, 2.5 → 2
             (np.array([2, 0, 1, 0, 2, 1, 0, 1, 2, 0, 0, 0, 1, 2, 0]).tolist(), 0.2, 0.2),   # a list, shuffled
             (torch.tensor(np.repeat([5, 9, 7], [30, 10, 3])), 0.1, 0.3),      # a tensor; 3 × 0.1 rounds to 0
             (["rocket"] * 4 + ["brick"] * 9, 0.5, 0.4),                       # names; the cap of one for training
             (np.repeat([0, 1], [4, 20]), 0.1, 0.1)]                            # 4 × 0.1 rounds to 0: one each
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
    y = cases[0][0]
    default = require_returned(call_learner(split_by_class, list(y)), "split_by_class")
    if not isinstance(default, dict) or any(len(np.asarray(default.get(k, ()))) != len(v)
                                            for k, v in _split_parts(split_by_class, y, 0.25, 0.25, 0, 1).items()):
        raise CheckFailed("`split_by_class(labels)` without the other arguments should use the defaults of the "
                          "question: val=0.25, test=0.25, seed=0.")
    y = np.repeat(np.arange(3), [40, 12, 8])
    seen = [_split_parts(split_by_class, y, 0.25, 0.25, seed, 5) for seed in range(12)]
    again = _split_parts(split_by_class, y, 0.25, 0.25, 0, 5)
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


def _same_labels(a, b) -> bool:
    a = a.numpy() if isinstance(a, torch.Tensor) else np.asarray(a)
    b = b.numpy() if isinstance(b, torch.Tensor) else np.asarray(b)
    return a.shape == b.shape and bool((a == b).all())


def _plain_text(value) -> bool:
    """A real string (or NumPy's), not an object of a subclass that can redefine == or split()."""
    return type(value) in (str, np.str_)


def _split_parts(split_by_class, labels, val, test, seed, case):
    given = labels.clone() if isinstance(labels, torch.Tensor) else (list(labels) if isinstance(labels, list)
                                                                      else np.array(labels))
    got = require_returned(call_learner(split_by_class, given, val=val, test=test, seed=seed), "split_by_class")
    if not _same_labels(given, labels):
        raise CheckFailed(f"On test case {case}, `split_by_class` changed the `labels` it was given: work on a copy, "
                          "so the caller's labels stay as they were.")
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


def _check_source(rows, SOURCE, train_set, val_set):
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
        raise CheckFailed(f"`rows` should be the table `capstone.score_sources` returned, but it is {kind_of(rows)}.")
    _require_measured(rows, train_set, val_set)
    if not _plain_text(SOURCE):
        raise CheckFailed(f"`SOURCE` should be the name of a source, e.g. 'cnn-printed-digits'; it is {kind_of(SOURCE)}.")
    names = [r.get("source") for r in rows]
    if SOURCE not in names:
        raise CheckFailed(f"`SOURCE` = {SOURCE!r} is not one of the scored sources ({', '.join(map(str, names))}).")
    best = max(rows, key=lambda r: r["validation accuracy"])
    if SOURCE != best["source"] and rows[names.index(SOURCE)]["validation accuracy"] < best["validation accuracy"]:
        by_logme = max(rows, key=lambda r: r["LogME"])["source"]
        extra = " LogME is a first opinion; the probe on validation decides." if SOURCE == by_logme else ""
        raise CheckFailed(f"{SOURCE!r} is not the source with the best validation accuracy ({best['source']!r}).{extra}")


def _require_measured(rows, train_set, val_set):
    """`rows` must hold what `score_sources` measures on these sets (a table edited by hand fails)."""
    from ..capstone import SOURCES, score_sources

    names = [r.get("source") for r in rows]
    if not all(_plain_text(n) and n in SOURCES for n in names):
        raise CheckFailed(f"`rows` names sources other than capstone.SOURCES ({names!r}): keep the table "
                          "score_sources returned.")
    measured, _ = score_sources(names, train_set, val_set, progress=False)
    for row, again in zip(rows, measured):
        if abs(as_number(row.get("validation accuracy"), "a validation accuracy in `rows`")
               - again["validation accuracy"]) > 1e-6:
            raise CheckFailed(f"`rows` says {row['source']!r} scores {row['validation accuracy']:.3f} on validation, "
                              f"but score_sources measures {again['validation accuracy']:.3f}: keep the table as "
                              "score_sources returned it.")


def _distinct_sets(val_set, others: dict):
    for name, other in others.items():
        if hasattr(other, "X") and hasattr(val_set, "X") and other.X.shape == val_set.X.shape \
                and torch.equal(torch.as_tensor(other.X), torch.as_tensor(val_set.X)):
            raise CheckFailed(f"`val_set` holds the same images as `{name}`: score on the validation set.")


def _check_method(candidates, val_set, train_set, test_set, val_scores, METHOD):
    if not isinstance(val_scores, dict) or not val_scores:
        raise CheckFailed(f"`val_scores` should be a dict {{method: validation accuracy}}; it is {kind_of(val_scores)}.")
    if not isinstance(candidates, dict) or set(candidates) != set(val_scores):
        raise CheckFailed("`val_scores` should score exactly the models in `candidates`, one entry each.")
    from ..capstone import accuracy

    _distinct_sets(val_set, {"train_set": train_set, "test_set": test_set})
    for name, model in candidates.items():
        given = as_number(val_scores[name], f"val_scores[{name!r}]", fraction=True)
        actual = accuracy(model, val_set)
        if abs(given - actual) > 1e-3:              # rounding to 3 decimals is fine; another set is not
            raise CheckFailed(f"val_scores[{name!r}] = {given:.4f}, but that model scores {actual:.4f} on `val_set`: "
                              "score each candidate on the validation set (not training, not test).")
    if not _plain_text(METHOD) or METHOD not in val_scores:
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
    """`predict(paths)` scored on fresh unseen photos, after checking none were opened before; it must answer as
    the chosen `model` does on the same files read as training read them, and open no unseen photos of its own."""

    def __init__(self, **kwargs):
        super().__init__(("predict", "model", "CLASSES", "SIZE", AUDIT), self._judge, **kwargs)
        self._folder = None

    def grade(self, namespace):
        if AUDIT not in namespace:            # in the learner's own Python: read the record right here
            from ..audit import unseen_opened

            namespace = dict(namespace, **{AUDIT: unseen_opened()})
        return super().grade(namespace)

    def recheck(self, result, record):
        """After a PASS in the grader: the kernel's record, exported again, may only hold the check's own photos."""
        from ..grading import FAIL, Result

        if not isinstance(record, list):
            return Result(self.id, FAIL, "The record of opened files could not be read after `predict` ran.")
        own = [p for p in record if not str(p).startswith(str(self._folder))]
        return Result(self.id, FAIL, _OWN_PHOTOS) if own else result

    def _judge(self, predict, model, CLASSES, SIZE, **values):
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
        if not isinstance(model, torch.nn.Module) or not isinstance(CLASSES, (tuple, list)) \
                or not all(_plain_text(c) for c in CLASSES):
            raise CheckFailed("`model` and `CLASSES` should be the chosen network and its class names, as the cell "
                              "above `predict` sets them.")
        accuracy, said, agree = self._score(predict, model, tuple(CLASSES), int(as_number(SIZE, "SIZE", integer=True)))
        if len(set(said)) == 1:
            raise CheckFailed(f"`predict` gave {said[0]!r} for every unseen photo: the model predicts one class.")
        if agree < 0.95:
            raise CheckFailed(f"`predict` answers as `model` does on only {agree:.0%} of the unseen photos: predict "
                              "with the chosen model, reading each file as the training images were read "
                              "(data.read_image(path, SIZE): the same size, colour, no extra scaling or normalising).")
        if accuracy < PASS_ACCURACY:
            raise CheckFailed(f"`predict` got {accuracy:.0%} of {len(said)} unseen photos right; at least "
                              f"{PASS_ACCURACY:.0%} is needed (chance: 12.5 %). Choose the source and the method on "
                              "validation, and predict with the preprocessing the model was trained with "
                              "(deploy.Predictor does both).")

    def _score(self, predict, model, classes, size) -> tuple[float, list, float]:
        """Write fresh unseen photos, call `predict` on them; return (accuracy, its answers, agreement with `model`)."""
        from .. import audit
        from ..capstone import reads_rgb
        from ..data import read_image
        from ..train import logits

        mark, self._folder = len(audit._opened), None
        try:
            paths, labels, said = _unseen_answers(predict, self)
            own = [p for p in audit._opened[mark:] if not p.startswith(str(self._folder))]
            if own:                              # in the learner's own Python; the grader rechecks its kernel
                raise CheckFailed(_OWN_PHOTOS)
            X = torch.stack([read_image(p, size) for p in paths])
            wanted = [classes[i] for i in logits(reads_rgb(model), X).argmax(1).tolist()]
        finally:
            if self._folder is not None:
                shutil.rmtree(self._folder, ignore_errors=True)
            del audit._opened[mark:]             # the check's own reading is not the learner's
        agree = float(np.mean([a == b for a, b in zip(said, wanted)]))
        return float(np.mean([s == t for s, t in zip(said, labels)])), said, agree


_OWN_PHOTOS = ("`predict` opened unseen photos of its own while it was graded (it called data.write_unseen_photos or "
               "read such a folder): predict from the model alone.")


def _unseen_answers(predict, problem) -> tuple[list, list, list]:
    """Write fresh unseen photos into a new folder (kept in `problem._folder`), call `predict` on their paths;
    return (paths, labels, its answers) after checking the answers' form."""
    from ..data import sample

    paths, labels = sample.write_unseen_photos(UNSEEN_PER_CLASS, seed=None, parent=os.environ.get("TL_COURSE_SCRATCH"))
    problem._folder = Path(paths[0]).parent
    got = require_returned(call_learner(predict, list(paths)), "predict")
    if isinstance(got, (str, bytes)) or not hasattr(got, "__len__"):
        raise CheckFailed(f"`predict(paths)` returned {kind_of(got)}; return a list with one class name per path.")
    said = list(got.tolist() if hasattr(got, "tolist") else got)
    if len(said) != len(paths):
        raise CheckFailed(f"`predict` returned {len(said)} answers for {len(paths)} paths: one class name per path, "
                          "in the same order.")
    if not all(_plain_text(s) for s in said):
        odd = next(s for s in said if not _plain_text(s))
        extra = (" — a class index; map it to its name with CLASSES[i]" if isinstance(odd, (int, np.integer)) else "")
        raise CheckFailed(f"`predict` returned {kind_of(odd)} for a photo{extra}: return class names such as "
                          f"{labels[0]!r}.")
    unknown = sorted({s for s in said if s not in set(labels)})
    if unknown:
        raise CheckFailed(f"`predict` returned {unknown[0]!r}, which is not a class of the sample folder "
                          f"({', '.join(sorted(set(labels)))}).")
    return paths, labels, [str(x) for x in said]


# ----------------------------------------------------------------------------------------------
# q5 the report


_SENTENCES = ("why this source", "when not to deploy")
_LESSON_SENTENCES = (   # lesson 10's own report: the exercise asks for the learner's words
    "on photos unlike the training crops — other objects, other lighting, a new camera — and wherever a wrong answer "
    "is costly: test photos taken later first",
    "highest validation accuracy of a probe on its frozen features")
_FILLER = ("todo", "fixme", "tbd", "lorem", "xxx", "...")


def _check_report(report, SOURCE, METHOD, model, val_set, test_set, weakest, row):
    from ..capstone import REPORT_KEYS, accuracy
    from ..data import SAMPLE_COUNTS

    if not isinstance(report, dict):
        raise CheckFailed(f"`report` should be a dict with the keys of capstone.REPORT_KEYS; it is {kind_of(report)}.")
    missing = [k for k in REPORT_KEYS if k not in report]
    if missing:
        raise CheckFailed(f"`report` has no {missing[0]!r}: fill in every key of capstone.REPORT_KEYS.")
    counts = report["images per class"]
    if type(counts) is not dict or {str(k): v for k, v in counts.items()} != dict(SAMPLE_COUNTS):
        raise CheckFailed("report['images per class'] should be the folder's count per class (`found['counts']`).")
    if not (_plain_text(report["source model"]) and report["source model"] == SOURCE
            and _plain_text(report["method"]) and report["method"] == METHOD):
        raise CheckFailed("report['source model'] and report['method'] should be the choices you made, SOURCE and "
                          "METHOD.")
    _distinct_sets(val_set, {"test_set": test_set})
    for key, data in (("validation accuracy", val_set), ("test accuracy", test_set)):
        value, measured = as_number(report[key], f"report[{key!r}]", fraction=True), accuracy(model, data)
        if abs(value - measured) > 1e-3:
            raise CheckFailed(f"report[{key!r}] = {value:.3f} is not the {key} of the chosen model ({measured:.3f}).")
    named = weakest[0] if isinstance(weakest, (list, tuple)) and weakest else None
    if not _plain_text(report["weakest class"]) or report["weakest class"] != named:
        raise CheckFailed(f"report['weakest class'] should be the class with the lowest test recall, `weakest[0]` "
                          f"({named!r}); it is {kind_of(report['weakest class'])}.")
    for key, measured in (("model size (MB)", "size (MB)"), ("ms per image", "ms / image (batch 1)")):
        value = as_number(report[key], f"report[{key!r}]")
        want = float(row[measured]) if isinstance(row, dict) and measured in row else None
        if want is None or not value > 0 or abs(value - want) > 1e-3 * max(1.0, abs(want)):
            raise CheckFailed(f"report[{key!r}] should be the measured value, row[{measured!r}] (in those units).")
    for key in _SENTENCES:
        text = report[key]
        words = text.lower().split() if _plain_text(text) else []
        if "____" in str(text) or len(words) < 6 or len({w for w in words if len(w) > 2}) < 5 \
                or any(f in str(text).lower() for f in _FILLER):
            raise CheckFailed(f"report[{key!r}] should be a sentence of your own (6 words or more), not "
                              f"{kind_of(text)}.")
        if any(" ".join(text.split()).startswith(own[:60]) for own in _LESSON_SENTENCES):
            raise CheckFailed(f"report[{key!r}] is lesson 10's sentence: write your own.")
    if report[_SENTENCES[0]].strip() == report[_SENTENCES[1]].strip():
        raise CheckFailed("The two sentences of the report say the same thing: each answers its own question.")
    why = report["why this source"].lower()
    if "test" in why and "validation" not in why:
        raise CheckFailed("report['why this source'] cites the test set: the source was chosen on validation.")


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
        ("rows", "SOURCE", "train_set", "val_set"), _check_source,
        hints=("Which column of `rows` was measured on validation data?",
               "`max(rows, key=lambda r: r['validation accuracy'])['source']`")),
    "q3": CustomProblem(
        ("candidates", "val_set", "train_set", "test_set", "val_scores", "METHOD"), _check_method,
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
        ("report", "SOURCE", "METHOD", "model", "val_set", "test_set", "weakest", "row"), _check_report,
        hints=("Every key of capstone.REPORT_KEYS, the numbers from the cells above, and two sentences of your own.",
               "report['validation accuracy'] is val_scores[METHOD]; report['test accuracy'] is test_accuracy.")),
})
