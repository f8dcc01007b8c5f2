"""The capstone's plumbing: the sample folder, unseen photos and their record, splits, the survey, the probe as a
head, `predict_files`, and the checker of exercise 10 on the record of opened files."""

import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from torch import nn

from tl_course import audit, capstone, data, deploy, models, train
from tl_course.grading import FAIL, PASS


@pytest.fixture
def clean_record():
    """The record of unseen photos opened, emptied for the test and restored after it."""
    saved = list(audit._opened)
    audit._opened.clear()
    yield audit._opened
    audit._opened[:] = saved


def _files(counts: dict, root: Path) -> dict:
    """`{class: [paths]}` of small grey PNGs, `counts[class]` of each."""
    out = {}
    for k, (name, n) in enumerate(counts.items()):
        (root / name).mkdir(parents=True, exist_ok=True)
        out[name] = []
        for i in range(n):
            path = root / name / f"{i:03d}.png"
            Image.fromarray(np.full((40, 50), 20 * k + i, dtype=np.uint8)).save(path)
            out[name].append(path)
    return out


# ---- the sample folder and unseen photos --------------------------------------------------------------------------

def test_sample_folder_is_unbalanced_and_reproducible(tmp_path):
    root = data.write_sample_folder(tmp_path / "a", seed=3)
    files = data.image_files(root)
    assert {c: len(f) for c, f in files.items()} == data.SAMPLE_COUNTS
    assert max(data.SAMPLE_COUNTS.values()) >= 4 * min(data.SAMPLE_COUNTS.values())
    again = data.write_sample_folder(tmp_path / "b", seed=3)
    brick = sorted((root / "brick").iterdir())[0]
    assert (again / "brick" / brick.name).read_bytes() == brick.read_bytes()
    other = data.write_sample_folder(tmp_path / "c", seed=4)
    assert (other / "brick" / brick.name).read_bytes() != brick.read_bytes()
    with pytest.raises(ValueError, match="No sample photo 'cat'"):
        data.write_sample_folder(tmp_path / "d", {"cat": 3})


def test_sample_and_unseen_crops_come_from_disjoint_parts_of_each_photo():
    from tl_course.data import sample

    rng = np.random.default_rng(0)
    index = np.tile(np.arange(400), (100, 1))  # each pixel holds its column
    seen = sample._crops(index, 200, sample.SAMPLE_BAND, rng)
    unseen = sample._crops(index, 200, sample.UNSEEN_BAND, rng)
    assert all(c.shape[0] == c.shape[1] and 40 <= c.shape[0] <= 96 for c in seen + unseen)
    assert max(c.max() for c in seen) < 300 <= min(c.min() for c in unseen)


def test_unseen_photos_are_flat_unlabelled_and_recorded(tmp_path, clean_record):
    paths, labels = data.write_unseen_photos(per_class=3, seed=1, parent=tmp_path)
    assert len(paths) == len(labels) == 3 * len(data.TEXTURE_IMAGES)
    assert sorted(set(labels)) == sorted(data.TEXTURE_IMAGES) and labels[:8] != sorted(labels[:8])
    folder = Path(paths[0]).parent
    assert folder.name.startswith(data.UNSEEN_PREFIX) and all(Path(p).parent == folder for p in paths)
    assert not any(c in Path(p).name for p in paths for c in data.TEXTURE_IMAGES)   # names say nothing
    assert len(clean_record) == len(paths)                 # writing them is recorded too
    clean_record.clear()
    Image.open(paths[0]).load()
    with open(paths[1], "rb") as f:
        f.read(1)
    data.read_image(paths[2], 16)
    os.close(os.open(paths[3], os.O_RDONLY))
    (tmp_path / "other.txt").write_text("x")               # not an unseen photo: not recorded
    assert clean_record == [paths[0], paths[1], paths[2], paths[3]]
    assert data.unseen_opened() == clean_record and data.unseen_opened() is not clean_record
    clean_record.clear()
    subprocess.run([sys.executable, "-c", "print('write_unseen_photos')"], check=True, capture_output=True)
    assert len(clean_record) == 1 and clean_record[0].startswith("a new process")
    fresh = data.write_unseen_photos(per_class=1, parent=tmp_path)[0]
    assert Path(fresh[0]).parent != folder                 # a new folder each time


