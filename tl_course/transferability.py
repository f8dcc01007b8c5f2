"""Transferability: will a source model help on this target — measured after training, or predicted before.

For issue 8 / lesson 06. After training: the negative-transfer gap with a confidence interval over seeds.
Before training, from a pretrained model's features or predictions on the labelled target data:
- `logme` — the log marginal evidence of a Bayesian linear model on the features (You et al., 2021, "LogME").
- `leep` — the log expected empirical prediction of the source classifier (Nguyen et al., 2020, "LEEP").
- `nce` — the negative conditional entropy of target labels given source predictions (Tran et al., 2019).
- `h_score` — inter-class over total feature variance (Bao et al., 2019), optionally with a shrunk covariance.
- `rank_agreement` — Kendall's τ and Spearman's ρ between a score's ranking of sources and the accuracy they reach.
"""

from __future__ import annotations

import math

import numpy as np

from . import checks


# ------------------------------------------------------------------------------------------------
# After training: the negative-transfer gap


def negative_transfer_gap(error_with_source, error_target_only, confidence: float = 0.95) -> dict:
    """Error of the model that used the source minus error of the same model trained on the target alone.

    Wang et al. (2019), "Characterizing and avoiding negative transfer". Positive = the source *hurt*.
    The inputs are paired per seed (same split, same seed). Returns the mean gap and a t-interval over seeds.
    """
    mean, low, high, diff = _paired(error_with_source, error_target_only, confidence,
                                    ("error_with_source", "error_target_only"))
    return {"gap": mean, "low": low, "high": high, "per_seed": diff.tolist()}


def paired_gain(accuracy_with, accuracy_without, confidence: float = 0.95) -> dict:
    """How much a change raised accuracy: the mean per-seed difference (with − without) and its t-interval.

    Taught in lesson 07. The inputs are paired per seed (same split, same initial weights). Returns
    `{"gain", "low", "high", "per_seed"}`; an interval clear of zero is a gain (or a loss) the seeds agree on.
    """
    mean, low, high, diff = _paired(accuracy_with, accuracy_without, confidence, ("accuracy_with", "accuracy_without"))
    return {"gain": mean, "low": low, "high": high, "per_seed": diff.tolist()}


def _paired(a, b, confidence: float, names: tuple[str, str]):
    """Mean of a − b over seeds with its t-interval: (mean, low, high, differences)."""
    from scipy import stats

    a, b = checks.as_values(a, names[0]), checks.as_values(b, names[1])
    checks.same_length("one value per seed, paired by seed", **{names[0]: a, names[1]: b})
    if len(a) < 2:
        raise ValueError(f"Give one value per seed for `{names[0]}` and `{names[1]}`, paired by seed, for at least "
                         "two seeds; got one.")
    confidence = checks.fraction(confidence, "confidence", example=0.95, open_ends=True)
    diff = a - b
    half = stats.t.ppf(0.5 + confidence / 2, len(diff) - 1) * diff.std(ddof=1) / math.sqrt(len(diff))
    return float(diff.mean()), float(diff.mean() - half), float(diff.mean() + half), diff


# ------------------------------------------------------------------------------------------------
# Before training: scores from features or predictions


def _evidence(sigma, z, y_norm2, n, dim, alpha, beta):
    """Log evidence of y under y = F w + noise, w ~ N(0, I/alpha), noise ~ N(0, I/beta), via F's SVD."""
    shrink = alpha / (alpha + beta * sigma)
    residual = float(((shrink * z) ** 2).sum() + y_norm2 - (z ** 2).sum())
    m_norm2 = float(((beta * np.sqrt(sigma) * z / (alpha + beta * sigma)) ** 2).sum())
    log_det = float(np.log(alpha + beta * sigma).sum()) + (dim - len(sigma)) * math.log(alpha)
    value = (dim / 2 * math.log(alpha) + n / 2 * math.log(beta) - n / 2 * math.log(2 * math.pi)
             - beta / 2 * residual - alpha / 2 * m_norm2 - log_det / 2)
    return value, residual, m_norm2


def _logme_one(sigma, z, y_norm2, n, dim, iterations=100, tol=1e-6):
    """Maximise the evidence over (alpha, beta) by MacKay's fixed-point updates; return (evidence, alpha, beta)."""
    alpha, beta = 1.0, 1.0
    for _ in range(iterations):
        gamma = float((beta * sigma / (alpha + beta * sigma)).sum())
        _, residual, m_norm2 = _evidence(sigma, z, y_norm2, n, dim, alpha, beta)
        new_alpha, new_beta = gamma / max(m_norm2, 1e-12), (n - gamma) / max(residual, 1e-12)
        done = abs(new_alpha - alpha) / alpha < tol and abs(new_beta - beta) / beta < tol
        alpha, beta = new_alpha, new_beta
        if done:
            break
    return _evidence(sigma, z, y_norm2, n, dim, alpha, beta)[0], alpha, beta


