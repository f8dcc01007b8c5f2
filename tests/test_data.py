"""Offline datasets, rendered characters, shifts, few-shot sampling and splits."""

import pytest
import torch

from tl_course import data
from tl_course.shifts import SHIFTS, compose, shift


def test_digits_native_and_upsampled():
    d8, d28 = data.load_digits(), data.load_digits(size=28)
    assert d8.X.shape == (1797, 1, 8, 8) and d28.X.shape == (1797, 1, 28, 28)
    assert 0 <= d8.X.min() and d8.X.max() <= 1 and torch.equal(d8.y, d28.y)


def test_faces_labels_are_rows():
    faces = data.load_faces()
    assert faces.X.shape == (200, 1, 25, 25)
    assert faces.y[:100].eq(1).all() and faces.y[100:].eq(0).all()


def test_texture_patches_train_and_test_never_share_pixels():
    patch = 48
    train = data.load_texture_patches("train", patch=patch, per_class=5)
    test = data.load_texture_patches("test", patch=patch, per_class=5)
    assert train.X.shape == (40, 1, patch, patch) and len(train.classes) == 8
    # Every train patch must come from the left half and every test patch from the right half: no patch of
    # one split can equal any window of the other half.
    flat_train = train.X.reshape(len(train), -1)
    flat_test = test.X.reshape(len(test), -1)
    assert torch.cdist(flat_train, flat_test).min() > 0
    with pytest.raises(ValueError, match="split"):
        data.load_texture_patches("val")


def test_rendering_is_deterministic_and_seed_dependent():
    a = data.render_characters(64, seed=3)
    b = data.render_characters(64, seed=3)
    c = data.render_characters(64, seed=4)
    assert torch.equal(a.X, b.X) and torch.equal(a.y, b.y)
    assert not torch.equal(a.X, c.X)
    assert a.X.shape == (64, 1, 28, 28) and a.X.amax() > 0.5


def test_digits_format_matches_real_digits():
    fake, real = data.render_characters(200, digits_format=True), data.load_digits()
    assert fake.X.shape[1:] == real.X.shape[1:]
    levels = set((fake.X * 16).round().unique().tolist())
    assert levels <= set(range(17)) and set((real.X * 16).round().unique().tolist()) <= set(range(17))


def test_rendering_letters():
    letters = data.render_characters(30, chars=data.LETTER_CHARS, size=16)
    assert letters.classes == tuple(data.LETTER_CHARS) and letters.y.max() < len(data.LETTER_CHARS)


@pytest.mark.parametrize("name", list(SHIFTS))
def test_every_shift_is_identity_at_zero_and_changes_at_one(name):
    X = data.render_characters(16, size=16, seed=1).X
    assert torch.equal(shift(name, 0.0)(X), X)
    out = shift(name, 1.0, seed=2)(X)
    assert out.shape[0] == X.shape[0] and out.min() >= 0 and out.max() <= 1
    assert not torch.allclose(out[:, :1], X, atol=1e-3)
    assert torch.equal(out, shift(name, 1.0, seed=2)(X))  # reproducible


def test_shift_strength_grows_the_change():
    X = data.render_characters(32, size=16, seed=1).X
    gaps = [(shift("blur", s)(X) - X).abs().mean().item() for s in (0.2, 0.5, 1.0)]
    assert gaps[0] < gaps[1] < gaps[2]