def test_importing_the_package_starts_the_record():
    code = ("import tl_course, sys\n"
            "from tl_course import audit\n"
            "open(sys.argv[1] + '/tl_course_unseen_x.png', 'wb').close()\n"
            "print(len(audit.unseen_opened()))")
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([sys.executable, "-c", code, tmp], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1"


# ---- split, survey, load ----------------------------------------------------------------------------------------

def test_split_files_is_stratified_with_at_least_one_per_split(tmp_path):
    files = _files({"big": 40, "mid": 12, "tiny": 3}, tmp_path)
    split = data.split_files(files, val=0.25, test=0.25, seed=0)
    counts = {s: {c: len(split[s][c]) for c in files} for s in split}
    assert counts == {"train": {"big": 20, "mid": 6, "tiny": 1}, "val": {"big": 10, "mid": 3, "tiny": 1},
                      "test": {"big": 10, "mid": 3, "tiny": 1}}
    for c in files:
        together = sum((split[s][c] for s in split), [])
        assert sorted(together) == sorted(files[c])
    again = data.split_files(files, seed=0)
    assert again == split and data.split_files(files, seed=1) != split
    with pytest.raises(ValueError, match="'two' has 2 images"):
        data.split_files(dict(files, two=files["tiny"][:2]))
    with pytest.raises(ValueError, match="leave files to train on"):
        data.split_files(files, val=0.5, test=0.5)
    with pytest.raises(ValueError, match="fraction"):
        data.split_files(files, val=25)


def test_survey_says_what_the_folder_can_support(tmp_path):
    files = _files({"a": 12, "b": 3, "c": 40}, tmp_path)
    (tmp_path / "c" / "broken.png").write_bytes(b"not an image")
    files["c"].append(tmp_path / "c" / "broken.png")
    found = data.survey(files)
    assert found["counts"] == {"a": 12, "b": 3, "c": 41}
    assert found["sizes"] == (40, 40, 40) and found["modes"] == {"L": 55}
    text = " | ".join(found["warnings"])
    assert "fewer than 10 images: b (3)" in text and "feature extraction" in text
    assert "unbalanced classes: c has 41 images, b 3" in text
    assert "could not be read" in text and "broken.png" in text
    fine = data.survey(_files({"x": 12, "y": 14}, tmp_path / "fine"))
    assert fine["warnings"] == []
    lonely = " | ".join(data.survey(_files({"only": 2}, tmp_path / "lonely"))["warnings"])
    assert "only 1 class" in lonely and "too few to split" in lonely and "only (2)" in lonely


def test_load_files_keeps_the_class_order_and_skips_broken_files(tmp_path):
    files = _files({"z": 2, "a": 3}, tmp_path)
    (tmp_path / "a" / "empty.png").write_bytes(b"")
    files["a"].append(tmp_path / "a" / "empty.png")
    with pytest.warns(UserWarning, match="skipped 1 unreadable"):
        got = data.load_files(files, 8, color=False)
    assert got.classes == ("z", "a") and got.y.tolist() == [0, 0, 1, 1, 1] and got.X.shape == (5, 1, 8, 8)
    with pytest.raises(ValueError, match="Empty class 'e'"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data.load_files({"a": files["a"], "e": [tmp_path / "a" / "empty.png"]}, 8)
    with pytest.raises(TypeError, match="non-empty dict"):
        data.load_files([tmp_path], 8)


# ---- the probe as a head, grey inputs, predict_files -------------------------------------------------------------

def test_probe_head_reproduces_the_probe():
    rng = np.random.default_rng(0)
    for classes in (2, 4):
        F = (rng.normal(size=(120, 16)) + np.repeat(np.eye(classes, 16) * 3, 120 // classes, 0)).astype(np.float32)
        y = np.repeat(np.arange(classes), 120 // classes)
        probe = train.linear_probe(F[::2], y[::2], F[1::2], y[1::2])
        head = capstone.probe_head(probe)
        logits = head(torch.from_numpy(F)).detach().numpy()
        assert (logits.argmax(1) == probe.predict(F)).all()
        want = probe.predict_proba(F)
        got = torch.softmax(torch.from_numpy(logits), 1).numpy()
        assert np.allclose(got, want, atol=1e-5)


def test_grey_networks_get_grey_inputs():
    grey, colour = models.SmallCNN(4), nn.Sequential(nn.Conv2d(3, 4, 3))
    X = torch.rand(2, 3, 8, 8)
    assert capstone.wants_grey(grey) and not capstone.wants_grey(colour)
    G = capstone.as_input(grey, X)
    assert G.shape == (2, 1, 8, 8)
    assert torch.allclose(G[0, 0], 0.299 * X[0, 0] + 0.587 * X[0, 1] + 0.114 * X[0, 2], atol=1e-6)
    assert capstone.as_input(colour, X) is not None and capstone.as_input(colour, X).shape == X.shape
    assert capstone.reads_rgb(colour) is colour
    shipped = capstone.reads_rgb(grey.eval())
    assert torch.equal(shipped(X), grey(capstone.as_input(grey, X)))       # the conversion it was trained with


def test_with_probe_keeps_the_source_and_predict_files_reads_like_training(tmp_path):
    files = _files({"dark": 6, "light": 6}, tmp_path)
    for i, f in enumerate(files["light"]):
        Image.fromarray(np.full((30, 30), 200 + i, dtype=np.uint8)).save(f)
    sets = data.load_files(files, 16, color=False)
    source = models.SmallCNN(2)
    F = train.extract_features(source.features, sets.X).numpy()
    probe = train.linear_probe(F, sets.y.numpy())
    model = capstone.with_probe(source, probe)
    assert model.head is not source.head and isinstance(source.head, nn.Linear)
    assert capstone.accuracy(model, sets) == pytest.approx((probe.predict(F) == sets.y.numpy()).mean())
    predictor = deploy.Predictor(model, sets.classes, 16, color=False)
    paths = [str(p) for c in files for p in files[c]]
    assert predictor.predict_files(paths, batch_size=5) == [sets.classes[i] for i in probe.predict(F)]
    with pytest.raises(TypeError, match="list of image files"):
        predictor.predict_files(paths[0])


def test_weakest_classes_and_the_report(capsys):
    table = [{"class": "a", "recall": 0.9}, {"class": "b", "recall": 0.2}, {"class": "c", "recall": 0.5},
             {"class": "macro average", "recall": 0.1}]
    assert capstone.weakest_classes(table) == ["b", "c"]
    text = capstone.show_report({"test accuracy": 0.8123, "images per class": {"a": 3}, "model size (MB)": 13.456})
    assert "**test accuracy:** 81.2%" in text and "a 3" in text and "13.46" in text
    assert "**method:** **missing**" in text and text in capsys.readouterr().out


# ---- exercise 10's check of `predict`: unseen photos opened before grading ---------------------------------------

def test_a_model_trained_on_unseen_photos_fails_in_the_learners_own_python(clean_record, tmp_path):
    from tl_course import grading

    paths, labels = data.write_unseen_photos(per_class=4, seed=7, parent=tmp_path)   # a student gets some ...
    pixels = {lab: data.read_image(p, 8).mean().item() for p, lab in zip(paths, labels)}   # ... and trains on them

    def predict(files):
        return [min(pixels, key=lambda lab: abs(pixels[lab] - data.read_image(f, 8).mean().item())) for f in files]

    ns = {"predict": predict, "model": nn.Sequential(nn.Flatten(), nn.Linear(3 * 48 * 48, 8)),
          "CLASSES": tuple(data.TEXTURE_IMAGES), "SIZE": 48}
    result = grading.registry()["10.q4"].grade(ns)
    assert result.status == FAIL and "before grading" in result.message and "restart the kernel" in result.message
    assert grading.registry()["10.q4"].grade(dict(ns, __tl_unseen_opened__=[paths[0]])).status == FAIL


def test_the_checks_own_reading_of_unseen_photos_is_not_held_against_the_learner(clean_record, monkeypatch, tmp_path):
    from tl_course.problems import lesson10

    monkeypatch.setenv("TL_COURSE_SCRATCH", str(tmp_path))
    problem, model, classes = lesson10.PROBLEMS["q4"], nn.Sequential(nn.Flatten(), nn.Linear(3 * 8 * 8, 8)), tuple(
        data.TEXTURE_IMAGES)
    seen = []

    def predict(files):
        seen.append(list(files))
        return [Image.open(f).mode for f in files]   # reads every file: recorded, then forgotten by the check

    with pytest.raises(lesson10.CheckFailed, match="not a class"):
        problem._score(predict, model, classes, 8)
    assert clean_record == [] and all(Path(f).parent.parent == tmp_path for f in seen[0])
    assert not list(tmp_path.iterdir())                      # the photos are deleted after the check
    accuracy, said, agree = problem._score(lambda files: ["moon"] * len(files), model, classes, 8)
    assert accuracy == pytest.approx(1 / 8) and clean_record == [] and 0 <= agree <= 1


def test_predict_that_makes_unseen_photos_of_its_own_fails(clean_record, monkeypatch, tmp_path):
    from tl_course import grading
    from tl_course.grading import Result

    monkeypatch.setenv("TL_COURSE_SCRATCH", str(tmp_path))

    def predict(files):                                      # labelled neighbours written at grading time
        own, labels = data.write_unseen_photos(per_class=1, parent=tmp_path)
        return [labels[0]] * (len(files) - 1) + [labels[1]]

    problem = grading.registry()["10.q4"]
    result = problem.grade({"predict": predict, "model": nn.Sequential(nn.Flatten(), nn.Linear(3 * 48 * 48, 8)),
                            "CLASSES": tuple(data.TEXTURE_IMAGES), "SIZE": 48, "__tl_unseen_opened__": []})
    assert result.status == FAIL and "of its own" in result.message
    problem._folder = tmp_path / "tl_course_unseen_checks"  # the grader's second look at the kernel's record
    ok = Result("10.q4", PASS, "")
    assert problem.recheck(ok, [str(problem._folder / "a.png")]) is ok
    assert problem.recheck(ok, [str(problem._folder / "a.png"), "/tmp/tl_course_unseen_x/b.png"]).status == FAIL
    assert problem.recheck(ok, None).status == FAIL
