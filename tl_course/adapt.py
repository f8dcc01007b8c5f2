"""Domain adaptation: use unlabelled target images to make a source-trained model work on the target.

Taught in lesson 05. Every method here sees the target domain only through its images: the training
function refuses anything that carries target labels, so no method can peek at them by accident.

- `adabn`: recompute BatchNorm statistics on target images (Li et al., 2016, "Revisiting batch
  normalization for practical domain adaptation").
- `coral_transform` / `coral_loss`: match the covariance of source and target features, in closed form
  (Sun, Feng & Saenko, 2016, "Return of frustratingly easy domain adaptation") or as a training loss
  (Sun & Saenko, 2016, "Deep CORAL").
- `mmd_loss`: a multi-kernel maximum mean discrepancy (Gretton et al., 2012; used as in Long et al., 2015, DAN).
- `grad_reverse` + `DomainClassifier`: domain-adversarial training (Ganin et al., 2016, DANN).
- `CoralLoss`, `MMDLoss`, `DomainAdversarialLoss`: the same three alignments as loss modules, which
  `train_adapted`'s one training loop adds to the classification loss.
- `confident_pseudo_labels`: self-training on the target predictions the model is sure of (Lee, 2013).
- `proxy_a_distance`: how separable the two domains are (Ben-David et al., 2007).
- `importance_weights` + `importance_weighted_accuracy` (IWCV, Sugiyama et al., 2007) and `reverse_validation`
  (Zhong et al., 2010): scores that need no target labels — and lesson 05 measures when they fail.
- `compare_on_pair`: lesson 05's whole comparison on a `data.DomainPair` — printed → handwritten digits in the
  lesson, SVHN → MNIST at full scale — returned as a `Comparison`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import checks, runtime
from .train import _place, _progress, evaluate, fit_steps, predict


# ------------------------------------------------------------------------------------------------
# Measuring the shift


def proxy_a_distance(F_source, F_target, seed: int = 0) -> float:
    """Proxy A-distance 2(1 − 2ε) (Ben-David et al., 2007): ε is a domain classifier's held-out *balanced* error.

    Taught in lesson 05. 0 means indistinguishable domains, 2 perfectly separable ones. Half of each domain, at
    random, trains the classifier (standardised features, logistic regression, both domains weighted equally); the
    other halves measure its error on each domain, and ε is their mean. Balancing matters: the A-distance compares
    the domains as equals, and a plain error rate would reward a classifier that always answers "the larger
    domain" — two samples of one distribution, 900 and 100 points, would score ≈ 1.6 instead of ≈ 0.
    F_source (n_s, D), F_target (n_t, D), each with at least two rows.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    Fs, Ft = checks.as_features(F_source, "F_source", 2), checks.as_features(F_target, "F_target", 2)
    checks.same_width("F_source", Fs, "F_target", Ft)
    rng = np.random.default_rng(seed)
    halves = [np.array_split(rng.permutation(len(F_)), 2) for F_ in (Fs, Ft)]   # per domain: (train, test)
    X_train = np.concatenate([Fs[halves[0][0]], Ft[halves[1][0]]])
    d_train = np.r_[np.zeros(len(halves[0][0])), np.ones(len(halves[1][0]))]
    clf = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced"))
    with runtime.one_blas_thread():
        clf.fit(X_train, d_train)
    error = 0.5 * ((clf.predict(Fs[halves[0][1]]) != 0).mean() + (clf.predict(Ft[halves[1][1]]) != 1).mean())
    return float(2.0 * (1.0 - 2.0 * min(error, 0.5)))


