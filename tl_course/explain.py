"""Attribution maps and the checks that can prove one wrong.

For lesson 09. A map says which parts of an image a prediction rests on; it earns trust only by passing a test
that could fail:
- `occlusion_map` — how much the class probability drops when each patch is hidden (Zeiler & Fergus, 2014).
- `deletion_test` — hiding the map's top patches must hurt more than hiding random ones (Samek et al., 2017).
- `randomised` + `rank_correlation` — a map that stays the same when the weights are scrambled explains the
  image, not the model (Adebayo et al., 2018, "Sanity checks for saliency maps").
"""

from __future__ import annotations

import copy
import math

import numpy as np
import torch
from torch import nn

from . import checks
from .models import device_of, evaluating


# ------------------------------------------------------------------------------------------------
# Occlusion


def _grid(X: torch.Tensor, patch: int) -> tuple[int, int]:
    """The patch grid (H // patch, W // patch) of images (N, C, H, W); H and W must be multiples of `patch`."""
    H, W = X.shape[-2:]
    if H % patch or W % patch:
        raise ValueError(f"`patch` must divide the image height and width ({H} × {W}); got {patch}.")
    return H // patch, W // patch


def _images(X, name: str = "X") -> torch.Tensor:
    X = checks.as_inputs(X, name)
    if X.dim() != 4:
        raise ValueError(f"`{name}` must be a batch of images (N, C, H, W); got shape {tuple(X.shape)}.")
    return X


def occlude(X, patches, patch: int, fill: str = "mean") -> torch.Tensor:
    """A copy of images X (N, C, H, W) with the patches where `patches` (N, H//patch, W//patch) is True filled.

    `fill="mean"` uses each image's mean colour (per channel), `"zero"` uses 0. X itself is not modified.
    """
    X = _images(X)
    patch = checks.whole(patch, "patch")
    checks.choice(fill, "fill", ("mean", "zero"))
    grid = _grid(X, patch)
    patches = torch.as_tensor(checks.to_numpy(patches, "patches") if not isinstance(patches, torch.Tensor)
                              else patches).to(X.device)
    if patches.shape != (len(X), *grid):
        raise ValueError(f"`patches` must be one boolean per patch (N, H//patch, W//patch) = {(len(X), *grid)}; "
                         f"got {tuple(patches.shape)}.")
    mask = patches.bool().repeat_interleave(patch, 1).repeat_interleave(patch, 2).unsqueeze(1)
    value = X.mean((2, 3), keepdim=True) if fill == "mean" else torch.zeros((), dtype=X.dtype, device=X.device)
    return torch.where(mask, value, X)


def _target_probs(model, X, target, batch_size) -> torch.Tensor:
    """softmax(model(X))[i, target[i]] for every image, on the CPU (N,); model already in eval mode, no grad."""
    device = device_of(model)
    out = []
    for start in range(0, len(X), batch_size):
        logits = model(X[start:start + batch_size].to(device))
        t = target[start:start + batch_size].to(logits.device)
        if int(t.max()) >= logits.shape[1]:
            raise ValueError(f"`target` must be a class index below the model's {logits.shape[1]} outputs; "
                             f"got {int(t.max())}.")
        out.append(logits.softmax(1).gather(1, t[:, None])[:, 0].float().cpu())
    return torch.cat(out)


def _targets(target, n: int) -> torch.Tensor:
    """One class index per image (N,) int64; a single int is used for every image."""
    if isinstance(target, (int, np.integer)) and not isinstance(target, bool):
        target = [int(target)] * n
    return checks.as_label_tensor(target, "target", n, "X")


