"""Training plumbing: fit / evaluate / predict / extract_features, history, early stopping."""

import copy
import sys

import numpy as np
import pytest
import torch
from torch import nn

from tl_course import models, runtime, train
from tl_course.train import as_loader, evaluate, extract_features, fit, predict


def blobs(n=200, seed=0):
    """Two well-separated Gaussian blobs in 5-D."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    X = rng.normal(size=(n, 5)) + 3 * y[:, None]
    return torch.tensor(X, dtype=torch.float32), torch.tensor(y)


def test_fit_learns_and_records_history():
    runtime.seed_everything(0)
    X, y = blobs()
    model = nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Linear(16, 2))
    h = fit(model, (X, y), (X, y), num_epochs=20, lr=1e-2, progress=False, device="cpu")
    assert h.num_epochs == 20 and len(h.val_acc) == 20 and len(h.epoch_time) == 20
    assert h.train_loss[-1] < h.train_loss[0]
    assert evaluate(model, (X, y), device="cpu")["acc"] > 0.95
    assert 0 <= h.val_acc[-1] <= 1 and h.wall_time > 0
    assert h.epochs_to_reach(0.9) is not None and train.History(val_acc=[0.5, 0.7]).time_to_reach(0.8) is None


def test_predict_and_features_shapes():
    X, y = blobs(50)
    model = nn.Linear(5, 3)
    assert predict(model, X, device="cpu").shape == (50,)
    probs = predict(model, (X, y), probs=True, device="cpu")
    assert probs.shape == (50, 3) and torch.allclose(probs.sum(1), torch.ones(50))
    assert extract_features(model, X, device="cpu").shape == (50, 3)


def test_early_stopping_restores_best_weights():
    runtime.seed_everything(0)
    X, y = blobs(100)
    Xv, yv = X.clone(), 1 - y  # validation labels flipped: val loss gets worse as training improves
    model = nn.Linear(5, 2)
    h = fit(model, (X, y), (Xv, yv), num_epochs=30, lr=5e-2, patience=2, progress=False, device="cpu")
    assert h.num_epochs < 30
    best = evaluate(model, (Xv, yv), device="cpu")["loss"]
    assert best == pytest.approx(min(h.val_loss), rel=1e-4)


def test_fit_augments_training_batches_only():
    X, y = blobs(40)
    seen = []

    def augment(Xb, gen):
        seen.append(len(Xb))
        return -Xb  # mirrored blobs: a model trained on them cannot separate the clean ones

    model = nn.Linear(5, 2)
    h = fit(model, (X, y), (X, y), num_epochs=15, lr=5e-2, batch_size=16, augment=augment, seed=0,
            progress=False, device="cpu")
    assert seen[:3] == [16, 16, 8] and len(seen) == 15 * 3  # every training batch, never validation
    assert h.train_acc[-1] > 0.95 and h.val_acc[-1] < 0.7


def test_history_is_the_size_weighted_mean_of_the_batch_losses_to_the_last_bit():
    X, y = blobs(40)
    batches = []

    def loss_fn(logits, target):
        loss = nn.functional.cross_entropy(logits, target)
        batches.append((loss.item(), len(target), (logits.argmax(1) == target).sum().item()))
        return loss

    torch.manual_seed(0)
    h = fit(nn.Linear(5, 2), (X, y), num_epochs=1, batch_size=16, loss_fn=loss_fn, progress=False, device="cpu")
    assert [n for _, n, _ in batches] == [16, 16, 8]
    total = 0.0
    for loss, n, _ in batches:          # the order a Python float sum of `.item()` per batch used
        total += loss * n
    assert h.train_loss == [total / 40] and h.train_acc == [sum(c for _, _, c in batches) / 40]


def _host_reads_from(module_file, monkeypatch):
    """Count the calls in `module_file` that copy a tensor's value to Python (each one waits for a GPU)."""
    calls = []
    for name in ("item", "tolist", "__float__", "__int__", "__bool__", "cpu", "numpy"):
        original = getattr(torch.Tensor, name)

        def counted(self, *args, _original=original, **kwargs):
            if sys._getframe(1).f_code.co_filename == module_file:
                calls.append(1)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(torch.Tensor, name, counted)
    return calls


def test_fit_reads_losses_from_the_device_once_per_pass_not_once_per_batch(monkeypatch):
    X, y = blobs(64)
    counts = []
    for batch_size in (32, 4):                      # 2 and 16 batches per epoch
        calls = _host_reads_from(train.__file__, monkeypatch)
        model = nn.Linear(5, 2)
        fit(model, (X, y), (X, y), num_epochs=2, batch_size=batch_size, optimizer=torch.optim.SGD(model.parameters()),
            progress=False, device="cpu")
        counts.append(len(calls))
        monkeypatch.undo()
    assert counts[0] == counts[1] > 0, f"host reads with 2 and 16 batches per epoch: {counts}"


