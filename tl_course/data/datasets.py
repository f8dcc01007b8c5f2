"""Image containers (`ImageData`, `UnlabelledView`, `DomainPair`) and the loaders of real datasets.

The small sets (digits, faces, picture patches) work offline; full-scale downloads go through `tl_course.download`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import Dataset, TensorDataset

from .. import checks
from .splits import _complement, few_shot_indices
from .transforms import resize

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
    from ..download import fetch

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

    from ..download import fetch

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

    from ..download import fetch

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
    labelled, dev, _ = _split_target(mnist_train, pool, dev_per_class, seed, "MNIST training images")
    test = load_mnist("test", size=size, data_dir=data_dir, registry=registry)
    return DomainPair(source, source_val, labelled.unlabelled(), dev, test, labelled)


def printed_to_handwritten(seed: int = 0, pool: int = 1000, dev_per_class: int = 5, classes=None) -> DomainPair:
    """Printed → handwritten digits, lesson 05's pair: rendered 8×8 digits as source, scikit-learn's real digits as target.

    Offline. Source: 3,000 printed digits (`render_characters(..., digits_format=True)`, seed 21), 500 more
    (seed 22) as source validation. Target: the 1,797 handwritten digits of `load_digits()`, split by `seed`:
    `pool` random images as the unlabelled pool, `dev_per_class` labelled images per class from the others
    (outside the pool), the rest as the test set. `classes` (e.g. [0, 1, 2, 3, 4]) keeps only those digits in
    every part of the target — the same split, restricted, so the pool shrinks — for a class mix the source
    does not share.
    """
    pool, dev_per_class = checks.whole(pool, "pool"), checks.whole(dev_per_class, "dev_per_class")
    if classes is not None:
        if len(classes) == 0:
            raise ValueError("`classes` is empty: give the digits the target keeps, e.g. [0, 1, 2, 3, 4].")
        for c in classes:
            checks.choice(c, "classes", range(10))
    source, source_val = _printed_digits(3000, 21), _printed_digits(500, 22)
    labelled, dev, test = _split_target(_handwritten_digits(), pool, dev_per_class, seed, "handwritten digits",
                                        classes)
    copy = lambda d: d.subset(torch.arange(len(d)))  # noqa: E731  the cached sets stay as rendered
    return DomainPair(copy(source), copy(source_val), labelled.unlabelled(), dev, test, labelled)


@lru_cache(maxsize=None)
def _printed_digits(n: int, seed: int) -> ImageData:
    """`n` printed digits in the 8×8 digits format (cached: rendering 3,000 takes ~2 s; callers copy)."""
    from .render import render_characters

    return render_characters(n, seed=seed, digits_format=True)


@lru_cache(maxsize=None)
def _handwritten_digits() -> ImageData:
    """`load_digits()`, read once (callers take subsets, which copy)."""
    return load_digits()


def _split_target(target: ImageData, pool: int, dev_per_class: int, seed: int, name: str, classes=None):
    """Return (pool with labels, dev set, the rest): the pool first, at random, then the dev set from outside it."""
    order = torch.randperm(len(target), generator=torch.Generator().manual_seed(seed))
    if pool >= len(order):
        raise ValueError(f"pool={pool} leaves no {name} for the dev set (there are {len(order)}).")
    labelled, rest = target.subset(order[:pool]), target.subset(order[pool:])
    if classes is not None:
        keep = torch.tensor(list(classes))
        labelled, rest = (d.subset(torch.isin(d.y, keep)) for d in (labelled, rest))
    dev = few_shot_indices(rest.y, dev_per_class, seed=seed)
    return labelled, rest.subset(dev), rest.subset(_complement(len(rest), dev))


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

    from ..download import fetch

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


def write_flowers102_folder(root, data_dir=None, registry: dict | None = None) -> Path:
    """Write Flowers-102 as files, `root/<split>/<class name>/image_00001.jpg`, for code that reads a folder.

    The JPEGs are copied out of the verified archive unchanged (no decoding), split as `load_flowers102` splits
    them; a file already there is kept, so a second call costs only a look at the archive. Full scale only.
    """
    import tarfile

    from scipy.io import loadmat
    from torchvision.datasets import Flowers102

    from ..download import fetch

    root = Path(root)
    labels = loadmat(fetch("flowers102-labels", data_dir, registry))["labels"].reshape(-1).astype(np.int64) - 1
    classes = list(getattr(Flowers102, "classes", None) or [f"flower {c}" for c in range(102)])
    where = {}
    for split, key in (("train", "trnid"), ("val", "valid"), ("test", "tstid")):
        for number in loadmat(fetch("flowers102-splits", data_dir, registry))[key].reshape(-1).astype(np.int64):
            name = classes[labels[number - 1]].replace("/", "-")
            where[f"image_{number:05d}.jpg"] = root / split / name / f"image_{number:05d}.jpg"
    if all(p.is_file() for p in where.values()):
        return root
    with tarfile.open(fetch("flowers102-images", data_dir, registry), "r:gz") as archive:
        for member in archive:
            target = where.get(member.name.rsplit("/", 1)[-1])
            if target is None or target.is_file():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".part")
            partial.write_bytes(archive.extractfile(member).read())
            partial.replace(target)                      # whole files only, even if interrupted
    return root


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