def occlusion_map(model: nn.Module, X, target, patch: int = 8, fill: str = "mean",
                  batch_size: int = 256) -> torch.Tensor:
    """Drop in p(target[i]) when each patch is hidden: (N, H//patch, W//patch) on the CPU, images X (N, C, H, W).

    Zeiler & Fergus (2014), "Visualizing and understanding convolutional networks". Positive = the model needed
    that patch for class `target[i]` (an int is used for every image). Patches are filled as in `occlude`.
    The model runs in eval mode without gradients, on its own device (its train/eval mode is restored after).
    """
    X = _images(X)
    patch, batch_size = checks.whole(patch, "patch"), checks.whole(batch_size, "batch_size")
    checks.choice(fill, "fill", ("mean", "zero"))
    gh, gw = _grid(X, patch)
    target = _targets(target, len(X))
    X = X.to(device_of(model))
    n_patches = gh * gw
    drops = torch.empty(len(X) * n_patches)
    with evaluating(model), torch.no_grad():
        base = _target_probs(model, X, target, batch_size)
        pairs = torch.arange(len(X) * n_patches)
        for start in range(0, len(pairs), batch_size):
            chunk = pairs[start:start + batch_size]
            image, where = chunk // n_patches, chunk % n_patches
            hide = torch.zeros(len(chunk), n_patches, dtype=torch.bool)
            hide[torch.arange(len(chunk)), where] = True
            hidden = occlude(X[image.to(X.device)], hide.view(-1, gh, gw), patch, fill)
            drops[chunk] = base[image] - _target_probs(model, hidden, target[image], batch_size)
    return drops.view(len(X), gh, gw)


def deletion_test(model: nn.Module, X, target, maps, fraction: float = 0.2, random_repeats: int = 5,
                  seed: int = 0, fill: str = "mean", batch_size: int = 256) -> dict:
    """Hide each image's top-`fraction` patches by its map vs random patches: `{"top": (N,), "random": (N,), "k"}`.

    Samek et al. (2017), "Evaluating the visualization of what a deep neural network has learned". A drop is
    p_target(original) − p_target(occluded); "random" is the mean drop over `random_repeats` random sets of the
    same k = round(fraction · patches) (half up, at least 1) patches, drawn by a `torch.Generator` seeded with
    `seed`. A map that points at what the model uses makes "top" larger than "random"; ties in a map are broken
    by patch order (row by row). `maps` (N, gh, gw) sets the patch grid: patch = H // gh. Patches are filled
    as in `occlude`; the model runs as in `occlusion_map`.
    """
    X = _images(X)
    maps = torch.as_tensor(checks.finite(checks.as_numbers(maps, "maps"), "maps").astype(np.float32))
    if maps.dim() != 3 or len(maps) != len(X):
        raise ValueError(f"`maps` must be one map (gh, gw) per image of `X` ({len(X)}); got shape {tuple(maps.shape)}.")
    gh, gw = maps.shape[1:]
    if X.shape[2] % gh or X.shape[3] % gw or X.shape[2] // gh != X.shape[3] // gw:
        raise ValueError(f"`maps` must be a square-patch grid over the images ({X.shape[2]} × {X.shape[3]}); "
                         f"got a {gh} × {gw} grid.")
    patch, n_patches = X.shape[2] // gh, gh * gw
    fraction = checks.fraction(fraction, "fraction", example=0.2)
    random_repeats = checks.whole(random_repeats, "random_repeats")
    batch_size = checks.whole(batch_size, "batch_size")
    checks.choice(fill, "fill", ("mean", "zero"))
    k = max(1, math.floor(fraction * n_patches + 0.5))
    target = _targets(target, len(X))
    X = X.to(device_of(model))

    def drop(chosen):          # chosen: (N, k) patch indices per image
        hide = torch.zeros(len(X), n_patches, dtype=torch.bool)
        hide.scatter_(1, chosen, True)
        return base - _target_probs(model, occlude(X, hide.view(-1, gh, gw), patch, fill), target, batch_size)

    generator = torch.Generator().manual_seed(checks.whole(seed, "seed", minimum=0))
    with evaluating(model), torch.no_grad():
        base = _target_probs(model, X, target, batch_size)
        top = drop(torch.argsort(-maps.reshape(len(X), -1), dim=1, stable=True)[:, :k])
        random = torch.stack([drop(torch.rand(len(X), n_patches, generator=generator).argsort(1)[:, :k])
                              for _ in range(random_repeats)]).mean(0)
    return {"top": top, "random": random, "k": k}