def logme(features, labels, return_details: bool = False):
    """LogME: the evidence of a Bayesian linear regression from features to each one-hot label, per example.

    Higher is better. For each class, the prior and noise precisions are set to maximise the evidence
    (MacKay's fixed point), then the log evidence is divided by n and averaged over classes.
    """
    F = checks.as_features(features, "features")
    y = checks.as_labels(labels, "labels", len(F), "features")
    if not F.any():
        raise ValueError("`features` are all zero: they carry no information for LogME to score.")
    n, dim = F.shape
    U, s, _ = np.linalg.svd(F, full_matrices=False)
    keep = s > 1e-10 * s.max()
    U, sigma = U[:, keep], s[keep] ** 2
    scores, details = [], []
    for k in np.unique(y):
        target = (y == k).astype(float)
        z = U.T @ target
        value, alpha, beta = _logme_one(sigma, z, float(target @ target), n, dim)
        scores.append(value / n)
        details.append({"class": int(k), "alpha": alpha, "beta": beta})
    score = float(np.mean(scores))
    return (score, details) if return_details else score


def leep(source_probs, labels) -> float:
    """LEEP: how well "source class → target class" re-labelling predicts the target labels (≤ 0, higher is better).

    `source_probs` (n, |Z|) are the source model's class probabilities on the target images.
    """
    theta = checks.as_probabilities(source_probs, "source_probs")
    y = checks.as_labels(labels, "labels", len(theta), "source_probs")
    classes = np.unique(y)
    joint = np.stack([theta[y == c].sum(0) for c in classes]) / len(y)          # P(y, z), shape (|Y|, |Z|)
    conditional = joint / joint.sum(0, keepdims=True).clip(1e-12)              # P(y | z)
    index = np.searchsorted(classes, y)
    expected = (theta * conditional[index]).sum(1)                             # Σ_z P(y_i | z) θ_z(x_i)
    return float(np.log(expected.clip(1e-12)).mean())


def nce(source_predictions, labels) -> float:
    """NCE: minus the conditional entropy H(Y | Z) of target labels given the source model's predicted class."""
    z = checks.as_labels(source_predictions, "source_predictions")
    y = checks.as_labels(labels, "labels", len(z), "source_predictions")
    total = 0.0
    for value in np.unique(z):
        counts = np.unique(y[z == value], return_counts=True)[1]
        p = counts / counts.sum()
        total += (z == value).mean() * float(-(p * np.log(p)).sum())
    return -total


def h_score(features, labels, shrinkage: bool = False) -> float:
    """H-score: trace(cov(f)⁻¹ · cov(E[f | y])) — how much of the feature variance lies between the classes.

    With fewer examples than feature dimensions, cov(f) is singular and the plain score is exactly
    (number of classes − 1) for *any* features: it cannot tell sources apart. `shrinkage=True` estimates
    cov(f) with Ledoit–Wolf shrinkage and shrinks the between-class covariance by the same factor
    (Ibrahim et al., 2022, "Newer is not always better: rethinking transferability metrics"), which keeps the
    score informative on small target sets.
    """
    F = checks.as_features(features, "features")
    y = checks.as_labels(labels, "labels", len(F), "features")
    F = F - F.mean(0)
    class_means = np.stack([F[y == c].mean(0) for c in np.unique(y)])
    G = class_means[np.searchsorted(np.unique(y), y)]                          # each row replaced by its class mean
    cov_g = G.T @ G / len(F)
    if shrinkage:
        from sklearn.covariance import LedoitWolf

        lw = LedoitWolf(assume_centered=True).fit(F)    # cov = (1 - a)·sample cov + a·(mean variance)·I
        return float(np.trace(np.linalg.solve(lw.covariance_, (1 - lw.shrinkage_) * cov_g)))
    cov_f = F.T @ F / len(F)
    return float(np.trace(np.linalg.pinv(cov_f, rcond=1e-10) @ cov_g))


def rank_agreement(scores: dict, accuracies: dict) -> dict:
    """Kendall's τ and Spearman's ρ between `{source: score}` and `{source: accuracy reached}` (same keys)."""
    from scipy import stats

    for name, d in (("scores", scores), ("accuracies", accuracies)):
        if not isinstance(d, dict):
            raise TypeError(f"`{name}` must be a dict {{source name: number}}; got {type(d).__name__}.")
    if set(scores) != set(accuracies) or len(scores) < 3:
        raise ValueError("Give a score and an accuracy for the same sources (at least three).")
    names = sorted(scores)
    a = [checks.number(scores[n], f"scores[{n!r}]") for n in names]
    b = [checks.number(accuracies[n], f"accuracies[{n!r}]") for n in names]
    return {"kendall_tau": float(stats.kendalltau(a, b).statistic),
            "spearman_rho": float(stats.spearmanr(a, b).statistic),
            "ranking": sorted(names, key=scores.get, reverse=True)}
