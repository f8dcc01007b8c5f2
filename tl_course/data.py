"""Data: real offline datasets, rendered printed characters, few-shot sampling and leak-free splits.

Everything here works offline. Images are float tensors in [0, 1], shaped (N, C, H, W); labels are int64 (N,).
Full-scale downloads go through `tl_course.download`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import Dataset, TensorDataset

from . import checks

DIGIT_CHARS = "0123456789"
LETTER_CHARS = "ABCDEFGHJKLMNPRTUVWXY"  # capitals that no digit resembles closely (no I, O, Q, S, Z)
TEXTURE_IMAGES = ("brick", "grass", "gravel", "moon", "camera", "astronaut", "coffee", "rocket")
"""scikit-image's bundled images used as the classes of the photo/texture patch task (no download)."""


@dataclass
class ImageData:
    """A small labelled image set: `X` (N, C, H, W) in [0, 1], `y` (N,), and the class names."""

    X: torch.Tensor
    y: torch.Tensor
    classes: tuple

    def __len__(self):
        return len(self.y)

    def subset(self, idx) -> "ImageData":
        """Return the examples at `idx` (indices or a boolean mask)."""
        idx = torch.as_tensor(idx)
        if idx.is_floating_point():
            raise TypeError("`idx` must be indices (whole numbers) or a boolean mask; got floats.")
        return ImageData(self.X[idx], self.y[idx], self.classes)

    def dataset(self) -> TensorDataset:
        """Return a torch `TensorDataset` of (X, y)."""
        return TensorDataset(self.X, self.y)

    def unlabelled(self) -> "UnlabelledView":
        """Return a view that yields images only: what an adaptation method may see of a target domain."""
        return UnlabelledView(self.X)

    def flat(self) -> tuple[np.ndarray, np.ndarray]:
        """Return `(X, y)` as NumPy arrays with one row of pixels per image, for scikit-learn."""
        return self.X.reshape(len(self.X), -1).numpy(), self.y.numpy()


class UnlabelledView(Dataset):
    """Images without labels. Asking it for labels is an error, so no method can peek at target labels."""

    def __init__(self, X: torch.Tensor):
        self.X = X

    def __len__(self):
        return len(self.X)

    def __getitem__(self, i):
        return self.X[i]

    @property
    def y(self):
        raise AttributeError("This is an unlabelled view of the target domain: its labels are hidden on purpose.")

    labels = targets = y


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


def load_digits(size: int = 8) -> ImageData:
    """Return scikit-learn's 1,797 real handwritten digits (8×8, 16 grey levels) at `size`×`size`."""
    from sklearn.datasets import load_digits as sk_load_digits

    size = checks.whole(size, "size")
    bunch = sk_load_digits()
    X = torch.tensor(bunch.images, dtype=torch.float32).unsqueeze(1) / 16.0
    return ImageData(resize(X, size), torch.tensor(bunch.target, dtype=torch.long), tuple(DIGIT_CHARS))


def _check_split(split: str, splits=("train", "test")) -> None:
    """Every dataset here comes as a 'train' and a 'test' split (some also 'val'); say so clearly for anything else."""
    if split not in splits:
        names = " or ".join(repr(s) for s in splits)
        raise ValueError(f"split must be {names}, not {split!r}.")