def test_compose_and_bad_names():
    X = data.render_characters(8, size=16).X
    both = compose(shift("invert", 1.0), shift("invert", 1.0))(X)
    assert torch.allclose(both, X, atol=1e-6)
    with pytest.raises(ValueError, match="rotation"):
        shift("spin", 0.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        shift("blur", 2)


def test_few_shot_counts_are_exact_and_seeded():
    y = data.load_digits().y
    idx = data.few_shot_indices(y, 5, seed=0)
    assert torch.bincount(y[idx]).tolist() == [5] * 10
    assert torch.equal(idx, data.few_shot_indices(y, 5, seed=0))
    assert not torch.equal(idx, data.few_shot_indices(y, 5, seed=1))
    with pytest.raises(ValueError, match="only"):
        data.few_shot_indices(y, 1000)


def test_splits_are_disjoint_complete_and_stratified():
    y = data.load_digits().y
    train, val, test = data.split_indices(y, (0.6, 0.2, 0.2), seed=0)
    all_idx = torch.cat([train, val, test])
    assert len(all_idx) == len(y) and len(all_idx.unique()) == len(y)
    share = torch.bincount(y[val], minlength=10).float() / torch.bincount(y, minlength=10).float()
    assert (share - 0.2).abs().max() < 0.02


def _image_ids(X) -> set:
    """Which images these are: the handwritten digits are all distinct, so their pixels identify them."""
    return {bytes(row.numpy()) for row in X.flatten(1)}


def test_printed_to_handwritten_splits_the_target_without_leaks():
    pair = data.printed_to_handwritten(seed=0)
    pool, dev, test = (_image_ids(d.X) for d in (pair.target_pool, pair.target_dev, pair.target_test))
    assert len(pool) == 1000 and len(dev) == 50 and len(pool) + len(dev) + len(test) == 1797
    assert not pool & dev and not pool & test and not dev & test      # the dev set is outside the pool
    assert torch.bincount(pair.target_dev.y).tolist() == [5] * 10
    assert torch.equal(pair.target_labelled.X, pair.target_pool.X)
    with pytest.raises(AttributeError):
        pair.target_pool.y                                              # the pool hides its labels
    assert pair.source.X.shape == (3000, 1, 8, 8) and len(pair.source_val) == 500


def test_printed_to_handwritten_is_seeded_and_copies_its_source():
    a, b, c = data.printed_to_handwritten(seed=0), data.printed_to_handwritten(seed=0), data.printed_to_handwritten(1)
    for part in ("target_pool", "target_dev", "target_test"):
        assert torch.equal(getattr(a, part).X, getattr(b, part).X)
        assert not torch.equal(getattr(a, part).X, getattr(c, part).X)
    a.source.X[:] = 0                                                   # a caller's change stays in its own pair
    assert b.source.X.sum() > 0 and torch.equal(b.source.X, c.source.X)


def test_printed_to_handwritten_keeps_only_the_classes_asked_for():
    full, part = data.printed_to_handwritten(seed=3), data.printed_to_handwritten(seed=3, classes=[0, 1, 2, 3, 4])
    for name in ("target_labelled", "target_dev", "target_test"):
        assert set(getattr(part, name).y.tolist()) == {0, 1, 2, 3, 4}
    assert torch.bincount(part.target_dev.y).tolist() == [5] * 5
    assert _image_ids(part.target_pool.X) <= _image_ids(full.target_pool.X)   # the same split, restricted
    assert not _image_ids(part.target_dev.X) & _image_ids(part.target_pool.X)
    assert len(part.source.classes) == 10                               # the source keeps every digit


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(pool=1797), ValueError, "leaves no handwritten digits for the dev set"),
    (dict(pool=0), ValueError, "`pool` must be at least 1"),
    (dict(dev_per_class=2.5), ValueError, "`dev_per_class` must be a whole number"),
    (dict(classes=[]), ValueError, "`classes` is empty"),
    (dict(classes=[3, 10]), ValueError, "`classes` must be one of 0, 1, .*; got 10"),
])
def test_printed_to_handwritten_refuses_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        data.printed_to_handwritten(**kwargs)


def test_unlabelled_view_cannot_return_labels():
    target = data.load_digits().subset(torch.arange(20))
    view = target.unlabelled()
    assert len(view) == 20 and view[0].shape == (1, 8, 8)
    for attr in ("y", "labels", "targets"):
        with pytest.raises(AttributeError, match="hidden"):
            getattr(view, attr)
    batch = next(iter(torch.utils.data.DataLoader(view, batch_size=4)))
    assert isinstance(batch, torch.Tensor) and batch.shape == (4, 1, 8, 8)


def test_few_shot_split_is_disjoint_stratified_and_keeps_test_fixed_across_k():
    y = torch.arange(60) % 3
    tr1, va1, te1 = data.few_shot_split(y, 1, test_per_class=5, val_per_class=2, seed=4)
    tr5, va5, te5 = data.few_shot_split(y, 5, test_per_class=5, val_per_class=2, seed=4)
    assert torch.equal(te1, te5) and torch.equal(va1, va5)
    for tr, k in ((tr1, 1), (tr5, 5)):
        assert torch.bincount(y[tr]).tolist() == [k] * 3
        assert not set(tr.tolist()) & set(va5.tolist()) and not set(tr.tolist()) & set(te5.tolist())
    assert torch.bincount(y[te1]).tolist() == [5] * 3 and torch.bincount(y[va1]).tolist() == [2] * 3
    assert not set(va1.tolist()) & set(te1.tolist())


