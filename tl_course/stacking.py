"""Stacking: a meta-learner trained on the out-of-fold predictions of several base models.

Taught in lesson 07. Wolpert (1992), "Stacked generalization": the meta-learner must learn from predictions
the base models made on rows they were *not* fitted on, or it learns to trust their memory.
"""

from __future__ import annotations

import numpy as np

from . import checks, runtime


def out_of_fold(make_model, F, y, folds: int = 5, seed: int = 0) -> np.ndarray:
    """Class probabilities (n, classes) for every row of F, each from a model that never saw that row.

    The rows are split into `folds` stratified folds (shuffled by `seed`); for each fold a fresh `make_model()`
    (any scikit-learn classifier) is fitted on the other folds and predicts the held-out one.
    """
    from sklearn.model_selection import StratifiedKFold

    F = checks.as_features(F, "F")
    y = checks.as_labels(y, "y", len(F), "F")
    folds = checks.whole(folds, "folds")
    classes, counts = np.unique(y, return_counts=True)
    if folds < 2 or counts.min() < folds:
        raise ValueError(f"`folds` must be between 2 and the smallest class's size ({counts.min()}) so every fold "
                         f"trains on every class; got {folds}.")
    probs = np.zeros((len(y), len(classes)))
    with runtime.one_blas_thread():
        for fitted_rows, held_rows in StratifiedKFold(folds, shuffle=True, random_state=seed).split(F, y):
            model = make_model().fit(F[fitted_rows], y[fitted_rows])
            probs[held_rows] = model.predict_proba(F[held_rows])
    return probs
