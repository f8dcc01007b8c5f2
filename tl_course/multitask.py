"""Multi-task learning: one shared backbone, one head per task, one loss that adds the tasks' losses.

Taught in lesson 07. Caruana (1997), "Multitask learning": tasks trained together share what their
features have in common; Ruder (2017) surveys when it helps and when the tasks compete.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from . import checks


class MultiTaskNet(nn.Module):
    """A shared backbone (`features`) and one linear head per name (`heads`); `model(x)` uses the `main` head.

    `model(x, head="letters")` scores images with another head. `model.head` is the main head, so the course's
    `features`/`head` tools (`train.evaluate`, `models.freeze`, ...) see the main task.
    """

    def __init__(self, backbone: nn.Module, num_features: int, heads: dict[str, int], main: str):
        super().__init__()
        if main not in heads:
            raise ValueError(f"`main` ({main!r}) must be one of the heads {sorted(heads)}.")
        self.features = backbone
        self.heads = nn.ModuleDict({name: nn.Linear(num_features, n) for name, n in heads.items()})
        self.main, self.num_features = main, num_features

    @property
    def head(self) -> nn.Module:
        return self.heads[self.main]

    def forward(self, x: torch.Tensor, head: str | None = None) -> torch.Tensor:
        """Map images (N, C, H, W) to the scores (N, classes) of `head` (default: the main task's)."""
        return self.heads[head or self.main](self.features(x))


def multitask_loss(model: MultiTaskNet, batches, weights) -> torch.Tensor:
    """Σ over tasks of weight × cross-entropy of the task's own head: the multi-task objective.

    `batches` is a list of (X, y, head) per task, `weights` one number per task. The images of every task go
    through the backbone in one pass, so BatchNorm sees the tasks together; each head sees only its task's rows.
    """
    features = model.features(torch.cat([X for X, _, _ in batches]))
    loss, start = 0.0, 0
    for (X, y, head), weight in zip(batches, weights):
        rows = features[start:start + len(X)]
        loss = loss + weight * F.cross_entropy(model.heads[head](rows), y)
        start += len(X)
    return loss


def joint_objective(auxiliary, weights, batch_size: int = 32, seed: int = 0):
    """An objective for `train.fit_steps`: the main task's batch plus a batch of each auxiliary task.

    `auxiliary` is a list of (X, y, head): the auxiliary tasks' data and the head each trains (the main head's
    name for a task that shares it). `weights` gives each auxiliary loss its weight; the main task's is 1.
    Auxiliary batches are drawn with replacement from `seed`, so a run depends on its seeds alone.
    """
    weights = [checks.number(w, "weights", low=0.0) for w in weights]
    if len(weights) != len(auxiliary):
        raise ValueError(f"Give one weight per auxiliary task: {len(auxiliary)} tasks, {len(weights)} weights.")
    data = [(*checks.as_pair((X, y), "auxiliary"), head) for X, y, head in auxiliary]
    batch_size, gen = checks.whole(batch_size, "batch_size"), torch.Generator().manual_seed(seed)

    def objective(model: MultiTaskNet, X, y, batch):
        batches = [(X, y, model.main)]
        for Xa, ya, head in data:
            rows = torch.randint(0, len(Xa), (batch_size,), generator=gen)
            batches.append((Xa[rows].to(X.device), ya[rows].to(X.device), head))
        return multitask_loss(model, batches, [1.0, *weights])

    return objective
