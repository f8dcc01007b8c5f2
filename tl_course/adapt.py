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
- `confident_pseudo_labels`: self-training on the target predictions the model is sure of (Lee, 2013).
- `proxy_a_distance`: how separable the two domains are (Ben-David et al., 2007).
- `importance_weights` + `importance_weighted_accuracy` (IWCV, Sugiyama et al., 2007) and `reverse_validation`
  (Zhong et al., 2010): scores that need no target labels — and lesson 05 measures when they fail.
- `compare_on_pair`: lesson 05's whole comparison on a `data.DomainPair` (e.g. SVHN → MNIST at full scale).
"""

from __future__ import annotations

import copy

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import runtime
from .train import _flat, _progress, evaluate, fit_steps, predict


# ------------------------------------------------------------------------------------------------
# Measuring the shift


def proxy_a_distance(F_source, F_target, seed: int = 0) -> float:
    """Proxy A-distance 2(1 − 2ε): ε is the held-out error of a linear classifier telling the domains apart.

    0 means indistinguishable domains, 2 perfectly separable ones. A random half of the pooled features trains
    the classifier (standardised features, logistic regression), the other half measures its error.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    Fs, Ft = _flat(F_source), _flat(F_target)
    X = np.concatenate([Fs, Ft])
    d = np.concatenate([np.zeros(len(Fs)), np.ones(len(Ft))])
    order = np.random.default_rng(seed).permutation(len(X))
    half = len(X) // 2
    tr, te = order[:half], order[half:]
    clf = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000))
    clf.fit(X[tr], d[tr])
    error = 1.0 - clf.score(X[te], d[te])
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

    Fs, Ft = _flat(F_source), _flat(F_target)
    rng = np.random.default_rng(seed)
    fold_s, fold_t = rng.permutation(len(Fs)) % 2, rng.permutation(len(Ft)) % 2
    odds = np.empty(len(Fs))
    for k in (0, 1):
        train_s, train_t = Fs[fold_s != k], Ft[fold_t != k]
        clf = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000))
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
    correct, w = np.asarray(correct, dtype=float), np.asarray(weights, dtype=float)
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


@torch.no_grad()
def adabn(model: nn.Module, target_X, batch_size: int = 256, device=None) -> nn.Module:
    """Replace every BatchNorm layer's running mean and variance by the statistics of `target_X`.

    Only BatchNorm buffers change; no weight moves and no label is used. Returns the model (in eval mode).
    """
    device = device or runtime.get_device()
    X = _images(target_X)
    model.to(device)
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    momenta = [m.momentum for m in norms]
    for m in norms:
        m.reset_running_stats()
    model.eval()
    for m in norms:
        m.train()                  # only BatchNorm layers update their statistics; dropout stays off
    for start in range(0, len(X), batch_size):
        batch = X[start:start + batch_size]
        for m in norms:            # weight each batch by its size: the result is the average over all images
            m.momentum = len(batch) / (start + len(batch))
        model(batch.to(device))
    for m, momentum in zip(norms, momenta):
        m.momentum = momentum
    return model.eval()


# ------------------------------------------------------------------------------------------------
# CORAL


def _covariance(F_: torch.Tensor) -> torch.Tensor:
    centred = F_ - F_.mean(0, keepdim=True)
    return centred.T @ centred / max(len(F_) - 1, 1)


def coral_loss(f_source: torch.Tensor, f_target: torch.Tensor) -> torch.Tensor:
    """Deep CORAL: squared Frobenius distance between the feature covariances, divided by 4d²."""
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
    Fs = torch.as_tensor(F_source, dtype=torch.float64)
    Ft = torch.as_tensor(F_target, dtype=torch.float64)
    eye = torch.eye(Fs.shape[1], dtype=torch.float64)
    Cs, Ct = _covariance(Fs) + eps * eye, _covariance(Ft) + eps * eye
    return (Fs @ _matrix_power(Cs, -0.5) @ _matrix_power(Ct, 0.5)).float()


# ------------------------------------------------------------------------------------------------
# MMD


