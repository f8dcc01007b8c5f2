"""Exercise 01 — the machine-learning landscape."""

import numpy as np

from ..grading import CheckFailed, ChoiceProblem, CustomProblem, ThoughtProblem, with_ids
from ._checks import Function, as_number, kind_of, self_check


def _split_matches_digits(X_train, y_train, X_test, y_test) -> bool:
    """Tell whether (X_train, y_train) and (X_test, y_test) together are exactly the scaled digits, each once."""
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    whole = np.column_stack([X / 16.0, y])
    parts = np.vstack([np.column_stack([np.asarray(X_train, float), np.asarray(y_train)]),
                       np.column_stack([np.asarray(X_test, float), np.asarray(y_test)])])
    if parts.shape != whole.shape:
        return False
    return np.allclose(whole[np.lexsort(whole.T)], parts[np.lexsort(parts.T)])


def _check_test_acc(test_acc, clf, X_train, y_train, X_test, y_test):
    """The test accuracy of a classifier trained on the given training split alone, recomputed here."""
    from sklearn.base import clone

    value = as_number(test_acc, "test_acc", fraction=True)
    try:
        split_ok = _split_matches_digits(X_train, y_train, X_test, y_test)
    except (TypeError, ValueError):
        split_ok = False
    if not split_ok:
        raise CheckFailed("`X_train`, `y_train`, `X_test`, `y_test` are no longer the split the notebook made (was "
                          "the data split again, or changed?): re-run the setup cell and only score `clf`.")
    # The reference: the same kind of model, trained afresh on the training split only.
    try:
        reference = clone(clf)
    except Exception:  # not a scikit-learn estimator: the learner replaced `clf`
        raise CheckFailed(f"`clf` should be the scikit-learn classifier of the setup cell, not {kind_of(clf)}.") from None
    reference.fit(X_train, y_train)
    expected = reference.score(X_test, y_test)
    try:
        refit = not np.array_equal(clf.predict(X_test), reference.predict(X_test))
    except Exception:  # an unfitted or broken `clf`
        refit = True
    if refit:
        raise CheckFailed("`clf` is no longer the classifier trained on (X_train, y_train): it was refitted on other "
                          "data (test images included?). Re-run the setup cell and only score it.")
    if np.isclose(value, 1 - expected):
        raise CheckFailed("`test_acc` looks like the error rate (1 − accuracy), not the accuracy.")
    if np.isclose(value, reference.score(X_train, y_train)) and not np.isclose(value, expected):
        raise CheckFailed("`test_acc` is the accuracy on the *training* images; score the test set instead.")
    if not np.isclose(value, expected, rtol=0, atol=1e-6):
        rounded = any(np.isclose(value, round(expected, d)) for d in range(4))
        extra = " Don't round it." if rounded else ""
        raise CheckFailed(f"`test_acc` = {value:.4f} is not the classifier's accuracy on (X_test, y_test): the "
                          f"fraction of test images it classifies right.{extra}")


def _purity(clusters, labels):
    clusters, labels = np.asarray(clusters), np.asarray(labels)
    return sum(np.bincount(labels[clusters == c]).max() for c in np.unique(clusters)) / len(labels)


def _purity_cases():
    rng = np.random.default_rng(7)
    labels = rng.integers(0, 5, 200)
    return [
        (np.array([0, 0, 1, 1]), np.array([3, 3, 5, 5])),            # perfect clustering, odd label ids
        (np.array([0, 0, 0, 0]), np.array([1, 1, 2, 2])),            # one cluster: majority share
        (np.array([7, 7, 2, 2, 2]), np.array([0, 1, 1, 1, 0])),      # non-contiguous cluster ids
        (labels, labels),                                            # clusters equal labels
        (rng.integers(0, 8, 200), labels),                           # random clusters
        (np.array([-1, -1, 5, 5, 5, 5, 9]), np.array([2, 0, 1, 1, 1, 3, 3])),  # a noise cluster -1, unequal sizes
        (np.array([3, 3, 3, 3, 3, 3, 8, 8]), np.array([1, 1, 1, 1, 0, 2, 4, 4])),  # big impure, small pure cluster
    ]


def _q_update(Q, state, action, reward, next_state, done, alpha, gamma):
    target = reward if done else reward + gamma * np.max(Q[next_state])
    return Q[state, action] + alpha * (target - Q[state, action])


