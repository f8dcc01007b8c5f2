"""Few-shot sampling and leak-free, stratified splits of label vectors into index sets."""

from __future__ import annotations

import numpy as np
import torch

from .. import checks


def few_shot_indices(y, k: int, seed: int = 0) -> torch.Tensor:
    """Return the indices of exactly `k` random examples of every class in `y` (stratified, seeded)."""
    y = torch.as_tensor(checks.as_labels(y, "y"))
    k = checks.whole(k, "k", 0)
    gen = torch.Generator().manual_seed(seed)
    picked = []
    for c in y.unique().tolist():
        members = torch.nonzero(y == c).flatten()
        if len(members) < k:
            raise ValueError(f"Class {c} has only {len(members)} examples; cannot take k={k} of each.")
        picked.append(members[torch.randperm(len(members), generator=gen)[:k]])
    return torch.cat(picked).sort().values


def split_indices(y, fractions=(0.6, 0.2, 0.2), seed: int = 0) -> tuple[torch.Tensor, ...]:
    """Split indices into disjoint, stratified parts (e.g. train/val/test) with the given fractions."""
    fractions = [checks.fraction(f, "fractions", example=0.2) for f in fractions]
    if abs(sum(fractions) - 1) > 1e-6:
        raise ValueError(f"fractions must add up to 1, not {sum(fractions):g}.")
    y = torch.as_tensor(checks.as_labels(y, "y"))
    gen = torch.Generator().manual_seed(seed)
    parts = [[] for _ in fractions]
    bounds = np.cumsum(fractions)[:-1]
    for c in y.unique().tolist():
        members = torch.nonzero(y == c).flatten()
        members = members[torch.randperm(len(members), generator=gen)]
        cuts = [0, *np.round(bounds * len(members)).astype(int).tolist(), len(members)]
        for i in range(len(fractions)):
            parts[i].append(members[cuts[i]:cuts[i + 1]])
    return tuple(torch.cat(p).sort().values for p in parts)


def few_shot_split(y, k: int, test_per_class: int, val_per_class: int = 0, seed: int = 0):
    """Split indices into (train, val, test): a fixed test set, a validation set, and `k` per class to train on.

    The test and validation examples are drawn first and never depend on `k`, so a learning curve over `k`
    is measured on the same test set at every point. All three parts are disjoint and stratified.
    """
    y = torch.as_tensor(checks.as_labels(y, "y"))
    k, test_per_class = checks.whole(k, "k", 0), checks.whole(test_per_class, "test_per_class", 0)
    val_per_class = checks.whole(val_per_class, "val_per_class", 0)
    test = few_shot_indices(y, test_per_class, seed=seed + 1_000)
    pool = _complement(len(y), test)
    val = pool[few_shot_indices(y[pool], val_per_class, seed=seed + 2_000)] if val_per_class else pool[:0]
    pool = _complement(len(y), torch.cat([test, val]))
    train = pool[few_shot_indices(y[pool], k, seed=seed)]
    return train.sort().values, val.sort().values, test


def _complement(n: int, idx: torch.Tensor) -> torch.Tensor:
    """Indices in range(n) that are not in `idx`, in order."""
    keep = torch.ones(n, dtype=torch.bool)
    keep[idx] = False
    return torch.nonzero(keep).flatten()
