"""Bad input gives one clear sentence — never a silent wrong number — in every public function of
transferability, adapt, data and train; and valid input in every accepted form (lists, arrays, tensors) still works."""

import math

import numpy as np
import pytest
import torch
from torch import nn

from tl_course import adapt, checks, data, models, train
from tl_course import transferability as tr

rng = np.random.default_rng(0)
F = rng.normal(size=(12, 4))
Y = np.arange(12) % 3
P = np.full((12, 3), 1 / 3)
IMAGES = torch.rand(6, 1, 8, 8)


def linear():
    return nn.Linear(4, 3)


def with_nan(a):
    a = np.array(a, dtype=float)
    a[1, 0] = np.nan
    return a


def _pair():
    digits = data.load_digits().subset(range(20))
    return data.DomainPair(digits, digits, digits.unlabelled(), digits, digits, digits)


def tiny_cnn():
    torch.manual_seed(0)
    return models.SmallCNN(10, width=4)


# (what is wrong, call, exception, words the one sentence must contain)
CASES = [
    # transferability: labels
    ("logme: float labels", lambda: tr.logme(F, Y + 0.5), ValueError, r"`labels` must be whole numbers.*0\.5"),
    ("leep: float labels", lambda: tr.leep(P, Y + 0.5), ValueError, r"`labels` must be whole numbers"),
    ("nce: float labels", lambda: tr.nce(Y, Y * 0.5), ValueError, r"`labels` must be whole numbers"),
    ("nce: float predictions", lambda: tr.nce(Y + 0.25, Y), ValueError, r"`source_predictions` must be whole"),
    ("h_score: float labels", lambda: tr.h_score(F, Y + 0.5), ValueError, r"`labels` must be whole numbers"),
    ("logme: string labels", lambda: tr.logme(F, ["cat"] * 12), TypeError, r"`labels` must be numbers; got strings"),
    ("logme: 2-D labels", lambda: tr.logme(F, Y[:, None]), ValueError, r"`labels` must be one class index per "
                                                                         r"example.*\(12, 1\)"),
    ("logme: mismatched lengths", lambda: tr.logme(F, Y[:11]), ValueError, r"one label per row of `features` \(12\); "
                                                                           r"got 11"),
    ("h_score: mismatched lengths", lambda: tr.h_score(F[:5], Y), ValueError, r"one label per row of `features`"),
    ("nce: mismatched lengths", lambda: tr.nce(Y, Y[:4]), ValueError, r"`labels` must have one label per row"),
    # transferability: features and probabilities
    ("logme: NaN features", lambda: tr.logme(with_nan(F), Y), ValueError,
     r"`features` must be finite numbers; got NaN \(first at row 1\)"),
    ("h_score: infinite features", lambda: tr.h_score(np.where(F > 1, np.inf, F), Y), ValueError, r"infinite"),
    ("logme: all-zero features", lambda: tr.logme(np.zeros((12, 4)), Y), ValueError, r"`features` are all zero"),
    ("logme: empty features", lambda: tr.logme(np.zeros((0, 4)), []), ValueError, r"`features` must have at least 1"),
    ("h_score: string features", lambda: tr.h_score([["a", "b"]] * 12, Y), TypeError, r"`features` must be numbers"),
    ("leep: logits", lambda: tr.leep(F[:, :3], Y), ValueError, r"`source_probs` must be probabilities.*softmax"),
    ("leep: rows not summing to 1", lambda: tr.leep(P * 0.7, Y), ValueError, r"each row of `source_probs` must sum "
                                                                              r"to 1.*0\.7"),
    ("leep: 1-D probabilities", lambda: tr.leep(P[:, 0], Y), ValueError, r"`source_probs` must be one row"),
    ("leep: mismatched lengths", lambda: tr.leep(P, Y[:10]), ValueError, r"one label per row of `source_probs`"),
    ("leep: NaN probabilities", lambda: tr.leep(with_nan(P), Y), ValueError, r"`source_probs` must be finite"),
    # transferability: the gap and the ranking
    ("gap: a percentage as confidence", lambda: tr.negative_transfer_gap([0.1, 0.2], [0.2, 0.1], confidence=95),
     ValueError, r"`confidence` must be a fraction in \(0, 1\).*percentage\? write 0\.95"),
    ("gap: confidence 1", lambda: tr.negative_transfer_gap([0.1, 0.2], [0.2, 0.1], confidence=1), ValueError,
     r"`confidence` must be a fraction"),
    ("gap: NaN error", lambda: tr.negative_transfer_gap([0.1, math.nan], [0.2, 0.1]), ValueError,
     r"`error_with_source` must be finite"),
    ("gap: not paired", lambda: tr.negative_transfer_gap([0.1, 0.2, 0.3], [0.2, 0.1]), ValueError, r"paired by seed"),
    ("gap: string errors", lambda: tr.negative_transfer_gap(["a", "b"], [0.2, 0.1]), TypeError, r"must be numbers"),
    ("rank: not a dict", lambda: tr.rank_agreement([1, 2, 3], {"a": 1}), TypeError, r"`scores` must be a dict"),
    ("rank: NaN score", lambda: tr.rank_agreement({"a": 1, "b": math.nan, "c": 2}, {"a": 1, "b": 2, "c": 3}),
     ValueError, r"`scores\['b'\]` must be a finite number"),
    # adapt: measures and estimates
    ("iw accuracy: mismatched lengths", lambda: adapt.importance_weighted_accuracy(np.ones(100), np.ones(349)),
     ValueError, r"`correct` and `weights` must have the same length.*100 and 349"),
    ("iw accuracy: not 0/1", lambda: adapt.importance_weighted_accuracy([0.5, 1], [1.0, 1.0]), ValueError,
     r"`correct` must be 0 or 1.*0\.5"),
    ("iw accuracy: negative weight", lambda: adapt.importance_weighted_accuracy([0, 1], [-1.0, 2.0]), ValueError,
     r"`weights` must be weights ≥ 0"),
    ("iw accuracy: zero weights", lambda: adapt.importance_weighted_accuracy([0, 1], [0.0, 0.0]), ValueError,
     r"`weights` must not all be zero"),
    ("iw accuracy: empty", lambda: adapt.importance_weighted_accuracy([], []), ValueError, r"`correct` is empty"),
    ("iw accuracy: NaN weight", lambda: adapt.importance_weighted_accuracy([0, 1], [math.nan, 1.0]), ValueError,
     r"`weights` must be finite"),
    ("proxy A-distance: NaN features", lambda: adapt.proxy_a_distance(with_nan(F), F), ValueError,
     r"`F_source` must be finite"),
    ("proxy A-distance: one target row", lambda: adapt.proxy_a_distance(F, F[:1]), ValueError,
     r"`F_target` must have at least 2 rows"),
    ("proxy A-distance: different widths", lambda: adapt.proxy_a_distance(F, F[:, :3]), ValueError,
     r"same number of features per row; got 4 and 3"),
    ("importance weights: different widths", lambda: adapt.importance_weights(F, F[:, :2]), ValueError,
     r"same number of features"),
    ("importance weights: max_weight < 1", lambda: adapt.importance_weights(F, F, max_weight=0.5), ValueError,
     r"`max_weight` must be ≥ 1"),
    ("coral_transform: NaN", lambda: adapt.coral_transform(with_nan(F), F), ValueError, r"`F_source` must be finite"),
    ("coral_transform: negative eps", lambda: adapt.coral_transform(F, F, eps=-1), ValueError, r"`eps` must be ≥ 0"),
    ("coral_loss: different widths", lambda: adapt.coral_loss(torch.zeros(4, 3), torch.zeros(4, 2)), ValueError,
     r"`f_source` and `f_target` must have the same number of features"),
    ("coral_loss: an array", lambda: adapt.coral_loss(F, torch.zeros(4, 2)), TypeError, r"`f_source` must be a tensor"),
    ("mmd_loss: a 1-D batch", lambda: adapt.mmd_loss(torch.zeros(4), torch.zeros(4, 2)), ValueError,
     r"`f_source` must be a non-empty batch of features \(N, D\); got shape \(4,\)"),
    ("mmd_loss: zero scale", lambda: adapt.mmd_loss(torch.zeros(4, 2), torch.zeros(4, 2), scales=(0.0,)), ValueError,
     r"`scales` must be positive"),
    ("grad_reverse: text lambda", lambda: adapt.grad_reverse(torch.zeros(2), lam="1"), TypeError,
     r"`lam` must be a number"),
    ("DomainClassifier: no features", lambda: adapt.DomainClassifier(0), ValueError, r"`num_features` must be at "
                                                                                     r"least 1"),
    ("CoralLoss: negative weight", lambda: adapt.CoralLoss(weight=-1), ValueError, r"`weight` must be ≥ 0"),
    ("MMDLoss: zero scale", lambda: adapt.MMDLoss(scales=(1.0, 0.0)), ValueError, r"`scales` must be positive"),
    ("DomainAdversarialLoss: 3-D features", lambda: adapt.DomainAdversarialLoss(2)(torch.zeros(4, 2, 1),
                                                                                   torch.zeros(4, 2)),
     ValueError, r"`f_source` must be a non-empty batch of features \(N, D\)"),
    ("train_adapted: a weight beside a module", lambda: adapt.train_adapted(
        tiny_cnn(), (IMAGES, torch.zeros(6).long()), IMAGES, method=adapt.CoralLoss(), weight=3.0, steps=1,
        device="cpu"), ValueError, r"leave `weight` out and build the module with it, e.g. "
                                   r"CoralLoss\(\.\.\., weight=3\)"),
    ("train_adapted: a list as method", lambda: adapt.train_adapted(tiny_cnn(), (IMAGES, torch.zeros(6).long()), IMAGES,
                                                                    method=["coral"], steps=1, device="cpu"),
     ValueError, r"Unknown method \['coral'\]"),
    # adapt: models and images
    ("pseudo-labels: a percentage", lambda: adapt.confident_pseudo_labels(linear(), torch.zeros(3, 4), threshold=90,
                                                                          device="cpu"),
     ValueError, r"`threshold` must be a fraction in \[0, 1\].*percentage\? write 0\.9"),
    ("pseudo-labels: NaN images", lambda: adapt.confident_pseudo_labels(linear(), torch.full((3, 4), math.nan),
                                                                        device="cpu"),
     ValueError, r"`target_X` must be finite numbers; got NaN"),
    ("adabn: empty target", lambda: adapt.adabn(tiny_cnn(), torch.zeros(0, 1, 8, 8), device="cpu"), ValueError,
     r"`target_X` is empty"),
    ("adabn: batch_size 0", lambda: adapt.adabn(tiny_cnn(), IMAGES, batch_size=0, device="cpu"), ValueError,
     r"`batch_size` must be at least 1"),
    ("adabn: one value per channel", lambda: adapt.adabn(nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3)),
                                                         torch.zeros(1, 4), device="cpu"),
     ValueError, r"at least two target values per channel"),
    ("train_adapted: float labels", lambda: adapt.train_adapted(tiny_cnn(), (IMAGES, torch.rand(6)), IMAGES,
                                                                steps=1, device="cpu"),
     ValueError, r"labels `source\[1\]` must be whole numbers"),
    ("train_adapted: mismatched source", lambda: adapt.train_adapted(tiny_cnn(), (IMAGES, torch.zeros(5).long()),
                                                                     IMAGES, steps=1, device="cpu"),
     ValueError, r"`source\[1\]` must have one label per row of `source\[0\]` \(6\); got 5"),
    ("train_adapted: other image size", lambda: adapt.train_adapted(tiny_cnn(), (IMAGES, torch.zeros(6).long()),
                                                                    torch.rand(6, 1, 9, 9), steps=1, device="cpu"),
     ValueError, r"`source` and `target` images must have the same shape"),
    ("train_adapted: a percentage threshold", lambda: adapt.train_adapted(
        tiny_cnn(), (IMAGES, torch.zeros(6).long()), IMAGES, steps=1, pseudo_threshold=90, device="cpu"),
     ValueError, r"`pseudo_threshold` must be a fraction"),
    ("train_adapted: negative lr", lambda: adapt.train_adapted(tiny_cnn(), (IMAGES, torch.zeros(6).long()), IMAGES,
                                                               steps=1, lr=-1e-3, device="cpu"),
     ValueError, r"`lr` must be > 0"),
    ("reverse validation: not a builder", lambda: adapt.reverse_validation(linear(), torch.zeros(3, 4),
                                                                           (torch.zeros(3, 4), [0, 1, 2]), linear()),
     TypeError, r"`make_model` must be a function that builds a fresh model.*got a model, Linear"),
    ("reverse validation: float labels", lambda: adapt.reverse_validation(linear(), torch.zeros(3, 4),
                                                                          (torch.zeros(3, 4), [0, 1.5, 2]), linear),
     ValueError, r"labels `source_val\[1\]` must be whole numbers"),
    ("compare_on_pair: not a pair", lambda: adapt.compare_on_pair((IMAGES, IMAGES)), TypeError,
     r"`pair` must be a data.DomainPair.*tuple, which has no `source`"),
    ("compare_on_pair: no seeds", lambda: adapt.compare_on_pair(_pair(), seeds=()), ValueError, r"`seeds` is empty"),
    # data
    ("few-shot: float labels", lambda: data.few_shot_indices([0.5, 1.5], 1), ValueError, r"`y` must be whole"),
    ("few-shot: negative k", lambda: data.few_shot_indices([0, 1], -1), ValueError, r"`k` must be at least 0"),
    ("few-shot: fractional k", lambda: data.few_shot_indices([0, 1], 1.5), ValueError, r"`k` must be a whole number"),
    ("few-shot split: string labels", lambda: data.few_shot_split(["a", "b"], 1, 1), TypeError,
     r"`y` must be numbers; got strings"),
    ("split: negative fraction", lambda: data.split_indices(Y, (1.2, -0.2)), ValueError,
     r"`fractions` must be a fraction in \[0, 1\]"),
    ("split: percentages", lambda: data.split_indices(Y, (60, 20, 20)), ValueError, r"percentage\? write 0\.6"),
    ("resize: size 0", lambda: data.resize(IMAGES, 0), ValueError, r"`size` must be at least 1"),
    ("resize: one image without batch", lambda: data.resize(IMAGES[0], 4), ValueError, r"`X` must be a float tensor of "
                                                                                        r"images \(N, C, H, W\)"),
    ("load_digits: size 0", lambda: data.load_digits(0), ValueError, r"`size` must be at least 1"),
    ("render: n = 0", lambda: data.render_characters(0), ValueError, r"`n` must be at least 1"),
    ("render: no characters", lambda: data.render_characters(4, chars=""), ValueError, r"`chars` must be a non-empty"),
    ("render: reversed scale", lambda: data.render_characters(4, scale=(1.2, 0.8)), ValueError,
     r"`scale` must be a range \(low, high\) with low ≤ high"),
    ("texture patches: too large", lambda: data.load_texture_patches(patch=10_000), ValueError,
     r"`patch`=10000 does not fit"),
    ("picture: unknown name", lambda: data.load_picture("no such picture"), ValueError,
     r"`name` must be one of scikit-image's bundled pictures"),
    ("flip-shift: shift too large", lambda: data.random_flip_shift(IMAGES, max_shift=8), ValueError,
     r"`max_shift` must be smaller than the images"),
    ("subset: float indices", lambda: data.load_digits().subset([0.0, 1.0]), TypeError, r"`idx` must be indices"),
    # train
    ("as_loader: mismatched pair", lambda: train.as_loader((torch.zeros(5, 4), torch.zeros(4).long())), ValueError,
     r"`data\[1\]` must have one label per row of `data\[0\]` \(5\); got 4"),
    ("fit: float labels", lambda: train.fit(linear(), (torch.zeros(4, 4), torch.tensor([0.0, 0.5, 1.0, 2.0])),
                                           num_epochs=1, device="cpu"),
     ValueError, r"labels `data\[1\]` must be whole numbers.*0\.5"),
    ("fit: negative labels", lambda: train.fit(linear(), (torch.zeros(3, 4), [0, -1, 2]), num_epochs=1, device="cpu"),
     ValueError, r"labels `data\[1\]` must be class indices ≥ 0; got -1"),
    ("fit: negative epochs", lambda: train.fit(linear(), (torch.zeros(4, 4), [0, 1, 2, 0]), num_epochs=-1,
                                               device="cpu"),
     ValueError, r"`num_epochs` must be at least 0"),
    ("fit: empty data", lambda: train.fit(linear(), (torch.zeros(0, 4), []), num_epochs=1, device="cpu"), ValueError,
     r"`data\[0\]` is empty"),
    ("fit_steps: NaN inputs", lambda: train.fit_steps(linear(), torch.full((4, 4), math.nan), [0, 1, 2, 0], steps=1,
                                                      device="cpu"),
     ValueError, r"`\(X, y\)\[0\]` must be finite numbers; got NaN"),
    ("fit_steps: float labels", lambda: train.fit_steps(linear(), torch.zeros(4, 4), [0, 1.5, 2, 0], steps=1,
                                                        device="cpu"),
     ValueError, r"must be whole numbers"),
    ("fit_steps: batch_size 0", lambda: train.fit_steps(linear(), torch.zeros(4, 4), [0, 1, 2, 0], batch_size=0,
                                                        device="cpu"),
     ValueError, r"`batch_size` must be at least 1"),
    ("evaluate: labelled ImageData", lambda: train.evaluate(linear(), data.load_digits(), device="cpu"), TypeError,
     r"got ImageData \(pass `\(d.X, d.y\)` or `d.dataset\(\)`\)"),
    ("evaluate: NaN inputs", lambda: train.evaluate(linear(), (torch.full((2, 4), math.nan), [0, 1]), device="cpu"),
     ValueError, r"must be finite numbers; got NaN"),
    ("predict: empty", lambda: train.predict(linear(), torch.zeros(0, 4), device="cpu"), ValueError,
     r"`data` is empty"),
    ("linear_probe: float labels", lambda: train.linear_probe(F, Y + 0.5), ValueError, r"`y_train` must be whole"),
    ("linear_probe: validation features without labels", lambda: train.linear_probe(F, Y, F), ValueError,
     r"Give both `F_val` and `y_val`"),
    ("linear_probe: NaN validation features", lambda: train.linear_probe(F, Y, with_nan(F), Y), ValueError,
     r"`F_val` must be finite"),
    ("history: a percentage", lambda: train.History(val_acc=[0.5]).epochs_to_reach(90), ValueError,
     r"`acc` must be a fraction in \[0, 1\].*percentage\? write 0\.9"),
    ("history: unknown split", lambda: train.History(val_acc=[0.5]).epochs_to_reach(0.5, "test"), ValueError,
     r"`split` must be one of 'train', 'val'"),
    ("layer features: a foreign layer", lambda: train.extract_layer_features(linear(), torch.zeros(2, 4),
                                                                             {"x": nn.Linear(4, 4)}, device="cpu"),
     ValueError, r"`layers\['x'\]` must be a module inside `model`"),
]


