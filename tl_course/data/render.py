"""Printed characters: a synthetic source domain rendered from the fonts matplotlib ships."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch
import torch.nn.functional as F

from .. import checks
from .datasets import DIGIT_CHARS, ImageData
from .transforms import resize


def available_fonts() -> list[str]:
    """Return the paths of the TrueType fonts bundled with matplotlib (DejaVu, STIX, Computer Modern)."""
    from pathlib import Path

    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    keep = ("DejaVuSans", "DejaVuSerif", "DejaVuSansMono", "STIXGeneral", "cmr10", "cmss10", "cmtt10", "cmb10")
    return sorted(str(p) for p in folder.glob("*.ttf") if p.stem.startswith(keep) and "Display" not in p.stem)


@lru_cache(maxsize=None)
def _glyph(char: str, font: str, res: int = 64) -> torch.Tensor:
    """Rasterise one character of one font, centred, to a res×res mask in [0, 1] (cached)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.path import Path as MplPath
    from matplotlib.textpath import TextPath

    path = TextPath((0, 0), char, size=1, prop=FontProperties(fname=font))
    verts = path.vertices
    lo, hi = verts.min(0), verts.max(0)
    scale = 0.7 / max(hi - lo)  # glyph's larger side fills 70 % of the square
    centred = (verts - (lo + hi) / 2) * scale + 0.5
    glyph = MplPath(centred, path.codes)
    grid = (np.stack(np.meshgrid(np.arange(res * 2), np.arange(res * 2)), -1).reshape(-1, 2) + 0.5) / (res * 2)
    inside = glyph.contains_points(grid).reshape(res * 2, res * 2)[::-1].astype(np.float32)  # y up → rows down
    mask = torch.tensor(inside.copy())[None, None]
    return F.avg_pool2d(mask, 2)[0, 0]  # 2×2 supersampling for smooth edges


def render_characters(n: int, chars: str = DIGIT_CHARS, size: int = 28, seed: int = 0, fonts=None,
                      rotation: float = 12.0, scale=(0.75, 1.1), shift: float = 0.12, stroke=(-1, 1),
                      digits_format: bool = False) -> ImageData:
    """Render `n` printed characters with random font, size, position, rotation and stroke width.

    Deterministic from `seed`. `rotation` is the max angle in degrees, `shift` the max offset as a
    fraction of the image, `stroke` a range of pixels to thicken (+) or thin (−) strokes at 64 px.
    With `digits_format=True` the output matches scikit-learn's digits: 8×8, 17 grey levels, the glyph
    filling the frame with thick strokes (this overrides `size`, `scale`, `stroke` and caps `shift`).
    """
    n, size = checks.whole(n, "n"), checks.whole(size, "size")
    if not isinstance(chars, str) or not chars:
        raise ValueError(f"`chars` must be a non-empty string of characters to draw, e.g. '0123456789'; got {chars!r}.")
    rotation, shift = checks.number(rotation, "rotation", low=0.0), checks.number(shift, "shift", low=0.0)
    for name, (lo, hi), low in (("scale", scale, 0.0), ("stroke", stroke, None)):
        if checks.number(lo, name, low=low, low_open=True) > checks.number(hi, name):
            raise ValueError(f"`{name}` must be a range (low, high) with low ≤ high; got {(lo, hi)!r}.")
    if any(not float(s).is_integer() for s in stroke):
        raise ValueError(f"`stroke` must be whole numbers of pixels, e.g. (-1, 1); got {stroke!r}.")
    if digits_format:  # sklearn's digits fill the frame's height with thick strokes
        size, scale, shift, stroke = 8, (1.0, 1.15), min(shift, 0.04), (0, 2)
    fonts = list(fonts or available_fonts())
    if not fonts:
        raise RuntimeError("No matplotlib fonts found: reinstall matplotlib (it ships DejaVu and STIX fonts).")
    gen = torch.Generator().manual_seed(seed)
    labels = torch.randint(len(chars), (n,), generator=gen)
    font_idx = torch.randint(len(fonts), (n,), generator=gen)
    strokes = torch.randint(stroke[0], stroke[1] + 1, (n,), generator=gen)
    masks = torch.stack([_glyph(chars[c], fonts[f]) for c, f in zip(labels.tolist(), font_idx.tolist())])[:, None]
    masks = _stroke(masks, strokes)
    angle = (torch.rand(n, generator=gen) * 2 - 1) * np.deg2rad(rotation)
    zoom = scale[0] + torch.rand(n, generator=gen) * (scale[1] - scale[0])
    offset = (torch.rand(n, 2, generator=gen) * 2 - 1) * shift * 2  # affine_grid coords span [-1, 1]
    cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
    theta = torch.stack([torch.stack([cos, -sin, offset[:, 0]], 1), torch.stack([sin, cos, offset[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, list(masks.shape), align_corners=False)
    images = F.grid_sample(masks, grid, align_corners=False, padding_mode="zeros")
    images = resize(images, size)
    if digits_format:
        images = images / images.amax(dim=(2, 3), keepdim=True).clamp_min(1e-6)  # ink reaches full darkness
        images = torch.round(images * 16) / 16
    return ImageData(images.clamp(0, 1), labels, tuple(chars))


def _stroke(masks: torch.Tensor, strokes: torch.Tensor) -> torch.Tensor:
    """Thicken (stroke > 0, dilation) or thin (stroke < 0, erosion) each mask by |stroke| pixels."""
    out = masks.clone()
    for s in strokes.unique().tolist():
        if s == 0:
            continue
        sel = strokes == s
        k = 2 * abs(s) + 1
        m = masks[sel]
        out[sel] = F.max_pool2d(m, k, 1, abs(s)) if s > 0 else -F.max_pool2d(-m, k, 1, abs(s))
    return out