def mmd_loss(f_source: torch.Tensor, f_target: torch.Tensor, scales=(0.25, 0.5, 1.0, 2.0, 4.0)) -> torch.Tensor:
    """Squared maximum mean discrepancy with a sum of Gaussian kernels (biased estimate, ≥ 0).

    Bandwidths are `scales` × the mean squared distance between all the features of the batch.
    """
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
    return _GradientReversal.apply(x, lam)


class DomainClassifier(nn.Module):
    """A small MLP that predicts source (0) or target (1) from features passed through `grad_reverse`."""

    def __init__(self, num_features: int, hidden: int = 64):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(num_features, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, features: torch.Tensor, lam: float = 1.0) -> torch.Tensor:
        return self.net(grad_reverse(features, lam)).squeeze(1)


# ------------------------------------------------------------------------------------------------
# Pseudo-labels


@torch.no_grad()
def confident_pseudo_labels(model: nn.Module, target_X, threshold: float = 0.9, device=None):
    """Return `(indices, labels)` of the target images whose top predicted probability is ≥ `threshold`."""
    from .train import predict

    X = _images(target_X)
    probs = predict(model, X, probs=True, device=device)
    confidence, labels = probs.max(1)
    keep = torch.nonzero(confidence >= threshold).squeeze(1)
    return keep, labels[keep]


# ------------------------------------------------------------------------------------------------
# Training with unlabelled target data


def _images(target) -> torch.Tensor:
    """The target's images — refusing anything that carries labels."""
    from .data import ImageData, UnlabelledView

    if isinstance(target, UnlabelledView):
        return target.X
    if isinstance(target, torch.Tensor):
        return target
    if isinstance(target, ImageData):
        raise TypeError("Adaptation must not see target labels: pass `target.unlabelled()` (or `target.X`), "
                        "not the labelled ImageData.")
    if isinstance(target, (tuple, list)):
        raise TypeError("Adaptation must not see target labels: pass the target images only, not an (X, y) pair.")
    raise TypeError(f"Expected target images (a tensor or an unlabelled view), got {type(target).__name__}.")


def train_adapted(model: nn.Module, source, target, *, method: str | None = "coral", weight: float = 1.0,
                  steps: int = 600, lr: float = 1e-3, batch_size: int = 64, pseudo_threshold: float | None = None,
                  pseudo_from: int | None = None, seed: int = 0, device=None, progress: bool | None = None,
                  desc: str = "adapt") -> dict:
    """Train `model` on labelled `source` = (X, y) while aligning its features with unlabelled `target` images.

    `method`: None (source only), "coral" (Deep CORAL), "mmd" (both add `weight` × their loss), or "dann" (a
    domain classifier behind a gradient reversal layer whose strength ramps from 0 to `weight`). With `pseudo_threshold`, from step `pseudo_from`
    (default: half-way) confident target predictions join the labelled batch. Returns a dict of loss curves.
    """
    if method not in (None, "coral", "mmd", "dann"):
        raise ValueError(f"Unknown method {method!r}: choose None, 'coral', 'mmd' or 'dann'.")
    device = device or runtime.get_device()
    Xs, ys = (torch.as_tensor(a) for a in source)
    Xt = _images(target)
    gen = torch.Generator().manual_seed(seed)
    model.to(device)
    critic = _seeded(lambda: DomainClassifier(model.num_features), seed).to(device) if method == "dann" else None
    params = list(model.parameters()) + (list(critic.parameters()) if critic else [])
    optimizer = torch.optim.Adam([p for p in params if p.requires_grad], lr=lr)
    pseudo_from = steps // 2 if pseudo_from is None else pseudo_from
    pseudo = None
    history = {"class_loss": [], "align_loss": []}
    for step in _progress(range(steps), desc, progress):
        if pseudo_threshold is not None and step == pseudo_from:
            pseudo = confident_pseudo_labels(model, Xt, pseudo_threshold, device=device)
        model.train()
        s = torch.randint(0, len(Xs), (batch_size,), generator=gen)
        t = torch.randint(0, len(Xt), (batch_size,), generator=gen)
        xs, ys_b, xt = Xs[s].to(device), ys[s].to(device), Xt[t].to(device)
        feats = model.features(torch.cat([xs, xt]))
        fs, ft = feats[:batch_size], feats[batch_size:]
        loss = F.cross_entropy(model.head(fs), ys_b)
        if pseudo is not None and len(pseudo[0]):
            j = torch.randint(0, len(pseudo[0]), (batch_size,), generator=gen)
            loss = loss + F.cross_entropy(model(Xt[pseudo[0][j]].to(device)), pseudo[1][j].to(device))
        align = torch.zeros((), device=device)
        if method == "coral":
            align = coral_loss(fs, ft)
        elif method == "mmd":
            align = mmd_loss(fs, ft)
        elif method == "dann":
            ramp = 2.0 / (1.0 + np.exp(-10 * step / steps)) - 1.0     # the schedule of Ganin et al.
            logits = critic(feats, lam=weight * ramp)
            domains = torch.cat([torch.zeros(batch_size), torch.ones(batch_size)]).to(device)
            align = F.binary_cross_entropy_with_logits(logits, domains)
        total = loss + (weight * align if method in ("coral", "mmd") else align)
        optimizer.zero_grad()
        total.backward()
        optimizer.step()
        history["class_loss"].append(float(loss.detach()))
        history["align_loss"].append(float(align.detach()))
    model.eval()
    return history


