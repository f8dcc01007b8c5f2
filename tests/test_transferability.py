"""Transferability scores and the negative-transfer gap, each against a case worked out by hand."""

import math

import numpy as np
import pytest

from tl_course import transferability as tr


def test_leep_hand_cases():
    y = np.array([0, 1])
    assert tr.leep(np.array([[1.0, 0.0], [0.0, 1.0]]), y) == pytest.approx(0.0)          # a perfect relabelling
    assert tr.leep(np.full((2, 2), 0.5), y) == pytest.approx(math.log(0.5))              # source says nothing
    # 3 images, 2 source classes, 2 target classes; worked out on paper:
    theta = np.array([[0.8, 0.2], [0.6, 0.4], [0.1, 0.9]])
    y = np.array([0, 0, 1])
    joint = np.array([[1.4, 0.6], [0.1, 0.9]]) / 3                # P(y, z)
    cond = joint / joint.sum(0)                                   # P(y | z)
    want = np.mean(np.log([theta[0] @ cond[0], theta[1] @ cond[0], theta[2] @ cond[1]]))
    assert tr.leep(theta, y) == pytest.approx(want)


def test_nce_hand_case():
    z = np.array([0, 0, 1, 1])
    y = np.array([0, 1, 1, 1])           # z=0: labels split evenly (entropy log 2); z=1: all the same (0)
    assert tr.nce(z, y) == pytest.approx(-0.5 * math.log(2))
    assert tr.nce(z, z) == pytest.approx(0.0)


def test_h_score_shrinkage_keeps_small_samples_informative():
    rng = np.random.default_rng(0)
    means = rng.normal(size=(4, 30))                                 # 4 classes in 30 dimensions, unit noise
    centred = means - means.mean(0)
    between = centred.T @ centred / 4
    true_score = np.trace(np.linalg.solve(np.eye(30) + between, between))
    y = np.repeat(np.arange(4), 5)                                   # only 20 examples: cov(f) is singular
    informative, noise = means[y] + rng.normal(size=(20, 30)), rng.normal(size=(20, 30))
    assert tr.h_score(informative, y) == pytest.approx(3.0) == tr.h_score(noise, y)    # always C - 1: useless
    assert tr.h_score(informative, y, shrinkage=True) == pytest.approx(true_score, abs=0.3)
    assert tr.h_score(noise, y, shrinkage=True) < true_score - 1.5
    many = np.repeat(np.arange(2), 500)
    F = np.eye(2)[many] @ rng.normal(size=(2, 3)) + rng.normal(size=(1000, 3))
    assert tr.h_score(F, many, shrinkage=True) == pytest.approx(tr.h_score(F, many), rel=0.02)  # n >> d: no change


def test_h_score_hand_cases():
    y = np.array([0, 0, 1, 1])
    assert tr.h_score(np.array([[-1.0], [-1.0], [1.0], [1.0]]), y) == pytest.approx(1.0)   # all variance between classes
    assert tr.h_score(np.array([[-1.0], [1.0], [-1.0], [1.0]]), y) == pytest.approx(0.0)   # all variance within


def _direct_log_evidence(F, t, alpha, beta):
    n = len(t)
    C = np.eye(n) / beta + F @ F.T / alpha
    sign, logdet = np.linalg.slogdet(C)
    return -0.5 * (n * math.log(2 * math.pi) + logdet + t @ np.linalg.solve(C, t))


def test_logme_is_the_maximised_evidence_of_bayesian_linear_regression():
    rng = np.random.default_rng(0)
    F = rng.normal(size=(40, 5))
    y = (F[:, 0] + 0.5 * rng.normal(size=40) > 0).astype(int)
    score, details = tr.logme(F, y, return_details=True)
    per_class = []
    for d in details:
        t = (y == d["class"]).astype(float)
        value = _direct_log_evidence(F, t, d["alpha"], d["beta"])
        per_class.append(value / len(y))
        for da, db in [(1.2, 1), (0.8, 1), (1, 1.2), (1, 0.8)]:   # a maximum: nearby settings explain y worse
            assert _direct_log_evidence(F, t, d["alpha"] * da, d["beta"] * db) < value
    assert score == pytest.approx(np.mean(per_class), rel=1e-6)


def test_logme_prefers_informative_features():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 3, 300)
    informative = np.eye(3)[y] * 2 + rng.normal(size=(300, 3)) * 0.5
    noise = rng.normal(size=(300, 3))
    assert tr.logme(informative, y) > tr.logme(noise, y) + 0.1


def test_negative_transfer_gap_sign_and_interval_coverage():
    out = tr.negative_transfer_gap([0.30, 0.32, 0.31], [0.20, 0.21, 0.22])
    assert out["gap"] == pytest.approx(0.10) and out["low"] > 0        # the source hurt, on every seed
    rng = np.random.default_rng(0)
    covered = 0
    for _ in range(400):                                                # the 95 % interval covers the true gap
        base = rng.uniform(0.1, 0.3, 5)
        res = tr.negative_transfer_gap(base + 0.02 + rng.normal(0, 0.01, 5), base)
        covered += res["low"] <= 0.02 <= res["high"]
    assert 0.90 <= covered / 400 <= 0.99
    with pytest.raises(ValueError, match="paired by seed"):
        tr.negative_transfer_gap([0.1, 0.2], [0.1])


def test_rank_agreement():
    acc = {"a": 0.9, "b": 0.8, "c": 0.7, "d": 0.6}
    same = tr.rank_agreement({"a": 3, "b": 2, "c": 1, "d": 0}, acc)
    assert same["kendall_tau"] == pytest.approx(1.0) and same["ranking"] == ["a", "b", "c", "d"]
    assert tr.rank_agreement({"a": 0, "b": 1, "c": 2, "d": 3}, acc)["spearman_rho"] == pytest.approx(-1.0)
    with pytest.raises(ValueError, match="same sources"):
        tr.rank_agreement({"a": 1, "b": 2, "c": 3}, acc)


def test_paired_gain_is_the_negative_transfer_gap_of_the_errors_with_the_sign_flipped():
    with_, without = [0.80, 0.71, 0.93, 0.66], [0.75, 0.70, 0.85, 0.69]
    g = tr.paired_gain(with_, without)
    nt = tr.negative_transfer_gap(1 - np.array(with_), 1 - np.array(without))
    assert g["gain"] == pytest.approx(-nt["gap"]) and g["low"] == pytest.approx(-nt["high"])
    assert g["high"] == pytest.approx(-nt["low"]) and np.allclose(g["per_seed"], [0.05, 0.01, 0.08, -0.03])
    with pytest.raises(ValueError, match="at least two seeds"):
        tr.paired_gain([0.8], [0.7])