def load_mnist(split: str = "test", size: int = 28, digits_format: bool = False, data_dir=None,
               registry: dict | None = None) -> ImageData:
    """Return MNIST's real handwritten digits (60,000 train / 10,000 test) — full scale only: it downloads.

    The four files come through `download.fetch` (cache, sha256 check; a clear error offline). With
    `digits_format=True` the images look like scikit-learn's digits: the central 20×20 box (where MNIST
    centres each digit) averaged down to 8×8, brightest pixel 1, 17 grey levels — a 40× larger pool of
    the same kind of target for the fast-scale lessons.
    """
    from .download import fetch

    _check_split(split)
    size = checks.whole(size, "size")
    images = _read_idx(fetch(f"mnist-{split}-images", data_dir, registry))
    labels = _read_idx(fetch(f"mnist-{split}-labels", data_dir, registry))
    X = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)
    if digits_format:
        X = F.adaptive_avg_pool2d(X[:, :, 4:24, 4:24], 8)
        X = torch.round(X / X.amax(dim=(2, 3), keepdim=True).clamp_min(1e-6) * 16) / 16
    else:
        X = resize(X, size)
    return ImageData(X, torch.from_numpy(labels.astype(np.int64)), tuple(DIGIT_CHARS))


CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")


def load_svhn(split: str = "test", size: int = 32, grey: bool = False, data_dir=None,
              registry: dict | None = None) -> ImageData:
    """Return SVHN's cropped house-number digits (73,257 train / 26,032 test), colour 32×32 — full scale only.

    The file comes through `download.fetch` (cache, sha256 check; a clear error offline). SVHN labels the
    digit 0 as 10; here it is 0, like every other digit set in the course. `grey=True` keeps one luminance
    channel (for a source → MNIST pair).
    """
    from scipy.io import loadmat

    from .download import fetch

    _check_split(split)
    size = checks.whole(size, "size")
    mat = loadmat(fetch(f"svhn-{split}", data_dir, registry))
    X = torch.from_numpy(np.ascontiguousarray(mat["X"].transpose(3, 2, 0, 1))).float() / 255.0  # (N, 3, 32, 32)
    if grey:
        X = (X * torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)).sum(1, keepdim=True)
    y = torch.from_numpy(mat["y"].reshape(-1).astype(np.int64)) % 10
    return ImageData(resize(X, size), y, tuple(DIGIT_CHARS))


def load_cifar10(split: str = "test", size: int = 32, data_dir=None, registry: dict | None = None) -> ImageData:
    """Return CIFAR-10 (50,000 train / 10,000 test colour photos of 10 classes) — full scale only.

    Read straight from the verified archive (no extraction to disk). The batches are Python pickles, so they
    are opened only after `download.fetch` has checked the archive's sha256.
    """
    import pickle
    import tarfile

    from .download import fetch

    _check_split(split)
    size = checks.whole(size, "size")
    wanted = [f"data_batch_{i}" for i in range(1, 6)] if split == "train" else ["test_batch"]
    batches = {}
    with tarfile.open(fetch("cifar10", data_dir, registry), "r:gz") as archive:
        for member in archive.getmembers():
            name = member.name.rsplit("/", 1)[-1]
            if name in wanted:
                batches[name] = pickle.load(archive.extractfile(member), encoding="bytes")
    missing = [name for name in wanted if name not in batches]
    if missing:
        raise ValueError(f"The CIFAR-10 archive has no {missing[0]}: delete it from the cache and fetch it again.")
    X = np.concatenate([batches[name][b"data"] for name in wanted]).reshape(-1, 3, 32, 32)
    y = np.concatenate([batches[name][b"labels"] for name in wanted]).astype(np.int64)
    return ImageData(resize(torch.from_numpy(X).float() / 255.0, size), torch.from_numpy(y), CIFAR10_CLASSES)


@dataclass
class DomainPair:
    """A domain-adaptation benchmark: labelled source data and a target split three ways, with no leaks.

    `target_pool` is unlabelled (what methods may see); `target_dev` a few labelled images per class, taken from
    the target *training* images outside the pool, for choosing settings; `target_test` only for reporting;
    `target_labelled` is the pool *with* its labels — for the oracle reference and nothing else.
    """

    source: ImageData
    source_val: ImageData
    target_pool: UnlabelledView
    target_dev: ImageData
    target_test: ImageData
    target_labelled: ImageData


