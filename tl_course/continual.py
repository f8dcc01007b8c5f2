"""Learning a new task without losing the old one: LwF's distillation, and a progressive network.

Taught in lesson 07. A network fine-tuned on task B drifts away from what task A needed ("catastrophic
forgetting", McCloskey & Cohen, 1989). Two remedies: keep the old head's answers from moving (Learning without
Forgetting, Li & Hoiem, 2016), or never touch the old network and grow a new column beside it (progressive
neural networks, Rusu et al., 2016).
"""

from __future__ import annotations

import copy

import torch
from torch import nn
from torch.nn import functional as F

from . import checks, models


def distillation_loss(logits: torch.Tensor, old_logits: torch.Tensor, temperature: float = 2.0) -> torch.Tensor:
    """T² · KL(softmax(old/T) ‖ softmax(logits/T)), averaged over the batch: how far the answers moved.

    `logits`, `old_logits`: (N, classes). Softened by the temperature T so that the small probabilities count
    too; T² keeps the gradient's size independent of T (Hinton et al., 2015).
    """
    if logits.shape != old_logits.shape:
        raise ValueError(f"`logits` {tuple(logits.shape)} and `old_logits` {tuple(old_logits.shape)} must have the "
                         "same shape: the old head's scores now and before, for the same images.")
    t = checks.number(temperature, "temperature", low=0.0, low_open=True)
    old = F.softmax(old_logits / t, dim=1)
    return t * t * F.kl_div(F.log_softmax(logits / t, dim=1), old, reduction="batchmean")


def lwf_objective(old_head: nn.Module, old_logits: torch.Tensor, weight: float = 1.0, temperature: float = 2.0):
    """An objective for `train.fit_steps`: cross-entropy on the new task + weight × distillation of the old head.

    `old_logits` (N, old classes) are the old model's scores of the N new-task training images, recorded before
    training; `old_head` is the old task's head, applied to the shared features as they change (it trains too).
    """
    weight = checks.number(weight, "weight", low=0.0)

    def objective(model, X, y, batch):
        features = model.features(X)
        recorded = old_logits[batch].to(X.device)
        return F.cross_entropy(model.head(features), y) + weight * distillation_loss(old_head(features), recorded,
                                                                                     temperature)

    return objective


class ProgressiveNet(nn.Module):
    """A frozen column (the old SmallCNN, its task kept exactly) and a new column that reads it sideways.

    The new column has the old one's three conv blocks at `width`; blocks 2 and 3 also receive the old column's
    pooled block-1 and block-2 activations through 1×1 "lateral" convs. Its head sees the new column's features
    and the old column's. Only the new column, the laterals and the head train: `model.old` never changes.
    """

    def __init__(self, old: nn.Module, num_classes: int, width: int = 16):
        super().__init__()
        if not isinstance(old, models.SmallCNN):
            raise TypeError(f"`old` must be a models.SmallCNN (its three conv blocks are read sideways); got "
                            f"{type(old).__name__}.")
        self.old = models.freeze(copy.deepcopy(old))      # BatchNorm kept in evaluation mode ...
        self.old.requires_grad_(False)                    # ... and no gradient reaches any old weight, head included
        convs = [m for m in old.features.modules() if isinstance(m, nn.Conv2d)]

        def block(cin, cout):
            return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout))

        self.blocks = nn.ModuleList([block(convs[0].in_channels, width), block(width, 2 * width),
                                     block(2 * width, 4 * width)])
        self.laterals = nn.ModuleList([nn.Conv2d(convs[0].out_channels, 2 * width, 1),
                                       nn.Conv2d(convs[1].out_channels, 4 * width, 1)])
        self.num_features = 4 * width + old.num_features
        self.head = nn.Linear(self.num_features, num_classes)

    def old_column(self, x: torch.Tensor) -> list[torch.Tensor]:
        """The old column's pooled block-1 and block-2 activations and its final features."""
        hidden = []
        for layer in self.old.features:
            x = layer(x)
            if isinstance(layer, nn.MaxPool2d):
                hidden.append(x)
        return [*hidden, x]

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C, H, W) → (N, 4·width + old features): both columns' features, side by side."""
        old = self.old_column(x)
        h = x
        for i, block in enumerate(self.blocks):
            h = block(h) if i == 0 else block(h) + self.laterals[i - 1](old[i - 1])   # the lateral connection
            h = F.max_pool2d(F.relu(h), 2) if i < 2 else F.relu(h)
        return torch.cat([h.mean((2, 3)), old[-1]], dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Scores of the new task (N, num_classes); the old task's are `model.old(x)`."""
        return self.head(self.features(x))
