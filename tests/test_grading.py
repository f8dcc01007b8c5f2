"""Checkers: every problem's solution passes, and at least three typical wrong answers fail with the right message.

Each case is a namespace (what the learner's notebook holds) and the status/message we expect.
"""

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from tl_course import grading
from tl_course.grading import FAIL, NOT_ATTEMPTED, PASS, ERROR, ____


def _digits_ns():
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=1, stratify=y)
    clf = LogisticRegression(max_iter=500).fit(X_train, y_train)
    return dict(clf=clf, X_train=X_train, y_train=y_train, X_test=X_test, y_test=y_test)


DIGITS = _digits_ns()
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

    rng = np.random.default_rng(0)
    y = torch.arange(200) % 2
    features = rng.normal(size=(200, 16)) + 0.8 * y.numpy()[:, None]
    tr, va, te = data.few_shot_split(y, 2, test_per_class=50, val_per_class=10, seed=0)
    ns = dict(features=features, faces=SimpleNamespace(y=y), train_idx=tr, val_idx=va, test_idx=te)
    probe = train.linear_probe(features[tr], y[tr], features[va], y[va])
    cheat = train.linear_probe(features[te], y[te], features[va], y[va])
    scores = {"test": probe.score(features[te], y[te]), "train": probe.score(features[tr], y[tr]),
              "val": probe.score(features[va], y[va]), "cheat": cheat.score(features[te], y[te])}
    assert len({round(v, 6) for v in scores.values()}) == 4, scores  # the wrong answers must be distinguishable
    return ns, scores