def svhn_to_mnist(size: int = 32, pool: int = 10_000, dev_per_class: int = 5, seed: int = 0, data_dir=None,
                  registry: dict | None = None) -> DomainPair:
    """The classic pair SVHN → MNIST (Ganin et al., 2016), grey size×size — full scale only: it downloads.

    Source: SVHN's 73,257 street-view house-number digits (labelled), its test set as source validation.
    Target: `pool` MNIST training images as the unlabelled pool, `dev_per_class` labelled images per class from
    the remaining training images, and MNIST's 10,000 test images. All files come through `download.fetch`.
    """
    pool, dev_per_class = checks.whole(pool, "pool"), checks.whole(dev_per_class, "dev_per_class")
    source = load_svhn("train", size=size, grey=True, data_dir=data_dir, registry=registry)
    source_val = load_svhn("test", size=size, grey=True, data_dir=data_dir, registry=registry)
    mnist_train = load_mnist("train", size=size, data_dir=data_dir, registry=registry)
    order = torch.randperm(len(mnist_train), generator=torch.Generator().manual_seed(seed))
    if pool >= len(order):
        raise ValueError(f"pool={pool} leaves no MNIST training images for the dev set (there are {len(order)}).")
    labelled, rest = mnist_train.subset(order[:pool]), mnist_train.subset(order[pool:])
    dev = rest.subset(few_shot_indices(rest.y, dev_per_class, seed=seed))
    test = load_mnist("test", size=size, data_dir=data_dir, registry=registry)
    return DomainPair(source, source_val, labelled.unlabelled(), dev, test, labelled)


def load_flowers102(split: str = "train", size: int = 64, data_dir=None, registry: dict | None = None) -> ImageData:
    """Return Oxford Flowers-102 (Nilsback & Zisserman, 2008), a fine-grained photo set — full scale only.

    102 kinds of flower that differ in details; the official split has 10 images per class for 'train' and
    for 'val' (1,020 each) and the rest, 6,149, for 'test'. The images (varied sizes, ~345 MB in all) are read
    straight from the verified archive, centre-cropped to a square and resized to size×size; decoding the
    6,149 test images takes ~10 s (JPEGs are decoded at reduced scale). Class names ship inside torchvision.
    """
    import tarfile

    from PIL import Image
    from scipy.io import loadmat
    from torchvision.datasets import Flowers102

    from .download import fetch

    _check_split(split, ("train", "val", "test"))
    size = checks.whole(size, "size")
    labels = loadmat(fetch("flowers102-labels", data_dir, registry))["labels"].reshape(-1).astype(np.int64) - 1
    ids = loadmat(fetch("flowers102-splits", data_dir, registry))[{"train": "trnid", "val": "valid", "test": "tstid"}[split]]
    numbers = np.sort(ids.reshape(-1).astype(np.int64))  # 1-based image numbers, in order
    wanted = {f"image_{i:05d}.jpg": k for k, i in enumerate(numbers)}
    X = np.zeros((len(wanted), size, size, 3), dtype=np.uint8)
    found = np.zeros(len(wanted), dtype=bool)
    with tarfile.open(fetch("flowers102-images", data_dir, registry), "r:gz") as archive:
        for member in archive:
            k = wanted.get(member.name.rsplit("/", 1)[-1])
            if k is None:
                continue
            with Image.open(archive.extractfile(member)) as img:
                img.draft("RGB", (2 * size, 2 * size))  # JPEG: decode at a reduced scale, much faster
                img = img.convert("RGB")
                side = min(img.size)
                left, top = (img.size[0] - side) // 2, (img.size[1] - side) // 2
                X[k] = np.asarray(img.crop((left, top, left + side, top + side)).resize((size, size), Image.BILINEAR))
            found[k] = True
    if not found.all():
        raise ValueError(f"The Flowers-102 archive lacks {int((~found).sum())} images of the {split!r} split: "
                         f"delete it from the cache and fetch it again.")
    classes = tuple(getattr(Flowers102, "classes", None) or [f"flower {c}" for c in range(102)])
    return ImageData(torch.from_numpy(X).permute(0, 3, 1, 2).float() / 255.0,
                     torch.from_numpy(labels[numbers - 1]), classes)


