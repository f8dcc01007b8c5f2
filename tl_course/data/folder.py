"""A folder of photos as a dataset: `read_image`, `image_files`, `load_image_folder`, and `write_photo_folder`.

The layout is the usual one (torchvision's `ImageFolder`, Keras' `image_dataset_from_directory`):
`path/<class>/<image>.jpg`, one sub-folder per class. Every image goes through `read_image`, the one
preprocessing rule shared by training data and by `deploy.Predictor.predict_image`.
"""

from __future__ import annotations

import re
import struct
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch

from .. import checks
from .datasets import TEXTURE_IMAGES, ImageData, load_picture

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".bmp")
"""File suffixes read as images (in any case: `.JPG` too); other files in a class folder are ignored."""

SPLITS = ("train", "val", "test")
_FORMATS = (("jpg", {"quality": 95}), ("png", {}), ("webp", {"quality": 95}))  # cycled file by file
_MANY_FILES = 500  # automatic progress bar from this many files


def _describe(size: int, color: bool) -> str:
    """The `read_image` rule in one line, as stored in a checkpoint."""
    mode = "RGB" if color else "grey (L)"
    return (f"EXIF orientation applied; transparency composited on white; converted to {mode}; "
            f"shorter side resized to {size} (bilinear, antialiased), then centre-cropped to {size}×{size}; "
            f"values scaled to [0, 1]")


def read_image(path, size: int, color: bool = True) -> torch.Tensor:
    """Read one image file as a float tensor (3 or 1, size, size) in [0, 1]: the course's one preprocessing rule.

    EXIF orientation is applied, transparent pixels are composited on white, any mode (grey, palette, 16-bit,
    CMYK, ...) becomes RGB (`color=True`) or grey. The shorter side is resized to `size` (bilinear, antialiased)
    and the centre size×size square is kept: the aspect ratio is preserved, the edges of the longer side are
    cut (torchvision's `Resize(size)` + `CenterCrop(size)`, the usual ImageNet preprocessing). Large JPEGs are
    first decoded at a reduced scale, never below 2×size. An unreadable or empty file is a ValueError naming it.
    """
    from PIL import Image, ImageOps

    size, path = checks.whole(size, "size"), Path(path)
    if path.is_file() and path.stat().st_size == 0:
        raise ValueError(f"{path} is an empty file (0 bytes), not an image: delete it or copy it again.")
    try:
        with Image.open(path) as img:
            img.draft(None, (2 * size, 2 * size))  # JPEG only: decode at 1/2, 1/4 or 1/8 scale when that is enough
            img = _flatten(_eight_bit(ImageOps.exif_transpose(img))).convert("RGB" if color else "L")
    except FileNotFoundError:
        raise
    except (OSError, ValueError, SyntaxError, EOFError, IndexError, struct.error, Image.DecompressionBombError) as err:
        raise ValueError(f"{path} is not a readable image file ({type(err).__name__}: {err}).") from None
    img = _centre_square(img, size)
    X = torch.from_numpy(np.asarray(img, dtype=np.float32) / 255.0)
    return (X.permute(2, 0, 1) if color else X.unsqueeze(0)).contiguous()


def _eight_bit(img):
    """Grey images of 16 or 32 bits per pixel scaled to 8 bits (Pillow's own conversion clips them at 255)."""
    from PIL import Image

    if not img.mode.startswith(("I", "F")):
        return img
    a = np.asarray(img, dtype=np.float64)
    top = 65535.0 if img.mode.startswith("I;16") or (img.mode == "I" and a.max() > 255) else 255.0
    return Image.fromarray(np.clip(np.round(a / top * 255), 0, 255).astype(np.uint8))


def _flatten(img):
    """Composite an image with transparency (alpha channel or transparent palette colour) on a white background."""
    from PIL import Image

    if img.mode not in ("RGBA", "LA", "PA", "RGBa", "La") and "transparency" not in img.info:
        return img
    rgba = img.convert("RGBA")
    return Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba).convert("RGB")


def _centre_square(img, size: int):
    """Resize the shorter side to `size` (bilinear, antialiased), then keep the centre size×size square."""
    from PIL import Image

    w, h = img.size
    short, long = min(w, h), max(w, h)
    new_long = int(size * long / short)  # torchvision's rounding (truncation), so the two agree pixel for pixel
    new_w, new_h = (size, new_long) if w <= h else (new_long, size)
    if (new_w, new_h) != (w, h):
        img = img.resize((new_w, new_h), Image.BILINEAR)
    left, top = int(round((new_w - size) / 2.0)), int(round((new_h - size) / 2.0))
    return img.crop((left, top, left + size, top + size))