def test_random_flip_shift_keeps_shape_and_pixels_and_is_seeded():
    X = torch.rand(16, 1, 12, 12)
    a = data.random_flip_shift(X, torch.Generator().manual_seed(0), max_shift=2)
    b = data.random_flip_shift(X, torch.Generator().manual_seed(0), max_shift=2)
    assert a.shape == X.shape and torch.equal(a, b)
    assert not torch.equal(a, X)
    same = data.random_flip_shift(X, torch.Generator().manual_seed(0), max_shift=0)
    for x, s in zip(X, same):  # without shifts every image is itself or its mirror image
        assert torch.equal(s, x) or torch.equal(s, x.flip(2))


def test_random_flip_shift_can_keep_left_and_right():
    X = torch.rand(16, 1, 12, 12)
    same = data.random_flip_shift(X, torch.Generator().manual_seed(0), max_shift=0, hflip=False)
    assert torch.equal(same, X)
    flipped = data.random_flip_shift(X, torch.Generator().manual_seed(0), max_shift=0, hflip=False, vflip=True)
    assert any(torch.equal(f, x.flip(1)) and not torch.equal(f, x) for x, f in zip(X, flipped))


def _idx_gz(path, array):
    """Write `array` (uint8) as a gzip-compressed IDX file, MNIST's format."""
    import gzip

    import numpy as np

    array = np.asarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.tobytes())


def _cached(tmp_path, name, file, write):
    """Write a fake download into the cache with `write(path)`; return a registry entry that matches it."""
    from tl_course.download import Entry, sha256_of

    folder = tmp_path / "downloads"
    folder.mkdir(exist_ok=True)
    write(folder / file)
    return {name: Entry(name, f"http://127.0.0.1:9/{file}", sha256_of(folder / file))}


def _fake_mnist(tmp_path):
    """Three tiny 'MNIST' images in the download cache, and a registry whose checksums match them."""
    import numpy as np

    images = np.zeros((3, 28, 28), dtype=np.uint8)
    images[0, 4:24, 4:24] = 255                   # fills the digit box
    images[1, 10:14, 10:14] = 128                 # a faint blob
    images[2, 0, 0] = 255                         # ink outside the box only
    files = {"mnist-train-images": ("train-images-idx3-ubyte.gz", images),
             "mnist-train-labels": ("train-labels-idx1-ubyte.gz", np.array([7, 0, 3]))}
    registry = {}
    for name, (file, array) in files.items():
        registry.update(_cached(tmp_path, name, file, lambda path, array=array: _idx_gz(path, array)))
    return registry


def test_load_mnist_reads_the_verified_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TL_COURSE_OFFLINE", "1")  # everything must come from the cache
    registry = _fake_mnist(tmp_path)
    mnist = data.load_mnist("train", data_dir=tmp_path, registry=registry)
    assert mnist.X.shape == (3, 1, 28, 28) and mnist.y.tolist() == [7, 0, 3]
    assert mnist.X.max() == 1.0 and mnist.X[1].max() == pytest.approx(128 / 255)
    small = data.load_mnist("train", digits_format=True, data_dir=tmp_path, registry=registry)
    assert small.X.shape == (3, 1, 8, 8)
    assert torch.equal(small.X[0], torch.ones(1, 8, 8)) and small.X[1].max() == 1.0  # brightest pixel is 1
    assert torch.equal(small.X * 16, torch.round(small.X * 16))                     # 17 grey levels
    assert small.X[2].max() == 0                                                      # outside the box: cropped


def test_load_mnist_offline_names_the_file_and_the_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("TL_COURSE_OFFLINE", "1")
    from tl_course.download import DownloadError

    with pytest.raises(DownloadError, match="t10k-images-idx3-ubyte.gz .*TL_COURSE_OFFLINE"):
        data.load_mnist("test", data_dir=tmp_path)
    with pytest.raises(ValueError, match="'train' or 'test'"):
        data.load_mnist("val", data_dir=tmp_path)


def test_truncated_idx_file_is_reported(tmp_path):
    import gzip

    path = tmp_path / "bad-idx3-ubyte.gz"
    with gzip.open(path, "wb") as f:
        f.write(bytes([0, 0, 8, 1]) + (10).to_bytes(4, "big") + bytes(3))
    with pytest.raises(ValueError, match="truncated"):
        data._read_idx(path)