def _q_cases():
    Q = np.arange(12, dtype=float).reshape(4, 3) / 10
    return [
        (Q.copy(), 0, 1, -0.01, 2, False, 0.5, 0.9),   # ordinary step
        (Q.copy(), 3, 2, 1.0, 0, True, 0.5, 0.9),      # terminal step: no future term
        (Q.copy(), 1, 0, 0.0, 1, False, 1.0, 0.0),     # gamma = 0: only the reward counts
        (np.zeros((2, 2)), 0, 0, 1.0, 1, False, 0.1, 0.99),
        (Q.copy() - 1.0, 2, 0, -1.0, 1, True, 0.3, 0.9),  # terminal with a negative reward (a pit)
        (-Q.copy(), 1, 2, 0.5, 1, False, 0.2, 0.8),       # negative values; next state = this state
        (Q.copy(), 2, 1, 0.0, 3, False, 0.7, 0.5),        # alpha and gamma differ clearly
    ]


PROBLEMS = with_ids(__name__, {
    "q1": CustomProblem(
        ("test_acc", "clf", "X_train", "y_train", "X_test", "y_test"), _check_test_acc,
        hints=("Accuracy is the fraction of correct predictions on images the model did not train on.",
               "scikit-learn classifiers have a `.score(X, y)` method that returns accuracy as a fraction.",
               "`test_acc = clf.score(X_test, y_test)`")),
    "q2": Function(
        "cluster_purity", _purity, _purity_cases, pure=True,
        hints=("For each cluster, find its most common label, and count how many members have that label.",
               "`np.bincount(labels[clusters == c]).max()` counts the majority label of cluster `c`.",
               "Sum those counts over `np.unique(clusters)` and divide by the number of points.")),
    "q3": Function(
        "q_update", _q_update, _q_cases,
        hints=("The target is the reward plus the discounted best value of the next state.",
               "When `done` is True there is no next state to look ahead to: the target is just the reward.",
               "`new = Q[s, a] + alpha * (target - Q[s, a])`")),
    "q4": ChoiceProblem(
        "robot_vacuum", "reinforcement", ["supervised", "unsupervised", "reinforcement", "transfer"],
        why="No one labels the right route: the robot acts and improves from a score — a reward.",
        hints=("What does the robot learn from: labels, structure, or a score for what it did?",)),
    "q5": ChoiceProblem(
        "new_clinic", "transfer", ["supervised", "unsupervised", "reinforcement", "transfer"],
        why=("A model already trained on many X-rays is reused for the new clinic's 50 labelled images: "
             "that is transfer learning (whose last step is supervised fine-tuning)."),
        hints=("The clinic has only 50 labels, but a model trained on 100,000 X-rays exists. What would you start from?",)),
    "q6": ThoughtProblem(
        answer=("The digit classifier already knows *which digit* an image shows, and parity is a simple function "
                "of the digit, so 20 labels suffice to learn it on top. Transfer would not help if the source knew "
                "nothing useful for the target (e.g. a face classifier for digits), or if the target had thousands "
                "of labels, where scratch catches up."),
        hints=("Think about what the source model's outputs tell the parity classifier.",)),
})


QUIZ = with_ids(__name__, {
    "c1": self_check(
        "cluster_floor", "b", ["a", "b", "c"],
        why=("Even random clusters get some purity, because each cluster is scored by its own majority digit: that is "
             "the floor. k-means had to beat it at least 3 times over (and reach 0.6) to show it found real structure.")),
    "c2": self_check(
        "rl_category", "c", ["a", "b", "c"],
        why=("Reinforcement learning is not unsupervised learning: it has no labels, but it learns from the rewards its "
             "actions earn (the grid-world agent's greedy return rose above 0.9, a random policy's stayed below 0.5), "
             "not by finding structure in unlabelled data.")),
    "c3": self_check(
        "transfer_category", "a", ["a", "b", "c"],
        why=("Transfer learning is usually supervised: here a logistic regression is fitted on 20 labelled odd/even "
             "images, on top of a source model pretrained with digit labels (supervised pretraining).")),
    "c4": self_check(
        "why_transfer_won", "b", ["a", "b", "c"],
        why=("Both learners saw the same 20 labels; the transferred features already say which digit it is, and parity "
             "follows from the digit — hence a gain of at least 5 points on average, on every seed. A source that "
             "knew nothing the target needs would not help.")),
})
