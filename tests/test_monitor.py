import numpy as np
import pytest
import torch

from tl_course.monitor import ShiftMonitor, draw_batches


def gaussian(n, seed, d=16, offset=1.0):
    """Features (n, d) around a common mean (like post-ReLU embeddings: not centred at 0)."""
    return torch.randn(n, d, generator=torch.Generator().manual_seed(seed)) + offset


def test_statistic_is_zero_for_the_reference_itself_and_positive_for_a_shifted_batch():
    ref = gaussian(500, 0)
    monitor = ShiftMonitor().fit(ref)
    assert monitor.statistic(ref) == pytest.approx(0, abs=1e-12)
    shifted = ref.clone()
    shifted[:, 0] += 1
    assert monitor.statistic(shifted) > 0.01


def test_statistic_is_the_squared_distance_between_mean_unit_vectors():
    ref, batch = gaussian(200, 0, d=5).double(), gaussian(64, 1, d=5).double()
    unit = lambda F: F / np.linalg.norm(F, axis=1, keepdims=True)
    expected = ((unit(batch.numpy()).mean(0) - unit(ref.numpy()).mean(0)) ** 2).sum()
    assert ShiftMonitor().fit(ref.numpy()).statistic(batch) == pytest.approx(expected, rel=1e-6)


def test_clean_batches_alarm_about_one_minus_quantile_of_the_time():
    # calibrated on one clean sample, measured on another from the same distribution (10 seeds: 0.037-0.078)
    monitor = ShiftMonitor(batch_size=64, quantile=0.95).fit(gaussian(3000, 0))
    monitor.calibrate(gaussian(3000, 1), n_batches=1000, seed=0)
    assert 0.02 <= monitor.alarm_rate(gaussian(3000, 2), n_batches=1000, seed=1) <= 0.10


def test_on_its_own_calibration_batches_the_alarm_rate_is_exactly_one_minus_quantile():
    monitor = ShiftMonitor(batch_size=32, quantile=0.9).fit(gaussian(1000, 0)).calibrate(gaussian(1000, 1), 200, 3)
    assert monitor.calibration_statistics_.shape == (200,)
    assert monitor.alarm_rate(gaussian(1000, 1), 200, 3) == pytest.approx(0.1, abs=1 / 200)


def test_a_mean_shifted_stream_alarms_almost_always():
    monitor = ShiftMonitor().fit(gaussian(3000, 0)).calibrate(gaussian(3000, 1), n_batches=200)
    shifted = gaussian(3000, 2)
    shifted[:, 0] += 1
    assert monitor.alarm_rate(shifted, n_batches=200, seed=1) >= 0.98
    assert monitor.alarm(shifted[:64]) is True


def test_a_zero_feature_row_keeps_every_statistic_finite():
    # plain F / ||F|| turns a zero row into NaN, and NaN > threshold is always False: a silent monitor
    ref, clean, shifted = gaussian(500, 0), gaussian(500, 1), gaussian(500, 2)
    for F in (ref, clean, shifted):
        F[:10] = 0
    shifted[:, 0] += 1
    monitor = ShiftMonitor().fit(ref).calibrate(clean)
    assert torch.isfinite(monitor.reference_mean_).all()
    assert np.isfinite(monitor.threshold_) and np.isfinite(monitor.statistic(clean[:64]))
    assert monitor.alarm_rate(shifted) > 0.9


def test_using_it_before_fit_or_calibrate_says_which_step_is_missing():
    with pytest.raises(RuntimeError, match=r"fit\(reference_features\)"):
        ShiftMonitor().statistic(gaussian(64, 0))
    with pytest.raises(RuntimeError, match=r"fit\(reference_features\)"):
        ShiftMonitor().calibrate(gaussian(100, 0))
    fitted = ShiftMonitor().fit(gaussian(100, 0))
    with pytest.raises(RuntimeError, match=r"calibrate\(clean_features\)"):
        fitted.alarm(gaussian(64, 1))
    with pytest.raises(RuntimeError, match=r"calibrate\(clean_features\)"):
        fitted.alarm_rate(gaussian(100, 1))


def test_bad_inputs_give_one_sentence_naming_the_argument():
    fitted = ShiftMonitor().fit(gaussian(100, 0))
    with pytest.raises(ValueError, match="`batch_features` must have 16 features per row"):
        fitted.statistic(gaussian(64, 1, d=8))
    with pytest.raises(ValueError, match="`quantile` must be a fraction"):
        ShiftMonitor(quantile=95)
    with pytest.raises(ValueError, match="`batch_size`"):
        fitted.calibrate(gaussian(50, 1))          # 64 rows per batch from 50
    with pytest.raises(ValueError, match="`reference_features` must be finite"):
        ShiftMonitor().fit(torch.full((4, 3), float("nan")))


def test_draw_batches_never_repeats_a_row_within_a_batch_and_is_reproducible():
    batches = draw_batches(100, 64, 50, seed=0)
    assert len(batches) == 50 and all(b.shape == (64,) for b in batches)
    assert all(len(set(b.tolist())) == 64 and 0 <= int(b.min()) and int(b.max()) < 100 for b in batches)
    again, other = draw_batches(100, 64, 50, seed=0), draw_batches(100, 64, 50, seed=1)
    assert all(torch.equal(a, b) for a, b in zip(batches, again))
    assert not all(torch.equal(a, b) for a, b in zip(batches, other))
    assert not all(torch.equal(batches[0], b) for b in batches[1:])     # a fresh draw per batch
    with pytest.raises(ValueError, match=r"`batch_size` \(64\) must be at most .* \(50\)"):
        draw_batches(50, 64, 10, seed=0)