def test_load_svhn_reads_the_verified_mat_file(tmp_path, monkeypatch):
    import numpy as np
    from scipy.io import savemat

    monkeypatch.setenv("TL_COURSE_OFFLINE", "1")
    X = np.zeros((32, 32, 3, 2), dtype=np.uint8)       # SVHN's layout: height, width, channel, image
    X[:, :, 0, 0] = 255                                # image 0: pure red
    X[:16, :, :, 1] = 255                              # image 1: white top half
    registry = _cached(tmp_path, "svhn-train", "train_32x32.mat",
                       lambda p: savemat(p, {"X": X, "y": np.array([[10], [3]], dtype=np.uint8)}))
    svhn = data.load_svhn("train", data_dir=tmp_path, registry=registry)
    assert svhn.X.shape == (2, 3, 32, 32) and svhn.y.tolist() == [0, 3]   # label 10 means the digit 0
    assert svhn.X[0, 0].min() == 1 and svhn.X[0, 1:].max() == 0
    assert svhn.X[1, :, :16].min() == 1 and svhn.X[1, :, 16:].max() == 0  # rows stay rows
    grey = data.load_svhn("train", size=8, grey=True, data_dir=tmp_path, registry=registry)
    assert grey.X.shape == (2, 1, 8, 8) and grey.X[0].max() == pytest.approx(0.299)


def test_load_cifar10_reads_the_verified_archive(tmp_path, monkeypatch):
    import io
    import pickle
    import tarfile

    import numpy as np

    monkeypatch.setenv("TL_COURSE_OFFLINE", "1")

    def write(path):
        with tarfile.open(path, "w:gz") as archive:
            for name, label in [(f"data_batch_{i}", i) for i in range(1, 6)] + [("test_batch", 9)]:
                pixels = np.zeros((1, 3072), dtype=np.uint8)
                pixels[0, :1024] = 255                                     # the red plane, all on
                blob = pickle.dumps({b"data": pixels, b"labels": [label]})
                info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
                info.size = len(blob)
                archive.addfile(info, io.BytesIO(blob))

    registry = _cached(tmp_path, "cifar10", "cifar-10-python.tar.gz", write)
    train = data.load_cifar10("train", data_dir=tmp_path, registry=registry)
    assert train.X.shape == (5, 3, 32, 32) and train.y.tolist() == [1, 2, 3, 4, 5]
    assert train.X[:, 0].min() == 1 and train.X[:, 1:].max() == 0 and train.classes[9] == "truck"
    test = data.load_cifar10("test", data_dir=tmp_path, registry=registry)
    assert test.y.tolist() == [9]
    with pytest.raises(ValueError, match="'train' or 'test'"):
        data.load_cifar10("val", data_dir=tmp_path, registry=registry)


def _fake_flowers(tmp_path):
    """A four-image 'Flowers-102' archive, its labels and splits in the download cache; return the registry."""
    import io
    import tarfile

    import numpy as np
    from PIL import Image
    from scipy.io import savemat

    colours = {1: (255, 0, 0), 2: (0, 255, 0), 3: (0, 0, 255), 4: (255, 255, 255)}

    def write(path):  # four JPEGs of different shapes; image 3 is wide with a white centre square
        with tarfile.open(path, "w:gz") as archive:
            for number, colour in colours.items():
                shape = (30, 90) if number == 3 else (40, 40)
                img = np.zeros((*shape, 3), dtype=np.uint8) + np.array(colour, dtype=np.uint8)
                if number == 3:
                    img[:, 30:60] = 255
                blob = io.BytesIO()
                Image.fromarray(img).save(blob, format="JPEG", quality=95)
                info = tarfile.TarInfo(f"jpg/image_{number:05d}.jpg")
                info.size = blob.tell()
                blob.seek(0)
                archive.addfile(info, blob)

    registry = _cached(tmp_path, "flowers102-images", "102flowers.tgz", write)
    registry |= _cached(tmp_path, "flowers102-labels", "imagelabels.mat",
                        lambda p: savemat(p, {"labels": np.array([[5, 1, 102, 7]])}))   # 1-based, image order
    registry |= _cached(tmp_path, "flowers102-splits", "setid.mat",
                        lambda p: savemat(p, {"trnid": np.array([[3, 1]]), "valid": np.array([[2]]),
                                              "tstid": np.array([[4]])}))
    return registry


def test_load_flowers102_reads_the_verified_archive(tmp_path, monkeypatch):
    monkeypatch.setenv("TL_COURSE_OFFLINE", "1")
    registry = _fake_flowers(tmp_path)
    train = data.load_flowers102("train", size=16, data_dir=tmp_path, registry=registry)
    assert train.X.shape == (2, 3, 16, 16) and train.y.tolist() == [4, 101]          # images 1 and 3, 0-based
    assert train.X[0, 0].min() > 0.9 and train.X[0, 1:].max() < 0.1                  # image 1 is red
    assert train.X[1].min() > 0.9                                                     # centre crop: all white
    assert len(train.classes) == 102
    assert data.load_flowers102("val", size=8, data_dir=tmp_path, registry=registry).y.tolist() == [0]
    with pytest.raises(ValueError, match="'train' or 'val' or 'test'"):
        data.load_flowers102("dev", data_dir=tmp_path, registry=registry)


