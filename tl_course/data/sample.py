"""The capstone's sample photos: a folder like your own, and images from parts of the photos it never uses.

`write_sample_folder` writes what a learner without photos of their own starts from: one sub-folder per class,
no splits, unequal class sizes, JPEG/PNG/WebP, grey and colour. Its crops come from the left three quarters of
each of eight scikit-image photos. `write_unseen_photos` cuts crops from the right quarter — pixels no sample
file contains — into a new folder whose name starts with `UNSEEN_PREFIX`, without class sub-folders.

The course records every file Python opens in such a folder (`unseen_opened`, from `tl_course.audit`): the
capstone's checker writes the photos it grades on this way, so a notebook that trained on such photos, or even
read them, before it was graded is caught — however it opened them (PIL, `open`, `load_image_folder`).
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

import numpy as np

from .. import checks
from ..audit import UNSEEN_PREFIX, unseen_opened  # noqa: F401 (re-exported)
from .datasets import TEXTURE_IMAGES
from .folder import _FORMATS, _clear_written, _crops, _picture

SAMPLE_COUNTS = dict(zip(TEXTURE_IMAGES, (48, 44, 40, 36, 32, 28, 20, 12)))
"""Images per class of the sample folder: unequal on purpose (48 bricks, 12 rockets), as your own will be."""
SAMPLE_BAND = (0.0, 0.75)   # the part of each photo (fractions of its width) the sample folder is cut from
UNSEEN_BAND = (0.75, 1.0)   # the part it never uses: where unseen images come from
_SIZES = (40, 96)


def write_sample_folder(root, counts: dict | None = None, seed: int = 0) -> Path:
    """Write the capstone's sample folder, `root/<class>/<class>_000.jpg`: crops of 40–96 px of eight photos.

    `counts` says how many images each class gets (default `SAMPLE_COUNTS`, 12 to 48); the class is the photo.
    Crops come from the left three quarters of each photo, so images from the last quarter
    (`write_unseen_photos`) are new pixels. The same `seed` writes the same files; files an earlier call wrote
    under these names are deleted first.
    """
    from PIL import Image

    counts = dict(SAMPLE_COUNTS if counts is None else counts)
    unknown = [c for c in counts if c not in TEXTURE_IMAGES]
    if unknown:
        raise ValueError(f"No sample photo {unknown[0]!r}: classes are {', '.join(TEXTURE_IMAGES)}.")
    root = Path(root)
    rng = np.random.default_rng((seed, 10))
    for name, n in counts.items():
        folder = root / name
        _clear_written(folder, name)
        folder.mkdir(parents=True, exist_ok=True)
        for i, crop in enumerate(_crops(_picture(name, _SIZES[1]), checks.whole(n, f"counts[{name!r}]"),
                                        SAMPLE_BAND, rng, _SIZES)):
            ext, options = _FORMATS[i % len(_FORMATS)]
            Image.fromarray(crop).save(folder / f"{name}_{i:03d}.{ext}", **options)
    return root


def write_unseen_photos(per_class: int = 20, seed: int | None = None, parent=None,
                        classes=TEXTURE_IMAGES) -> tuple[list[str], list[str]]:
    """Write `per_class` crops of each photo from the quarter the sample folder never uses; return (paths, labels).

    The files go into a new folder `UNSEEN_PREFIX…` (under `parent`, default the system's temporary folder),
    flat, in a shuffled order, under random names: nothing in a path says its class — the labels are returned.
    Every later opening of these files is recorded (`unseen_opened`). `seed=None` draws fresh crops each time.
    """
    from PIL import Image

    per_class = checks.whole(per_class, "per_class")
    folder = Path(tempfile.mkdtemp(prefix=UNSEEN_PREFIX, dir=parent))
    rng = np.random.default_rng(seed)
    items = [(name, crop) for name in classes
             for crop in _crops(_picture(name, _SIZES[1]), per_class, UNSEEN_BAND, rng, _SIZES)]
    paths, labels = [], []
    for k in rng.permutation(len(items)):
        name, crop = items[k]
        ext, options = _FORMATS[int(k) % len(_FORMATS)]
        path = folder / f"{uuid.UUID(bytes=rng.bytes(16)).hex[:12]}.{ext}"
        Image.fromarray(crop).save(path, **options)
        paths.append(str(path))
        labels.append(name)
    return paths, labels
