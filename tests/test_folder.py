"""A folder of photos as a dataset: `read_image`, `image_files`, `load_image_folder`, `write_photo_folder`."""

import warnings

import numpy as np
import pytest
import torch
from PIL import Image
from skimage import data as skdata

from tl_course import data


def _write(path, img, **options):
    """Save a PIL image (or a uint8 array) at `path`, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    img = Image.fromarray(img) if isinstance(img, np.ndarray) else img
    img.save(path, **options)
    return path


def _two_classes(root, per_class=2):
    """root/a and root/b, each with `per_class` small grey PNGs of value 10·label + i."""
    for label, name in enumerate("ab"):
        for i in range(per_class):
            _write(root / name / f"{i}.png", np.full((6, 9), 10 * label + i, dtype=np.uint8))
    return root


# ---- read_image -------------------------------------------------------------------------------------------------

def test_read_image_colour_and_grey_channels(tmp_path):
    f = _write(tmp_path / "c.png", Image.new("RGB", (12, 7), (200, 100, 50)))
    colour, grey = data.read_image(f, 5), data.read_image(f, 5, color=False)
    assert colour.shape == (3, 5, 5) and grey.shape == (1, 5, 5)
    assert colour.dtype == torch.float32
    assert torch.allclose(colour, torch.tensor([200, 100, 50]).view(3, 1, 1) / 255.0)
    luma = (200 * 299 + 100 * 587 + 50 * 114) / 1000  # ITU-R 601-2, Pillow's L conversion
    assert torch.allclose(grey, torch.tensor(luma / 255.0), atol=1 / 255)


def test_read_image_keeps_the_centre_of_a_non_square_image(tmp_path):
    # 100×50 (wide) and 50×100 (tall): only the central 50×50 square is red. Shorter side → 10, centre crop:
    # the whole 10×10 result must be that red square, where squashing the image would show green edges.
    wide = np.zeros((50, 100, 3), dtype=np.uint8)
    wide[..., 1] = 255
    wide[:, 25:75] = (255, 0, 0)
    for name, img in (("wide.png", wide), ("tall.png", wide.transpose(1, 0, 2).copy())):
        X = data.read_image(_write(tmp_path / name, img), 10)
        assert X.shape == (3, 10, 10)
        inner = X[:, 1:-1, 1:-1] if name == "tall.png" else X[:, :, 1:-1]
        assert torch.allclose(inner, torch.tensor([1.0, 0, 0]).view(3, 1, 1), atol=1e-6)
        assert X[0].min() > 0.5 and X[1].max() < 0.5  # even the edge pixels are mostly the red centre


def test_read_image_same_size_square_is_unchanged(tmp_path):
    a = np.random.default_rng(0).integers(0, 256, (10, 10, 3), dtype=np.uint8)
    X = data.read_image(_write(tmp_path / "x.png", a), 10)
    assert torch.equal(X, torch.from_numpy(a).permute(2, 0, 1).float() / 255.0)


@pytest.mark.parametrize("orientation, top, bottom", [(6, "red", "blue"), (8, "blue", "red")])
def test_read_image_honours_exif_orientation(tmp_path, orientation, top, bottom):
    # Stored pixels: 20 wide × 10 high, left half red, right half blue. Orientation 6 means "turn 90° clockwise to
    # display": the left edge goes to the top (10 wide × 20 high, red above blue); 8 turns it the other way.
    img = Image.new("RGB", (20, 10), (0, 0, 255))
    img.paste((255, 0, 0), (0, 0, 10, 10))
    exif = img.getexif()
    exif[0x0112] = orientation
    f = _write(tmp_path / "rotated.jpg", img, exif=exif, quality=95)
    X = data.read_image(f, 10)  # 10×20 → centre 10×10: rows 0-4 from the top half, rows 5-9 from the bottom half
    colours = {"red": torch.tensor([1.0, 0, 0]).view(3, 1, 1), "blue": torch.tensor([0, 0, 1.0]).view(3, 1, 1)}
    assert (X[:, :3] - colours[top]).abs().max() < 0.15
    assert (X[:, 7:] - colours[bottom]).abs().max() < 0.15
    # The same file with no orientation tag: red left, blue right (so the test above sees the rotation).
    plain = data.read_image(_write(tmp_path / "plain.jpg", img, quality=95), 10)
    assert (plain[:, :, :3] - colours["red"]).abs().max() < 0.15
    assert (plain[:, :, 7:] - colours["blue"]).abs().max() < 0.15


def test_read_image_unreadable_and_empty_files_name_the_file(tmp_path):
    broken, empty = tmp_path / "broken.jpg", tmp_path / "empty.png"
    broken.write_bytes(b"this is not a JPEG")
    empty.write_bytes(b"")
    noise = np.random.default_rng(0).integers(0, 256, (40, 40, 3), dtype=np.uint8)
    truncated = _write(tmp_path / "cut.jpg", noise)
    truncated.write_bytes(truncated.read_bytes()[:800])                    # a download cut short
    for f in (broken, empty, truncated):
        with pytest.raises(ValueError, match=f.name):
            data.read_image(f, 8)


# ---- load_image_folder ------------------------------------------------------------------------------------------

def _mixed_folder(root):
    """Three classes of mixed formats, modes and sizes; each file is one flat colour, listed with its RGB value."""
    rgba = np.zeros((24, 16, 4), dtype=np.uint8)
    rgba[..., :3] = (255, 0, 0)                                           # red, fully transparent → white
    palette = Image.new("P", (12, 12), 1)
    palette.putpalette([0, 0, 0, 0, 0, 255] + [0] * 762)                 # colour 1 is blue
    wanted = {
        "cat": [("1.jpg", Image.new("L", (30, 20), 100), {"quality": 100}, (100, 100, 100)),
                ("2.png", Image.fromarray(rgba), {}, (255, 255, 255)),
                ("3.png", palette, {}, (0, 0, 255))],
        "dog": [("a.webp", Image.new("RGB", (50, 30), (0, 200, 0)), {"lossless": True}, (0, 200, 0)),
                ("b.PNG", Image.fromarray(np.full((8, 20), 32896, dtype=np.uint16)), {}, (128, 128, 128)),
                ("c.bmp", Image.new("RGB", (9, 9), (10, 20, 30)), {}, (10, 20, 30))],
        "ant": [("x.jpeg", Image.new("CMYK", (16, 16), (0, 0, 0, 0)), {"quality": 100}, (255, 255, 255)),
                ("y.JPG", Image.new("RGB", (5, 11), (250, 250, 0)), {"quality": 100}, (250, 250, 0))],
    }
    for name, files in wanted.items():
        for fname, img, options, _ in files:
            _write(root / name / fname, img, **options)
    (root / "cat" / "notes.txt").write_text("not an image")
    (root / "dog" / ".hidden.jpg").write_bytes(b"garbage")              # hidden: ignored, not even a warning
    (root / ".git").mkdir()                                               # hidden folder: not a class
    return wanted


def test_load_image_folder_mixed_formats_shapes_labels_values(tmp_path):
    wanted = _mixed_folder(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        d = data.load_image_folder(tmp_path, size=8)
        grey = data.load_image_folder(tmp_path, size=8, color=False)
    assert d.classes == ("ant", "cat", "dog")                             # sorted folder names
    assert d.X.shape == (8, 3, 8, 8) and grey.X.shape == (8, 1, 8, 8)
    assert d.X.dtype == torch.float32 and d.y.dtype == torch.int64
    assert d.y.tolist() == [0, 0, 1, 1, 1, 2, 2, 2]
    # Files in name order within a class (case-sensitive: 'x.jpeg' < 'y.JPG'), each a flat colour.
    expected = [rgb for name in d.classes for _, _, _, rgb in sorted(wanted[name], key=lambda t: t[0])]
    for x, rgb in zip(d.X, expected):
        assert (x - torch.tensor(rgb).view(3, 1, 1) / 255.0).abs().max() < 3 / 255, rgb
    files = data.image_files(tmp_path)
    assert list(files) == ["ant", "cat", "dog"] and [f.name for f in files["dog"]] == ["a.webp", "b.PNG", "c.bmp"]


def test_corrupt_and_empty_files_are_skipped_with_one_warning(tmp_path):
    _two_classes(tmp_path)
    (tmp_path / "a" / "broken.jpg").write_bytes(b"not an image at all")
    (tmp_path / "b" / "empty.png").write_bytes(b"")
    with pytest.warns(UserWarning) as caught:
        d = data.load_image_folder(tmp_path, size=4)
    assert len(caught) == 1
    assert str(caught[0].message) == "skipped 2 unreadable image files: a/broken.jpg, b/empty.png"
    assert len(d) == 4 and d.y.tolist() == [0, 0, 1, 1]


def test_many_skipped_files_name_the_first_five(tmp_path):
    _two_classes(tmp_path)
    for i in range(7):
        (tmp_path / "a" / f"bad{i}.png").write_bytes(b"x")
    with pytest.warns(UserWarning, match=r"^skipped 7 unreadable image files: a/bad0.png, .*a/bad4.png and 2 more$"):
        data.load_image_folder(tmp_path, size=4)


def test_folder_errors_say_what_is_wrong(tmp_path):
    with pytest.raises(FileNotFoundError, match="No folder at"):
        data.load_image_folder(tmp_path / "missing")
    (tmp_path / "flat").mkdir()
    _write(tmp_path / "flat" / "x.png", np.zeros((4, 4), dtype=np.uint8))
    with pytest.raises(ValueError, match="no class sub-folders.*<class>/<image>.jpg"):
        data.load_image_folder(tmp_path / "flat")
    one = tmp_path / "one"
    _write(one / "cat" / "x.png", np.zeros((4, 4), dtype=np.uint8))
    with pytest.raises(ValueError, match="only one class"):
        data.load_image_folder(one)
    _two_classes(tmp_path / "two")
    (tmp_path / "two" / "c").mkdir()
    (tmp_path / "two" / "c" / "readme.txt").write_text("no images here")
    with pytest.raises(ValueError, match="Empty class 'c'"):
        data.load_image_folder(tmp_path / "two")
    (tmp_path / "two" / "c" / "bad.jpg").write_bytes(b"x")                 # only unreadable files: still empty
    with pytest.warns(UserWarning, match="c/bad.jpg"), pytest.raises(ValueError, match="Empty class 'c'"):
        data.load_image_folder(tmp_path / "two")


def test_classes_fix_the_label_order_and_must_match_the_folders(tmp_path):
    _two_classes(tmp_path)
    sorted_d = data.load_image_folder(tmp_path, size=4)
    swapped = data.load_image_folder(tmp_path, size=4, classes=["b", "a"])
    assert sorted_d.classes == ("a", "b") and swapped.classes == ("b", "a")
    assert swapped.y.tolist() == [0, 0, 1, 1]
    assert torch.equal(swapped.X[:2], sorted_d.X[2:])                      # label 0 is now folder b's images
    with pytest.raises(ValueError, match="'c'.*no such sub-folder"):
        data.load_image_folder(tmp_path, classes=["a", "b", "c"])
    with pytest.raises(ValueError, match="sub-folder 'b' that is not in `classes`"):
        data.load_image_folder(tmp_path, classes=["a"])


# ---- write_photo_folder -----------------------------------------------------------------------------------------

def _find(picture: np.ndarray, patch: np.ndarray) -> tuple[int, int]:
    """(row, column) where `patch` sits in `picture` exactly; an AssertionError if nowhere or ambiguous."""
    side = patch.shape[0]
    rows = np.lib.stride_tricks.sliding_window_view(picture, side, axis=1)  # (H, W - side + 1, side[, 3])
    first_row = rows if picture.ndim == 2 else rows.transpose(0, 1, 3, 2)
    hits = [(r, c) for r, c in np.argwhere((first_row == patch[0]).reshape(*first_row.shape[:2], -1).all(-1))
            if r + side <= len(picture) and np.array_equal(picture[r:r + side, c:c + side], patch)]
    assert len(hits) == 1, hits
    return hits[0]


def test_write_photo_folder_default_layout_counts_and_formats(tmp_path):
    root = data.write_photo_folder(tmp_path / "photos")
    assert root == tmp_path / "photos"
    for split, n in {"train": 10, "val": 20, "test": 40}.items():
        assert sorted(p.name for p in (root / split).iterdir()) == sorted(data.TEXTURE_IMAGES)
        for name in data.TEXTURE_IMAGES:
            files = sorted((root / split / name).iterdir())
            assert [f.stem for f in files] == [f"{name}_{i:03d}" for i in range(n)]
            assert {f.suffix for f in files} == {".jpg", ".png", ".webp"}
    for name in ("camera", "coffee"):
        grey = getattr(skdata, name)().ndim == 2
        for f in sorted((root / "train" / name).iterdir())[:2]:             # a .jpg and a .png
            with Image.open(f) as img:
                assert img.mode == ("L" if grey else "RGB") and img.size[0] == img.size[1]
                assert 40 <= img.size[0] <= 96
    train = data.load_image_folder(root / "train", size=32)
    assert train.classes == tuple(sorted(data.TEXTURE_IMAGES)) and train.y.bincount().tolist() == [10] * 8


def test_write_photo_folder_test_crops_come_from_the_right_half(tmp_path):
    root = data.write_photo_folder(tmp_path, {"train": 5, "val": 5, "test": 5}, classes=("camera", "astronaut"))
    for name in ("camera", "astronaut"):
        picture = getattr(skdata, name)()
        half = picture.shape[1] // 2
        for split in ("train", "val", "test"):
            for f in sorted((root / split / name).glob("*.png")):            # lossless: found pixel for pixel
                patch = np.asarray(Image.open(f))
                r, c = _find(picture, patch)
                if split == "test":
                    assert c >= half, (f, c)
                else:
                    assert c + patch.shape[1] <= half, (f, c)


def test_write_photo_folder_is_deterministic_per_seed(tmp_path):
    small, classes = {"train": 3, "test": 3}, ("brick", "coffee")
    a = data.write_photo_folder(tmp_path / "a", small, classes=classes, seed=1)
    b = data.write_photo_folder(tmp_path / "b", small, classes=classes, seed=1)
    c = data.write_photo_folder(tmp_path / "c", small, classes=classes, seed=2)
    files = sorted(f.relative_to(a) for f in a.rglob("*.*"))
    assert len(files) == 12 and files == sorted(f.relative_to(b) for f in b.rglob("*.*"))
    pixels = lambda root: [np.asarray(Image.open(root / f)) for f in files]  # noqa: E731
    assert all(np.array_equal(x, y) for x, y in zip(pixels(a), pixels(b)))
    assert not any(x.shape == y.shape and np.array_equal(x, y) for x, y in zip(pixels(a), pixels(c)))
    data.write_photo_folder(tmp_path / "a", {"train": 1}, classes=classes, seed=1)   # rewrite: old files go
    assert sorted(p.name for p in (a / "train" / "brick").iterdir()) == ["brick_000.jpg"]
    with pytest.raises(ValueError, match="`per_class keys` must be one of"):
        data.write_photo_folder(tmp_path / "d", {"training": 3})