def _is_image(p: Path) -> bool:
    return p.is_file() and not p.name.startswith(".") and p.suffix.lower() in IMAGE_SUFFIXES


def image_files(path, classes=None) -> dict[str, list[Path]]:
    """Return `{class name: image files sorted by name}` of a folder laid out as `path/<class>/<image>.jpg`.

    Classes come in sorted order, or in the order of `classes` (e.g. the training folder's, for a test folder);
    then every class needs a folder and every folder must be a class. Hidden files and files whose suffix is not
    in `IMAGE_SUFFIXES` are ignored.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"No folder at {path}: give the folder that holds one sub-folder per class, "
                                f"laid out as {path}/<class>/<image>.jpg.")
    if not path.is_dir():
        raise NotADirectoryError(f"{path} is a file: give the folder that holds one sub-folder per class.")
    found = sorted(p.name for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not found:
        raise ValueError(f"{path} has no class sub-folders: lay the images out as {path}/<class>/<image>.jpg, "
                         f"one sub-folder per class.")
    if classes is None:
        classes = found
    else:
        classes = _check_classes(classes, found, path)
    return {c: sorted((p for p in (path / c).iterdir() if _is_image(p)), key=lambda p: p.name) for c in classes}


def _check_classes(classes, found: list, path: Path) -> list:
    """`classes` as a list of names that matches the sub-folders of `path` exactly (in any order)."""
    if isinstance(classes, str) or not all(isinstance(c, str) for c in classes) or not classes:
        raise TypeError(f"`classes` must be a non-empty list of class names (folder names); got {classes!r}.")
    classes = list(classes)
    if len(set(classes)) < len(classes):
        raise ValueError(f"`classes` names a class twice: {classes!r}; give each class once.")
    missing = [c for c in classes if c not in found]
    if missing:
        raise ValueError(f"`classes` has {missing[0]!r} but {path} has no such sub-folder: add {path / missing[0]} "
                         f"or remove it from `classes`.")
    extra = [c for c in found if c not in classes]
    if extra:
        raise ValueError(f"{path} has a sub-folder {extra[0]!r} that is not in `classes`: add it to `classes` "
                         f"or move the folder out.")
    return classes


def load_image_folder(path, size: int = 64, *, color: bool = True, classes=None,
                      progress: bool | None = None) -> ImageData:
    """Read a folder laid out as `path/<class>/<image>.jpg` into `ImageData`: X (N, C, size, size), y (N,).

    Labels are indices in the sorted class names, or in `classes` (pass the training folder's classes when
    loading a test folder). Every image goes through `read_image(file, size, color)`; unreadable or empty files
    are skipped with one warning naming them. A bar shows progress from 500 files on (`progress` forces it).
    """
    files = image_files(path, classes)
    if len(files) < 2:
        raise ValueError(f"{Path(path)} has only one class ({next(iter(files))!r}): a classifier needs at least two "
                         f"class sub-folders.")
    return load_files(files, size, color=color, progress=progress, root=path)


def load_files(files: dict, size: int = 64, *, color: bool = True, progress: bool | None = None,
               root=None) -> ImageData:
    """Read `{class name: [image files]}` (one split of `split_files`, or `image_files`) into `ImageData`.

    The labels are the positions of the class names in `files` (its key order). Unreadable or empty files are
    skipped with one warning (paths shown relative to `root` when given); a class left with no image is an error.
    """
    from ..train import _progress

    size = checks.whole(size, "size")
    if not isinstance(files, dict) or not files:
        raise TypeError(f"`files` must be a non-empty dict {{class name: [image files]}}; got {type(files).__name__}.")
    todo = [(label, Path(f)) for label, name in enumerate(files) for f in files[name]]
    show = progress if progress is not None else (None if len(todo) >= _MANY_FILES else False)
    Xs, ys, skipped = [], [], []
    for label, f in _progress(todo, "reading images", show):
        try:
            Xs.append(read_image(f, size, color))
            ys.append(label)
        except ValueError:
            skipped.append(f.relative_to(root).as_posix() if root is not None else str(f))
    if skipped:
        warnings.warn(_skipped_message(skipped), stacklevel=3)
    counts = np.bincount(np.asarray(ys, dtype=np.int64), minlength=len(files))
    for name, count in zip(files, counts):
        if count == 0:
            where = Path(root) / name if root is not None else f"class {name!r}"
            raise ValueError(f"Empty class {name!r}: {where} has no readable images; add some "
                             f"({', '.join(IMAGE_SUFFIXES)}) or leave the class out.")
    return ImageData(torch.stack(Xs), torch.tensor(ys, dtype=torch.long), tuple(files))


def split_files(files: dict, val: float = 0.25, test: float = 0.25, seed: int = 0) -> dict:
    """Split `{class: [files]}` into `{"train": ..., "val": ..., "test": ...}`, class by class (stratified).

    Each class keeps its share in every split — a rare class is rare in all three, never missing from one:
    `round(fraction × n)` files, at least one, go to validation and to test, the rest (at least one) to
    training. A class needs 3 files; fewer is an error that names it. The same `seed` gives the same split.
    """
    for name, value in (("val", val), ("test", test)):
        if not 0 < value < 1:
            raise ValueError(f"`{name}` must be a fraction between 0 and 1; got {value!r}.")
    if val + test >= 1:
        raise ValueError(f"`val` + `test` must leave files to train on; got {val} + {test} = {val + test}.")
    too_few = {c: len(fs) for c, fs in files.items() if len(fs) < 3}
    if too_few:
        name, n = next(iter(too_few.items()))
        raise ValueError(f"Class {name!r} has {n} image{'s' * (n != 1)}: a class needs at least 3 to be split into "
                         f"train, val and test (10 or more per class is a sensible minimum); add images or "
                         f"leave it out.")
    rng = np.random.default_rng(seed)
    out = {split: {} for split in SPLITS}
    for name, fs in files.items():
        fs = [fs[i] for i in rng.permutation(len(fs))]
        n_test = max(1, round(test * len(fs)))
        n_val = min(max(1, round(val * len(fs))), len(fs) - n_test - 1)
        out["test"][name], out["val"][name] = fs[:n_test], fs[n_test:n_test + n_val]
        out["train"][name] = fs[n_test + n_val:]
    return out


def survey(files: dict, few: int = 10, imbalance: float = 3.0) -> dict:
    """Look at `{class: [files]}` before training: counts, image sizes and modes, and what they mean.

    Reads only the file headers (fast). Returns `{"counts", "sizes", "modes", "warnings"}`: `sizes` is the
    (smallest, median, largest) shorter side in pixels, `modes` counts Pillow modes ("RGB", "L", ...), and
    `warnings` holds one sentence per problem found — a single class, a class too small to split (under 3), a
    class with fewer than `few` images (too few validation images to tell whether fine-tuning helped: extract
    features only), classes whose counts differ by `imbalance` times or more (report per-class metrics, weigh
    the classes), unreadable files, images smaller than 32 pixels.
    """
    from PIL import Image

    counts = {name: len(fs) for name, fs in files.items()}
    shorter, modes, broken = [], {}, []
    for fs in files.values():
        for f in fs:
            try:
                with Image.open(f) as img:
                    shorter.append(min(img.size))
                    modes[img.mode] = modes.get(img.mode, 0) + 1
            except Exception:  # a broken file: load_files will skip it too
                broken.append(Path(f).name)
    notes = []
    if len(counts) < 2:
        notes.append(f"only {len(counts)} class: a classifier needs at least two class sub-folders.")
    unsplittable = {c: n for c, n in counts.items() if n < 3}
    if unsplittable:
        listed = ", ".join(f"{c} ({n})" for c, n in unsplittable.items())
        notes.append(f"too few to split into train, val and test (3 needed): {listed} — add images or leave the "
                     f"class out.")
    small = {c: n for c, n in counts.items() if 3 <= n < few}
    if small:
        listed = ", ".join(f"{c} ({n})" for c, n in sorted(small.items(), key=lambda kv: kv[1]))
        notes.append(f"{len(small)} class{'es' * (len(small) > 1)} with fewer than {few} images: {listed} — "
                     f"use feature extraction (a frozen base and a new head): with so few validation images, "
                     f"validation cannot tell whether fine-tuning helped, and its numbers are rough.")
    if counts and max(counts.values()) >= imbalance * max(1, min(counts.values())):
        hi, lo = max(counts, key=counts.get), min(counts, key=counts.get)
        notes.append(f"unbalanced classes: {hi} has {counts[hi]} images, {lo} {counts[lo]} — split class by class, "
                     f"read per-class recall (accuracy hides a rare class), consider class weights.")
    if broken:
        notes.append(f"{len(broken)} file{'s' * (len(broken) > 1)} could not be read and will be skipped: "
                     f"{', '.join(broken[:3])}{' …' if len(broken) > 3 else ''}")
    if shorter and min(shorter) < 32:
        notes.append(f"some images are tiny (shorter side {min(shorter)} px): they are scaled up and will be blurry.")
    sizes = (min(shorter), int(np.median(shorter)), max(shorter)) if shorter else (0, 0, 0)
    return {"counts": counts, "sizes": sizes, "modes": modes, "warnings": notes}


def _skipped_message(skipped: list) -> str:
    """One line naming the skipped files: all of them, or the first five and a count of the rest."""
    shown = ", ".join(skipped[:5]) + (f" and {len(skipped) - 5} more" if len(skipped) > 5 else "")
    return f"skipped {len(skipped)} unreadable image file{'s' if len(skipped) > 1 else ''}: {shown}"


@lru_cache(maxsize=None)
def _natively_grey(name: str) -> bool:
    """Whether scikit-image ships the picture `name` as a grey image."""
    from skimage import data as skdata

    return getattr(skdata, name)().ndim == 2


def write_photo_folder(root, per_class: dict | None = None, *, sizes=(40, 96), classes=TEXTURE_IMAGES,
                       seed: int = 0) -> Path:
    """Write a folder of photos, `root/<split>/<class>/<class>_000.jpg`, cut from scikit-image's bundled pictures.

    Offline stand-in for your own photos; the class is the picture. `per_class` says how many files each class
    gets per split (default train 10, val 20, test 40). Each file is a random square crop whose side is drawn
    from `sizes` (inclusive): train and val crops from the left half of the picture, test crops from the right
    half, so no pixel is shared with the test set. Grey pictures are saved grey (WebP has no grey mode: RGB with
    three equal channels), colour ones RGB; formats cycle JPEG / PNG / WebP. The same `seed` writes the same
    files; files an earlier call wrote under these names are deleted first.
    """
    from PIL import Image

    per_class = {"train": 10, "val": 20, "test": 40} if per_class is None else dict(per_class)
    for split, n in per_class.items():
        checks.choice(split, "per_class keys", SPLITS)
        checks.whole(n, f"per_class[{split!r}]")
    lo, hi = (checks.whole(s, "sizes") for s in sizes)
    if lo > hi:
        raise ValueError(f"`sizes` must be (smallest, largest) side of the crops; got {tuple(sizes)}.")
    if len(classes) < 2:
        raise ValueError(f"`classes` must name at least two pictures, e.g. data.TEXTURE_IMAGES; got {classes!r}.")
    pictures = {name: _picture(name, hi) for name in classes}
    root = Path(root)
    for split, n in per_class.items():
        rng = np.random.default_rng((seed, SPLITS.index(split)))  # one stream per split: val ≠ train crops
        band = (0.0, 0.5) if split != "test" else (0.5, 1.0)
        for name, img in pictures.items():
            folder = root / split / name
            _clear_written(folder, name)
            folder.mkdir(parents=True, exist_ok=True)
            for i, crop in enumerate(_crops(img, n, band, rng, (lo, hi))):
                ext, options = _FORMATS[i % len(_FORMATS)]
                Image.fromarray(crop).save(folder / f"{name}_{i:03d}.{ext}", **options)
    return root


def _crops(img: np.ndarray, n: int, band: tuple, rng, sizes: tuple = (40, 96)) -> list:
    """`n` random square crops of `img`, sides from `sizes` (inclusive), lying within the columns `band`
    (fractions of the width): for each crop the side, then the row, then the column are drawn from `rng`."""
    h, w = img.shape[:2]
    first, last = int(band[0] * w), int(band[1] * w)
    out = []
    for _ in range(n):
        side = int(rng.integers(sizes[0], sizes[1] + 1))
        r, c = int(rng.integers(0, h - side + 1)), int(rng.integers(first, last - side + 1))
        out.append(img[r:r + side, c:c + side])
    return out


def _picture(name: str, largest: int) -> np.ndarray:
    """The bundled picture `name` as uint8, (H, W) if scikit-image ships it grey, else (H, W, 3); crops must fit."""
    img = np.round(load_picture(name, color=True) * 255).astype(np.uint8)
    img = img[..., 0] if _natively_grey(name) else img
    h, half = img.shape[0], img.shape[1] // 2
    if largest > min(h, half):
        raise ValueError(f"`sizes` up to {largest} does not fit in half of the picture {name!r} ({h}×{half} pixels): "
                         f"use sizes ≤ {min(h, half)}.")
    return img


def _clear_written(folder: Path, name: str) -> None:
    """Delete the files an earlier `write_photo_folder` call left in `folder` (only names it writes)."""
    if not folder.is_dir():
        return
    pattern = re.compile(rf"{re.escape(name)}_\d{{3,}}\.(jpg|png|webp)")
    for p in folder.iterdir():
        if p.is_file() and pattern.fullmatch(p.name):
            p.unlink()
