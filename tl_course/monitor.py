"""Watch a deployed model's inputs for distribution shift, one batch at a time (Rabanser et al., 2019).

    monitor = ShiftMonitor(batch_size=64).fit(F_train).calibrate(F_clean_deployment)
    monitor.alarm(F_batch)            # True: this batch's features are unusually far from the reference
    monitor.alarm_rate(F_shifted)     # the fraction of batches that would have raised the alarm

Rabanser, Günnemann & Lipton (2019), "Failing Loudly: An Empirical Study of Methods for Detecting Dataset Shift":
compare the features a pretrained network gives the incoming batch with those of a reference sample. Taught in
lesson 09. Features are tensors or NumPy arrays (N, D), one row per image.
"""

from __future__ import annotations

import numpy as np
import torch

from . import checks


def _features(F, name: str, width: int | None = None) -> torch.Tensor:
    """Features (N, D) as a float64 tensor, checked once (finite, one row per example, `width` columns if given)."""
    a = checks.as_features(F, name)
    if width is not None and a.shape[1] != width:
        raise ValueError(f"`{name}` must have {width} features per row, like the reference; got {a.shape[1]}.")
    return torch.as_tensor(a)


def _normalise(F: torch.Tensor) -> torch.Tensor:
    """Each row (N, D) scaled to unit length; an all-zero row stays zero instead of becoming NaN."""
    # EfficientNet gives exactly zero features for ~2 % of flat dark patches: F / 0 would be NaN, and a NaN
    # statistic never exceeds a threshold, so the monitor would go silent
    return F / F.norm(dim=1, keepdim=True).clamp_min(1e-8)


def draw_batches(n: int, batch_size: int, n_batches: int, seed: int) -> list[torch.Tensor]:
    """`n_batches` index tensors (batch_size,) into `n` rows, each drawn without replacement, reproducible by `seed`."""
    n, batch_size = checks.whole(n, "n"), checks.whole(batch_size, "batch_size")
    n_batches, seed = checks.whole(n_batches, "n_batches"), checks.whole(seed, "seed", minimum=0)
    if batch_size > n:
        raise ValueError(f"`batch_size` ({batch_size}) must be at most the number of rows to draw from ({n}): "
                         f"a batch never repeats a row.")
    gen = torch.Generator().manual_seed(seed)
    return [torch.randperm(n, generator=gen)[:batch_size] for _ in range(n_batches)]


class ShiftMonitor:
    """Alarm when a batch's mean normalised feature drifts from the reference's further than clean batches do.

    The statistic is the squared distance between the two mean unit-length feature vectors: the (biased) MMD² with
    a linear kernel (Gretton et al., 2012) on normalised features. `fit` stores the reference mean (`reference_mean_`
    (D,)), `calibrate` the alarm threshold (`threshold_`, and `calibration_statistics_` (n_batches,)).
    """

    def __init__(self, batch_size: int = 64, quantile: float = 0.95):
        self.batch_size = checks.whole(batch_size, "batch_size")
        self.quantile = checks.fraction(quantile, "quantile", example=0.95, open_ends=True)

    def fit(self, reference_features) -> ShiftMonitor:
        """Store the mean of the L2-normalised reference features (N, D), e.g. those of the training images."""
        F = _features(reference_features, "reference_features")
        self.n_features_in_ = F.shape[1]
        self.reference_mean_ = _normalise(F).mean(0)
        return self

    def _check(self, step: str) -> None:
        """Refuse to run before `fit` (or before `calibrate`, for the steps that need a threshold)."""
        if not hasattr(self, "reference_mean_"):
            raise RuntimeError(f"Call `fit(reference_features)` before `{step}`: the monitor has no reference yet.")
        if step in ("alarm", "alarm_rate") and not hasattr(self, "threshold_"):
            raise RuntimeError(f"Call `calibrate(clean_features)` before `{step}`: the monitor has no threshold yet.")

    def _statistic(self, F: torch.Tensor) -> float:
        return float(((_normalise(F).mean(0) - self.reference_mean_) ** 2).sum())

    def statistic(self, batch_features) -> float:
        """Squared Euclidean distance between the batch's (N, D) mean normalised feature and the reference's."""
        self._check("statistic")
        return self._statistic(_features(batch_features, "batch_features", self.n_features_in_))

    def _batch_statistics(self, F: torch.Tensor, n_batches: int, seed: int) -> np.ndarray:
        return np.array([self._statistic(F[rows]) for rows in draw_batches(len(F), self.batch_size, n_batches, seed)])

    def calibrate(self, clean_features, n_batches: int = 100, seed: int = 0) -> ShiftMonitor:
        """Set `threshold_`: the `quantile` of the statistic over `n_batches` batches drawn from clean features (N, D).

        Calibrate on a clean sample of the deployment stream, not on the training set: clean deployment data
        differs a little from training data (other cameras, other days), and a threshold set on training batches
        mistakes that for shift. Planning measured 19 % false alarms on clean deployment batches with a threshold
        from training batches, 3 % with one from a clean deployment sample (quantile 0.95). Measure the false-alarm
        rate on clean data not used here (`alarm_rate`): on these same batches it is 1 − `quantile` by construction.
        """
        self._check("calibrate")
        F = _features(clean_features, "clean_features", self.n_features_in_)
        self.calibration_statistics_ = self._batch_statistics(F, n_batches, seed)
        self.threshold_ = float(np.quantile(self.calibration_statistics_, self.quantile))
        return self

    def alarm(self, batch_features) -> bool:
        """True when the batch's (N, D) statistic exceeds `threshold_`."""
        self._check("alarm")
        return self.statistic(batch_features) > self.threshold_

    def alarm_rate(self, features, n_batches: int = 100, seed: int = 0) -> float:
        """Fraction of `n_batches` batches drawn from `features` (N, D) that raise the alarm.

        On clean data it is the false-alarm rate (about 1 − `quantile` if calibrated on the same distribution);
        on shifted data, the detection rate.
        """
        self._check("alarm_rate")
        F = _features(features, "features", self.n_features_in_)
        return float((self._batch_statistics(F, n_batches, seed) > self.threshold_).mean())
