"""Evaluation beyond accuracy and attribution checks: hand cases, sklearn where it has the same metric, mechanisms."""

import math

import matplotlib

matplotlib.use("Agg")

from collections import OrderedDict  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from sklearn import metrics  # noqa: E402
from torch import nn  # noqa: E402

from tl_course import evaluate as ev  # noqa: E402
from tl_course import explain as ex  # noqa: E402
from tl_course import plots  # noqa: E402


# ------------------------------------------------------------------------------------------------
# Confusion matrix, per-class report, binary precision / recall / F1


def test_confusion_matrix_hand_case():
    y_true = [0, 0, 1, 2, 2, 2]
    y_pred = torch.tensor([0, 1, 1, 2, 0, 2])
    want = np.array([[1, 1, 0],       # true 0: once right, once called 1
                     [0, 1, 0],
                     [1, 0, 2]])      # true 2: once called 0, twice right
    np.testing.assert_array_equal(ev.confusion_matrix(y_true, y_pred), want)
    assert ev.confusion_matrix([0], [0], num_classes=3).shape == (3, 3)
    with pytest.raises(ValueError, match="`num_classes`"):
        ev.confusion_matrix(y_true, y_pred, num_classes=2)


def test_per_class_report_matches_sklearn_and_a_never_predicted_class_has_precision_0():
    rows = ev.per_class_report([0, 1, 2, 2], [0, 1, 1, 1], ["cat", "dog", "fox"])
    assert [r["class"] for r in rows] == ["cat", "dog", "fox", "macro average"]
    assert rows[1] == {"class": "dog", "precision": pytest.approx(1 / 3), "recall": 1.0, "f1": pytest.approx(0.5),
                       "support": 1}
    assert rows[2]["precision"] == 0.0 and rows[2]["recall"] == 0.0 and rows[2]["support"] == 2   # never predicted
    assert rows[3]["support"] == 4 and rows[3]["f1"] == pytest.approx((1 + 0.5 + 0) / 3)

    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 5, 200), rng.integers(0, 4, 200)       # class 4 is never predicted
    rows = ev.per_class_report(y_true, y_pred, list("abcde"))
    p, r, f, s = metrics.precision_recall_fscore_support(y_true, y_pred, labels=range(5), zero_division=0)
    np.testing.assert_allclose([row["precision"] for row in rows[:5]], p)
    np.testing.assert_allclose([row["recall"] for row in rows[:5]], r)
    np.testing.assert_allclose([row["f1"] for row in rows[:5]], f)
    assert [row["support"] for row in rows[:5]] == list(s)
    assert rows[5]["f1"] == pytest.approx(metrics.f1_score(y_true, y_pred, average="macro", zero_division=0))
    assert "macro average" in plots.format_table(rows)


def test_precision_recall_f1_matches_sklearn():
    rng = np.random.default_rng(1)
    y_true, y_pred = rng.integers(0, 2, 300), rng.integers(0, 2, 300)
    for positive in (0, 1):
        got = ev.precision_recall_f1(y_true, y_pred, positive=positive)
        want = metrics.precision_recall_fscore_support(y_true, y_pred, pos_label=positive, average="binary")[:3]
        np.testing.assert_allclose(got, want)
    assert ev.precision_recall_f1([1, 0, 1, 1], [1, 1, 0, 1]) == pytest.approx((2 / 3, 2 / 3, 2 / 3))
    assert ev.precision_recall_f1([1, 1], [0, 0]) == (0.0, 0.0, 0.0)                 # never predicted: 0, no crash
    with pytest.raises(ValueError, match="`positive`"):
        ev.precision_recall_f1([0, 1], [0, 1], positive=3)
    with pytest.raises(ValueError, match="`y_pred`"):
        ev.precision_recall_f1([0, 1, 1], [0, 1])


# ------------------------------------------------------------------------------------------------
# Calibration


def test_ece_hand_case_with_two_bins():
    probs = [[0.9, 0.1], [0.8, 0.2], [0.6, 0.4], [0.5, 0.5]]
    y = [0, 1, 0, 1]
    # bin (0, 0.5]: the 0.5 row, predicted 0, wrong: |0 − 0.5| with weight 1/4
    # bin (0.5, 1]: 0.9 right, 0.8 wrong, 0.6 right: |2/3 − 2.3/3| = 0.1 with weight 3/4
    assert ev.expected_calibration_error(probs, y, bins=2) == pytest.approx(0.25 * 0.5 + 0.75 * 0.1)
    r = ev.reliability(probs, y, bins=2)
    np.testing.assert_array_equal(r["count"], [1, 3])
    np.testing.assert_allclose(r["accuracy"], [0, 2 / 3])
    np.testing.assert_allclose(r["confidence"], [0.5, 2.3 / 3])
    np.testing.assert_allclose(r["edges"], [0, 0.5, 1])