def importance_weights(F_source, F_target, max_weight: float = 50.0, seed: int = 0) -> np.ndarray:
    """Density-ratio weights w(x) ≈ p_target(x) / p_source(x) for the source samples, from a domain classifier.

    The classifier's odds P(target | x) / P(source | x), times n_source / n_target, estimate the ratio
    (Bickel et al., 2007). Cross-fitted: each source sample is weighted by a classifier trained on the other
    half of the data, so it cannot memorise it. Weights are clipped at `max_weight` times their mean and then
    normalised to mean 1. Used by `importance_weighted_accuracy` (IWCV, Sugiyama et al., 2007).
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    Fs, Ft = checks.as_features(F_source, "F_source", 2), checks.as_features(F_target, "F_target", 2)
    checks.same_width("F_source", Fs, "F_target", Ft)
    max_weight = checks.number(max_weight, "max_weight", low=1.0)
    rng = np.random.default_rng(seed)
    fold_s, fold_t = rng.permutation(len(Fs)) % 2, rng.permutation(len(Ft)) % 2
    odds = np.empty(len(Fs))
    for k in (0, 1):
        train_s, train_t = Fs[fold_s != k], Ft[fold_t != k]
        clf = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000))
        with runtime.one_blas_thread():
            clf.fit(np.concatenate([train_s, train_t]), np.r_[np.zeros(len(train_s)), np.ones(len(train_t))])
        p = clf.predict_proba(Fs[fold_s == k])[:, 1].clip(1e-6, 1 - 1e-6)
        odds[fold_s == k] = p / (1 - p) * len(train_s) / len(train_t)
    w = np.minimum(odds, max_weight * odds.mean())
    return w / w.mean()


def importance_weighted_accuracy(correct, weights) -> tuple[float, float]:
    """Estimate target accuracy from labelled *source* validation results, re-weighted towards the target.

    `correct`: 0/1 per source validation sample; `weights`: `importance_weights` for the same samples.
    Returns (estimate, effective sample size). The effective sample size (Σw)² / Σw² says how many source
    samples the estimate really rests on: when the domains barely overlap it collapses to a handful, and
    the estimate is noise — check it before trusting the number.
    """
    correct, w = checks.as_flags(correct, "correct"), checks.as_weights(weights, "weights")
    checks.same_length(correct=correct, weights=w)
    return float((w * correct).sum() / w.sum()), float(w.sum() ** 2 / (w ** 2).sum())


def reverse_validation(model: nn.Module, target, source_val, make_model, *, steps: int = 200, lr: float = 1e-3,
                       batch_size: int = 32, seed: int = 0) -> float:
    """Reverse validation (Zhong et al., 2010; Ganin et al., 2016 tune DANN with it): a score without target labels.

    Label the target images with `model`'s predictions, train a fresh `make_model()` on them, and return its
    accuracy on the labelled source validation set `source_val` = (X, y). The idea: if the pseudo-labels are
    right, a model learnt from them should read the source too. What it really measures is whether the
    pseudo-labels are *consistent* with the source — lesson 05 shows where that is not the same thing.
    """
    Xt = _images(target)
    checks.as_pair(source_val, "source_val")
    if not callable(make_model) or isinstance(make_model, nn.Module):
        raise TypeError(f"`make_model` must be a function that builds a fresh model (such as `models.SmallCNN`); "
                        f"got {'a model, ' if isinstance(make_model, nn.Module) else ''}{type(make_model).__name__}.")
    pseudo = predict(model, Xt)
    reverse = _seeded(make_model, seed)
    fit_steps(reverse, Xt, pseudo, steps=steps, lr=lr, batch_size=batch_size, seed=seed, progress=False)
    return evaluate(reverse, source_val)["acc"]


def _seeded(make, seed: int):
    """Return `make()` built under `runtime.seeded(seed)`: its initial weights depend on `seed` alone."""
    with runtime.seeded(seed):
        return make()


# ------------------------------------------------------------------------------------------------
# AdaBN


class _Reached(Exception):
    """Raised by a hook to stop a forward pass once the layer being measured has seen its input."""


@torch.no_grad()
def adabn(model: nn.Module, target_X, batch_size: int = 256, device=None) -> nn.Module:
    """AdaBN (Li et al., 2016): set every BatchNorm layer's running mean and variance to the target's statistics.

    Taught in lesson 05. The statistics are exact — those of each layer's input over *all* of `target_X`
    (N, C, H, W), with every earlier BatchNorm layer already using its target statistics — whatever the batch
    size and the order of the images. So the layers are measured one at a time, in the order the network uses
    them: one pass per layer, each pass stopping at the layer it measures (about L/2 forward passes for L layers:
    2× one pass for `SmallCNN`, ~10× for a ResNet-18). The variance is unbiased, as BatchNorm stores it. Only
    BatchNorm buffers change (no weight moves, momentum is untouched, no label is used); the model is returned in
    eval mode.
    """
    X = _images(target_X, "target_X")
    batch_size = checks.whole(batch_size, "batch_size")
    device = device or runtime.get_device()
    _place(model, device).eval()
    pending = {id(m): m for m in model.modules()
               if isinstance(m, nn.modules.batchnorm._BatchNorm) and m.track_running_stats}
    batches = [X[start:start + batch_size] for start in range(0, len(X), batch_size)]
    while pending:
        measured = {}                      # the first pending layer the network reaches, and its input's statistics

        def measure(module, inputs):
            if id(module) not in pending:
                return None
            if "layer" not in measured:
                measured.update(layer=module, stats=[])
            if module is measured["layer"]:
                measured["stats"].append(_moments(inputs[0]))
            raise _Reached

        handles = [m.register_forward_pre_hook(measure) for m in pending.values()]
        try:
            for batch in batches:
                try:
                    model(batch.to(device))
                except _Reached:
                    pass
        finally:
            for handle in handles:
                handle.remove()
        if "layer" not in measured:        # the remaining layers are never used by the forward pass
            break
        layer = pending.pop(id(measured["layer"]))
        count, mean, var = _combine(measured["stats"])
        if count < 2:
            raise ValueError(f"AdaBN needs at least two target values per channel to estimate a variance; "
                             f"`target_X` gives {count} to {type(layer).__name__} (one image of shape "
                             f"{tuple(X.shape[1:])}).")
        layer.running_mean.copy_(mean.to(layer.running_mean))
        layer.running_var.copy_(var.to(layer.running_var))
        if layer.num_batches_tracked is not None:
            layer.num_batches_tracked.fill_(len(measured["stats"]))
    return model.eval()


def _moments(x: torch.Tensor) -> tuple[int, torch.Tensor, torch.Tensor]:
    """(count, mean, sum of squared deviations) per channel (dim 1) of a BatchNorm input, in float64 on the CPU."""
    dims = [0, *range(2, x.dim())]
    count = x.numel() // x.shape[1]
    var, mean = torch.var_mean(x.float(), dims, correction=0)
    return count, mean.double().cpu(), var.double().cpu() * count


def _combine(parts) -> tuple[int, torch.Tensor, torch.Tensor]:
    """Merge per-batch moments exactly (Chan et al.'s pairwise update); return (count, mean, unbiased variance)."""
    count, mean, m2 = parts[0]
    for n, mu, m2_b in parts[1:]:
        delta = mu - mean
        total = count + n
        mean = mean + delta * n / total
        m2 = m2 + m2_b + delta ** 2 * count * n / total
        count = total
    return count, mean, m2 / max(count - 1, 1)


# ------------------------------------------------------------------------------------------------
# CORAL


def _covariance(F_: torch.Tensor) -> torch.Tensor:
    centred = F_ - F_.mean(0, keepdim=True)
    return centred.T @ centred / max(len(F_) - 1, 1)


def _feature_batches(f_source, f_target) -> None:
    checks.feature_batches(f_source, "f_source", f_target, "f_target")


def coral_loss(f_source: torch.Tensor, f_target: torch.Tensor) -> torch.Tensor:
    """Deep CORAL: squared Frobenius distance between the feature covariances, divided by 4d².

    f_source (n_s, D), f_target (n_t, D) → scalar.
    """
    _feature_batches(f_source, f_target)
    d = f_source.shape[1]
    return ((_covariance(f_source) - _covariance(f_target)) ** 2).sum() / (4 * d * d)


def _matrix_power(C: torch.Tensor, power: float) -> torch.Tensor:
    values, vectors = torch.linalg.eigh(C)
    return vectors @ torch.diag(values.clamp_min(1e-12) ** power) @ vectors.T


def coral_transform(F_source, F_target, eps: float = 1.0) -> torch.Tensor:
    """Closed-form CORAL: whiten the source features, then colour them with the target's covariance.

    `eps` is added to both covariances' diagonals (the paper's regulariser). Returns transformed source features;
    a classifier trained on them is then applied to the untouched target features.
    """
    Fs = torch.as_tensor(checks.as_features(F_source, "F_source", 2))
    Ft = torch.as_tensor(checks.as_features(F_target, "F_target", 2))
    checks.same_width("F_source", Fs, "F_target", Ft)
    eps = checks.number(eps, "eps", low=0.0)
    eye = torch.eye(Fs.shape[1], dtype=torch.float64)
    Cs, Ct = _covariance(Fs) + eps * eye, _covariance(Ft) + eps * eye
    return (Fs @ _matrix_power(Cs, -0.5) @ _matrix_power(Ct, 0.5)).float()


# ------------------------------------------------------------------------------------------------
# MMD


def _bandwidths(scales) -> tuple:
    """`mmd_loss`'s bandwidth multipliers as a tuple, checked to be positive numbers."""
    if not scales or any(checks.number(s, "scales") <= 0 for s in scales):
        raise ValueError(f"`scales` must be positive bandwidth multipliers such as (0.5, 1.0, 2.0); got {scales!r}.")
    return tuple(scales)


def mmd_loss(f_source: torch.Tensor, f_target: torch.Tensor, scales=(0.25, 0.5, 1.0, 2.0, 4.0)) -> torch.Tensor:
    """Squared maximum mean discrepancy with a sum of Gaussian kernels (biased estimate, ≥ 0).

    Bandwidths are `scales` × the mean squared distance between all the features of the batch.
    f_source (n_s, D), f_target (n_t, D) → scalar.
    """
    _feature_batches(f_source, f_target)
    scales = _bandwidths(scales)
    X = torch.cat([f_source, f_target])
    dist = torch.cdist(X, X) ** 2
    base = dist.detach().mean().clamp_min(1e-8)
    kernel = sum(torch.exp(-dist / (base * s)) for s in scales)
    n = len(f_source)
    return kernel[:n, :n].mean() + kernel[n:, n:].mean() - 2 * kernel[:n, n:].mean()


# ------------------------------------------------------------------------------------------------
# DANN


class _GradientReversal(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, lam):
        ctx.lam = lam
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad):
        return -ctx.lam * grad, None


