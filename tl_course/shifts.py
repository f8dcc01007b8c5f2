"""Domain shifts: named, composable image transforms with a strength knob in [0, 1] (0 = unchanged).

    target = compose(shift("rotation", 0.5), shift("noise", 0.3))(X)   # X: (N, C, H, W) in [0, 1]

Each transform is deterministic given its seed, so a shifted target domain is reproducible.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .data import load_picture


def _rotation(X, s, gen):
    """Rotate each image by a random angle up to ±45°·s."""
    angle = (torch.rand(len(X), generator=gen) * 2 - 1) * math.radians(45) * s
    cos, sin, zero = torch.cos(angle), torch.sin(angle), torch.zeros(len(X))
    theta = torch.stack([torch.stack([cos, -sin, zero], 1), torch.stack([sin, cos, zero], 1)], 1)
    grid = F.affine_grid(theta, list(X.shape), align_corners=False)
    return F.grid_sample(X, grid, align_corners=False)


def _stroke(X, s, gen):
    """Thicken bright strokes (s > 0) by a soft dilation; the amount grows with s."""
    k = 3
    dilated = F.max_pool2d(X, k, 1, k // 2)
    return (1 - s) * X + s * dilated


def _blur(X, s, gen):
    """Gaussian blur with sigma = 1.5·s pixels."""
    sigma = 1.5 * s
    radius = max(1, math.ceil(2 * sigma))
    x = torch.arange(-radius, radius + 1, dtype=X.dtype)
    kernel = torch.exp(-x ** 2 / (2 * sigma ** 2))
    kernel = kernel / kernel.sum()
    C = X.shape[1]
    X = F.conv2d(F.pad(X, (radius, radius, 0, 0), mode="replicate"), kernel.view(1, 1, 1, -1).repeat(C, 1, 1, 1), groups=C)
    return F.conv2d(F.pad(X, (0, 0, radius, radius), mode="replicate"), kernel.view(1, 1, -1, 1).repeat(C, 1, 1, 1), groups=C)


def _noise(X, s, gen):
    """Add Gaussian pixel noise with standard deviation 0.4·s."""
    return X + torch.randn(X.shape, generator=gen) * 0.4 * s


def _contrast(X, s, gen):
    """Squash contrast towards mid-grey: at s = 1 only 10 % of the range is left."""
    return 0.5 + (X - 0.5) * (1 - 0.9 * s)


def _invert(X, s, gen):
    """Blend each image with its negative (s = 1: dark ink on a bright background)."""
    return (1 - s) * X + s * (1 - X)


def _background(X, s, gen):
    """Put a random crop of a real texture (scikit-image's gravel) behind the strokes, at opacity s."""
    texture = torch.tensor(load_picture("gravel"))
    H, W = X.shape[-2:]
    crops = []
    for _ in range(len(X)):
        r = int(torch.randint(0, texture.shape[0] - 4 * H + 1, (1,), generator=gen))
        c = int(torch.randint(0, texture.shape[1] - 4 * W + 1, (1,), generator=gen))
        crops.append(texture[r:r + 4 * H, c:c + 4 * W])
    bg = F.interpolate(torch.stack(crops)[:, None], size=(H, W), mode="area").expand_as(X)
    return torch.maximum(X, s * bg)


def _colour(X, s, gen):
    """Tint every image with a random colour (output has 3 channels); s = 0 keeps it grey."""
    if X.shape[1] == 1:
        X = X.repeat(1, 3, 1, 1)
    tint = torch.rand(len(X), 3, 1, 1, generator=gen)
    return X * ((1 - s) + s * tint / tint.amax(1, keepdim=True))


SHIFTS = {"rotation": _rotation, "stroke": _stroke, "blur": _blur, "noise": _noise, "contrast": _contrast,
          "invert": _invert, "background": _background, "colour": _colour}
"""Every named shift; `shift(name, strength)` builds one."""


@dataclass(frozen=True)
class Shift:
    """One named shift at a strength in [0, 1]; call it on a batch (N, C, H, W) in [0, 1]."""

    name: str
    strength: float
    seed: int = 0

    def __call__(self, X: torch.Tensor) -> torch.Tensor:
        if self.strength == 0:
            return X.clone()
        gen = torch.Generator().manual_seed(self.seed)
        return SHIFTS[self.name](X.float(), float(self.strength), gen).clamp(0, 1)


def shift(name: str, strength: float, seed: int = 0) -> Shift:
    """Return the named shift at `strength` (0 = identity, 1 = strongest)."""
    if name not in SHIFTS:
        raise ValueError(f"Unknown shift {name!r}: choose one of {', '.join(SHIFTS)}.")
    if not 0 <= strength <= 1:
        raise ValueError(f"Shift strength must be between 0 and 1, not {strength}.")
    return Shift(name, strength, seed)


def compose(*shifts):
    """Apply several shifts in order: `compose(shift("blur", .5), shift("noise", .2))(X)`."""
    def apply(X):
        for s in shifts:
            X = s(X)
        return X
    return apply
