"""Checkers: every problem's solution passes, and at least three typical wrong answers fail with the right message.

Each case is a namespace (what the learner's notebook holds) and the status/message we expect.
"""

import functools

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from tl_course import grading
from tl_course.grading import FAIL, NOT_ATTEMPTED, PASS, ERROR, ____
from tl_course.problems.lesson02 import PROBE_CASES, c_sensitive_probe_case
from tl_course.problems.lesson08 import TFIDF_CASES, c_sensitive_tfidf_case


def _digits_ns():
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=1, stratify=y)
    clf = LogisticRegression(max_iter=500).fit(X_train, y_train)
    return dict(clf=clf, X_train=X_train, y_train=y_train, X_test=X_test, y_test=y_test)


DIGITS = _digits_ns()


def _refitted_on_test():
    """`clf` refitted in place on all the digits, test images included, then scored on the test set."""
    ns = dict(DIGITS)
    ns["clf"] = LogisticRegression(max_iter=500).fit(np.vstack([ns["X_train"], ns["X_test"]]),
                                                     np.concatenate([ns["y_train"], ns["y_test"]]))
    ns["test_acc"] = ns["clf"].score(ns["X_test"], ns["y_test"])
    return ns
X_TENSOR = torch.arange(6.0).reshape(2, 3)


def purity_ok(clusters, labels):
    return sum(np.bincount(labels[clusters == c]).max() for c in np.unique(clusters)) / len(labels)


def purity_assumes_ids(clusters, labels):  # assumes clusters are 0..k-1
    return sum(np.bincount(labels[clusters == c]).max() for c in range(clusters.max())) / len(labels)


def purity_count(clusters, labels):  # forgets to divide
    return sum(np.bincount(labels[clusters == c]).max() for c in np.unique(clusters))


def purity_minority(clusters, labels):  # takes the least common label
    return sum(np.bincount(labels[clusters == c])[np.bincount(labels[clusters == c]) > 0].min()
               for c in np.unique(clusters)) / len(labels)


def purity_crash(clusters, labels):
    return np.bincount(labels[clusters == "a"]).max()


def q_ok(Q, s, a, r, s2, done, alpha, gamma):
    target = r if done else r + gamma * np.max(Q[s2])
    return Q[s, a] + alpha * (target - Q[s, a])


def q_ignores_done(Q, s, a, r, s2, done, alpha, gamma):
    return Q[s, a] + alpha * (r + gamma * np.max(Q[s2]) - Q[s, a])


def q_no_alpha(Q, s, a, r, s2, done, alpha, gamma):
    return r if done else r + gamma * np.max(Q[s2])


def q_mean_not_max(Q, s, a, r, s2, done, alpha, gamma):
    target = r if done else r + gamma * np.mean(Q[s2])
    return Q[s, a] + alpha * (target - Q[s, a])


def q_in_place(Q, s, a, r, s2, done, alpha, gamma):  # right: updates the table, returns the new value
    target = r if done else r + gamma * np.max(Q[s2])
    Q[s, a] += alpha * (target - Q[s, a])
    return Q[s, a]


def q_forgets_return(Q, s, a, r, s2, done, alpha, gamma):
    Q[s, a] += alpha * (r - Q[s, a])


def few_ok(y, k, seed):
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.choice(np.flatnonzero(y == c), size=k, replace=False) for c in np.unique(y)])


def few_first_k(y, k, seed):  # not random: always the first k of each class
    return np.concatenate([np.flatnonzero(y == c)[:k] for c in np.unique(y)])


def few_total_k(y, k, seed):  # k in total instead of k per class
    return np.random.default_rng(seed).choice(len(y), size=k, replace=False)


def few_with_replacement(y, k, seed):
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.choice(np.flatnonzero(y == c), size=k, replace=True) for c in np.unique(y)])


def few_unseeded(y, k, seed):
    rng = np.random.default_rng()
    return np.concatenate([rng.choice(np.flatnonzero(y == c), size=k, replace=False) for c in np.unique(y)])


def few_returns_labels(y, k, seed):
    return y[few_ok(y, k, seed)]


def few_window(y, k, seed):  # deterministic: a window that moves with the seed
    return np.concatenate([np.flatnonzero(y == c)[seed:seed + k] for c in np.unique(y)])


def few_rolled(y, k, seed):  # deterministic rotation: each member equally often, but only neighbouring pairs
    return np.concatenate([np.roll(np.flatnonzero(y == c), seed)[:k] for c in np.unique(y)])


def few_smallest_class(y, k, seed):  # one permutation of the smallest class's size, reused: breaks on unbalanced labels
    rng = np.random.default_rng(seed)
    n = np.bincount(np.unique(y, return_inverse=True)[1]).min()
    pick = rng.permutation(n)[:k]
    return np.concatenate([np.flatnonzero(y == c)[pick] for c in np.unique(y)])


def few_shuffles_y(y, k, seed):  # shuffles the caller's labels in place
    np.random.default_rng(seed).shuffle(y)
    return np.concatenate([np.flatnonzero(y == c)[:k] for c in np.unique(y)])


def reach_ok(val_accs, target):
    for epoch, acc in enumerate(val_accs, start=1):
        if acc >= target:
            return epoch
    return None


def reach_zero_based(val_accs, target):
    for epoch, acc in enumerate(val_accs):
        if acc >= target:
            return epoch
    return None


def reach_strict(val_accs, target):
    for epoch, acc in enumerate(val_accs, start=1):
        if acc > target:
            return epoch
    return None


def reach_last_epoch(val_accs, target):
    for epoch, acc in enumerate(val_accs, start=1):
        if acc >= target:
            return epoch
    return len(val_accs)


def _probe_ns():
    from types import SimpleNamespace

    from tl_course import data, train

    rng = np.random.default_rng(4)  # a draw where validation and test choose different C (0.1 and 10)
    faces = data.load_faces()
    y = faces.y
    # Fake frozen features of the notebook's width (1280), spanning 16 dimensions with a weak class signal.
    features = (rng.normal(size=(200, 16)) + 0.8 * y.numpy()[:, None]) @ rng.normal(size=(16, 1280))
    tr, va, te = data.few_shot_split(y, 2, test_per_class=50, val_per_class=10, seed=0)
    ns = dict(features=features, faces=SimpleNamespace(y=y, X=faces.X), train_idx=tr, val_idx=va, test_idx=te)
    probe = train.linear_probe(features[tr], y[tr], features[va], y[va])
    cheat = train.linear_probe(features[te], y[te], features[va], y[va])
    scores = {"test": probe.score(features[te], y[te]), "train": probe.score(features[tr], y[tr]),
              "val": probe.score(features[va], y[va]), "cheat": cheat.score(features[te], y[te])}
    assert len({round(v, 6) for v in scores.values()}) == 4, scores  # the wrong answers must be distinguishable
    c_on_test = train.linear_probe(features[tr], y[tr], features[te], y[te])
    assert c_on_test[-1].C != probe[-1].C
    everything = train.linear_probe(features, y)
    scores.update(probe=probe, c_on_test=c_on_test, c_on_test_acc=c_on_test.score(features[te], y[te]),
                  all=everything, all_acc=everything.score(features[te], y[te]))
    return ns, scores


PROBE_NS, PROBE = _probe_ns()


def _fit_probe(features, y, fit_rows, choose_rows=None):
    from tl_course import train

    if choose_rows is None:
        return train.linear_probe(features[fit_rows], y[fit_rows])
    return train.linear_probe(features[fit_rows], y[fit_rows], features[choose_rows], y[choose_rows])


def probe_fn_ok(features, y, train_idx, val_idx, test_idx):
    return _fit_probe(features, y, train_idx, val_idx).score(features[test_idx], y[test_idx])


def probe_fn_predict_mean(features, y, train_idx, val_idx, test_idx):  # right, written another way
    pred = _fit_probe(features, y, train_idx, val_idx).predict(features[test_idx])
    return float((np.asarray(pred) == np.asarray(y[test_idx])).mean())


def probe_fn_c_on_test(features, y, train_idx, val_idx, test_idx):  # C chosen on the test rows
    return _fit_probe(features, y, train_idx, test_idx).score(features[test_idx], y[test_idx])


def probe_fn_sorted_labels(features, y, train_idx, val_idx, test_idx):  # labels out of line with the test rows
    probe = _fit_probe(features, y, train_idx, val_idx)
    return probe.score(features[test_idx], y[np.sort(np.asarray(test_idx))])


def probe_fn_tie_by_test(features, y, train_idx, val_idx, test_idx):  # validation ties broken by test accuracy
    from tl_course.train import linear_probe
    fits = [linear_probe(features[train_idx], y[train_idx], Cs=(C,)) for C in (0.1, 1.0, 10.0)]
    val = [f.score(features[val_idx], y[val_idx]) for f in fits]
    return max(f.score(features[test_idx], y[test_idx]) for f, v in zip(fits, val) if v == max(val))


def probe_fn_globals(features, y, train_idx, val_idx, test_idx):  # ignores its arguments: the notebook's split
    ns = PROBE_NS
    return probe_fn_ok(ns["features"], ns["faces"].y, ns["train_idx"], ns["val_idx"], ns["test_idx"])


def probe_fn_centres_in_place(features, y, train_idx, val_idx, test_idx):  # changes the caller's features
    features -= features.mean(0)
    return probe_fn_ok(features, y, train_idx, val_idx, test_idx)


def probe_fn_train_and_val(features, y, train_idx, val_idx, test_idx):
    both = np.concatenate([np.asarray(train_idx), np.asarray(val_idx)])
    return _fit_probe(features, y, both, val_idx).score(features[test_idx], y[test_idx])


def probe_fn_percent(features, y, train_idx, val_idx, test_idx):
    return 100 * probe_fn_ok(features, y, train_idx, val_idx, test_idx)


PROBE_Q3 = dict(PROBE_NS, honest_probe_accuracy=probe_fn_ok, probe_acc=PROBE["test"])


def _tie_broken_by_test(score_with, te, Cs):
    """What an answer that breaks validation ties with the test rows scores (in the tie problems, every C ties), and
    a check that the test rows come in no order (labels picked out of line with them change with the order)."""
    assert not np.array_equal(np.sort(te), te)
    return {"tie broken by test": max(score_with(C) for C in Cs)}


def _tie_checks(val_scores, chosen_C, smallest_C, tie):
    if tie:
        assert len(set(np.round(val_scores, 12))) == 1 and chosen_C == smallest_C   # all tie on validation
    else:
        assert sum(v == max(val_scores) for v in val_scores) == 1                     # one best on validation


@pytest.mark.parametrize("seed,tie", PROBE_CASES)
def test_the_graders_probe_problems_tell_c_chosen_on_test_from_c_chosen_on_validation(seed, tie):
    """The grader's own probe problems (02.q3) must keep the property they exist for, whatever sklearn does."""
    from tl_course.train import linear_probe

    features, y, tr, va, te = c_sensitive_probe_case(seed, tie)
    fits = {C: linear_probe(features[tr], y[tr], Cs=(C,)) for C in (0.1, 1.0, 10.0)}
    _tie_checks([fits[C].score(features[va], y[va]) for C in fits], _fit_probe(features, y, tr, va)[-1].C, 0.1, tie)
    slips = _tie_broken_by_test(lambda C: fits[C].score(features[te], y[te]), te.numpy(), fits) if tie else {}
    on_val, on_test = _fit_probe(features, y, tr, va), _fit_probe(features, y, tr, te)
    assert on_val[-1].C != on_test[-1].C
    honest = on_val.score(features[te], y[te])
    wrong = {f.__name__: f(features.clone(), y, tr, va, te) for f in
             (probe_fn_c_on_test, probe_fn_train_and_val, probe_fn_percent)}
    wrong.update(val=on_val.score(features[va], y[va]), train=on_val.score(features[tr], y[tr]),
                 default=_fit_probe(features, y, tr).score(features[te], y[te]),
                 on_test=_fit_probe(features, y, te, va).score(features[te], y[te]))
    wrong.update(slips)
    assert all(abs(v - honest) > 0.01 for v in wrong.values()), (honest, wrong)
    assert probe_fn_predict_mean(features, y, tr, va, te) == pytest.approx(honest, abs=1e-12)
    assert len(set(tr.tolist()) | set(va.tolist()) | set(te.tolist())) < len(y)  # rows in no split, as in the notebook
    if seed % 2 == 0:  # unequal training classes: re-weighting them gives another probe
        from tl_course.train import linear_probe
        balanced = linear_probe(features[tr], y[tr], features[va], y[va], class_weight="balanced")
        assert abs(balanced.score(features[te], y[te]) - honest) > 0.01


@pytest.mark.parametrize("seed,tie", TFIDF_CASES)
def test_the_graders_text_problems_tell_c_chosen_on_test_from_c_chosen_on_validation(seed, tie):
    """The grader's own text problems (08.q3): C chosen on test, the default C and the usual slips give numbers
    other than the honest one."""
    from tl_course.text import tfidf_probe

    texts, y, tr, va, te = c_sensitive_tfidf_case(seed, tie)
    T = lambda rows: [texts[i] for i in rows]  # noqa: E731
    on_val, on_test = tfidf_probe(T(tr), y[tr], T(va), y[va]), tfidf_probe(T(tr), y[tr], T(te), y[te])
    fits = {C: tfidf_probe(T(tr), y[tr], Cs=(C,)) for C in (1.0, 10.0, 100.0)}
    _tie_checks([fits[C].score(T(va), y[va]) for C in fits], on_val[-1].C, 1.0, tie)
    slips = _tie_broken_by_test(lambda C: fits[C].score(T(te), y[te]), te, fits) if tie else {}
    assert on_val[-1].C != on_test[-1].C and on_val[-1].C != 10.0      # 10: the default, the middle of the grid
    honest = on_val.score(T(te), y[te])
    both = np.concatenate([tr, va])
    wrong = {"on_test": on_test.score(T(te), y[te]), "val": on_val.score(T(va), y[va]),
             "train": on_val.score(T(tr), y[tr]), "default": tfidf_probe(T(tr), y[tr]).score(T(te), y[te]),
             "train+val": tfidf_probe(T(both), y[both], T(va), y[va]).score(T(te), y[te]),
             "trained on test": tfidf_probe(T(te), y[te], T(va), y[va]).score(T(te), y[te])}
    for name, fn in {"idf from all": _TFIDF_FNS["all_texts_idf"]}.items():
        wrong[name] = fn(texts, y, tr, va, te)
    wrong.update(slips)
    assert all(abs(v - honest) > 0.01 for v in wrong.values()), (honest, wrong)
    assert _tfidf_fn()(texts, y, tr.copy(), va.copy(), te.copy()) == pytest.approx(honest, abs=1e-12)
    assert len(set(tr.tolist()) | set(va.tolist()) | set(te.tolist())) < len(y)  # rows in no split, as in the notebook
    assert isinstance(texts, list) and all(isinstance(t, str) for t in texts) and y.dtype == np.int64


def _extractor_cases():
    """Trained models for 03.q2: the right one, and the classic mistakes."""
    from tl_course import data, models, train

    digits = data.load_digits()
    tr, _, te = data.few_shot_split(digits.y, k=10, test_per_class=100, seed=0)
    ns = dict(digits=digits, test_idx=te)

    def fit(model):
        train.fit(model, (digits.X[tr], digits.y[tr]), num_epochs=30, lr=1e-2, seed=0, progress=False)
        return model

    def pretrained():
        return models.load_pretrained("cnn-printed-digits")

    right = fit(models.replace_head(models.freeze(pretrained()), 10))
    unfrozen = fit(models.replace_head(pretrained(), 10))
    grad_off_only = models.replace_head(pretrained(), 10)
    for p in grad_off_only.features.parameters():
        p.requires_grad_(False)  # the pitfall: BatchNorm still updates its running statistics
    fit(grad_off_only)
    untrained = models.replace_head(models.freeze(pretrained()), 10)
    old_head = models.freeze(pretrained())
    scratch = fit(models.replace_head(models.freeze(models.SmallCNN(10)), 10))
    old_head_gentle = models.freeze(pretrained())  # the pretrained head fine-tuned instead of a new one
    train.fit(old_head_gentle, (digits.X[tr], digits.y[tr]), num_epochs=30, lr=1e-3, seed=0, progress=False)
    on_test = models.replace_head(models.freeze(pretrained()), 10)
    train.fit(on_test, (digits.X[te], digits.y[te]), num_epochs=10, lr=1e-2, seed=0, progress=False)
    in_train_mode = fit(models.replace_head(models.freeze(pretrained()), 10)).train()
    on_gpu_like = models.replace_head(models.freeze(pretrained()), 11)
    return [(dict(ns, model=right), PASS, ""),
            (dict(ns, model=right, train_idx=tr), PASS, ""),
            (dict(ns, model=in_train_mode), PASS, ""),        # the check evaluates a copy in eval mode itself
            (dict(ns, model=old_head_gentle), FAIL, "pretrained printed-digit head"),
            (dict(ns, model=on_test), FAIL, "more than"),
            (dict(ns, model=on_gpu_like), FAIL, "11 outputs"),
            (dict(ns, model=train.History()), FAIL, "History"),
            (dict(ns, model=right, train_idx=te), FAIL, "as the notebook made"),
            (dict(ns, model=right, test_idx=tr), FAIL, "100 images of every class"),
            (dict(ns, model=unfrozen), FAIL, "not frozen"),
            (dict(ns, model=grad_off_only), FAIL, "BatchNorm statistics drifted"),
            (dict(ns, model=untrained), FAIL, "held-out accuracy"),
            (dict(ns, model=old_head), FAIL, "still the pretrained one"),
            (dict(ns, model=scratch), FAIL, "weights changed"),
            (dict(ns, model=digits.X), FAIL, "should be the pretrained CNN"),
            (dict(ns, model=____), NOT_ATTEMPTED, "")]


def pool_ok(fmap):
    return fmap.mean((2, 3))


def pool_channels(fmap):  # averages the wrong axis
    return fmap.mean(1)


def pool_flatten(fmap):  # keeps every position instead of averaging
    return fmap.flatten(1)


def pool_max(fmap):
    return fmap.amax((2, 3))


def rates_ok(head_lr, num_blocks, mult):
    return [head_lr / mult ** (num_blocks - i) for i in range(num_blocks)] + [head_lr]


def rates_head_first(head_lr, num_blocks, mult):  # network order reversed
    return rates_ok(head_lr, num_blocks, mult)[::-1]


def rates_off_by_one(head_lr, num_blocks, mult):  # the last block gets the head's rate
    return [head_lr / mult ** (num_blocks - i - 1) for i in range(num_blocks)] + [head_lr]


def rates_no_head(head_lr, num_blocks, mult):
    return rates_ok(head_lr, num_blocks, mult)[:-1]


def change_ok(before, after):
    change = sum(((after[k] - before[k]) ** 2).sum() for k in before)
    return float((change / sum((before[k] ** 2).sum() for k in before)) ** 0.5)


def change_per_tensor(before, after):  # averages each tensor's relative change
    return float(np.mean([float((after[k] - before[k]).norm() / before[k].norm()) for k in before]))


def change_squared(before, after):  # forgets the square root
    return change_ok(before, after) ** 2


def change_over_after(before, after):  # divides by the new size
    change = sum(((after[k] - before[k]) ** 2).sum() for k in before)
    return float((change / sum((after[k] ** 2).sum() for k in after)) ** 0.5)


def _partial_fine_tune_cases():
    from tl_course import data, models, train

    digits = data.load_digits()
    tr, va, te = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=0)
    ns = dict(digits=digits, val_idx=va, test_idx=te)

    def fit(model, lr=1e-3, val=va):
        return train.fit_steps(model, digits.X[tr], digits.y[tr], val=(digits.X[val], digits.y[val]), steps=200,
                               lr=lr, seed=0, progress=False, device="cpu")

    def new(up_to=None):
        torch.manual_seed(0)
        model = models.replace_head(models.load_pretrained("cnn-printed-digits"), 10)
        return models.freeze(model, up_to=up_to) if up_to != 0 else model

    right = new(1)
    best = fit(right)
    nothing_frozen, all_frozen = new(0), new(None)
    fit(nothing_frozen), fit(all_frozen)
    grad_off_only = new(0)
    for p in grad_off_only.features[0].parameters():
        p.requires_grad_(False)  # the pitfall: BatchNorm still updates its running statistics
    fit(grad_off_only)
    untrained = new(1)
    too_low = new(1)
    best_too_low = fit(too_low, lr=1e-5)
    on_test = new(1)
    best_trained_on_test = train.fit_steps(on_test, digits.X[te], digits.y[te], val=(digits.X[va], digits.y[va]), steps=100, lr=1e-3,
                    seed=0, progress=False, device="cpu")
    step_on_test = new(1)    # trained on the training images, but the step kept by its test accuracy
    best_on_test = fit(step_on_test, val=te)
    no_val = new(1)          # fit_steps without val=: the last step, and a record of nothing
    best_no_val = train.fit_steps(no_val, digits.X[tr], digits.y[tr], steps=200, seed=0, progress=False, device="cpu")
    wide = models.freeze(models.replace_head(models.load_pretrained("cnn-printed-digits"), 11), up_to=1)
    return [(dict(ns, model=right, best=best), PASS, ""),
            (dict(ns, model=right, best=best, train_idx=tr), PASS, ""),
            (dict(ns, model=step_on_test, best=best_on_test), FAIL, "kept for its accuracy on the test split"),
            (dict(ns, model=no_val, best=best_no_val), FAIL, "without `val=`"),
            (dict(ns, model=too_low, best=best), FAIL, "is not the model it kept"),
            (dict(ns, model=right, best=best["val_acc"]), FAIL, "should be what `train.fit_steps"),
            (dict(ns, model=right, best=dict(best, val_acc=0.9137)), FAIL, "not an accuracy on the 100 validation"),
            (dict(ns, model=on_test, best=best_trained_on_test), FAIL, "more than"),
            (dict(ns, model=wide, best=best), FAIL, "11 outputs"),
            (dict(ns, model=right, best=best, train_idx=tr, val_idx=te), FAIL, "as the notebook made"),
            (dict(ns, model=train.History(), best=best), FAIL, "History"),
            (dict(ns, model=nothing_frozen, best=best), FAIL, "not frozen"),
            (dict(ns, model=all_frozen, best=best), FAIL, "feature extraction"),
            (dict(ns, model=grad_off_only, best=best), FAIL, "BatchNorm statistics drifted"),
            (dict(ns, model=untrained, best=best), FAIL, "never trained"),
            (dict(ns, model=too_low, best=best_too_low), FAIL, "held-out accuracy"),
            (dict(ns, model=models.SmallCNN(10), best=best), FAIL, "not frozen"),
            (dict(ns, model="model", best=best), FAIL, "should be the pretrained CNN"),
            (dict(ns, model=____, best=best), NOT_ATTEMPTED, "")]


def coral_ok(f_source, f_target):
    d = f_source.shape[1]
    return ((torch.cov(f_source.T) - torch.cov(f_target.T)) ** 2).sum() / (4 * d * d)


def coral_unscaled(f_source, f_target):  # forgets the 4d² normaliser
    return ((torch.cov(f_source.T) - torch.cov(f_target.T)) ** 2).sum()


def coral_uncentred(f_source, f_target):  # second moments, not covariances
    d = f_source.shape[1]
    return ((f_source.T @ f_source / len(f_source) - f_target.T @ f_target / len(f_target)) ** 2).sum() / (4 * d * d)


def coral_means(f_source, f_target):  # matches means instead of covariances
    return ((f_source.mean(0) - f_target.mean(0)) ** 2).sum()


def iw_ok(correct, weights):
    correct, weights = np.asarray(correct, float), np.asarray(weights, float)
    return (weights * correct).sum() / weights.sum()


def ess_ok(weights):
    weights = np.asarray(weights, float)
    return weights.sum() ** 2 / (weights ** 2).sum()


def pad_ok(error):
    return 2 * (1 - 2 * min(error, 0.5))


def _adabn_cases():
    from tl_course import adapt, data, models, train

    target = data.load_digits().X[:300]
    ns = dict(target_images=target)

    def pretrained():
        return models.load_pretrained("cnn-printed-digits")

    right = adapt.adabn(pretrained(), target, device="cpu")
    nudged = pretrained()
    nudged.train()
    with torch.no_grad():
        nudged(target)  # one pass with the default momentum: only 10 % of the way to the target statistics
    nudged.eval()
    trained = pretrained()
    train.fit_steps(trained, target[:20], torch.arange(20) % 10, steps=3, progress=False, device="cpu")
    left_training = adapt.adabn(pretrained(), target, device="cpu").train()
    inner_training = adapt.adabn(pretrained(), target, device="cpu")
    inner_training.features[4][1].train()  # the root is in eval mode, one BatchNorm layer inside is not
    first_only = pretrained()
    first_only.features[0].train()
    with torch.no_grad():
        first_only.features[0][1].reset_running_stats()
        first_only.features[0][1].momentum = None
        first_only.features[0](target)  # only the first block's BatchNorm sees the target
    first_only.eval()
    all_digits = adapt.adabn(pretrained(), data.load_digits().X, device="cpu")  # more images than given
    one_batch = pretrained()
    one_batch.train()
    for m in one_batch.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.reset_running_stats()
            m.momentum = 1.0
    with torch.no_grad():
        one_batch(target.clone())  # right: one batch of all 300 images, momentum 1
    one_batch.eval()
    return [(dict(ns, model=right), PASS, ""),
            (dict(ns, model=one_batch), PASS, ""),
            (dict(ns, model=inner_training), FAIL, "train mode"),
            (dict(ns, model=first_only), FAIL, "every BatchNorm layer"),
            (dict(ns, model=all_digits), FAIL, "300 target images"),
            (dict(ns, model=right, target_images=target * 2), FAIL, "were changed"),
            (dict(ns, model=pretrained()), FAIL, "the source's"),
            (dict(ns, model=nudged), FAIL, "momentum"),
            (dict(ns, model=trained), FAIL, "weights changed"),
            (dict(ns, model=left_training), FAIL, "train mode"),
            (dict(ns, model=target), FAIL, "should be the pretrained CNN"),
            (dict(ns, model=____), NOT_ATTEMPTED, "")]


# ---- exercise 06: negative transfer


def gap_ok(e_src, e_tgt):
    from scipy import stats
    d = np.asarray(e_src) - np.asarray(e_tgt)
    half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    return d.mean(), d.mean() - half, d.mean() + half


def gap_flipped(e_src, e_tgt):  # target only minus source: the sign of "helps" and "hurts" swapped
    return tuple(-v for v in gap_ok(e_src, e_tgt))[::-1]


def gap_z(e_src, e_tgt):  # 1.96 instead of t: too narrow with few seeds
    d = np.asarray(e_src) - np.asarray(e_tgt)
    half = 1.96 * d.std(ddof=1) / np.sqrt(len(d))
    return d.mean(), d.mean() - half, d.mean() + half


def gap_unpaired(e_src, e_tgt):  # ignores the pairing: Welch-style interval of the difference of means
    from scipy import stats
    a, b = np.asarray(e_src), np.asarray(e_tgt)
    se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    half = stats.t.ppf(0.975, len(a) - 1) * se
    return a.mean() - b.mean(), a.mean() - b.mean() - half, a.mean() - b.mean() + half


def leep_ok(theta, y):
    classes = np.unique(y)
    joint = np.stack([theta[y == c].sum(0) for c in classes]) / len(y)
    cond = joint / joint.sum(0, keepdims=True)
    return np.log((theta * cond[np.searchsorted(classes, y)]).sum(1)).mean()


def leep_argmax(theta, y):  # hard source predictions instead of probabilities
    return leep_ok(np.eye(theta.shape[1])[theta.argmax(1)] * 0.999 + 0.001 / theta.shape[1], y)


def leep_joint(theta, y):  # forgets to divide by P(z): uses the joint, not the conditional
    classes = np.unique(y)
    joint = np.stack([theta[y == c].sum(0) for c in classes]) / len(y)
    return np.log((theta * joint[np.searchsorted(classes, y)]).sum(1)).mean()


def leep_index_by_label(theta, y):  # indexes rows by the raw label: wrong when labels are not 0..K-1
    classes = np.unique(y)
    joint = np.stack([theta[y == c].sum(0) for c in classes]) / len(y)
    cond = joint / joint.sum(0, keepdims=True)
    return np.log((theta * cond[np.minimum(y, len(classes) - 1)]).sum(1)).mean()


def _choice_ns():
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(3), 10)
    good = np.eye(3)[y] @ rng.normal(size=(3, 8)) * 2 + rng.normal(size=(30, 8))
    feats = {"printed digits": good, "random labels": rng.normal(size=(30, 8)),
             "printed letters": good * 0.2 + rng.normal(size=(30, 8)), "random init": good * 0.5 + rng.normal(size=(30, 8))}
    return feats, y


CHOICE_FEATURES, CHOICE_LABELS = _choice_ns()


def _choice_cases():
    from tl_course.transferability import h_score, logme
    ok = {n: logme(F, CHOICE_LABELS) for n, F in CHOICE_FEATURES.items()}
    base = {"target_features": CHOICE_FEATURES, "target_labels": CHOICE_LABELS}
    worst = min(ok, key=ok.get)
    h = {n: h_score(F, CHOICE_LABELS) for n, F in CHOICE_FEATURES.items()}          # another score
    more = {n: np.vstack([F, F]) for n, F in CHOICE_FEATURES.items()}                 # features of more images
    assert max(ok) != max(ok, key=ok.get)  # the alphabetically last name is not the best one
    return [({**base, "scores": ok, "chosen": "printed digits"}, PASS, ""),
            ({**base, "scores": ok, "chosen": worst}, FAIL, "highest LogME"),
            ({**base, "scores": ok, "chosen": max(ok)}, FAIL, "compares the names"),
            ({**base, "scores": h, "chosen": "printed digits"}, FAIL, "transferability.logme"),
            ({**base, "scores": {"printed digits": ok["printed digits"]}, "chosen": "printed digits"}, FAIL, "no entry"),
            ({**base, "scores": ok, "chosen": "the good one"}, FAIL, "candidate names"),
            ({**base, "scores": ok, "chosen": ["printed digits"]}, FAIL, "candidate names"),
            ({**base, "scores": [1, 2, 3], "chosen": "printed digits"}, FAIL, "should be a dict"),
            ({**base, "scores": {**ok, "random init": "high"}, "chosen": "printed digits"}, FAIL, "single number"),
            ({"target_features": {k: v for k, v in CHOICE_FEATURES.items() if k != "random labels"},
              "target_labels": CHOICE_LABELS, "scores": ok, "chosen": "printed digits"}, FAIL, "four candidates"),
            ({"target_features": more, "target_labels": np.concatenate([CHOICE_LABELS] * 2), "scores": ok,
              "chosen": "printed digits"}, FAIL, "labelled images per class"),
            ({**base, "scores": ____, "chosen": ____}, NOT_ATTEMPTED, "")]


def fallback_ok(vt, tt, vs, ts):
    chosen = np.where(np.asarray(vt) > np.asarray(vs), tt, ts)
    return np.mean((1 - chosen) - (1 - np.asarray(ts)))


def fallback_on_test(vt, tt, vs, ts):  # chooses by test accuracy: selection bias
    chosen = np.maximum(tt, ts)
    return np.mean((1 - chosen) - (1 - np.asarray(ts)))


def fallback_always(vt, tt, vs, ts):  # never falls back
    return np.mean((1 - np.asarray(tt)) - (1 - np.asarray(ts)))


def fallback_tie_transfer(vt, tt, vs, ts):  # keeps the transferred model on a tie
    chosen = np.where(np.asarray(vt) >= np.asarray(vs), tt, ts)
    return np.mean((1 - chosen) - (1 - np.asarray(ts)))


# ---- exercise 07: more than one task
import copy as _copy

import torch.nn.functional as _F
from sklearn.model_selection import KFold as _KFold
from sklearn.model_selection import StratifiedKFold as _SKFold
from torch import nn as _nn

from tl_course import models as _models


def mtl_ok(logits, labels, weights):
    return sum(weights[t] * _F.cross_entropy(logits[t], labels[t]) for t in logits)


def mtl_unweighted(logits, labels, weights):
    return sum(_F.cross_entropy(logits[t], labels[t]) for t in logits)


def mtl_mean_of_tasks(logits, labels, weights):  # averages the weighted terms instead of adding them
    return mtl_ok(logits, labels, weights) / len(logits)


def mtl_by_position(logits, labels, weights):  # pairs the weights with the tasks by order, not by name
    return sum(w * _F.cross_entropy(lg, lb) for lg, lb, w in zip(logits.values(), labels.values(), weights.values()))


def mtl_item(logits, labels, weights):  # right number, but no gradient can flow
    return mtl_ok(logits, labels, weights).item()


def mtl_summed_rows(logits, labels, weights):  # sums the cross-entropy over rows: big tasks dominate
    return sum(weights[t] * _F.cross_entropy(logits[t], labels[t], reduction="sum") for t in logits)


def oof_ok(make_probe, F, y, folds, seed):
    probs = np.zeros((len(y), len(np.unique(y))))
    for fitted, held in _SKFold(folds, shuffle=True, random_state=seed).split(F, y):
        probs[held] = make_probe().fit(F[fitted], y[fitted]).predict_proba(F[held])
    return probs


def oof_in_fold(make_probe, F, y, folds, seed):  # the leak: one probe fitted on every row predicts every row
    return make_probe().fit(F, y).predict_proba(F)


def oof_not_stratified(make_probe, F, y, folds, seed):  # KFold in row order: a fold can miss a class
    probs = np.zeros((len(y), len(np.unique(y))))
    for fitted, held in _KFold(folds).split(F, y):
        probs[held] = make_probe().fit(F[fitted], y[fitted]).predict_proba(F[held])
    return probs


def oof_no_shuffle(make_probe, F, y, folds, seed):  # ignores the seed: the same folds every time
    probs = np.zeros((len(y), len(np.unique(y))))
    for fitted, held in _SKFold(folds).split(F, y):
        probs[held] = make_probe().fit(F[fitted], y[fitted]).predict_proba(F[held])
    return probs


def oof_averaged(make_probe, F, y, folds, seed):  # averages every fold's probe over all rows (its own included)
    split = _SKFold(folds, shuffle=True, random_state=seed).split(F, y)
    return np.mean([make_probe().fit(F[fitted], y[fitted]).predict_proba(F) for fitted, _ in split], axis=0)


def oof_stacked_in_fold_order(make_probe, F, y, folds, seed):  # right predictions, in the wrong rows
    split = _SKFold(folds, shuffle=True, random_state=seed).split(F, y)
    return np.vstack([make_probe().fit(F[fitted], y[fitted]).predict_proba(F[held]) for fitted, held in split])


def oof_inverted(make_probe, F, y, folds, seed):  # fits on the small fold, predicts the other four
    probs = np.zeros((len(y), len(np.unique(y))))
    for held, fitted in _SKFold(folds, shuffle=True, random_state=seed).split(F, y):
        probs[held] = make_probe().fit(F[fitted], y[fitted]).predict_proba(F[held])
    return probs


def oof_unseeded_shuffle(make_probe, F, y, folds, seed):  # shuffles, but not with the seed
    probs = np.zeros((len(y), len(np.unique(y))))
    for fitted, held in _SKFold(folds, shuffle=True).split(F, y):
        probs[held] = make_probe().fit(F[fitted], y[fitted]).predict_proba(F[held])
    return probs


def two_columns(freeze, fwd):
    """A TwoColumns class whose old column is built by `freeze(copy)` and whose forward is `fwd(self, x)`."""

    class TwoColumns(_nn.Module):
        def __init__(self, old, num_classes):
            super().__init__()
            self.old = freeze(_copy.deepcopy(old))
            self.new = _models.SmallCNN(num_classes, width=16).features
            self.head = _nn.Linear(64 + old.num_features, num_classes)

        def forward(self, x):
            return fwd(self, x)

    return TwoColumns


both_columns = lambda self, x: self.head(torch.cat([self.new(x), self.old.features(x)], dim=1))  # noqa: E731
COLUMNS_OK = two_columns(lambda m: _models.freeze(m).requires_grad_(False), both_columns)


def _no_grad_old(self, x):  # no gradient into the old column, but its BatchNorm still updates in train mode
    with torch.no_grad():
        old = self.old.features(x)
    return self.head(torch.cat([self.new(x), old], dim=1))


def forgetting_ok(backbone, head_a, X, y, before):
    backbone.eval()
    with torch.no_grad():
        return before - (head_a(backbone(X)).argmax(1) == y).float().mean().item()


def forgetting_train_mode(backbone, head_a, X, y, before):  # BatchNorm uses the batch's statistics
    with torch.no_grad():
        return before - (head_a(backbone(X)).argmax(1) == y).float().mean().item()


CASES_07 = {
    "07.q1": [({"multitask_loss": mtl_ok}, PASS, ""),
              ({"multitask_loss": mtl_unweighted}, FAIL, "test case 2"),
              ({"multitask_loss": mtl_mean_of_tasks}, FAIL, "test case 1"),
              ({"multitask_loss": mtl_by_position}, FAIL, "test case 3"),
              ({"multitask_loss": mtl_item}, FAIL, "gradients can flow"),
              ({"multitask_loss": mtl_summed_rows}, FAIL, "test case 1"),
              ({"multitask_loss": lambda a, b, c: ____}, NOT_ATTEMPTED, "")],
    "07.q2": [({"out_of_fold": oof_ok}, PASS, ""),
              ({"out_of_fold": oof_in_fold}, FAIL, "fitted 1 times"),
              ({"out_of_fold": oof_no_shuffle}, FAIL, "same folds"),
              ({"out_of_fold": oof_not_stratified}, FAIL, "stratify"),
              ({"out_of_fold": oof_averaged}, FAIL, "fitted on it"),
              ({"out_of_fold": oof_stacked_in_fold_order}, FAIL, "own rows"),
              ({"out_of_fold": oof_inverted}, FAIL, "split the rows"),
              ({"out_of_fold": oof_unseeded_shuffle}, FAIL, "same seed"),
              ({"out_of_fold": lambda *a: ____}, NOT_ATTEMPTED, "")],
    "07.q3": [({"TwoColumns": COLUMNS_OK}, PASS, ""),
              ({"TwoColumns": two_columns(_models.freeze, both_columns)}, PASS, ""),      # its unused head is free
              ({"TwoColumns": two_columns(lambda m: m, both_columns)}, FAIL, "receives gradients"),
              ({"TwoColumns": two_columns(lambda m: m.requires_grad_(False), both_columns)}, FAIL, "statistics"),
              ({"TwoColumns": two_columns(lambda m: m.eval(), both_columns)}, FAIL, "gradients"),
              ({"TwoColumns": two_columns(lambda m: m, _no_grad_old)}, FAIL, "statistics"),
              ({"TwoColumns": two_columns(lambda m: _models.freeze(m).requires_grad_(False),
                                          lambda self, x: self.head(torch.cat([self.new(x), self.new(x)[:, :32]], 1)))},
               FAIL, "depend on the old column"),
              ({"TwoColumns": two_columns(lambda m: _models.freeze(m).requires_grad_(False),
                                          lambda self, x: self.head(torch.cat([self.new(x), self.old(x)], 1)))},
               ERROR, ""),
              ({"TwoColumns": COLUMNS_OK(_models.SmallCNN(10, width=8), 5)}, FAIL, "the class"),
              ({"TwoColumns": ____}, NOT_ATTEMPTED, "")],
    "07.q4": [({"forgetting": forgetting_ok}, PASS, ""),
              ({"forgetting": forgetting_train_mode}, FAIL, "evaluation mode"),
              ({"forgetting": lambda b, h, X, y, before: -forgetting_ok(b, h, X, y, before)}, FAIL, "sign"),
              ({"forgetting": lambda b, h, X, y, before: 100 * forgetting_ok(b, h, X, y, before)}, FAIL, "percentage"),
              ({"forgetting": lambda b, h, X, y, before: 1 - forgetting_ok(b, h, X, y, before)}, FAIL, "test case 1"),
              ({"forgetting": lambda b, h, X, y, before: ____}, NOT_ATTEMPTED, "")],
    "07.q5": [({"remedy": "c"}, PASS, ""),
              ({"remedy": "C"}, PASS, ""),
              ({"remedy": "a"}, FAIL, "keep A exactly"),
              ({"remedy": "b"}, FAIL, "LwF moves A"),
              ({"remedy": "d"}, FAIL, "ten points"),
              ({"remedy": "progressive"}, FAIL, "one of")],
    "07.q6": [({"honest_score": "b"}, PASS, ""),
              ({"honest_score": "a"}, FAIL, "memory"),
              ({"honest_score": "c"}, FAIL, "not the best"),
              ({"honest_score": 2}, FAIL, "one of")],
}


# ---- exercise 08: text
def cos_ok(U, V):
    U, V = np.asarray(U, dtype=float), np.asarray(V, dtype=float)
    return (U / np.linalg.norm(U, axis=1, keepdims=True)) @ (V / np.linalg.norm(V, axis=1, keepdims=True)).T


def nearest_ok(q, E, k):
    return np.argsort(-cos_ok(np.asarray(q)[None], E)[0])[:k]


def drop_ok(make_model, inside, outside, test):
    return make_model().fit(*inside).score(*test) - make_model().fit(*outside).score(*test)


def drop_one_model(make_model, inside, outside, test):  # one model fitted twice, scored after both fits
    model = make_model()
    model.fit(*inside)
    model.fit(*outside)
    return model.score(*test) - model.score(*test)


def drop_on_training_data(make_model, inside, outside, test):  # each model scored on what it was fitted on
    return make_model().fit(*inside).score(*inside) - make_model().fit(*outside).score(*outside)


def _tfidf_fn(train_rows="tr", choose="va", C_grid=(1.0, 10.0, 100.0), scale=1.0, sort=False, sorted_labels=False):
    """An `honest_tfidf_accuracy` that trains on `train_rows` and chooses C on `choose` ("tr", "va", "te",
    "tr+va", or None for the default C)."""
    from tl_course import text

    def honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):
        if sort:
            train_idx.sort()                                   # changes the caller's array in place
        rows = {"tr": train_idx, "va": val_idx, "te": test_idx, "tr+va": np.concatenate([train_idx, val_idx])}
        T = lambda r: [texts[i] for i in r]                    # noqa: E731
        fit_on = rows[train_rows]
        val = () if choose is None else (T(rows[choose]), y[rows[choose]])
        probe = text.tfidf_probe(T(fit_on), y[fit_on], *val, Cs=C_grid)
        labels = y[np.sort(test_idx)] if sorted_labels else y[test_idx]
        return scale * probe.score(T(test_idx), labels)
    return honest_tfidf_accuracy


def _tfidf_tie_by_test(texts, y, train_idx, val_idx, test_idx):
    """C chosen on validation, but ties broken by test accuracy."""
    from tl_course import text
    T = lambda r: [texts[i] for i in r]                        # noqa: E731
    fits = [text.tfidf_probe(T(train_idx), y[train_idx], Cs=(C,)) for C in (1.0, 10.0, 100.0)]
    val = [f.score(T(val_idx), y[val_idx]) for f in fits]
    return max(f.score(T(test_idx), y[test_idx]) for f, v in zip(fits, val) if v == max(val))


def _all_texts_idf(texts, y, train_idx, val_idx, test_idx):
    """The vocabulary and IDF learnt from every sentence, test ones included (C chosen on validation)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    X = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit_transform(texts)
    fits = [LogisticRegression(C=C, max_iter=5000).fit(X[train_idx], y[train_idx]) for C in (1.0, 10.0, 100.0)]
    best = max(fits, key=lambda m: m.score(X[val_idx], y[val_idx]))
    return best.score(X[test_idx], y[test_idx])


_TFIDF_FNS = {"all_texts_idf": _all_texts_idf}


def _tfidf_cases():
    from tl_course import data, text
    from tl_course.problems.lesson08 import _pool

    pool = _pool()
    tr, va, te = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200, val_per_class=25, seed=5))
    texts = lambda rows: [pool.texts[i] for i in rows]  # noqa: E731
    ok = text.tfidf_probe(texts(tr), pool.y[tr], texts(va), pool.y[va])
    on_test = text.tfidf_probe(texts(tr), pool.y[tr], texts(te), pool.y[te])          # C chosen on the test set,
    more = np.concatenate([tr, va])
    acc = ok.score(texts(te), pool.y[te])
    split = {"train_idx": tr, "val_idx": va, "test_idx": te, "honest_tfidf_accuracy": _tfidf_fn()}
    right = {**split, "tfidf_test_acc": acc}

    def notebook_split(texts_, y, train_idx, val_idx, test_idx):   # ignores its arguments: the notebook's split
        return acc

    return [(right, PASS, ""),
            ({**right, "tfidf_test_acc": float(acc)}, PASS, ""),
            ({**right, "honest_tfidf_accuracy": _tfidf_fn(choose="te")}, FAIL, "C was chosen on the *test*"),
            ({**right, "honest_tfidf_accuracy": _tfidf_fn(choose=None)}, FAIL, "default C"),
            ({**right, "honest_tfidf_accuracy": _tfidf_fn(train_rows="tr+va")}, FAIL, "training *and* validation"),
            ({**right, "honest_tfidf_accuracy": _tfidf_fn(train_rows="te")}, FAIL, "expected"),
            ({**right, "honest_tfidf_accuracy": _tfidf_fn(scale=100)}, FAIL, "fraction"),
            ({**right, "honest_tfidf_accuracy": _tfidf_fn(sort=True)}, FAIL, "in place"),
            ({**right, "honest_tfidf_accuracy": _tfidf_fn(sorted_labels=True)}, FAIL, "order"),
            ({**right, "honest_tfidf_accuracy": _tfidf_tie_by_test}, FAIL, "problem 3"),
            ({**right, "honest_tfidf_accuracy": notebook_split}, FAIL, "notebook's own split"),
            ({**right, "honest_tfidf_accuracy": _TFIDF_FNS["all_texts_idf"]}, FAIL, "expected"),
            ({**right, "honest_tfidf_accuracy": acc}, FAIL, "should be a function"),
            ({**split, "tfidf_test_acc": ok.score(texts(va), pool.y[va])}, FAIL, "validation accuracy"),
            ({**split, "tfidf_test_acc": text.tfidf_probe(texts(more), pool.y[more]).score(texts(te), pool.y[te])},
             FAIL, "your function scores"),
            ({**split, "tfidf_test_acc": 100 * acc}, FAIL, "percentage"),
            ({**split, "tfidf_test_acc": round(acc, 1)}, FAIL, "validation accuracy"),  # 0.56 → 0.6 = 30/50 on val
            ({**split, "val_idx": te, "tfidf_test_acc": on_test.score(texts(te), pool.y[te])}, FAIL, "val_idx"),
            ({**split, "tfidf_test_acc": ____}, NOT_ATTEMPTED, "")]


CASES_08 = {
    "08.q1": [({"cosine_similarity": cos_ok}, PASS, ""),
              ({"cosine_similarity": lambda U, V: np.asarray(U, float) @ np.asarray(V, float).T}, FAIL, "test case 1"),
              ({"cosine_similarity": lambda U, V: 1 - cos_ok(U, V)}, FAIL, "test case 1"),
              ({"cosine_similarity": lambda U, V: (np.asarray(U, float) / np.linalg.norm(U, axis=0, keepdims=True))
                @ (np.asarray(V, float) / np.linalg.norm(V, axis=0, keepdims=True)).T}, FAIL, "test case"),
              ({"cosine_similarity": lambda U, V: (np.asarray(U, float) / np.linalg.norm(U, axis=1, keepdims=True))
                @ np.asarray(V, float).T}, FAIL, "test case 1"),
              ({"cosine_similarity": lambda U, V: ____}, NOT_ATTEMPTED, "")],
    "08.q2": [({"nearest": nearest_ok}, PASS, ""),
              ({"nearest": lambda q, E, k: np.argsort(cos_ok(np.asarray(q)[None], E)[0])[:k]}, FAIL, "test case 1"),
              ({"nearest": lambda q, E, k: np.argsort(-(np.asarray(E) @ np.asarray(q)))[:k]}, FAIL, "test case"),
              ({"nearest": lambda q, E, k: np.sort(cos_ok(np.asarray(q)[None], E)[0])[::-1][:k]}, FAIL, "test case 1"),
              ({"nearest": lambda q, E, k: np.argsort(-cos_ok(np.asarray(q)[None], E)[0])[1:k + 1]}, FAIL, "test case"),
              ({"nearest": lambda q, E, k: ____}, NOT_ATTEMPTED, "")],
    "08.q4": [({"domain_drop": drop_ok}, PASS, ""),
              ({"domain_drop": lambda m, a, b, t: -drop_ok(m, a, b, t)}, FAIL, "positive = the change"),
              ({"domain_drop": drop_one_model}, FAIL, "fresh"),
              ({"domain_drop": drop_on_training_data}, FAIL, "test case"),
              ({"domain_drop": lambda m, a, b, t: 100 * drop_ok(m, a, b, t)}, FAIL, "test case"),
              ({"domain_drop": lambda *a: ____}, NOT_ATTEMPTED, "")],
    "08.q5": [({"which_model": "c"}, PASS, ""), ({"which_model": " C "}, PASS, ""),
              ({"which_model": "a"}, FAIL, "read text"), ({"which_model": "b"}, FAIL, "not the best"),
              ({"which_model": "d"}, FAIL, "images"), ({"which_model": "wav2vec"}, FAIL, "one of")],
    "08.q6": [({"baseline_first": "b"}, PASS, ""), ({"baseline_first": "a"}, FAIL, "within a few points"),
              ({"baseline_first": "B"}, PASS, ""), ({"baseline_first": True}, FAIL, "one of"),
              ({"baseline_first": "tfidf"}, FAIL, "one of")],
}


# ---- exercise 09: the workflow
def prf_ok(y_true, y_pred):
    t, p = np.asarray(y_true), np.asarray(y_pred)
    tp, fp, fn = np.sum((p == 1) & (t == 1)), np.sum((p == 1) & (t == 0)), np.sum((p == 0) & (t == 1))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def ece_ok(probs, y, bins=15):
    probs, y = np.asarray(probs, dtype=float), np.asarray(y)
    conf, correct = probs.max(1), (probs.argmax(1) == y).astype(float)
    b = np.clip(np.ceil(conf * bins).astype(int) - 1, 0, bins - 1)
    return float(sum((b == k).mean() * abs(correct[b == k].mean() - conf[b == k].mean()) for k in range(bins)
                     if (b == k).any()))


def ece_unweighted(probs, y, bins=15):  # the plain mean over non-empty bins
    probs, y = np.asarray(probs, dtype=float), np.asarray(y)
    conf, correct = probs.max(1), (probs.argmax(1) == y).astype(float)
    b = np.clip(np.ceil(conf * bins).astype(int) - 1, 0, bins - 1)
    return float(np.mean([abs(correct[b == k].mean() - conf[b == k].mean()) for k in range(bins) if (b == k).any()]))


def ece_true_class(probs, y, bins=15):  # "confidence" = the probability of the true class
    probs, y = np.asarray(probs, dtype=float), np.asarray(y)
    conf, correct = probs[np.arange(len(y)), y], (probs.argmax(1) == y).astype(float)
    b = np.clip(np.ceil(conf * bins).astype(int) - 1, 0, bins - 1)
    return float(sum((b == k).mean() * abs(correct[b == k].mean() - conf[b == k].mean()) for k in range(bins)
                     if (b == k).any()))


def ece_drops_certain(probs, y, bins=15):  # floor binning: a confidence of 1.0 falls outside every bin
    probs, y = np.asarray(probs, dtype=float), np.asarray(y)
    conf, correct = probs.max(1), (probs.argmax(1) == y).astype(float)
    b = np.floor(conf * bins).astype(int)
    return float(sum((b == k).sum() / len(y) * abs(correct[b == k].mean() - conf[b == k].mean()) for k in range(bins)
                     if (b == k).any()))


def calibrate_ok(val_logits, y_val, test_logits, y_test):
    from tl_course import evaluate
    T = evaluate.fit_temperature(val_logits, y_val)
    return (T, ece_ok(torch.as_tensor(test_logits).softmax(1), y_test),
            ece_ok(evaluate.apply_temperature(test_logits, T), y_test))


def calibrate_on_test(val_logits, y_val, test_logits, y_test):
    from tl_course import evaluate
    T = evaluate.fit_temperature(test_logits, y_test)
    return (T, ece_ok(test_logits.softmax(1), y_test), ece_ok(evaluate.apply_temperature(test_logits, T), y_test))


def calibrate_multiplies(val_logits, y_val, test_logits, y_test):
    from tl_course import evaluate
    T = evaluate.fit_temperature(val_logits, y_val)
    return T, ece_ok(test_logits.softmax(1), y_test), ece_ok((test_logits * T).softmax(1), y_test)


def calibrate_coarse(val_logits, y_val, test_logits, y_test):  # T from a grid of 5 values
    from tl_course import evaluate
    T = min((0.25, 0.5, 1.0, 2.0, 4.0), key=lambda t: float(_F.cross_entropy(val_logits / t, y_val)))
    return T, ece_ok(test_logits.softmax(1), y_test), ece_ok(evaluate.apply_temperature(test_logits, T), y_test)


def export_ok(model, X, path):
    from pathlib import Path
    model.eval()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        torch.jit.save(torch.jit.trace(model, X), str(path))
        loaded = torch.jit.load(str(path))
        return loaded, (loaded(X) - model(X)).abs().max().item()


def export_with_package(model, X, path):
    from tl_course import export
    loaded = export.to_torchscript(model, X, path)
    return loaded, export.max_abs_difference(model, loaded, X)


def export_train_mode(model, X, path):  # traced as it came: in train mode
    from pathlib import Path
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        torch.jit.save(torch.jit.trace(model, X, check_trace=False), str(path))
        loaded = torch.jit.load(str(path))
        return loaded, (loaded(X) - model(X)).abs().max().item()


def export_pickle(model, X, path):  # torch.save of the whole module, not TorchScript
    from pathlib import Path
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    torch.save(model, str(path))
    return model.eval(), 0.0


def export_returns_trace(model, X, path):  # saves, but returns the in-memory trace, never reading the file
    from pathlib import Path
    model.eval()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    traced = torch.jit.trace(model, X)
    torch.jit.save(traced, str(path))
    return traced, 0.0


def stat_ok(B, R):
    unit = lambda F: np.asarray(F, float) / np.maximum(np.linalg.norm(np.asarray(F, float), axis=1, keepdims=True), 1e-8)  # noqa: E731
    return float(((unit(B).mean(0) - unit(R).mean(0)) ** 2).sum())


def stat_no_guard(B, R):  # a zero row becomes NaN
    unit = lambda F: np.asarray(F, float) / np.linalg.norm(np.asarray(F, float), axis=1, keepdims=True)  # noqa: E731
    return float(((unit(B).mean(0) - unit(R).mean(0)) ** 2).sum())


def threshold_ok(batches, R, rate=0.05):
    return float(np.quantile([stat_ok(b, R) for b in batches], 1 - rate))


CASES_09 = {
    "09.q1": [({"precision_recall_f1": prf_ok}, PASS, ""),
              ({"precision_recall_f1": lambda t, p: prf_ok(t, p)[::-1][1:] + (prf_ok(t, p)[2],)}, FAIL, "test case"),
              ({"precision_recall_f1": lambda t, p: (prf_ok(t, p)[1], prf_ok(t, p)[0], prf_ok(t, p)[2])}, FAIL, "test case 1"),
              ({"precision_recall_f1": lambda t, p: (*prf_ok(t, p)[:2], (prf_ok(t, p)[0] + prf_ok(t, p)[1]) / 2)}, FAIL,
               "test case 1"),
              ({"precision_recall_f1": lambda t, p: prf_ok(1 - np.asarray(t), 1 - np.asarray(p))}, FAIL, "test case 1"),
              ({"precision_recall_f1": lambda t, p: ____}, NOT_ATTEMPTED, "")],
    "09.q2": [({"expected_calibration_error": ece_ok}, PASS, ""),
              ({"expected_calibration_error": ece_unweighted}, FAIL, "test case 1"),
              ({"expected_calibration_error": ece_true_class}, FAIL, "test case"),
              ({"expected_calibration_error": ece_drops_certain}, FAIL, "test case 4"),
              ({"expected_calibration_error": lambda P, y, bins=15: ece_ok(P, y, 15)}, FAIL, "test case 3"),
              ({"expected_calibration_error": lambda P, y, bins=15: ____}, NOT_ATTEMPTED, "")],
    "09.q3": [({"calibrate": calibrate_ok}, PASS, ""),
              ({"calibrate": calibrate_on_test}, FAIL, "*test* logits"),
              ({"calibrate": calibrate_multiplies}, FAIL, "multiplied"),
              ({"calibrate": calibrate_coarse}, FAIL, "test case"),
              ({"calibrate": lambda *a: calibrate_ok(*a)[0]}, FAIL, "three numbers"),
              ({"calibrate": lambda *a: ____}, NOT_ATTEMPTED, "")],
    "09.q4": [({"export_round_trip": export_ok}, PASS, ""),
              ({"export_round_trip": export_with_package}, PASS, ""),
              ({"export_round_trip": export_train_mode}, FAIL, "train mode"),
              ({"export_round_trip": export_pickle}, FAIL, "torch.jit"),
              ({"export_round_trip": export_returns_trace}, FAIL, "loaded back"),
              ({"export_round_trip": lambda m, X, p: ____}, NOT_ATTEMPTED, "")],
    "09.q5": [({"shift_statistic": stat_ok}, PASS, ""),
              ({"shift_statistic": stat_no_guard}, FAIL, "test case 4"),
              ({"shift_statistic": lambda B, R: float(((np.mean(B, 0) - np.mean(R, 0)) ** 2).sum())}, FAIL, "test case 1"),
              ({"shift_statistic": lambda B, R: stat_ok(B, R) ** 0.5}, FAIL, "test case 1"),
              ({"shift_statistic": lambda B, R: ____}, NOT_ATTEMPTED, "")],
    "09.q6": [({"alarm_threshold": threshold_ok}, PASS, ""),
              ({"alarm_threshold": lambda b, R, rate=0.05: float(np.quantile([stat_ok(x, R) for x in b], rate))}, FAIL,
               "not the false_alarm_rate one"),
              ({"alarm_threshold": lambda b, R, rate=0.05: max(stat_ok(x, R) for x in b)}, FAIL, "test case 1"),
              ({"alarm_threshold": lambda b, R, rate=0.05: threshold_ok(b, R, 0.05)}, FAIL, "test case 2"),
              ({"alarm_threshold": lambda b, R, rate=0.05: float(np.percentile([stat_ok(x, R) for x in b], 0.95))}, FAIL,
               "test case 1"),
              ({"alarm_threshold": lambda b, R, rate=0.05: ____}, NOT_ATTEMPTED, "")],
    "09.q7": [({"why_alarms": "b"}, PASS, ""), ({"why_alarms": "a"}, FAIL, "set the threshold again"),
              ({"why_alarms": "c"}, FAIL, "not the best"), ({"why_alarms": "d"}, FAIL, "not the best"),
              ({"why_alarms": "training"}, FAIL, "one of")],
}


# ---- exercise 10, the capstone -------------------------------------------------------------------------------------


def split_ok(labels, val=0.25, test=0.25, seed=0):
    y, rng = np.asarray(labels), np.random.default_rng(seed)
    parts = {"train": [], "val": [], "test": []}
    for c in np.unique(y):
        m = rng.permutation(np.flatnonzero(y == c))
        n_test = max(1, round(test * len(m)))
        n_val = min(max(1, round(val * len(m))), len(m) - n_test - 1)
        parts["test"] += m[:n_test].tolist()
        parts["val"] += m[n_test:n_test + n_val].tolist()
        parts["train"] += m[n_test + n_val:].tolist()
    return parts                                              # lists: fine


def split_not_per_class(labels, val=0.25, test=0.25, seed=0):
    idx = np.random.default_rng(seed).permutation(len(labels))
    n_test, n_val = round(test * len(idx)), round(val * len(idx))
    return {"test": idx[:n_test], "val": idx[n_test:n_test + n_val], "train": idx[n_test + n_val:]}


def split_no_minimum(labels, val=0.25, test=0.25, seed=0):
    y, rng = np.asarray(labels), np.random.default_rng(seed)
    parts = {"train": [], "val": [], "test": []}
    for c in np.unique(y):
        m = rng.permutation(np.flatnonzero(y == c))
        n_test, n_val = round(test * len(m)), round(val * len(m))
        parts["test"] += list(m[:n_test]); parts["val"] += list(m[n_test:n_test + n_val])
        parts["train"] += list(m[n_test + n_val:])
    return parts


def split_slice(labels, val=0.25, test=0.25, seed=0):         # "random" by offset: a deterministic slice
    y = np.asarray(labels)
    parts = {"train": [], "val": [], "test": []}
    for c in np.unique(y):
        m = np.roll(np.flatnonzero(y == c), -seed)
        n_test = max(1, round(test * len(m)))
        n_val = min(max(1, round(val * len(m))), len(m) - n_test - 1)
        parts["test"] += list(m[:n_test]); parts["val"] += list(m[n_test:n_test + n_val])
        parts["train"] += list(m[n_test + n_val:])
    return parts


def split_unseeded(labels, val=0.25, test=0.25, seed=0):
    return split_ok(labels, val, test, seed=int(np.random.randint(1 << 30)))


def split_labels_not_positions(labels, val=0.25, test=0.25, seed=0):
    y = np.asarray(labels)
    return {k: y[np.asarray(v, dtype=int)] for k, v in split_ok(labels, val, test, seed).items()}


def split_swapped(labels, val=0.25, test=0.25, seed=0):       # val and test fractions swapped
    return split_ok(labels, test, val, seed)


def split_overlap(labels, val=0.25, test=0.25, seed=0):       # training keeps everything
    parts = split_ok(labels, val, test, seed)
    return dict(parts, train=list(range(len(labels))))


def split_int_floor(labels, val=0.25, test=0.25, seed=0):     # int() instead of round()
    y, rng = np.asarray(labels), np.random.default_rng(seed)
    parts = {"train": [], "val": [], "test": []}
    for c in np.unique(y):
        m = rng.permutation(np.flatnonzero(y == c))
        n_test = max(1, int(test * len(m)))
        n_val = min(max(1, int(val * len(m))), len(m) - n_test - 1)
        parts["test"] += list(m[:n_test]); parts["val"] += list(m[n_test:n_test + n_val])
        parts["train"] += list(m[n_test + n_val:])
    return parts


ROWS_10 = [{"source": "efficientnet-lite0", "LogME": 0.02, "validation accuracy": 0.86, "seconds": 4.1},
           {"source": "cnn-printed-digits", "LogME": 0.09, "validation accuracy": 0.77, "seconds": 1.0},
           {"source": "cnn-printed-letters", "LogME": 0.05, "validation accuracy": 0.74, "seconds": 0.9}]


def _method_ns():
    """Two tiny models and a validation set on which they score differently (the check re-scores them)."""
    from torch import nn

    from tl_course import data

    g = torch.Generator().manual_seed(0)
    X, y = torch.rand(40, 3, 4, 4, generator=g), torch.arange(40) % 2
    X[y == 1, 0] += 1.0                                       # red means class 1
    good = nn.Sequential(nn.Flatten(), nn.Linear(48, 2))
    with torch.no_grad():
        good[1].weight.zero_(); good[1].bias.zero_()
        good[1].weight[1, :16] = 1.0; good[1].bias[1] = -16.0  # says 1 when the red plane is bright
    bad = nn.Sequential(nn.Flatten(), nn.Linear(48, 2))
    with torch.no_grad():
        bad[1].weight.zero_(); bad[1].bias.copy_(torch.tensor([1.0, 0.0]))   # always 0
    val_set = data.ImageData(X, y, ("a", "b"))
    train_set, test_set = data.ImageData(X[:20] * 0.5, y[:20], ("a", "b")), data.ImageData(X[20:], y[20:], ("a", "b"))
    from tl_course import capstone
    scores = {"feature extraction": capstone.accuracy(bad, val_set), "fine-tuning": capstone.accuracy(good, val_set)}
    assert scores["fine-tuning"] > scores["feature extraction"] + 0.2
    return {"candidates": {"feature extraction": bad, "fine-tuning": good}, "val_set": val_set,
            "train_set": train_set, "test_set": test_set, "val_scores": scores, "METHOD": "fine-tuning"}


METHOD_NS = _method_ns()
_TIE = dict(METHOD_NS, candidates={"feature extraction": METHOD_NS["candidates"]["fine-tuning"],
                                   "fine-tuning": METHOD_NS["candidates"]["fine-tuning"]})
_TIE["val_scores"] = {k: METHOD_NS["val_scores"]["fine-tuning"] for k in _TIE["candidates"]}


def _report_ns(**changes):
    from tl_course import capstone, data

    model, val_set, test_set = METHOD_NS["candidates"]["fine-tuning"], METHOD_NS["val_set"], METHOD_NS["test_set"]
    row = {"model": "TorchScript", "size (MB)": 13.5, "ms / image (batch 1)": 4.2, "accuracy": 0.8}
    report = {"images per class": dict(data.SAMPLE_COUNTS), "source model": "efficientnet-lite0",
              "why this source": "the best probe accuracy on validation by nine points",
              "method": "fine-tuning", "validation accuracy": capstone.accuracy(model, val_set),
              "test accuracy": capstone.accuracy(model, test_set), "weakest class": "camera",
              "model size (MB)": 13.5, "ms per image": 4.2,
              "when not to deploy": "on photos of other scenes, cameras or lighting than the training photos"}
    report.update(changes)
    return {"report": report, "SOURCE": "efficientnet-lite0", "METHOD": "fine-tuning", "model": model,
            "val_set": val_set, "test_set": test_set, "weakest": ["camera", "astronaut"], "row": row}


CASES_10 = {
    "10.q1": [({"split_by_class": split_ok}, PASS, ""),
              ({"split_by_class": lambda labels, val=0.25, test=0.25, seed=0: {k: np.asarray(v) for k, v in split_ok(labels, val, test, seed).items()}}, PASS, ""),
              ({"split_by_class": split_not_per_class}, FAIL, "round("),
              ({"split_by_class": split_no_minimum}, FAIL, "at least 1"),
              ({"split_by_class": split_slice}, FAIL, "shuffle each class"),
              ({"split_by_class": split_unseeded}, FAIL, "same seed"),
              ({"split_by_class": split_labels_not_positions}, FAIL, "test case 1"),
              ({"split_by_class": split_swapped}, FAIL, "test case 3"),
              ({"split_by_class": split_overlap}, FAIL, "exactly one split"),
              ({"split_by_class": split_int_floor}, FAIL, "test case 1"),
              ({"split_by_class": lambda labels, val=0.25, test=0.25, seed=0: list(split_ok(labels, val, test, seed).values())}, FAIL,
               "keys 'train', 'val' and 'test'"),
              ({"split_by_class": "stratified"}, FAIL, "should be a function"),
              ({"split_by_class": lambda labels, val=0.25, test=0.25, seed=0: ____}, NOT_ATTEMPTED, ""),
              ({"split_by_class": lambda labels, v=0.25, t=0.25, seed=0: split_ok(labels, v, t, seed)}, ERROR,
               "unexpected keyword")],
    "10.q3": [(METHOD_NS, PASS, ""),
              (_TIE | {"METHOD": "feature extraction"}, PASS, ""),
              (_TIE | {"METHOD": "fine-tuning"}, FAIL, "tie goes to the simpler"),
              (METHOD_NS | {"METHOD": "feature extraction"}, FAIL, "choose on validation"),
              (METHOD_NS | {"val_scores": {"feature extraction": 0.9, "fine-tuning": 0.5}, "METHOD": "feature extraction"},
               FAIL, "score each candidate on the validation set"),
              (METHOD_NS | {"val_scores": {"fine-tuning": METHOD_NS["val_scores"]["fine-tuning"]}}, FAIL, "exactly the models"),
              (METHOD_NS | {"val_scores": {k: 100 * v for k, v in METHOD_NS["val_scores"].items()}}, FAIL, "percentage"),
              (METHOD_NS | {"METHOD": "fine tuning"}, FAIL, "should be one of"),
              (METHOD_NS | {"METHOD": 1}, FAIL, "should be one of"),
              (METHOD_NS | {"val_scores": ____}, NOT_ATTEMPTED, "")],
    "10.q5": [(_report_ns(), PASS, ""),
              (_report_ns(**{"test accuracy": 84.0}), FAIL, "percentage"),
              (_report_ns(**{"test accuracy": 0.5, "validation accuracy": 1.0}), FAIL, "of the chosen model"),
              (_report_ns(**{"weakest class": "astronaut"}), FAIL, "lowest test recall"),
              (_report_ns(**{"model size (MB)": 13500.0}), FAIL, "in those units"),
              (_report_ns(**{"when not to deploy": "TODO: write when not to deploy this model"}), FAIL, "of your own"),
              (_report_ns(**{"why this source": "it had the best test accuracy of all three sources"}), FAIL,
               "chosen on validation"),
              (_report_ns(**{"when not to deploy": ____}), NOT_ATTEMPTED, ""),
              (_report_ns(**{"when not to deploy": "____"}), FAIL, "sentence of your own"),
              (_report_ns(**{"why this source": "best"}), FAIL, "6 words or more"),
              (_report_ns(**{"when not to deploy": "the best probe accuracy on validation by nine points"}), FAIL,
               "say the same thing"),
              (_report_ns(**{"images per class": {"brick": 24, "rocket": 6}}), FAIL, "count per class"),
              (_report_ns(**{"method": "feature extraction"}), FAIL, "choices you made"),
              (_report_ns(**{"weakest class": 3}), FAIL, "lowest test recall"),
              (_report_ns(**{"model size (MB)": 0}), FAIL, "measured value"),
              ({**_report_ns(), "report": {k: v for k, v in _report_ns()["report"].items() if k != "ms per image"}},
               FAIL, "'ms per image'"),
              ({**_report_ns(), "report": str(_report_ns()["report"])}, FAIL, "should be a dict")],
}



@functools.lru_cache(maxsize=None)
def _capstone_setup():
    """The exercise's data at seed 0 and the frozen EfficientNet-Lite0 with its probe (~15 s, built once)."""
    import tempfile
    from pathlib import Path

    from tl_course import capstone, data

    folder = data.write_sample_folder(Path(tempfile.mkdtemp(prefix="capstone_test_")), seed=0)
    split = data.split_files(data.image_files(folder), seed=0)
    tr, va = (data.load_files(split[s], 48) for s in ("train", "val"))
    rows, fitted = capstone.score_sources(capstone.SOURCES, tr, va, progress=False)
    return tr, va, rows, capstone.with_probe(*fitted["efficientnet-lite0"])


def _source_cases():
    tr, va, rows, _ = _capstone_setup()
    ns = {"rows": rows, "train_set": tr, "val_set": va}
    best = max(rows, key=lambda r: r["validation accuracy"])["source"]
    by_logme = max(rows, key=lambda r: r["LogME"])["source"]
    assert best == "efficientnet-lite0" and by_logme != best   # at seed 0 LogME prefers a printed-character CNN
    edited = [dict(r, **{"validation accuracy": 0.99 if r["source"] == by_logme else r["validation accuracy"]})
              for r in rows]

    class Anything(str):
        def __eq__(self, other):
            return True
        __hash__ = str.__hash__

    return [(ns | {"SOURCE": best}, PASS, ""),
            (ns | {"SOURCE": by_logme}, FAIL, "LogME is a first opinion"),
            (ns | {"SOURCE": "cnn-printed-letters"}, FAIL, "best validation accuracy"),
            (ns | {"SOURCE": 0}, FAIL, "name of a source"),
            (ns | {"SOURCE": "EfficientNet"}, FAIL, "not one of the scored"),
            (ns | {"SOURCE": rows[0]}, FAIL, "name of a source"),
            (ns | {"SOURCE": Anything("x")}, FAIL, "name of a source"),
            (ns | {"rows": edited, "SOURCE": by_logme}, FAIL, "keep the table"),
            (ns | {"rows": "table", "SOURCE": best}, FAIL, "score_sources"),
            (ns | {"SOURCE": ____}, NOT_ATTEMPTED, "")]


def _predict_cases():
    """`predict` of a real model (EfficientNet-Lite0's frozen features + a probe, ~10 s) and wrong ones, each scored on
    fresh unseen photos; the record of opened unseen photos is given as the grader exports it."""
    from tl_course import deploy

    tr, _, _, model = _capstone_setup()
    good = deploy.Predictor(model, tr.classes, 48).predict_files
    rng = np.random.default_rng(0)
    clean = {"__tl_unseen_opened__": [], "model": model, "CLASSES": tr.classes, "SIZE": 48}
    grey = deploy.Predictor(model, tr.classes, 48, color=False).predict_files
    with torch.random.fork_rng():
        torch.manual_seed(0)
        untrained = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3 * 48 * 48, 8))
    big = deploy.Predictor(model, tr.classes, 96).predict_files
    return [({"predict": good, **clean}, PASS, ""),
            ({"predict": lambda paths: np.array(good(paths)), **clean}, PASS, ""),
            ({"predict": good, **clean, "__tl_unseen_opened__": ["/tmp/tl_course_unseen_x1/0a1b.png"]}, FAIL,
             "before grading"),
            ({"predict": lambda paths: ["brick"] * len(paths), **clean}, FAIL, "one class"),
            ({"predict": lambda paths: [tr.classes.index(c) for c in good(paths)], **clean}, FAIL, "class index"),
            ({"predict": lambda paths: good(paths)[:-1], **clean}, FAIL, "answers for"),
            ({"predict": lambda paths: good(paths[0]), **clean}, ERROR, "list of image files"),
            ({"predict": lambda paths: [c.upper() for c in good(paths)], **clean}, FAIL, "not a class"),
            ({"predict": lambda paths: list(rng.choice(tr.classes, len(paths))), **clean}, FAIL, "answers as `model`"),
            ({"predict": deploy.Predictor(untrained, tr.classes, 48).predict_files, **clean, "model": untrained}, FAIL,
             "unseen photos right"),
            ({"predict": lambda paths: ", ".join(good(paths)), **clean}, FAIL, "one class name per path"),
            ({"predict": grey, **clean}, FAIL, "answers as `model` does"),
            ({"predict": big, **clean}, FAIL, "answers as `model` does"),
            ({"predict": good, **clean, "SIZE": "48"}, FAIL, "single number"),
            ({"predict": lambda paths: None, **clean}, FAIL, "return"),
            ({"predict": "the model", **clean}, FAIL, "should be a function"),
            ({"predict": lambda paths: ____, **clean}, NOT_ATTEMPTED, "")]


CASES = {
    "00.q1": [({"num_images": 1797}, PASS, ""),
              ({"num_images": ____}, NOT_ATTEMPTED, "blank"),
              ({"num_images": 1796}, FAIL, "too low"),
              ({"num_images": 1797.5}, FAIL, "whole number"),
              ({"num_images": "1797 images"}, FAIL, "single number"),
              ({"num_images": 64}, FAIL, "too low")],
    "00.q2": [({"arr": X_TENSOR.numpy(), "x": X_TENSOR}, PASS, ""),
              ({"arr": X_TENSOR, "x": X_TENSOR}, FAIL, "still a torch tensor"),
              ({"arr": X_TENSOR.numpy()[0], "x": X_TENSOR}, FAIL, "shape"),
              ({"arr": X_TENSOR.tolist(), "x": X_TENSOR}, FAIL, "NumPy array"),
              ({"arr": np.zeros((2, 3)), "x": X_TENSOR}, FAIL, "values"),
              ({"arr": X_TENSOR.numpy(), "x": X_TENSOR.numpy()}, PASS, ""),            # x = x.cpu().numpy(); arr = x
              ({"arr": X_TENSOR.numpy().astype(bool), "x": X_TENSOR}, FAIL, "dtype"),
              ({"arr": X_TENSOR.cpu().numpy, "x": X_TENSOR}, FAIL, "call it"),
              ({"arr": (X_TENSOR.numpy(),), "x": X_TENSOR}, FAIL, "tuple")],
    "01.q1": [(dict(DIGITS, test_acc=DIGITS["clf"].score(DIGITS["X_test"], DIGITS["y_test"])), PASS, ""),
              (dict(DIGITS, test_acc=____), NOT_ATTEMPTED, ""),
              (dict(DIGITS, test_acc=100 * DIGITS["clf"].score(DIGITS["X_test"], DIGITS["y_test"])), FAIL, "percentage"),
              (dict(DIGITS, test_acc=DIGITS["clf"].score(DIGITS["X_train"], DIGITS["y_train"])), FAIL, "training"),
              (dict(DIGITS, test_acc=1 - DIGITS["clf"].score(DIGITS["X_test"], DIGITS["y_test"])), FAIL, "error rate"),
              (dict(DIGITS, test_acc=0.5), FAIL, "not the classifier's accuracy"),
              (dict(DIGITS, test_acc=DIGITS["clf"].score), FAIL, "call it"),
              (dict(DIGITS, test_acc="96.3%"), FAIL, "% sign"),
              (dict(DIGITS, test_acc=DIGITS["clf"].predict(DIGITS["X_test"]) == DIGITS["y_test"]), FAIL, "single number"),
              (dict(DIGITS, test_acc={"acc": 0.97}), FAIL, "single number"),
              (dict(DIGITS, test_acc=(0.97,)), FAIL, "single number"),
              (dict(DIGITS, test_acc=np.float32(DIGITS["clf"].score(DIGITS["X_test"], DIGITS["y_test"]))), PASS, ""),
              (dict(DIGITS, test_acc=round(DIGITS["clf"].score(DIGITS["X_test"], DIGITS["y_test"]), 2)), FAIL, "round"),
              (_refitted_on_test(), FAIL, "refitted"),
              (dict(DIGITS, X_test=DIGITS["X_train"], y_test=DIGITS["y_train"], test_acc=1.0), FAIL, "no longer the split")],
    "01.q2": [({"cluster_purity": purity_ok}, PASS, ""),
              ({"cluster_purity": purity_assumes_ids}, FAIL, "test case"),
              ({"cluster_purity": purity_count}, FAIL, "test case"),
              ({"cluster_purity": purity_minority}, FAIL, "test case"),
              ({"cluster_purity": 0.8}, FAIL, "should be a function"),
              ({"cluster_purity": lambda c, l: None}, FAIL, "forget `return`"),
              ({"cluster_purity": lambda c, l: ____}, NOT_ATTEMPTED, ""),
              ({"cluster_purity": purity_crash}, ERROR, "purity_crash")],
    "01.q3": [({"q_update": q_ok}, PASS, ""),
              ({"q_update": q_ignores_done}, FAIL, "test case 2"),
              ({"q_update": q_no_alpha}, FAIL, "test case"),
              ({"q_update": q_mean_not_max}, FAIL, "test case 1"),
              ({"q_update": q_forgets_return}, FAIL, "return"),
              ({"q_update": q_in_place}, PASS, ""),
              ({"q_update": lambda Q, s, a, r, s2, done, alpha, gamma: r + gamma * np.max(Q[s2])}, FAIL, "test case 1"),
              ({"q_update": lambda Q, s, a, r, s2, done, alpha, gamma: {"value": 1.0}}, FAIL, "not a number")],
    "01.q4": [({"robot_vacuum": "Reinforcement"}, PASS, ""),
              ({"robot_vacuum": "supervised"}, FAIL, "reward"),
              ({"robot_vacuum": "unsupervised"}, FAIL, "not the best"),
              ({"robot_vacuum": "transfer"}, FAIL, "not the best"),
              ({"robot_vacuum": "RL"}, FAIL, "one of")],
    "01.q5": [({"new_clinic": "transfer"}, PASS, ""),
              ({"new_clinic": "supervised"}, FAIL, "not the best"),
              ({"new_clinic": "unsupervised"}, FAIL, "not the best"),
              ({"new_clinic": "reinforcement"}, FAIL, "not the best"),
              ({"new_clinic": 3}, FAIL, "one of")],
    "02.q1": [({"sample_few_shot": few_ok}, PASS, ""),
              ({"sample_few_shot": lambda y, k, seed: torch.as_tensor(few_ok(y, k, seed))}, PASS, ""),
              ({"sample_few_shot": few_first_k}, FAIL, "at random"),
              ({"sample_few_shot": few_total_k}, FAIL, "per class"),
              ({"sample_few_shot": few_with_replacement}, FAIL, "without"),
              ({"sample_few_shot": few_unseeded}, FAIL, "same seed"),
              ({"sample_few_shot": few_returns_labels}, FAIL, "positions"),
              ({"sample_few_shot": lambda y, k, seed: ____}, NOT_ATTEMPTED, ""),
              ({"sample_few_shot": few_window}, FAIL, "each class should appear exactly"),
              ({"sample_few_shot": few_rolled}, FAIL, "pairs"),
              ({"sample_few_shot": few_smallest_class}, FAIL, "equally likely"),
              ({"sample_few_shot": few_shuffles_y}, FAIL, "changed the labels"),
              ({"sample_few_shot": lambda y, k, seed: few_ok(y, k, seed).tolist()}, PASS, ""),
              ({"sample_few_shot": lambda y, k, seed: np.isin(np.arange(len(y)), few_ok(y, k, seed))}, FAIL, "mask"),
              ({"sample_few_shot": lambda y, k, seed: {0: few_ok(y, k, seed)}}, FAIL, "dict")],
    "02.q2": [({"epochs_to_reach": reach_ok}, PASS, ""),
              ({"epochs_to_reach": reach_zero_based}, FAIL, "count from 1"),
              ({"epochs_to_reach": reach_strict}, FAIL, ">="),
              ({"epochs_to_reach": reach_last_epoch}, FAIL, "return None"),
              ({"epochs_to_reach": lambda a, t: ____}, NOT_ATTEMPTED, "")],
    "02.q3": [(dict(PROBE_Q3, probe_acc=PROBE["test"]), PASS, ""),
              (dict(PROBE_Q3, probe_acc=100 * PROBE["test"]), FAIL, "percentage"),
              (dict(PROBE_Q3, probe_acc=PROBE["train"]), FAIL, "training"),
              (dict(PROBE_Q3, probe_acc=PROBE["val"]), FAIL, "validation"),
              (dict(PROBE_Q3, probe_acc=PROBE["cheat"]), FAIL, "trained on the test"),
              (dict(PROBE_Q3, probe_acc="high"), FAIL, "number"),
              (dict(PROBE_Q3, probe_acc=____), NOT_ATTEMPTED, ""),
              (dict(PROBE_Q3, probe_acc=PROBE["c_on_test_acc"]), FAIL, "chosen on the *test* rows"),
              (dict(PROBE_Q3, probe_acc=PROBE["all_acc"]), FAIL, "is not the test accuracy"),
              (dict(PROBE_Q3, val_idx=PROBE_NS["test_idx"], probe_acc=PROBE["test"]), FAIL, "as the notebook made"),
              (dict(PROBE_Q3, train_idx=np.concatenate([PROBE_NS["train_idx"], PROBE_NS["val_idx"]]),
                    probe_acc=PROBE["test"]), FAIL, "2 images of every class"),
              (dict(PROBE_Q3, features=PROBE_NS["features"][:, :64], probe_acc=PROBE["test"]), FAIL, "(200, 1280)"),
              (dict(PROBE_Q3, probe_acc=np.array([True, False])), FAIL, "single number"),
              # the function, run on the grader's problems where C chosen on test differs, and on the notebook's split
              (dict(PROBE_Q3, honest_probe_accuracy=probe_fn_predict_mean), PASS, ""),
              (dict(PROBE_Q3, honest_probe_accuracy=probe_fn_c_on_test), FAIL, "chosen on the *test* rows"),
              (dict(PROBE_Q3, honest_probe_accuracy=probe_fn_globals), FAIL, "must use its arguments"),
              (dict(PROBE_Q3, honest_probe_accuracy=probe_fn_centres_in_place), FAIL, "in place"),
              (dict(PROBE_Q3, honest_probe_accuracy=probe_fn_sorted_labels), FAIL, "expected"),
              (dict(PROBE_Q3, honest_probe_accuracy=probe_fn_tie_by_test), FAIL, "problem 3"),
              (dict(PROBE_Q3, honest_probe_accuracy=probe_fn_train_and_val), FAIL, "training *and* validation"),
              (dict(PROBE_Q3, honest_probe_accuracy=probe_fn_percent), FAIL, "percentage"),
              (dict(PROBE_Q3, honest_probe_accuracy=PROBE["test"]), FAIL, "should be a function"),
              (dict(PROBE_Q3, honest_probe_accuracy=lambda *args: None), FAIL, "return"),
              (dict(PROBE_Q3, honest_probe_accuracy=____), NOT_ATTEMPTED, "")],
    "03.q1": [({"global_average_pool": pool_ok}, PASS, ""),
              ({"global_average_pool": pool_channels}, FAIL, "shape"),
              ({"global_average_pool": pool_flatten}, FAIL, "shape"),
              ({"global_average_pool": pool_max}, FAIL, "test case"),
              ({"global_average_pool": lambda f: ____}, NOT_ATTEMPTED, "")],
    "03.q3": [({"best_depth": "middle"}, PASS, ""),
              ({"best_depth": "last"}, FAIL, "middle blocks"),
              ({"best_depth": "early"}, FAIL, "not the best"),
              ({"best_depth": "deep"}, FAIL, "one of")],
    "04.q1": [({"layer_learning_rates": rates_ok}, PASS, ""),
              ({"layer_learning_rates": rates_head_first}, FAIL, "test case 1"),
              ({"layer_learning_rates": rates_off_by_one}, FAIL, "test case 1"),
              ({"layer_learning_rates": rates_no_head}, FAIL, "shape"),
              ({"layer_learning_rates": lambda h, n, m: ____}, NOT_ATTEMPTED, "")],
    "04.q3": [({"bn_pitfall": "b"}, PASS, ""),
              ({"bn_pitfall": "a"}, FAIL, "running"),
              ({"bn_pitfall": "c"}, FAIL, "running"),
              ({"bn_pitfall": "d"}, FAIL, "not the best"),
              ({"bn_pitfall": "batchnorm"}, FAIL, "one of")],
    "04.q4": [({"relative_change": change_ok}, PASS, ""),
              ({"relative_change": change_per_tensor}, FAIL, "test case 3"),
              ({"relative_change": change_squared}, FAIL, "test case 3"),
              ({"relative_change": change_over_after}, FAIL, "test case 2"),
              ({"relative_change": lambda b, a: None}, FAIL, "return")],
    "04.q5": [({"chosen_lr": 1e-3}, PASS, ""),
              ({"chosen_lr": "1e-3"}, FAIL, "not the text"),
              ({"chosen_lr": 1e-2}, FAIL, "test accuracy"),
              ({"chosen_lr": 1e-4}, FAIL, "best validation"),
              ({"chosen_lr": 3e-3}, FAIL, "one of the rates"),
              ({"chosen_lr": "the middle one"}, FAIL, "should be a number"),
              ({"chosen_lr": ____}, NOT_ATTEMPTED, "")],
    "05.q1": [({"coral_loss": coral_ok}, PASS, ""),
              ({"coral_loss": coral_unscaled}, FAIL, "test case 1"),
              ({"coral_loss": coral_uncentred}, FAIL, "test case"),
              ({"coral_loss": coral_means}, FAIL, "test case 1"),
              ({"coral_loss": lambda s, t: ____}, NOT_ATTEMPTED, "")],
    "05.q3": [({"proxy_a_distance": pad_ok}, PASS, ""),
              ({"proxy_a_distance": lambda e: 1 - 2 * e}, FAIL, "test case 1"),
              ({"proxy_a_distance": lambda e: 2 * (1 - 2 * e)}, FAIL, "test case 5"),
              ({"proxy_a_distance": lambda e: 2 * e}, FAIL, "test case 1"),
              ({"proxy_a_distance": lambda e: None}, FAIL, "return")],
    "05.q4": [({"choose_with": "b"}, PASS, ""),
              ({"choose_with": "a"}, FAIL, "test set must stay"),
              ({"choose_with": "c"}, FAIL, "source validation"),
              ({"choose_with": "d"}, FAIL, "not the best"),
              ({"choose_with": "dev"}, FAIL, "one of")],
    "05.q5": [({"label_shift": "c"}, PASS, ""),
              ({"label_shift": "a"}, FAIL, "whole target distribution"),
              ({"label_shift": "b"}, FAIL, "not the best"),
              ({"label_shift": "C"}, PASS, ""),
              ({"label_shift": "hurts"}, FAIL, "one of")],
    "05.q7": [({"iw_accuracy": iw_ok}, PASS, ""),
              ({"iw_accuracy": lambda c, w: np.mean(c)}, FAIL, "test case 2"),                        # unweighted
              ({"iw_accuracy": lambda c, w: np.mean(np.asarray(c) * np.asarray(w))}, FAIL, "test case 2"),  # ÷ n
              ({"iw_accuracy": lambda c, w: iw_ok(1 - np.asarray(c), w)}, FAIL, "test case 1"),     # the error
              ({"iw_accuracy": lambda c, w: ____}, NOT_ATTEMPTED, "")],
    "05.q8": [({"effective_sample_size": ess_ok}, PASS, ""),
              ({"effective_sample_size": lambda w: len(w)}, FAIL, "test case 2"),
              ({"effective_sample_size": lambda w: (np.asarray(w) ** 2).sum() / np.sum(w)}, FAIL, "test case 1"),
              ({"effective_sample_size": lambda w: np.sum(w) / np.max(w)}, FAIL, "test case 4"),
              ({"effective_sample_size": lambda w: None}, FAIL, "return")],
    "06.q1": [({"nt_gap": gap_ok}, PASS, ""),
              ({"nt_gap": gap_flipped}, FAIL, "test case 1"),
              ({"nt_gap": gap_z}, FAIL, "test case 1"),
              ({"nt_gap": gap_unpaired}, FAIL, "test case"),
              ({"nt_gap": lambda a, b: np.mean(a) - np.mean(b)}, FAIL, "shape"),
              ({"nt_gap": lambda a, b: ____}, NOT_ATTEMPTED, "")],
    "06.q2": [({"leep": leep_ok}, PASS, ""),
              ({"leep": leep_argmax}, FAIL, "test case"),
              ({"leep": leep_joint}, FAIL, "test case 1"),
              ({"leep": leep_index_by_label}, FAIL, "test case 4"),
              ({"leep": lambda t, y: None}, FAIL, "return")],
    "06.q3": _choice_cases(),
    "06.q4": [({"fallback_gap": fallback_ok}, PASS, ""),
              ({"fallback_gap": fallback_on_test}, FAIL, "test case"),
              ({"fallback_gap": fallback_always}, FAIL, "test case"),
              ({"fallback_gap": fallback_tie_transfer}, FAIL, "test case 3"),
              ({"fallback_gap": lambda *a: ____}, NOT_ATTEMPTED, "")],
    "06.q5": [({"procedure": "b"}, PASS, ""),
              ({"procedure": "a"}, FAIL, "frozen extractor keeps"),
              ({"procedure": "c"}, FAIL, "fine-tuning can"),
              ({"procedure": "B"}, PASS, ""),
              ({"procedure": "frozen"}, FAIL, "one of")],
    "02.q4": [({"many_labels": "b"}, PASS, ""),
              ({"many_labels": "a"}, FAIL, "shrinks"),
              ({"many_labels": "c"}, FAIL, "not the best"),
              ({"many_labels": "D"}, FAIL, "not the best"),
              ({"many_labels": "e"}, FAIL, "one of")],
}
CASES.update(CASES_07)
CASES.update(CASES_08)
CASES.update(CASES_09)
CASES.update(CASES_10)


# Cases that train or adapt networks are built when a test first needs them, not at import: (builder, how many).
LAZY_CASES = {"03.q2": (_extractor_cases, 16), "04.q2": (_partial_fine_tune_cases, 19), "05.q2": (_adabn_cases, 12),
              "08.q3": (_tfidf_cases, 19), "10.q4": (_predict_cases, 17),
              "10.q2": (_source_cases, 10)}
_BUILT: dict = {}


def cases_of(pid: str) -> list:
    """The (namespace, status, fragment) cases of one problem."""
    if pid not in LAZY_CASES:
        return CASES.get(pid, [])
    if pid not in _BUILT:
        builder, count = LAZY_CASES[pid]
        _BUILT[pid] = builder()
        assert len(_BUILT[pid]) == count, f"update the count of {pid} in LAZY_CASES"
    return _BUILT[pid]


@pytest.mark.parametrize("pid,i", [(pid, i) for pid, cases in CASES.items() for i in range(len(cases))] +
                         [(pid, i) for pid, (_, count) in LAZY_CASES.items() for i in range(count)])
def test_checker(pid, i):
    ns, status, fragment = cases_of(pid)[i]
    result = grading.registry()[pid].grade(dict(ns))
    assert result.status == status, result.message
    assert fragment.lower() in result.message.lower()


def test_every_graded_problem_has_a_pass_and_three_wrong_answers():
    for pid, problem in grading.registry().items():
        if not problem.graded:
            continue
        cases = cases_of(pid)
        assert any(st == PASS for _, st, _ in cases), f"{pid}: no passing case"
        assert sum(st == FAIL for _, st, _ in cases) >= 3, f"{pid}: fewer than 3 wrong answers tested"


def test_missing_variable_is_not_attempted():
    result = grading.registry()["00.q1"].grade({})
    assert result.status == NOT_ATTEMPTED and "not defined" in result.message


def test_thought_problem_shows_answer():
    result = grading.registry()["01.q6"].grade({})
    assert result.status == grading.ANSWER and "parity" in result.message


def test_error_shows_learners_line_not_internals():
    result = grading.registry()["01.q2"].grade({"cluster_purity": purity_crash})
    assert "purity_crash" in result.message and "tl_course/grading" not in result.message


def test_exercise_binding_hints_solution_progress(capsys):
    num_images = 1797  # noqa: F841 — read by the check through the frame's globals/locals namespace
    ns = {"num_images": 1797}
    ex = grading.exercise("00", namespace=ns)
    ex.q1.check()
    assert ex.q1.result.status == PASS and ex.q1.passed()
    assert "Hint 1/2" in ex.q1.hint() and "hint(2)" in ex.q1.hint()
    assert "Hint 2/2" in ex.q1.hint(5)
    assert "len(load_digits().images)" in ex.q1.solution()
    ex.progress()
    out = capsys.readouterr().out
    assert "1/2 graded questions passed" in out and "00.q2" in out


def test_unknown_exercise_lists_known_ones():
    with pytest.raises(ValueError, match="00, 01"):
        grading.exercise("99", namespace={})


def test_ids_are_stable_and_unique():
    ids = list(grading.registry())
    assert len(ids) == len(set(ids))
    for lesson in grading.all_lessons():
        for key, problem in grading.problems_for(lesson).items():
            assert problem.id == f"{lesson}.{key}"


def test_placeholder_cannot_be_used_silently():
    with pytest.raises(TypeError, match="blank"):
        bool(____)


# ---- answers written by an adversarial student, run as cells on a notebook-like namespace
#
# Each is what a learner might type in the exercise cell; "WRONG" ones must not pass (FAIL, or ERROR when their
# own code breaks), "PASS" ones are unusual but correct and must pass. Model-training answers of 03.q2 and 04.q2
# are covered by the fixtures above instead (they would train a network each).


ADVERSARY = [  # (problem, PASS or WRONG, what it is, the learner's cell)
    ('00.q1', 'WRONG', 'a tuple `(1797, 8, 8)`, not a count.', """
from sklearn.datasets import load_digits
num_images = load_digits().images.shape
"""),
    ('00.q1', 'WRONG', 'wrong axis: 64 pixels per image, not the number of images.', """
from sklearn.datasets import load_digits
num_images = load_digits().data.shape[1]
"""),
    ('00.q1', 'WRONG', '`len` of the Bunch (a dict) counts its keys (about 7–8), not the image', """
from sklearn.datasets import load_digits
num_images = len(load_digits())
"""),
    ('00.q1', 'WRONG', '10 classes, not 1797 images.', """
from sklearn.datasets import load_digits
num_images = len(load_digits().target_names)
"""),
    ('00.q1', 'WRONG', 'total number of pixel values, 1797·64 = 115008.', """
from sklearn.datasets import load_digits
num_images = load_digits().images.size
"""),
    ('00.q1', 'WRONG', 'off-by-one (1796), "last index" instead of count.', """
from sklearn.datasets import load_digits
num_images = len(load_digits().images) - 1
"""),
    ('00.q1', 'WRONG', 'largest label (9), not a count.', """
from sklearn.datasets import load_digits
num_images = load_digits().target.max()
"""),
    ('00.q1', 'WRONG', 'the string `"1797"`, not a number.', """
from sklearn.datasets import load_digits
num_images = str(len(load_digits().images))
"""),
    ('00.q1', 'WRONG', 'only the first five digit classes (901 images).', """
from sklearn.datasets import load_digits
num_images = len(load_digits(n_class=5).images)
"""),
    ('00.q1', 'WRONG', 'a 1-element list: right value, wrong type', """
from sklearn.datasets import load_digits
num_images = [len(load_digits().images)]
"""),
    ('00.q1', 'WRONG', 'non-integer float 1797.4 — a checker using a loose float tolerance (e.', """
from sklearn.datasets import load_digits
num_images = 1797.5 - 0.5 + 0.4
"""),
    ('00.q1', 'WRONG', 'the uncalled loader function itself.', """
from sklearn.datasets import load_digits
num_images = load_digits
"""),
    ('00.q1', 'WRONG', 'a boolean (`True == 1`)', """
from sklearn.datasets import load_digits
num_images = True
"""),
    ('00.q1', 'PASS', 'a `numpy.int64` 1797: a NumPy integer is a valid integer', """
from sklearn.datasets import load_digits
import numpy as np
num_images = np.bincount(load_digits().target).sum()
"""),
    ('00.q1', 'PASS', 'a different call of the loader (`return_X_y=True`), counting labels al', """
from sklearn.datasets import load_digits
num_images = load_digits(return_X_y=True)[1].shape[0]
"""),
    ('00.q2', 'WRONG', 'still a torch tensor (maybe on the GPU), not a NumPy array.', """
import torch
x = torch.arange(6.0, device=cfg.device).reshape(2, 3)
arr = x
"""),
    ('00.q2', 'WRONG', 'moved to the CPU but still a torch tensor.', """
import torch
x = torch.arange(6.0, device=cfg.device).reshape(2, 3)
arr = x.cpu()
"""),
    ('00.q2', 'WRONG', 'a nested Python list, not a NumPy array.', """
import torch
x = torch.arange(6.0, device=cfg.device).reshape(2, 3)
arr = x.tolist()
"""),
    ('00.q2', 'WRONG', 'the uncalled method.', """
import torch
x = torch.arange(6.0, device=cfg.device).reshape(2, 3)
arr = x.cpu().numpy
"""),
    ('00.q2', 'WRONG', 'flattened to shape (6,), same values but wrong shape.', """
import torch
x = torch.arange(6.0, device=cfg.device).reshape(2, 3)
arr = x.cpu().numpy().ravel()
"""),
    ('00.q2', 'WRONG', 'transposed, shape (3, 2).', """
import torch
x = torch.arange(6.0, device=cfg.device).reshape(2, 3)
arr = x.cpu().numpy().T
"""),
    ('00.q2', 'WRONG', 'rebuilt by hand with the wrong shape (3, 2) and an integer dtype.', """
import torch
x = torch.arange(6.0, device=cfg.device).reshape(2, 3)
import numpy as np
arr = np.arange(6).reshape(3, 2)
"""),
    ('00.q2', 'WRONG', 'only the first row.', """
import torch
x = torch.arange(6.0, device=cfg.device).reshape(2, 3)
arr = x.cpu().numpy()[0]
"""),
    ('00.q2', 'WRONG', 'a 1-tuple wrapping the array.', """
import torch
x = torch.arange(6.0, device=cfg.device).reshape(2, 3)
arr = (x.cpu().numpy(),)
"""),
    ('00.q2', 'WRONG', 'values shifted by one (off-by-one "1-based" thinking).', """
import torch
x = torch.arange(6.0, device=cfg.device).reshape(2, 3)
arr = x.cpu().numpy() + 1
"""),
    ('00.q2', 'WRONG', 'a boolean array (`[[False, True, True], [True, True, True]]`).', """
import torch
x = torch.arange(6.0, device=cfg.device).reshape(2, 3)
arr = x.cpu().numpy().astype(bool)
"""),
    ('00.q2', 'WRONG', '(sneaky): on a CPU machine `arr` shares memory with `x`, and zeroing `', """
import torch
x = torch.arange(6.0, device=cfg.device).reshape(2, 3)
arr = x.cpu().numpy(); x.mul_(0)
"""),
    ('00.q2', 'PASS', 'goes through a Python list and gives a float64 array with the same val', """
import torch
x = torch.arange(6.0, device=cfg.device).reshape(2, 3)
import numpy as np
arr = np.asarray(x.tolist())
"""),
    ('00.q2', 'PASS', 'a different but valid chain (`numpy(force=True)`, torch ≥ 1.13), float', """
import torch
x = torch.arange(6.0, device=cfg.device).reshape(2, 3)
arr = x.detach().to("cpu", copy=True).numpy(force=True)
"""),
    ('01.q1', 'WRONG', 'training accuracy (about 1.0), not the honest test score.', """
test_acc = clf.score(X_train, y_train)
"""),
    ('01.q1', 'WRONG', 'the uncalled bound method.', """
test_acc = clf.score
"""),
    ('01.q1', 'WRONG', 'a percentage (about 96–97) instead of a fraction.', """
test_acc = 100 * clf.score(X_test, y_test)
"""),
    ('01.q1', 'WRONG', 'the string `"96.9%"`.', """
test_acc = f"{100 * clf.score(X_test, y_test):.1f}%"
"""),
    ('01.q1', 'WRONG', 'a boolean vector of per-image hits, not its mean.', """
test_acc = clf.predict(X_test) == y_test
"""),
    ('01.q1', 'WRONG', 'the error rate (1 − accuracy).', """
test_acc = (clf.predict(X_test) != y_test).mean()
"""),
    ('01.q1', 'WRONG', 'a count of correct images (about 523 of 540), not a fraction.', """
test_acc = (clf.predict(X_test) == y_test).sum()
"""),
    ('01.q1', 'WRONG', 'trains a new model on the test set and scores it there (≈ 1.0).', """
test_acc = LogisticRegression(max_iter=2000).fit(X_test, y_test).score(X_test, y_test)
"""),
    ('01.q1', 'WRONG', 'refits `clf` (in place!) on all the data, test images included, then s', """
test_acc = clf.fit(X, y).score(X_test, y_test)
"""),
    ('01.q1', 'WRONG', '(sneaky, copied from the lesson): the lesson split uses `random_state=', """
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
test_acc = clf.score(X_test, y_test)
"""),
    ('01.q1', 'WRONG', 'balanced accuracy (mean per-class recall) is a different metric', """
from sklearn.metrics import balanced_accuracy_score
test_acc = balanced_accuracy_score(y_test, clf.predict(X_test))
"""),
    ('01.q1', 'WRONG', 'mean confidence, not accuracy.', """
test_acc = clf.predict_proba(X_test).max(axis=1).mean()
"""),
    ('01.q1', 'WRONG', '"un-scales" the test pixels, so train and test preprocessing differ', """
test_acc = clf.score(X_test * 16, y_test)
"""),
    ('01.q1', 'WRONG', 'rounded to one decimal (1.0).', """
test_acc = round(clf.score(X_test, y_test), 1)
"""),
    ('01.q1', 'WRONG', 'averages train and test accuracy (close to the right value — tests the', """
test_acc = (clf.score(X_train, y_train) + clf.score(X_test, y_test)) / 2
"""),
    ('01.q1', 'PASS', 'a different library call, same fraction.', """
from sklearn.metrics import accuracy_score
test_acc = accuracy_score(y_test, clf.predict(X_test))
"""),
    ('01.q1', 'PASS', 'computed by hand and stored as a NumPy float32 scalar', """
test_acc = np.float32(np.mean(clf.predict(X_test) == y_test))
"""),
    ('01.q2', 'WRONG', 'assumes cluster ids are 0…k−1', '''
def cluster_purity(clusters, labels):
    """Fraction of points whose cluster's majority label equals their own label."""
    hits = sum(np.bincount(labels[clusters == c]).max() for c in range(len(np.unique(clusters))))
    return hits / len(labels)
'''),
    ('01.q2', 'WRONG', 'returns a count, not a fraction.', '''
def cluster_purity(clusters, labels):
    """Fraction of points whose cluster's majority label equals their own label."""
    hits = sum(np.bincount(labels[clusters == c]).max() for c in np.unique(clusters))
    return hits
'''),
    ('01.q2', 'WRONG', 'divides by the number of clusters instead of the number of points.', '''
def cluster_purity(clusters, labels):
    """Fraction of points whose cluster's majority label equals their own label."""
    hits = sum(np.bincount(labels[clusters == c]).max() for c in np.unique(clusters))
    return hits / len(np.unique(clusters))
'''),
    ('01.q2', 'WRONG', 'unweighted mean of per-cluster purities', '''
def cluster_purity(clusters, labels):
    """Fraction of points whose cluster's majority label equals their own label."""
    hits = [np.bincount(labels[clusters == c]).max() / np.sum(clusters == c) for c in np.unique(clusters)]
    return np.mean(hits)
'''),
    ('01.q2', 'WRONG', 'arguments swapped (majority cluster per label = inverse purity)', '''
def cluster_purity(clusters, labels):
    """Fraction of points whose cluster's majority label equals their own label."""
    hits = sum(np.bincount(clusters[labels == c]).max() for c in np.unique(labels))
    return hits / len(labels)
'''),
    ('01.q2', 'WRONG', 'assumes cluster id == label', '''
def cluster_purity(clusters, labels):
    """Fraction of points whose cluster's majority label equals their own label."""
    hits = (clusters == labels)
    return hits.mean()
'''),
    ('01.q2', 'WRONG', 'sums the majority *label values* (argmax) instead of their counts.', '''
def cluster_purity(clusters, labels):
    """Fraction of points whose cluster's majority label equals their own label."""
    hits = sum(np.bincount(labels[clusters == c]).argmax() for c in np.unique(clusters))
    return hits / len(labels)
'''),
    ('01.q2', 'WRONG', 'global majority label (fraction of the most common class) — ignores th', '''
def cluster_purity(clusters, labels):
    """Fraction of points whose cluster's majority label equals their own label."""
    from collections import Counter
    hits = Counter(labels).most_common(1)[0][1]
    return hits / len(labels)
'''),
    ('01.q2', 'WRONG', 'off-by-one, skips the first cluster (treats it like a "noise" cluster)', '''
def cluster_purity(clusters, labels):
    """Fraction of points whose cluster's majority label equals their own label."""
    hits = sum(np.bincount(labels[clusters == c]).max() for c in np.unique(clusters)[1:])
    return hits / len(labels)
'''),
    ('01.q2', 'WRONG', 'a percentage.', '''
def cluster_purity(clusters, labels):
    """Fraction of points whose cluster's majority label equals their own label."""
    hits = sum(np.bincount(labels[clusters == c]).max() for c in np.unique(clusters))
    return 100 * hits / len(labels)
'''),
    ('01.q2', 'WRONG', "(side effect): right value, but shifts the caller's `clusters` array i", '''
def cluster_purity(clusters, labels):
    """Fraction of points whose cluster's majority label equals their own label."""
    clusters -= clusters.min()
    hits = sum(np.bincount(labels[clusters == c]).max() for c in np.unique(clusters))
    return hits / len(labels)
'''),
    ('01.q2', 'WRONG', 'integer division → 0 (or 1 when perfectly pure).', '''
def cluster_purity(clusters, labels):
    """Fraction of points whose cluster's majority label equals their own label."""
    hits = sum(np.bincount(labels[clusters == c]).max() for c in np.unique(clusters))
    return hits // len(labels)
'''),
    ('01.q2', 'PASS', 'contingency table with pandas', '''
def cluster_purity(clusters, labels):
    """Fraction of points whose cluster's majority label equals their own label."""
    import pandas as pd
    hits = pd.crosstab(np.asarray(clusters), np.asarray(labels)).max(axis=1).sum()
    return float(hits / len(labels))
'''),
    ('01.q2', 'PASS', 'pure Python (Counter over lists)', '''
def cluster_purity(clusters, labels):
    """Fraction of points whose cluster's majority label equals their own label."""
    from collections import Counter
    hits = sum(Counter(l for c2, l in zip(list(clusters), list(labels)) if c2 == c).most_common(1)[0][1]
               for c in set(list(clusters)))
    return hits / len(list(labels))
'''),
    ('01.q3', 'WRONG', 'ignores `done` (bootstraps from the terminal state).', '''
def q_update(Q, state, action, reward, next_state, done, alpha, gamma):
    """Return the updated Q-value of (state, action) after one step."""
    target = reward + gamma * Q[next_state].max()
    return Q[state, action] + alpha * (target - Q[state, action])
'''),
    ('01.q3', 'WRONG', "(copied from the lesson's GridWorld loop): still bootstraps when `done", '''
def q_update(Q, state, action, reward, next_state, done, alpha, gamma):
    """Return the updated Q-value of (state, action) after one step."""
    target = reward if done and reward > 0 else reward + gamma * Q[next_state].max()
    return Q[state, action] + alpha * (target - Q[state, action])
'''),
    ('01.q3', 'WRONG', '`done` logic inverted.', '''
def q_update(Q, state, action, reward, next_state, done, alpha, gamma):
    """Return the updated Q-value of (state, action) after one step."""
    target = reward if not done else reward + gamma * Q[next_state].max()
    return Q[state, action] + alpha * (target - Q[state, action])
'''),
    ('01.q3', 'WRONG', 'uses the same action in the next state (SARSA-like) instead of the max', '''
def q_update(Q, state, action, reward, next_state, done, alpha, gamma):
    """Return the updated Q-value of (state, action) after one step."""
    target = reward if done else reward + gamma * Q[next_state, action]
    return Q[state, action] + alpha * (target - Q[state, action])
'''),
    ('01.q3', 'WRONG', "max over the whole table, not over the next state's row.", '''
def q_update(Q, state, action, reward, next_state, done, alpha, gamma):
    """Return the updated Q-value of (state, action) after one step."""
    target = reward if done else reward + gamma * Q.max()
    return Q[state, action] + alpha * (target - Q[state, action])
'''),
    ('01.q3', 'WRONG', 'argmax (an action index) instead of max (a value).', '''
def q_update(Q, state, action, reward, next_state, done, alpha, gamma):
    """Return the updated Q-value of (state, action) after one step."""
    target = reward if done else reward + gamma * Q[next_state].argmax()
    return Q[state, action] + alpha * (target - Q[state, action])
'''),
    ('01.q3', 'WRONG', "max over the current state's row, not the next state's.", '''
def q_update(Q, state, action, reward, next_state, done, alpha, gamma):
    """Return the updated Q-value of (state, action) after one step."""
    target = reward if done else reward + gamma * Q[state].max()
    return Q[state, action] + alpha * (target - Q[state, action])
'''),
    ('01.q3', 'WRONG', 'returns the TD target (as if alpha = 1).', '''
def q_update(Q, state, action, reward, next_state, done, alpha, gamma):
    """Return the updated Q-value of (state, action) after one step."""
    target = reward if done else reward + gamma * Q[next_state].max()
    return target
'''),
    ('01.q3', 'WRONG', 'wrong sign (moves away from the target).', '''
def q_update(Q, state, action, reward, next_state, done, alpha, gamma):
    """Return the updated Q-value of (state, action) after one step."""
    target = reward if done else reward + gamma * Q[next_state].max()
    return Q[state, action] - alpha * (target - Q[state, action])
'''),
    ('01.q3', 'WRONG', 'forgets to subtract the current estimate.', '''
def q_update(Q, state, action, reward, next_state, done, alpha, gamma):
    """Return the updated Q-value of (state, action) after one step."""
    target = reward if done else reward + gamma * Q[next_state].max()
    return Q[state, action] + alpha * target
'''),
    ('01.q3', 'WRONG', 'alpha and gamma confused (gamma used as the step size).', '''
def q_update(Q, state, action, reward, next_state, done, alpha, gamma):
    """Return the updated Q-value of (state, action) after one step."""
    target = reward if done else reward + gamma * Q[next_state].max()
    return (1 - gamma) * Q[state, action] + gamma * target
'''),
    ('01.q3', 'WRONG', 'returns the whole (mutated) table instead of the new value.', '''
def q_update(Q, state, action, reward, next_state, done, alpha, gamma):
    """Return the updated Q-value of (state, action) after one step."""
    target = reward if done else reward + gamma * Q[next_state].max()
    Q[state, action] += alpha * (target - Q[state, action])
    return Q
'''),
    ('01.q3', 'WRONG', 'mean over next actions (expected-SARSA with a uniform policy) instead ', '''
def q_update(Q, state, action, reward, next_state, done, alpha, gamma):
    """Return the updated Q-value of (state, action) after one step."""
    target = reward if done else reward + gamma * Q[next_state].mean()
    return Q[state, action] + alpha * (target - Q[state, action])
'''),
    ('01.q3', 'PASS', "in-place update as in the lesson's loop, returning the new value", '''
def q_update(Q, state, action, reward, next_state, done, alpha, gamma):
    """Return the updated Q-value of (state, action) after one step."""
    target = reward if done else reward + gamma * Q[next_state].max()
    Q[state, action] += alpha * (target - Q[state, action])
    return Q[state, action]
'''),
    ('01.q3', 'PASS', 'the "mask" form and the convex-combination form of the same update (wo', '''
def q_update(Q, state, action, reward, next_state, done, alpha, gamma):
    """Return the updated Q-value of (state, action) after one step."""
    target = reward + (1 - float(done)) * gamma * max(list(Q[next_state]))
    return (1 - alpha) * Q[state, action] + alpha * target
'''),
    ('01.q4', 'WRONG', 'a score is a reward, not a label per input.', """
robot_vacuum = "supervised"
"""),
    ('01.q4', 'WRONG', '.', """
robot_vacuum = "unsupervised"
"""),
    ('01.q4', 'WRONG', '.', """
robot_vacuum = "transfer"
"""),
    ('01.q4', 'WRONG', 'not one of the four allowed words (a lenient checker might accept', """
robot_vacuum = "reinforcement learning"
"""),
    ('01.q4', 'WRONG', 'a list, not a string.', """
robot_vacuum = ["reinforcement"]
"""),
    ('01.q4', 'WRONG', 'an index into the list of options instead of the word.', """
robot_vacuum = 2
"""),
    ('01.q4', 'WRONG', 'misspelt', """
robot_vacuum = "reinforcment"
"""),
    ('01.q4', 'WRONG', '(sneaky): hedges with two words', """
robot_vacuum = "supervised reinforcement"
"""),
    ('01.q4', 'PASS', '(if the checker normalises): surrounding whitespace and capitalisation', """
robot_vacuum = "  Reinforcement\\n"
"""),
    ('01.q4', 'PASS', 'a NumPy string scalar, equal to the Python string.', """
import numpy as np
robot_vacuum = np.str_("reinforcement")
"""),
    ('01.q5', 'WRONG', 'training only on the 50 labelled X-rays ignores the offered model.', """
new_clinic = "supervised"
"""),
    ('01.q5', 'WRONG', '.', """
new_clinic = "unsupervised"
"""),
    ('01.q5', 'WRONG', '.', """
new_clinic = "reinforcement"
"""),
    ('01.q5', 'WRONG', 'not one of the four words.', """
new_clinic = "fine-tuning"
"""),
    ('01.q5', 'WRONG', 'not one of the four words (a lenient checker may accept).', """
new_clinic = "transfer learning"
"""),
    ('01.q5', 'WRONG', 'copies the previous answer ("reinforcement").', """
new_clinic = robot_vacuum
"""),
    ('01.q5', 'WRONG', 'left empty with None', """
new_clinic = None
"""),
    ('01.q5', 'WRONG', 'a tuple of two options (`"transfer" in answer` would wrongly pass).', """
new_clinic = ("transfer", "supervised")
"""),
    ('01.q5', 'PASS', 'computed string, equal to "transfer".', """
new_clinic = "TRANSFER".lower()
"""),
    ('01.q5', 'PASS', 'built from a list', """
new_clinic = " ".join(["transfer"]).strip()
"""),
    ('02.q1', 'WRONG', 'a deterministic slice (the first k of each class), not random', '''
def sample_few_shot(y, k, seed):
    """Indices of k random examples of each class in y (stratified, without replacement, seeded)."""
    rng = np.random.default_rng(seed)
    picks = [np.flatnonzero(y == c)[:k] for c in np.unique(y)]
    return np.concatenate(picks)
'''),
    ('02.q1', 'WRONG', 'with replacement: repeats are possible (and certain when k equals the ', '''
def sample_few_shot(y, k, seed):
    """Indices of k random examples of each class in y (stratified, without replacement, seeded)."""
    rng = np.random.default_rng(seed)
    picks = [rng.choice(np.flatnonzero(y == c), k, replace=True) for c in np.unique(y)]
    return np.concatenate(picks)
'''),
    ('02.q1', 'WRONG', 'k examples in total, not k per class (not stratified).', '''
def sample_few_shot(y, k, seed):
    """Indices of k random examples of each class in y (stratified, without replacement, seeded)."""
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(y), k, replace=False)
    return picks
'''),
    ('02.q1', 'WRONG', 'the right total count but not stratified: some classes get more than k', '''
def sample_few_shot(y, k, seed):
    """Indices of k random examples of each class in y (stratified, without replacement, seeded)."""
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(y), k * len(np.unique(y)), replace=False)
    return picks
'''),
    ('02.q1', 'WRONG', 'assumes labels 0…C−1', '''
def sample_few_shot(y, k, seed):
    """Indices of k random examples of each class in y (stratified, without replacement, seeded)."""
    rng = np.random.default_rng(seed)
    picks = [rng.choice(np.flatnonzero(y == c), k, replace=False) for c in range(y.max() + 1)]
    return np.concatenate(picks)
'''),
    ('02.q1', 'WRONG', 'samples label *values* (every entry equals c), not positions.', '''
def sample_few_shot(y, k, seed):
    """Indices of k random examples of each class in y (stratified, without replacement, seeded)."""
    rng = np.random.default_rng(seed)
    picks = [rng.choice(y[y == c], k, replace=False) for c in np.unique(y)]
    return np.concatenate(picks)
'''),
    ('02.q1', 'WRONG', 'positions *within* each class (0…n_c−1), not positions in `y`.', '''
def sample_few_shot(y, k, seed):
    """Indices of k random examples of each class in y (stratified, without replacement, seeded)."""
    rng = np.random.default_rng(seed)
    picks = [rng.permutation(np.sum(y == c))[:k] for c in np.unique(y)]
    return np.concatenate(picks)
'''),
    ('02.q1', 'WRONG', 'ignores the seed: different indices on every call.', '''
def sample_few_shot(y, k, seed):
    """Indices of k random examples of each class in y (stratified, without replacement, seeded)."""
    rng = np.random.default_rng()
    picks = [rng.choice(np.flatnonzero(y == c), k, replace=False) for c in np.unique(y)]
    return np.concatenate(picks)
'''),
    ('02.q1', 'WRONG', 'hard-coded seed 0: reproducible, but every seed gives the same indices', '''
def sample_few_shot(y, k, seed):
    """Indices of k random examples of each class in y (stratified, without replacement, seeded)."""
    rng = np.random.default_rng(0)
    picks = [rng.choice(np.flatnonzero(y == c), k, replace=False) for c in np.unique(y)]
    return np.concatenate(picks)
'''),
    ('02.q1', 'WRONG', 'off-by-one, k − 1 per class.', '''
def sample_few_shot(y, k, seed):
    """Indices of k random examples of each class in y (stratified, without replacement, seeded)."""
    rng = np.random.default_rng(seed)
    picks = [rng.choice(np.flatnonzero(y == c), k - 1, replace=False) for c in np.unique(y)]
    return np.concatenate(picks)
'''),
    ('02.q1', 'WRONG', 'a dict class → indices instead of one flat array of positions.', '''
def sample_few_shot(y, k, seed):
    """Indices of k random examples of each class in y (stratified, without replacement, seeded)."""
    rng = np.random.default_rng(seed)
    picks = {c: rng.choice(np.flatnonzero(y == c), k, replace=False) for c in np.unique(y)}
    return picks
'''),
    ('02.q1', 'WRONG', 'a boolean mask, not positions.', '''
def sample_few_shot(y, k, seed):
    """Indices of k random examples of each class in y (stratified, without replacement, seeded)."""
    rng = np.random.default_rng(seed)
    picks = np.concatenate([rng.choice(np.flatnonzero(y == c), k, replace=False) for c in np.unique(y)])
    return np.isin(np.arange(len(y)), picks)
'''),
    ('02.q1', 'WRONG', "shuffles the caller's `y` in place (the positions now refer to the shu", '''
def sample_few_shot(y, k, seed):
    """Indices of k random examples of each class in y (stratified, without replacement, seeded)."""
    rng = np.random.default_rng(seed)
    rng.shuffle(y)
    picks = [np.flatnonzero(y == c)[:k] for c in np.unique(y)]
    return np.concatenate(picks)
'''),
    ('02.q1', 'WRONG', 'one-shot only (passes a check that only tries k = 1).', '''
def sample_few_shot(y, k, seed):
    """Indices of k random examples of each class in y (stratified, without replacement, seeded)."""
    rng = np.random.default_rng(seed)
    picks = [rng.choice(np.flatnonzero(y == c), min(k, 1), replace=False) for c in np.unique(y)]
    return np.concatenate(picks)
'''),
    ('02.q1', 'PASS', 'the legacy `RandomState`, a permutation instead of `choice`, and a pla', '''
def sample_few_shot(y, k, seed):
    """Indices of k random examples of each class in y (stratified, without replacement, seeded)."""
    rng = np.random.RandomState(seed)
    y = np.asarray(y)
    picks = [rng.permutation(np.flatnonzero(y == c))[:k].tolist() for c in np.unique(y)]
    return sum(picks, [])
'''),
    ('02.q1', 'PASS', 'pandas `groupby().sample`, seeded through a Generator, returned sorted', '''
def sample_few_shot(y, k, seed):
    """Indices of k random examples of each class in y (stratified, without replacement, seeded)."""
    import pandas as pd
    rng = np.random.default_rng(seed)
    picks = pd.Series(np.asarray(y)).groupby(np.asarray(y)).sample(n=k, random_state=rng).index
    return np.sort(picks.to_numpy())
'''),
    ('02.q2', 'WRONG', '0-based epoch (off by one).', '''
def epochs_to_reach(val_accs, target):
    """First epoch (1-based) with accuracy >= target, or None."""
    return next((i for i, a in enumerate(val_accs) if a >= target), None)
'''),
    ('02.q2', 'WRONG', 'strict `>`: misses an epoch that hits the target exactly.', '''
def epochs_to_reach(val_accs, target):
    """First epoch (1-based) with accuracy >= target, or None."""
    return next((i + 1 for i, a in enumerate(val_accs) if a > target), None)
'''),
    ('02.q2', 'WRONG', 'returns 1 when no epoch reaches the target (argmax of all-False is 0).', '''
def epochs_to_reach(val_accs, target):
    """First epoch (1-based) with accuracy >= target, or None."""
    return int(np.argmax(np.asarray(val_accs) >= target)) + 1
'''),
    ('02.q2', 'WRONG', 'the best epoch, not the first to reach the target.', '''
def epochs_to_reach(val_accs, target):
    """First epoch (1-based) with accuracy >= target, or None."""
    return int(np.argmax(val_accs)) + 1
'''),
    ('02.q2', 'WRONG', '−1 instead of None when never reached.', '''
def epochs_to_reach(val_accs, target):
    """First epoch (1-based) with accuracy >= target, or None."""
    return next((i + 1 for i, a in enumerate(val_accs) if a >= target), -1)
'''),
    ('02.q2', 'WRONG', 'the last epoch instead of None when never reached.', '''
def epochs_to_reach(val_accs, target):
    """First epoch (1-based) with accuracy >= target, or None."""
    return next((i + 1 for i, a in enumerate(val_accs) if a >= target), len(val_accs))
'''),
    ('02.q2', 'WRONG', 'returns the accuracy, not the epoch.', '''
def epochs_to_reach(val_accs, target):
    """First epoch (1-based) with accuracy >= target, or None."""
    return next((a for a in val_accs if a >= target), None)
'''),
    ('02.q2', 'WRONG', 'counts how many epochs reached the target.', '''
def epochs_to_reach(val_accs, target):
    """First epoch (1-based) with accuracy >= target, or None."""
    return sum(a >= target for a in val_accs) or None
'''),
    ('02.q2', 'WRONG', 'the last epoch at or above the target (right only for monotone curves)', '''
def epochs_to_reach(val_accs, target):
    """First epoch (1-based) with accuracy >= target, or None."""
    hits = [i + 1 for i, a in enumerate(val_accs) if a >= target]
    return hits[-1] if hits else None
'''),
    ('02.q2', 'WRONG', "sorts the caller's list in place (destroys the epoch order and mutates", '''
def epochs_to_reach(val_accs, target):
    """First epoch (1-based) with accuracy >= target, or None."""
    val_accs.sort()
    return next((i + 1 for i, a in enumerate(val_accs) if a >= target), None)
'''),
    ('02.q2', 'WRONG', 'False instead of None (`False == 0`, and `is None` is False).', '''
def epochs_to_reach(val_accs, target):
    """First epoch (1-based) with accuracy >= target, or None."""
    return next((i + 1 for i, a in enumerate(val_accs) if a >= target), False)
'''),
    ('02.q2', 'WRONG', 'compares percentages with a fractional target (almost always epoch 1).', '''
def epochs_to_reach(val_accs, target):
    """First epoch (1-based) with accuracy >= target, or None."""
    return next((i + 1 for i, a in enumerate(val_accs) if 100 * a >= target), None)
'''),
    ('02.q2', 'WRONG', 'a one-element list `[3]` instead of `3`.', '''
def epochs_to_reach(val_accs, target):
    """First epoch (1-based) with accuracy >= target, or None."""
    return [i + 1 for i, a in enumerate(val_accs) if a >= target][:1] or None
'''),
    ('02.q2', 'PASS', 'an explicit loop with `enumerate(start=1)`', '''
def epochs_to_reach(val_accs, target):
    """First epoch (1-based) with accuracy >= target, or None."""
    for epoch, acc in enumerate(val_accs, start=1):
        if acc >= target:
            return epoch
    return None
'''),
    ('02.q2', 'PASS', 'returns a `numpy.int64`', '''
def epochs_to_reach(val_accs, target):
    """First epoch (1-based) with accuracy >= target, or None."""
    hit = np.flatnonzero(np.asarray(list(val_accs), dtype=float) >= target)
    return hit[0] + 1 if hit.size else None
'''),
    ('02.q3', 'WRONG', 'reports the validation accuracy (the set that chose C), not the test accuracy.', """
def honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):
    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])
    return probe.score(features[val_idx], y[val_idx])

probe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)
print(f"probe test accuracy with 4 labelled images: {probe_acc}")
"""),
    ('02.q3', 'WRONG', 'chooses C on the test set (optimistic).', """
def honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):
    probe = train.linear_probe(features[train_idx], y[train_idx], features[test_idx], y[test_idx])
    return probe.score(features[test_idx], y[test_idx])

probe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)
print(f"probe test accuracy with 4 labelled images: {probe_acc}")
"""),
    ('02.q3', 'WRONG', '(sneaky): the C grid searched by hand on test accuracy', """
def honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):
    fit = lambda C: train.linear_probe(features[train_idx], y[train_idx], Cs=(C,))
    best = max((0.1, 1.0, 10.0), key=lambda C: fit(C).score(features[test_idx], y[test_idx]))
    return fit(best).score(features[test_idx], y[test_idx])

probe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)
print(f"probe test accuracy with 4 labelled images: {probe_acc}")
"""),
    ('02.q3', 'WRONG', 'trains on all the rows, test included.', """
def honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):
    probe = train.linear_probe(features, y)
    return probe.score(features[test_idx], y[test_idx])

probe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)
print(f"probe test accuracy with 4 labelled images: {probe_acc}")
"""),
    ('02.q3', 'WRONG', 'trains on train + validation (24 images instead of 4) and still picks C on validation.', """
def honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):
    trval = np.concatenate([train_idx, val_idx])
    probe = train.linear_probe(features[trval], y[trval], features[val_idx], y[val_idx])
    return probe.score(features[test_idx], y[test_idx])

probe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)
print(f"probe test accuracy with 4 labelled images: {probe_acc}")
"""),
    ('02.q3', 'WRONG', 'skips validation: C is not chosen (default), contrary to the question.', """
def honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):
    probe = train.linear_probe(features[train_idx], y[train_idx])
    return probe.score(features[test_idx], y[test_idx])

probe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)
print(f"probe test accuracy with 4 labelled images: {probe_acc}")
"""),
    ('02.q3', 'WRONG', 'trains on the test set.', """
def honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):
    probe = train.linear_probe(features[test_idx], y[test_idx], features[val_idx], y[val_idx])
    return probe.score(features[test_idx], y[test_idx])

probe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)
print(f"probe test accuracy with 4 labelled images: {probe_acc}")
"""),
    ('02.q3', 'WRONG', 'training accuracy (1.0).', """
def honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):
    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])
    return probe.score(features[train_idx], y[train_idx])

probe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)
print(f"probe test accuracy with 4 labelled images: {probe_acc}")
"""),
    ('02.q3', 'WRONG', 'the uncalled method.', """
def honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):
    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])
    return probe.score

probe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)
print(f"probe test accuracy with 4 labelled images: {probe_acc}")
"""),
    ('02.q3', 'WRONG', 'a percentage.', """
def honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):
    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])
    return 100 * probe.score(features[test_idx], y[test_idx])

probe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)
print(f"probe test accuracy with 4 labelled images: {probe_acc}")
"""),
    ('02.q3', 'WRONG', 'the string "87.0%".', """
def honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):
    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])
    return f"{probe.score(features[test_idx], y[test_idx]):.1%}"

probe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)
print(f"probe test accuracy with 4 labelled images: {probe_acc}")
"""),
    ('02.q3', 'WRONG', 'a probe on raw pixels, not the frozen ImageNet features (an honest score of the wrong model).', """
def honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):
    flat = faces.X.flatten(1)
    probe = train.linear_probe(flat[train_idx], y[train_idx], flat[val_idx], y[val_idx])
    return probe.score(flat[test_idx], y[test_idx])

probe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)
print(f"probe test accuracy with 4 labelled images: {probe_acc}")
"""),
    ('02.q3', 'WRONG', "a boolean vector, not a fraction (assumes the probe has sklearn's `predict`).", """
def honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):
    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])
    return probe.predict(features[test_idx]) == np.asarray(y[test_idx])

probe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)
print(f"probe test accuracy with 4 labelled images: {probe_acc}")
"""),
    ('02.q3', 'WRONG', 'test error, not accuracy.', """
def honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):
    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])
    return 1 - probe.score(features[test_idx], y[test_idx])

probe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)
print(f"probe test accuracy with 4 labelled images: {probe_acc}")
"""),
    ('02.q3', 'PASS', 'the same number through `predict` + `accuracy_score`', """
def honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):
    from sklearn.metrics import accuracy_score
    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])
    return accuracy_score(np.asarray(y[test_idx]), probe.predict(features[test_idx]))

probe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)
print(f"probe test accuracy with 4 labelled images: {probe_acc}")
"""),
    ('02.q3', 'PASS', 'NumPy copies indexed with Python lists', """
def honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):
    F = features.numpy() if hasattr(features, "numpy") else np.asarray(features)
    Y = np.asarray(y)
    probe = train.linear_probe(F[list(train_idx)], Y[list(train_idx)], F[list(val_idx)], Y[list(val_idx)])
    return float(probe.score(F[list(test_idx)], Y[list(test_idx)]))

probe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)
print(f"probe test accuracy with 4 labelled images: {probe_acc}")
"""),
    ('02.q3', 'PASS', '`predict` + mean, the indices turned into NumPy first', """
def honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):
    tr, va, te = (np.asarray(i) for i in (train_idx, val_idx, test_idx))
    probe = train.linear_probe(features[tr], y[tr], features[va], y[va])
    return (np.asarray(probe.predict(features[te])) == np.asarray(y[te])).mean()

probe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)
print(f"probe test accuracy with 4 labelled images: {probe_acc}")
"""),
    ('02.q3', 'WRONG', 'C chosen on validation and test together.', """
def honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):
    choose = np.concatenate([val_idx, test_idx])
    probe = train.linear_probe(features[train_idx], y[train_idx], features[choose], y[choose])
    return probe.score(features[test_idx], y[test_idx])

probe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)
print(f"probe test accuracy with 4 labelled images: {probe_acc}")
"""),
    ('02.q3', 'WRONG', 'C chosen on test in the function, `probe_acc` computed honestly outside it.', """
def honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):
    probe = train.linear_probe(features[train_idx], y[train_idx], features[test_idx], y[test_idx])
    return probe.score(features[test_idx], y[test_idx])

probe = train.linear_probe(features[train_idx], faces.y[train_idx], features[val_idx], faces.y[val_idx])
probe_acc = probe.score(features[test_idx], faces.y[test_idx])
"""),
    ('02.q3', 'WRONG', "ignores its arguments: the notebook's features, labels and split.", """
def honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):
    probe = train.linear_probe(globals()['features'][globals()['train_idx']], faces.y[globals()['train_idx']],
                               globals()['features'][globals()['val_idx']], faces.y[globals()['val_idx']])
    return probe.score(globals()['features'][globals()['test_idx']], faces.y[globals()['test_idx']])

probe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)
print(f"probe test accuracy with 4 labelled images: {probe_acc}")
"""),
    ('02.q3', 'WRONG', "the notebook's labels `faces.y` instead of its argument `y`.", """
def honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):
    probe = train.linear_probe(features[train_idx], faces.y[train_idx], features[val_idx], faces.y[val_idx])
    return probe.score(features[test_idx], faces.y[test_idx])

probe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)
print(f"probe test accuracy with 4 labelled images: {probe_acc}")
"""),
    ('02.q3', 'WRONG', "returns the notebook's `probe_acc`, whatever it is given (hard-coded).", """
def honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):
    return 0.5 if 'probe_acc' not in globals() else globals()['probe_acc']

probe_acc = train.linear_probe(features[train_idx], faces.y[train_idx], features[val_idx],
                               faces.y[val_idx]).score(features[test_idx], faces.y[test_idx])
"""),
    ('02.q3', 'WRONG', "unit-normalises the caller's features in place before fitting.", """
def honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):
    features /= np.linalg.norm(np.asarray(features), axis=1, keepdims=True)
    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])
    return probe.score(features[test_idx], y[test_idx])

probe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)
print(f"probe test accuracy with 4 labelled images: {probe_acc}")
"""),
    ('02.q3', 'WRONG', "sorts the caller's test indices in place.", """
def honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):
    test_idx[:] = test_idx[np.argsort(np.asarray(test_idx))]
    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])
    return probe.score(features[test_idx], y[test_idx])

probe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)
print(f"probe test accuracy with 4 labelled images: {probe_acc}")
"""),
    ('02.q4', 'WRONG', 'the gap shrinks with more labels (lesson: within 3 points at k = 40).', """
many_labels = "a"
"""),
    ('02.q4', 'WRONG', 'reversed — transfer wins when labels are scarce.', """
many_labels = "c"
"""),
    ('02.q4', 'WRONG', 'transfer changed the few-label accuracy a lot.', """
many_labels = "d"
"""),
    ('02.q4', 'WRONG', 'includes the parenthesis (a lenient checker might strip it', """
many_labels = "b)"
"""),
    ('02.q4', 'WRONG', 'a list.', """
many_labels = ["b"]
"""),
    ('02.q4', 'WRONG', "the option's index.", """
many_labels = 1
"""),
    ('02.q4', 'WRONG', 'the full sentence, not the letter.', """
many_labels = "b) The advantage of transfer shrinks as labels grow; with enough labels, training from scratch can match it."
"""),
    ('02.q4', 'WRONG', '(sneaky): two letters', """
many_labels = "bd"
"""),
    ('02.q4', 'PASS', 'computed, exactly "b".', """
many_labels = chr(ord("a") + 1)
"""),
    ('02.q4', 'PASS', 'normalised from a capital with spaces', """
many_labels = " B ".strip().lower()
"""),
    ('03.q1', 'WRONG', 'averages over channels → shape (N, H, W).', '''
def global_average_pool(fmap):
    """(N, C, H, W) feature maps → (N, C) feature vectors."""
    return fmap.mean(dim=1)
'''),
    ('03.q1', 'WRONG', 'averages over W only → (N, C, H).', '''
def global_average_pool(fmap):
    """(N, C, H, W) feature maps → (N, C) feature vectors."""
    return fmap.mean(dim=-1)
'''),
    ('03.q1', 'WRONG', 'global *max* pooling', '''
def global_average_pool(fmap):
    """(N, C, H, W) feature maps → (N, C) feature vectors."""
    return fmap.amax(dim=(2, 3))
'''),
    ('03.q1', 'WRONG', 'sum, not mean (off by a factor H·W', '''
def global_average_pool(fmap):
    """(N, C, H, W) feature maps → (N, C) feature vectors."""
    return fmap.sum(dim=(2, 3))
'''),
    ('03.q1', 'WRONG', 'divides by H² — only right for square maps (a checker must try H ≠ W).', '''
def global_average_pool(fmap):
    """(N, C, H, W) feature maps → (N, C) feature vectors."""
    return fmap.sum(dim=(2, 3)) / (fmap.shape[2] * fmap.shape[2])
'''),
    ('03.q1', 'WRONG', 'right values but shape (N, C, 1, 1), not (N, C).', '''
def global_average_pool(fmap):
    """(N, C, H, W) feature maps → (N, C) feature vectors."""
    return torch.nn.functional.adaptive_avg_pool2d(fmap, 1)
'''),
    ('03.q1', 'WRONG', 'the extra `squeeze()` collapses N = 1 (or C = 1) → shape (C,) or (N,)', '''
def global_average_pool(fmap):
    """(N, C, H, W) feature maps → (N, C) feature vectors."""
    return fmap.mean(dim=(2, 3)).squeeze()
'''),
    ('03.q1', 'WRONG', 'flattens to (N, C·H·W) instead of pooling.', '''
def global_average_pool(fmap):
    """(N, C, H, W) feature maps → (N, C) feature vectors."""
    return fmap.flatten(1)
'''),
    ('03.q1', 'WRONG', 'one scalar for the whole batch.', '''
def global_average_pool(fmap):
    """(N, C, H, W) feature maps → (N, C) feature vectors."""
    return fmap.mean()
'''),
    ('03.q1', 'WRONG', 'also averages over the batch → shape (C,).', '''
def global_average_pool(fmap):
    """(N, C, H, W) feature maps → (N, C) feature vectors."""
    return fmap.mean(dim=(0, 2, 3))
'''),
    ('03.q1', 'WRONG', 'channels-last thinking (NHWC): averages C and H → (N, W)', '''
def global_average_pool(fmap):
    """(N, C, H, W) feature maps → (N, C) feature vectors."""
    return fmap.mean(dim=(1, 2))
'''),
    ('03.q1', 'WRONG', 'a NumPy array instead of a torch tensor (and detached from the graph, ', '''
def global_average_pool(fmap):
    """(N, C, H, W) feature maps → (N, C) feature vectors."""
    return fmap.mean(dim=(2, 3)).detach().cpu().numpy()
'''),
    ('03.q1', 'WRONG', "(side effect): right values, but divides the caller's feature map in p", '''
def global_average_pool(fmap):
    """(N, C, H, W) feature maps → (N, C) feature vectors."""
    fmap /= fmap.shape[2] * fmap.shape[3]
    return fmap.sum(dim=(2, 3))
'''),
    ('03.q1', 'WRONG', 'takes the centre pixel, not the average (right for constant maps only)', '''
def global_average_pool(fmap):
    """(N, C, H, W) feature maps → (N, C) feature vectors."""
    return fmap[:, :, fmap.shape[2] // 2, fmap.shape[3] // 2]
'''),
    ('03.q1', 'PASS', "the library's pooling, flattened to (N, C).", '''
def global_average_pool(fmap):
    """(N, C, H, W) feature maps → (N, C) feature vectors."""
    return torch.nn.functional.adaptive_avg_pool2d(fmap, 1).flatten(1)
'''),
    ('03.q1', 'PASS', 'einsum sum divided by H·W (float32 rounding differs slightly from `mea', '''
def global_average_pool(fmap):
    """(N, C, H, W) feature maps → (N, C) feature vectors."""
    return torch.einsum("nchw->nc", fmap) / (fmap.shape[-1] * fmap.shape[-2])
'''),
    ('03.q3', 'WRONG', 'the last layer is too ImageNet-specific for textures (the lesson asser', """
best_depth = "last"
"""),
    ('03.q3', 'WRONG', '.', """
best_depth = "early"
"""),
    ('03.q3', 'WRONG', 'a layer name, not one of the three words.', """
best_depth = "block 5"
"""),
    ('03.q3', 'WRONG', 'a block number.', """
best_depth = 5
"""),
    ('03.q3', 'WRONG', 'not one of the options.', """
best_depth = "mid"
"""),
    ('03.q3', 'WRONG', 'a list.', """
best_depth = ["middle"]
"""),
    ('03.q3', 'WRONG', '(sneaky): hedged', """
best_depth = "middle or last"
"""),
    ('03.q3', 'PASS', 'computed, exactly "middle".', """
best_depth = "MIDDLE".lower()
"""),
    ('03.q3', 'PASS', 'picked from a tuple of the options', """
best_depth = ("early", "middle", "last")[1]
"""),
    ('04.q1', 'WRONG', 'head first (reversed order): `[1e-2, 1e-3, 1e-4, 1e-5]`.', '''
def layer_learning_rates(head_lr, num_blocks, mult):
    """Learning rates for [block 1, ..., block num_blocks, head]."""
    return [head_lr / mult ** i for i in range(num_blocks + 1)]
'''),
    ('04.q1', 'WRONG', 'off-by-one: num_blocks rates, the head is missing.', '''
def layer_learning_rates(head_lr, num_blocks, mult):
    """Learning rates for [block 1, ..., block num_blocks, head]."""
    return [head_lr / mult ** (num_blocks - i) for i in range(num_blocks)]
'''),
    ('04.q1', 'WRONG', 'exponent off by one: every rate `mult` times too small (head gets head', '''
def layer_learning_rates(head_lr, num_blocks, mult):
    """Learning rates for [block 1, ..., block num_blocks, head]."""
    return [head_lr / mult ** (num_blocks - i + 1) for i in range(num_blocks + 1)]
'''),
    ('04.q1', 'WRONG', 'wrong sign of the exponent: lower blocks get *larger* rates.', '''
def layer_learning_rates(head_lr, num_blocks, mult):
    """Learning rates for [block 1, ..., block num_blocks, head]."""
    return [head_lr * mult ** (num_blocks - i) for i in range(num_blocks + 1)]
'''),
    ('04.q1', 'WRONG', 'hard-codes 10 instead of `mult` (passes the worked example only).', '''
def layer_learning_rates(head_lr, num_blocks, mult):
    """Learning rates for [block 1, ..., block num_blocks, head]."""
    return [head_lr / 10 ** (num_blocks - i) for i in range(num_blocks + 1)]
'''),
    ('04.q1', 'WRONG', 'hard-coded example.', '''
def layer_learning_rates(head_lr, num_blocks, mult):
    """Learning rates for [block 1, ..., block num_blocks, head]."""
    return [1e-5, 1e-4, 1e-3, 1e-2]
'''),
    ('04.q1', 'WRONG', 'divides by mult·depth (linear), not mult^depth: `[1e-2/30, 1e-2/20, 1e', '''
def layer_learning_rates(head_lr, num_blocks, mult):
    """Learning rates for [block 1, ..., block num_blocks, head]."""
    return [head_lr / (mult * (num_blocks - i)) if i < num_blocks else head_lr for i in range(num_blocks + 1)]
'''),
    ('04.q1', 'WRONG', 'floor division: all blocks 0.0.', '''
def layer_learning_rates(head_lr, num_blocks, mult):
    """Learning rates for [block 1, ..., block num_blocks, head]."""
    return [head_lr // mult ** (num_blocks - i) for i in range(num_blocks + 1)]
'''),
    ('04.q1', 'WRONG', 'a dict, not a list in network order.', '''
def layer_learning_rates(head_lr, num_blocks, mult):
    """Learning rates for [block 1, ..., block num_blocks, head]."""
    return {f"block {i + 1}": head_lr / mult ** (num_blocks - i) for i in range(num_blocks)} | {"head": head_lr}
'''),
    ('04.q1', 'WRONG', 'exponent hard-codes 3 blocks', '''
def layer_learning_rates(head_lr, num_blocks, mult):
    """Learning rates for [block 1, ..., block num_blocks, head]."""
    return [head_lr / mult ** (3 - i) for i in range(num_blocks + 1)]
'''),
    ('04.q1', 'WRONG', 'arithmetic instead of geometric steps (can go negative).', '''
def layer_learning_rates(head_lr, num_blocks, mult):
    """Learning rates for [block 1, ..., block num_blocks, head]."""
    return [head_lr - (num_blocks - i) * head_lr / mult for i in range(num_blocks + 1)]
'''),
    ('04.q1', 'WRONG', 'strings like `"1e-05"`.', '''
def layer_learning_rates(head_lr, num_blocks, mult):
    """Learning rates for [block 1, ..., block num_blocks, head]."""
    return [f"{head_lr / mult ** (num_blocks - i):g}" for i in range(num_blocks + 1)]
'''),
    ('04.q1', 'PASS', '`np.geomspace` gives the same geometric sequence (up to float rounding', '''
def layer_learning_rates(head_lr, num_blocks, mult):
    """Learning rates for [block 1, ..., block num_blocks, head]."""
    import numpy as np
    return np.geomspace(head_lr / mult ** num_blocks, head_lr, num_blocks + 1).tolist()
'''),
    ('04.q1', 'PASS', 'built head-first by repeated division, then reversed in place (repeate', '''
def layer_learning_rates(head_lr, num_blocks, mult):
    """Learning rates for [block 1, ..., block num_blocks, head]."""
    rates = [head_lr]
    for _ in range(num_blocks):
        rates.append(rates[-1] / mult)
    rates.reverse()
    return rates
'''),
    ('04.q3', 'WRONG', 'conv weights have no gradient.', """
bn_pitfall = "a"
"""),
    ('04.q3', 'WRONG', 'the hurried "it was frozen".', """
bn_pitfall = "c"
"""),
    ('04.q3', 'WRONG', '.', """
bn_pitfall = "d"
"""),
    ('04.q3', 'WRONG', 'two options (a substring test for "b" would wrongly accept it).', """
bn_pitfall = "a and b"
"""),
    ('04.q3', 'WRONG', 'a list.', """
bn_pitfall = ["b"]
"""),
    ('04.q3', 'WRONG', "the option's index.", """
bn_pitfall = 1
"""),
    ('04.q3', 'WRONG', "the option's text instead of its letter.", """
bn_pitfall = "the BatchNorm running means and variances"
"""),
    ('04.q3', 'PASS', 'computed, exactly "b".', """
bn_pitfall = "abcd"[1]
"""),
    ('04.q3', 'PASS', 'lower-cased capital, exactly "b".', """
bn_pitfall = "B".lower()
"""),
    ('04.q4', 'WRONG', 'no square root (ratio of squared norms).', '''
def relative_change(before, after):
    """‖after − before‖ / ‖before‖ over all tensors together."""
    change = sum(((after[k] - before[k]) ** 2).sum() for k in before)
    size = sum((before[k] ** 2).sum() for k in before)
    return float(change / size)
'''),
    ('04.q4', 'WRONG', 'unweighted mean of per-tensor relative changes, not one vector (equal ', '''
def relative_change(before, after):
    """‖after − before‖ / ‖before‖ over all tensors together."""
    change = [float((after[k] - before[k]).norm() / before[k].norm()) for k in before]
    size = len(change)
    return sum(change) / size
'''),
    ('04.q4', 'WRONG', 'sum of per-tensor norms (triangle-inequality version), not the norm of', '''
def relative_change(before, after):
    """‖after − before‖ / ‖before‖ over all tensors together."""
    change = sum(float((after[k] - before[k]).norm()) for k in before)
    size = sum(float(before[k].norm()) for k in before)
    return change / size
'''),
    ('04.q4', 'WRONG', 'divides by ‖after‖ instead of ‖before‖.', '''
def relative_change(before, after):
    """‖after − before‖ / ‖before‖ over all tensors together."""
    change = sum(((after[k] - before[k]) ** 2).sum() for k in before)
    size = sum((after[k] ** 2).sum() for k in before)
    return float((change / size) ** 0.5)
'''),
    ('04.q4', 'WRONG', '(‖after‖ − ‖before‖)/‖before‖ — change of the norm, not norm of the ch', '''
def relative_change(before, after):
    """‖after − before‖ / ‖before‖ over all tensors together."""
    change = sum((after[k] ** 2).sum() for k in before) ** 0.5 - sum((before[k] ** 2).sum() for k in before) ** 0.5
    size = sum((before[k] ** 2).sum() for k in before) ** 0.5
    return float(change / size)
'''),
    ('04.q4', 'WRONG', 'pairs tensors by dict order, not by key: wrong when `after` lists the ', '''
def relative_change(before, after):
    """‖after − before‖ / ‖before‖ over all tensors together."""
    change = sum(((a - b) ** 2).sum() for a, b in zip(after.values(), before.values()))
    size = sum((b ** 2).sum() for b in before.values())
    return float((change / size) ** 0.5)
'''),
    ('04.q4', 'WRONG', 'L1 norms instead of L2.', '''
def relative_change(before, after):
    """‖after − before‖ / ‖before‖ over all tensors together."""
    change = sum((after[k] - before[k]).abs().sum() for k in before)
    size = sum(before[k].abs().sum() for k in before)
    return float(change / size)
'''),
    ('04.q4', 'WRONG', 'per-tensor means reweight tensors by 1/size (right only when all tenso', '''
def relative_change(before, after):
    """‖after − before‖ / ‖before‖ over all tensors together."""
    change = sum(((after[k] - before[k]) ** 2).mean() for k in before)
    size = sum((before[k] ** 2).mean() for k in before)
    return float((change / size) ** 0.5)
'''),
    ('04.q4', 'WRONG', 'returns a 0-d torch tensor, not a float.', '''
def relative_change(before, after):
    """‖after − before‖ / ‖before‖ over all tensors together."""
    change = sum(((after[k] - before[k]) ** 2).sum() for k in before)
    size = sum((before[k] ** 2).sum() for k in before)
    return (change / size) ** 0.5
'''),
    ('04.q4', 'WRONG', "(side effect): right value, but overwrites the caller's `after` tensor", '''
def relative_change(before, after):
    """‖after − before‖ / ‖before‖ over all tensors together."""
    for k in before:
        after[k].sub_(before[k])
    change = sum((after[k] ** 2).sum() for k in before)
    size = sum((before[k] ** 2).sum() for k in before)
    return float((change / size) ** 0.5)
'''),
    ('04.q4', 'WRONG', 'a percentage.', '''
def relative_change(before, after):
    """‖after − before‖ / ‖before‖ over all tensors together."""
    change = sum(((after[k] - before[k]) ** 2).sum() for k in before)
    size = sum((before[k] ** 2).sum() for k in before)
    return 100 * float((change / size) ** 0.5)
'''),
    ('04.q4', 'WRONG', 'only the first tensor (a checker with a single-key dict would not noti', '''
def relative_change(before, after):
    """‖after − before‖ / ‖before‖ over all tensors together."""
    k = next(iter(before))
    change = (after[k] - before[k]).norm()
    size = before[k].norm()
    return float(change / size)
'''),
    ('04.q4', 'PASS', 'concatenates everything into one float64 vector and uses `vector_norm`', '''
def relative_change(before, after):
    """‖after − before‖ / ‖before‖ over all tensors together."""
    import torch
    change = torch.linalg.vector_norm(torch.cat([(after[k] - before[k]).double().flatten() for k in before]))
    size = torch.linalg.vector_norm(torch.cat([before[k].double().flatten() for k in before]))
    return (change / size).item()
'''),
    ('04.q4', 'PASS', 'NumPy float64 sums, keys iterated in sorted order (order does not matt', '''
def relative_change(before, after):
    """‖after − before‖ / ‖before‖ over all tensors together."""
    import math
    import numpy as np
    change = sum(float(np.sum((np.asarray(after[k].detach().cpu(), dtype=np.float64) - np.asarray(before[k].detach().cpu(), dtype=np.float64)) ** 2)) for k in sorted(before))
    size = sum(float(np.sum(np.asarray(before[k].detach().cpu(), dtype=np.float64) ** 2)) for k in sorted(before))
    return math.sqrt(change) / math.sqrt(size)
'''),
    ('04.q5', 'WRONG', 'chosen by the best *test* accuracy.', """
chosen_lr = 1e-2
"""),
    ('04.q5', 'WRONG', '.', """
chosen_lr = 1e-4
"""),
    ('04.q5', 'WRONG', 'the test accuracy to report, not the learning rate.', """
chosen_lr = 0.82
"""),
    ('04.q5', 'WRONG', 'a tuple (rate, test accuracy) instead of the number.', """
chosen_lr = (1e-3, 0.82)
"""),
    ('04.q5', 'WRONG', 'a string.', """
chosen_lr = "1e-3"
"""),
    ('04.q5', 'WRONG', 'the log10 of the rate.', """
chosen_lr = -3
"""),
    ('04.q5', 'WRONG', 'the row index (0-based) of the best validation accuracy.', """
chosen_lr = 1
"""),
    ('04.q5', 'WRONG', '"chosen" by the alphabetically last name ("1e-4", a string).', """
chosen_lr = max(["1e-4", "1e-3", "1e-2"])
"""),
    ('04.q5', 'PASS', 'computed from a dict of validation accuracies', """
val = {1e-4: 0.80, 1e-3: 0.87, 1e-2: 0.84}
chosen_lr = max(val, key=val.get)
"""),
    ('04.q5', 'PASS', 'a float32 NumPy scalar (≈ 1.00000005e-3)', """
import numpy as np
chosen_lr = np.float32(10 ** -3)
"""),
    ('05.q1', 'WRONG', '`torch.cov` treats rows as variables: this is the n × n covariance of ', '''
def coral_loss(f_source, f_target):
    """Deep CORAL: ‖cov(source) − cov(target)‖²_F / (4 d²)."""
    d = f_source.shape[1]
    return ((torch.cov(f_source) - torch.cov(f_target)) ** 2).sum() / (4 * d * d)
'''),
    ('05.q1', 'WRONG', '`d` taken from the batch size (axis 0), not the feature width.', '''
def coral_loss(f_source, f_target):
    """Deep CORAL: ‖cov(source) − cov(target)‖²_F / (4 d²)."""
    d = f_source.shape[0]
    return ((torch.cov(f_source.T) - torch.cov(f_target.T)) ** 2).sum() / (4 * d * d)
'''),
    ('05.q1', 'WRONG', 'forgets the 1/(4d²) normalisation.', '''
def coral_loss(f_source, f_target):
    """Deep CORAL: ‖cov(source) − cov(target)‖²_F / (4 d²)."""
    d = f_source.shape[1]
    return ((torch.cov(f_source.T) - torch.cov(f_target.T)) ** 2).sum()
'''),
    ('05.q1', 'WRONG', 'divides by 4d instead of 4d².', '''
def coral_loss(f_source, f_target):
    """Deep CORAL: ‖cov(source) − cov(target)‖²_F / (4 d²)."""
    d = f_source.shape[1]
    return ((torch.cov(f_source.T) - torch.cov(f_target.T)) ** 2).sum() / (4 * d)
'''),
    ('05.q1', 'WRONG', 'the Frobenius norm, not its square.', '''
def coral_loss(f_source, f_target):
    """Deep CORAL: ‖cov(source) − cov(target)‖²_F / (4 d²)."""
    d = f_source.shape[1]
    return torch.linalg.matrix_norm(torch.cov(f_source.T) - torch.cov(f_target.T)) / (4 * d * d)
'''),
    ('05.q1', 'WRONG', 'biased covariances (divide by n, not n − 1)', '''
def coral_loss(f_source, f_target):
    """Deep CORAL: ‖cov(source) − cov(target)‖²_F / (4 d²)."""
    d = f_source.shape[1]
    return ((torch.cov(f_source.T, correction=0) - torch.cov(f_target.T, correction=0)) ** 2).sum() / (4 * d * d)
'''),
    ('05.q1', 'WRONG', 'uncentred second moments (forgets to subtract the mean)', '''
def coral_loss(f_source, f_target):
    """Deep CORAL: ‖cov(source) − cov(target)‖²_F / (4 d²)."""
    d = f_source.shape[1]
    second = lambda f: f.T @ f / (f.shape[0] - 1)
    return ((second(f_source) - second(f_target)) ** 2).sum() / (4 * d * d)
'''),
    ('05.q1', 'WRONG', 'compares means, not covariances.', '''
def coral_loss(f_source, f_target):
    """Deep CORAL: ‖cov(source) − cov(target)‖²_F / (4 d²)."""
    d = f_source.shape[1]
    return ((f_source.mean(0) - f_target.mean(0)) ** 2).sum() / (4 * d * d)
'''),
    ('05.q1', 'WRONG', 'correlation matrices (scale-free), not covariances: misses a pure resc', '''
def coral_loss(f_source, f_target):
    """Deep CORAL: ‖cov(source) − cov(target)‖²_F / (4 d²)."""
    d = f_source.shape[1]
    return ((torch.corrcoef(f_source.T) - torch.corrcoef(f_target.T)) ** 2).sum() / (4 * d * d)
'''),
    ('05.q1', 'WRONG', 'the right number but a Python float via NumPy: no gradient flows, so i', '''
def coral_loss(f_source, f_target):
    """Deep CORAL: ‖cov(source) − cov(target)‖²_F / (4 d²)."""
    import numpy as np
    d = f_source.shape[1]
    return float(((np.cov(f_source.detach().cpu().numpy(), rowvar=False) - np.cov(f_target.detach().cpu().numpy(), rowvar=False)) ** 2).sum() / (4 * d * d))
'''),
    ('05.q1', 'WRONG', "(side effect): right value, but centres the caller's feature tensors i", '''
def coral_loss(f_source, f_target):
    """Deep CORAL: ‖cov(source) − cov(target)‖²_F / (4 d²)."""
    d = f_source.shape[1]
    f_source -= f_source.mean(0)
    f_target -= f_target.mean(0)
    return ((f_source.T @ f_source / (len(f_source) - 1) - f_target.T @ f_target / (len(f_target) - 1)) ** 2).sum() / (4 * d * d)
'''),
    ('05.q1', 'WRONG', 'sum of absolute differences (L1), not squared.', '''
def coral_loss(f_source, f_target):
    """Deep CORAL: ‖cov(source) − cov(target)‖²_F / (4 d²)."""
    d = f_source.shape[1]
    return (torch.cov(f_source.T) - torch.cov(f_target.T)).abs().sum() / (4 * d * d)
'''),
    ('05.q1', 'WRONG', 'only the variances (diagonal), ignores the covariances.', '''
def coral_loss(f_source, f_target):
    """Deep CORAL: ‖cov(source) − cov(target)‖²_F / (4 d²)."""
    d = f_source.shape[1]
    return ((torch.cov(f_source.T).diagonal() - torch.cov(f_target.T).diagonal()) ** 2).sum() / (4 * d * d)
'''),
    ('05.q1', 'PASS', 'covariance written by hand (not in place) and `matrix_norm(...)**2`', '''
def coral_loss(f_source, f_target):
    """Deep CORAL: ‖cov(source) − cov(target)‖²_F / (4 d²)."""
    d = f_source.shape[1]
    def cov(f):
        c = f - f.mean(dim=0, keepdim=True)
        return c.T @ c / (f.shape[0] - 1)
    return torch.linalg.matrix_norm(cov(f_source) - cov(f_target), ord="fro") ** 2 / (4 * d ** 2)
'''),
    ('05.q1', 'PASS', '‖A‖²_F = trace(A Aᵀ), computed in float64', '''
def coral_loss(f_source, f_target):
    """Deep CORAL: ‖cov(source) − cov(target)‖²_F / (4 d²)."""
    d = f_target.size(-1)
    diff = torch.cov(f_source.double().T) - torch.cov(f_target.double().T)
    return torch.trace(diff @ diff.T).to(f_source.dtype) / (4 * d * d)
'''),
    ('05.q2', 'WRONG', 'no adaptation: the source statistics are kept.', """
target_images = data.load_digits().X[:300]

model = models.load_pretrained("cnn-printed-digits")
"""),
    ('05.q2', 'WRONG', 'one train-mode pass with the default momentum 0.1 moves the running st', """
target_images = data.load_digits().X[:300]

model = models.load_pretrained("cnn-printed-digits")
device = next(model.parameters()).device
model.train()
with torch.no_grad():
    model(target_images.to(device))
model.eval()
"""),
    ('05.q2', 'WRONG', 'forward pass in eval mode: BatchNorm does not update its statistics at', """
target_images = data.load_digits().X[:300]

model = models.load_pretrained("cnn-printed-digits")
device = next(model.parameters()).device
model.eval()
with torch.no_grad():
    model(target_images.to(device))
"""),
    ('05.q2', 'WRONG', 'statistics right, but the model is left in train mode (not "ready for ', """
target_images = data.load_digits().X[:300]

model = models.load_pretrained("cnn-printed-digits")
device = next(model.parameters()).device
for m in model.modules():
    if isinstance(m, torch.nn.BatchNorm2d):
        m.reset_running_stats(); m.momentum = None
model.train()
with torch.no_grad():
    model(target_images.to(device))
"""),
    ('05.q2', 'WRONG', 'resets the statistics (mean 0, var 1) but keeps momentum 0.1: running ', """
target_images = data.load_digits().X[:300]

model = models.load_pretrained("cnn-printed-digits")
device = next(model.parameters()).device
for m in model.modules():
    if isinstance(m, torch.nn.BatchNorm2d):
        m.reset_running_stats()
model.train()
with torch.no_grad():
    model(target_images.to(device))
model.eval()
"""),
    ('05.q2', 'WRONG', 'an exponential moving average over mini-batches: after 3 epochs it is ', """
target_images = data.load_digits().X[:300]

model = models.load_pretrained("cnn-printed-digits")
device = next(model.parameters()).device
model.train()
with torch.no_grad():
    for _ in range(3):
        for batch in target_images.split(32):
            model(batch.to(device))
model.eval()
"""),
    ('05.q2', 'WRONG', 'statistics of all 1797 digits, not of the given 300 `target_images` (c', """
target_images = data.load_digits().X[:300]

model = adapt.adabn(models.load_pretrained("cnn-printed-digits"), data.load_digits().X)
"""),
    ('05.q2', 'WRONG', 'fine-tunes on the target *with its labels*: the weights change (and Ad', """
target_images = data.load_digits().X[:300]

model = models.load_pretrained("cnn-printed-digits")
from tl_course import train
train.fit_steps(model, target_images, data.load_digits().y[:300], steps=100, lr=1e-3, seed=0)
model.eval()
"""),
    ('05.q2', 'WRONG', "(sneaky): collects every BN layer's inputs in one *eval-mode* pass, i.", """
target_images = data.load_digits().X[:300]

model = models.load_pretrained("cnn-printed-digits")
device = next(model.parameters()).device
bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
inputs = {}
hooks = [m.register_forward_hook(lambda mod, inp, out: inputs.__setitem__(mod, inp[0].detach())) for m in bns]
model.eval()
with torch.no_grad():
    model(target_images.to(device))
for h in hooks:
    h.remove()
for m in bns:
    m.running_mean.copy_(inputs[m].mean((0, 2, 3)))
    m.running_var.copy_(inputs[m].var((0, 2, 3)))
"""),
    ('05.q2', 'WRONG', 'only the first BatchNorm layer is reset with cumulative averaging', """
target_images = data.load_digits().X[:300]

model = models.load_pretrained("cnn-printed-digits")
device = next(model.parameters()).device
bn = next(m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d))
bn.reset_running_stats(); bn.momentum = None
model.train()
with torch.no_grad():
    model(target_images.to(device))
model.eval()
"""),
    ('05.q2', 'WRONG', '"normalises" the target images in place first: the caller\'s images cha', """
target_images = data.load_digits().X[:300]

target_images -= target_images.mean()
model = adapt.adabn(models.load_pretrained("cnn-printed-digits"), target_images)
"""),
    ('05.q2', 'WRONG', 'the uncalled function.', """
target_images = data.load_digits().X[:300]

model = adapt.adabn
"""),
    ('05.q2', 'PASS', 'by hand, with momentum 1.0 and a single full batch of the 300 images, ', """
target_images = data.load_digits().X[:300]

model = models.load_pretrained("cnn-printed-digits")
device = next(model.parameters()).device
for m in model.modules():
    if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
        m.reset_running_stats()
        m.momentum = 1.0                      # running stats := this batch's stats
model.train()
with torch.no_grad():
    model(target_images.to(device))
model.eval()
"""),
    ('05.q2', 'PASS', "the package's AdaBN on a deep copy and a cloned image tensor, with an ", """
target_images = data.load_digits().X[:300]

import copy
model = adapt.adabn(copy.deepcopy(models.load_pretrained("cnn-printed-digits")), target_images.clone())
model.eval()
"""),
    ('05.q3', 'WRONG', 'no cap: negative for errors above 0.5.', '''
def proxy_a_distance(error):
    """2(1 − 2ε), with ε capped at 0.5."""
    return 2 * (1 - 2 * error)
'''),
    ('05.q3', 'WRONG', 'folds errors above 0.5 back up (error 0.9 → 1.6) instead of treating t', '''
def proxy_a_distance(error):
    """2(1 − 2ε), with ε capped at 0.5."""
    return 2 * abs(1 - 2 * error)
'''),
    ('05.q3', 'WRONG', '`max` instead of `min`: always 0 or negative.', '''
def proxy_a_distance(error):
    """2(1 − 2ε), with ε capped at 0.5."""
    return 2 * (1 - 2 * max(error, 0.5))
'''),
    ('05.q3', 'WRONG', 'forgets the factor 2 (range [0, 1]).', '''
def proxy_a_distance(error):
    """2(1 − 2ε), with ε capped at 0.5."""
    return 1 - 2 * min(error, 0.5)
'''),
    ('05.q3', 'WRONG', 'forgets the 2 inside (error 0.5 → 1, not 0).', '''
def proxy_a_distance(error):
    """2(1 − 2ε), with ε capped at 0.5."""
    return 2 * (1 - min(error, 0.5))
'''),
    ('05.q3', 'WRONG', 'wrong sign (−2 for separable domains).', '''
def proxy_a_distance(error):
    """2(1 − 2ε), with ε capped at 0.5."""
    return 2 * (2 * min(error, 0.5) - 1)
'''),
    ('05.q3', 'WRONG', 'the "cap" branch returns 2 (separable) instead of 0 for chance-level e', '''
def proxy_a_distance(error):
    """2(1 − 2ε), with ε capped at 0.5."""
    return 2 * (1 - 2 * error) if error < 0.5 else 2
'''),
    ('05.q3', 'WRONG', 'caps the output at 0.5 instead of the error.', '''
def proxy_a_distance(error):
    """2(1 − 2ε), with ε capped at 0.5."""
    return min(2 * (1 - 2 * error), 0.5)
'''),
    ('05.q3', 'WRONG', 'assumes the error is a percentage (error 0.25 → 1.99).', '''
def proxy_a_distance(error):
    """2(1 − 2ε), with ε capped at 0.5."""
    return 2 * (1 - 2 * min(error / 100, 0.5))
'''),
    ('05.q3', 'WRONG', 'rounded to an integer (error 0.3 → 1 instead of 0.8).', '''
def proxy_a_distance(error):
    """2(1 − 2ε), with ε capped at 0.5."""
    return round(2 * (1 - 2 * min(error, 0.5)))
'''),
    ('05.q3', 'WRONG', 'uses the accuracy (1 − error) where the error belongs.', '''
def proxy_a_distance(error):
    """2(1 − 2ε), with ε capped at 0.5."""
    return 2 * (1 - 2 * min(1 - error, 0.5))
'''),
    ('05.q3', 'PASS', 'clipping the output at 0 is the same as capping ε at 0.5 (for ε ≥ 0).', '''
def proxy_a_distance(error):
    """2(1 − 2ε), with ε capped at 0.5."""
    return max(0.0, 2 - 4 * error)
'''),
    ('05.q3', 'PASS', 'NumPy clip to [0, 2], returned as a float.', '''
def proxy_a_distance(error):
    """2(1 − 2ε), with ε capped at 0.5."""
    import numpy as np
    return float(np.clip(2.0 * (1.0 - 2.0 * np.asarray(error, dtype=float)), 0.0, 2.0))
'''),
    ('05.q4', 'WRONG', 'the test set chooses λ — optimistic report.', """
choose_with = "a"
"""),
    ('05.q4', 'WRONG', 'source validation does not measure target accuracy.', """
choose_with = "c"
"""),
    ('05.q4', 'WRONG', 'the training loss favours the smallest alignment weight.', """
choose_with = "d"
"""),
    ('05.q4', 'WRONG', 'hedged', """
choose_with = "a or b"
"""),
    ('05.q4', 'WRONG', 'a list.', """
choose_with = ["b"]
"""),
    ('05.q4', 'WRONG', "the option's text, not its letter.", """
choose_with = "a small labelled target dev set"
"""),
    ('05.q4', 'WRONG', 'an index.', """
choose_with = 1
"""),
    ('05.q4', 'PASS', 'computed, exactly "b".', """
choose_with = "abcd"[1]
"""),
    ('05.q4', 'PASS', 'trivially wrapped', """
choose_with = str("b")
"""),
    ('05.q5', 'WRONG', 'lesson 05 measured a drop with digits 0–4 only.', """
label_shift = "a"
"""),
    ('05.q5', 'WRONG', 'alignment ignores classes — which is exactly why it hurts.', """
label_shift = "b"
"""),
    ('05.q5', 'WRONG', '(strict): capital with a full stop', """
label_shift = "C."
"""),
    ('05.q5', 'WRONG', 'a 1-tuple.', """
label_shift = ("c",)
"""),
    ('05.q5', 'WRONG', 'two letters.', """
label_shift = "bc"
"""),
    ('05.q5', 'WRONG', 'an index.', """
label_shift = 2
"""),
    ('05.q5', 'WRONG', '"yes it hurts" as a boolean.', """
label_shift = True
"""),
    ('05.q5', 'PASS', 'computed, exactly "c".', """
label_shift = chr(99)
"""),
    ('05.q5', 'PASS', 'stripped', """
label_shift = "c\\n".strip()
"""),
    ('05.q7', 'WRONG', 'unweighted accuracy.', '''
import numpy as np

def iw_accuracy(correct, weights):
    """The weighted fraction of correct answers."""
    correct = np.asarray(correct, dtype=float)
    weights = np.asarray(weights, dtype=float)
    return correct.mean()
'''),
    ('05.q7', 'WRONG', 'assumes the weights average 1 (no normalisation).', '''
import numpy as np

def iw_accuracy(correct, weights):
    """The weighted fraction of correct answers."""
    correct = np.asarray(correct, dtype=float)
    weights = np.asarray(weights, dtype=float)
    return np.mean(weights * correct)
'''),
    ('05.q7', 'WRONG', 'normalises by the number of correct images.', '''
import numpy as np

def iw_accuracy(correct, weights):
    """The weighted fraction of correct answers."""
    correct = np.asarray(correct, dtype=float)
    weights = np.asarray(weights, dtype=float)
    return np.sum(weights * correct) / np.sum(correct)
'''),
    ('05.q7', 'WRONG', 'integer 0/1 `correct` used as an index array (picks weights[0] and wei', '''
import numpy as np

def iw_accuracy(correct, weights):
    """The weighted fraction of correct answers."""
    correct = np.asarray(correct)
    weights = np.asarray(weights, dtype=float)
    return weights[correct].sum() / weights.sum()
'''),
    ('05.q7', 'WRONG', 'arguments of `np.average` swapped (mean weight of the correct images).', '''
import numpy as np

def iw_accuracy(correct, weights):
    """The weighted fraction of correct answers."""
    correct = np.asarray(correct, dtype=float)
    weights = np.asarray(weights, dtype=float)
    return np.average(weights, weights=correct)
'''),
    ('05.q7', 'WRONG', 'inverse weights (p_source/p_target).', '''
import numpy as np

def iw_accuracy(correct, weights):
    """The weighted fraction of correct answers."""
    correct = np.asarray(correct, dtype=float)
    weights = np.asarray(weights, dtype=float)
    return np.sum(correct / weights) / np.sum(1 / weights)
'''),
    ('05.q7', 'WRONG', 'normalises by the largest weight, not the sum.', '''
import numpy as np

def iw_accuracy(correct, weights):
    """The weighted fraction of correct answers."""
    correct = np.asarray(correct, dtype=float)
    weights = np.asarray(weights, dtype=float) / np.max(weights)
    return np.mean(weights * correct)
'''),
    ('05.q7', 'WRONG', '(side effect): right value for float arrays, but normalises the caller', '''
import numpy as np

def iw_accuracy(correct, weights):
    """The weighted fraction of correct answers."""
    correct = correct
    weights = weights
    weights /= weights.sum()
    return float((weights * correct).sum())
'''),
    ('05.q7', 'WRONG', 'weighted error, not accuracy.', '''
import numpy as np

def iw_accuracy(correct, weights):
    """The weighted fraction of correct answers."""
    correct = np.asarray(correct, dtype=float)
    weights = np.asarray(weights, dtype=float)
    return 1 - np.sum(weights * correct) / np.sum(weights)
'''),
    ('05.q7', 'WRONG', 'a percentage.', '''
import numpy as np

def iw_accuracy(correct, weights):
    """The weighted fraction of correct answers."""
    correct = np.asarray(correct, dtype=float)
    weights = np.asarray(weights, dtype=float)
    return 100 * np.sum(weights * correct) / np.sum(weights)
'''),
    ('05.q7', 'WRONG', 'floor division (0 unless all correct).', '''
import numpy as np

def iw_accuracy(correct, weights):
    """The weighted fraction of correct answers."""
    correct = np.asarray(correct)
    weights = np.asarray(weights)
    return np.sum(weights * correct) // np.sum(weights)
'''),
    ('05.q7', 'WRONG', 'returns the per-image vector, not its sum.', '''
import numpy as np

def iw_accuracy(correct, weights):
    """The weighted fraction of correct answers."""
    correct = np.asarray(correct, dtype=float)
    weights = np.asarray(weights, dtype=float)
    return weights * correct / weights.sum()
'''),
    ('05.q7', 'PASS', 'plain Python lists and a generator', '''
import numpy as np

def iw_accuracy(correct, weights):
    """The weighted fraction of correct answers."""
    correct = list(correct)
    weights = list(weights)
    return sum(c * w for c, w in zip(correct, weights)) / sum(weights)
'''),
    ('05.q7', 'PASS', 'an in-place normalisation on a private copy, then a dot product.', '''
import numpy as np

def iw_accuracy(correct, weights):
    """The weighted fraction of correct answers."""
    correct = np.array(correct, dtype=np.float64)          # copies: the caller's arrays stay untouched
    weights = np.array(weights, dtype=np.float64)
    weights /= weights.sum()                               # in place on the copy
    return float(np.dot(weights, correct))
'''),
    ('05.q8', 'WRONG', 'always n.', '''
def effective_sample_size(weights):
    """How many equally weighted images these weights are worth."""
    weights = np.asarray(weights, dtype=float)
    return len(weights)
'''),
    ('05.q8', 'WRONG', '(sneaky): n for equal weights, 1 for a single non-zero weight, scale-i', '''
def effective_sample_size(weights):
    """How many equally weighted images these weights are worth."""
    weights = np.asarray(weights, dtype=float)
    return np.count_nonzero(weights)
'''),
    ('05.q8', 'WRONG', '(sneaky): also n / 1 / scale-invariant, but a different quantity (sum ', '''
def effective_sample_size(weights):
    """How many equally weighted images these weights are worth."""
    weights = np.asarray(weights, dtype=float)
    return weights.sum() / weights.max()
'''),
    ('05.q8', 'WRONG', '(sneaky): the perplexity exp(entropy) — n / 1 / scale-invariant too, b', '''
def effective_sample_size(weights):
    """How many equally weighted images these weights are worth."""
    weights = np.asarray(weights, dtype=float)
    p = weights / weights.sum()
    return float(np.exp(-np.sum(p[p > 0] * np.log(p[p > 0]))))
'''),
    ('05.q8', 'WRONG', 'the reciprocal (1/n for equal weights).', '''
def effective_sample_size(weights):
    """How many equally weighted images these weights are worth."""
    weights = np.asarray(weights, dtype=float)
    return (weights ** 2).sum() / weights.sum() ** 2
'''),
    ('05.q8', 'WRONG', 'only right when the weights already sum to 1 (not scale-invariant).', '''
def effective_sample_size(weights):
    """How many equally weighted images these weights are worth."""
    weights = np.asarray(weights, dtype=float)
    return 1 / (weights ** 2).sum()
'''),
    ('05.q8', 'WRONG', 'forgets to square the sum (not scale-invariant', '''
def effective_sample_size(weights):
    """How many equally weighted images these weights are worth."""
    weights = np.asarray(weights, dtype=float)
    return weights.sum() / (weights ** 2).sum()
'''),
    ('05.q8', 'WRONG', 'mean instead of sum in the denominator (n² for equal weights).', '''
def effective_sample_size(weights):
    """How many equally weighted images these weights are worth."""
    weights = np.asarray(weights, dtype=float)
    return weights.sum() ** 2 / (weights ** 2).mean()
'''),
    ('05.q8', 'WRONG', 'rounded to an integer (ESS is a real number: [1, 2] → 1.8, not 2).', '''
def effective_sample_size(weights):
    """How many equally weighted images these weights are worth."""
    weights = np.asarray(weights, dtype=float)
    return int(round(weights.sum() ** 2 / (weights ** 2).sum()))
'''),
    ('05.q8', 'WRONG', 'inverse squared coefficient of variation (infinite for equal weights).', '''
def effective_sample_size(weights):
    """How many equally weighted images these weights are worth."""
    weights = np.asarray(weights, dtype=float)
    return (weights.mean() / weights.std()) ** 2
'''),
    ('05.q8', 'WRONG', '(side effect): right value for float arrays, but normalises the caller', '''
def effective_sample_size(weights):
    """How many equally weighted images these weights are worth."""
    weights = weights
    weights /= weights.sum()
    return 1.0 / float((weights ** 2).sum())
'''),
    ('05.q8', 'PASS', '(type): the right number as a 0-d torch tensor, not a float (a fair ch', '''
def effective_sample_size(weights):
    """How many equally weighted images these weights are worth."""
    weights = torch.as_tensor(weights, dtype=torch.float64)
    return weights.sum() ** 2 / (weights ** 2).sum()
'''),
    ('05.q8', 'PASS', "Kish's ESS in pure Python on a list.", '''
def effective_sample_size(weights):
    """How many equally weighted images these weights are worth."""
    weights = [float(w) for w in weights]
    return sum(weights) ** 2 / sum(w * w for w in weights)
'''),
    ('05.q8', 'PASS', 'normalise to probabilities, then 1/‖p‖²₂ — the same Kish ESS via `np.l', '''
def effective_sample_size(weights):
    """How many equally weighted images these weights are worth."""
    weights = np.asarray(weights, dtype=np.float64)
    p = weights / np.linalg.norm(weights, 1)
    return float(1.0 / np.linalg.norm(p) ** 2)
'''),
    ('06.q1', 'WRONG', 'difference the wrong way round (target only − with source): sign flipp', '''
def nt_gap(error_with_source, error_target_only):
    """Mean paired difference of errors and its 95 % t-interval: (gap, low, high)."""
    d = np.asarray(error_target_only) - np.asarray(error_with_source)
    half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    return (d.mean(), d.mean() - half, d.mean() + half)
'''),
    ('06.q1', 'WRONG', 'population standard deviation (ddof=0, divides by n), not the sample s', '''
def nt_gap(error_with_source, error_target_only):
    """Mean paired difference of errors and its 95 % t-interval: (gap, low, high)."""
    d = np.asarray(error_with_source) - np.asarray(error_target_only)
    half = stats.t.ppf(0.975, len(d) - 1) * d.std() / np.sqrt(len(d))
    return (d.mean(), d.mean() - half, d.mean() + half)
'''),
    ('06.q1', 'WRONG', 'normal quantile 1.96 instead of the t quantile (far too narrow for 4 s', '''
def nt_gap(error_with_source, error_target_only):
    """Mean paired difference of errors and its 95 % t-interval: (gap, low, high)."""
    d = np.asarray(error_with_source) - np.asarray(error_target_only)
    half = 1.96 * d.std(ddof=1) / np.sqrt(len(d))
    return (d.mean(), d.mean() - half, d.mean() + half)
'''),
    ('06.q1', 'WRONG', 'n degrees of freedom instead of n − 1.', '''
def nt_gap(error_with_source, error_target_only):
    """Mean paired difference of errors and its 95 % t-interval: (gap, low, high)."""
    d = np.asarray(error_with_source) - np.asarray(error_target_only)
    half = stats.t.ppf(0.975, len(d)) * d.std(ddof=1) / np.sqrt(len(d))
    return (d.mean(), d.mean() - half, d.mean() + half)
'''),
    ('06.q1', 'WRONG', '0.95 quantile → a 90 % two-sided interval.', '''
def nt_gap(error_with_source, error_target_only):
    """Mean paired difference of errors and its 95 % t-interval: (gap, low, high)."""
    d = np.asarray(error_with_source) - np.asarray(error_target_only)
    half = stats.t.ppf(0.95, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    return (d.mean(), d.mean() - half, d.mean() + half)
'''),
    ('06.q1', 'WRONG', 'forgets the 1/√n (a prediction interval for one seed, not a confidence', '''
def nt_gap(error_with_source, error_target_only):
    """Mean paired difference of errors and its 95 % t-interval: (gap, low, high)."""
    d = np.asarray(error_with_source) - np.asarray(error_target_only)
    half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1)
    return (d.mean(), d.mean() - half, d.mean() + half)
'''),
    ('06.q1', 'WRONG', 'unpaired (two-sample) interval: same gap, but ignores the pairing by s', '''
def nt_gap(error_with_source, error_target_only):
    """Mean paired difference of errors and its 95 % t-interval: (gap, low, high)."""
    a, b = np.asarray(error_with_source), np.asarray(error_target_only)
    d = a.mean() - b.mean()
    half = stats.t.ppf(0.975, len(a) - 1) * np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    return (d, d - half, d + half)
'''),
    ('06.q1', 'WRONG', "in accuracy points (×100), as lesson 06's own `nt_gap` prints them, in", '''
def nt_gap(error_with_source, error_target_only):
    """Mean paired difference of errors and its 95 % t-interval: (gap, low, high)."""
    d = 100 * (np.asarray(error_with_source) - np.asarray(error_target_only))
    half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    return (d.mean(), d.mean() - half, d.mean() + half)
'''),
    ('06.q1', 'WRONG', 'order (low, gap, high) instead of (gap, low, high).', '''
def nt_gap(error_with_source, error_target_only):
    """Mean paired difference of errors and its 95 % t-interval: (gap, low, high)."""
    d = np.asarray(error_with_source) - np.asarray(error_target_only)
    half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    return (d.mean() - half, d.mean(), d.mean() + half)
'''),
    ('06.q1', 'WRONG', "a dict (like the package's function) instead of a 3-tuple", '''
def nt_gap(error_with_source, error_target_only):
    """Mean paired difference of errors and its 95 % t-interval: (gap, low, high)."""
    d = np.asarray(error_with_source) - np.asarray(error_target_only)
    half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    return {"gap": d.mean(), "low": d.mean() - half, "high": d.mean() + half}
'''),
    ('06.q1', 'WRONG', 'divides the sd by n instead of √n.', '''
def nt_gap(error_with_source, error_target_only):
    """Mean paired difference of errors and its 95 % t-interval: (gap, low, high)."""
    d = np.asarray(error_with_source) - np.asarray(error_target_only)
    half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / len(d)
    return (d.mean(), d.mean() - half, d.mean() + half)
'''),
    ('06.q1', 'WRONG', 'median of the differences instead of the mean.', '''
def nt_gap(error_with_source, error_target_only):
    """Mean paired difference of errors and its 95 % t-interval: (gap, low, high)."""
    d = np.asarray(error_with_source) - np.asarray(error_target_only)
    half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    return (np.median(d), np.median(d) - half, np.median(d) + half)
'''),
    ('06.q1', 'WRONG', "(side effect): subtracts in place into the caller's array (and fails o", '''
def nt_gap(error_with_source, error_target_only):
    """Mean paired difference of errors and its 95 % t-interval: (gap, low, high)."""
    d = error_with_source
    d -= np.asarray(error_target_only)
    half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    return (d.mean(), d.mean() - half, d.mean() + half)
'''),
    ('06.q1', 'WRONG', 'returns per-seed vectors instead of the mean.', '''
def nt_gap(error_with_source, error_target_only):
    """Mean paired difference of errors and its 95 % t-interval: (gap, low, high)."""
    d = np.asarray(error_with_source) - np.asarray(error_target_only)
    half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    return (d, d - half, d + half)
'''),
    ('06.q1', 'PASS', '`stats.t.interval` with `stats.sem` (ddof=1 by default)', '''
def nt_gap(error_with_source, error_target_only):
    """Mean paired difference of errors and its 95 % t-interval: (gap, low, high)."""
    d = [a - b for a, b in zip(error_with_source, error_target_only)]
    half = stats.t.interval(0.95, df=len(d) - 1, loc=np.mean(d), scale=stats.sem(d))
    return [float(np.mean(d)), float(half[0]), float(half[1])]
'''),
    ('06.q1', 'PASS', "SciPy's paired t-test confidence interval (SciPy ≥ 1.10), returned as ", '''
def nt_gap(error_with_source, error_target_only):
    """Mean paired difference of errors and its 95 % t-interval: (gap, low, high)."""
    d = np.subtract(error_with_source, error_target_only, dtype=np.float64)
    half = stats.ttest_rel(error_with_source, error_target_only).confidence_interval(0.95)
    return d.mean(), half.low, half.high
'''),
    ('06.q2', 'WRONG', 'normalises along the wrong axis: P(z | y) instead of P(y | z).', '''
def leep(source_probs, labels):
    """Log expected empirical prediction (≤ 0; higher = better predicted transfer)."""
    classes = np.unique(labels)
    joint = np.stack([source_probs[labels == y].sum(0) for y in classes]) / len(labels)
    conditional = joint / joint.sum(1, keepdims=True)
    rows = source_probs @ conditional.T
    return np.mean(np.log(rows[np.arange(len(labels)), np.searchsorted(classes, labels)]))
'''),
    ('06.q2', 'WRONG', 'forgets the transpose: runs only when Z == number of target classes (1', '''
def leep(source_probs, labels):
    """Log expected empirical prediction (≤ 0; higher = better predicted transfer)."""
    classes = np.unique(labels)
    joint = np.stack([source_probs[labels == y].sum(0) for y in classes]) / len(labels)
    conditional = joint / joint.sum(0, keepdims=True)
    rows = source_probs @ conditional
    return np.mean(np.log(rows[np.arange(len(labels)), np.searchsorted(classes, labels)]))
'''),
    ('06.q2', 'WRONG', 'indexes columns by the raw label value: IndexError for labels like 10,', '''
def leep(source_probs, labels):
    """Log expected empirical prediction (≤ 0; higher = better predicted transfer)."""
    classes = np.unique(labels)
    joint = np.stack([source_probs[labels == y].sum(0) for y in classes]) / len(labels)
    conditional = joint / joint.sum(0, keepdims=True)
    rows = source_probs @ conditional.T
    return np.mean(np.log(rows[np.arange(len(labels)), labels]))
'''),
    ('06.q2', 'WRONG', 'builds P(y | z) from hard argmax predictions instead of the soft proba', '''
def leep(source_probs, labels):
    """Log expected empirical prediction (≤ 0; higher = better predicted transfer)."""
    classes = np.unique(labels)
    hard = np.eye(source_probs.shape[1])[source_probs.argmax(1)]
    joint = np.stack([hard[labels == y].sum(0) for y in classes]) / len(labels)
    conditional = joint / np.maximum(joint.sum(0, keepdims=True), 1e-12)
    rows = source_probs @ conditional.T
    return np.mean(np.log(rows[np.arange(len(labels)), np.searchsorted(classes, labels)]))
'''),
    ('06.q2', 'WRONG', 'log of the mean instead of the mean of the logs (Jensen: always ≥ LEEP', '''
def leep(source_probs, labels):
    """Log expected empirical prediction (≤ 0; higher = better predicted transfer)."""
    classes = np.unique(labels)
    joint = np.stack([source_probs[labels == y].sum(0) for y in classes]) / len(labels)
    conditional = joint / joint.sum(0, keepdims=True)
    rows = source_probs @ conditional.T
    return np.log(np.mean(rows[np.arange(len(labels)), np.searchsorted(classes, labels)]))
'''),
    ('06.q2', 'WRONG', 'forgets the log (a probability in [0, 1], not ≤ 0).', '''
def leep(source_probs, labels):
    """Log expected empirical prediction (≤ 0; higher = better predicted transfer)."""
    classes = np.unique(labels)
    joint = np.stack([source_probs[labels == y].sum(0) for y in classes]) / len(labels)
    conditional = joint / joint.sum(0, keepdims=True)
    rows = source_probs @ conditional.T
    return np.mean(rows[np.arange(len(labels)), np.searchsorted(classes, labels)])
'''),
    ('06.q2', 'WRONG', 'sum over images instead of the average.', '''
def leep(source_probs, labels):
    """Log expected empirical prediction (≤ 0; higher = better predicted transfer)."""
    classes = np.unique(labels)
    joint = np.stack([source_probs[labels == y].sum(0) for y in classes]) / len(labels)
    conditional = joint / joint.sum(0, keepdims=True)
    rows = source_probs @ conditional.T
    return np.sum(np.log(rows[np.arange(len(labels)), np.searchsorted(classes, labels)]))
'''),
    ('06.q2', 'WRONG', "uses the most likely target class instead of each image's true label.", '''
def leep(source_probs, labels):
    """Log expected empirical prediction (≤ 0; higher = better predicted transfer)."""
    classes = np.unique(labels)
    joint = np.stack([source_probs[labels == y].sum(0) for y in classes]) / len(labels)
    conditional = joint / joint.sum(0, keepdims=True)
    rows = source_probs @ conditional.T
    return np.mean(np.log(rows.max(1)))
'''),
    ('06.q2', 'WRONG', 'negated (a positive "loss"), so higher means worse.', '''
def leep(source_probs, labels):
    """Log expected empirical prediction (≤ 0; higher = better predicted transfer)."""
    classes = np.unique(labels)
    joint = np.stack([source_probs[labels == y].sum(0) for y in classes]) / len(labels)
    conditional = joint / joint.sum(0, keepdims=True)
    rows = source_probs @ conditional.T
    return -np.mean(np.log(rows[np.arange(len(labels)), np.searchsorted(classes, labels)]))
'''),
    ('06.q2', 'WRONG', 'log base 2 (LEEP uses the natural log).', '''
def leep(source_probs, labels):
    """Log expected empirical prediction (≤ 0; higher = better predicted transfer)."""
    classes = np.unique(labels)
    joint = np.stack([source_probs[labels == y].sum(0) for y in classes]) / len(labels)
    conditional = joint / joint.sum(0, keepdims=True)
    rows = source_probs @ conditional.T
    return np.mean(np.log2(rows[np.arange(len(labels)), np.searchsorted(classes, labels)]))
'''),
    ('06.q2', 'WRONG', 'per-class *means* instead of sums: the joint ignores the class sizes —', '''
def leep(source_probs, labels):
    """Log expected empirical prediction (≤ 0; higher = better predicted transfer)."""
    classes = np.unique(labels)
    joint = np.stack([source_probs[labels == y].mean(0) for y in classes])
    conditional = joint / joint.sum(0, keepdims=True)
    rows = source_probs @ conditional.T
    return np.mean(np.log(rows[np.arange(len(labels)), np.searchsorted(classes, labels)]))
'''),
    ('06.q2', 'WRONG', "(side effect): right value, but renormalises the caller's probability ", '''
def leep(source_probs, labels):
    """Log expected empirical prediction (≤ 0; higher = better predicted transfer)."""
    classes = np.unique(labels)
    source_probs /= source_probs.sum(1, keepdims=True)
    joint = np.stack([source_probs[labels == y].sum(0) for y in classes]) / len(labels)
    conditional = joint / joint.sum(0, keepdims=True)
    rows = source_probs @ conditional.T
    return np.mean(np.log(rows[np.arange(len(labels)), np.searchsorted(classes, labels)]))
'''),
    ('06.q2', 'PASS', '(type): the right number as a 0-d torch tensor instead of a float (a l', '''
def leep(source_probs, labels):
    """Log expected empirical prediction (≤ 0; higher = better predicted transfer)."""
    classes = np.unique(labels)
    joint = torch.stack([torch.as_tensor(source_probs)[torch.as_tensor(labels == y)].sum(0) for y in classes]) / len(labels)
    conditional = joint / joint.sum(0, keepdim=True)
    rows = torch.as_tensor(source_probs) @ conditional.T
    return torch.log(rows[torch.arange(len(labels)), torch.as_tensor(np.searchsorted(classes, labels))]).mean()
'''),
    ('06.q2', 'PASS', 'one-hot matrix products', '''
def leep(source_probs, labels):
    """Log expected empirical prediction (≤ 0; higher = better predicted transfer)."""
    source_probs, labels = np.asarray(source_probs, dtype=np.float64), np.asarray(labels)
    classes = np.unique(labels)
    joint = (labels[:, None] == classes[None, :]).astype(float).T @ source_probs        # counts; no 1/n: it cancels
    conditional = joint / joint.sum(0, keepdims=True)
    rows = source_probs @ conditional.T
    return float(np.mean(np.log((rows * (labels[:, None] == classes[None, :])).sum(1))))
'''),
    ('06.q2', 'PASS', '`return_inverse` + `np.add.at` + einsum', '''
def leep(source_probs, labels):
    """Log expected empirical prediction (≤ 0; higher = better predicted transfer)."""
    source_probs = np.asarray(source_probs, dtype=float)
    classes, idx = np.unique(np.asarray(labels), return_inverse=True)
    joint = np.zeros((len(classes), source_probs.shape[1])); np.add.at(joint, idx, source_probs); joint /= len(idx)
    conditional = joint / joint.sum(axis=0)
    rows = np.einsum("nz,yz->ny", source_probs, conditional)
    return float(np.log(rows[np.arange(len(idx)), idx]).mean())
'''),
    ('06.q3', 'WRONG', '`max` of a dict compares the *names*: picks the alphabetically last ("', """
scores = {name: transferability.logme(F, target_labels) for name, F in target_features.items()}
chosen = max(scores)
"""),
    ('06.q3', 'WRONG', 'lowest LogME (wrong direction: higher is better).', """
scores = {name: transferability.logme(F, target_labels) for name, F in target_features.items()}
chosen = min(scores, key=scores.get)
"""),
    ('06.q3', 'WRONG', "the best score (a number), not the candidate's name.", """
scores = {name: transferability.logme(F, target_labels) for name, F in target_features.items()}
chosen = max(scores.values())
"""),
    ('06.q3', 'WRONG', 'the model object instead of its name.', """
scores = {name: transferability.logme(F, target_labels) for name, F in target_features.items()}
chosen = backbones[max(scores, key=scores.get)]
"""),
    ('06.q3', 'WRONG', '`scores` is a list, not a dict `{name: LogME}` (`chosen` is right).', """
scores = [transferability.logme(F, target_labels) for F in target_features.values()]
chosen = list(target_features)[int(np.argmax(scores))]
"""),
    ('06.q3', 'WRONG', 'H-score, not LogME', """
scores = {name: transferability.h_score(F, target_labels) for name, F in target_features.items()}
chosen = max(scores, key=scores.get)
"""),
    ('06.q3', 'WRONG', 'trains a probe and scores its training accuracy — "nothing is trained"', """
scores = {name: train.linear_probe(F, target_labels).score(F.numpy(), np.asarray(target_labels)) for name, F in target_features.items()}
chosen = max(scores, key=scores.get)
"""),
    ('06.q3', 'WRONG', 'uses all 1797 labelled digits (test images included) instead of the 10', """
all_digits = data.load_digits()
scores = {name: transferability.logme(train.extract_features(m.features, all_digits.X), all_digits.y) for name, m in backbones.items()}
chosen = max(scores, key=scores.get)
"""),
    ('06.q3', 'WRONG', 'LEEP instead of LogME (lesson 06: LEEP cannot see unused features and ', """
scores = {name: transferability.leep(train.predict(backbones[name], labelled.X, probs=True), target_labels) for name in backbones}
chosen = max(scores, key=scores.get)
"""),
    ('06.q3', 'WRONG', 'scaled scores and, again, the alphabetically last name.', """
scores = {name: 100 * transferability.logme(F, target_labels) for name, F in target_features.items()}
chosen = sorted(scores)[-1]
"""),
    ('06.q3', 'WRONG', 'a one-element list instead of the name.', """
scores = {name: transferability.logme(F, target_labels) for name, F in target_features.items()}
chosen = [max(scores, key=scores.get)]
"""),
    ('06.q3', 'PASS', 'dict built with `zip`, values as Python floats, chosen as the last of ', """
scores = dict(zip(target_features, (float(transferability.logme(F, target_labels)) for F in target_features.values())))
chosen = sorted(scores, key=scores.get)[-1]
"""),
    ('06.q3', 'PASS', "a loop in sorted name order (the dict's key order differs from the not", """
scores = {}
for name in sorted(target_features):
    scores[name] = transferability.logme(target_features[name].clone(), target_labels.clone())
chosen = list(scores)[int(np.argmax(list(scores.values())))]
"""),
    ('06.q4', 'WRONG', '`>=`: a tie keeps the transferred model (the spec says the target-only', '''
def fallback_gap(val_transfer, test_transfer, val_target_only, test_target_only):
    """Mean (error of the model kept by validation − error of the target-only model)."""
    chosen = np.asarray(val_transfer) >= np.asarray(val_target_only)
    return float(np.mean(np.where(chosen, np.asarray(test_target_only) - np.asarray(test_transfer), 0.0)))
'''),
    ('06.q4', 'WRONG', 'chooses by *test* accuracy (peeking): the gap can never be positive.', '''
def fallback_gap(val_transfer, test_transfer, val_target_only, test_target_only):
    """Mean (error of the model kept by validation − error of the target-only model)."""
    chosen = np.asarray(test_transfer) > np.asarray(test_target_only)
    return float(np.mean(np.where(chosen, np.asarray(test_target_only) - np.asarray(test_transfer), 0.0)))
'''),
    ('06.q4', 'WRONG', 'difference of accuracies, not errors: the sign is flipped.', '''
def fallback_gap(val_transfer, test_transfer, val_target_only, test_target_only):
    """Mean (error of the model kept by validation − error of the target-only model)."""
    chosen = np.asarray(val_transfer) > np.asarray(val_target_only)
    return float(np.mean(np.where(chosen, np.asarray(test_transfer), np.asarray(test_target_only)) - np.asarray(test_target_only)))
'''),
    ('06.q4', 'WRONG', 'treats the validation numbers as errors (keeps the transferred model w', '''
def fallback_gap(val_transfer, test_transfer, val_target_only, test_target_only):
    """Mean (error of the model kept by validation − error of the target-only model)."""
    chosen = np.asarray(val_transfer) < np.asarray(val_target_only)
    return float(np.mean(np.where(chosen, np.asarray(test_target_only) - np.asarray(test_transfer), 0.0)))
'''),
    ('06.q4', 'WRONG', 'one decision for all seeds (by the mean validation accuracy), not per ', '''
def fallback_gap(val_transfer, test_transfer, val_target_only, test_target_only):
    """Mean (error of the model kept by validation − error of the target-only model)."""
    chosen = np.mean(val_transfer) > np.mean(val_target_only)
    return float(np.mean(np.asarray(test_target_only) - np.asarray(test_transfer))) if chosen else 0.0
'''),
    ('06.q4', 'WRONG', 'computes `chosen` but ignores it: the plain NT gap without the fallbac', '''
def fallback_gap(val_transfer, test_transfer, val_target_only, test_target_only):
    """Mean (error of the model kept by validation − error of the target-only model)."""
    chosen = np.asarray(val_transfer) > np.asarray(val_target_only)
    return float(np.mean(np.asarray(test_target_only) - np.asarray(test_transfer)))
'''),
    ('06.q4', 'WRONG', 'in points (×100), not a fraction.', '''
def fallback_gap(val_transfer, test_transfer, val_target_only, test_target_only):
    """Mean (error of the model kept by validation − error of the target-only model)."""
    chosen = np.asarray(val_transfer) > np.asarray(val_target_only)
    return 100 * float(np.mean(np.where(chosen, np.asarray(test_target_only) - np.asarray(test_transfer), 0.0)))
'''),
    ('06.q4', 'WRONG', 'the mean error of the kept models, not the gap against the target-only', '''
def fallback_gap(val_transfer, test_transfer, val_target_only, test_target_only):
    """Mean (error of the model kept by validation − error of the target-only model)."""
    chosen = np.asarray(val_transfer) > np.asarray(val_target_only)
    return float(np.mean(1 - np.where(chosen, np.asarray(test_transfer), np.asarray(test_target_only))))
'''),
    ('06.q4', 'WRONG', 'returns the boolean choice vector.', '''
def fallback_gap(val_transfer, test_transfer, val_target_only, test_target_only):
    """Mean (error of the model kept by validation − error of the target-only model)."""
    chosen = np.asarray(val_transfer) > np.asarray(val_target_only)
    return chosen
'''),
    ('06.q4', 'WRONG', '(side effect): right value for array inputs, but overwrites the caller', '''
def fallback_gap(val_transfer, test_transfer, val_target_only, test_target_only):
    """Mean (error of the model kept by validation − error of the target-only model)."""
    chosen = np.asarray(val_transfer) > np.asarray(val_target_only)
    test_transfer[~chosen] = np.asarray(test_target_only)[~chosen]
    return float(np.mean(np.asarray(test_target_only) - test_transfer))
'''),
    ('06.q4', 'WRONG', 'averages only over the seeds where transfer was kept (the others contr', '''
def fallback_gap(val_transfer, test_transfer, val_target_only, test_target_only):
    """Mean (error of the model kept by validation − error of the target-only model)."""
    chosen = np.asarray(val_transfer) > np.asarray(val_target_only)
    kept = np.asarray(test_target_only) - np.asarray(test_transfer)
    return float(kept[chosen].mean()) if chosen.any() else 0.0
'''),
    ('06.q4', 'PASS', 'pure Python over lists', '''
def fallback_gap(val_transfer, test_transfer, val_target_only, test_target_only):
    """Mean (error of the model kept by validation − error of the target-only model)."""
    chosen = [vt > vo for vt, vo in zip(val_transfer, val_target_only)]
    return sum((to - tt) if c else 0.0 for c, tt, to in zip(chosen, test_transfer, test_target_only)) / len(chosen)
'''),
    ('06.q4', 'PASS', 'spelled out with errors (1 − accuracy)', '''
def fallback_gap(val_transfer, test_transfer, val_target_only, test_target_only):
    """Mean (error of the model kept by validation − error of the target-only model)."""
    chosen = np.greater(val_transfer, val_target_only)
    kept_error = 1 - np.where(chosen, test_transfer, test_target_only)
    return float(np.mean(kept_error - (1 - np.asarray(test_target_only, dtype=float))))
'''),
    ('06.q5', 'WRONG', 'fine-tuning can partly overwrite the memorised noise', """
procedure = "a"
"""),
    ('06.q5', 'WRONG', 'the procedure changes the gap, even its sign for a clean source.', """
procedure = "c"
"""),
    ('06.q5', 'PASS', '(strict) / borderline: capital letter', """
procedure = "B"
"""),
    ('06.q5', 'WRONG', 'a list.', """
procedure = ["b"]
"""),
    ('06.q5', 'WRONG', 'a word instead of the option letter.', """
procedure = "frozen"
"""),
    ('06.q5', 'WRONG', 'two letters (a substring test would accept it).', """
procedure = "ab"
"""),
    ('06.q5', 'WRONG', 'an index.', """
procedure = 1
"""),
    ('06.q5', 'PASS', 'computed, exactly "b".', """
procedure = "abc"[1]
"""),
    ('06.q5', 'PASS', 'stripped', """
procedure = "\\tb ".strip()
"""),
    # exercise 07: an adversarial student's answers (the checker and tests unseen)
    ('07.q1', 'WRONG', 'unweighted sum of per-task CE (ignores weights)', '\ndef multitask_loss(logits, labels, weights):\n    return sum(F.cross_entropy(logits[t], labels[t]) for t in logits)\n'),
    ('07.q1', 'WRONG', 'average over tasks instead of sum', '\ndef multitask_loss(logits, labels, weights):\n    return sum(weights[t] * F.cross_entropy(logits[t], labels[t]) for t in logits) / len(logits)\n'),
    ('07.q1', 'WRONG', "per-task CE with reduction='sum' instead of mean", '\ndef multitask_loss(logits, labels, weights):\n    return sum(weights[t] * F.cross_entropy(logits[t], labels[t], reduction="sum") for t in logits)\n'),
    ('07.q1', 'WRONG', 'weights normalised to sum to 1', '\ndef multitask_loss(logits, labels, weights):\n    total = sum(weights[t] for t in logits)\n    return sum(weights[t] / total * F.cross_entropy(logits[t], labels[t]) for t in logits)\n'),
    ('07.q1', 'WRONG', 'pooled: sum of weighted per-row CE divided by total rows', '\ndef multitask_loss(logits, labels, weights):\n    n = sum(len(labels[t]) for t in logits)\n    return sum(weights[t] * F.cross_entropy(logits[t], labels[t], reduction="sum") for t in logits) / n\n'),
    ('07.q1', 'WRONG', 'returns a Python float via .item(): cannot backward', '\ndef multitask_loss(logits, labels, weights):\n    return float(sum(weights[t] * F.cross_entropy(logits[t], labels[t]) for t in logits).item())\n'),
    ('07.q1', 'WRONG', 're-wraps value in a new leaf tensor: backward runs but no gradient reaches the logits', '\ndef multitask_loss(logits, labels, weights):\n    value = sum(weights[t] * F.cross_entropy(logits[t], labels[t]) for t in logits)\n    return torch.tensor(value.item(), requires_grad=True)\n'),
    ('07.q1', 'WRONG', 'zips dict values by position: wrong weight when dict orders differ', '\ndef multitask_loss(logits, labels, weights):\n    return sum(w * F.cross_entropy(s, y) for s, y, w in zip(logits.values(), labels.values(), weights.values()))\n'),
    ('07.q1', 'WRONG', 'nll_loss on raw logits (forgot log_softmax)', '\ndef multitask_loss(logits, labels, weights):\n    return sum(weights[t] * F.nll_loss(logits[t], labels[t]) for t in logits)\n'),
    ('07.q1', 'WRONG', 'log_softmax over the wrong dim (rows instead of classes)', '\ndef multitask_loss(logits, labels, weights):\n    total = 0\n    for t in logits:\n        lp = logits[t].log_softmax(0)\n        total = total + weights[t] * -lp.gather(1, labels[t][:, None]).mean()\n    return total\n'),
    ('07.q1', 'WRONG', "subtracts the row max from the caller's logits IN PLACE (when they have no grad) before the loss (debatable/weak: value & gradient correct because CE is shift-invariant; only a side effect)", '\ndef multitask_loss(logits, labels, weights):\n    total = 0\n    for t in logits:\n        s = logits[t]\n        s.sub_(s.max(1, keepdim=True).values.detach()) if not s.requires_grad else None\n        total = total + weights[t] * F.cross_entropy(s, labels[t])\n    return total\n'),
    ('07.q1', 'WRONG', 'detaches the loss: no graph to backward through', '\ndef multitask_loss(logits, labels, weights):\n    return sum(weights[t] * F.cross_entropy(logits[t], labels[t]) for t in logits).detach()\n'),
    ('07.q1', 'WRONG', 'squares the weights', '\ndef multitask_loss(logits, labels, weights):\n    return sum(weights[t] ** 2 * F.cross_entropy(logits[t], labels[t]) for t in logits)\n'),
    ('07.q1', 'WRONG', 'weights applied to the first task only (w of t applied as w[first])', '\ndef multitask_loss(logits, labels, weights):\n    w0 = next(iter(weights.values()))\n    return sum(w0 * F.cross_entropy(logits[t], labels[t]) for t in logits)\n'),
    ('07.q1', 'WRONG', 'label smoothing 0.1 added', '\ndef multitask_loss(logits, labels, weights):\n    return sum(weights[t] * F.cross_entropy(logits[t], labels[t], label_smoothing=0.1) for t in logits)\n'),
    ('07.q1', 'WRONG', 'returns a dict of per-task weighted losses instead of their sum', '\ndef multitask_loss(logits, labels, weights):\n    return {t: weights[t] * F.cross_entropy(logits[t], labels[t]) for t in logits}\n'),
    ('07.q1', 'WRONG', "pops tasks out of the caller's dicts (destroys inputs)", '\ndef multitask_loss(logits, labels, weights):\n    total = 0\n    for t in list(logits):\n        total = total + weights[t] * F.cross_entropy(logits.pop(t), labels[t])\n    return total\n'),
    ('07.q1', 'WRONG', 'returns the numpy value of the loss', '\ndef multitask_loss(logits, labels, weights):\n    return sum(weights[t] * F.cross_entropy(logits[t], labels[t]) for t in logits).detach().numpy()\n'),
    ('07.q1', 'PASS', 'torch.stack of weighted per-task CE, summed', '\ndef multitask_loss(logits, labels, weights):\n    return torch.stack([weights[t] * F.cross_entropy(logits[t], labels[t]) for t in logits]).sum()\n'),
    ('07.q1', 'PASS', 'manual log_softmax + gather, iterating over weights.items()', '\ndef multitask_loss(logits, labels, weights):\n    total = 0.0\n    for t, w in weights.items():\n        lp = torch.log_softmax(logits[t], dim=1)\n        total = total + w * (-lp.gather(1, labels[t].long().view(-1, 1)).mean())\n    return total\n'),
    ('07.q1', 'PASS', "nn.CrossEntropyLoss module, accumulator starts as a zero tensor on the logits' device", '\ndef multitask_loss(logits, labels, weights):\n    ce = nn.CrossEntropyLoss()\n    first = next(iter(logits.values()))\n    total = torch.zeros((), device=first.device, dtype=first.dtype)\n    for t in logits:\n        total = total + float(weights[t]) * ce(logits[t], labels[t])\n    return total\n'),
    ('07.q1', 'PASS', 'nll_loss of log_softmax (equivalent to CE)', '\ndef multitask_loss(logits, labels, weights):\n    return sum(weights[t] * F.nll_loss(F.log_softmax(logits[t], 1), labels[t]) for t in logits)\n'),
    ('07.q1', 'WRONG', 'hard-codes the two task names of the exercise cell', '\ndef multitask_loss(logits, labels, weights):\n    return (weights["digits"] * F.cross_entropy(logits["digits"], labels["digits"])\n            + weights["letters"] * F.cross_entropy(logits["letters"], labels["letters"]))\n'),
    ('07.q1', 'PASS', 'soft-target cross-entropy with one-hot float targets (same value)', '\ndef multitask_loss(logits, labels, weights):\n    return sum(weights[t] * F.cross_entropy(logits[t], F.one_hot(labels[t], logits[t].shape[1]).float()) for t in logits)\n'),
    ('07.q1', 'WRONG', 'CE of logits scaled by the weight (weight used as inverse temperature)', '\ndef multitask_loss(logits, labels, weights):\n    return sum(F.cross_entropy(weights[t] * logits[t], labels[t]) for t in logits)\n'),
    ('07.q1', 'WRONG', 'weights each task additionally by its row count (normalised by the largest task)', '\ndef multitask_loss(logits, labels, weights):\n    return sum(weights[t] * len(labels[t]) * F.cross_entropy(logits[t], labels[t]) for t in logits) / max(len(labels[t]) for t in logits)\n'),
    ('07.q3', 'PASS', 'deepcopy (params keep requires_grad=True) but forward runs old column in eval mode and detaches: no gradient, no BN drift (debatable)', '\nclass TwoColumns(nn.Module):\n    def __init__(self, old, num_classes):\n        super().__init__()\n        self.old = copy.deepcopy(old)\n        self.new = models.SmallCNN(num_classes, width=16).features\n        self.head = nn.Linear(64 + old.num_features, num_classes)\n\n    def forward(self, x):\n        self.old.eval()\n        f = self.old.features(x).detach()\n        return self.head(torch.cat([self.new(x), f], 1))\n'),
    ('07.q3', 'PASS', 'deepcopy, forward in eval mode under torch.no_grad (requires_grad left True) (debatable)', '\nclass TwoColumns(nn.Module):\n    def __init__(self, old, num_classes):\n        super().__init__()\n        self.old = copy.deepcopy(old)\n        self.new = models.SmallCNN(num_classes, width=16).features\n        self.head = nn.Linear(64 + old.num_features, num_classes)\n\n    def forward(self, x):\n        self.old.eval()\n        with torch.no_grad():\n            f = self.old.features(x)\n        return self.head(torch.cat([self.new(x), f], 1))\n'),
    ('07.q2', 'WRONG', 'the leak: one probe fitted on all rows predicts all rows', '\ndef out_of_fold(make_probe, F, y, folds, seed):\n    return make_probe().fit(F, y).predict_proba(F)\n'),
    ('07.q2', 'WRONG', 'plain KFold (not stratified), shuffled by seed', '\ndef out_of_fold(make_probe, F, y, folds, seed):\n    probs = np.zeros((len(y), len(np.unique(y))))\n    for tr, te in KFold(folds, shuffle=True, random_state=seed).split(F, y):\n        probs[te] = make_probe().fit(F[tr], y[tr]).predict_proba(F[te])\n    return probs\n'),
    ('07.q2', 'WRONG', 'StratifiedKFold without shuffle: ignores the seed', '\ndef out_of_fold(make_probe, F, y, folds, seed):\n    probs = np.zeros((len(y), len(np.unique(y))))\n    for tr, te in StratifiedKFold(folds).split(F, y):\n        probs[te] = make_probe().fit(F[tr], y[tr]).predict_proba(F[te])\n    return probs\n'),
    ('07.q2', 'WRONG', 'shuffle=True but random_state not passed: ignores seed, not reproducible', '\ndef out_of_fold(make_probe, F, y, folds, seed):\n    probs = np.zeros((len(y), len(np.unique(y))))\n    for tr, te in StratifiedKFold(folds, shuffle=True).split(F, y):\n        probs[te] = make_probe().fit(F[tr], y[tr]).predict_proba(F[te])\n    return probs\n'),
    ('07.q2', 'WRONG', 'hard-coded random_state=0 instead of seed', '\ndef out_of_fold(make_probe, F, y, folds, seed):\n    probs = np.zeros((len(y), len(np.unique(y))))\n    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=0).split(F, y):\n        probs[te] = make_probe().fit(F[tr], y[tr]).predict_proba(F[te])\n    return probs\n'),
    ('07.q2', 'WRONG', 'train/test indices swapped: fits on the held-out fold, overwrites the others', '\ndef out_of_fold(make_probe, F, y, folds, seed):\n    probs = np.zeros((len(y), len(np.unique(y))))\n    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=seed).split(F, y):\n        probs[tr] = make_probe().fit(F[te], y[te]).predict_proba(F[tr])\n    return probs\n'),
    ('07.q2', 'WRONG', 'fold predictions stacked in fold order, not put back at their rows', '\ndef out_of_fold(make_probe, F, y, folds, seed):\n    parts = []\n    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=seed).split(F, y):\n        parts.append(make_probe().fit(F[tr], y[tr]).predict_proba(F[te]))\n    return np.vstack(parts)\n'),
    ('07.q2', 'WRONG', 'off by one: folds + 1 splits', '\ndef out_of_fold(make_probe, F, y, folds, seed):\n    probs = np.zeros((len(y), len(np.unique(y))))\n    for tr, te in StratifiedKFold(folds + 1, shuffle=True, random_state=seed).split(F, y):\n        probs[te] = make_probe().fit(F[tr], y[tr]).predict_proba(F[te])\n    return probs\n'),
    ('07.q2', 'WRONG', 'off by one: folds - 1 splits', '\ndef out_of_fold(make_probe, F, y, folds, seed):\n    probs = np.zeros((len(y), len(np.unique(y))))\n    for tr, te in StratifiedKFold(folds - 1, shuffle=True, random_state=seed).split(F, y):\n        probs[te] = make_probe().fit(F[tr], y[tr]).predict_proba(F[te])\n    return probs\n'),
    ('07.q2', 'WRONG', 'fits on training folds PLUS the held-out fold (leak)', '\ndef out_of_fold(make_probe, F, y, folds, seed):\n    probs = np.zeros((len(y), len(np.unique(y))))\n    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=seed).split(F, y):\n        rows = np.concatenate([tr, te])\n        probs[te] = make_probe().fit(F[rows], y[rows]).predict_proba(F[te])\n    return probs\n'),
    ('07.q2', 'WRONG', 'one-hot of predict() instead of predict_proba', '\ndef out_of_fold(make_probe, F, y, folds, seed):\n    classes = np.unique(y)\n    probs = np.zeros((len(y), len(classes)))\n    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=seed).split(F, y):\n        pred = make_probe().fit(F[tr], y[tr]).predict(F[te])\n        probs[te] = (pred[:, None] == classes[None, :]).astype(float)\n    return probs\n'),
    ('07.q2', 'WRONG', 'stratifies on a dummy label (split(F) ignores y): not stratified', '\ndef out_of_fold(make_probe, F, y, folds, seed):\n    probs = np.zeros((len(y), len(np.unique(y))))\n    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=seed).split(F, np.zeros(len(y))):\n        probs[te] = make_probe().fit(F[tr], y[tr]).predict_proba(F[te])\n    return probs\n'),
    ('07.q2', 'WRONG', "shuffles the caller's F and y in place, returns rows in shuffled order", '\ndef out_of_fold(make_probe, F, y, folds, seed):\n    order = np.random.default_rng(seed).permutation(len(y))\n    F[:] = F[order]; y[:] = y[order]\n    probs = np.zeros((len(y), len(np.unique(y))))\n    for tr, te in StratifiedKFold(folds).split(F, y):\n        probs[te] = make_probe().fit(F[tr], y[tr]).predict_proba(F[te])\n    return probs\n'),
    ('07.q2', 'PASS', "one probe made once and refitted in every fold, not a fresh make_probe() per fold — harmless: an sklearn estimator's fit starts afresh", '\ndef out_of_fold(make_probe, F, y, folds, seed):\n    probe = make_probe()\n    probs = np.zeros((len(y), len(np.unique(y))))\n    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=seed).split(F, y):\n        probs[te] = probe.fit(F[tr], y[tr]).predict_proba(F[te])\n    return probs\n'),
    ('07.q2', 'WRONG', "averages the k probes' predictions over ALL rows (each row partly predicted by probes fitted on it)", '\ndef out_of_fold(make_probe, F, y, folds, seed):\n    probs = np.zeros((len(y), len(np.unique(y))))\n    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=seed).split(F, y):\n        probs += make_probe().fit(F[tr], y[tr]).predict_proba(F) / folds\n    return probs\n'),
    ('07.q2', 'PASS', "StratifiedKFold(shuffle=True, random_state=seed + 1): still a deterministic seeded stratified split, just not the reference's folds (debatable: arguably correct)", '\ndef out_of_fold(make_probe, F, y, folds, seed):\n    probs = np.zeros((len(y), len(np.unique(y))))\n    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=seed + 1).split(F, y):\n        probs[te] = make_probe().fit(F[tr], y[tr]).predict_proba(F[te])\n    return probs\n'),
    ('07.q2', 'PASS', "sklearn cross_val_predict(make_probe(), F, y, cv=StratifiedKFold(folds, shuffle=True, random_state=seed), method='predict_proba'): same folds and numbers as the loop (cross_val_predict clones the estimator per fold)", '\ndef out_of_fold(make_probe, F, y, folds, seed):\n    from sklearn.model_selection import cross_val_predict\n    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)\n    probs = cross_val_predict(make_probe(), F, y, cv=cv, method="predict_proba")\n    return probs\n'),
    ('07.q2', 'PASS', 'hand-made stratified folds: per class, a seeded permutation dealt round-robin to folds', '\ndef out_of_fold(make_probe, F, y, folds, seed):\n    F, y = np.asarray(F), np.asarray(y)\n    rng = np.random.default_rng(seed)\n    fold_of = np.empty(len(y), dtype=int)\n    for c in np.unique(y):\n        rows = rng.permutation(np.flatnonzero(y == c))\n        fold_of[rows] = (np.arange(len(rows)) + rng.integers(folds)) % folds\n    probs = np.zeros((len(y), len(np.unique(y))))\n    for k in range(folds):\n        held = fold_of == k\n        probs[held] = make_probe().fit(F[~held], y[~held]).predict_proba(F[held])\n    return probs\n'),
    ('07.q2', 'PASS', 'StratifiedKFold with np.empty, boolean masks, float32 result', '\ndef out_of_fold(make_probe, F, y, folds, seed):\n    F, y = np.asarray(F), np.asarray(y)\n    probs = np.empty((len(y), np.unique(y).size), dtype=np.float32)\n    for _, te in StratifiedKFold(folds, shuffle=True, random_state=seed).split(F, y):\n        mask = np.zeros(len(y), bool); mask[te] = True\n        probs[mask] = make_probe().fit(F[~mask], y[~mask]).predict_proba(F[mask])\n    return probs\n'),
    ('07.q2', 'WRONG', 'random (unstratified) partition by np.array_split of a seeded permutation', '\ndef out_of_fold(make_probe, F, y, folds, seed):\n    probs = np.zeros((len(y), len(np.unique(y))))\n    order = np.random.default_rng(seed).permutation(len(y))\n    for te in np.array_split(order, folds):\n        tr = np.setdiff1d(order, te)\n        probs[te] = make_probe().fit(F[tr], y[tr]).predict_proba(F[te])\n    return probs\n'),
    ('07.q2', 'WRONG', 'standardises F with statistics of ALL rows before the folds (held-out rows leak into preprocessing)', '\ndef out_of_fold(make_probe, F, y, folds, seed):\n    Z = (F - F.mean(0)) / (F.std(0) + 1e-8)\n    probs = np.zeros((len(y), len(np.unique(y))))\n    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=seed).split(Z, y):\n        probs[te] = make_probe().fit(Z[tr], y[tr]).predict_proba(Z[te])\n    return probs\n'),
    ('07.q2', 'WRONG', 'each probe fitted on only the NEXT fold (not all other folds)', '\ndef out_of_fold(make_probe, F, y, folds, seed):\n    splits = [te for _, te in StratifiedKFold(folds, shuffle=True, random_state=seed).split(F, y)]\n    probs = np.zeros((len(y), len(np.unique(y))))\n    for k, te in enumerate(splits):\n        tr = splits[(k + 1) % folds]\n        probs[te] = make_probe().fit(F[tr], y[tr]).predict_proba(F[te])\n    return probs\n'),
    ('07.q2', 'WRONG', 'returns hard class labels (argmax) instead of the (n, classes) probabilities', '\ndef out_of_fold(make_probe, F, y, folds, seed):\n    probs = np.zeros((len(y), len(np.unique(y))))\n    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=seed).split(F, y):\n        probs[te] = make_probe().fit(F[tr], y[tr]).predict_proba(F[te])\n    return probs.argmax(1)\n'),
    ('07.q2', 'WRONG', 'hard-coded 5 folds (ignores `folds`)', '\ndef out_of_fold(make_probe, F, y, folds, seed):\n    probs = np.zeros((len(y), len(np.unique(y))))\n    for tr, te in StratifiedKFold(5, shuffle=True, random_state=seed).split(F, y):\n        probs[te] = make_probe().fit(F[tr], y[tr]).predict_proba(F[te])\n    return probs\n'),
    ('07.q2', 'WRONG', 'KFold without shuffle on rows sorted by label (class-blocked folds), seed used only to permute within class', '\ndef out_of_fold(make_probe, F, y, folds, seed):\n    rng = np.random.default_rng(seed)\n    order = np.lexsort((rng.random(len(y)), y))\n    probs = np.zeros((len(y), len(np.unique(y))))\n    for tr, te in KFold(folds).split(order):\n        tr, te = order[tr], order[te]\n        p = make_probe().fit(F[tr], y[tr])\n        cols = np.searchsorted(np.unique(y), p.classes_)\n        probs[np.ix_(te, cols)] = p.predict_proba(F[te])\n    return probs\n'),
    ('07.q2', 'PASS', 'correct folds but returns a torch tensor instead of a NumPy array (debatable type)', '\ndef out_of_fold(make_probe, F, y, folds, seed):\n    probs = np.zeros((len(y), len(np.unique(y))))\n    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=seed).split(F, y):\n        probs[te] = make_probe().fit(F[tr], y[tr]).predict_proba(F[te])\n    return torch.from_numpy(probs)\n'),
    ('07.q2', 'PASS', 'StratifiedKFold.split(np.zeros(n), y) as the sklearn docs suggest; list of folds built first', '\ndef out_of_fold(make_probe, F, y, folds, seed):\n    skf = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)\n    splits = list(skf.split(np.zeros(len(y)), y))\n    probs = None\n    for tr, te in splits:\n        p = make_probe()\n        p.fit(F[tr], y[tr])\n        out = p.predict_proba(F[te])\n        if probs is None:\n            probs = np.zeros((len(y), out.shape[1]))\n        probs[te] = out\n    return probs\n'),
    ('07.q2', 'PASS', 'sklearn.base.clone of one make_probe() template per fold (each clone is a fresh unfitted copy, as lesson 07 does with lambda: clone(probe)); debatable: calls make_probe() once, not per fold', '\ndef out_of_fold(make_probe, F, y, folds, seed):\n    from sklearn.base import clone\n    template = make_probe()\n    probs = np.zeros((len(y), len(np.unique(y))))\n    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=seed).split(F, y):\n        probs[te] = clone(template).fit(F[tr], y[tr]).predict_proba(F[te])\n    return probs\n'),
    ('07.q3', 'PASS', 'reference-style: models.freeze(deepcopy) + requires_grad_(False)', '\nclass TwoColumns(nn.Module):\n    def __init__(self, old, num_classes):\n        super().__init__()\n        self.old = models.freeze(copy.deepcopy(old)).requires_grad_(False)\n        self.new = models.SmallCNN(num_classes, width=16).features\n        self.head = nn.Linear(64 + old.num_features, num_classes)\n\n    def forward(self, x):\n        return self.head(torch.cat([self.new(x), self.old.features(x)], dim=1))\n'),
    ('07.q3', 'WRONG', 'no copy, no freeze: self.old = old', '\nclass TwoColumns(nn.Module):\n    def __init__(self, old, num_classes):\n        super().__init__()\n        self.old = old\n        self.new = models.SmallCNN(num_classes, width=16).features\n        self.head = nn.Linear(64 + old.num_features, num_classes)\n\n    def forward(self, x):\n        return self.head(torch.cat([self.new(x), self.old.features(x)], dim=1))\n'),
    ('07.q3', 'WRONG', 'deepcopy only (trainable, BN in train mode)', '\nclass TwoColumns(nn.Module):\n    def __init__(self, old, num_classes):\n        super().__init__()\n        self.old = copy.deepcopy(old)\n        self.new = models.SmallCNN(num_classes, width=16).features\n        self.head = nn.Linear(64 + old.num_features, num_classes)\n\n    def forward(self, x):\n        return self.head(torch.cat([self.new(x), self.old.features(x)], dim=1))\n'),
    ('07.q3', 'WRONG', 'deepcopy + requires_grad_(False) only: BatchNorm running stats still drift in train mode', '\nclass TwoColumns(nn.Module):\n    def __init__(self, old, num_classes):\n        super().__init__()\n        self.old = copy.deepcopy(old).requires_grad_(False)\n        self.new = models.SmallCNN(num_classes, width=16).features\n        self.head = nn.Linear(64 + old.num_features, num_classes)\n\n    def forward(self, x):\n        return self.head(torch.cat([self.new(x), self.old.features(x)], dim=1))\n'),
    ('07.q3', 'WRONG', 'deepcopy + .eval() only: model.train() flips it back, and weights get gradients', '\nclass TwoColumns(nn.Module):\n    def __init__(self, old, num_classes):\n        super().__init__()\n        self.old = copy.deepcopy(old).eval()\n        self.new = models.SmallCNN(num_classes, width=16).features\n        self.head = nn.Linear(64 + old.num_features, num_classes)\n\n    def forward(self, x):\n        return self.head(torch.cat([self.new(x), self.old.features(x)], dim=1))\n'),
    ('07.q3', 'WRONG', 'deepcopy + eval + requires_grad False, but model.train() turns BN back to batch statistics', '\nclass TwoColumns(nn.Module):\n    def __init__(self, old, num_classes):\n        super().__init__()\n        self.old = copy.deepcopy(old).eval().requires_grad_(False)\n        self.new = models.SmallCNN(num_classes, width=16).features\n        self.head = nn.Linear(64 + old.num_features, num_classes)\n\n    def forward(self, x):\n        return self.head(torch.cat([self.new(x), self.old.features(x)], dim=1))\n'),
    ('07.q3', 'WRONG', "freezes the caller's network in place (no copy)", '\nclass TwoColumns(nn.Module):\n    def __init__(self, old, num_classes):\n        super().__init__()\n        self.old = models.freeze(old).requires_grad_(False)\n        self.new = models.SmallCNN(num_classes, width=16).features\n        self.head = nn.Linear(64 + old.num_features, num_classes)\n\n    def forward(self, x):\n        return self.head(torch.cat([self.new(x), self.old.features(x)], dim=1))\n'),
    ('07.q3', 'WRONG', 'freezes only the first two blocks of the copy (up_to=2)', '\nclass TwoColumns(nn.Module):\n    def __init__(self, old, num_classes):\n        super().__init__()\n        self.old = models.freeze(copy.deepcopy(old), up_to=2).requires_grad_(False)\n        self.new = models.SmallCNN(num_classes, width=16).features\n        self.head = nn.Linear(64 + old.num_features, num_classes)\n\n    def forward(self, x):\n        return self.head(torch.cat([self.new(x), self.old.features(x)], dim=1))\n'),
    ('07.q3', 'PASS', 'models.freeze(deepcopy) only: old.head keeps requires_grad=True but is never used in forward, so nothing can change (debatable)', '\nclass TwoColumns(nn.Module):\n    def __init__(self, old, num_classes):\n        super().__init__()\n        self.old = models.freeze(copy.deepcopy(old))\n        self.new = models.SmallCNN(num_classes, width=16).features\n        self.head = nn.Linear(64 + old.num_features, num_classes)\n\n    def forward(self, x):\n        return self.head(torch.cat([self.new(x), self.old.features(x)], dim=1))\n'),
    ('07.q3', 'WRONG', 'deepcopy, features detached in forward but BN of old column in train mode drifts', '\nclass TwoColumns(nn.Module):\n    def __init__(self, old, num_classes):\n        super().__init__()\n        self.old = copy.deepcopy(old)\n        self.new = models.SmallCNN(num_classes, width=16).features\n        self.head = nn.Linear(64 + old.num_features, num_classes)\n\n    def forward(self, x):\n        return self.head(torch.cat([self.new(x), self.old.features(x).detach()], dim=1))\n'),
    ('07.q3', 'WRONG', 'deepcopy + requires_grad False, torch.no_grad in forward, still BN in train mode', '\nclass TwoColumns(nn.Module):\n    def __init__(self, old, num_classes):\n        super().__init__()\n        self.old = copy.deepcopy(old).requires_grad_(False)\n        self.new = models.SmallCNN(num_classes, width=16).features\n        self.head = nn.Linear(64 + old.num_features, num_classes)\n\n    def forward(self, x):\n        with torch.no_grad():\n            f = self.old.features(x)\n        return self.head(torch.cat([self.new(x), f], 1))\n'),
    ('07.q3', 'WRONG', 'forward ignores the new column (old features twice, zero-padded)', '\nclass TwoColumns(nn.Module):\n    def __init__(self, old, num_classes):\n        super().__init__()\n        self.old = models.freeze(copy.deepcopy(old)).requires_grad_(False)\n        self.new = models.SmallCNN(num_classes, width=16).features\n        self.head = nn.Linear(64 + old.num_features, num_classes)\n\n    def forward(self, x):\n        f = self.old.features(x)\n        return self.head(torch.cat([torch.zeros(len(x), 64), f], 1))\n'),
    ('07.q3', 'PASS', 'old features first in the concatenation (the head is new, so order is a free choice)', '\nclass TwoColumns(nn.Module):\n    def __init__(self, old, num_classes):\n        super().__init__()\n        self.old = models.freeze(copy.deepcopy(old)).requires_grad_(False)\n        self.new = models.SmallCNN(num_classes, width=16).features\n        self.head = nn.Linear(64 + old.num_features, num_classes)\n\n    def forward(self, x):\n        return self.head(torch.cat([self.old.features(x), self.new(x)], dim=1))\n'),
    ('07.q3', 'PASS', 'deepcopy + requires_grad False + old column always run in eval mode inside forward', '\nclass TwoColumns(nn.Module):\n    def __init__(self, old, num_classes):\n        super().__init__()\n        self.old = copy.deepcopy(old).requires_grad_(False)\n        self.new = models.SmallCNN(num_classes, width=16).features\n        self.head = nn.Linear(64 + old.num_features, num_classes)\n\n    def forward(self, x):\n        self.old.eval()\n        with torch.no_grad():\n            f = self.old.features(x)\n        return self.head(torch.cat([self.new(x), f], 1))\n'),
    ('07.q3', 'PASS', 'overrides train() so the frozen column always stays in eval mode', '\nclass TwoColumns(nn.Module):\n    def __init__(self, old, num_classes):\n        super().__init__()\n        self.old = copy.deepcopy(old)\n        for p in self.old.parameters():\n            p.requires_grad = False\n        self.old.eval()\n        self.new = models.SmallCNN(num_classes, width=16).features\n        self.head = nn.Linear(64 + old.num_features, num_classes)\n\n    def train(self, mode=True):\n        super().train(mode)\n        self.old.eval()\n        return self\n\n    def forward(self, x):\n        return self.head(torch.cat((self.new(x), self.old.features(x)), 1))\n'),
    ('07.q3', 'WRONG', "new column's features detached in forward: the new column never learns", '\nclass TwoColumns(nn.Module):\n    def __init__(self, old, num_classes):\n        super().__init__()\n        self.old = models.freeze(copy.deepcopy(old)).requires_grad_(False)\n        self.new = models.SmallCNN(num_classes, width=16).features\n        self.head = nn.Linear(64 + old.num_features, num_classes)\n\n    def forward(self, x):\n        return self.head(torch.cat([self.new(x).detach(), self.old.features(x)], 1))\n'),
    ('07.q3', 'WRONG', 'returns softmax probabilities instead of scores (double softmax under cross-entropy)', '\nclass TwoColumns(nn.Module):\n    def __init__(self, old, num_classes):\n        super().__init__()\n        self.old = models.freeze(copy.deepcopy(old)).requires_grad_(False)\n        self.new = models.SmallCNN(num_classes, width=16).features\n        self.head = nn.Linear(64 + old.num_features, num_classes)\n\n    def forward(self, x):\n        return self.head(torch.cat([self.new(x), self.old.features(x)], 1)).softmax(1)\n'),
    ('07.q3', 'WRONG', 'returns the concatenated features, forgets the head', '\nclass TwoColumns(nn.Module):\n    def __init__(self, old, num_classes):\n        super().__init__()\n        self.old = models.freeze(copy.deepcopy(old)).requires_grad_(False)\n        self.new = models.SmallCNN(num_classes, width=16).features\n        self.head = nn.Linear(64 + old.num_features, num_classes)\n\n    def forward(self, x):\n        return torch.cat([self.new(x), self.old.features(x)], 1)\n'),
    ('07.q3', 'WRONG', "copies AFTER freezing the caller's network (source left frozen in place)", '\nclass TwoColumns(nn.Module):\n    def __init__(self, old, num_classes):\n        super().__init__()\n        self.old = copy.deepcopy(models.freeze(old).requires_grad_(False))\n        self.new = models.SmallCNN(num_classes, width=16).features\n        self.head = nn.Linear(64 + old.num_features, num_classes)\n\n    def forward(self, x):\n        return self.head(torch.cat([self.new(x), self.old.features(x)], dim=1))\n'),
    ('07.q3', 'WRONG', "old column's features multiplied by zero (lateral connection disconnected)", '\nclass TwoColumns(nn.Module):\n    def __init__(self, old, num_classes):\n        super().__init__()\n        self.old = models.freeze(copy.deepcopy(old)).requires_grad_(False)\n        self.new = models.SmallCNN(num_classes, width=16).features\n        self.head = nn.Linear(64 + old.num_features, num_classes)\n\n    def forward(self, x):\n        return self.head(torch.cat([self.new(x), 0 * self.old.features(x)], 1))\n'),
    ('07.q4', 'PASS', 'eval both, no_grad, argmax accuracy, before minus now', '\ndef forgetting(backbone, head_a, X_a, y_a, accuracy_before):\n    backbone.eval(); head_a.eval()\n    with torch.no_grad():\n        acc = (head_a(backbone(X_a)).argmax(1) == y_a).float().mean().item()\n    return accuracy_before - acc\n'),
    ('07.q4', 'WRONG', 'measured in train mode (BatchNorm uses batch statistics)', '\ndef forgetting(backbone, head_a, X_a, y_a, accuracy_before):\n    with torch.no_grad():\n        acc = (head_a(backbone(X_a)).argmax(1) == y_a).float().mean().item()\n    return accuracy_before - acc\n'),
    ('07.q4', 'WRONG', 'sign flipped: now minus before', '\ndef forgetting(backbone, head_a, X_a, y_a, accuracy_before):\n    backbone.eval(); head_a.eval()\n    with torch.no_grad():\n        acc = (head_a(backbone(X_a)).argmax(1) == y_a).float().mean().item()\n    return acc - accuracy_before\n'),
    ('07.q4', 'WRONG', 'percentage points instead of a fraction', '\ndef forgetting(backbone, head_a, X_a, y_a, accuracy_before):\n    backbone.eval(); head_a.eval()\n    with torch.no_grad():\n        acc = (head_a(backbone(X_a)).argmax(1) == y_a).float().mean().item()\n    return 100 * (accuracy_before - acc)\n'),
    ('07.q4', 'WRONG', 'returns the accuracy now, not the drop', '\ndef forgetting(backbone, head_a, X_a, y_a, accuracy_before):\n    backbone.eval(); head_a.eval()\n    with torch.no_grad():\n        return (head_a(backbone(X_a)).argmax(1) == y_a).float().mean().item()\n'),
    ('07.q4', 'WRONG', 'relative forgetting: drop divided by accuracy_before', '\ndef forgetting(backbone, head_a, X_a, y_a, accuracy_before):\n    backbone.eval(); head_a.eval()\n    with torch.no_grad():\n        acc = (head_a(backbone(X_a)).argmax(1) == y_a).float().mean().item()\n    return (accuracy_before - acc) / accuracy_before\n'),
    ('07.q4', 'WRONG', 'clips at zero: max(0, drop) hides a gain', '\ndef forgetting(backbone, head_a, X_a, y_a, accuracy_before):\n    backbone.eval(); head_a.eval()\n    with torch.no_grad():\n        acc = (head_a(backbone(X_a)).argmax(1) == y_a).float().mean().item()\n    return max(0.0, accuracy_before - acc)\n'),
    ('07.q4', 'WRONG', "only the head put in eval mode (backbone's BatchNorm still in train mode)", '\ndef forgetting(backbone, head_a, X_a, y_a, accuracy_before):\n    head_a.eval()\n    with torch.no_grad():\n        acc = (head_a(backbone(X_a)).argmax(1) == y_a).float().mean().item()\n    return accuracy_before - acc\n'),
    ('07.q4', 'WRONG', 'error rate used for the accuracy now: before - (1 - acc)', '\ndef forgetting(backbone, head_a, X_a, y_a, accuracy_before):\n    backbone.eval(); head_a.eval()\n    with torch.no_grad():\n        err = (head_a(backbone(X_a)).argmax(1) != y_a).float().mean().item()\n    return accuracy_before - err\n'),
    ('07.q4', 'WRONG', 'evaluates only the first 256 images', '\ndef forgetting(backbone, head_a, X_a, y_a, accuracy_before):\n    backbone.eval(); head_a.eval()\n    with torch.no_grad():\n        acc = (head_a(backbone(X_a[:256])).argmax(1) == y_a[:256]).float().mean().item()\n    return accuracy_before - acc\n'),
    ('07.q4', 'WRONG', 'soft accuracy: mean probability of the true class', '\ndef forgetting(backbone, head_a, X_a, y_a, accuracy_before):\n    backbone.eval(); head_a.eval()\n    with torch.no_grad():\n        p = head_a(backbone(X_a)).softmax(1)\n    return accuracy_before - p[torch.arange(len(y_a)), y_a].mean().item()\n'),
    ('07.q4', 'WRONG', 'rounds the result to 2 decimals', '\ndef forgetting(backbone, head_a, X_a, y_a, accuracy_before):\n    backbone.eval(); head_a.eval()\n    with torch.no_grad():\n        acc = (head_a(backbone(X_a)).argmax(1) == y_a).float().mean().item()\n    return round(accuracy_before - acc, 2)\n'),
    ('07.q4', 'WRONG', 'counts correct images instead of the fraction', '\ndef forgetting(backbone, head_a, X_a, y_a, accuracy_before):\n    backbone.eval(); head_a.eval()\n    with torch.no_grad():\n        correct = (head_a(backbone(X_a)).argmax(1) == y_a).sum().item()\n    return accuracy_before - correct\n'),
    ('07.q4', 'WRONG', "a no-grad 'warm-up' pass in train mode first (rewrites BatchNorm running stats), then evaluates in eval mode", '\ndef forgetting(backbone, head_a, X_a, y_a, accuracy_before):\n    with torch.no_grad():\n        backbone(X_a)                      # "warm-up" pass in train mode: updates BatchNorm running statistics\n        backbone.eval(); head_a.eval()\n        acc = (head_a(backbone(X_a)).argmax(1) == y_a).float().mean().item()\n    return accuracy_before - acc\n'),
    ('07.q4', 'PASS', 'train.evaluate on nn.Sequential(backbone, head_a)', '\ndef forgetting(backbone, head_a, X_a, y_a, accuracy_before):\n    return accuracy_before - train.evaluate(nn.Sequential(backbone, head_a), (X_a, y_a))["acc"]\n'),
    ('07.q4', 'PASS', "eval mode, batched, and restores the caller's train/eval modes afterwards", '\ndef forgetting(backbone, head_a, X_a, y_a, accuracy_before):\n    modes = (backbone.training, head_a.training)\n    backbone.eval(); head_a.eval()\n    correct = 0\n    with torch.inference_mode():\n        for i in range(0, len(X_a), 100):\n            correct += int((head_a(backbone(X_a[i:i + 100])).argmax(dim=-1) == y_a[i:i + 100]).sum())\n    backbone.train(modes[0]); head_a.train(modes[1])\n    return float(accuracy_before) - correct / len(y_a)\n'),
    ('07.q4', 'PASS', 'returns a 0-dim tensor (no .item()) (debatable type; value correct)', '\ndef forgetting(backbone, head_a, X_a, y_a, accuracy_before):\n    net = nn.Sequential(backbone, head_a).eval()\n    with torch.no_grad():\n        return accuracy_before - (net(X_a).argmax(1) == y_a).float().mean()\n'),
    ('07.q4', 'PASS', 'predictions via train.predict', '\ndef forgetting(backbone, head_a, X_a, y_a, accuracy_before):\n    pred = train.predict(nn.Sequential(backbone, head_a), X_a)\n    return accuracy_before - (pred == y_a).double().mean().item()\n'),
    ('07.q4', 'WRONG', 'absolute value of the drop (a gain reported as forgetting)', '\ndef forgetting(backbone, head_a, X_a, y_a, accuracy_before):\n    backbone.eval(); head_a.eval()\n    with torch.no_grad():\n        pred = head_a(backbone(X_a)).argmax(1)\n    return abs(accuracy_before - (pred == y_a).float().mean().item())\n'),
    ('07.q4', 'WRONG', 'evaluates only the first 32 images (one batch)', '\ndef forgetting(backbone, head_a, X_a, y_a, accuracy_before):\n    backbone.eval(); head_a.eval()\n    with torch.no_grad():\n        pred = head_a(backbone(X_a[:32])).argmax(1)\n    return accuracy_before - (pred == y_a[:32]).float().mean().item()\n'),
    ('07.q4', 'WRONG', 'balanced accuracy (mean per-class recall) instead of plain accuracy (debatable: a different metric)', '\ndef forgetting(backbone, head_a, X_a, y_a, accuracy_before):\n    backbone.eval(); head_a.eval()\n    with torch.no_grad():\n        pred = head_a(backbone(X_a)).argmax(1)\n    cls = y_a.unique()\n    return accuracy_before - torch.stack([(pred[y_a == c] == c).float().mean() for c in cls]).mean().item()\n'),
    ('07.q4', 'WRONG', 'top-2 accuracy instead of top-1', '\ndef forgetting(backbone, head_a, X_a, y_a, accuracy_before):\n    backbone.eval(); head_a.eval()\n    with torch.no_grad():\n        top = head_a(backbone(X_a)).topk(2, dim=1).indices\n    return accuracy_before - (top == y_a[:, None]).any(1).float().mean().item()\n'),
    ('07.q5', 'PASS', 'progressive network: A exact, B as good as fine-tuning', 'remedy = "c"'),
    ('07.q5', 'WRONG', 'fine-tune: forgets A', 'remedy = "a"'),
    ('07.q5', 'WRONG', 'LwF: A moves a little', 'remedy = "b"'),
    ('07.q5', 'WRONG', 'frozen backbone: exact A but pays on B', 'remedy = "d"'),
    ('07.q5', 'PASS', 'uppercase C (debatable)', 'remedy = "C"'),
    ('07.q5', 'PASS', 'c with whitespace (debatable)', 'remedy = " c "'),
    ('07.q5', 'WRONG', 'two answers', 'remedy = "c, d"'),
    ('07.q5', 'WRONG', 'two answers glued', 'remedy = "cd"'),
    ('07.q5', 'WRONG', 'names the method instead of the letter (debatable)', 'remedy = "progressive network"'),
    ('07.q5', 'WRONG', 'list containing c (debatable)', 'remedy = ["c"]'),
    ('07.q5', 'WRONG', 'index of c, numeric', 'remedy = 3'),
    ('07.q5', 'WRONG', 'left unset', 'remedy = None'),
    ('07.q5', 'WRONG', 'not an option', 'remedy = "e"'),
    ('07.q5', 'WRONG', "bytes b'c' (debatable)", "remedy = 'c'.encode()"),
    ('07.q6', 'PASS', 'out-of-fold 94 %', 'honest_score = "b"'),
    ('07.q6', 'WRONG', 'in-fold 100 %', 'honest_score = "a"'),
    ('07.q6', 'WRONG', 'both', 'honest_score = "c"'),
    ('07.q6', 'PASS', 'uppercase B (debatable)', 'honest_score = "B"'),
    ('07.q6', 'WRONG', 'the number instead of the letter', 'honest_score = 0.94'),
    ('07.q6', 'WRONG', 'percentage number', 'honest_score = 94'),
    ('07.q6', 'WRONG', 'percentage string', 'honest_score = "94 %"'),
    ('07.q6', 'WRONG', 'two letters', 'honest_score = "ab"'),
    ('07.q6', 'WRONG', 'two answers', 'honest_score = "b, c"'),
    ('07.q6', 'WRONG', 'unset', 'honest_score = None'),
    ('07.q6', 'WRONG', 'boolean', 'honest_score = True'),
    ('07.q6', 'WRONG', 'b with a period (debatable)', 'honest_score = "b."'),
    # exercise 08: an adversarial student's answers (the checker and tests unseen)
    ('08.q1', 'WRONG', 'no normalisation: plain dot product U @ V.T', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float)\n    V = np.asarray(V, dtype=float)\n    return U @ V.T\n'),
    ('08.q1', 'WRONG', 'normalises along axis=0 (columns) instead of rows', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=0, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=0, keepdims=True)\n    return U @ V.T\n'),
    ('08.q1', 'WRONG', 'normalises U only', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float)\n    return U @ V.T\n'),
    ('08.q1', 'WRONG', 'normalises V only', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n'),
    ('08.q1', 'WRONG', 'returns the (m, n) transpose V @ U.T', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return V @ U.T\n'),
    ('08.q1', 'WRONG', 'L1 normalisation (divides by the sum of absolute values)', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.abs(U).sum(axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.abs(V).sum(axis=1, keepdims=True)\n    return U @ V.T\n'),
    ('08.q1', 'WRONG', 'cosine distance 1 - cos instead of similarity', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return 1 - U @ V.T\n'),
    ('08.q1', 'WRONG', 'divides by the Frobenius norm of the whole matrix (no axis)', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V)\n    return U @ V.T\n'),
    ('08.q1', 'WRONG', 'divides by squared norms', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / (np.linalg.norm(U, axis=1, keepdims=True) ** 2)\n    V = np.asarray(V, dtype=float); V = V / (np.linalg.norm(V, axis=1, keepdims=True) ** 2)\n    return U @ V.T\n'),
    ('08.q1', 'WRONG', 'absolute value of the cosine', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return np.abs(U @ V.T)\n'),
    ('08.q1', 'WRONG', 'Pearson correlation (rows centred first)', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U - U.mean(axis=1, keepdims=True); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V - V.mean(axis=1, keepdims=True); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n'),
    ('08.q1', 'WRONG', 'rounds the result to 2 decimals', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return np.round(U @ V.T, 2)\n'),
    ('08.q1', 'WRONG', "mutates the caller's arrays in place (U /= norms)", 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U /= np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V /= np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n'),
    ('08.q1', 'WRONG', 'missing keepdims (broadcasts norms across columns)', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1)\n    return U @ V.T\n'),
    ('08.q1', 'WRONG', 'element-wise (paired) cosine: one number per row pair, shape (n,)', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); V = np.asarray(V, dtype=float)\n    return (U * V).sum(1) / (np.linalg.norm(U, axis=1) * np.linalg.norm(V, axis=1))\n'),
    ('08.q1', 'WRONG', 'negative Euclidean distance instead of cosine', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); V = np.asarray(V, dtype=float)\n    return -np.linalg.norm(U[:, None, :] - V[None, :, :], axis=2)\n'),
    ('08.q1', 'WRONG', 'casts to float32 then to int (truncates)', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return (U @ V.T).astype(int)\n'),
    ('08.q1', 'WRONG', 'divides dot products by norm of U row times norm of FIRST V row only', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); V = np.asarray(V, dtype=float)\n    return (U @ V.T) / (np.linalg.norm(U, axis=1, keepdims=True) * np.linalg.norm(V[0]))\n'),
    ('08.q1', 'PASS', 'sklearn.metrics.pairwise.cosine_similarity', 'from sklearn.metrics.pairwise import cosine_similarity as _sk_cos\ndef cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float)\n    V = np.asarray(V, dtype=float)\n    return _sk_cos(U, V)\n'),
    ('08.q1', 'PASS', 'torch F.cosine_similarity with broadcasting, back to numpy', 'import torch\nimport torch.nn.functional as F\ndef cosine_similarity(U, V):\n    U = torch.as_tensor(np.asarray(U, dtype=np.float64))\n    V = torch.as_tensor(np.asarray(V, dtype=np.float64))\n    return F.cosine_similarity(U[:, None, :], V[None, :, :], dim=-1).numpy()\n'),
    ('08.q1', 'PASS', 'pure Python lists, nested loops (returns an array)', 'import math\ndef cosine_similarity(U, V):\n    U = [list(map(float, u)) for u in U]\n    V = [list(map(float, v)) for v in V]\n    out = [[sum(a*b for a, b in zip(u, v)) / (math.sqrt(sum(a*a for a in u)) * math.sqrt(sum(b*b for b in v)))\n            for v in V] for u in U]\n    return np.array(out)\n'),
    ('08.q1', 'PASS', 'pure Python, returns a list of lists', 'import math\ndef cosine_similarity(U, V):\n    U = [list(map(float, u)) for u in U]\n    V = [list(map(float, v)) for v in V]\n    return [[sum(a*b for a, b in zip(u, v)) / (math.sqrt(sum(a*a for a in u)) * math.sqrt(sum(b*b for b in v)))\n             for v in V] for u in U]\n'),
    ('08.q1', 'PASS', 'scipy cdist: 1 - cosine distance', 'from scipy.spatial.distance import cdist\ndef cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float)\n    V = np.asarray(V, dtype=float)\n    return 1 - cdist(U, V, metric="cosine")\n'),
    ('08.q1', 'PASS', 'einsum with norms outer product', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float)\n    V = np.asarray(V, dtype=float)\n    return np.einsum("id,jd->ij", U, V) / np.outer(np.linalg.norm(U, axis=1), np.linalg.norm(V, axis=1))\n'),
    ('08.q1', 'PASS', 'float32 computation (np.float32 throughout)', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=np.float32); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=np.float32); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n'),
    ('08.q1', 'PASS', 'normalise with np.sqrt of row sums of squares, no dtype cast (np.asarray only)', 'def cosine_similarity(U, V):\n    U = np.asarray(U)\n    V = np.asarray(V)\n    U = U / np.sqrt((U ** 2).sum(axis=1))[:, None]\n    V = V / np.sqrt((V ** 2).sum(axis=1))[:, None]\n    return U @ V.T\n'),
    ('08.q1', 'PASS', 'torch tensor result returned (not converted to numpy)', 'import torch\ndef cosine_similarity(U, V):\n    U = torch.as_tensor(np.asarray(U, dtype=np.float64))\n    V = torch.as_tensor(np.asarray(V, dtype=np.float64))\n    U = U / U.norm(dim=1, keepdim=True)\n    V = V / V.norm(dim=1, keepdim=True)\n    return U @ V.T\n'),
    ('08.q1', 'WRONG', 'np.array copy then in-place /= : crashes on integer inputs (e.g. [[1, 0], [0, 2]])', 'def cosine_similarity(U, V):\n    U = np.array(U); U /= np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.array(V); V /= np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n'),
    ('08.q2', 'WRONG', 'ascending sort: the k LEAST similar', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n\ndef nearest(query, embeddings, k):\n    similarity = cosine_similarity([query], embeddings)[0]\n    return np.argsort(similarity)[:k]\n'),
    ('08.q2', 'WRONG', 'top k but in ascending order (argsort()[-k:], not reversed)', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n\ndef nearest(query, embeddings, k):\n    similarity = cosine_similarity([query], embeddings)[0]\n    return np.argsort(similarity)[-k:]\n'),
    ('08.q2', 'WRONG', 'returns the similarity values instead of indices', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n\ndef nearest(query, embeddings, k):\n    similarity = cosine_similarity([query], embeddings)[0]\n    return np.sort(similarity)[::-1][:k]\n'),
    ('08.q2', 'WRONG', 'dot product on unnormalised rows (embeddings @ query)', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n\ndef nearest(query, embeddings, k):\n    similarity = np.asarray(embeddings) @ np.asarray(query)\n    return np.argsort(-similarity)[:k]\n'),
    ('08.q2', 'WRONG', 'skips the first hit (assumes the query itself is in embeddings)', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n\ndef nearest(query, embeddings, k):\n    similarity = cosine_similarity([query], embeddings)[0]\n    return np.argsort(-similarity)[1:k + 1]\n'),
    ('08.q2', 'WRONG', 'off by one: returns k+1 indices', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n\ndef nearest(query, embeddings, k):\n    similarity = cosine_similarity([query], embeddings)[0]\n    return np.argsort(-similarity)[:k + 1]\n'),
    ('08.q2', 'WRONG', 'argpartition without sorting the top k', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n\ndef nearest(query, embeddings, k):\n    similarity = cosine_similarity([query], embeddings)[0]\n    return np.argpartition(-similarity, k - 1)[:k]\n'),
    ('08.q2', 'WRONG', 'returns the embedding rows instead of their indices', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n\ndef nearest(query, embeddings, k):\n    similarity = cosine_similarity([query], embeddings)[0]\n    return np.asarray(embeddings)[np.argsort(-similarity)[:k]]\n'),
    ('08.q2', 'WRONG', 'nearest by Euclidean distance on unnormalised vectors', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n\ndef nearest(query, embeddings, k):\n    distance = np.linalg.norm(np.asarray(embeddings, float) - np.asarray(query, float), axis=1)\n    return np.argsort(distance)[:k]\n'),
    ('08.q2', 'WRONG', 'sorts by absolute similarity (anti-similar rows count as near)', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n\ndef nearest(query, embeddings, k):\n    similarity = cosine_similarity([query], embeddings)[0]\n    return np.argsort(-np.abs(similarity))[:k]\n'),
    ('08.q2', 'WRONG', 'sorts the similarity in place and returns the positions 0..k-1', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n\ndef nearest(query, embeddings, k):\n    similarity = cosine_similarity([query], embeddings)[0]\n    similarity[::-1].sort()\n    return np.arange(k)\n'),
    ('08.q2', 'WRONG', 'argmax only: returns a single index whatever k', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n\ndef nearest(query, embeddings, k):\n    similarity = cosine_similarity([query], embeddings)[0]\n    return np.array([int(np.argmax(similarity))])\n'),
    ('08.q2', 'WRONG', 'argsort along the wrong axis of the (1, n) matrix (axis=0)', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n\ndef nearest(query, embeddings, k):\n    similarity = cosine_similarity([query], embeddings)\n    return np.argsort(-similarity, axis=0)[0][:k]\n'),
    ('08.q2', 'WRONG', "normalises the embeddings in place (mutates the caller's array)", 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n\ndef nearest(query, embeddings, k):\n    embeddings /= np.linalg.norm(embeddings, axis=1, keepdims=True)\n    similarity = embeddings @ (np.asarray(query) / np.linalg.norm(query))\n    return np.argsort(-similarity)[:k]\n'),
    ('08.q2', 'PASS', 'argsort(sim)[-k:][::-1]: right for every k >= 1 (k=0 is not asked: NearestNeighbors refuses it too)', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n\ndef nearest(query, embeddings, k):\n    similarity = cosine_similarity([query], embeddings)[0]\n    return np.argsort(similarity)[-k:][::-1]\n'),
    ('08.q2', 'WRONG', '1-based indices (i + 1)', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n\ndef nearest(query, embeddings, k):\n    similarity = cosine_similarity([query], embeddings)[0]\n    return np.argsort(-similarity)[:k] + 1\n'),
    ('08.q2', 'PASS', 'torch.topk on the similarities', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n\nimport torch\ndef nearest(query, embeddings, k):\n    similarity = torch.as_tensor(cosine_similarity([query], embeddings)[0])\n    return torch.topk(similarity, k).indices.numpy()\n'),
    ('08.q2', 'PASS', 'pure Python: sorted(range(n), key=...), returns a list', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n\ndef nearest(query, embeddings, k):\n    similarity = cosine_similarity([query], embeddings)[0]\n    return sorted(range(len(similarity)), key=lambda i: -similarity[i])[:k]\n'),
    ('08.q2', 'PASS', 'argsort(sim)[::-1][:k] (reverse of ascending sort)', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n\ndef nearest(query, embeddings, k):\n    similarity = cosine_similarity([query], embeddings)[0]\n    return np.argsort(similarity)[::-1][:k]\n'),
    ('08.q2', 'PASS', 'argpartition then sort the top k', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n\ndef nearest(query, embeddings, k):\n    similarity = cosine_similarity(np.atleast_2d(query), embeddings).ravel()\n    top = np.argpartition(-similarity, k - 1)[:k]\n    return top[np.argsort(-similarity[top])]\n'),
    ('08.q2', 'PASS', 'heapq.nlargest over (similarity, index)', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n\nimport heapq\ndef nearest(query, embeddings, k):\n    similarity = cosine_similarity([query], embeddings)[0]\n    return [i for _, i in heapq.nlargest(k, ((s, i) for i, s in enumerate(similarity)))]\n'),
    ('08.q2', 'PASS', "sklearn NearestNeighbors(metric='cosine')", 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n\nfrom sklearn.neighbors import NearestNeighbors\ndef nearest(query, embeddings, k):\n    nn_ = NearestNeighbors(n_neighbors=k, metric="cosine").fit(np.asarray(embeddings, float))\n    return nn_.kneighbors(np.asarray(query, float).reshape(1, -1), return_distance=False)[0]\n'),
    ('08.q2', 'PASS', "stable argsort on -similarity with kind='stable', list output", 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n\ndef nearest(query, embeddings, k):\n    similarity = cosine_similarity(np.reshape(query, (1, -1)), embeddings)[0]\n    return np.argsort(-similarity, kind="stable")[:k].tolist()\n'),
    ('08.q2', 'WRONG', 'returns indices as floats (wrong type)', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n\ndef nearest(query, embeddings, k):\n    similarity = cosine_similarity([query], embeddings)[0]\n    return np.argsort(-similarity)[:k].astype(float)\n'),
    ('08.q2', 'WRONG', 'returns a (indices, similarities) tuple', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n\ndef nearest(query, embeddings, k):\n    similarity = cosine_similarity([query], embeddings)[0]\n    order = np.argsort(-similarity)[:k]\n    return order, similarity[order]\n'),
    ('08.q2', 'WRONG', 'returns a Python set of indices (order lost)', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n\ndef nearest(query, embeddings, k):\n    similarity = cosine_similarity([query], embeddings)[0]\n    return set(np.argsort(-similarity)[:k].tolist())\n'),
    ('08.q2', 'WRONG', 'normalises the query only, dot with unnormalised embeddings', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n\ndef nearest(query, embeddings, k):\n    q = np.asarray(query, float); q = q / np.linalg.norm(q)\n    similarity = np.asarray(embeddings, float) @ q\n    return np.argsort(-similarity)[:k]\n'),
    ('08.q2', 'WRONG', 'returns the top-k indices in row order (np.sort of the indices)', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n\ndef nearest(query, embeddings, k):\n    similarity = cosine_similarity([query], embeddings)[0]\n    return np.sort(np.argsort(-similarity)[:k])\n'),
    ('08.q2', 'PASS', 'returns a torch tensor of indices (argsort on torch)', 'def cosine_similarity(U, V):\n    U = np.asarray(U, dtype=float); U = U / np.linalg.norm(U, axis=1, keepdims=True)\n    V = np.asarray(V, dtype=float); V = V / np.linalg.norm(V, axis=1, keepdims=True)\n    return U @ V.T\n\nimport torch\ndef nearest(query, embeddings, k):\n    similarity = torch.as_tensor(cosine_similarity([query], embeddings)[0])\n    return torch.argsort(similarity, descending=True)[:k]\n'),
    ('08.q3', 'PASS', 'reference: tfidf_probe(train, val) scored on test', 'sentences = data.load_sentiment()\nrng = np.random.default_rng(0)\nrows = [rng.choice(np.flatnonzero((sentences.source == s) & (sentences.y == c)), 150, replace=False)\n        for s in data.SENTIMENT_SOURCES for c in (0, 1)]\npool = sentences.subset(np.sort(np.concatenate(rows)))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=0))\ntexts_of = lambda rows: [pool.texts[i] for i in rows]\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    texts_of = lambda rows: [texts[i] for i in rows]\n    probe = text.tfidf_probe(texts_of(train_idx), y[train_idx], texts_of(val_idx), y[val_idx])\n    return probe.score(texts_of(test_idx), y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'trains on train+val together (no validation)', 'sentences = data.load_sentiment()\nrng = np.random.default_rng(0)\nrows = [rng.choice(np.flatnonzero((sentences.source == s) & (sentences.y == c)), 150, replace=False)\n        for s in data.SENTIMENT_SOURCES for c in (0, 1)]\npool = sentences.subset(np.sort(np.concatenate(rows)))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=0))\ntexts_of = lambda rows: [pool.texts[i] for i in rows]\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    texts_of = lambda rows: [texts[i] for i in rows]\n    both = np.concatenate([train_idx, val_idx])\n    probe = text.tfidf_probe(texts_of(both), y[both])\n    return probe.score(texts_of(test_idx), y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', "trains on train+val and still 'validates' on val", 'sentences = data.load_sentiment()\nrng = np.random.default_rng(0)\nrows = [rng.choice(np.flatnonzero((sentences.source == s) & (sentences.y == c)), 150, replace=False)\n        for s in data.SENTIMENT_SOURCES for c in (0, 1)]\npool = sentences.subset(np.sort(np.concatenate(rows)))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=0))\ntexts_of = lambda rows: [pool.texts[i] for i in rows]\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    texts_of = lambda rows: [texts[i] for i in rows]\n    both = np.concatenate([train_idx, val_idx])\n    probe = text.tfidf_probe(texts_of(both), y[both], texts_of(val_idx), y[val_idx])\n    return probe.score(texts_of(test_idx), y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'reports the validation accuracy', 'sentences = data.load_sentiment()\nrng = np.random.default_rng(0)\nrows = [rng.choice(np.flatnonzero((sentences.source == s) & (sentences.y == c)), 150, replace=False)\n        for s in data.SENTIMENT_SOURCES for c in (0, 1)]\npool = sentences.subset(np.sort(np.concatenate(rows)))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=0))\ntexts_of = lambda rows: [pool.texts[i] for i in rows]\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    texts_of = lambda rows: [texts[i] for i in rows]\n    probe = text.tfidf_probe(texts_of(train_idx), y[train_idx], texts_of(val_idx), y[val_idx])\n    return probe.score(texts_of(val_idx), y[val_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'chooses C on the test sentences', 'sentences = data.load_sentiment()\nrng = np.random.default_rng(0)\nrows = [rng.choice(np.flatnonzero((sentences.source == s) & (sentences.y == c)), 150, replace=False)\n        for s in data.SENTIMENT_SOURCES for c in (0, 1)]\npool = sentences.subset(np.sort(np.concatenate(rows)))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=0))\ntexts_of = lambda rows: [pool.texts[i] for i in rows]\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    texts_of = lambda rows: [texts[i] for i in rows]\n    probe = text.tfidf_probe(texts_of(train_idx), y[train_idx], texts_of(test_idx), y[test_idx])\n    return probe.score(texts_of(test_idx), y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'percentage instead of fraction', 'sentences = data.load_sentiment()\nrng = np.random.default_rng(0)\nrows = [rng.choice(np.flatnonzero((sentences.source == s) & (sentences.y == c)), 150, replace=False)\n        for s in data.SENTIMENT_SOURCES for c in (0, 1)]\npool = sentences.subset(np.sort(np.concatenate(rows)))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=0))\ntexts_of = lambda rows: [pool.texts[i] for i in rows]\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    texts_of = lambda rows: [texts[i] for i in rows]\n    probe = text.tfidf_probe(texts_of(train_idx), y[train_idx], texts_of(val_idx), y[val_idx])\n    return 100 * probe.score(texts_of(test_idx), y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'scores on the training sentences', 'sentences = data.load_sentiment()\nrng = np.random.default_rng(0)\nrows = [rng.choice(np.flatnonzero((sentences.source == s) & (sentences.y == c)), 150, replace=False)\n        for s in data.SENTIMENT_SOURCES for c in (0, 1)]\npool = sentences.subset(np.sort(np.concatenate(rows)))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=0))\ntexts_of = lambda rows: [pool.texts[i] for i in rows]\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    texts_of = lambda rows: [texts[i] for i in rows]\n    probe = text.tfidf_probe(texts_of(train_idx), y[train_idx], texts_of(val_idx), y[val_idx])\n    return probe.score(texts_of(train_idx), y[train_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'error rate 1 - accuracy', 'sentences = data.load_sentiment()\nrng = np.random.default_rng(0)\nrows = [rng.choice(np.flatnonzero((sentences.source == s) & (sentences.y == c)), 150, replace=False)\n        for s in data.SENTIMENT_SOURCES for c in (0, 1)]\npool = sentences.subset(np.sort(np.concatenate(rows)))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=0))\ntexts_of = lambda rows: [pool.texts[i] for i in rows]\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    texts_of = lambda rows: [texts[i] for i in rows]\n    probe = text.tfidf_probe(texts_of(train_idx), y[train_idx], texts_of(val_idx), y[val_idx])\n    return 1 - probe.score(texts_of(test_idx), y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'train and validation swapped (trains on the 50 val sentences)', 'sentences = data.load_sentiment()\nrng = np.random.default_rng(0)\nrows = [rng.choice(np.flatnonzero((sentences.source == s) & (sentences.y == c)), 150, replace=False)\n        for s in data.SENTIMENT_SOURCES for c in (0, 1)]\npool = sentences.subset(np.sort(np.concatenate(rows)))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=0))\ntexts_of = lambda rows: [pool.texts[i] for i in rows]\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    texts_of = lambda rows: [texts[i] for i in rows]\n    probe = text.tfidf_probe(texts_of(val_idx), y[val_idx], texts_of(train_idx), y[train_idx])\n    return probe.score(texts_of(test_idx), y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'wrong model: encoder linear probe instead of TF-IDF', 'sentences = data.load_sentiment()\nrng = np.random.default_rng(0)\nrows = [rng.choice(np.flatnonzero((sentences.source == s) & (sentences.y == c)), 150, replace=False)\n        for s in data.SENTIMENT_SOURCES for c in (0, 1)]\npool = sentences.subset(np.sort(np.concatenate(rows)))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=0))\ntexts_of = lambda rows: [pool.texts[i] for i in rows]\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    texts_of = lambda rows: [texts[i] for i in rows]\n    from tl_course import train\n    E = text.embed(texts)\n    probe = train.linear_probe(E[train_idx], y[train_idx], E[val_idx], y[val_idx])\n    return probe.score(E[test_idx], y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'accuracy as a formatted string', 'sentences = data.load_sentiment()\nrng = np.random.default_rng(0)\nrows = [rng.choice(np.flatnonzero((sentences.source == s) & (sentences.y == c)), 150, replace=False)\n        for s in data.SENTIMENT_SOURCES for c in (0, 1)]\npool = sentences.subset(np.sort(np.concatenate(rows)))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=0))\ntexts_of = lambda rows: [pool.texts[i] for i in rows]\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    texts_of = lambda rows: [texts[i] for i in rows]\n    probe = text.tfidf_probe(texts_of(train_idx), y[train_idx], texts_of(val_idx), y[val_idx])\n    return f"{probe.score(texts_of(test_idx), y[test_idx]):.3f}"\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'trains on the test sentences, scores on test', 'sentences = data.load_sentiment()\nrng = np.random.default_rng(0)\nrows = [rng.choice(np.flatnonzero((sentences.source == s) & (sentences.y == c)), 150, replace=False)\n        for s in data.SENTIMENT_SOURCES for c in (0, 1)]\npool = sentences.subset(np.sort(np.concatenate(rows)))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=0))\ntexts_of = lambda rows: [pool.texts[i] for i in rows]\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    texts_of = lambda rows: [texts[i] for i in rows]\n    probe = text.tfidf_probe(texts_of(test_idx), y[test_idx], texts_of(val_idx), y[val_idx])\n    return probe.score(texts_of(test_idx), y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'labels misaligned: y from pool.y[val_idx] for training texts sliced (y = pool.y[:64])', 'sentences = data.load_sentiment()\nrng = np.random.default_rng(0)\nrows = [rng.choice(np.flatnonzero((sentences.source == s) & (sentences.y == c)), 150, replace=False)\n        for s in data.SENTIMENT_SOURCES for c in (0, 1)]\npool = sentences.subset(np.sort(np.concatenate(rows)))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=0))\ntexts_of = lambda rows: [pool.texts[i] for i in rows]\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    texts_of = lambda rows: [texts[i] for i in rows]\n    probe = text.tfidf_probe(texts_of(train_idx), y[:len(train_idx)], texts_of(val_idx), y[val_idx])\n    return probe.score(texts_of(test_idx), y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'scores on the whole pool instead of the test sentences', 'sentences = data.load_sentiment()\nrng = np.random.default_rng(0)\nrows = [rng.choice(np.flatnonzero((sentences.source == s) & (sentences.y == c)), 150, replace=False)\n        for s in data.SENTIMENT_SOURCES for c in (0, 1)]\npool = sentences.subset(np.sort(np.concatenate(rows)))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=0))\ntexts_of = lambda rows: [pool.texts[i] for i in rows]\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    texts_of = lambda rows: [texts[i] for i in rows]\n    probe = text.tfidf_probe(texts_of(train_idx), y[train_idx], texts_of(val_idx), y[val_idx])\n    return probe.score(texts, y)\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'reports the chosen C instead of the accuracy', 'sentences = data.load_sentiment()\nrng = np.random.default_rng(0)\nrows = [rng.choice(np.flatnonzero((sentences.source == s) & (sentences.y == c)), 150, replace=False)\n        for s in data.SENTIMENT_SOURCES for c in (0, 1)]\npool = sentences.subset(np.sort(np.concatenate(rows)))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=0))\ntexts_of = lambda rows: [pool.texts[i] for i in rows]\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    texts_of = lambda rows: [texts[i] for i in rows]\n    probe = text.tfidf_probe(texts_of(train_idx), y[train_idx], texts_of(val_idx), y[val_idx])\n    return probe[-1].C\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'number of correct test sentences instead of the fraction', 'sentences = data.load_sentiment()\nrng = np.random.default_rng(0)\nrows = [rng.choice(np.flatnonzero((sentences.source == s) & (sentences.y == c)), 150, replace=False)\n        for s in data.SENTIMENT_SOURCES for c in (0, 1)]\npool = sentences.subset(np.sort(np.concatenate(rows)))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=0))\ntexts_of = lambda rows: [pool.texts[i] for i in rows]\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    texts_of = lambda rows: [texts[i] for i in rows]\n    probe = text.tfidf_probe(texts_of(train_idx), y[train_idx], texts_of(val_idx), y[val_idx])\n    return int((probe.predict(texts_of(test_idx)) == y[test_idx]).sum())\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'PASS', 'own sklearn pipeline, same settings, C chosen on val by hand; accuracy via predict', 'sentences = data.load_sentiment()\nrng = np.random.default_rng(0)\nrows = [rng.choice(np.flatnonzero((sentences.source == s) & (sentences.y == c)), 150, replace=False)\n        for s in data.SENTIMENT_SOURCES for c in (0, 1)]\npool = sentences.subset(np.sort(np.concatenate(rows)))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=0))\ntexts_of = lambda rows: [pool.texts[i] for i in rows]\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    texts_of = lambda rows: [texts[i] for i in rows]\n    from sklearn.feature_extraction.text import TfidfVectorizer\n    from sklearn.linear_model import LogisticRegression\n    from sklearn.pipeline import make_pipeline\n    best = None\n    for C in (1.0, 10.0, 100.0):\n        m = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), LogisticRegression(C=C, max_iter=5000))\n        m.fit(texts_of(train_idx), y[train_idx])\n        s = m.score(texts_of(val_idx), y[val_idx])\n        if best is None or s > best[0]:\n            best = (s, m)\n    probe = best[1]\n    return float(np.mean(probe.predict(texts_of(test_idx)) == y[test_idx]))\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'PASS', 'numpy string arrays for texts, list labels, sklearn accuracy_score', 'sentences = data.load_sentiment()\nrng = np.random.default_rng(0)\nrows = [rng.choice(np.flatnonzero((sentences.source == s) & (sentences.y == c)), 150, replace=False)\n        for s in data.SENTIMENT_SOURCES for c in (0, 1)]\npool = sentences.subset(np.sort(np.concatenate(rows)))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=0))\ntexts_of = lambda rows: [pool.texts[i] for i in rows]\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    texts_of = lambda rows: [texts[i] for i in rows]\n    from sklearn.metrics import accuracy_score\n    T = np.array(texts, dtype=object)\n    probe = text.tfidf_probe(list(T[train_idx]), y[train_idx].tolist(), list(T[val_idx]), y[val_idx].tolist())\n    return accuracy_score(y[test_idx], probe.predict(list(T[test_idx])))\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'rounds the accuracy to 4 decimals (not the exact fraction on the grader\'s 33 test sentences)', 'sentences = data.load_sentiment()\nrng = np.random.default_rng(0)\nrows = [rng.choice(np.flatnonzero((sentences.source == s) & (sentences.y == c)), 150, replace=False)\n        for s in data.SENTIMENT_SOURCES for c in (0, 1)]\npool = sentences.subset(np.sort(np.concatenate(rows)))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=0))\ntexts_of = lambda rows: [pool.texts[i] for i in rows]\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    texts_of = lambda rows: [texts[i] for i in rows]\n    T = np.asarray(texts, dtype=object)\n    tr, va, te = ((list(T[i]), y[i]) for i in (train_idx, val_idx, test_idx))\n    probe = text.tfidf_probe(*tr, *va)\n    return round(probe.score(*te), 4)\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'rebinds train_idx to train+val, then the standard call', 'sentences = data.load_sentiment()\nrng = np.random.default_rng(0)\nrows = [rng.choice(np.flatnonzero((sentences.source == s) & (sentences.y == c)), 150, replace=False)\n        for s in data.SENTIMENT_SOURCES for c in (0, 1)]\npool = sentences.subset(np.sort(np.concatenate(rows)))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=0))\ntexts_of = lambda rows: [pool.texts[i] for i in rows]\ntrain_idx = np.concatenate([train_idx, val_idx])\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    texts_of = lambda rows: [texts[i] for i in rows]\n    probe = text.tfidf_probe(texts_of(train_idx), y[train_idx], texts_of(val_idx), y[val_idx])\n    return probe.score(texts_of(test_idx), y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'rebinds val_idx = test_idx (C chosen on test), then the standard call', 'sentences = data.load_sentiment()\nrng = np.random.default_rng(0)\nrows = [rng.choice(np.flatnonzero((sentences.source == s) & (sentences.y == c)), 150, replace=False)\n        for s in data.SENTIMENT_SOURCES for c in (0, 1)]\npool = sentences.subset(np.sort(np.concatenate(rows)))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=0))\ntexts_of = lambda rows: [pool.texts[i] for i in rows]\nval_idx = test_idx\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    texts_of = lambda rows: [texts[i] for i in rows]\n    probe = text.tfidf_probe(texts_of(train_idx), y[train_idx], texts_of(val_idx), y[val_idx])\n    return probe.score(texts_of(test_idx), y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'own pipeline with plain TfidfVectorizer() (unigrams, no sublinear tf), C=10', 'sentences = data.load_sentiment()\nrng = np.random.default_rng(0)\nrows = [rng.choice(np.flatnonzero((sentences.source == s) & (sentences.y == c)), 150, replace=False)\n        for s in data.SENTIMENT_SOURCES for c in (0, 1)]\npool = sentences.subset(np.sort(np.concatenate(rows)))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=0))\ntexts_of = lambda rows: [pool.texts[i] for i in rows]\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    texts_of = lambda rows: [texts[i] for i in rows]\n    from sklearn.feature_extraction.text import TfidfVectorizer\n    from sklearn.linear_model import LogisticRegression\n    from sklearn.pipeline import make_pipeline\n    probe = make_pipeline(TfidfVectorizer(), LogisticRegression(C=10.0, max_iter=5000)).fit(texts_of(train_idx), y[train_idx])\n    return probe.score(texts_of(test_idx), y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'accuracy rounded to 2 decimals (0.56): the check asks for the exact fraction', 'sentences = data.load_sentiment()\nrng = np.random.default_rng(0)\nrows = [rng.choice(np.flatnonzero((sentences.source == s) & (sentences.y == c)), 150, replace=False)\n        for s in data.SENTIMENT_SOURCES for c in (0, 1)]\npool = sentences.subset(np.sort(np.concatenate(rows)))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=0))\ntexts_of = lambda rows: [pool.texts[i] for i in rows]\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    texts_of = lambda rows: [texts[i] for i in rows]\n    probe = text.tfidf_probe(texts_of(train_idx), y[train_idx], texts_of(val_idx), y[val_idx])\n    return round(probe.score(texts_of(test_idx), y[test_idx]), 2)\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'PASS', 'accuracy as a 0-d numpy float32 / torch tensor item', 'sentences = data.load_sentiment()\nrng = np.random.default_rng(0)\nrows = [rng.choice(np.flatnonzero((sentences.source == s) & (sentences.y == c)), 150, replace=False)\n        for s in data.SENTIMENT_SOURCES for c in (0, 1)]\npool = sentences.subset(np.sort(np.concatenate(rows)))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=0))\ntexts_of = lambda rows: [pool.texts[i] for i in rows]\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    texts_of = lambda rows: [texts[i] for i in rows]\n    import torch\n    probe = text.tfidf_probe(texts_of(train_idx), y[train_idx], texts_of(val_idx), y[val_idx])\n    return torch.tensor((probe.predict(texts_of(test_idx)) == y[test_idx]).astype(np.float32)).mean()\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'trains on train only with a wider grid chosen on TEST (Cs=(0.1,1,10,100,1000))', 'sentences = data.load_sentiment()\nrng = np.random.default_rng(0)\nrows = [rng.choice(np.flatnonzero((sentences.source == s) & (sentences.y == c)), 150, replace=False)\n        for s in data.SENTIMENT_SOURCES for c in (0, 1)]\npool = sentences.subset(np.sort(np.concatenate(rows)))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=0))\ntexts_of = lambda rows: [pool.texts[i] for i in rows]\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    texts_of = lambda rows: [texts[i] for i in rows]\n    probe = text.tfidf_probe(texts_of(train_idx), y[train_idx], texts_of(test_idx), y[test_idx], Cs=(0.1, 1, 10, 100, 1000))\n    return probe.score(texts_of(test_idx), y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q4', 'PASS', 'reference: two fresh models, scored on test, in - out', 'def domain_drop(make_model, in_domain, out_domain, test):\n    inside = make_model().fit(*in_domain).score(*test)\n    outside = make_model().fit(*out_domain).score(*test)\n    return inside - outside\n'),
    ('08.q4', 'WRONG', 'sign flip: out-of-domain minus in-domain', 'def domain_drop(make_model, in_domain, out_domain, test):\n    inside = make_model().fit(*in_domain).score(*test)\n    outside = make_model().fit(*out_domain).score(*test)\n    return outside - inside\n'),
    ('08.q4', 'WRONG', 'one model fitted on both domains, then scored twice (both scores from the last fit)', 'def domain_drop(make_model, in_domain, out_domain, test):\n    model = make_model()\n    model.fit(*in_domain)\n    model.fit(*out_domain)\n    inside = model.score(*test)\n    outside = model.score(*test)\n    return inside - outside\n'),
    ('08.q4', 'PASS', 'one model reused sequentially: fit in, score, fit out, score', 'def domain_drop(make_model, in_domain, out_domain, test):\n    model = make_model()\n    inside = model.fit(*in_domain).score(*test)\n    outside = model.fit(*out_domain).score(*test)\n    return inside - outside\n'),
    ('08.q4', 'WRONG', 'each model scored on its own training data', 'def domain_drop(make_model, in_domain, out_domain, test):\n    inside = make_model().fit(*in_domain).score(*in_domain)\n    outside = make_model().fit(*out_domain).score(*out_domain)\n    return inside - outside\n'),
    ('08.q4', 'WRONG', 'in-domain model scored on its training data, out-of-domain on test', 'def domain_drop(make_model, in_domain, out_domain, test):\n    inside = make_model().fit(*in_domain).score(*in_domain)\n    outside = make_model().fit(*out_domain).score(*test)\n    return inside - outside\n'),
    ('08.q4', 'WRONG', 'out-of-domain model scored on out_domain instead of test', 'def domain_drop(make_model, in_domain, out_domain, test):\n    inside = make_model().fit(*in_domain).score(*test)\n    outside = make_model().fit(*out_domain).score(*out_domain)\n    return inside - outside\n'),
    ('08.q4', 'WRONG', 'ratio instead of difference', 'def domain_drop(make_model, in_domain, out_domain, test):\n    inside = make_model().fit(*in_domain).score(*test)\n    outside = make_model().fit(*out_domain).score(*test)\n    return inside / outside\n'),
    ('08.q4', 'WRONG', 'percentage points (×100)', 'def domain_drop(make_model, in_domain, out_domain, test):\n    inside = make_model().fit(*in_domain).score(*test)\n    outside = make_model().fit(*out_domain).score(*test)\n    return 100 * (inside - outside)\n'),
    ('08.q4', 'WRONG', 'returns the pair (inside, outside)', 'def domain_drop(make_model, in_domain, out_domain, test):\n    inside = make_model().fit(*in_domain).score(*test)\n    outside = make_model().fit(*out_domain).score(*test)\n    return inside, outside\n'),
    ('08.q4', 'WRONG', 'absolute difference', 'def domain_drop(make_model, in_domain, out_domain, test):\n    inside = make_model().fit(*in_domain).score(*test)\n    outside = make_model().fit(*out_domain).score(*test)\n    return abs(outside - inside)\n'),
    ('08.q4', 'WRONG', 'in-domain model trained on the test sentences', 'def domain_drop(make_model, in_domain, out_domain, test):\n    inside = make_model().fit(*test).score(*test)\n    outside = make_model().fit(*out_domain).score(*test)\n    return inside - outside\n'),
    ('08.q4', 'WRONG', 'second model trained on in+out pooled', 'def domain_drop(make_model, in_domain, out_domain, test):\n    inside = make_model().fit(*in_domain).score(*test)\n    both = (list(in_domain[0]) + list(out_domain[0]), np.concatenate([in_domain[1], out_domain[1]]))\n    outside = make_model().fit(*both).score(*test)\n    return inside - outside\n'),
    ('08.q4', 'WRONG', 'labels swapped: out-of-domain texts with in-domain labels', 'def domain_drop(make_model, in_domain, out_domain, test):\n    inside = make_model().fit(in_domain[0], in_domain[1]).score(*test)\n    outside = make_model().fit(out_domain[0], in_domain[1]).score(*test)\n    return inside - outside\n'),
    ('08.q4', 'WRONG', 'accuracy counted as errors: (1-in) - (1-out), i.e. a sign flip via error rates', 'def domain_drop(make_model, in_domain, out_domain, test):\n    inside = 1 - make_model().fit(*in_domain).score(*test)\n    outside = 1 - make_model().fit(*out_domain).score(*test)\n    return inside - outside\n'),
    ('08.q4', 'WRONG', 'same model object passed twice (make_model called once, reused without refit order)', 'def domain_drop(make_model, in_domain, out_domain, test):\n    m = make_model()\n    a = m.fit(*in_domain)\n    b = m.fit(*out_domain)\n    return a.score(*test) - b.score(*test)\n'),
    ('08.q4', 'PASS', 'predict and compare, unpacking the pairs', 'def domain_drop(make_model, in_domain, out_domain, test):\n    X_in, y_in = in_domain; X_out, y_out = out_domain; X_te, y_te = test\n    a = make_model(); a.fit(X_in, y_in)\n    b = make_model(); b.fit(X_out, y_out)\n    inside = np.mean(np.asarray(a.predict(X_te)) == np.asarray(y_te))\n    outside = np.mean(np.asarray(b.predict(X_te)) == np.asarray(y_te))\n    return float(inside - outside)\n'),
    ('08.q4', 'PASS', 'loop over the two domains, list of scores', 'def domain_drop(make_model, in_domain, out_domain, test):\n    scores = []\n    for texts, y in (in_domain, out_domain):\n        model = make_model()\n        model.fit(texts, y)\n        scores.append(model.score(*test))\n    inside, outside = scores\n    return inside - outside\n'),
    ('08.q4', 'PASS', 'sklearn.base.clone of one fresh model', 'from sklearn.base import clone\ndef domain_drop(make_model, in_domain, out_domain, test):\n    proto = make_model()\n    inside = clone(proto).fit(*in_domain).score(*test)\n    outside = clone(proto).fit(*out_domain).score(*test)\n    return inside - outside\n'),
    ('08.q4', 'WRONG', 'clamps negative drops to zero: max(0, in - out)', 'def domain_drop(make_model, in_domain, out_domain, test):\n    inside = make_model().fit(*in_domain).score(*test)\n    outside = make_model().fit(*out_domain).score(*test)\n    return max(0.0, inside - outside)\n'),
    ('08.q4', 'WRONG', 'in-domain model trained on in_domain + test (test leaks into training)', 'def domain_drop(make_model, in_domain, out_domain, test):\n    X = list(in_domain[0]) + list(test[0]); y = np.concatenate([in_domain[1], test[1]])\n    inside = make_model().fit(X, y).score(*test)\n    outside = make_model().fit(*out_domain).score(*test)\n    return inside - outside\n'),
    ('08.q4', 'PASS', 'copy.deepcopy of one fresh model for each domain', 'import copy\ndef domain_drop(make_model, in_domain, out_domain, test):\n    proto = make_model()\n    inside = copy.deepcopy(proto).fit(*in_domain).score(*test)\n    outside = copy.deepcopy(proto).fit(*out_domain).score(*test)\n    return inside - outside\n'),
    ('08.q4', 'WRONG', 'in-domain accuracy hard-coded as perfect (1.0 - outside)', 'def domain_drop(make_model, in_domain, out_domain, test):\n    outside = make_model().fit(*out_domain).score(*test)\n    return 1.0 - outside\n'),
    ('08.q5', 'PASS', "correct: 'c' (Wav2Vec 2.0)", 'which_model = "c"\n'),
    ('08.q5', 'WRONG', 'BERT (text encoder)', 'which_model = "a"\n'),
    ('08.q5', 'WRONG', 'GPT (text decoder)', 'which_model = "b"\n'),
    ('08.q5', 'WRONG', 'ResNet-50 (images)', 'which_model = "d"\n'),
    ('08.q5', 'WRONG', 'two letters', 'which_model = "ab"\n'),
    ('08.q5', 'WRONG', 'empty string', 'which_model = ""\n'),
    ('08.q5', 'WRONG', 'None', 'which_model = None\n'),
    ('08.q5', 'WRONG', '0-based index of c (int)', 'which_model = 2\n'),
    ('08.q5', 'WRONG', '1-based index of c (int)', 'which_model = 3\n'),
    ('08.q5', 'WRONG', "a list holding 'c'", 'which_model = ["c"]\n'),
    ('08.q5', 'WRONG', 'the family name instead of the letter', 'which_model = "Wav2Vec 2.0"\n'),
    ('08.q5', 'WRONG', 'a letter that is not an option', 'which_model = "e"\n'),
    ('08.q5', 'WRONG', 'a boolean', 'which_model = True\n'),
    ('08.q5', 'WRONG', 'hedged answer', 'which_model = "c or a"\n'),
    ('08.q5', 'WRONG', 'two options', 'which_model = "a, c"\n'),
    ('08.q5', 'WRONG', 'two letters including c', 'which_model = "cd"\n'),
    ('08.q5', 'WRONG', 'tuple holding c', 'which_model = ("c",)\n'),
    ('08.q5', 'PASS', "uppercase 'C'", 'which_model = "C"\n'),
    ('08.q5', 'PASS', "'c' with a trailing space", 'which_model = "c "\n'),
    ('08.q5', 'WRONG', "'c)' as written in a list", 'which_model = "c)"\n'),
    ('08.q6', 'PASS', "correct: 'b' (baseline first)", 'baseline_first = "b"\n'),
    ('08.q6', 'WRONG', 'fine-tune the encoder first', 'baseline_first = "a"\n'),
    ('08.q6', 'WRONG', 'uppercase A', 'baseline_first = "A"\n'),
    ('08.q6', 'WRONG', 'not an option', 'baseline_first = "c"\n'),
    ('08.q6', 'WRONG', 'True (yes, baseline first)', 'baseline_first = True\n'),
    ('08.q6', 'WRONG', 'yes', 'baseline_first = "yes"\n'),
    ('08.q6', 'WRONG', 'index 1 (0-based b)', 'baseline_first = 1\n'),
    ('08.q6', 'WRONG', 'both', 'baseline_first = "both"\n'),
    ('08.q6', 'WRONG', 'list holding b', 'baseline_first = ["b"]\n'),
    ('08.q6', 'WRONG', 'None', 'baseline_first = None\n'),
    ('08.q6', 'WRONG', 'two letters', 'baseline_first = "ab"\n'),
    ('08.q6', 'WRONG', 'False', 'baseline_first = False\n'),
    ('08.q6', 'WRONG', 'empty string', 'baseline_first = ""\n'),
    ('08.q6', 'WRONG', 'two letters starting b', 'baseline_first = "ba"\n'),
    ('08.q6', 'PASS', "uppercase 'B'", 'baseline_first = "B"\n'),
    ('08.q6', 'PASS', "' b' with a leading space", 'baseline_first = " b"\n'),
    # exercise 09 (an adversarial student's answers, written from the exercise and lesson only; four hostile
    # ones that exit, hang or patch numpy for the whole process are left to the sandboxed grader)
    ('09.q1', 'PASS', 'numpy counts with explicit guards', 'def precision_recall_f1(y_true, y_pred):\n    t = np.asarray(y_true) == 1\n    p = np.asarray(y_pred) == 1\n    tp = int((t & p).sum()); fp = int((~t & p).sum()); fn = int((t & ~p).sum())\n    precision = tp / (tp + fp) if tp + fp else 0.0\n    recall = tp / (tp + fn) if tp + fn else 0.0\n    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0\n    return precision, recall, f1\n'),
    ('09.q1', 'PASS', 'sklearn with zero_division=0', 'def precision_recall_f1(y_true, y_pred):\n    from sklearn.metrics import precision_recall_fscore_support\n    t = np.asarray(y_true).astype(int); p = np.asarray(y_pred).astype(int)\n    precision, recall, f1, _ = precision_recall_fscore_support(t, p, average="binary", pos_label=1,\n                                                               zero_division=0)\n    return float(precision), float(recall), float(f1)\n'),
    ('09.q1', 'PASS', 'F1 as 2TP/(2TP+FP+FN)', 'def precision_recall_f1(y_true, y_pred):\n    t = np.asarray(y_true).ravel() == 1\n    p = np.asarray(y_pred).ravel() == 1\n    tp, fp, fn = np.sum(t & p), np.sum(~t & p), np.sum(t & ~p)\n    precision = float(tp / (tp + fp)) if tp + fp > 0 else 0.0\n    recall = float(tp / (tp + fn)) if tp + fn > 0 else 0.0\n    f1 = float(2 * tp / (2 * tp + fp + fn)) if tp > 0 else 0.0\n    return precision, recall, f1\n'),
    ('09.q1', 'PASS', 'pure-python loop via int()', 'def precision_recall_f1(y_true, y_pred):\n    tp = fp = fn = 0\n    for a, b in zip(y_true, y_pred):\n        a, b = int(a) == 1, int(b) == 1\n        tp += a and b\n        fp += b and not a\n        fn += a and not b\n    precision = tp / (tp + fp) if (tp + fp) > 0 else 0.0\n    recall = tp / (tp + fn) if (tp + fn) > 0 else 0.0\n    f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)\n    return float(precision), float(recall), float(f1)\n'),
    ('09.q1', 'PASS', 'torch tensors, .item() floats', 'def precision_recall_f1(y_true, y_pred):\n    t = torch.as_tensor(np.asarray(y_true)) == 1\n    p = torch.as_tensor(np.asarray(y_pred)) == 1\n    tp = (t & p).sum().item(); fp = (~t & p).sum().item(); fn = (t & ~p).sum().item()\n    precision = tp / max(tp + fp, 1)\n    recall = tp / max(tp + fn, 1)\n    f1 = 2 * precision * recall / max(precision + recall, 1e-300) if tp else 0.0\n    return precision, recall, f1\n'),
    ('09.q1', 'WRONG', 'precision and recall swapped', 'def precision_recall_f1(y_true, y_pred):\n    t = np.asarray(y_true) == 1; p = np.asarray(y_pred) == 1\n    tp, fp, fn = (t & p).sum(), (~t & p).sum(), (t & ~p).sum()\n    precision = tp / (tp + fn) if tp + fn else 0.0\n    recall = tp / (tp + fp) if tp + fp else 0.0\n    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0\n    return float(precision), float(recall), float(f1)\n'),
    ('09.q1', 'WRONG', 'F1 as arithmetic mean', 'def precision_recall_f1(y_true, y_pred):\n    t = np.asarray(y_true) == 1; p = np.asarray(y_pred) == 1\n    tp, fp, fn = (t & p).sum(), (~t & p).sum(), (t & ~p).sum()\n    precision = tp / (tp + fp) if tp + fp else 0.0\n    recall = tp / (tp + fn) if tp + fn else 0.0\n    f1 = (precision + recall) / 2\n    return float(precision), float(recall), float(f1)\n'),
    ('09.q1', 'WRONG', '0/0 gives NaN (no guard)', 'def precision_recall_f1(y_true, y_pred):\n    t = np.asarray(y_true) == 1; p = np.asarray(y_pred) == 1\n    tp, fp, fn = (t & p).sum(), (~t & p).sum(), (t & ~p).sum()\n    with np.errstate(all="ignore"):\n        precision = np.float64(tp) / (tp + fp)\n        recall = np.float64(tp) / (tp + fn)\n        f1 = 2 * precision * recall / (precision + recall)\n    return float(precision), float(recall), float(f1)\n'),
    ('09.q1', 'WRONG', 'ZeroDivisionError when nothing predicted', 'def precision_recall_f1(y_true, y_pred):\n    t = np.asarray(y_true) == 1; p = np.asarray(y_pred) == 1\n    tp, fp, fn = int((t & p).sum()), int((~t & p).sum()), int((t & ~p).sum())\n    precision = tp / (tp + fp)\n    recall = tp / (tp + fn)\n    f1 = 2 * precision * recall / (precision + recall)\n    return precision, recall, f1\n'),
    ('09.q1', 'WRONG', 'F1 unguarded when P = R = 0', 'def precision_recall_f1(y_true, y_pred):\n    t = np.asarray(y_true) == 1; p = np.asarray(y_pred) == 1\n    tp, fp, fn = int((t & p).sum()), int((~t & p).sum()), int((t & ~p).sum())\n    precision = tp / (tp + fp) if tp + fp else 0.0\n    recall = tp / (tp + fn) if tp + fn else 0.0\n    f1 = 2 * precision * recall / (precision + recall)\n    return precision, recall, f1\n'),
    ('09.q1', 'WRONG', 'no asarray: lists compare as a whole', 'def precision_recall_f1(y_true, y_pred):\n    t = y_true == 1\n    p = y_pred == 1\n    tp = np.sum(np.logical_and(t, p)); fp = np.sum(np.logical_and(np.logical_not(t), p))\n    fn = np.sum(np.logical_and(t, np.logical_not(p)))\n    precision = float(tp / (tp + fp)) if tp + fp else 0.0\n    recall = float(tp / (tp + fn)) if tp + fn else 0.0\n    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0\n    return precision, recall, f1\n'),
    ('09.q1', 'WRONG', 'TP counts all agreements (TN too)', 'def precision_recall_f1(y_true, y_pred):\n    t = np.asarray(y_true); p = np.asarray(y_pred)\n    tp = int((t == p).sum()); fp = int(((p == 1) & (t == 0)).sum()); fn = int(((p == 0) & (t == 1)).sum())\n    precision = tp / (tp + fp) if tp + fp else 0.0\n    recall = tp / (tp + fn) if tp + fn else 0.0\n    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0\n    return precision, recall, f1\n'),
    ('09.q1', 'WRONG', 'FP as (p - t).sum(): negatives cancel', 'def precision_recall_f1(y_true, y_pred):\n    t = np.asarray(y_true).astype(int); p = np.asarray(y_pred).astype(int)\n    tp = int((t * p).sum()); fp = int((p - t).sum()); fn = int((t - p).sum())\n    precision = tp / (tp + fp) if tp + fp > 0 else 0.0\n    recall = tp / (tp + fn) if tp + fn > 0 else 0.0\n    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0\n    return precision, recall, f1\n'),
    ('09.q1', 'WRONG', 'class 0 treated as positive', 'def precision_recall_f1(y_true, y_pred):\n    t = np.asarray(y_true) == 0; p = np.asarray(y_pred) == 0\n    tp, fp, fn = int((t & p).sum()), int((~t & p).sum()), int((t & ~p).sum())\n    precision = tp / (tp + fp) if tp + fp else 0.0\n    recall = tp / (tp + fn) if tp + fn else 0.0\n    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0\n    return precision, recall, f1\n'),
    ('09.q1', 'WRONG', 'returns percentages', 'def precision_recall_f1(y_true, y_pred):\n    t = np.asarray(y_true) == 1; p = np.asarray(y_pred) == 1\n    tp, fp, fn = int((t & p).sum()), int((~t & p).sum()), int((t & ~p).sum())\n    precision = 100 * tp / (tp + fp) if tp + fp else 0.0\n    recall = 100 * tp / (tp + fn) if tp + fn else 0.0\n    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0\n    return precision, recall, f1\n'),
    ('09.q1', 'WRONG', 'precision = TP / N', 'def precision_recall_f1(y_true, y_pred):\n    t = np.asarray(y_true) == 1; p = np.asarray(y_pred) == 1\n    tp, fn = int((t & p).sum()), int((t & ~p).sum())\n    precision = tp / len(t)\n    recall = tp / (tp + fn) if tp + fn else 0.0\n    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0\n    return precision, recall, f1\n'),
    ('09.q1', 'WRONG', 'len(np.nonzero(...)) is always 1', 'def precision_recall_f1(y_true, y_pred):\n    t = np.asarray(y_true) == 1; p = np.asarray(y_pred) == 1\n    tp = len(np.nonzero(t & p)); fp = len(np.nonzero(~t & p)); fn = len(np.nonzero(t & ~p))\n    precision = tp / (tp + fp) if tp + fp else 0.0\n    recall = tp / (tp + fn) if tp + fn else 0.0\n    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0\n    return precision, recall, f1\n'),
    ('09.q1', 'WRONG', 'zero division gives 1.0, not 0', 'def precision_recall_f1(y_true, y_pred):\n    t = np.asarray(y_true) == 1; p = np.asarray(y_pred) == 1\n    tp, fp, fn = int((t & p).sum()), int((~t & p).sum()), int((t & ~p).sum())\n    precision = tp / (tp + fp) if tp + fp else 1.0\n    recall = tp / (tp + fn) if tp + fn else 1.0\n    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 1.0\n    return precision, recall, f1\n'),
    ('09.q1', 'WRONG', 'delegates to library: raises when no label is 1', 'def precision_recall_f1(y_true, y_pred):\n    return evaluate.precision_recall_f1(y_true, y_pred)\n'),
    ('09.q1', 'WRONG', 'returns a dict, not three numbers', 'def precision_recall_f1(y_true, y_pred):\n    t = np.asarray(y_true) == 1; p = np.asarray(y_pred) == 1\n    tp, fp, fn = int((t & p).sum()), int((~t & p).sum()), int((t & ~p).sum())\n    precision = tp / (tp + fp) if tp + fp else 0.0\n    recall = tp / (tp + fn) if tp + fn else 0.0\n    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0\n    return {"precision": precision, "recall": recall, "f1": f1}\n'),
    ('09.q1', 'PASS', 'zip pairs + list.count (works for arrays, tensors)', 'def precision_recall_f1(y_true, y_pred):\n    pairs = list(zip(y_true, y_pred))\n    tp = pairs.count((1, 1)); fp = pairs.count((0, 1)); fn = pairs.count((1, 0))\n    precision = tp / (tp + fp) if tp + fp else 0.0\n    recall = tp / (tp + fn) if tp + fn else 0.0\n    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0\n    return precision, recall, f1\n'),
    ('09.q1', 'WRONG', 'hostile: hard-coded notebook example', 'def precision_recall_f1(y_true, y_pred):\n    return 0.4, 0.8, 0.5333333333333333\n'),
    ('09.q2', 'PASS', 'np.digitize(right=True) on k/bins edges', 'def expected_calibration_error(probs, y, bins=15):\n    probs = np.asarray(probs, dtype=np.float64)\n    y = np.asarray(y).astype(int)\n    confidence = probs.max(1)\n    correct = (probs.argmax(1) == y).astype(float)\n    b = np.clip(np.digitize(confidence, np.arange(bins + 1) / bins, right=True) - 1, 0, bins - 1)\n    total = 0.0\n    for k in np.unique(b):\n        m = b == k\n        total += m.mean() * abs(correct[m].mean() - confidence[m].mean())\n    return float(total)\n'),
    ('09.q2', 'PASS', 'loop with (lo, hi] masks', 'def expected_calibration_error(probs, y, bins=15):\n    probs = np.asarray(probs, dtype=float); y = np.asarray(y)\n    conf, pred = probs.max(axis=1), probs.argmax(axis=1)\n    ece = 0.0\n    for k in range(bins):\n        m = (conf > k / bins) & (conf <= (k + 1) / bins)\n        if m.any():\n            ece += m.sum() / len(conf) * abs((pred[m] == y[m]).mean() - conf[m].mean())\n    return ece\n'),
    ('09.q2', 'PASS', 'delegates to evaluate', 'def expected_calibration_error(probs, y, bins=15):\n    return evaluate.expected_calibration_error(probs, y, bins=bins)\n'),
    ('09.q2', 'PASS', 'torch.bucketize in float64', 'def expected_calibration_error(probs, y, bins=15):\n    probs = torch.as_tensor(np.asarray(probs), dtype=torch.float64)\n    y = torch.as_tensor(np.asarray(y)).long()\n    confidence, predicted = probs.max(1)\n    correct = (predicted == y).double()\n    b = torch.bucketize(confidence, torch.arange(bins + 1, dtype=torch.float64) / bins).sub(1).clamp(0, bins - 1)\n    count = torch.bincount(b, minlength=bins).double()\n    acc = torch.bincount(b, weights=correct, minlength=bins)\n    conf = torch.bincount(b, weights=confidence, minlength=bins)\n    full = count > 0\n    return float(((acc[full] - conf[full]).abs()).sum() / len(y))\n'),
    ('09.q2', 'PASS', 'ceil(c*bins)-1 binning, bincount', 'def expected_calibration_error(probs, y, bins=15):\n    probs = np.asarray(probs, dtype=np.float64)\n    y = np.asarray(y)\n    confidence = probs.max(1)\n    correct = probs.argmax(1) == y\n    b = np.clip(np.ceil(confidence * bins).astype(int) - 1, 0, bins - 1)\n    n = np.bincount(b, minlength=bins)\n    gap = np.abs(np.bincount(b, correct, bins) - np.bincount(b, confidence, bins))\n    return float(gap.sum() / n.sum())\n'),
    ('09.q2', 'WRONG', 'floor binning: [b/B, (b+1)/B) at edges', 'def expected_calibration_error(probs, y, bins=15):\n    probs = np.asarray(probs, dtype=float); y = np.asarray(y)\n    confidence = probs.max(1); correct = probs.argmax(1) == y\n    b = np.minimum((confidence * bins).astype(int), bins - 1)\n    ece = 0.0\n    for k in range(bins):\n        m = b == k\n        if m.any():\n            ece += m.mean() * abs(correct[m].mean() - confidence[m].mean())\n    return float(ece)\n'),
    ('09.q2', 'WRONG', 'floor, no clip: 1.0 gets its own extra bin', 'def expected_calibration_error(probs, y, bins=15):\n    probs = np.asarray(probs, dtype=float); y = np.asarray(y)\n    confidence = probs.max(1); correct = probs.argmax(1) == y\n    b = np.floor(confidence * bins).astype(int)\n    ece = 0.0\n    for k in np.unique(b):\n        m = b == k\n        ece += m.mean() * abs(correct[m].mean() - confidence[m].mean())\n    return float(ece)\n'),
    ('09.q2', 'WRONG', 'floor, fixed arrays: IndexError at 1.0', 'def expected_calibration_error(probs, y, bins=15):\n    probs = np.asarray(probs, dtype=float); y = np.asarray(y)\n    confidence = probs.max(1); correct = (probs.argmax(1) == y).astype(float)\n    b = np.floor(confidence * bins).astype(int)\n    count = np.zeros(bins); acc = np.zeros(bins); conf = np.zeros(bins)\n    np.add.at(count, b, 1); np.add.at(acc, b, correct); np.add.at(conf, b, confidence)\n    return float(np.abs(acc - conf).sum() / len(y))\n'),
    ('09.q2', 'WRONG', 'unweighted mean over non-empty bins', 'def expected_calibration_error(probs, y, bins=15):\n    probs = np.asarray(probs, dtype=float); y = np.asarray(y)\n    confidence = probs.max(1); correct = probs.argmax(1) == y\n    edges = np.arange(bins + 1) / bins\n    gaps = []\n    for k in range(bins):\n        m = (confidence > edges[k]) & (confidence <= edges[k + 1])\n        if m.any():\n            gaps.append(abs(correct[m].mean() - confidence[m].mean()))\n    return float(np.mean(gaps))\n'),
    ('09.q2', 'WRONG', 'sum of gaps divided by number of bins', 'def expected_calibration_error(probs, y, bins=15):\n    probs = np.asarray(probs, dtype=float); y = np.asarray(y)\n    confidence = probs.max(1); correct = probs.argmax(1) == y\n    edges = np.arange(bins + 1) / bins\n    total = 0.0\n    for k in range(bins):\n        m = (confidence > edges[k]) & (confidence <= edges[k + 1])\n        if m.any():\n            total += abs(correct[m].mean() - confidence[m].mean())\n    return float(total / bins)\n'),
    ('09.q2', 'WRONG', 'signed gap, no abs', 'def expected_calibration_error(probs, y, bins=15):\n    probs = np.asarray(probs, dtype=float); y = np.asarray(y)\n    confidence = probs.max(1); correct = probs.argmax(1) == y\n    edges = np.arange(bins + 1) / bins\n    ece = 0.0\n    for k in range(bins):\n        m = (confidence > edges[k]) & (confidence <= edges[k + 1])\n        if m.any():\n            ece += m.mean() * (correct[m].mean() - confidence[m].mean())\n    return float(ece)\n'),
    ('09.q2', 'WRONG', 'maximum gap (MCE)', 'def expected_calibration_error(probs, y, bins=15):\n    probs = np.asarray(probs, dtype=float); y = np.asarray(y)\n    confidence = probs.max(1); correct = probs.argmax(1) == y\n    edges = np.arange(bins + 1) / bins\n    worst = 0.0\n    for k in range(bins):\n        m = (confidence > edges[k]) & (confidence <= edges[k + 1])\n        if m.any():\n            worst = max(worst, abs(correct[m].mean() - confidence[m].mean()))\n    return float(worst)\n'),
    ('09.q2', 'WRONG', 'confidence = probability of the true class', 'def expected_calibration_error(probs, y, bins=15):\n    probs = np.asarray(probs, dtype=float); y = np.asarray(y).astype(int)\n    confidence = probs[np.arange(len(y)), y]; correct = probs.argmax(1) == y\n    edges = np.arange(bins + 1) / bins\n    ece = 0.0\n    for k in range(bins):\n        m = (confidence > edges[k]) & (confidence <= edges[k + 1])\n        if m.any():\n            ece += m.mean() * abs(correct[m].mean() - confidence[m].mean())\n    return float(ece)\n'),
    ('09.q2', 'WRONG', 'correct = confidence > 0.5', 'def expected_calibration_error(probs, y, bins=15):\n    probs = np.asarray(probs, dtype=float); y = np.asarray(y)\n    confidence = probs.max(1); correct = confidence > 0.5\n    edges = np.arange(bins + 1) / bins\n    ece = 0.0\n    for k in range(bins):\n        m = (confidence > edges[k]) & (confidence <= edges[k + 1])\n        if m.any():\n            ece += m.mean() * abs(correct[m].mean() - confidence[m].mean())\n    return float(ece)\n'),
    ('09.q2', 'WRONG', 'ignores bins (always 15)', 'def expected_calibration_error(probs, y, bins=15):\n    probs = np.asarray(probs, dtype=float); y = np.asarray(y)\n    confidence = probs.max(1); correct = probs.argmax(1) == y\n    edges = np.arange(16) / 15\n    ece = 0.0\n    for k in range(15):\n        m = (confidence > edges[k]) & (confidence <= edges[k + 1])\n        if m.any():\n            ece += m.mean() * abs(correct[m].mean() - confidence[m].mean())\n    return float(ece)\n'),
    ('09.q2', 'WRONG', 'linspace(0, 1, bins): one bin too few', 'def expected_calibration_error(probs, y, bins=15):\n    probs = np.asarray(probs, dtype=float); y = np.asarray(y)\n    confidence = probs.max(1); correct = probs.argmax(1) == y\n    edges = np.linspace(0, 1, bins)\n    ece = 0.0\n    for lo, hi in zip(edges[:-1], edges[1:]):\n        m = (confidence > lo) & (confidence <= hi)\n        if m.any():\n            ece += m.mean() * abs(correct[m].mean() - confidence[m].mean())\n    return float(ece)\n'),
    ('09.q2', 'WRONG', 'np.histogram bins are left-closed', 'def expected_calibration_error(probs, y, bins=15):\n    probs = np.asarray(probs, dtype=float); y = np.asarray(y)\n    confidence = probs.max(1); correct = (probs.argmax(1) == y).astype(float)\n    count, _ = np.histogram(confidence, bins=bins, range=(0, 1))\n    acc, _ = np.histogram(confidence, bins=bins, range=(0, 1), weights=correct)\n    conf, _ = np.histogram(confidence, bins=bins, range=(0, 1), weights=confidence)\n    return float(np.abs(acc - conf).sum() / count.sum())\n'),
    ('09.q2', 'WRONG', 'RMS calibration error (squared gaps)', 'def expected_calibration_error(probs, y, bins=15):\n    probs = np.asarray(probs, dtype=float); y = np.asarray(y)\n    confidence = probs.max(1); correct = probs.argmax(1) == y\n    edges = np.arange(bins + 1) / bins\n    total = 0.0\n    for k in range(bins):\n        m = (confidence > edges[k]) & (confidence <= edges[k + 1])\n        if m.any():\n            total += m.mean() * (correct[m].mean() - confidence[m].mean()) ** 2\n    return float(np.sqrt(total))\n'),
    ('09.q2', 'WRONG', 'empty bins give NaN', 'def expected_calibration_error(probs, y, bins=15):\n    probs = np.asarray(probs, dtype=float); y = np.asarray(y)\n    confidence = probs.max(1); correct = (probs.argmax(1) == y).astype(float)\n    b = np.clip(np.ceil(confidence * bins).astype(int) - 1, 0, bins - 1)\n    count = np.bincount(b, minlength=bins)\n    with np.errstate(all="ignore"):\n        acc = np.bincount(b, correct, bins) / count\n        conf = np.bincount(b, confidence, bins) / count\n    return float(np.sum(count / len(y) * np.abs(acc - conf)))\n'),
    ('09.q2', 'WRONG', 'global accuracy instead of per-bin accuracy', 'def expected_calibration_error(probs, y, bins=15):\n    probs = np.asarray(probs, dtype=float); y = np.asarray(y)\n    confidence = probs.max(1); accuracy = (probs.argmax(1) == y).mean()\n    edges = np.arange(bins + 1) / bins\n    ece = 0.0\n    for k in range(bins):\n        m = (confidence > edges[k]) & (confidence <= edges[k + 1])\n        if m.any():\n            ece += m.mean() * abs(accuracy - confidence[m].mean())\n    return float(ece)\n'),
    ('09.q2', 'WRONG', 'sorts probs in place (mutates, argmax always last)', 'def expected_calibration_error(probs, y, bins=15):\n    y = np.asarray(y)\n    probs.sort(axis=1)\n    confidence = probs[:, -1]; correct = probs.argmax(1) == y\n    edges = np.arange(bins + 1) / bins\n    ece = 0.0\n    for k in range(bins):\n        m = (confidence > edges[k]) & (confidence <= edges[k + 1])\n        if m.any():\n            ece += m.mean() * abs(correct[m].mean() - confidence[m].mean())\n    return float(ece)\n'),
    ('09.q2', 'WRONG', 'normalises columns before max', 'def expected_calibration_error(probs, y, bins=15):\n    probs = np.asarray(probs, dtype=float); y = np.asarray(y)\n    probs = probs / probs.sum(0, keepdims=True)\n    confidence = probs.max(1); correct = probs.argmax(1) == y\n    edges = np.arange(bins + 1) / bins\n    ece = 0.0\n    for k in range(bins):\n        m = (confidence > edges[k]) & (confidence <= edges[k + 1])\n        if m.any():\n            ece += m.mean() * abs(correct[m].mean() - confidence[m].mean())\n    return float(ece)\n'),
    ('09.q2', 'WRONG', 'round() binning', 'def expected_calibration_error(probs, y, bins=15):\n    probs = np.asarray(probs, dtype=float); y = np.asarray(y)\n    confidence = probs.max(1); correct = probs.argmax(1) == y\n    b = np.round(confidence * bins).astype(int)\n    ece = 0.0\n    for k in np.unique(b):\n        m = b == k\n        ece += m.mean() * abs(correct[m].mean() - confidence[m].mean())\n    return float(ece)\n'),
    ('09.q2', 'WRONG', 'hostile: float subclass that equals anything', 'class _Close(float):\n    def __eq__(self, other): return True\n    def __ne__(self, other): return False\n    def __sub__(self, other): return 0.0\n    def __rsub__(self, other): return 0.0\n    def __abs__(self): return 0.0\n    def __lt__(self, other): return True\n    def __le__(self, other): return True\n    def __gt__(self, other): return True\n    def __ge__(self, other): return True\n    __hash__ = float.__hash__\n\ndef expected_calibration_error(probs, y, bins=15):\n    return _Close(0.0)\n'),
    ('09.q2', 'WRONG', 'hostile: always 0.0', 'def expected_calibration_error(probs, y, bins=15):\n    return 0.0\n'),
    ('09.q3', 'PASS', 'evaluate functions, as documented', 'def calibrate(val_logits, y_val, test_logits, y_test):\n    T = evaluate.fit_temperature(val_logits, y_val)\n    before = evaluate.expected_calibration_error(evaluate.apply_temperature(test_logits, 1.0), y_test)\n    after = evaluate.expected_calibration_error(evaluate.apply_temperature(test_logits, T), y_test)\n    return T, before, after\n'),
    ('09.q3', 'PASS', 'torch softmax in float64', 'def calibrate(val_logits, y_val, test_logits, y_test):\n    T = evaluate.fit_temperature(val_logits, y_val)\n    z = torch.as_tensor(np.asarray(test_logits), dtype=torch.float64)\n    before = evaluate.expected_calibration_error(torch.softmax(z, 1).numpy(), y_test, bins=15)\n    after = evaluate.expected_calibration_error(torch.softmax(z / T, 1).numpy(), y_test, bins=15)\n    return float(T), float(before), float(after)\n'),
    ('09.q3', 'PASS', 'own bounded 1-D optimiser on log T', 'def calibrate(val_logits, y_val, test_logits, y_test):\n    from scipy.optimize import minimize_scalar\n    from scipy.special import log_softmax\n    z = np.asarray(val_logits, dtype=np.float64); yv = np.asarray(y_val).astype(int)\n    nll = lambda u: -log_softmax(z / np.exp(u), axis=1)[np.arange(len(yv)), yv].mean()\n    res = minimize_scalar(nll, bounds=(np.log(0.05), np.log(20.0)), method="bounded",\n                          options={"xatol": 1e-12, "maxiter": 1000})\n    T = float(np.exp(res.x))\n    before = evaluate.expected_calibration_error(evaluate.apply_temperature(test_logits, 1.0), y_test)\n    after = evaluate.expected_calibration_error(evaluate.apply_temperature(test_logits, T), y_test)\n    return T, before, after\n'),
    ('09.q3', 'PASS', 'own ECE in the cell; p**(1/T) renormalised', 'def _ece(probs, y, bins=15):\n    conf, pred = probs.max(1), probs.argmax(1)\n    ece = 0.0\n    for k in range(bins):\n        m = (conf > k / bins) & (conf <= (k + 1) / bins)\n        if m.any():\n            ece += m.mean() * abs((pred[m] == y[m]).mean() - conf[m].mean())\n    return float(ece)\n\ndef calibrate(val_logits, y_val, test_logits, y_test):\n    T = evaluate.fit_temperature(val_logits, y_val)\n    z = np.asarray(test_logits, dtype=np.float64); yt = np.asarray(y_test)\n    p = np.exp(z - z.max(1, keepdims=True)); p /= p.sum(1, keepdims=True)\n    q = p ** (1.0 / T); q /= q.sum(1, keepdims=True)\n    return T, _ece(p, yt), _ece(q, yt)\n'),
    ('09.q3', 'WRONG', 'temperature fitted on the test set', 'def calibrate(val_logits, y_val, test_logits, y_test):\n    T = evaluate.fit_temperature(test_logits, y_test)\n    before = evaluate.expected_calibration_error(evaluate.apply_temperature(test_logits, 1.0), y_test)\n    after = evaluate.expected_calibration_error(evaluate.apply_temperature(test_logits, T), y_test)\n    return T, before, after\n'),
    ('09.q3', 'WRONG', 'temperature fitted on val + test', 'def calibrate(val_logits, y_val, test_logits, y_test):\n    z = np.concatenate([np.asarray(val_logits), np.asarray(test_logits)])\n    yy = np.concatenate([np.asarray(y_val), np.asarray(y_test)])\n    T = evaluate.fit_temperature(z, yy)\n    before = evaluate.expected_calibration_error(evaluate.apply_temperature(test_logits, 1.0), y_test)\n    after = evaluate.expected_calibration_error(evaluate.apply_temperature(test_logits, T), y_test)\n    return T, before, after\n'),
    ('09.q3', 'WRONG', 'ECE before measured on validation', 'def calibrate(val_logits, y_val, test_logits, y_test):\n    T = evaluate.fit_temperature(val_logits, y_val)\n    before = evaluate.expected_calibration_error(evaluate.apply_temperature(val_logits, 1.0), y_val)\n    after = evaluate.expected_calibration_error(evaluate.apply_temperature(test_logits, T), y_test)\n    return T, before, after\n'),
    ('09.q3', 'WRONG', 'multiplies logits by T', 'def calibrate(val_logits, y_val, test_logits, y_test):\n    T = evaluate.fit_temperature(val_logits, y_val)\n    z = np.asarray(test_logits, dtype=np.float64)\n    before = evaluate.expected_calibration_error(evaluate.apply_temperature(z, 1.0), y_test)\n    after = evaluate.expected_calibration_error(evaluate.apply_temperature(z * T, 1.0), y_test)\n    return T, before, after\n'),
    ('09.q3', 'WRONG', 'applies 1/T', 'def calibrate(val_logits, y_val, test_logits, y_test):\n    T = evaluate.fit_temperature(val_logits, y_val)\n    before = evaluate.expected_calibration_error(evaluate.apply_temperature(test_logits, 1.0), y_test)\n    after = evaluate.expected_calibration_error(evaluate.apply_temperature(test_logits, 1 / T), y_test)\n    return T, before, after\n'),
    ('09.q3', 'WRONG', 'returns (T, after, before)', 'def calibrate(val_logits, y_val, test_logits, y_test):\n    T = evaluate.fit_temperature(val_logits, y_val)\n    before = evaluate.expected_calibration_error(evaluate.apply_temperature(test_logits, 1.0), y_test)\n    after = evaluate.expected_calibration_error(evaluate.apply_temperature(test_logits, T), y_test)\n    return T, after, before\n'),
    ('09.q3', 'WRONG', 'returns 1/T as the temperature', 'def calibrate(val_logits, y_val, test_logits, y_test):\n    T = evaluate.fit_temperature(val_logits, y_val)\n    before = evaluate.expected_calibration_error(evaluate.apply_temperature(test_logits, 1.0), y_test)\n    after = evaluate.expected_calibration_error(evaluate.apply_temperature(test_logits, T), y_test)\n    return 1 / T, before, after\n'),
    ('09.q3', 'WRONG', 'fits T on softmaxed probabilities', 'def calibrate(val_logits, y_val, test_logits, y_test):\n    T = evaluate.fit_temperature(evaluate.apply_temperature(val_logits, 1.0), y_val)\n    before = evaluate.expected_calibration_error(evaluate.apply_temperature(test_logits, 1.0), y_test)\n    after = evaluate.expected_calibration_error(evaluate.apply_temperature(test_logits, T), y_test)\n    return T, before, after\n'),
    ('09.q3', 'WRONG', 'ECE of raw logits (no softmax)', 'def calibrate(val_logits, y_val, test_logits, y_test):\n    T = evaluate.fit_temperature(val_logits, y_val)\n    before = evaluate.expected_calibration_error(test_logits, y_test)\n    after = evaluate.expected_calibration_error(test_logits / T, y_test)\n    return T, before, after\n'),
    ('09.q3', 'WRONG', 'ECE with 10 bins', 'def calibrate(val_logits, y_val, test_logits, y_test):\n    T = evaluate.fit_temperature(val_logits, y_val)\n    before = evaluate.expected_calibration_error(evaluate.apply_temperature(test_logits, 1.0), y_test, bins=10)\n    after = evaluate.expected_calibration_error(evaluate.apply_temperature(test_logits, T), y_test, bins=10)\n    return T, before, after\n'),
    ('09.q3', 'WRONG', 'validation labels used for the test ECE', 'def calibrate(val_logits, y_val, test_logits, y_test):\n    T = evaluate.fit_temperature(val_logits, y_val)\n    n = min(len(y_val), len(test_logits))\n    before = evaluate.expected_calibration_error(evaluate.apply_temperature(test_logits[:n], 1.0), y_val[:n])\n    after = evaluate.expected_calibration_error(evaluate.apply_temperature(test_logits[:n], T), y_val[:n])\n    return T, before, after\n'),
    ('09.q3', 'WRONG', 'divides test_logits in place (mutates caller)', 'def calibrate(val_logits, y_val, test_logits, y_test):\n    T = evaluate.fit_temperature(val_logits, y_val)\n    before = evaluate.expected_calibration_error(evaluate.apply_temperature(test_logits, 1.0), y_test)\n    test_logits /= T\n    after = evaluate.expected_calibration_error(evaluate.apply_temperature(test_logits, 1.0), y_test)\n    return T, before, after\n'),
    ('09.q3', 'WRONG', 'no fitting: T = 1', 'def calibrate(val_logits, y_val, test_logits, y_test):\n    T = 1.0\n    before = evaluate.expected_calibration_error(evaluate.apply_temperature(test_logits, 1.0), y_test)\n    after = evaluate.expected_calibration_error(evaluate.apply_temperature(test_logits, T), y_test)\n    return T, before, after\n'),
    ('09.q3', 'WRONG', 'ECE after measured on validation', 'def calibrate(val_logits, y_val, test_logits, y_test):\n    T = evaluate.fit_temperature(val_logits, y_val)\n    before = evaluate.expected_calibration_error(evaluate.apply_temperature(test_logits, 1.0), y_test)\n    after = evaluate.expected_calibration_error(evaluate.apply_temperature(val_logits, T), y_val)\n    return T, before, after\n'),
    ('09.q3', 'WRONG', 'hostile: reads notebook globals (digits, test_idx)', 'def calibrate(val_logits, y_val, test_logits, y_test):\n    T = evaluate.fit_temperature(val_logits, y_val)\n    yt = digits.y[test_idx]\n    before = evaluate.expected_calibration_error(evaluate.apply_temperature(test_logits, 1.0), yt)\n    after = evaluate.expected_calibration_error(evaluate.apply_temperature(test_logits, T), yt)\n    return T, before, after\n'),
    ('09.q3', 'WRONG', 'hostile: hard-coded numbers, prints PASS', 'def calibrate(val_logits, y_val, test_logits, y_test):\n    print("ex.q3: PASS")\n    return 0.62, 0.12, 0.03\n'),
    ('09.q4', 'PASS', 'export.to_torchscript + max_abs_difference', 'def export_round_trip(model, X, path):\n    loaded = export.to_torchscript(model, X, path)\n    return loaded, export.max_abs_difference(model, loaded, X)\n'),
    ('09.q4', 'PASS', 'manual, leaves model in eval mode', 'def export_round_trip(model, X, path):\n    path = Path(path)\n    path.parent.mkdir(parents=True, exist_ok=True)\n    model.eval()\n    with torch.no_grad():\n        traced = torch.jit.trace(model, X)\n        torch.jit.save(traced, str(path))\n        loaded = torch.jit.load(str(path))\n        difference = (loaded(X) - model(X)).abs().max().item()\n    return loaded, difference\n'),
    ('09.q4', 'PASS', 'manual, restores the training flag', 'def export_round_trip(model, X, path):\n    import os\n    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)\n    was_training = model.training\n    model.train(False)\n    try:\n        with torch.inference_mode():\n            torch.jit.save(torch.jit.trace(model, X), path)\n            loaded = torch.jit.load(path)\n            difference = float(torch.max(torch.abs(loaded(X) - model(X))))\n    finally:\n        model.train(was_training)\n    return loaded, difference\n'),
    ('09.q4', 'PASS', 'traces an eval-mode deepcopy', 'def export_round_trip(model, X, path):\n    import copy\n    frozen = copy.deepcopy(model).eval()\n    Path(path).parent.mkdir(parents=True, exist_ok=True)\n    with torch.no_grad():\n        torch.jit.trace(frozen, X).save(str(path))\n    loaded = torch.jit.load(str(path))\n    with torch.no_grad():\n        difference = float((loaded(X) - frozen(X)).abs().max())\n    return loaded, difference\n'),
    ('09.q4', 'WRONG', 'no eval(): traced in train mode (BN stats move)', 'def export_round_trip(model, X, path):\n    path = Path(path); path.parent.mkdir(parents=True, exist_ok=True)\n    with torch.no_grad():\n        traced = torch.jit.trace(model, X)\n        torch.jit.save(traced, str(path))\n        loaded = torch.jit.load(str(path))\n        difference = (loaded(X) - model(X)).abs().max().item()\n    return loaded, difference\n'),
    ('09.q4', 'WRONG', 'torch.save of the eager model', 'def export_round_trip(model, X, path):\n    path = Path(path); path.parent.mkdir(parents=True, exist_ok=True)\n    model.eval()\n    torch.save(model, path)\n    loaded = torch.load(path, weights_only=False)\n    with torch.no_grad():\n        difference = (loaded(X) - model(X)).abs().max().item()\n    return loaded, difference\n'),
    ('09.q4', 'WRONG', 'returns the in-memory trace, not the file', 'def export_round_trip(model, X, path):\n    path = Path(path); path.parent.mkdir(parents=True, exist_ok=True)\n    model.eval()\n    with torch.no_grad():\n        traced = torch.jit.trace(model, X)\n        torch.jit.save(traced, str(path))\n        difference = (traced(X) - model(X)).abs().max().item()\n    return traced, difference\n'),
    ('09.q4', 'WRONG', 'does not create the parent folder', 'def export_round_trip(model, X, path):\n    model.eval()\n    with torch.no_grad():\n        traced = torch.jit.trace(model, X)\n        torch.jit.save(traced, str(path))\n        loaded = torch.jit.load(str(path))\n        difference = (loaded(X) - model(X)).abs().max().item()\n    return loaded, difference\n'),
    ('09.q4', 'WRONG', 'mkdir on the path itself', 'def export_round_trip(model, X, path):\n    path = Path(path); path.mkdir(parents=True, exist_ok=True)\n    model.eval()\n    with torch.no_grad():\n        traced = torch.jit.trace(model, X)\n        torch.jit.save(traced, str(path))\n        loaded = torch.jit.load(str(path))\n        difference = (loaded(X) - model(X)).abs().max().item()\n    return loaded, difference\n'),
    ('09.q4', 'WRONG', 'torch.load on a TorchScript file', 'def export_round_trip(model, X, path):\n    path = Path(path); path.parent.mkdir(parents=True, exist_ok=True)\n    model.eval()\n    with torch.no_grad():\n        torch.jit.save(torch.jit.trace(model, X), str(path))\n        loaded = torch.load(str(path))\n        difference = (loaded(X) - model(X)).abs().max().item()\n    return loaded, difference\n'),
    ('09.q4', 'WRONG', 'hostile: difference hard-coded 0.0', 'def export_round_trip(model, X, path):\n    path = Path(path); path.parent.mkdir(parents=True, exist_ok=True)\n    with torch.no_grad():\n        torch.jit.save(torch.jit.trace(model, X), str(path))\n    return torch.jit.load(str(path)), 0.0\n'),
    ('09.q4', 'WRONG', 'returns (difference, loaded)', 'def export_round_trip(model, X, path):\n    loaded = export.to_torchscript(model, X, path)\n    return export.max_abs_difference(model, loaded, X), loaded\n'),
    ('09.q4', 'WRONG', 'mean absolute difference', 'def export_round_trip(model, X, path):\n    path = Path(path); path.parent.mkdir(parents=True, exist_ok=True)\n    model.eval()\n    with torch.no_grad():\n        torch.jit.save(torch.jit.trace(model, X), str(path))\n        loaded = torch.jit.load(str(path))\n        difference = (loaded(X) - model(X)).abs().mean().item()\n    return loaded, difference\n'),
    ('09.q4', 'WRONG', 'signed max, no abs', 'def export_round_trip(model, X, path):\n    path = Path(path); path.parent.mkdir(parents=True, exist_ok=True)\n    model.eval()\n    with torch.no_grad():\n        torch.jit.save(torch.jit.trace(model, X), str(path))\n        loaded = torch.jit.load(str(path))\n        difference = (loaded(X) - model(X)).max().item()\n    return loaded, difference\n'),
    ('09.q4', 'WRONG', 'compares against the model back in train mode', 'def export_round_trip(model, X, path):\n    path = Path(path); path.parent.mkdir(parents=True, exist_ok=True)\n    was = model.training\n    model.eval()\n    with torch.no_grad():\n        torch.jit.save(torch.jit.trace(model, X), str(path))\n    model.train(was)\n    loaded = torch.jit.load(str(path))\n    with torch.no_grad():\n        difference = (loaded(X) - model(X)).abs().max().item()\n    return loaded, difference\n'),
    ('09.q4', 'WRONG', 'warm-up forward in train mode changes BN buffers', 'def export_round_trip(model, X, path):\n    path = Path(path); path.parent.mkdir(parents=True, exist_ok=True)\n    with torch.no_grad():\n        model(X)                      # warm up\n        model.eval()\n        torch.jit.save(torch.jit.trace(model, X), str(path))\n        loaded = torch.jit.load(str(path))\n        difference = (loaded(X) - model(X)).abs().max().item()\n    return loaded, difference\n'),
    ('09.q4', 'WRONG', 'hostile: returns the eager model and 0', 'def export_round_trip(model, X, path):\n    return model.eval(), 0.0\n'),
    ('09.q4', 'WRONG', "saves to path + '.pt', not path", 'def export_round_trip(model, X, path):\n    target = str(path) + ".pt"\n    Path(target).parent.mkdir(parents=True, exist_ok=True)\n    model.eval()\n    with torch.no_grad():\n        torch.jit.save(torch.jit.trace(model, X), target)\n        loaded = torch.jit.load(target)\n        difference = (loaded(X) - model(X)).abs().max().item()\n    return loaded, difference\n'),
    ('09.q4', 'WRONG', 'relative difference', 'def export_round_trip(model, X, path):\n    path = Path(path); path.parent.mkdir(parents=True, exist_ok=True)\n    model.eval()\n    with torch.no_grad():\n        torch.jit.save(torch.jit.trace(model, X), str(path))\n        loaded = torch.jit.load(str(path))\n        a, b = loaded(X), model(X)\n        difference = ((a - b).abs() / b.abs().clamp_min(1e-12)).max().item()\n    return loaded, difference\n'),
    ('09.q4', 'WRONG', 'deletes the file after loading', 'def export_round_trip(model, X, path):\n    path = Path(path); path.parent.mkdir(parents=True, exist_ok=True)\n    model.eval()\n    with torch.no_grad():\n        torch.jit.save(torch.jit.trace(model, X), str(path))\n        loaded = torch.jit.load(str(path))\n        difference = (loaded(X) - model(X)).abs().max().item()\n    path.unlink()                     # tidy up\n    return loaded, difference\n'),
    ('09.q5', 'PASS', 'numpy, np.maximum(norm, 1e-8)', 'def shift_statistic(batch_features, reference_features):\n    unit = lambda F: np.asarray(F, dtype=np.float64) / np.maximum(\n        np.linalg.norm(np.asarray(F, dtype=np.float64), axis=1, keepdims=True), 1e-8)\n    return float(((unit(batch_features).mean(0) - unit(reference_features).mean(0)) ** 2).sum())\n'),
    ('09.q5', 'PASS', 'torch float64, clamp_min', 'def shift_statistic(batch_features, reference_features):\n    def unit(F):\n        F = torch.as_tensor(np.asarray(F), dtype=torch.float64)\n        return F / F.norm(dim=1, keepdim=True).clamp_min(1e-8)\n    d = unit(batch_features).mean(0) - unit(reference_features).mean(0)\n    return float(d @ d)\n'),
    ('09.q5', 'PASS', 'library ShiftMonitor.statistic', 'def shift_statistic(batch_features, reference_features):\n    return monitor.ShiftMonitor().fit(reference_features).statistic(batch_features)\n'),
    ('09.q5', 'PASS', 'float32 arithmetic (round-off only)', 'def shift_statistic(batch_features, reference_features):\n    def unit(F):\n        F = np.asarray(F, dtype=np.float32)\n        return F / np.clip(np.sqrt((F * F).sum(1, keepdims=True)), 1e-8, None)\n    d = unit(batch_features).mean(axis=0) - unit(reference_features).mean(axis=0)\n    return float(np.dot(d, d))\n'),
    ('09.q5', 'WRONG', 'no normalisation', 'def shift_statistic(batch_features, reference_features):\n    a = np.asarray(batch_features, dtype=float); b = np.asarray(reference_features, dtype=float)\n    return float(((a.mean(0) - b.mean(0)) ** 2).sum())\n'),
    ('09.q5', 'WRONG', 'normalises columns', 'def shift_statistic(batch_features, reference_features):\n    unit = lambda F: np.asarray(F, float) / np.maximum(np.linalg.norm(np.asarray(F, float), axis=0, keepdims=True), 1e-8)\n    return float(((unit(batch_features).mean(0) - unit(reference_features).mean(0)) ** 2).sum())\n'),
    ('09.q5', 'WRONG', 'no clamp: a zero row gives NaN', 'def shift_statistic(batch_features, reference_features):\n    def unit(F):\n        F = np.asarray(F, dtype=float)\n        with np.errstate(all="ignore"):\n            return F / np.linalg.norm(F, axis=1, keepdims=True)\n    return float(((unit(batch_features).mean(0) - unit(reference_features).mean(0)) ** 2).sum())\n'),
    ('09.q5', 'WRONG', 'clamps the length at 1, not 1e-8', 'def shift_statistic(batch_features, reference_features):\n    unit = lambda F: np.asarray(F, float) / np.maximum(np.linalg.norm(np.asarray(F, float), axis=1, keepdims=True), 1)\n    return float(((unit(batch_features).mean(0) - unit(reference_features).mean(0)) ** 2).sum())\n'),
    ('09.q5', 'WRONG', 'Euclidean distance, not squared', 'def shift_statistic(batch_features, reference_features):\n    unit = lambda F: np.asarray(F, float) / np.maximum(np.linalg.norm(np.asarray(F, float), axis=1, keepdims=True), 1e-8)\n    return float(np.linalg.norm(unit(batch_features).mean(0) - unit(reference_features).mean(0)))\n'),
    ('09.q5', 'WRONG', 'mean of squared differences', 'def shift_statistic(batch_features, reference_features):\n    unit = lambda F: np.asarray(F, float) / np.maximum(np.linalg.norm(np.asarray(F, float), axis=1, keepdims=True), 1e-8)\n    return float(np.mean((unit(batch_features).mean(0) - unit(reference_features).mean(0)) ** 2))\n'),
    ('09.q5', 'WRONG', 'normalises the batch only', 'def shift_statistic(batch_features, reference_features):\n    B = np.asarray(batch_features, float); R = np.asarray(reference_features, float)\n    B = B / np.maximum(np.linalg.norm(B, axis=1, keepdims=True), 1e-8)\n    return float(((B.mean(0) - R.mean(0)) ** 2).sum())\n'),
    ('09.q5', 'WRONG', 'normalises the means, not the rows', 'def shift_statistic(batch_features, reference_features):\n    a = np.asarray(batch_features, float).mean(0); b = np.asarray(reference_features, float).mean(0)\n    a = a / max(np.linalg.norm(a), 1e-8); b = b / max(np.linalg.norm(b), 1e-8)\n    return float(((a - b) ** 2).sum())\n'),
    ('09.q5', 'WRONG', 'sums rows instead of averaging', 'def shift_statistic(batch_features, reference_features):\n    unit = lambda F: np.asarray(F, float) / np.maximum(np.linalg.norm(np.asarray(F, float), axis=1, keepdims=True), 1e-8)\n    return float(((unit(batch_features).sum(0) - unit(reference_features).sum(0)) ** 2).sum())\n'),
    ('09.q5', 'WRONG', 'returns a 0-d tensor, not a float', 'def shift_statistic(batch_features, reference_features):\n    def unit(F):\n        F = torch.as_tensor(np.asarray(F), dtype=torch.float64)\n        return F / F.norm(dim=1, keepdim=True).clamp_min(1e-8)\n    return ((unit(batch_features).mean(0) - unit(reference_features).mean(0)) ** 2).sum()\n'),
    ('09.q5', 'WRONG', "normalises the caller's arrays in place", 'def shift_statistic(batch_features, reference_features):\n    for F in (batch_features, reference_features):\n        F /= np.maximum(np.linalg.norm(F, axis=1, keepdims=True), 1e-8)\n    return float(((batch_features.mean(0) - reference_features.mean(0)) ** 2).sum())\n'),
    ('09.q5', 'WRONG', 'L1 normalisation', 'def shift_statistic(batch_features, reference_features):\n    unit = lambda F: np.asarray(F, float) / np.maximum(np.abs(np.asarray(F, float)).sum(1, keepdims=True), 1e-8)\n    return float(((unit(batch_features).mean(0) - unit(reference_features).mean(0)) ** 2).sum())\n'),
    ('09.q5', 'WRONG', "squared difference of the means' lengths", 'def shift_statistic(batch_features, reference_features):\n    unit = lambda F: np.asarray(F, float) / np.maximum(np.linalg.norm(np.asarray(F, float), axis=1, keepdims=True), 1e-8)\n    return float((np.linalg.norm(unit(batch_features).mean(0)) - np.linalg.norm(unit(reference_features).mean(0))) ** 2)\n'),
    ('09.q5', 'WRONG', 'cosine distance between the means', 'def shift_statistic(batch_features, reference_features):\n    unit = lambda F: np.asarray(F, float) / np.maximum(np.linalg.norm(np.asarray(F, float), axis=1, keepdims=True), 1e-8)\n    a, b = unit(batch_features).mean(0), unit(reference_features).mean(0)\n    return float(1 - a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))\n'),
    ('09.q5', 'WRONG', 'one norm for the whole matrix', 'def shift_statistic(batch_features, reference_features):\n    unit = lambda F: np.asarray(F, float) / max(np.linalg.norm(np.asarray(F, float)), 1e-8)\n    return float(((unit(batch_features).mean(0) - unit(reference_features).mean(0)) ** 2).sum())\n'),
    ('09.q6', 'PASS', 'np.quantile(stats, 1 - rate)', 'def _stat(F, R):\n    unit = lambda A: np.asarray(A, np.float64) / np.maximum(np.linalg.norm(np.asarray(A, np.float64), axis=1, keepdims=True), 1e-8)\n    return float(((unit(F).mean(0) - unit(R).mean(0)) ** 2).sum())\n\ndef alarm_threshold(clean_batches, reference_features, false_alarm_rate=0.05):\n    stats = [_stat(F, reference_features) for F in clean_batches]\n    return float(np.quantile(stats, 1 - false_alarm_rate))\n'),
    ('09.q6', 'PASS', 'np.percentile(stats, 100 * (1 - rate))', 'def _stat(F, R):\n    unit = lambda A: np.asarray(A, np.float64) / np.maximum(np.linalg.norm(np.asarray(A, np.float64), axis=1, keepdims=True), 1e-8)\n    return float(((unit(F).mean(0) - unit(R).mean(0)) ** 2).sum())\n\ndef alarm_threshold(clean_batches, reference_features, false_alarm_rate=0.05):\n    stats = np.array([_stat(F, reference_features) for F in clean_batches])\n    return float(np.percentile(stats, 100 * (1 - false_alarm_rate)))\n'),
    ('09.q6', 'PASS', 'ShiftMonitor statistic + quantile', 'def alarm_threshold(clean_batches, reference_features, false_alarm_rate=0.05):\n    m = monitor.ShiftMonitor().fit(reference_features)\n    stats = [m.statistic(F) for F in clean_batches]\n    return float(np.quantile(stats, 1.0 - false_alarm_rate))\n'),
    ('09.q6', 'PASS', 'torch.quantile in float64', 'def alarm_threshold(clean_batches, reference_features, false_alarm_rate=0.05):\n    R = torch.as_tensor(np.asarray(reference_features), dtype=torch.float64)\n    ref = (R / R.norm(dim=1, keepdim=True).clamp_min(1e-8)).mean(0)\n    stats = []\n    for F in clean_batches:\n        F = torch.as_tensor(np.asarray(F), dtype=torch.float64)\n        stats.append(((F / F.norm(dim=1, keepdim=True).clamp_min(1e-8)).mean(0) - ref).pow(2).sum())\n    return torch.quantile(torch.stack(stats), 1 - false_alarm_rate).item()\n'),
    ('09.q6', 'WRONG', 'percentile/quantile confusion: np.percentile(s, 1 - rate)', 'def _stat(F, R):\n    unit = lambda A: np.asarray(A, np.float64) / np.maximum(np.linalg.norm(np.asarray(A, np.float64), axis=1, keepdims=True), 1e-8)\n    return float(((unit(F).mean(0) - unit(R).mean(0)) ** 2).sum())\n\ndef alarm_threshold(clean_batches, reference_features, false_alarm_rate=0.05):\n    stats = [_stat(F, reference_features) for F in clean_batches]\n    return float(np.percentile(stats, 1 - false_alarm_rate))\n'),
    ('09.q6', 'WRONG', 'quantile at the rate itself (5 %)', 'def _stat(F, R):\n    unit = lambda A: np.asarray(A, np.float64) / np.maximum(np.linalg.norm(np.asarray(A, np.float64), axis=1, keepdims=True), 1e-8)\n    return float(((unit(F).mean(0) - unit(R).mean(0)) ** 2).sum())\n\ndef alarm_threshold(clean_batches, reference_features, false_alarm_rate=0.05):\n    stats = [_stat(F, reference_features) for F in clean_batches]\n    return float(np.quantile(stats, false_alarm_rate))\n'),
    ('09.q6', 'WRONG', 'max of clean statistics', 'def _stat(F, R):\n    unit = lambda A: np.asarray(A, np.float64) / np.maximum(np.linalg.norm(np.asarray(A, np.float64), axis=1, keepdims=True), 1e-8)\n    return float(((unit(F).mean(0) - unit(R).mean(0)) ** 2).sum())\n\ndef alarm_threshold(clean_batches, reference_features, false_alarm_rate=0.05):\n    stats = [_stat(F, reference_features) for F in clean_batches]\n    return float(max(stats))\n'),
    ('09.q6', 'WRONG', 'ignores false_alarm_rate (always 0.95)', 'def _stat(F, R):\n    unit = lambda A: np.asarray(A, np.float64) / np.maximum(np.linalg.norm(np.asarray(A, np.float64), axis=1, keepdims=True), 1e-8)\n    return float(((unit(F).mean(0) - unit(R).mean(0)) ** 2).sum())\n\ndef alarm_threshold(clean_batches, reference_features, false_alarm_rate=0.05):\n    stats = [_stat(F, reference_features) for F in clean_batches]\n    return float(np.quantile(stats, 0.95))\n'),
    ('09.q6', 'WRONG', 'mean + 2 standard deviations', 'def _stat(F, R):\n    unit = lambda A: np.asarray(A, np.float64) / np.maximum(np.linalg.norm(np.asarray(A, np.float64), axis=1, keepdims=True), 1e-8)\n    return float(((unit(F).mean(0) - unit(R).mean(0)) ** 2).sum())\n\ndef alarm_threshold(clean_batches, reference_features, false_alarm_rate=0.05):\n    stats = np.array([_stat(F, reference_features) for F in clean_batches])\n    return float(stats.mean() + 2 * stats.std())\n'),
    ('09.q6', 'WRONG', 'calls shift_statistic from another cell', 'def alarm_threshold(clean_batches, reference_features, false_alarm_rate=0.05):\n    stats = [shift_statistic(F, reference_features) for F in clean_batches]\n    return float(np.quantile(stats, 1 - false_alarm_rate))\n'),
    ('09.q6', 'WRONG', 'helper without normalisation', 'def _stat(F, R):\n    return float(((np.asarray(F, float).mean(0) - np.asarray(R, float).mean(0)) ** 2).sum())\n\ndef alarm_threshold(clean_batches, reference_features, false_alarm_rate=0.05):\n    stats = [_stat(F, reference_features) for F in clean_batches]\n    return float(np.quantile(stats, 1 - false_alarm_rate))\n'),
    ('09.q6', 'WRONG', 'one statistic on all batches concatenated', 'def _stat(F, R):\n    unit = lambda A: np.asarray(A, np.float64) / np.maximum(np.linalg.norm(np.asarray(A, np.float64), axis=1, keepdims=True), 1e-8)\n    return float(((unit(F).mean(0) - unit(R).mean(0)) ** 2).sum())\n\ndef alarm_threshold(clean_batches, reference_features, false_alarm_rate=0.05):\n    stats = _stat(np.concatenate([np.asarray(F) for F in clean_batches]), reference_features)\n    return float(np.quantile([stats], 1 - false_alarm_rate))\n'),
    ('09.q6', 'WRONG', 'statistics per row, not per batch', 'def _stat(F, R):\n    unit = lambda A: np.asarray(A, np.float64) / np.maximum(np.linalg.norm(np.asarray(A, np.float64), axis=1, keepdims=True), 1e-8)\n    return float(((unit(F).mean(0) - unit(R).mean(0)) ** 2).sum())\n\ndef alarm_threshold(clean_batches, reference_features, false_alarm_rate=0.05):\n    rows = np.concatenate([np.asarray(F) for F in clean_batches])\n    stats = [_stat(row[None], reference_features) for row in rows]\n    return float(np.quantile(stats, 1 - false_alarm_rate))\n'),
    ('09.q6', 'WRONG', 'ShiftMonitor.calibrate re-batches the pooled rows', 'def alarm_threshold(clean_batches, reference_features, false_alarm_rate=0.05):\n    pooled = np.concatenate([np.asarray(F) for F in clean_batches])\n    m = monitor.ShiftMonitor(batch_size=len(clean_batches[0]), quantile=1 - false_alarm_rate)\n    return m.fit(reference_features).calibrate(pooled).threshold_\n'),
    ('09.q6', 'WRONG', 'returns the statistics, not a threshold', 'def _stat(F, R):\n    unit = lambda A: np.asarray(A, np.float64) / np.maximum(np.linalg.norm(np.asarray(A, np.float64), axis=1, keepdims=True), 1e-8)\n    return float(((unit(F).mean(0) - unit(R).mean(0)) ** 2).sum())\n\ndef alarm_threshold(clean_batches, reference_features, false_alarm_rate=0.05):\n    stats = np.array([_stat(F, reference_features) for F in clean_batches])\n    return np.sort(stats)\n'),
    ('09.q6', 'WRONG', '10 % safety margin on top', 'def _stat(F, R):\n    unit = lambda A: np.asarray(A, np.float64) / np.maximum(np.linalg.norm(np.asarray(A, np.float64), axis=1, keepdims=True), 1e-8)\n    return float(((unit(F).mean(0) - unit(R).mean(0)) ** 2).sum())\n\ndef alarm_threshold(clean_batches, reference_features, false_alarm_rate=0.05):\n    stats = [_stat(F, reference_features) for F in clean_batches]\n    return 1.1 * float(np.quantile(stats, 1 - false_alarm_rate))\n'),
    ('09.q6', 'WRONG', 'helper normalises the batches in place', 'def _stat(F, R):\n    F /= np.maximum(np.linalg.norm(F, axis=1, keepdims=True), 1e-8)\n    R = np.asarray(R, float) / np.maximum(np.linalg.norm(np.asarray(R, float), axis=1, keepdims=True), 1e-8)\n    return float(((F.mean(0) - R.mean(0)) ** 2).sum())\n\ndef alarm_threshold(clean_batches, reference_features, false_alarm_rate=0.05):\n    stats = [_stat(F, reference_features) for F in clean_batches]\n    return float(np.quantile(stats, 1 - false_alarm_rate))\n'),
    ('09.q6', 'WRONG', 'quantile of distances (square root taken)', 'def _stat(F, R):\n    unit = lambda A: np.asarray(A, np.float64) / np.maximum(np.linalg.norm(np.asarray(A, np.float64), axis=1, keepdims=True), 1e-8)\n    return float(((unit(F).mean(0) - unit(R).mean(0)) ** 2).sum())\n\ndef alarm_threshold(clean_batches, reference_features, false_alarm_rate=0.05):\n    stats = [np.sqrt(_stat(F, reference_features)) for F in clean_batches]\n    return float(np.quantile(stats, 1 - false_alarm_rate))\n'),
    ('09.q6', 'WRONG', 'reference = mean of the clean batches', 'def _stat(F, R):\n    unit = lambda A: np.asarray(A, np.float64) / np.maximum(np.linalg.norm(np.asarray(A, np.float64), axis=1, keepdims=True), 1e-8)\n    return float(((unit(F).mean(0) - unit(R).mean(0)) ** 2).sum())\n\ndef alarm_threshold(clean_batches, reference_features, false_alarm_rate=0.05):\n    pooled = np.concatenate([np.asarray(F) for F in clean_batches])\n    stats = [_stat(F, pooled) for F in clean_batches]\n    return float(np.quantile(stats, 1 - false_alarm_rate))\n'),
    ('09.q6', 'WRONG', 'sorted(stats)[-int(rate*n)]: index 0 for small n', 'def _stat(F, R):\n    unit = lambda A: np.asarray(A, np.float64) / np.maximum(np.linalg.norm(np.asarray(A, np.float64), axis=1, keepdims=True), 1e-8)\n    return float(((unit(F).mean(0) - unit(R).mean(0)) ** 2).sum())\n\ndef alarm_threshold(clean_batches, reference_features, false_alarm_rate=0.05):\n    stats = sorted(_stat(F, reference_features) for F in clean_batches)\n    return float(stats[-int(false_alarm_rate * len(stats))])\n'),
    ('09.q6', 'WRONG', 'hostile: hard-coded threshold', 'def alarm_threshold(clean_batches, reference_features, false_alarm_rate=0.05):\n    return 0.01\n'),
    ('09.q7', 'PASS', 'the right letter', 'why_alarms = "b"\n'),
    ('09.q7', 'WRONG', 'really shifted', 'why_alarms = "a"\n'),
    ('09.q7', 'WRONG', 'batches too large', 'why_alarms = "c"\n'),
    ('09.q7', 'WRONG', 'temperature first', 'why_alarms = "d"\n'),
    ('09.q7', 'WRONG', 'hostile: str that equals anything', 'class _Any(str):\n    def __eq__(self, other): return True\n    def __ne__(self, other): return False\n    __hash__ = str.__hash__\n\nwhy_alarms = _Any("a")\n'),
    ('09.q7', 'WRONG', 'several letters', 'why_alarms = "a, b"\n'),
]


# Exercise 02 q3 after its redesign (a function run on the grader's own probe problems): a second adversarial
# student's answers, written from the exercise and lesson only. Two judged right after all are marked PASS; three
# whose own cell raises (the learner sees the error) are left out.
ADVERSARY += [
    ('02.q3', 'WRONG', 'C chosen on the test rows (test passed as validation)',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    probe = train.linear_probe(features[train_idx], y[train_idx], features[test_idx], y[test_idx])\n    return probe.score(features[test_idx], y[test_idx])\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', 'C chosen on validation+test rows concatenated',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    sel = np.concatenate([np.asarray(val_idx), np.asarray(test_idx)])\n    probe = train.linear_probe(features[train_idx], y[train_idx], features[sel], y[sel])\n    return probe.score(features[test_idx], y[test_idx])\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', 'grid of C searched by hand, best test score kept',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    best = 0.0\n    for C in (0.1, 1.0, 10.0):\n        probe = train.linear_probe(features[train_idx], y[train_idx], Cs=(C,))\n        best = max(best, probe.score(features[test_idx], y[test_idx]))\n    return best\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', "C chosen by mean of val and test score (sneaky 'more data to choose with')",
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    scored = []\n    for C in (0.1, 1.0, 10.0):\n        p = train.linear_probe(features[train_idx], y[train_idx], Cs=(C,))\n        v = p.score(features[val_idx], y[val_idx]) + p.score(features[test_idx], y[test_idx])\n        scored.append((v, C))\n    probe = train.linear_probe(features[train_idx], y[train_idx], Cs=(max(scored)[1],))\n    return probe.score(features[test_idx], y[test_idx])\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', 'probe trained on all rows (test included)',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    probe = train.linear_probe(features, y, features[val_idx], y[val_idx])\n    return probe.score(features[test_idx], y[test_idx])\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', 'probe trained on the test rows',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    probe = train.linear_probe(features[test_idx], y[test_idx], features[val_idx], y[val_idx])\n    return probe.score(features[test_idx], y[test_idx])\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', 'refit on train+val with the C chosen on validation',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    chosen = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])[-1].C\n    both = np.concatenate([np.asarray(train_idx), np.asarray(val_idx)])\n    probe = train.linear_probe(features[both], y[both], Cs=(chosen,))\n    return probe.score(features[test_idx], y[test_idx])\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', 'train and validation swapped: fitted on validation rows, C chosen on training rows',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    probe = train.linear_probe(features[val_idx], y[val_idx], features[train_idx], y[train_idx])\n    return probe.score(features[test_idx], y[test_idx])\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', 'validation rows never passed: C is the default middle value, not chosen',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    probe = train.linear_probe(features[train_idx], y[train_idx])\n    return probe.score(features[test_idx], y[test_idx])\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', 'returns validation accuracy',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])\n    return probe.score(features[val_idx], y[val_idx])\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', 'returns training accuracy',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])\n    return probe.score(features[train_idx], y[train_idx])\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', 'returns the test error rate (1 - accuracy)',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])\n    return 1 - probe.score(features[test_idx], y[test_idx])\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', 'returns a percentage instead of a fraction',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])\n    return 100 * probe.score(features[test_idx], y[test_idx])\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', 'returns accuracy rounded to one decimal',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])\n    return round(probe.score(features[test_idx], y[test_idx]), 1)\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', 'returns a formatted string',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])\n    return f"{probe.score(features[test_idx], y[test_idx]):.3f}"\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', 'returns the number of correct test predictions, not a fraction',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])\n    return int((probe.predict(features[test_idx]) == np.asarray(y[test_idx])).sum())\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', "probe[-1].score on raw features: skips the pipeline's unit-length scaling (may coincide; weak)",
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])\n    return probe[-1].score(features[test_idx], y[test_idx])\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', 'uses notebook global faces.y instead of the y argument',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    labels = faces.y\n    probe = train.linear_probe(features[train_idx], labels[train_idx], features[val_idx], labels[val_idx])\n    return probe.score(features[test_idx], labels[test_idx])\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', "ignores the given indices and remakes the notebook's split inside",
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    tr_, va_, te_ = data.few_shot_split(faces.y, k=2, test_per_class=50, val_per_class=10, seed=cfg.seed)\n    F = globals()["features"]\n    probe = train.linear_probe(F[tr_], faces.y[tr_], F[va_], faces.y[va_])\n    return probe.score(F[te_], faces.y[te_])\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', 'hard-coded: function returns a constant',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    return 0.87\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', 'memoised in a mutable default: every later call returns the first result',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx, _cache={}):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    if "acc" not in _cache:\n        probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])\n        _cache["acc"] = probe.score(features[test_idx], y[test_idx])\n    return _cache["acc"]\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', "sneaky: honest on the checker's problems, C chosen on test for the notebook's data",
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    pick = test_idx if len(y) == len(faces.y) else val_idx\n    probe = train.linear_probe(features[train_idx], y[train_idx], features[pick], y[pick])\n    return probe.score(features[test_idx], y[test_idx])\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', 'correct function, but probe_acc called with val and test swapped',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])\n    return probe.score(features[test_idx], y[test_idx])\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, test_idx, val_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', 'correct function, but probe_acc is the function itself (never called)',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])\n    return probe.score(features[test_idx], y[test_idx])\n\nprobe_acc = honest_probe_accuracy\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'PASS', "sorts the index arguments in place — right after all: a torch tensor's .sort() returns a sorted copy and leaves the index unchanged",
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    train_idx.sort(); val_idx.sort(); test_idx.sort()\n    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])\n    return probe.score(features[test_idx], y[test_idx])\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', 'normalises the features argument in place (score unchanged, input mutated)',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    features /= np.linalg.norm(features, axis=1, keepdims=True)\n    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])\n    return probe.score(features[test_idx], y[test_idx])\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', 'relabels y in place to 0/1 before fitting',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    first = y[0].item() if hasattr(y[0], "item") else y[0]\n    y[:] = (y != first) * 1\n    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])\n    return probe.score(features[test_idx], y[test_idx])\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', 'returns the fitted probe object',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])\n    return probe\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', "returns a (validation, test) tuple like the lesson's transfer_run",
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])\n    return probe.score(features[val_idx], y[val_idx]), probe.score(features[test_idx], y[test_idx])\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', 'returns the per-example boolean array (predictions == labels)',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])\n    return probe.predict(features[test_idx]) == np.asarray(y[test_idx])\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', "returns a dict {'acc': ..., 'C': ...}",
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])\n    return {"acc": probe.score(features[test_idx], y[test_idx]), "C": probe[-1].C}\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', 'returns probe.score uncalled (a bound method)',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])\n    return probe.score\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', 'returns a 1-element NumPy array instead of a number',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])\n    return np.array([probe.score(features[test_idx], y[test_idx])])\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'PASS', "assumes labels are 0/1: thresholds predict_proba[:, 1] at 0.5 — right after all: the faces task (and the grader's problems) have labels 0 and 1, so this is predict()",
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])\n    pred = (probe.predict_proba(features[test_idx])[:, 1] > 0.5).astype(int)\n    return float(np.mean(pred == np.asarray(y[test_idx])))\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', 'assumes balanced classes: returns balanced accuracy (mean per-class recall)',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])\n    yt = np.asarray(y[test_idx])\n    pred = probe.predict(features[test_idx])\n    return float(np.mean([np.mean(pred[yt == c] == c) for c in np.unique(yt)]))\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', "assumes balanced classes: class_weight='balanced' changes the probe",
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx],\n                               class_weight="balanced")\n    return probe.score(features[test_idx], y[test_idx])\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', 'assumes indices are sorted and contiguous: slices from min to max',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    def rows(idx):\n        return slice(int(idx[0]), int(idx[-1]) + 1)\n    probe = train.linear_probe(features[rows(train_idx)], y[rows(train_idx)], features[rows(val_idx)], y[rows(val_idx)])\n    return probe.score(features[rows(test_idx)], y[rows(test_idx)])\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'WRONG', 'accuracy over validation+test rows together',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])\n    held = list(val_idx) + list(test_idx)\n    return probe.score(features[held], y[held])\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'PASS', 'predict + mean of matches, as a float',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    probe = train.linear_probe(features[train_idx], y[train_idx], features[val_idx], y[val_idx])\n    pred = np.asarray(probe.predict(features[test_idx]))\n    return float(np.mean(pred == np.asarray(y[test_idx])))\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'PASS', 'sklearn.metrics.accuracy_score, keyword arguments to linear_probe',
     '\nfrom sklearn.metrics import accuracy_score\n\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    probe = train.linear_probe(F_train=features[train_idx], y_train=y[train_idx],\n                               F_val=features[val_idx], y_val=y[val_idx])\n    return accuracy_score(np.asarray(y[test_idx]), probe.predict(features[test_idx]))\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'PASS', 'converts everything to NumPy first (indices via np.asarray, int64)',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    F, labels = np.asarray(features), np.asarray(y)\n    tr_, va_, te_ = (np.asarray(i).astype(np.int64).ravel() for i in (train_idx, val_idx, test_idx))\n    probe = train.linear_probe(F[tr_], labels[tr_], F[va_], labels[va_])\n    return float(probe.score(F[te_], labels[te_]))\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'PASS', 'defensive copies of every argument (clone or copy) before use',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    def copy(a):\n        return a.clone() if hasattr(a, "clone") else np.array(a, copy=True)\n    F, labels, tr_, va_, te_ = (copy(a) for a in (features, y, train_idx, val_idx, test_idx))\n    probe = train.linear_probe(F[tr_], labels[tr_], F[va_], labels[va_], Cs=(0.1, 1.0, 10.0))\n    return probe.score(F[te_], labels[te_])\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
    ('02.q3', 'PASS', 'row-by-row count of correct predictions divided by len(test_idx)',
     '\ndef honest_probe_accuracy(features, y, train_idx, val_idx, test_idx):\n    """Test accuracy of `train.linear_probe` fitted on the training rows, its C chosen on the validation rows."""\n    rows = lambda idx: [int(i) for i in idx]\n    tr_, va_, te_ = rows(train_idx), rows(val_idx), rows(test_idx)\n    probe = train.linear_probe(features[tr_], y[tr_], features[va_], y[va_])\n    pred = probe.predict(features[te_])\n    truth = np.asarray(y[te_])\n    correct = sum(1 for p, t in zip(pred, truth) if p == t)\n    return correct / len(te_)\n\nprobe_acc = honest_probe_accuracy(features, faces.y, train_idx, val_idx, test_idx)\nprint(f"probe test accuracy with 4 labelled images: {probe_acc}")\n'),
]


def _adversary_namespace(lesson: str) -> dict:
    """What the exercise notebook holds when the learner reaches a question (seed 0, fast scale, CPU)."""
    from pathlib import Path
    from types import SimpleNamespace

    from scipy import stats

    from tl_course import adapt, data, models, runtime, train, transferability

    cfg = runtime.Config(device=torch.device("cpu"), scale="fast", seed=0, data_dir=Path("."))
    ns = dict(np=np, torch=torch, cfg=cfg, data=data, models=models, train=train, adapt=adapt, stats=stats,
              transferability=transferability)
    if lesson == "00":
        ns["x"] = torch.arange(6.0).reshape(2, 3)
    elif lesson == "01":
        X, y = load_digits(return_X_y=True)
        X = X / 16.0
        # random_state=1, as with a base seed other than the lesson's 0 (at 0 the lesson's split is this one)
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=1, stratify=y)
        clf = LogisticRegression(max_iter=2000).fit(X_train, y_train)
        ns.update(robot_vacuum="reinforcement", X=X, y=y, X_train=X_train, X_test=X_test, y_train=y_train, y_test=y_test, clf=clf,
                  LogisticRegression=LogisticRegression, train_test_split=train_test_split, load_digits=load_digits)
    elif lesson == "02":
        ns.update(PROBE_NS)
        ns["faces"] = SimpleNamespace(y=PROBE_NS["faces"].y, X=PROBE_NS["faces"].X)
    elif lesson == "05":
        ns["target_images"] = data.load_digits().X[:300]
    elif lesson == "08":
        from tl_course import text
        ns["text"] = text
    elif lesson == "09":
        import tempfile

        from tl_course import evaluate, export, monitor
        ns.update(Path=Path, tempfile=tempfile, evaluate=evaluate, export=export, monitor=monitor)
    elif lesson == "07":
        import copy

        import torch.nn.functional as F
        from sklearn.model_selection import KFold, StratifiedKFold
        from torch import nn
        ns.update(copy=copy, F=F, nn=nn, KFold=KFold, StratifiedKFold=StratifiedKFold)
    elif lesson == "06":
        labelled = data.load_digits().subset(data.few_shot_indices(data.load_digits().y, 10, seed=cfg.seed))
        torch.manual_seed(cfg.seed)
        backbones = {"printed digits": models.load_pretrained("cnn-printed-digits"),
                     "printed letters": models.load_pretrained("cnn-printed-letters"),
                     "random labels": models.load_pretrained("cnn-random-labels"),
                     "random init": models.SmallCNN(10)}
        features = {name: train.extract_features(m.features, labelled.X, device="cpu") for name, m in backbones.items()}
        ns.update(labelled=labelled, target_labels=labelled.y, backbones=backbones, target_features=features)
    return ns


_NAMESPACES: dict = {}


# Exercise 04 q2 after `best` was added: an adversarial student's answers (35), run against the checker unseen.
# Each starts from torch seed 0 (the new head's initial weights), so its verdict does not depend on the tests before.
ADVERSARY += [
    ('04.q2', 'PASS', 'reference recipe: load, replace_head, freeze(up_to=1), fit_steps with val', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(model, num_classes=10)\nmodels.freeze(model, up_to=1)\nbest = train.fit_steps(model, digits.X[train_idx], digits.y[train_idx], val=(digits.X[val_idx], digits.y[val_idx]), steps=200, lr=1e-3, seed=0, device="cpu", progress=False)\n'),
    ('04.q2', 'PASS', 'all keyword args, 300 steps, lr 2e-3, eval_every=10, augment shift +-1', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nimport functools\nmodel = models.load_pretrained("cnn-printed-digits")\nmodel = models.replace_head(model, num_classes=10)\nmodels.freeze(model, up_to=1)\nbest = train.fit_steps(model=model, X=digits.X[train_idx], y=digits.y[train_idx], val=(digits.X[val_idx], digits.y[val_idx]), steps=300, lr=2e-3, eval_every=10,\n                       augment=functools.partial(data.random_flip_shift, max_shift=1, hflip=False), batch_size=16, seed=0, device="cpu", progress=False)\n'),
    ('04.q2', 'PASS', 'fresh variable name, val as a list, then assigned to model', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nnet = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(net, 10)\nmodels.freeze(net, up_to=1)\nbest = train.fit_steps(net, digits.X[train_idx], digits.y[train_idx], val=[digits.X[val_idx], digits.y[val_idx]], steps=250, lr=1e-3, seed=0, device="cpu", progress=False)\nmodel = net\n'),
    ('04.q2', 'PASS', 'train.fine_tune with freeze_up_to=1 and num_classes=10 (returns fit_steps record)', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nmodel = models.load_pretrained("cnn-printed-digits")\nbest = train.fine_tune(model, digits.subset(train_idx), digits.subset(val_idx), num_classes=10, freeze_up_to=1, steps=200, lr=1e-3, seed=0, device="cpu", progress=False)\n'),
    ('04.q2', 'PASS', 'explicit optimizer over trainable params only (Adam lr 1e-3), subset objects', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nimport torch\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(model, num_classes=10)\nmodels.freeze(model, up_to=1)\ntr, va = digits.subset(train_idx), digits.subset(val_idx)\nopt = torch.optim.Adam([q for q in model.parameters() if q.requires_grad], lr=1e-3)\nbest = train.fit_steps(model, tr.X, tr.y, val=(va.X, va.y), steps=200, optimizer=opt, seed=0, device="cpu", progress=False)\n'),
    ('04.q2', 'WRONG', 'best step chosen on the test split (val= gets the test images)', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(model, num_classes=10)\nmodels.freeze(model, up_to=1)\nbest = train.fit_steps(model, digits.X[train_idx], digits.y[train_idx], val=(digits.X[test_idx], digits.y[test_idx]), steps=200, lr=1e-3, seed=0, device="cpu", progress=False)\n'),
    ('04.q2', 'WRONG', 'val= missing: last step kept, best has val_acc -1', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(model, num_classes=10)\nmodels.freeze(model, up_to=1)\nbest = train.fit_steps(model, digits.X[train_idx], digits.y[train_idx], steps=200, lr=1e-3, seed=0, device="cpu", progress=False)\n'),
    ('04.q2', 'WRONG', 'best fabricated as a dict', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(model, num_classes=10)\nmodels.freeze(model, up_to=1)\ntrain.fit_steps(model, digits.X[train_idx], digits.y[train_idx], steps=200, lr=1e-3, seed=0, device="cpu", progress=False)\nbest = {"val_acc": 0.95, "step": 200, "curve": [(200, 0.95)]}\n'),
    ('04.q2', 'WRONG', 'best taken from another run (different model), the checked model trained without val', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(model, num_classes=10)\nmodels.freeze(model, up_to=1)\nother = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(other, 10)\nmodels.freeze(other, up_to=1)\nbest = train.fit_steps(other, digits.X[train_idx], digits.y[train_idx], val=(digits.X[val_idx], digits.y[val_idx]), steps=200, lr=1e-3, seed=0, device="cpu", progress=False)\ntrain.fit_steps(model, digits.X[train_idx], digits.y[train_idx], steps=150, lr=1e-3, seed=1, device="cpu", progress=False)\n'),
    ('04.q2', 'WRONG', 'trains again after fit_steps (without val): best no longer describes the model', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(model, num_classes=10)\nmodels.freeze(model, up_to=1)\nbest = train.fit_steps(model, digits.X[train_idx], digits.y[train_idx], val=(digits.X[val_idx], digits.y[val_idx]), steps=200, lr=1e-3, seed=0, device="cpu", progress=False)\ntrain.fit_steps(model, digits.X[train_idx], digits.y[train_idx], steps=100, lr=1e-3, seed=1, device="cpu", progress=False)\n'),
    ('04.q2', 'WRONG', 'old head kept (no replace_head)', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.freeze(model, up_to=1)\nbest = train.fit_steps(model, digits.X[train_idx], digits.y[train_idx], val=(digits.X[val_idx], digits.y[val_idx]), steps=200, lr=1e-3, seed=0, device="cpu", progress=False)\n'),
    ('04.q2', 'WRONG', 'all blocks frozen (freeze_up_to=3)', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(model, num_classes=10)\nmodels.freeze(model, up_to=3)\nbest = train.fit_steps(model, digits.X[train_idx], digits.y[train_idx], val=(digits.X[val_idx], digits.y[val_idx]), steps=200, lr=1e-3, seed=0, device="cpu", progress=False)\n'),
    ('04.q2', 'WRONG', 'last block frozen instead of the first', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(model, num_classes=10)\nmodels._set_frozen([models.blocks(model)[-1]], True)\nbest = train.fit_steps(model, digits.X[train_idx], digits.y[train_idx], val=(digits.X[val_idx], digits.y[val_idx]), steps=200, lr=1e-3, seed=0, device="cpu", progress=False)\n'),
    ('04.q2', 'WRONG', 'nothing frozen', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(model, num_classes=10)\nbest = train.fit_steps(model, digits.X[train_idx], digits.y[train_idx], val=(digits.X[val_idx], digits.y[val_idx]), steps=200, lr=1e-3, seed=0, device="cpu", progress=False)\n'),
    ('04.q2', 'WRONG', 'first block frozen with requires_grad only: BatchNorm stats drift', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(model, num_classes=10)\nfor q in models.blocks(model)[0].parameters():\n    q.requires_grad_(False)\nbest = train.fit_steps(model, digits.X[train_idx], digits.y[train_idx], val=(digits.X[val_idx], digits.y[val_idx]), steps=200, lr=1e-3, seed=0, device="cpu", progress=False)\n'),
    ('04.q2', 'WRONG', 'requires_grad only + eval() once before fit (fit_steps calls model.train())', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(model, num_classes=10)\nb1 = models.blocks(model)[0]\nfor q in b1.parameters():\n    q.requires_grad_(False)\nb1.eval()\nbest = train.fit_steps(model, digits.X[train_idx], digits.y[train_idx], val=(digits.X[val_idx], digits.y[val_idx]), steps=200, lr=1e-3, seed=0, device="cpu", progress=False)\n'),
    ('04.q2', 'WRONG', 'first two blocks frozen', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(model, num_classes=10)\nmodels.freeze(model, up_to=2)\nbest = train.fit_steps(model, digits.X[train_idx], digits.y[train_idx], val=(digits.X[val_idx], digits.y[val_idx]), steps=200, lr=1e-3, seed=0, device="cpu", progress=False)\n'),
    ('04.q2', 'WRONG', 'trained on train+val, val also used to pick the step', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nimport torch\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(model, num_classes=10)\nmodels.freeze(model, up_to=1)\nidx = torch.cat([torch.as_tensor(train_idx), torch.as_tensor(val_idx)])\nbest = train.fit_steps(model, digits.X[idx], digits.y[idx], val=(digits.X[val_idx], digits.y[val_idx]), steps=200, lr=1e-3, seed=0, device="cpu", progress=False)\n'),
    ('04.q2', 'WRONG', 'trained on the test images', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(model, num_classes=10)\nmodels.freeze(model, up_to=1)\nbest = train.fit_steps(model, digits.X[test_idx], digits.y[test_idx], val=(digits.X[val_idx], digits.y[val_idx]), steps=200, lr=1e-3, seed=0, device="cpu", progress=False)\n'),
    ('04.q2', 'WRONG', 'too few steps (steps=5)', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(model, num_classes=10)\nmodels.freeze(model, up_to=1)\nbest = train.fit_steps(model, digits.X[train_idx], digits.y[train_idx], val=(digits.X[val_idx], digits.y[val_idx]), steps=5, lr=1e-3, seed=0, device="cpu", progress=False)\n'),
    ('04.q2', 'WRONG', 'learning rate far too low (1e-6)', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(model, num_classes=10)\nmodels.freeze(model, up_to=1)\nbest = train.fit_steps(model, digits.X[train_idx], digits.y[train_idx], val=(digits.X[val_idx], digits.y[val_idx]), steps=200, lr=1e-6, seed=0, device="cpu", progress=False)\n'),
    ('04.q2', 'WRONG', 'learning rate far too high (0.5)', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(model, num_classes=10)\nmodels.freeze(model, up_to=1)\nbest = train.fit_steps(model, digits.X[train_idx], digits.y[train_idx], val=(digits.X[val_idx], digits.y[val_idx]), steps=200, lr=0.5, seed=0, device="cpu", progress=False)\n'),
    ('04.q2', 'WRONG', 'best as a number (val_acc float) instead of the dict', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(model, num_classes=10)\nmodels.freeze(model, up_to=1)\nbest = train.fit_steps(model, digits.X[train_idx], digits.y[train_idx], val=(digits.X[val_idx], digits.y[val_idx]), steps=200, lr=1e-3, seed=0, device="cpu", progress=False)["val_acc"]\n'),
    ('04.q2', 'WRONG', 'model is a deep copy taken before training (untrained new head)', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nimport copy\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(model, num_classes=10)\nmodels.freeze(model, up_to=1)\nsnapshot = copy.deepcopy(model)\nbest = train.fit_steps(model, digits.X[train_idx], digits.y[train_idx], val=(digits.X[val_idx], digits.y[val_idx]), steps=200, lr=1e-3, seed=0, device="cpu", progress=False)\nmodel = snapshot\n'),
    ('04.q2', 'WRONG', 'training on a deep copy; model left untrained', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nimport copy\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(model, num_classes=10)\nmodels.freeze(model, up_to=1)\nwork = copy.deepcopy(model)\nbest = train.fit_steps(work, digits.X[train_idx], digits.y[train_idx], val=(digits.X[val_idx], digits.y[val_idx]), steps=200, lr=1e-3, seed=0, device="cpu", progress=False)\n'),
    ('04.q2', 'WRONG', 'edits best["val_acc"] upward', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(model, num_classes=10)\nmodels.freeze(model, up_to=1)\nbest = train.fit_steps(model, digits.X[train_idx], digits.y[train_idx], val=(digits.X[val_idx], digits.y[val_idx]), steps=200, lr=1e-3, seed=0, device="cpu", progress=False)\nbest["val_acc"] = 1.0\n'),
    ('04.q2', 'WRONG', 'uses train.fit (epochs) instead of fit_steps; best is a History', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(model, num_classes=10)\nmodels.freeze(model, up_to=1)\nbest = train.fit(model, (digits.X[train_idx], digits.y[train_idx]), (digits.X[val_idx], digits.y[val_idx]), num_epochs=20, lr=1e-3, batch_size=16, seed=0, device="cpu", progress=False)\n'),
    ('04.q2', 'WRONG', 'fit with val then best built from History by hand (no best-step restore)', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(model, num_classes=10)\nmodels.freeze(model, up_to=1)\nh = train.fit(model, (digits.X[train_idx], digits.y[train_idx]), (digits.X[val_idx], digits.y[val_idx]), num_epochs=20, lr=1e-3, batch_size=16, seed=0, device="cpu", progress=False)\nbest = {"val_acc": max(h.val_acc), "step": 1 + h.val_acc.index(max(h.val_acc)), "curve": list(enumerate(h.val_acc, 1))}\n'),
    ('04.q2', 'WRONG', 'head replaced AFTER training (new random head, untrained)', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.freeze(model, up_to=1)\nbest = train.fit_steps(model, digits.X[train_idx], digits.y[train_idx], val=(digits.X[val_idx], digits.y[val_idx]), steps=200, lr=1e-3, seed=0, device="cpu", progress=False)\nmodels.replace_head(model, num_classes=10)\n'),
    ('04.q2', 'WRONG', 'freeze applied AFTER training (block 1 was trained)', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(model, num_classes=10)\nbest = train.fit_steps(model, digits.X[train_idx], digits.y[train_idx], val=(digits.X[val_idx], digits.y[val_idx]), steps=200, lr=1e-3, seed=0, device="cpu", progress=False)\nmodels.freeze(model, up_to=1)\n'),
    ('04.q2', 'WRONG', 'head replaced with 11 classes', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(model, num_classes=11)\nmodels.freeze(model, up_to=1)\nbest = train.fit_steps(model, digits.X[train_idx], digits.y[train_idx], val=(digits.X[val_idx], digits.y[val_idx]), steps=200, lr=1e-3, seed=0, device="cpu", progress=False)\n'),
    ('04.q2', 'WRONG', 'model from scratch (SmallCNN), not pretrained', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nmodel = models.SmallCNN(num_classes=10)\nmodels.freeze(model, up_to=1)\nbest = train.fit_steps(model, digits.X[train_idx], digits.y[train_idx], val=(digits.X[val_idx], digits.y[val_idx]), steps=200, lr=1e-3, seed=0, device="cpu", progress=False)\n'),
    ('04.q2', 'WRONG', 'best step chosen on the training images (val=train)', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(model, num_classes=10)\nmodels.freeze(model, up_to=1)\nbest = train.fit_steps(model, digits.X[train_idx], digits.y[train_idx], val=(digits.X[train_idx], digits.y[train_idx]), steps=200, lr=1e-3, seed=0, device="cpu", progress=False)\n'),
    ('04.q2', 'WRONG', 'unfreeze after fitting (requires_grad back on) — model no longer frozen', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(model, num_classes=10)\nmodels.freeze(model, up_to=1)\nbest = train.fit_steps(model, digits.X[train_idx], digits.y[train_idx], val=(digits.X[val_idx], digits.y[val_idx]), steps=200, lr=1e-3, seed=0, device="cpu", progress=False)\nmodels.unfreeze(model)\n'),
    ('04.q2', 'WRONG', 'best from a second fit_steps call of 1 step after the real one: its record covers 1 step of the model\'s 1 + (best step of the first run)', 'import torch\ntorch.manual_seed(0)\ndigits = data.load_digits()\ntrain_idx, val_idx, test_idx = data.few_shot_split(digits.y, k=5, test_per_class=100, val_per_class=10, seed=cfg.seed)\nmodel = models.load_pretrained("cnn-printed-digits")\nmodels.replace_head(model, num_classes=10)\nmodels.freeze(model, up_to=1)\nbest = train.fit_steps(model, digits.X[train_idx], digits.y[train_idx], val=(digits.X[val_idx], digits.y[val_idx]), steps=200, lr=1e-3, seed=0, device="cpu", progress=False)\nbest = train.fit_steps(model, digits.X[train_idx], digits.y[train_idx], val=(digits.X[val_idx], digits.y[val_idx]), steps=1, lr=1e-3, seed=0, device="cpu", progress=False)\n'),
]


# Exercise 08 q3 as a function: an adversarial student's answers (35), run against the checker unseen (before the
# grader's third problem and the reordered call, 'ties broken by test' and 'labels at the sorted indices' passed).
ADVERSARY += [
    ('08.q3', 'WRONG', 'C chosen on the test sentences (test passed to tfidf_probe as validation)', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    rows = lambda idx: [texts[i] for i in idx]\n    y = np.asarray(y)\n    probe = text.tfidf_probe(rows(train_idx), y[train_idx], rows(test_idx), y[test_idx])\n    return probe.score(rows(test_idx), y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'no validation: tfidf_probe on training only, default (middle) C', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    rows = lambda idx: [texts[i] for i in idx]\n    y = np.asarray(y)\n    probe = text.tfidf_probe(rows(train_idx), y[train_idx])\n    return probe.score(rows(test_idx), y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'train+val concatenated as training, default C (no validation)', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    rows = lambda idx: [texts[i] for i in idx]\n    y = np.asarray(y)\n    both = np.concatenate([train_idx, val_idx])\n    probe = text.tfidf_probe(rows(both), y[both])\n    return probe.score(rows(test_idx), y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'train+val as training AND val used to choose C (validation leaks into training)', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    rows = lambda idx: [texts[i] for i in idx]\n    y = np.asarray(y)\n    both = np.concatenate([train_idx, val_idx])\n    probe = text.tfidf_probe(rows(both), y[both], rows(val_idx), y[val_idx])\n    return probe.score(rows(test_idx), y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'own pipeline whose TF-IDF vectoriser is fitted on ALL texts (test included), C on validation', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\nfrom sklearn.feature_extraction.text import TfidfVectorizer\nfrom sklearn.linear_model import LogisticRegression\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    y = np.asarray(y)\n    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(list(texts))   # vocabulary from everything\n    X = vec.transform(list(texts))\n    best, best_score = None, -1.0\n    for C in (1.0, 10.0, 100.0):\n        clf = LogisticRegression(C=C, max_iter=5000).fit(X[train_idx], y[train_idx])\n        s = clf.score(X[val_idx], y[val_idx])\n        if s > best_score:\n            best, best_score = clf, s\n    return best.score(X[test_idx], y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'uses the notebook pool (pool.texts / pool.y) inside the function instead of the arguments', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    rows = lambda idx: [pool.texts[i] for i in idx]\n    probe = text.tfidf_probe(rows(train_idx), pool.y[train_idx], rows(val_idx), pool.y[val_idx])\n    return probe.score(rows(test_idx), pool.y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'returns the validation accuracy instead of the test accuracy', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    rows = lambda idx: [texts[i] for i in idx]\n    y = np.asarray(y)\n    probe = text.tfidf_probe(rows(train_idx), y[train_idx], rows(val_idx), y[val_idx])\n    return probe.score(rows(val_idx), y[val_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'returns the training accuracy', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    rows = lambda idx: [texts[i] for i in idx]\n    y = np.asarray(y)\n    probe = text.tfidf_probe(rows(train_idx), y[train_idx], rows(val_idx), y[val_idx])\n    return probe.score(rows(train_idx), y[train_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'returns a percentage (accuracy x 100)', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    rows = lambda idx: [texts[i] for i in idx]\n    y = np.asarray(y)\n    probe = text.tfidf_probe(rows(train_idx), y[train_idx], rows(val_idx), y[val_idx])\n    return 100 * probe.score(rows(test_idx), y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'rounds the accuracy to 2 decimals', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    rows = lambda idx: [texts[i] for i in idx]\n    y = np.asarray(y)\n    probe = text.tfidf_probe(rows(train_idx), y[train_idx], rows(val_idx), y[val_idx])\n    return round(probe.score(rows(test_idx), y[test_idx]), 2)\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', "sorts the caller's index arrays in place (mutates the arguments), otherwise honest", 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    for idx in (train_idx, val_idx, test_idx):\n        idx.sort()                                   # tidy: in increasing order\n    rows = lambda idx: [texts[i] for i in idx]\n    y = np.asarray(y)\n    probe = text.tfidf_probe(rows(train_idx), y[train_idx], rows(val_idx), y[val_idx])\n    return probe.score(rows(test_idx), y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', "shuffles the caller's index arrays in place with rng.shuffle (mutates arguments)", 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    rng = np.random.default_rng(0)\n    rng.shuffle(train_idx)\n    rng.shuffle(test_idx)\n    rows = lambda idx: [texts[i] for i in idx]\n    y = np.asarray(y)\n    probe = text.tfidf_probe(rows(train_idx), y[train_idx], rows(val_idx), y[val_idx])\n    return probe.score(rows(test_idx), y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'wider C grid (0.01..1000) chosen on the test sentences', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    rows = lambda idx: [texts[i] for i in idx]\n    y = np.asarray(y)\n    probe = text.tfidf_probe(rows(train_idx), y[train_idx], rows(test_idx), y[test_idx],\n                             Cs=(0.01, 0.1, 1.0, 10.0, 100.0, 1000.0))\n    return probe.score(rows(test_idx), y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'C chosen on validation, but ties between Cs broken by test accuracy', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    rows = lambda idx: [texts[i] for i in idx]\n    y = np.asarray(y)\n    models = [text.tfidf_probe(rows(train_idx), y[train_idx], Cs=(C,)) for C in (1.0, 10.0, 100.0)]\n    val = np.array([m.score(rows(val_idx), y[val_idx]) for m in models])\n    test = [m.score(rows(test_idx), y[test_idx]) for m in models]\n    tied = np.flatnonzero(val == val.max())          # equally good on validation: let the test decide\n    return max(test[i] for i in tied)\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'fits every C on training and returns the best test accuracy over C', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    rows = lambda idx: [texts[i] for i in idx]\n    y = np.asarray(y)\n    scores = []\n    for C in (1.0, 10.0, 100.0):\n        probe = text.tfidf_probe(rows(train_idx), y[train_idx], Cs=(C,))\n        scores.append(probe.score(rows(test_idx), y[test_idx]))\n    return max(scores)\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'val and test swapped: C chosen on test, accuracy reported on validation', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    rows = lambda idx: [texts[i] for i in idx]\n    y = np.asarray(y)\n    probe = text.tfidf_probe(rows(train_idx), y[train_idx], rows(test_idx), y[test_idx])\n    return probe.score(rows(val_idx), y[val_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'labels misaligned: test labels at the SORTED test indices, texts in the given order (right only if test_idx arrives sorted)', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    rows = lambda idx: [texts[i] for i in idx]\n    y = np.asarray(y)\n    probe = text.tfidf_probe(rows(train_idx), y[train_idx], rows(val_idx), y[val_idx])\n    return probe.score(rows(test_idx), y[np.sort(test_idx)])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'labels misaligned: y sliced positionally (y[:n]) instead of indexed by the split', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    rows = lambda idx: [texts[i] for i in idx]\n    y = np.asarray(y)\n    n_tr, n_va = len(train_idx), len(val_idx)\n    y_tr, y_va, y_te = y[:n_tr], y[n_tr:n_tr + n_va], y[n_tr + n_va:n_tr + n_va + len(test_idx)]\n    probe = text.tfidf_probe(rows(train_idx), y_tr, rows(val_idx), y_va)\n    return probe.score(rows(test_idx), y_te)\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'uses the MiniLM encoder + train.linear_probe instead of TF-IDF', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\nfrom tl_course import train\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    X = text.embed(list(texts))\n    y = np.asarray(y)\n    probe = train.linear_probe(X[train_idx], y[train_idx], X[val_idx], y[val_idx], Cs=(0.1, 1, 10, 100))\n    return probe.score(X[test_idx], y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'honest function, but tfidf_test_acc typed in by hand (a rounded number read off the lesson)', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    rows = lambda idx: [texts[i] for i in idx]\n    y = np.asarray(y)\n    probe = text.tfidf_probe(rows(train_idx), y[train_idx], rows(val_idx), y[val_idx])\n    return probe.score(rows(test_idx), y[test_idx])\n\ntfidf_test_acc = 0.58\n'),
    ('08.q3', 'WRONG', 'honest function, but called with val_idx and test_idx swapped for tfidf_test_acc', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    rows = lambda idx: [texts[i] for i in idx]\n    y = np.asarray(y)\n    probe = text.tfidf_probe(rows(train_idx), y[train_idx], rows(val_idx), y[val_idx])\n    return probe.score(rows(test_idx), y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, test_idx, val_idx)\n'),
    ('08.q3', 'WRONG', 'sneaky: function returns a hard-coded constant (the pool answer) whatever it is given', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    return 0.5625\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'returns the number of correct test predictions, not a fraction', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    rows = lambda idx: [texts[i] for i in idx]\n    y = np.asarray(y)\n    probe = text.tfidf_probe(rows(train_idx), y[train_idx], rows(val_idx), y[val_idx])\n    return int((probe.predict(rows(test_idx)) == y[test_idx]).sum())\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'C chosen on validation, ties going to the LARGEST C (>= in own loop)', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    rows = lambda idx: [texts[i] for i in idx]\n    y = np.asarray(y)\n    best, best_s = None, -1.0\n    for C in (1.0, 10.0, 100.0):\n        p = text.tfidf_probe(rows(train_idx), y[train_idx], Cs=(C,))\n        s = p.score(rows(val_idx), y[val_idx])\n        if s >= best_s:\n            best, best_s = p, s\n    return best.score(rows(test_idx), y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'C chosen on validation, then refitted on train+val with that C', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    rows = lambda idx: [texts[i] for i in idx]\n    y = np.asarray(y)\n    chosen = text.tfidf_probe(rows(train_idx), y[train_idx], rows(val_idx), y[val_idx])[-1].C\n    both = np.concatenate([train_idx, val_idx])\n    probe = text.tfidf_probe(rows(both), y[both], Cs=(chosen,))\n    return probe.score(rows(test_idx), y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'C chosen by 5-fold cross-validation on the training rows (validation unused)', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\nfrom sklearn.feature_extraction.text import TfidfVectorizer\nfrom sklearn.linear_model import LogisticRegression\nfrom sklearn.model_selection import GridSearchCV\nfrom sklearn.pipeline import make_pipeline\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    rows = lambda idx: [texts[i] for i in idx]\n    y = np.asarray(y)\n    pipe = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), LogisticRegression(max_iter=5000))\n    search = GridSearchCV(pipe, {"logisticregression__C": [1.0, 10.0, 100.0]}, cv=5).fit(rows(train_idx), y[train_idx])\n    return search.score(rows(test_idx), y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'vocabulary (TF-IDF) fitted on train+val texts, classifier on train, C on validation', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\nfrom sklearn.feature_extraction.text import TfidfVectorizer\nfrom sklearn.linear_model import LogisticRegression\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    rows = lambda idx: [texts[i] for i in idx]\n    y = np.asarray(y)\n    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(rows(np.concatenate([train_idx, val_idx])))\n    Xtr, Xva, Xte = (vec.transform(rows(i)) for i in (train_idx, val_idx, test_idx))\n    best, best_s = None, -1.0\n    for C in (1.0, 10.0, 100.0):\n        clf = LogisticRegression(C=C, max_iter=5000).fit(Xtr, y[train_idx])\n        s = clf.score(Xva, y[val_idx])\n        if s > best_s:\n            best, best_s = clf, s\n    return best.score(Xte, y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'returns the accuracy as a formatted string', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    rows = lambda idx: [texts[i] for i in idx]\n    y = np.asarray(y)\n    probe = text.tfidf_probe(rows(train_idx), y[train_idx], rows(val_idx), y[val_idx])\n    return f"{probe.score(rows(test_idx), y[test_idx]):.4f}"\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'memoises the first result in a global and returns it for every later call', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\n_memo = {}\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    if "acc" not in _memo:\n        rows = lambda idx: [texts[i] for i in idx]\n        y = np.asarray(y)\n        probe = text.tfidf_probe(rows(train_idx), y[train_idx], rows(val_idx), y[val_idx])\n        _memo["acc"] = probe.score(rows(test_idx), y[test_idx])\n    return _memo["acc"]\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'WRONG', 'uses the global train/val/test split variables instead of the index arguments', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\ndef honest_tfidf_accuracy(texts, y, tr, va, te):\n    rows = lambda idx: [texts[i] for i in idx]\n    y = np.asarray(y)\n    probe = text.tfidf_probe(rows(train_idx), y[train_idx], rows(val_idx), y[val_idx])\n    return probe.score(rows(test_idx), y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'PASS', 'own sklearn pipeline with tfidf_probe settings, C in (1,10,100) on validation, strict > (ties to smallest), accuracy via predict+mean', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\nfrom sklearn.feature_extraction.text import TfidfVectorizer\nfrom sklearn.linear_model import LogisticRegression\nfrom sklearn.pipeline import make_pipeline\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    rows = lambda idx: [texts[int(i)] for i in idx]\n    labels = lambda idx: np.array([y[int(i)] for i in idx])\n    best, best_s = None, -np.inf\n    for C in (1.0, 10.0, 100.0):\n        m = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),\n                          LogisticRegression(C=C, max_iter=5000)).fit(rows(train_idx), labels(train_idx))\n        s = np.mean(m.predict(rows(val_idx)) == labels(val_idx))\n        if s > best_s:\n            best, best_s = m, s\n    return float(np.mean(best.predict(rows(test_idx)) == labels(test_idx)))\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'PASS', 'numpy object array of texts, list labels, tfidf_probe with Cs given in reverse order', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    T = np.empty(len(texts), dtype=object)\n    T[:] = list(texts)\n    Y = list(np.asarray(y).tolist())\n    pick = lambda idx: (list(T[np.asarray(idx)]), [Y[i] for i in np.asarray(idx)])\n    (tr_x, tr_y), (va_x, va_y), (te_x, te_y) = pick(train_idx), pick(val_idx), pick(test_idx)\n    probe = text.tfidf_probe(tr_x, tr_y, va_x, va_y, Cs=(100.0, 10.0, 1.0))\n    return float(probe.score(te_x, te_y))\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'PASS', 'copies the indices (np.array copies), accuracy via sklearn.metrics.accuracy_score', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\nfrom sklearn.metrics import accuracy_score\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    texts, y = list(texts), np.asarray(y)\n    tr, va, te = (np.array(i, dtype=np.int64, copy=True) for i in (train_idx, val_idx, test_idx))\n    probe = text.tfidf_probe([texts[i] for i in tr], y[tr], [texts[i] for i in va], y[va])\n    return accuracy_score(y[te], probe.predict([texts[i] for i in te]))\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'PASS', 'explicit loop over tfidf_probe with one C each, best by validation with np.argmax (first = smallest)', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    y = np.asarray(y)\n    sub = lambda idx: [texts[i] for i in idx]\n    models = [text.tfidf_probe(sub(train_idx), y[train_idx], Cs=(C,)) for C in (1.0, 10.0, 100.0)]\n    val_scores = [m.score(sub(val_idx), y[val_idx]) for m in models]\n    chosen = models[int(np.argmax(val_scores))]\n    return chosen.score(sub(test_idx), y[test_idx])\n\ntfidf_test_acc = honest_tfidf_accuracy(pool.texts, pool.y, train_idx, val_idx, test_idx)\n'),
    ('08.q3', 'PASS', 'np.take on a string array; tfidf_test_acc from pool passed as numpy arrays', 'sentences = data.load_sentiment()\npool = sentences.subset(sentences.balanced_rows(per_class=150))\ntrain_idx, val_idx, test_idx = (i.numpy() for i in data.few_shot_split(pool.y, 32, test_per_class=200,\n                                                                          val_per_class=25, seed=cfg.seed))\n\ndef honest_tfidf_accuracy(texts, y, train_idx, val_idx, test_idx):\n    T, Y = np.asarray(texts, dtype=str), np.asarray(y)\n    take = lambda idx: (np.take(T, idx).tolist(), np.take(Y, idx))\n    probe = text.tfidf_probe(*take(train_idx), *take(val_idx))\n    return probe.score(*take(test_idx))\n\ntfidf_test_acc = honest_tfidf_accuracy(np.array(pool.texts, dtype=object), np.asarray(pool.y), train_idx, val_idx, test_idx)\n'),
]


def _run_cell(lesson: str, code: str) -> dict:
    """Run the learner's cell on a fresh copy of the lesson's namespace; return the namespace after it."""
    import copy
    import types

    if lesson not in _NAMESPACES:
        _NAMESPACES[lesson] = _adversary_namespace(lesson)
    ns = {}
    for key, value in _NAMESPACES[lesson].items():
        keep = isinstance(value, (types.ModuleType, types.FunctionType, type))
        ns[key] = value if keep else copy.deepcopy(value)
    exec(compile(code, f"<exercise {lesson} cell>", "exec"), ns)
    return ns


@pytest.mark.parametrize("pid,expected,what,code", ADVERSARY, ids=[f"{a[0]}-{i}" for i, a in enumerate(ADVERSARY)])
def test_adversarial_answer(pid, expected, what, code):
    if "pandas" in code:
        pytest.importorskip("pandas")
    ns = _run_cell(pid.split(".")[0], code)
    result = grading.registry()[pid].grade(ns)
    if expected == PASS:
        assert result.status == PASS, f"{what}: {result.message}"
    else:
        assert result.status in (FAIL, ERROR), f"wrongly passed: {what}"
        assert result.message, "a failing check must say why"


class _SentThroughPickle:
    """A learner function as the command-line grader calls it: in the kernel, its arguments sent there by pickle."""

    def __init__(self, fn):
        self.fn = fn
        self.__name__ = getattr(fn, "__name__", "learner_function")

    def __call__(self, *args, **kwargs):
        import pickle
        return self.fn(*pickle.loads(pickle.dumps(args)), **pickle.loads(pickle.dumps(kwargs)))


@pytest.mark.parametrize("pid", sorted(p for p in CASES if any(st == PASS for _, st, _ in CASES[p])
                                        and not getattr(grading.registry()[p], "in_kernel", False)) + ["08.q3"])
def test_what_a_check_sends_to_a_learner_function_can_be_sent_to_a_kernel(pid):
    """The CLI grader runs learner functions in the kernel and pickles their inputs there (exercise 08 q4's model
    class, once a local class, could not be sent: every right answer was an ERROR). Checks marked `in_kernel` run
    in the kernel whole (tests/test_grade_cli.py)."""
    ns, _, _ = next(case for case in cases_of(pid) if case[1] == PASS)
    wrapped = {k: _SentThroughPickle(v) if callable(v) and not isinstance(v, type) and hasattr(v, "__code__") else v
               for k, v in ns.items()}
    result = grading.registry()[pid].grade(wrapped)
    assert result.status == PASS, result.message