def test_write_flowers102_folder_copies_each_split_into_class_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("TL_COURSE_OFFLINE", "1")
    registry = _fake_flowers(tmp_path)
    root = data.write_flowers102_folder(tmp_path / "flowers", data_dir=tmp_path, registry=registry)
    found = {p.relative_to(root).as_posix() for p in root.rglob("*.jpg")}
    classes = data.load_flowers102("train", size=8, data_dir=tmp_path, registry=registry).classes
    assert found == {f"train/{classes[4]}/image_00001.jpg", f"train/{classes[101]}/image_00003.jpg",
                     f"val/{classes[0]}/image_00002.jpg", f"test/{classes[6]}/image_00004.jpg"}
    train = data.load_image_folder(root / "train", size=16)
    assert train.X.shape == (2, 3, 16, 16) and not list(root.rglob("*.part"))
    first = root / "train" / classes[4] / "image_00001.jpg"
    stamp = first.stat().st_mtime_ns
    data.write_flowers102_folder(tmp_path / "flowers", data_dir=tmp_path, registry=registry)   # already there
    assert first.stat().st_mtime_ns == stamp


def test_svhn_to_mnist_splits_the_target_without_leaks(tmp_path, monkeypatch):
    import numpy as np
    from scipy.io import savemat

    monkeypatch.setenv("TL_COURSE_OFFLINE", "1")
    registry = {}
    for split, n in (("train", 30), ("test", 10)):
        X = np.zeros((32, 32, 3, n), dtype=np.uint8)
        registry |= _cached(tmp_path, f"svhn-{split}", f"{split}_32x32.mat",
                            lambda p, X=X, n=n: savemat(p, {"X": X, "y": (np.arange(n) % 10 + 1).reshape(-1, 1)}))
    prefix = {"train": "train", "test": "t10k"}
    for split, n in (("train", 100), ("test", 10)):
        images = np.zeros((n, 28, 28), dtype=np.uint8)
        images[np.arange(n), np.arange(n) // 28, np.arange(n) % 28] = 255    # one bright pixel marks each image
        registry |= _cached(tmp_path, f"mnist-{split}-images", f"{prefix[split]}-images-idx3-ubyte.gz",
                            lambda p, a=images: _idx_gz(p, a))
        registry |= _cached(tmp_path, f"mnist-{split}-labels", f"{prefix[split]}-labels-idx1-ubyte.gz",
                            lambda p, a=np.arange(n) % 10: _idx_gz(p, a))
    pair = data.svhn_to_mnist(size=28, pool=30, dev_per_class=2, data_dir=tmp_path, registry=registry)
    assert pair.source.X.shape == (30, 1, 28, 28) and len(pair.source_val) == 10
    assert len(pair.target_pool) == 30 and len(pair.target_test) == 10
    with pytest.raises(AttributeError):
        pair.target_pool.y                                                   # the pool hides its labels
    assert torch.equal(pair.target_labelled.X, pair.target_pool.X)
    assert sorted(pair.target_dev.y.tolist()) == sorted(list(range(10)) * 2)
    marker = lambda X: set(X.flatten(1).argmax(1).tolist())                  # noqa: E731  which image is which
    assert not marker(pair.target_dev.X) & marker(pair.target_pool.X)       # the dev set is outside the pool
    with pytest.raises(ValueError, match="no MNIST training images for the dev set"):
        data.svhn_to_mnist(size=28, pool=100, data_dir=tmp_path, registry=registry)


def test_full_scale_datasets_offline_name_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("TL_COURSE_OFFLINE", "1")
    from tl_course.download import DownloadError

    with pytest.raises(DownloadError, match="test_32x32.mat .*TL_COURSE_OFFLINE"):
        data.load_svhn("test", data_dir=tmp_path)
    with pytest.raises(DownloadError, match="cifar-10-python.tar.gz .*TL_COURSE_OFFLINE"):
        data.load_cifar10("train", data_dir=tmp_path)
    with pytest.raises(DownloadError, match="imagelabels.mat .*TL_COURSE_OFFLINE"):
        data.load_flowers102("test", data_dir=tmp_path)