# ------------------------------------------------------------------------------------------------
# The model-randomisation test


def randomised(model: nn.Module, modules, seed: int = 0) -> nn.Module:
    """A deep copy of `model` whose named modules (and everything inside them) are re-initialised.

    Adebayo et al. (2018), "Sanity checks for saliency maps". `modules` is a list of qualified names as
    `model.named_modules()` spells them (e.g. `["head"]`, or `["head", "features.net._blocks.15"]` in EfficientNet-Lite0 to randomise from
    the top down); one name may be given as a string. Each module inside calls `reset_parameters()` (BatchNorm
    also resets its running statistics); a module holding parameters but no `reset_parameters` is an error,
    never silently kept. The new weights depend on `seed` alone (for a given device); `model` is untouched.
    A seed that re-draws exactly the weights `model` has (an untrained model built with that seed) is an error.
    """
    names = [modules] if isinstance(modules, str) else list(modules)
    if not names or not all(isinstance(n, str) for n in names):
        raise TypeError(f"`modules` must be a non-empty list of module names from `model.named_modules()`; "
                        f"got {modules!r}.")
    seed = checks.whole(seed, "seed", minimum=0)
    copied = copy.deepcopy(model)
    found = dict(copied.named_modules())
    for name in names:
        if name not in found:
            known = ", ".join(repr(n) for n in list(found)[1:6])
            raise ValueError(f"`modules` must name submodules of `model` (such as {known}); got {name!r}.")
    inside = {id(m): (f"{name}.{sub}" if sub else name, m) for name in names for sub, m in found[name].named_modules()}
    for name, m in inside.values():
        if not hasattr(m, "reset_parameters") and any(True for _ in m.parameters(recurse=False)):
            raise ValueError(f"`modules` includes {name!r} ({type(m).__name__}), which has parameters but no "
                             "reset_parameters() to re-draw them; name only modules without it.")
    cuda = sorted({p.device.index or 0 for p in copied.parameters() if p.is_cuda})
    with torch.random.fork_rng(devices=cuda):
        torch.manual_seed(seed)
        for _, m in inside.values():
            if hasattr(m, "reset_parameters"):
                m.reset_parameters()
            if hasattr(m, "reset_running_stats"):
                m.reset_running_stats()
    _check_changed(model, copied, [name for name, _ in inside.values()], seed)
    return copied


def _check_changed(model: nn.Module, copied: nn.Module, names: list[str], seed: int) -> None:
    """Refuse a 'randomisation' that drew the very weights the model already has (built with this seed, untrained)."""
    drawn = [(p, getattr(model.get_submodule(name), key)) for name in names
             for key, p in copied.get_submodule(name).named_parameters(recurse=False)
             if p.numel() > 1 and not bool((p == p.flatten()[0]).all())]        # constants (BatchNorm's 1s) aside
    if drawn and all(torch.equal(new.detach().cpu(), was.detach().cpu()) for new, was in drawn):
        raise ValueError(f"`seed` {seed} re-drew the weights `model` already has (was it built with this seed and "
                         "not trained?); choose another seed.")


def rank_correlation(a, b) -> float:
    """Spearman's ρ between two maps of the same size (flattened; ties get average ranks); NaN if either is constant.

    A constant map has no ranking to compare, so the answer is undefined (NaN), not an error.
    """
    from scipy import stats

    a = checks.finite(checks.as_numbers(a, "a"), "a").ravel().astype(np.float64)
    b = checks.finite(checks.as_numbers(b, "b"), "b").ravel().astype(np.float64)
    if a.size != b.size:
        raise ValueError(f"`a` and `b` must be maps with the same number of values; got {a.size} and {b.size}.")
    if a.size < 2 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return float("nan")
    return float(stats.spearmanr(a, b).statistic)          # as transferability.rank_agreement computes ρ
