"""Changes to a batch: resizing, augmentation (random flips and shifts) and label corruption."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .. import checks


def resize(X: torch.Tensor, size: int) -> torch.Tensor:
    """Resize a batch (N, C, H, W) to size×size (bilinear up, area down)."""
    _image_batch(X, "X")
    size = checks.whole(size, "size")
    if X.shape[-1] == size and X.shape[-2] == size:
        return X
    mode = "area" if size < X.shape[-1] else "bilinear"
    kwargs = {} if mode == "area" else {"align_corners": False}
    return F.interpolate(X, size=(size, size), mode=mode, **kwargs).clamp(0, 1)


def _image_batch(X, name: str) -> None:
    """Shape checks only (no pass over the pixels): a float tensor (N, C, H, W)."""
    if not isinstance(X, torch.Tensor):
        raise TypeError(f"`{name}` must be a tensor of images (N, C, H, W); got {type(X).__name__}.")
    if X.dim() != 4 or not X.is_floating_point():
        raise ValueError(f"`{name}` must be a float tensor of images (N, C, H, W); got shape {tuple(X.shape)} "
                         f"and dtype {X.dtype}.")


def random_flip_shift(X: torch.Tensor, generator: torch.Generator | None = None, max_shift: int = 2,
                      vflip: bool = False, hflip: bool = True) -> torch.Tensor:
    """Data augmentation: flip each image left-right at random and shift the batch by up to `max_shift` pixels.

    Taught in lesson 04. Shifts pad by reflection, so no black borders appear; `vflip` also flips
    upside down (fine for textures, wrong for faces or digits); `hflip=False` keeps left and right
    (a mirrored 2 or 7 is not a digit).
    """
    _image_batch(X, "X")          # shape checks only: this runs on every training batch
    max_shift = checks.whole(max_shift, "max_shift", 0)
    if max_shift >= min(X.shape[2:]):
        raise ValueError(f"`max_shift` must be smaller than the images ({X.shape[2]}×{X.shape[3]}); got {max_shift}.")
    if hflip:
        flip = torch.rand(len(X), generator=generator) < 0.5
        X = torch.where(flip[:, None, None, None], X.flip(3), X)
    if vflip:
        flip = torch.rand(len(X), generator=generator) < 0.5
        X = torch.where(flip[:, None, None, None], X.flip(2), X)
    if max_shift:
        padded = F.pad(X, (max_shift,) * 4, mode="reflect")
        i, j = torch.randint(0, 2 * max_shift + 1, (2,), generator=generator).tolist()
        X = padded[:, :, i:i + X.shape[2], j:j + X.shape[3]]
    return X


def corrupt_labels(y, fraction: float, num_classes: int = 10, seed: int = 0) -> torch.Tensor:
    """Return a copy of `y` with a `fraction` of the labels replaced by a class drawn uniformly at random.

    A replaced label may hit the true class by chance. Taught in lesson 06 (a source with noisy labels).
    """
    fraction = checks.fraction(fraction, "fraction", example=0.25)
    y = checks.as_label_tensor(y, "y").clone()
    gen = torch.Generator().manual_seed(seed)
    hit = torch.rand(len(y), generator=gen) < fraction
    y[hit] = torch.randint(num_classes, (int(hit.sum()),), generator=gen)
    return y