def test_batches_are_pinned_for_a_cuda_device_only_when_they_live_on_the_cpu():
    X, y = blobs(8)
    assert train._pins("cuda") and train._pins(torch.device("cuda", 0)) and not train._pins("cpu")
    assert as_loader((X, y), pin_memory=True).pin_memory and not as_loader((X, y)).pin_memory
    assert not as_loader(torch.utils.data.StackDataset(X, y), pin_memory=True).pin_memory   # not known to be on the CPU


def test_fit_refuses_fully_frozen_model():
    model = nn.Linear(5, 2).requires_grad_(False)
    with pytest.raises(ValueError, match="frozen"):
        fit(model, blobs(20), num_epochs=1, progress=False, device="cpu")


def test_as_loader_rejects_unknown_input():
    with pytest.raises(TypeError, match="DataLoader"):
        as_loader(42)


def test_fit_steps_keeps_the_best_validation_weights():
    torch.manual_seed(0)
    X = torch.randn(40, 1, 8, 8)
    y = (X.mean((1, 2, 3)) > 0).long()
    model = models.SmallCNN(2, width=4)
    result = train.fit_steps(model, X[:20], y[:20], val=(X[20:], y[20:]), steps=60, lr=1e-2, eval_every=10,
                             augment=lambda Xb, g: Xb, progress=False)
    assert [s for s, _ in result["curve"]] == [10, 20, 30, 40, 50, 60]
    assert result["val_acc"] == max(a for _, a in result["curve"])
    assert train.evaluate(model, (X[20:], y[20:]))["acc"] == pytest.approx(result["val_acc"])


def test_fit_steps_refuses_a_fully_frozen_model():
    model = models.freeze(models.SmallCNN(2, width=4))
    for p in model.head.parameters():
        p.requires_grad_(False)
    with pytest.raises(ValueError, match="frozen"):
        train.fit_steps(model, torch.zeros(4, 1, 8, 8), torch.zeros(4).long(), steps=1)


def test_linear_probe_picks_c_on_validation_and_scores_raw_features():
    rng = np.random.default_rng(0)
    F = rng.normal(size=(200, 5))
    y = (F[:, 0] > 0).astype(int)
    probe = train.linear_probe(F[:100] * 7.0, y[:100], F[100:150], y[100:150], Cs=(1e-4, 10.0))
    assert probe[-1].C == 10.0  # the tiny C cannot separate the classes; validation says so
    assert probe.score(F[150:], y[150:]) > 0.9  # raw (unnormalised) features go straight in
    assert train.linear_probe(F[:100], y[:100], Cs=(0.1, 1.0, 10.0))[-1].C == 1.0


def test_linear_probe_class_weight_balanced_finds_more_of_a_rare_class():
    rng = np.random.default_rng(1)
    y = (rng.random(600) < 0.05).astype(int)                      # 5 % positives, overlapping classes
    F = rng.normal(size=(600, 4)) + 1.2 * y[:, None]
    plain = train.linear_probe(F[:300], y[:300], Cs=(1.0,))
    weighted = train.linear_probe(F[:300], y[:300], Cs=(1.0,), class_weight="balanced")
    assert weighted[-1].class_weight == "balanced" and plain[-1].class_weight is None
    found = {name: (probe.predict(F[300:])[y[300:] == 1] == 1).mean() for name, probe in
             (("plain", plain), ("weighted", weighted))}
    assert found["weighted"] >= found["plain"] + 0.3, found


def test_logits_are_the_raw_scores_before_the_softmax():
    model = nn.Linear(3, 4)
    X = torch.randn(10, 3)
    z = train.logits(model, X, batch_size=4)
    assert torch.allclose(z, model(X).detach(), atol=1e-6)
    assert torch.allclose(z.softmax(1), predict(model, X, probs=True), atol=1e-6)


def test_extract_layer_features_pools_each_layer_and_removes_its_hooks():
    model = models.SmallCNN(3, width=4)
    X = torch.rand(10, 1, 8, 8)
    layers = {"first": model.features[0], "last": model.features[4]}
    feats = train.extract_layer_features(model, X, layers, batch_size=4)
    assert feats["first"].shape == (10, 4) and feats["last"].shape == (10, 16)
    with torch.no_grad():
        model.eval()
        assert torch.allclose(feats["last"], model.features(X), atol=1e-6)  # block 4's pooled output = features
    assert not model.features[0]._forward_hooks