def test_ece_confidence_exactly_one_and_always_confident_wrong():
    r = ev.reliability([[1.0, 0.0, 0.0]], [0], bins=15)
    assert r["count"][-1] == 1 and r["count"].sum() == 1                       # 1.0 is in the last bin
    assert np.isnan(r["accuracy"][0]) and np.isnan(r["confidence"][0])          # empty bins are NaN
    assert ev.expected_calibration_error([[1.0, 0.0, 0.0]], [0]) == 0.0
    wrong = np.eye(3)[[0, 1, 2, 0]]
    assert ev.expected_calibration_error(wrong, [1, 2, 0, 2]) == pytest.approx(1.0)


def test_ece_near_zero_when_calibrated_and_near_the_gap_when_not():
    rng = np.random.default_rng(0)
    conf = rng.uniform(0.5, 1.0, 100_000)
    probs = np.stack([conf, 1 - conf], 1)
    calibrated = (rng.uniform(size=len(conf)) >= conf).astype(int)               # right (0) with probability conf
    assert ev.expected_calibration_error(probs, calibrated) < 0.01
    over = (rng.uniform(size=len(conf)) >= conf - 0.2).astype(int)              # right 20 points less often
    assert ev.expected_calibration_error(probs, over) == pytest.approx(0.2, abs=0.01)


def test_negative_log_likelihood():
    assert ev.negative_log_likelihood([[0.5, 0.5], [0.25, 0.75]], [0, 1]) == pytest.approx(
        -(math.log(0.5) + math.log(0.75)) / 2)
    assert ev.negative_log_likelihood([[1.0, 0.0]], [1]) == pytest.approx(-math.log(1e-12))    # clamped, finite