PROBE_NS, PROBE = _probe_ns()


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
    return [(dict(ns, model=right), PASS, ""),
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
    ns = dict(digits=digits, test_idx=te)

    def fit(model, lr=1e-3):
        train.fit_steps(model, digits.X[tr], digits.y[tr], val=(digits.X[va], digits.y[va]), steps=200, lr=lr,
                        seed=0, progress=False, device="cpu")
        return model

    def new(up_to=None):
        torch.manual_seed(0)
        model = models.replace_head(models.load_pretrained("cnn-printed-digits"), 10)
        return models.freeze(model, up_to=up_to) if up_to != 0 else model

    right = fit(new(1))
    nothing_frozen = fit(new(0))
    all_frozen = fit(new(None))
    grad_off_only = new(0)
    for p in grad_off_only.features[0].parameters():
        p.requires_grad_(False)  # the pitfall: BatchNorm still updates its running statistics
    fit(grad_off_only)
    untrained = new(1)
    too_low = fit(new(1), lr=1e-5)
    return [(dict(ns, model=right), PASS, ""),
            (dict(ns, model=nothing_frozen), FAIL, "not frozen"),
            (dict(ns, model=all_frozen), FAIL, "feature extraction"),
            (dict(ns, model=grad_off_only), FAIL, "BatchNorm statistics drifted"),
            (dict(ns, model=untrained), FAIL, "never trained"),
            (dict(ns, model=too_low), FAIL, "held-out accuracy"),
            (dict(ns, model=models.SmallCNN(10)), FAIL, "not frozen"),
            (dict(ns, model="model"), FAIL, "should be the pretrained CNN"),
            (dict(ns, model=____), NOT_ATTEMPTED, "")]


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
    return [(dict(ns, model=right), PASS, ""),
            (dict(ns, model=pretrained()), FAIL, "still the source's"),
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
    feats = {"good": good, "noise": rng.normal(size=(30, 8)), "weak": good * 0.2 + rng.normal(size=(30, 8))}
    return feats, y


CHOICE_FEATURES, CHOICE_LABELS = _choice_ns()


def _choice_cases():
    from tl_course.transferability import h_score, logme
    ok = {n: logme(F, CHOICE_LABELS) for n, F in CHOICE_FEATURES.items()}
    base = {"target_features": CHOICE_FEATURES, "target_labels": CHOICE_LABELS}
    worst = min(ok, key=ok.get)
    h = {n: h_score(F, CHOICE_LABELS) for n, F in CHOICE_FEATURES.items()}          # another score
    return [({**base, "scores": ok, "chosen": "good"}, PASS, ""),
            ({**base, "scores": ok, "chosen": worst}, FAIL, "highest LogME"),
            ({**base, "scores": h, "chosen": "good"}, FAIL, "transferability.logme"),
            ({**base, "scores": {"good": ok["good"]}, "chosen": "good"}, FAIL, "no entry"),
            ({**base, "scores": ok, "chosen": "the good one"}, FAIL, "candidate names"),
            ({**base, "scores": [1, 2, 3], "chosen": "good"}, FAIL, "should be a dict"),
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


CASES = {
    "00.q1": [({"num_images": 1797}, PASS, ""),
              ({"num_images": ____}, NOT_ATTEMPTED, "blank"),
              ({"num_images": 1796}, FAIL, "too low"),
              ({"num_images": 1797.5}, FAIL, "whole number"),
              ({"num_images": "1797 images"}, FAIL, "should be a number"),
              ({"num_images": 64}, FAIL, "too low")],
    "00.q2": [({"arr": X_TENSOR.numpy(), "x": X_TENSOR}, PASS, ""),
              ({"arr": X_TENSOR, "x": X_TENSOR}, FAIL, "still a torch tensor"),
              ({"arr": X_TENSOR.numpy()[0], "x": X_TENSOR}, FAIL, "shape"),
              ({"arr": X_TENSOR.tolist(), "x": X_TENSOR}, FAIL, "NumPy array"),
              ({"arr": np.zeros((2, 3)), "x": X_TENSOR}, FAIL, "values")],
    "01.q1": [(dict(DIGITS, test_acc=DIGITS["clf"].score(DIGITS["X_test"], DIGITS["y_test"])), PASS, ""),
              (dict(DIGITS, test_acc=____), NOT_ATTEMPTED, ""),
              (dict(DIGITS, test_acc=100 * DIGITS["clf"].score(DIGITS["X_test"], DIGITS["y_test"])), FAIL, "percentage"),
              (dict(DIGITS, test_acc=DIGITS["clf"].score(DIGITS["X_train"], DIGITS["y_train"])), FAIL, "training"),
              (dict(DIGITS, test_acc=1 - DIGITS["clf"].score(DIGITS["X_test"], DIGITS["y_test"])), FAIL, "error rate"),
              (dict(DIGITS, test_acc=0.5), FAIL, "not the classifier's accuracy")],
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
              ({"q_update": q_forgets_return}, FAIL, "return")],
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
              ({"sample_few_shot": lambda y, k, seed: ____}, NOT_ATTEMPTED, "")],
    "02.q2": [({"epochs_to_reach": reach_ok}, PASS, ""),
              ({"epochs_to_reach": reach_zero_based}, FAIL, "count from 1"),
              ({"epochs_to_reach": reach_strict}, FAIL, ">="),
              ({"epochs_to_reach": reach_last_epoch}, FAIL, "return None"),
              ({"epochs_to_reach": lambda a, t: ____}, NOT_ATTEMPTED, "")],
    "02.q3": [(dict(PROBE_NS, probe_acc=PROBE["test"]), PASS, ""),
              (dict(PROBE_NS, probe_acc=100 * PROBE["test"]), FAIL, "percentage"),
              (dict(PROBE_NS, probe_acc=PROBE["train"]), FAIL, "training"),
              (dict(PROBE_NS, probe_acc=PROBE["val"]), FAIL, "validation"),
              (dict(PROBE_NS, probe_acc=PROBE["cheat"]), FAIL, "trained on the test"),
              (dict(PROBE_NS, probe_acc="high"), FAIL, "number"),
              (dict(PROBE_NS, probe_acc=____), NOT_ATTEMPTED, "")],
    "03.q1": [({"global_average_pool": pool_ok}, PASS, ""),
              ({"global_average_pool": pool_channels}, FAIL, "shape"),
              ({"global_average_pool": pool_flatten}, FAIL, "shape"),
              ({"global_average_pool": pool_max}, FAIL, "test case"),
              ({"global_average_pool": lambda f: ____}, NOT_ATTEMPTED, "")],
    "03.q2": _extractor_cases(),
    "03.q3": [({"best_depth": "middle"}, PASS, ""),
              ({"best_depth": "last"}, FAIL, "middle blocks"),
              ({"best_depth": "early"}, FAIL, "not the best"),
              ({"best_depth": "deep"}, FAIL, "one of")],
    "04.q1": [({"layer_learning_rates": rates_ok}, PASS, ""),
              ({"layer_learning_rates": rates_head_first}, FAIL, "test case 1"),
              ({"layer_learning_rates": rates_off_by_one}, FAIL, "test case 1"),
              ({"layer_learning_rates": rates_no_head}, FAIL, "shape"),
              ({"layer_learning_rates": lambda h, n, m: ____}, NOT_ATTEMPTED, "")],
    "04.q2": _partial_fine_tune_cases(),
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
              ({"chosen_lr": "1e-3"}, PASS, ""),
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
    "05.q2": _adabn_cases(),
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


@pytest.mark.parametrize("pid,ns,status,fragment",
                         [(pid, ns, st, fr) for pid, cases in CASES.items() for ns, st, fr in cases],
                         ids=lambda v: v if isinstance(v, str) and "." in v else None)
def test_checker(pid, ns, status, fragment):
    result = grading.registry()[pid].grade(dict(ns))
    assert result.status == status, result.message
    assert fragment.lower() in result.message.lower()


def test_every_graded_problem_has_a_pass_and_three_wrong_answers():
    for pid, problem in grading.registry().items():
        if not problem.graded:
            continue
        cases = CASES.get(pid, [])
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
    assert "purity_crash" in result.message and "tl_course/grading.py" not in result.message


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
