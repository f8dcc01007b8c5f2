"""Exercise 06 — negative transfer: the NT gap with its interval, LEEP, choosing a source by LogME, falling back."""

import numpy as np

from ..grading import CheckFailed, ChoiceProblem, CustomProblem, ThoughtProblem, with_ids
from ._checks import Function, as_number, kind_of, self_check

CANDIDATES = ("printed digits", "printed letters", "random labels", "random init")  # the notebook's four backbones
LABELLED_PER_CLASS = 10


def _gap(error_with_source, error_target_only):
    from ..transferability import negative_transfer_gap

    g = negative_transfer_gap(error_with_source, error_target_only)
    return np.array([g["gap"], g["low"], g["high"]])


def _gap_cases():
    rng = np.random.default_rng(0)
    base = rng.uniform(0.1, 0.3, 6)
    return [(np.array([0.20, 0.25]), np.array([0.22, 0.24])),          # two seeds: wide interval
            (base + rng.normal(0.05, 0.02, 6), base),                   # hurts, every seed
            (np.array([0.15, 0.18, 0.12, 0.16, 0.20]), np.array([0.30, 0.10, 0.25, 0.05, 0.35])),  # pairing matters
            (base - 0.03, base),                                        # constant gap: zero-width interval
            ([0.304, 0.330, 0.327, 0.332], [0.266, 0.234, 0.242, 0.272]),  # lists, as the example below it passes
            ([0.1, 0.4, 0.2], [0.3, 0.1, 0.25])]                         # three seeds, signs differ


def _leep(source_probs, labels):
    from ..transferability import leep

    return leep(source_probs, labels)


def _leep_cases():
    rng = np.random.default_rng(1)
    probs = rng.dirichlet(np.ones(4), size=30)
    return [(np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.1, 0.9]]), np.array([0, 0, 1, 1])),
            (np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.1, 0.9]]), np.array([1, 1, 0, 0])),   # relabelled
            (probs, rng.integers(0, 3, 30)),                                                      # 4 → 3 classes
            (probs, np.array([5] * 15 + [7] * 15)),                                               # labels not 0..K-1
            (probs, np.array([0] * 4 + [3] * 20 + [10] * 6)),                                     # unbalanced, gaps
            (rng.dirichlet(np.ones(3) * 0.5, size=12), np.array([2, 0, 1, 1, 1, 1, 1, 1, 1, 0, 2, 1]))]


def _check_choice(scores, chosen, target_features, target_labels):
    """`scores` must be LogME of every candidate's features of the 100 labelled images; `chosen` the best by it.

    The candidates are the notebook's four, not whatever `target_features` holds now, and the features and labels
    must still be those of the 10-per-class labelled set (not recomputed on more images).
    """
    from ..transferability import logme

    if not isinstance(scores, dict):
        raise CheckFailed(f"`scores` should be a dict {{candidate name: LogME}}, not {kind_of(scores)}.")
    if not isinstance(target_features, dict) or set(target_features) != set(CANDIDATES):
        raise CheckFailed(f"`target_features` should still hold the features of the four candidates {list(CANDIDATES)}: "
                          "re-run the cell that extracts them.")
    labels = np.asarray(target_labels.detach().cpu() if hasattr(target_labels, "detach") else target_labels)
    counts = np.unique(labels, return_counts=True)[1] if labels.ndim == 1 else np.array([])
    if not len(counts) or (counts != LABELLED_PER_CLASS).any():
        raise CheckFailed(f"`target_labels` should be the labels of the {LABELLED_PER_CLASS} labelled images per class "
                          "the notebook picked — no more (no test images): re-run that cell.")
    for name in CANDIDATES:
        if len(target_features[name]) != len(labels):
            raise CheckFailed(f"`target_features[{name!r}]` has {len(target_features[name])} rows for {len(labels)} "
                              "labels: use the features of the labelled images only.")
    missing = [name for name in CANDIDATES if name not in scores]
    if missing:
        raise CheckFailed(f"`scores` has no entry for {missing[0]!r}: score every candidate.")
    want = {name: logme(target_features[name], labels) for name in CANDIDATES}
    for name, value in want.items():
        got = as_number(scores[name], f"scores[{name!r}]")
        if not np.isclose(got, value, rtol=1e-4, atol=1e-6):
            raise CheckFailed(f"`scores[{name!r}]` is {got:.4f}, but LogME of its features on the "
                              f"labelled target images is {value:.4f}: use `transferability.logme(features, labels)`.")
    if not isinstance(chosen, str) or chosen not in want:
        raise CheckFailed(f"`chosen` should be one of the candidate names {sorted(want)}, not {kind_of(chosen)}"
                          f"{f' ({chosen!r})' if isinstance(chosen, str) else ''}.")
    best = max(want, key=want.get)
    if chosen != best:
        extra = (" `max(scores)` compares the names (alphabetically), not the scores: use `key=scores.get`."
                 if chosen == max(CANDIDATES) else "")
        raise CheckFailed(f"{chosen!r} does not have the highest LogME ({want[chosen]:.3f} vs {want[best]:.3f}): "
                          "higher evidence means a better predicted transfer. Choose by the score — nothing has been "
                          f"trained yet.{extra}")


def _fallback(val_transfer, test_transfer, val_target_only, test_target_only):
    vt, tt = np.asarray(val_transfer, float), np.asarray(test_transfer, float)
    vs, ts = np.asarray(val_target_only, float), np.asarray(test_target_only, float)
    chosen = np.where(vt > vs, tt, ts)
    return float(np.mean((1 - chosen) - (1 - ts)))