# ------------------------------------------------------------------------------------------------
# A benchmark run


def compare_on_pair(pair, *, seeds=(0,), pretrain_steps: int = 3000, steps: int = 3000, batch_size: int = 128,
                    candidates=None, make_model=None, lr: float = 1e-3, device=None) -> dict[str, list[float]]:
    """Run lesson 05's comparison on a `data.DomainPair`; return target test accuracy per method, one per seed.

    Per seed: train `make_model()` on the source for `pretrain_steps`; then, from that model, `steps` more of
    - "source only": the same extra training with no alignment (the fair baseline), and "AdaBN" on top of it;
    - each of `candidates` (name → (method, [weights])), the weight chosen on the pair's labelled dev set;
    - "oracle (target labels)": training on the labelled pool — the reference, not a method.
    Only the oracle touches target labels other than the dev set's.
    """
    from .models import SmallCNN

    candidates = candidates or {"MMD": ("mmd", [0.3, 1.0]), "DANN": ("dann", [0.1, 0.3])}
    make_model = make_model or (lambda: SmallCNN(num_classes=len(pair.source.classes),
                                                 in_channels=pair.source.X.shape[1]))
    acc = lambda model, d: evaluate(model, (d.X, d.y), device=device)["acc"]  # noqa: E731
    source = (pair.source.X, pair.source.y)
    results = {"source only": [], "AdaBN": [], **{name: [] for name in candidates}, "oracle (target labels)": []}
    for seed in seeds:
        base = _seeded(make_model, seed)
        fit_steps(base, *source, steps=pretrain_steps, lr=lr, batch_size=batch_size, seed=seed, device=device,
                  desc=f"seed {seed}: source")

        def adapted(**settings):
            model = copy.deepcopy(base)
            train_adapted(model, source, pair.target_pool, steps=steps, lr=lr, batch_size=batch_size, seed=seed,
                          device=device, desc=f"seed {seed}: {settings.get('method') or 'source only'}", **settings)
            return model

        plain = adapted(method=None)
        results["source only"].append(acc(plain, pair.target_test))
        results["AdaBN"].append(acc(adabn(copy.deepcopy(plain), pair.target_pool, device=device), pair.target_test))
        for name, (method, weights) in candidates.items():
            runs = {w: adapted(method=method, weight=w) for w in weights}
            best = max(weights, key=lambda w: acc(runs[w], pair.target_dev))
            results[name].append(acc(runs[best], pair.target_test))
        oracle = copy.deepcopy(base)
        fit_steps(oracle, pair.target_labelled.X, pair.target_labelled.y, steps=steps, lr=lr, batch_size=batch_size,
                  seed=seed, device=device, desc=f"seed {seed}: oracle")
        results["oracle (target labels)"].append(acc(oracle, pair.target_test))
    return results