def _read_idx(path) -> np.ndarray:
    """Read an IDX file (MNIST's format, optionally gzip-compressed) into a NumPy array."""
    import gzip

    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f"{path} is not an IDX file of unsigned bytes.")
    ndim = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(shape)):
        raise ValueError(f"{path} is truncated: expected {int(np.prod(shape))} values, found {data.size}.")
    return data.reshape(shape)


def load_faces(size: int = 25) -> ImageData:
    """Return scikit-image's `lfw_subset`: 200 real 25×25 photos, 100 faces (label 1) then 100 non-faces (0)."""
    from skimage import data as skdata

    size = checks.whole(size, "size")
    images = skdata.lfw_subset()
    X = torch.tensor(images, dtype=torch.float32).unsqueeze(1)
    y = torch.cat([torch.ones(100, dtype=torch.long), torch.zeros(100, dtype=torch.long)])
    return ImageData(resize(X, size), y, ("not a face", "face"))


@lru_cache(maxsize=None)
def load_picture(name: str, color: bool = False) -> np.ndarray:
    """Return one bundled scikit-image picture as float (H, W, 3) or (H, W) in [0, 1]."""
    from skimage import data as skdata
    from skimage.color import gray2rgb, rgb2gray

    if not isinstance(name, str) or name.startswith("_") or not callable(getattr(skdata, name, None)):
        raise ValueError(f"`name` must be one of scikit-image's bundled pictures, such as {TEXTURE_IMAGES[:3]}; "
                         f"got {name!r}.")
    img = getattr(skdata, name)()
    img = img.astype(np.float32) / (255.0 if img.dtype == np.uint8 else 1.0)
    if img.ndim == 3 and not color:
        img = rgb2gray(img[..., :3]).astype(np.float32)
    elif img.ndim == 2 and color:
        img = gray2rgb(img).astype(np.float32)
    return img


def load_texture_patches(split: str = "train", patch: int = 48, per_class: int = 40, color: bool = False,
                         classes=TEXTURE_IMAGES, seed: int = 0) -> ImageData:
    """Cut `per_class` random patch×patch squares from each bundled picture; the class is the picture.

    Train patches come from the left half of every picture and test patches from the right half, so no
    pixel is shared between splits.
    """
    _check_split(split)
    patch, per_class = checks.whole(patch, "patch"), checks.whole(per_class, "per_class")
    if not classes:
        raise ValueError("`classes` is empty: give at least one picture name, e.g. data.TEXTURE_IMAGES.")
    rng = np.random.default_rng(seed + (0 if split == "train" else 10_000))
    Xs, ys = [], []
    for label, name in enumerate(classes):
        img = load_picture(name, color)
        h, w = img.shape[:2]
        half = w // 2
        if patch > min(h, w - half):
            raise ValueError(f"`patch`={patch} does not fit in half of the picture {name!r} ({h}×{half} pixels): "
                             f"use patch ≤ {min(h, w - half)}.")
        lo, hi = (0, half - patch) if split == "train" else (half, w - patch)
        for _ in range(per_class):
            r, c = rng.integers(0, h - patch + 1), rng.integers(lo, hi + 1)
            Xs.append(img[r:r + patch, c:c + patch])
            ys.append(label)
    X = torch.tensor(np.stack(Xs))
    X = X.permute(0, 3, 1, 2) if color else X.unsqueeze(1)
    return ImageData(X.contiguous(), torch.tensor(ys), tuple(classes))


# ------------------------------------------------------------------------------------------------
# Printed characters: a synthetic source domain rendered from the fonts matplotlib ships.


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


# ------------------------------------------------------------------------------------------------
# Few-shot sampling and splits


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