def grad_reverse(x: torch.Tensor, lam: float = 1.0) -> torch.Tensor:
    """Identity on the way forward; multiplies the gradient by −`lam` on the way back."""
    return _GradientReversal.apply(x, checks.number(lam, "lam"))


class DomainClassifier(nn.Module):
    """A small MLP that predicts source (0) or target (1) from features passed through `grad_reverse`."""

    def __init__(self, num_features: int, hidden: int = 64):
        super().__init__()
        num_features, hidden = checks.whole(num_features, "num_features"), checks.whole(hidden, "hidden")
        self.net = nn.Sequential(nn.Linear(num_features, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, features: torch.Tensor, lam: float = 1.0) -> torch.Tensor:
        """features (N, D) → domain logits (N,); the gradient reaching `features` is −`lam` × the critic's."""
        return self.net(grad_reverse(features, lam)).squeeze(1)


def adversarial_ramp(step: int, steps: int) -> float:
    """Ganin et al.'s schedule for λ: 2 / (1 + exp(−10 p)) − 1 with p = `step` / `steps`; 0 at the start, → 1."""
    return float(2.0 / (1.0 + np.exp(-10 * step / steps)) - 1.0)


# ------------------------------------------------------------------------------------------------
# Alignment as loss modules: what the training loop adds to the classification loss


class AlignmentLoss(nn.Module):
    """A loss that pulls source and target features together: f_source (B_s, D), f_target (B_t, D) → scalar.

    `weight` is how strongly its gradient pulls the backbone. The module returns the *unweighted* loss (the number
    `train_adapted` records); the loop adds `scale` × that loss to the objective. `step` of `steps` says how far
    training has got, for losses with a schedule; a call on its own may leave them out.
    """

    def __init__(self, weight: float = 1.0):
        super().__init__()
        self.weight = checks.number(weight, "weight", low=0.0)

    @property
    def scale(self) -> float:
        """What the training loop multiplies this loss by: `weight`, unless the weight acts elsewhere."""
        return self.weight


class CoralLoss(AlignmentLoss):
    """Deep CORAL (Sun & Saenko, 2016) as a module: `coral_loss`; the objective gets `weight` × it.

    f_source (B_s, D), f_target (B_t, D) → scalar. Taught in lesson 05.
    """

    def forward(self, f_source, f_target, step: int | None = None, steps: int | None = None) -> torch.Tensor:
        return coral_loss(f_source, f_target)


class MMDLoss(AlignmentLoss):
    """Multi-kernel MMD (Long et al., 2015) as a module: `mmd_loss` at `scales`; the objective gets `weight` × it.

    f_source (B_s, D), f_target (B_t, D) → scalar.
    """

    def __init__(self, weight: float = 1.0, scales=(0.25, 0.5, 1.0, 2.0, 4.0)):
        super().__init__(weight)
        self.scales = _bandwidths(scales)

    def forward(self, f_source, f_target, step: int | None = None, steps: int | None = None) -> torch.Tensor:
        return mmd_loss(f_source, f_target, self.scales)


class DomainAdversarialLoss(AlignmentLoss):
    """DANN (Ganin et al., 2016): a critic's domain loss, reaching the backbone reversed and scaled by λ.

    f_source (B_s, D), f_target (B_t, D) → scalar: the binary cross-entropy of `critic` (a `DomainClassifier`
    behind `grad_reverse`, built from `seed` alone) telling source (0) from target (1). Minimising it trains the
    critic at full strength while the backbone receives −λ × the critic's gradient, λ = `weight` ×
    `adversarial_ramp(step, steps)` (`weight` without `step`). So `scale` is 1: the weight acts inside the reversal.
    """

    def __init__(self, num_features: int, weight: float = 1.0, hidden: int = 64, seed: int = 0):
        super().__init__(weight)
        self.critic = _seeded(lambda: DomainClassifier(num_features, hidden), seed)

    @property
    def scale(self) -> float:
        return 1.0

    def lam(self, step: int | None = None, steps: int | None = None) -> float:
        """λ at `step` of `steps`: the strength of the reversed gradient (`weight` when no step is given)."""
        return self.weight if step is None else self.weight * adversarial_ramp(step, steps)

    def forward(self, f_source, f_target, step: int | None = None, steps: int | None = None) -> torch.Tensor:
        _feature_batches(f_source, f_target)
        logits = self.critic(torch.cat([f_source, f_target]), lam=self.lam(step, steps))
        domains = torch.cat([torch.zeros(len(f_source)), torch.ones(len(f_target))]).to(logits.device)
        return F.binary_cross_entropy_with_logits(logits, domains)


# ------------------------------------------------------------------------------------------------
# Pseudo-labels


@torch.no_grad()
def confident_pseudo_labels(model: nn.Module, target_X, threshold: float = 0.9, device=None):
    """Return `(indices, labels)` of the target images whose top predicted probability is ≥ `threshold`."""
    from .train import predict

    X = _images(target_X, "target_X")
    threshold = checks.fraction(threshold, "threshold", example=0.9)
    probs = predict(model, X, probs=True, device=device)
    confidence, labels = probs.max(1)
    keep = torch.nonzero(confidence >= threshold).squeeze(1)
    return keep, labels[keep]


# ------------------------------------------------------------------------------------------------
# Training with unlabelled target data


def _images(target, name: str = "target") -> torch.Tensor:
    """The target's images as a float tensor — refusing anything that carries labels, and empty or NaN images."""
    from .data import ImageData, UnlabelledView

    if isinstance(target, UnlabelledView):
        return checks.as_inputs(target.X, name)
    if isinstance(target, torch.Tensor):
        return checks.as_inputs(target, name)
    if isinstance(target, ImageData):
        raise TypeError("Adaptation must not see target labels: pass `target.unlabelled()` (or `target.X`), "
                        "not the labelled ImageData.")
    if isinstance(target, (tuple, list)):
        raise TypeError("Adaptation must not see target labels: pass the target images only, not an (X, y) pair.")
    if isinstance(target, np.ndarray):
        return checks.as_inputs(target, name)
    raise TypeError(f"`{name}` must be target images (a tensor or an unlabelled view); got {type(target).__name__}.")


METHODS = {"coral": CoralLoss, "mmd": MMDLoss, "dann": DomainAdversarialLoss}


@dataclass
class AdaptHistory:
    """The per-step losses of `train_adapted`; `history["class_loss"]` works too, as when it was a dict."""

    class_loss: list[float] = field(default_factory=list)   # cross-entropy on the labelled (and pseudo-labelled) batch
    align_loss: list[float] = field(default_factory=list)   # the unweighted alignment loss (0 without alignment)

    def __getitem__(self, key: str) -> list[float]:
        if key not in ("class_loss", "align_loss"):
            raise KeyError(f"{key!r}: a training history has 'class_loss' and 'align_loss'.")
        return getattr(self, key)


def _alignment(method, weight: float, num_features: int, seed: int) -> AlignmentLoss | None:
    """The loss module `train_adapted` adds for `method`: a name (built here, DANN's critic from `seed`) or a module."""
    if isinstance(method, AlignmentLoss):
        if weight != 1.0:
            raise ValueError(f"`weight` is for a method given by name; the module passed as `method` has its own "
                             f"weight ({method.weight:g}): leave `weight` out and build the module with it, e.g. "
                             f"{type(method).__name__}(..., weight={weight:g}).")
        return method
    if method is None:
        return None
    if method == "dann":
        return DomainAdversarialLoss(num_features, weight, seed=seed)
    return METHODS[method](weight)


def train_adapted(model: nn.Module, source, target, *, method: str | AlignmentLoss | None = "coral",
                  weight: float = 1.0, steps: int = 600, lr: float = 1e-3, batch_size: int = 64,
                  pseudo_threshold: float | None = None, pseudo_from: int | None = None, seed: int = 0, device=None,
                  progress: bool | None = None, desc: str = "adapt") -> AdaptHistory:
    """Train `model` on labelled `source` = (X, y) while aligning its features with unlabelled `target` images.

    `method`: None (source only), "coral" (`CoralLoss`), "mmd" (`MMDLoss`), "dann" (`DomainAdversarialLoss`, its
    critic built from `seed`), or such a module itself. `weight` is how strongly the alignment pulls the backbone:
    CORAL and MMD add `weight` × their loss; DANN's reversed gradient ramps from 0 to `weight` × the critic's. A
    module passed as `method` keeps its weight and its state (DANN's critic) between calls. With
    `pseudo_threshold`, from step `pseudo_from` (default: half-way) confident target predictions join the labelled
    batch. Returns the per-step losses (`AdaptHistory`).
    """
    if not (method is None or isinstance(method, AlignmentLoss) or isinstance(method, str) and method in METHODS):
        raise ValueError(f"Unknown method {method!r}: `method` must be None, 'coral', 'mmd', 'dann' or an "
                         f"AlignmentLoss module.")
    Xt = _images(target)
    Xs, ys = checks.as_pair(source, "source")
    if Xs.shape[1:] != Xt.shape[1:]:
        raise ValueError(f"`source` and `target` images must have the same shape; got {tuple(Xs.shape[1:])} "
                         f"and {tuple(Xt.shape[1:])}.")
    weight, lr = checks.number(weight, "weight", low=0.0), checks.number(lr, "lr", low=0.0, low_open=True)
    steps, batch_size = checks.whole(steps, "steps", 0), checks.whole(batch_size, "batch_size")
    if pseudo_threshold is not None:
        pseudo_threshold = checks.fraction(pseudo_threshold, "pseudo_threshold", example=0.9)
    if pseudo_from is not None:
        pseudo_from = checks.whole(pseudo_from, "pseudo_from", 0)
    device = device or runtime.get_device()
    gen = torch.Generator().manual_seed(seed)
    _place(model, device)
    alignment = _alignment(method, weight, model.num_features, seed)
    params = list(model.parameters())
    if alignment is not None:
        params += list(alignment.to(device).parameters())        # DANN's critic learns alongside the model
    optimizer = torch.optim.Adam([p for p in params if p.requires_grad], lr=lr)
    pseudo_from = steps // 2 if pseudo_from is None else pseudo_from
    pseudo = None
    history = AdaptHistory()
    for step in _progress(range(steps), desc, progress):
        if pseudo_threshold is not None and step == pseudo_from:
            pseudo = confident_pseudo_labels(model, Xt, pseudo_threshold, device=device)
        model.train()
        s = torch.randint(0, len(Xs), (batch_size,), generator=gen)
        t = torch.randint(0, len(Xt), (batch_size,), generator=gen)
        xs, ys_b, xt = Xs[s].to(device), ys[s].to(device), Xt[t].to(device)
        feats = model.features(torch.cat([xs, xt]))             # one pass: BatchNorm sees both domains together
        fs, ft = feats[:batch_size], feats[batch_size:]
        loss = F.cross_entropy(model.head(fs), ys_b)
        if pseudo is not None and len(pseudo[0]):
            j = torch.randint(0, len(pseudo[0]), (batch_size,), generator=gen)
            loss = loss + F.cross_entropy(model(Xt[pseudo[0][j]].to(device)), pseudo[1][j].to(device))
        align = None if alignment is None else alignment(fs, ft, step=step, steps=steps)
        total = loss if align is None else loss + alignment.scale * align
        optimizer.zero_grad()
        total.backward()
        optimizer.step()
        history.class_loss.append(float(loss.detach()))
        history.align_loss.append(0.0 if align is None else float(align.detach()))
    model.eval()
    return history


# ------------------------------------------------------------------------------------------------
# A benchmark run


ORACLE = "oracle (target labels)"


@dataclass
class Run:
    """One model `compare_on_pair` trained for the choice: which candidate, weight and seed, and how it scored."""

    name: str                    # "source only" or a candidate's name
    weight: float | None         # the alignment weight (None for "source only")
    seed: int
    test: float                  # target test accuracy: for the report only
    dev: float                   # accuracy on the labelled dev set: what the choice sees
    score: object = None         # what the `score` hook returned for this model
    model: nn.Module | None = None


@dataclass
class Comparison(Mapping):
    """What `compare_on_pair` measured; as a mapping, method name → target test accuracy per seed (as the old dict)."""

    accuracy: dict[str, list[float]]
    chosen: dict[str, list[float]]     # candidate name → the weight the dev set chose, per seed
    runs: list[Run]                    # every model trained for the choice, in the order of `seeds`
    seeds: list[int]

    def __getitem__(self, name: str) -> list[float]:
        return self.accuracy[name]

    def __iter__(self):
        return iter(self.accuracy)

    def __len__(self) -> int:
        return len(self.accuracy)

    def run(self, name: str, seed: int) -> Run:
        """The run kept for `name` at `seed`: "source only", or a candidate trained with the weight the dev set chose."""
        weight = self.chosen[name][self.seeds.index(seed)] if name in self.chosen else None
        return next(r for r in self.runs if r.name == name and r.seed == seed and r.weight == weight)


def _pairs(pair, seeds) -> dict:
    """seed → DomainPair: `pair` itself for every seed, or `pair(seed=seed)` when it is a function (a loader)."""
    if not seeds:
        raise ValueError("`seeds` is empty: give at least one seed, e.g. seeds=(0,).")
    pairs = {seed: pair(seed=seed) if callable(pair) else pair for seed in seeds}
    needed = ("source", "target_pool", "target_dev", "target_test", "target_labelled")
    missing = [a for a in needed if not hasattr(pairs[seeds[0]], a)]
    if missing:
        raise TypeError(f"`pair` must be a data.DomainPair (such as `data.svhn_to_mnist()`) or a function of the "
                        f"seed that returns one; got {type(pairs[seeds[0]]).__name__}, which has no `{missing[0]}`.")
    return pairs


def _as_seen(pair):
    """The pair as a method may see it: the target test set and the labelled pool as images only."""
    from dataclasses import replace

    return replace(pair, target_test=pair.target_test.unlabelled(), target_labelled=pair.target_labelled.unlabelled())


def _check_settings(candidates: dict, pseudo: dict) -> None:
    """Every candidate has a weight to choose from; every pseudo-label run builds on a candidate (or on None)."""
    for name, (method, weights) in candidates.items():
        if not weights:
            raise ValueError(f"candidate {name!r} has no weights to choose from: give at least one, e.g. [1.0].")
    for name, base in pseudo.items():
        if base is not None and base not in candidates:
            raise ValueError(f"pseudo-label run {name!r} builds on {base!r}, which is not a candidate: name one of "
                             f"{', '.join(map(repr, candidates))}, or None for no alignment.")


def _serial(fn, *iterables, desc: str = "runs") -> list:
    """`compare_on_pair`'s default `map`: one run after another, here."""
    return [fn(*args) for args in zip(*iterables)]


@dataclass
class _Bench:
    """`compare_on_pair`'s trainings: per seed, its pair and its starting model, and the budget every run shares."""

    pairs: dict
    starts: dict
    budget: dict
    score: object = None

    def acc(self, model, d) -> float:
        return evaluate(model, (d.X, d.y), device=self.budget["device"])["acc"]

    def adapted(self, seed, **settings) -> nn.Module:
        model, p = copy.deepcopy(self.starts[seed]), self.pairs[seed]
        train_adapted(model, (p.source.X, p.source.y), p.target_pool, seed=seed, **self.budget,
                      desc=f"seed {seed}: {settings.get('method') or 'source only'}", **settings)
        return model

    def candidate(self, name, method, weight, seed) -> Run:
        """Train one candidate for the choice; score it on the dev set, the test set and with `score`."""
        model, p = self.adapted(seed, method=method, weight=1.0 if weight is None else weight), self.pairs[seed]
        kept = None if self.score is None else self.score(name, weight, model, _as_seen(p), seed)
        return Run(name, weight, seed, self.acc(model, p.target_test), self.acc(model, p.target_dev), kept, model)

    def later(self, seed, settings) -> float:
        """Target test accuracy of a pseudo-label run with `settings`, or of the oracle when `settings` is None."""
        p = self.pairs[seed]
        if settings is not None:
            return self.acc(self.adapted(seed, **settings), p.target_test)
        model = copy.deepcopy(self.starts[seed])
        fit_steps(model, p.target_labelled.X, p.target_labelled.y, seed=seed, **self.budget, desc=f"seed {seed}: oracle")
        return self.acc(model, p.target_test)


def compare_on_pair(pair, *, seeds=(0,), source_model: nn.Module | None = None, pretrain_steps: int = 3000,
                    steps: int = 3000, batch_size: int = 128, candidates=None, pseudo=None,
                    pseudo_threshold: float = 0.9, score=None, make_model=None, lr: float = 1e-3, device=None,
                    map=None) -> Comparison:
    """Run lesson 05's comparison on a `data.DomainPair`; return target test accuracy per method, one per seed.

    `pair` is a DomainPair, or a function returning one per seed, `pair(seed=seed)` (`data.printed_to_handwritten`).
    Per seed: start from a copy of `source_model` or, without one, train `make_model()` on the source for
    `pretrain_steps`; then, from that model, `steps` more of
    - "source only": the same extra training with no alignment (the fair baseline), and "AdaBN" on top of it;
    - each of `candidates` (name → (method, [weights])), the weight chosen on the pair's labelled dev set;
    - each of `pseudo` (name → a candidate's name, or None for no alignment): that training, with the chosen
      weight, plus pseudo-labels at `pseudo_threshold`;
    - "oracle (target labels)": training on the labelled pool — the reference, not a method.
    Only the oracle touches target labels other than the dev set's. `score(name, weight, model, pair, seed)` is
    called on every model trained for the choice ("source only" has weight None) and sees the pair as a method
    may: source and dev set labelled, the target test set and pool as images only; what it returns is kept in
    the `Comparison`'s `runs`. `map` (such as `cfg.map`) runs the independent trainings side by side.
    """
    candidates = candidates or {"MMD": ("mmd", [0.3, 1.0]), "DANN": ("dann", [0.1, 0.3])}
    pseudo, seeds, map = pseudo or {}, list(seeds), map or _serial
    pairs = _pairs(pair, seeds)
    _check_settings(candidates, pseudo)
    pretrain_steps, steps = checks.whole(pretrain_steps, "pretrain_steps", 0), checks.whole(steps, "steps", 0)
    budget = dict(steps=steps, lr=lr, batch_size=batch_size, device=device)
    starts = _starting_models(pairs, source_model, make_model, map, dict(budget, steps=pretrain_steps))
    bench = _Bench(pairs, starts, budget, score)
    settings = [("source only", None, None)] + [(n, m, w) for n, (m, ws) in candidates.items() for w in ws]
    jobs = [(name, method, weight, seed) for seed in seeds for name, method, weight in settings]
    runs = map(bench.candidate, *zip(*jobs), desc="candidates")
    result = Comparison({}, _choose(runs, candidates, seeds), runs, seeds)
    plain = [result.run("source only", seed) for seed in seeds]
    result.accuracy = {"source only": [r.test for r in plain],
                       "AdaBN": [bench.acc(adabn(copy.deepcopy(r.model), pairs[r.seed].target_pool, device=device),
                                           pairs[r.seed].target_test) for r in plain],
                       **{name: [result.run(name, seed).test for seed in seeds] for name in candidates}}
    later = [(name, seed, _pseudo_settings(result, candidates, base, seed, pseudo_threshold))
             for name, base in pseudo.items() for seed in seeds] + [(ORACLE, seed, None) for seed in seeds]
    accuracies = iter(map(bench.later, [s for _, s, _ in later], [x for _, _, x in later], desc="pseudo, oracle"))
    result.accuracy.update({name: [next(accuracies) for _ in seeds] for name in [*pseudo, ORACLE]})
    return result


def _choose(runs: list, candidates: dict, seeds: list) -> dict:
    """candidate name → per seed, the weight whose run scored best on the dev set (the first of any tie)."""
    dev = {(r.name, r.weight, r.seed): r.dev for r in runs}
    return {name: [max(weights, key=lambda w: dev[name, w, seed]) for seed in seeds]
            for name, (_, weights) in candidates.items()}


def _pseudo_settings(result: Comparison, candidates: dict, base, seed: int, threshold: float) -> dict:
    """`train_adapted`'s settings for a pseudo-label run on top of candidate `base` (None: no alignment)."""
    if base is None:
        return dict(method=None, pseudo_threshold=threshold)
    return dict(method=candidates[base][0], weight=result.run(base, seed).weight, pseudo_threshold=threshold)


def _starting_models(pairs: dict, source_model, make_model, map, budget: dict) -> dict:
    """seed → the model every run of that seed starts from: `source_model`, or `make_model()` trained on the source."""
    if source_model is not None:
        return {seed: source_model for seed in pairs}
    from .models import SmallCNN

    def pretrained(seed):
        p = pairs[seed]
        build = make_model or (lambda: SmallCNN(num_classes=len(p.source.classes), in_channels=p.source.X.shape[1]))
        model = _seeded(build, seed)
        fit_steps(model, p.source.X, p.source.y, seed=seed, **budget, desc=f"seed {seed}: source")
        return model

    return dict(zip(pairs, map(pretrained, list(pairs), desc="source models")))