def _fallback_cases():
    return [(np.array([0.8, 0.7]), np.array([0.82, 0.66]), np.array([0.75, 0.72]), np.array([0.76, 0.71])),
            (np.array([0.6, 0.9, 0.7]), np.array([0.9, 0.6, 0.8]), np.array([0.7, 0.8, 0.75]), np.array([0.7, 0.8, 0.7])),
            (np.array([0.5, 0.5]), np.array([0.9, 0.9]), np.array([0.5, 0.6]), np.array([0.4, 0.5])),   # tie → baseline
            (np.array([0.9, 0.95]), np.array([0.85, 0.9]), np.array([0.7, 0.6]), np.array([0.72, 0.61])),
            (np.array([0.9, 0.6, 0.8, 0.7]), np.array([0.7, 0.9, 0.6, 0.95]),            # per seed, not by the mean;
             np.array([0.8, 0.7, 0.85, 0.6]), np.array([0.75, 0.5, 0.9, 0.5]))]          # kept seeds count too


PROBLEMS = with_ids(__name__, {
    "q1": Function(
        "nt_gap", _gap, _gap_cases, pure=True,
        hints=("Pair the seeds: one difference per seed, error with the source minus error of the target-only model.",
               "Mean of the differences ± t·sd/√n, with t for 95 % and n − 1 degrees of freedom "
               "(`scipy.stats.t.ppf(0.975, n - 1)`) and the sample sd (`ddof=1`).",
               "`d = np.asarray(e_src) - np.asarray(e_tgt); h = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / "
               "np.sqrt(len(d)); return d.mean(), d.mean() - h, d.mean() + h`")),
    "q2": Function(
        "leep", _leep, _leep_cases, pure=True,
        hints=("Build the empirical joint P(y, z) by summing the source probabilities θ(x) over the images of each "
               "target class y, divided by n; then P(y | z) = P(y, z) / P(z).",
               "For each image, the expected prediction is Σ_z P(y_i | z) θ_z(x_i); LEEP is the mean of its log.",
               "Keep the probabilities — LEEP uses soft source predictions, not their argmax — and index the target "
               "classes by their position in `np.unique(labels)`.")),
    "q3": CustomProblem(
        ("scores", "chosen", "target_features", "target_labels"), _check_choice,
        hints=("One LogME per candidate, on its features of the labelled target images: "
               "`transferability.logme(features, labels)`.",
               "`scores = {name: transferability.logme(F, target_labels) for name, F in target_features.items()}`",
               "`chosen = max(scores, key=scores.get)`")),
    "q4": Function(
        "fallback_gap", _fallback, _fallback_cases, pure=True,
        hints=("For each seed, keep the transferred model if its *validation* accuracy is higher than the target-only "
               "model's, else the target-only model; then report the chosen model's *test* accuracy.",
               "The NT gap of the chosen models: mean over seeds of (1 − chosen test acc) − (1 − target-only test acc). "
               "On a tie, keep the simpler target-only model.",
               "`chosen = np.where(val_t > val_s, test_t, test_s); return np.mean((1 - chosen) - (1 - test_s))`")),
    "q5": ChoiceProblem(
        "procedure", "b", ["a", "b", "c"],
        why=("A frozen extractor keeps every feature the noisy source learned; only the head adapts. Fine-tuning can "
             "move every weight and undo part of a bad start. Lesson 06 measured about +7 points fine-tuned and about "
             "+40 frozen for the source that memorised random labels."),
        hints=("Which procedure can change the features the source learned?",)),
    "q6": ThoughtProblem(
        answer=("LogME is the evidence of a linear model on the frozen features, so it is built to predict a linear "
                "probe. Fine-tuning changes the features, so the frozen features tell only part of the story; and with "
                "few target labels the fine-tuned accuracies of reasonable sources differ by less than the seed noise "
                "(lesson 06: one seed's ranking agreed only loosely with another's), so there is little real ranking to "
                "predict. A score is best used to discard sources that will clearly hurt, then the target-only baseline "
                "and a validation set decide among the rest."),
        hints=("What model does LogME assume on top of the features, and what does fine-tuning do to the features?",)),
})


QUIZ = with_ids(__name__, {
    "c1": self_check(
        "procedure_matters", "c", ["a", "b", "c"],
        why=("Fine-tuned, the clean printed-digit source helped (a negative NT gap); frozen, with a "
             "logistic-regression head, it hurt against logistic regression on the raw pixels, a strong baseline on "
             "8×8 digits. Negative transfer belongs to the (source, target, procedure) triple, not to the source "
             "alone.")),
    "c2": self_check(
        "why_memorised_hurts", "a", ["a", "b", "c"],
        why=("cnn-random-labels saw 20,000 random labels in 6 epochs and never fit them (chance accuracy), so its "
             "weights stayed close to a random start; the source trained 800 steps on 1,000 images memorised its "
             "noise, and that hurt at least 2 points more (asserted).")),
    "c3": self_check(
        "ranking_ceiling", "b", ["a", "b", "c"],
        why=("Fine-tuning on 2 labels per class is so noisy that one seed's ranking of the eight candidates agrees "
             "only loosely with another's (the table's last row); no score can agree with a ranking better than the "
             "ranking agrees with itself, so only the mean over seeds is worth predicting.")),
    "c4": self_check(
        "cheap_insurance", "c", ["a", "b", "c"],
        why=("Train the target-only baseline too and keep, per seed, whichever model scores higher on the 100-image "
             "validation set: with that fallback the memorised-noise source cost about nothing and the clean "
             "source kept its benefit (asserted: the fallback's gap is lower than always transferring, and still "
             "negative for the clean source). A score ranks candidates; it cannot say 'none of them'.")),
})