@pytest.mark.parametrize("call, error, words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_gives_one_clear_sentence(call, error, words):
    with pytest.raises(error, match=words) as raised:
        call()
    message = str(raised.value)
    one_sentence = message.replace("e.g. ", "").count(". ") == 0 and message.endswith((".", ")"))
    assert one_sentence, f"not one sentence: {message!r}"
    assert "`" in message or message.startswith(("Give", "AdaBN")), f"the argument is not named: {message!r}"


@pytest.mark.parametrize("convert", [list, np.asarray, torch.tensor], ids=["list", "array", "tensor"])
def test_every_accepted_form_gives_the_same_score(convert):
    """Lists, arrays and tensors keep working; integer-valued float labels (1.0) count as class indices."""
    probs = rng.dirichlet(np.ones(3), size=12)
    labels = convert(Y.tolist())
    assert tr.logme(convert(F.tolist()), labels) == pytest.approx(tr.logme(F, Y))
    assert tr.leep(convert(probs.tolist()), labels) == pytest.approx(tr.leep(probs, Y))
    assert tr.nce(labels, convert(Y.astype(float).tolist())) == pytest.approx(tr.nce(Y, Y))
    assert tr.h_score(convert(F.tolist()), labels) == pytest.approx(tr.h_score(F, Y))
    assert adapt.importance_weighted_accuracy(convert([1, 0, 1]), convert([1.0, 2.0, 1.0]))[0] == pytest.approx(0.5)
    assert len(data.few_shot_indices(labels, 2)) == 6
    assert tr.leep(probs, Y - 1) == pytest.approx(tr.leep(probs, Y))       # any whole numbers name the classes


def test_leep_accepts_a_float32_softmax():
    logits = torch.randn(12, 5, generator=torch.Generator().manual_seed(0))
    assert np.isfinite(tr.leep(logits.softmax(1), torch.as_tensor(Y)))


def test_checks_accept_numpy_and_tensor_scalars():
    assert checks.whole(np.int64(3), "k") == 3 and checks.whole(torch.tensor(3), "k") == 3
    assert checks.fraction(np.float32(0.5), "p") == 0.5 and checks.fraction(torch.tensor(0.25), "p") == 0.25
    with pytest.raises(TypeError, match="`k` must be a whole number; got bool"):
        checks.whole(True, "k")


def test_training_inputs_keep_their_dtype_and_labels_come_back_as_long():
    loader = train.as_loader((torch.arange(6).view(3, 2), torch.tensor([0.0, 1.0, 2.0])))
    X, y = next(iter(loader))
    assert X.dtype == torch.int64 and y.dtype == torch.int64 and y.tolist() == [0, 1, 2]