def test_conv_nets_run_channels_last_on_the_cpu_with_the_same_numbers():
    """`_place` stores conv weights NHWC on a CPU (faster there); outputs and training agree with NCHW."""
    X = torch.rand(16, 1, 8, 8)
    with runtime.seeded(0):
        model = models.SmallCNN(num_classes=3, width=8)
    reference = copy.deepcopy(model).eval()
    expected = reference(X)
    out = train.predict(model, X, probs=True)
    assert model.features[0][0].weight.is_contiguous(memory_format=torch.channels_last)
    assert torch.allclose(out, expected.softmax(1), atol=1e-5)
    y = torch.randint(0, 3, (16,))
    trained = [copy.deepcopy(reference), copy.deepcopy(reference)]
    train.fit_steps(trained[0], X, y, steps=20, seed=0, progress=False)
    reference_state = trained[1]
    optimizer = torch.optim.Adam(reference_state.parameters(), lr=1e-3)       # the same 20 steps, NCHW throughout
    gen = torch.Generator().manual_seed(0)
    for _ in range(20):
        reference_state.train()
        batch = torch.randint(0, 16, (32,), generator=gen)
        loss = torch.nn.functional.cross_entropy(reference_state(X[batch]), y[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    for a, b in zip(trained[0].state_dict().values(), reference_state.state_dict().values()):
        assert torch.allclose(a.float(), b.float(), atol=1e-4)


def _digits_split(seed=0):
    from tl_course import data

    digits = data.load_digits()
    tr, va, _ = data.few_shot_split(digits.y, 2, test_per_class=5, val_per_class=3, seed=seed)
    return digits.subset(tr), digits.subset(va)


def test_fine_tune_is_the_lesson_04_lines():
    """The recipe: a seeded new head, freeze the first blocks, fit_steps with the best validation step kept."""
    train_set, val_set = _digits_split()
    by_hand = models.load_pretrained("cnn-printed-digits")
    with runtime.seeded(3):
        models.replace_head(by_hand, num_classes=10)
    models.freeze(by_hand, up_to=1)
    expected = train.fit_steps(by_hand, train_set.X, train_set.y, val=(val_set.X, val_set.y), steps=30, lr=1e-3,
                               seed=3, progress=False)
    recipe = models.load_pretrained("cnn-printed-digits")
    got = train.fine_tune(recipe, train_set, (val_set.X, val_set.y), num_classes=10, freeze_up_to=1, steps=30, seed=3,
                          progress=False)
    assert got == expected
    assert all(torch.equal(a, b) for a, b in zip(recipe.state_dict().values(), by_hand.state_dict().values()))
    assert not any(p.requires_grad for p in models.blocks(recipe)[0].parameters())


def test_fine_tune_head_first_and_discriminative_rates():
    train_set, val_set = _digits_split()
    source = models.load_pretrained("cnn-printed-digits")
    lp_ft = copy.deepcopy(source)
    train.fine_tune(lp_ft, train_set, num_classes=10, steps=10, head_first=9, lr=1e-3, seed=0, progress=False)
    # after the head-only stage every block trains again
    assert all(p.requires_grad for p in lp_ft.parameters())
    gentle = copy.deepcopy(source)
    train.fine_tune(gentle, train_set, val_set, num_classes=10, steps=20, lr=1e-2, lr_mult=100, seed=0, progress=False)
    plain = copy.deepcopy(source)
    train.fine_tune(plain, train_set, val_set, num_classes=10, steps=20, lr=1e-2, seed=0, progress=False)
    moved = lambda m: sum(float((a - b).detach().norm()) for a, b in zip(m.features[0].parameters(),
                                                                   source.features[0].parameters()))
    assert moved(gentle) < moved(plain) / 10, "the first block's rate is lr / lr_mult**3 with discriminative rates"
    with pytest.raises(ValueError, match="fewer than `steps`"):
        train.fine_tune(copy.deepcopy(source), train_set, steps=10, head_first=10)
    with pytest.raises(TypeError, match="ImageData"):
        train.fine_tune(copy.deepcopy(source), train_set.X, steps=10)


def test_fit_steps_objective_replaces_the_loss_and_sees_the_rows_drawn():
    X, y = torch.rand(30, 1, 8, 8), torch.randint(0, 10, (30,))
    seen = []

    def cross_entropy(model, Xb, yb, batch):
        seen.append(batch.clone())
        assert torch.equal(yb, y[batch])
        return torch.nn.functional.cross_entropy(model(Xb), yb)

    torch.manual_seed(0)
    a = models.SmallCNN(10, width=8)
    b = copy.deepcopy(a)
    train.fit_steps(a, X, y, steps=4, batch_size=8, seed=3, device="cpu")
    train.fit_steps(b, X, y, steps=4, batch_size=8, seed=3, device="cpu", objective=cross_entropy)
    assert len(seen) == 4 and all(len(s) == 8 for s in seen)
    assert all(torch.equal(p, q) for p, q in zip(a.state_dict().values(), b.state_dict().values()))