def _overconfident(T0, n=10_000, seed=0):
    """Logits z·T0 whose labels were drawn from softmax(z): the right temperature is T0."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, 8)) * 2
    p = np.exp(z - z.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    y = (rng.uniform(size=(n, 1)) > p.cumsum(1)).sum(1)
    return z * T0, y


@pytest.mark.parametrize("T0", [0.5, 3.0])
def test_fit_temperature_recovers_the_temperature_and_lowers_ece(T0):
    logits, y = _overconfident(T0)
    T = ev.fit_temperature(torch.tensor(logits), y)
    assert T == pytest.approx(T0, rel=0.04)
    before = ev.expected_calibration_error(ev.apply_temperature(logits, 1.0), y)
    after = ev.expected_calibration_error(ev.apply_temperature(logits, T), y)
    assert after < 0.02 < before
    assert (ev.apply_temperature(logits, T).argmax(1) == logits.argmax(1)).all()     # accuracy unchanged


def test_fit_temperature_depends_on_its_arguments_only():
    logits, y = _overconfident(2.0, n=2000, seed=1)
    kept = logits.copy()
    torch.manual_seed(0)
    np.random.seed(0)
    first = ev.fit_temperature(logits, y)
    torch.manual_seed(123)
    np.random.seed(123)
    torch.rand(10)
    assert ev.fit_temperature(logits, y) == first
    np.testing.assert_array_equal(logits, kept)
    assert ev.fit_temperature(logits, y, grid=[1.0, 2.0, 4.0]) == pytest.approx(first, rel=1e-6)   # refined


def test_apply_temperature_one_is_softmax():
    logits = torch.randn(5, 4, generator=torch.Generator().manual_seed(0))
    np.testing.assert_allclose(ev.apply_temperature(logits, 1), logits.double().softmax(1).numpy(), atol=1e-12)
    sharp = ev.apply_temperature(logits, 0.5)
    assert (sharp.max(1) > ev.apply_temperature(logits, 1).max(1)).all()
    with pytest.raises(ValueError, match="`T`"):
        ev.apply_temperature(logits, 0)


def test_most_confident_mistakes_order():
    probs = [[0.9, 0.1], [0.3, 0.7], [0.6, 0.4], [0.2, 0.8], [0.55, 0.45]]
    y = [1, 1, 1, 0, 0]                          # mistakes: 0 (conf 0.9), 2 (0.6), 3 (0.8)
    np.testing.assert_array_equal(ev.most_confident_mistakes(probs, y), [0, 3, 2])
    np.testing.assert_array_equal(ev.most_confident_mistakes(probs, y, k=2), [0, 3])
    assert len(ev.most_confident_mistakes([[0.9, 0.1]], [0])) == 0


def test_best_threshold_hand_cases_and_brute_force():
    # t = 0.35 calls 0.35, 0.4, 0.8 positive: tp 2, fp 1 → F1 0.8, better than every other candidate
    assert ev.best_threshold([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == 0.35
    # accuracy 2/3 at both t = 0.1 and t = 0.9: the largest wins
    assert ev.best_threshold([0.1, 0.5, 0.9], [1, 0, 1], metric="accuracy") == 0.9
    rng = np.random.default_rng(0)
    scores, y = rng.uniform(size=60).round(2), rng.integers(0, 2, 60)
    t = ev.best_threshold(scores, y)
    best = max(metrics.f1_score(y, scores >= c) for c in np.unique(scores))
    assert metrics.f1_score(y, scores >= t) == pytest.approx(best)
    with pytest.raises(ValueError, match="`y`"):
        ev.best_threshold([0.2, 0.3], [1, 1])


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="`probs`.*2-D"):
        ev.expected_calibration_error([0.2, 0.8], [1])
    with pytest.raises(ValueError, match="`probs` must sum to 1"):
        ev.reliability([[0.2, 0.2]], [1])
    with pytest.raises(ValueError, match="`y`"):
        ev.expected_calibration_error([[0.2, 0.8]], [2])
    with pytest.raises(ValueError, match="`y`"):
        ev.fit_temperature(np.zeros((3, 2)), [0, 1])
    with pytest.raises(ValueError, match="`metric`"):
        ev.best_threshold([0.2, 0.3], [0, 1], metric="auc")


# ------------------------------------------------------------------------------------------------
# Occlusion and the deletion test


class TopLeft(nn.Module):
    """Logits (0, 4 · mean of the top-left 4 × 4 pixels): class 1 rests on that quadrant alone."""

    def forward(self, x):
        m = x[:, :, :4, :4].mean((1, 2, 3))
        return torch.stack([torch.zeros_like(m), 4 * m], 1)


class OnePixel(nn.Module):
    """Logits (0, 4 · pixel (0, 0) of channel 0): class 1 rests on the first patch alone."""

    def forward(self, x):
        v = x[:, 0, 0, 0]
        return torch.stack([torch.zeros_like(v), 4 * v], 1)


def test_occlude_fills_with_the_mean_and_leaves_x_untouched():
    X = torch.rand(2, 3, 4, 4, generator=torch.Generator().manual_seed(0))
    kept = X.clone()
    patches = torch.zeros(2, 2, 2, dtype=torch.bool)
    patches[0, 1, 0] = True                                      # image 0, bottom-left 2 × 2 patch
    out = ex.occlude(X, patches, patch=2)
    assert torch.equal(X, kept)
    np.testing.assert_allclose(out[0, :, 2:, :2], X[0].mean((1, 2))[:, None, None].expand(3, 2, 2), rtol=1e-6)
    rest = torch.ones_like(X, dtype=torch.bool)
    rest[0, :, 2:, :2] = False
    assert torch.equal(out[rest], X[rest])
    assert (ex.occlude(X, patches, patch=2, fill="zero")[0, :, 2:, :2] == 0).all()


def test_occlusion_map_only_the_used_quadrant_matters():
    X = torch.ones(2, 1, 8, 8)
    X[1] *= 0.5
    model = TopLeft().train()
    maps = ex.occlusion_map(model, X, target=1, patch=2, fill="zero")
    assert maps.shape == (2, 4, 4) and model.training                     # its train mode is restored
    # hiding one 2 × 2 patch of the quadrant takes its mean from v to 0.75 v
    for i, v in enumerate((1.0, 0.5)):
        want = torch.sigmoid(torch.tensor(4 * v)) - torch.sigmoid(torch.tensor(3 * v))
        np.testing.assert_allclose(maps[i, :2, :2], want.expand(2, 2), rtol=1e-5)
    outside = torch.ones(4, 4, dtype=torch.bool)
    outside[:2, :2] = False
    assert (maps[:, outside] == 0).all()
    assert torch.allclose(ex.occlusion_map(model, X, [0, 0], patch=2, fill="zero"), -maps)   # class 0 rises
    assert torch.allclose(ex.occlusion_map(model, X, target=1, patch=2, fill="zero", batch_size=3), maps)
    with pytest.raises(ValueError, match="`patch`"):
        ex.occlusion_map(model, X, target=1, patch=3)
    with pytest.raises(ValueError, match="`target`"):
        ex.occlusion_map(model, X, target=2, patch=2)


def test_deletion_test_the_right_map_beats_random_and_a_wrong_one_does_not():
    X = torch.rand(4, 1, 8, 8, generator=torch.Generator().manual_seed(0)) + 0.5
    model = OnePixel()
    maps = ex.occlusion_map(model, X, target=1, patch=2, fill="zero")
    assert maps[:, 0, 0].gt(0).all() and maps.flatten(1)[:, 1:].eq(0).all()
    result = ex.deletion_test(model, X, 1, maps, fraction=0.05, random_repeats=5, fill="zero")
    assert result["k"] == 1                                       # round(0.05 · 16) = 1
    np.testing.assert_allclose(result["top"], maps[:, 0, 0], rtol=1e-6)
    assert (result["top"] > result["random"]).all()
    wrong = ex.deletion_test(model, X, 1, -maps, fraction=0.25, fill="zero")      # points away from the pixel
    assert (wrong["top"] == 0).all() and (wrong["random"] > 0).any()
    again = ex.deletion_test(model, X, 1, -maps, fraction=0.25, fill="zero")
    assert torch.equal(again["random"], wrong["random"])                             # seeded
    with pytest.raises(ValueError, match="`maps`"):
        ex.deletion_test(model, X, 1, maps[:3])


# ------------------------------------------------------------------------------------------------
# Model randomisation and rank correlation


def _net(seed=10):
    torch.manual_seed(seed)
    model = nn.Sequential(OrderedDict(
        features=nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                               nn.Flatten()),
        head=nn.Linear(4, 3)))
    model(torch.randn(8, 1, 6, 6))                      # training mode: moves BatchNorm's running statistics
    with torch.no_grad():
        model.features[1].weight.mul_(3)               # so resetting BatchNorm visibly changes it
        model.features[1].bias.add_(0.5)
    return model.eval()


def test_randomised_changes_exactly_the_named_modules_and_leaves_the_model_untouched():
    model = _net()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    head_only = ex.randomised(model, ["head"], seed=0)
    for k, v in model.state_dict().items():
        assert torch.equal(v, before[k]), k                                   # original bit for bit
    for k, v in head_only.state_dict().items():
        assert torch.equal(v, before[k]) != k.startswith("head."), k        # only the head changed
    both = ex.randomised(model, ["features", "head"], seed=0)
    changed = {k for k, v in both.state_dict().items() if not torch.equal(v, before[k])}
    assert changed == set(before)                                             # weights, biases, BatchNorm stats
    assert torch.equal(both.features[1].running_mean, torch.zeros(4))          # running statistics reset
    assert all(torch.equal(a, b) for a, b in zip(ex.randomised(model, "head", seed=0).parameters(),
                                                 head_only.parameters()))          # reproducible
    assert not torch.equal(ex.randomised(model, "head", seed=1).head.weight, head_only.head.weight)
    with pytest.raises(ValueError, match="`modules`"):
        ex.randomised(model, ["classifier"])
    with pytest.raises(ValueError, match="`seed` 3"):                      # the seed that built the conv layer
        ex.randomised(_net(seed=3), ["features.0"], seed=3)


def test_randomised_refuses_a_module_it_cannot_reset():
    class Scale(nn.Module):
        def __init__(self):
            super().__init__()
            self.s = nn.Parameter(torch.ones(1))

        def forward(self, x):
            return x * self.s

    with pytest.raises(ValueError, match="reset_parameters"):
        ex.randomised(nn.Sequential(nn.Linear(2, 2), Scale()), ["1"])


def test_rank_correlation():
    from scipy import stats

    a = torch.randn(4, 4, generator=torch.Generator().manual_seed(0))
    assert ex.rank_correlation(a, a.exp() * 10) == pytest.approx(1.0)          # any increasing transform
    assert ex.rank_correlation(a, -a) == pytest.approx(-1.0)
    assert math.isnan(ex.rank_correlation(a, torch.ones(4, 4)))
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 4, 30), rng.integers(0, 4, 30)                       # with ties
    assert ex.rank_correlation(x, y) == pytest.approx(stats.spearmanr(x, y).statistic)
    with pytest.raises(ValueError, match="`a` and `b`"):
        ex.rank_correlation(a, a[:2])


# ------------------------------------------------------------------------------------------------
# Plots


def test_plots_return_figures():
    import matplotlib.pyplot as plt

    cm = ev.confusion_matrix([0, 1, 2, 2], [0, 2, 2, 1])
    fig = plots.plot_confusion(cm, ["a", "b", "c"], title="cm")
    assert len(fig.axes) == 1 and len(fig.axes[0].texts) == 9 and fig.axes[0].get_title() == "cm"
    probs = np.array([[0.9, 0.1], [0.6, 0.4], [0.7, 0.3]])
    curves = {"before": ev.reliability(probs, [0, 1, 0], bins=5), "after": ev.reliability(probs, [0, 0, 0], bins=5)}
    fig = plots.plot_reliability(curves)
    assert len(fig.axes) == 1 and len(fig.axes[0].lines) == 3                 # diagonal + one per label
    fig = plots.show_heatmaps(torch.rand(3, 3, 8, 8), torch.randn(3, 4, 4), titles=list("xyz"), ncols=2)
    assert len(fig.axes) == 4 and len(fig.axes[0].images) == 2                # 2 × 2 grid, image + map
    fig = plots.show_heatmaps(np.random.rand(2, 1, 8, 8), np.zeros((2, 2, 2)))
    assert len(fig.axes) == 2
    plt.close("all")
