"""Domain adaptation building blocks: each against a case whose answer is known."""

import copy

import numpy as np
import pytest
import torch
from torch import nn

from tl_course import adapt, data, models


def gaussian(n, d=4, shift=0.0, scale=1.0, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(n, d, generator=gen) * scale + shift


def test_coral_loss_is_zero_for_equal_statistics_and_ignores_order():
    fs = gaussian(50)
    assert float(adapt.coral_loss(fs, fs)) == pytest.approx(0.0, abs=1e-10)
    assert float(adapt.coral_loss(fs, fs + 3.0)) == pytest.approx(0.0, abs=1e-6)   # means do not matter, covariances do
    ft = gaussian(60, scale=2.0, seed=1)
    perm = torch.randperm(60, generator=torch.Generator().manual_seed(0))
    assert float(adapt.coral_loss(fs, ft)) == pytest.approx(float(adapt.coral_loss(fs, ft[perm])), rel=1e-5)
    assert float(adapt.coral_loss(fs, ft)) > 0.01


def test_coral_loss_matches_its_formula_on_a_hand_case():
    fs = torch.tensor([[1.0, 0.0], [-1.0, 0.0]])      # covariance diag(2, 0)
    ft = torch.tensor([[0.0, 1.0], [0.0, -1.0]])      # covariance diag(0, 2)
    assert float(adapt.coral_loss(fs, ft)) == pytest.approx((4 + 4) / (4 * 2 * 2))


def test_coral_transform_gives_the_source_the_target_covariance():
    fs, ft = gaussian(2000, seed=0), gaussian(2000, scale=3.0, seed=1) @ torch.tensor(
        [[1.0, 0.5, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]])
    out = adapt.coral_transform(fs, ft, eps=1e-6)
    cov = lambda f: torch.cov(f.T.double())
    assert torch.allclose(cov(out), cov(ft), rtol=0.1, atol=0.3)
    assert not torch.allclose(cov(fs), cov(ft), rtol=0.1, atol=0.3)


def test_mmd_is_zero_for_the_same_sample_and_grows_with_the_shift():
    fs = gaussian(64)
    assert float(adapt.mmd_loss(fs, fs)) == pytest.approx(0.0, abs=1e-6)
    near, far = adapt.mmd_loss(fs, gaussian(64, shift=0.5, seed=1)), adapt.mmd_loss(fs, gaussian(64, shift=3.0, seed=1))
    assert 0 < float(near) < float(far)


def test_gradient_reversal_flips_the_sign_and_scales_by_lambda():
    x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = adapt.grad_reverse(x, lam=0.5)
    assert torch.equal(y, x.detach())
    (y * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert torch.allclose(x.grad, torch.tensor([-0.5, -1.0, -1.5]))


@pytest.mark.parametrize("step, steps", [(None, None), (0, 10), (3, 10), (10, 10)])
def test_dann_backbone_receives_minus_lambda_times_the_critics_gradient(step, steps):
    """The mechanism, not the outcome: the critic learns its own loss; the backbone gets −λ × its gradient."""
    backbone = nn.Linear(3, 5)
    xs, xt = gaussian(8, d=3, seed=0), gaussian(6, d=3, shift=1.0, seed=1)
    dann = adapt.DomainAdversarialLoss(5, weight=0.3, seed=0)
    lam = dann.lam(step, steps)
    assert lam == pytest.approx(0.3 * (1.0 if step is None else adapt.adversarial_ramp(step, steps)))

    def gradients(loss_of_features):
        backbone.zero_grad()
        dann.zero_grad()
        feats = backbone(torch.cat([xs, xt]))
        feats.retain_grad()
        loss_of_features(feats[:8], feats[8:]).backward()
        return feats.grad, backbone.weight.grad.clone(), [p.grad.clone() for p in dann.critic.parameters()]

    reversed_ = gradients(lambda fs, ft: dann(fs, ft, step=step, steps=steps))
    plain = gradients(lambda fs, ft: nn.functional.binary_cross_entropy_with_logits(    # the critic, no reversal
        dann.critic.net(torch.cat([fs, ft])).squeeze(1), torch.cat([torch.zeros(8), torch.ones(6)])))
    assert plain[0].abs().max() > 1e-3                                   # the critic's gradient is not trivially 0
    assert torch.allclose(reversed_[0], -lam * plain[0], atol=1e-7)     # features: reversed, scaled by λ
    assert torch.allclose(reversed_[1], -lam * plain[1], atol=1e-7)     # backbone weights: the same
    for got, want in zip(reversed_[2], plain[2]):                       # critic: its own gradient, unscaled
        assert torch.equal(got, want)
    assert dann.scale == 1.0                                            # the weight acts inside the reversal only


def test_adversarial_ramp_rises_from_0_to_nearly_1():
    ramp = [adapt.adversarial_ramp(step, 100) for step in range(101)]
    assert ramp[0] == 0.0 and ramp[100] == pytest.approx(0.99991, abs=1e-5)
    assert all(a < b for a, b in zip(ramp, ramp[1:]))
    assert ramp[10] == pytest.approx(2 / (1 + np.exp(-1)) - 1)


def test_loss_modules_compute_the_package_losses():
    fs, ft = gaussian(32, d=6, seed=0), gaussian(24, d=6, scale=2.0, shift=1.0, seed=1)   # batches of unequal size
    coral, mmd = adapt.CoralLoss(weight=3.0), adapt.MMDLoss(weight=0.5, scales=(1.0, 2.0))
    assert torch.equal(coral(fs, ft), adapt.coral_loss(fs, ft)) and coral.scale == 3.0
    assert torch.equal(mmd(fs, ft, step=5, steps=10), adapt.mmd_loss(fs, ft, (1.0, 2.0))) and mmd.scale == 0.5
    assert float(coral(fs, fs)) == pytest.approx(0.0, abs=1e-10)
    assert float(mmd(fs, fs)) == pytest.approx(0.0, abs=1e-6) and float(mmd(fs, ft)) > 0.01
    dann = adapt.DomainAdversarialLoss(6, seed=0)
    loss = dann(fs, ft)
    assert loss.shape == () and 0.1 < float(loss.detach()) < 2.0
    assert all(p.requires_grad for p in dann.parameters()) and len(list(dann.parameters())) == 4


def test_the_critic_depends_on_its_seed_alone():
    torch.manual_seed(1)
    first = adapt.DomainAdversarialLoss(6, seed=4)
    torch.manual_seed(2)
    again, other = adapt.DomainAdversarialLoss(6, seed=4), adapt.DomainAdversarialLoss(6, seed=5)
    assert all(torch.equal(a, b) for a, b in zip(first.parameters(), again.parameters()))
    assert not torch.equal(first.critic.net[0].weight, other.critic.net[0].weight)


@pytest.mark.parametrize("loss", [adapt.CoralLoss(), adapt.MMDLoss(), adapt.DomainAdversarialLoss(4)],
                         ids=["coral", "mmd", "dann"])
@pytest.mark.parametrize("f_source, f_target, error, words", [
    (torch.zeros(4, 4, 1), torch.zeros(4, 4), ValueError,
     r"^`f_source` must be a non-empty batch of features \(N, D\); got shape \(4, 4, 1\)\.$"),
    (torch.zeros(4, 4), torch.zeros(0, 4), ValueError, r"^`f_target` must be a non-empty batch"),
    (torch.zeros(4, 4), torch.zeros(4, 3), ValueError,
     r"^`f_source` and `f_target` must have the same number of features per row; got 4 and 3\.$"),
    (np.zeros((4, 4)), torch.zeros(4, 4), TypeError,
     r"^`f_source` must be a tensor of features \(N, D\); got ndarray\.$"),
], ids=["3-D", "empty", "widths", "array"])
def test_loss_modules_refuse_bad_shapes_in_one_sentence(loss, f_source, f_target, error, words):
    with pytest.raises(error, match=words):
        loss(f_source, f_target)


def test_adabn_changes_only_batchnorm_buffers_to_the_target_statistics():
    torch.manual_seed(0)
    model = models.SmallCNN(10)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    target = torch.rand(64, 1, 8, 8) * 0.5 + 0.5
    adapt.adabn(model, target, batch_size=24, device="cpu")   # batches of 24, 24, 16: weighted by size
    after = model.state_dict()
    changed = {k for k in before if not torch.equal(before[k], after[k])}
    assert changed and all("running_" in k or "num_batches" in k for k in changed)
    first_bn = model.features[0][1]
    conv_out = model.features[0][0](target)
    assert torch.allclose(first_bn.running_mean, conv_out.mean((0, 2, 3)), atol=1e-5)
    assert not model.training and first_bn.momentum == 0.1


def _bn_inputs_exactly(model, X):
    """Reference AdaBN by brute force: one big batch per BatchNorm layer, earlier layers already set (in order)."""
    reference = copy.deepcopy(model).eval()
    stats = []
    for bn in [m for m in reference.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]:
        seen = []
        handle = bn.register_forward_pre_hook(lambda module, inputs: seen.append(inputs[0].double()))
        with torch.no_grad():
            reference(X)
        handle.remove()
        dims = [0, *range(2, seen[0].dim())]
        mean, var = seen[0].mean(dims), seen[0].var(dims)            # unbiased, as BatchNorm stores running_var
        bn.running_mean.copy_(mean)
        bn.running_var.copy_(var)
        stats.append((mean, var))
    return stats


def _bn_stats(model):
    return [(m.running_mean.double(), m.running_var.double()) for m in model.modules()
            if isinstance(m, nn.modules.batchnorm._BatchNorm)]


def test_adabn_stores_the_exact_statistics_of_a_class_sorted_target_whatever_the_batches():
    digits = data.load_digits()
    X = digits.X[torch.argsort(digits.y, stable=True)][:700]          # sorted by class: batches differ a lot
    source = models.load_pretrained("cnn-printed-digits")
    want = _bn_inputs_exactly(source, X)
    shuffled = X[torch.randperm(len(X), generator=torch.Generator().manual_seed(0))]
    for images, batch_size in ((X, 256), (X, 100), (X, 699), (shuffled, 64)):     # unequal batches, last one short
        got = _bn_stats(adapt.adabn(copy.deepcopy(source), images, batch_size=batch_size, device="cpu"))
        for (mean, var), (want_mean, want_var) in zip(got, want):
            assert torch.allclose(mean, want_mean, rtol=1e-4, atol=1e-5)
            assert torch.allclose(var, want_var, rtol=1e-4, atol=1e-6)


def test_adabn_on_a_batchnorm1d_model_with_a_last_batch_of_one_image():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 4), nn.BatchNorm1d(4))
    model[1].momentum = 0.3
    X = torch.randn(9, 3) * 2 + 1
    adapt.adabn(model, X, batch_size=4, device="cpu")                  # batches of 4, 4 and 1: no crash
    for (mean, var), (want_mean, want_var) in zip(_bn_stats(model), _bn_inputs_exactly(model, X)):
        assert torch.allclose(mean, want_mean, atol=1e-5) and torch.allclose(var, want_var, rtol=1e-4)
    assert not model.training and model[1].momentum == 0.3 and model[4].momentum == 0.1


def test_adabn_of_an_empty_target_is_an_error_not_a_reset():
    model = models.SmallCNN(10)
    before = copy.deepcopy(model.state_dict())
    with pytest.raises(ValueError, match="`target_X` is empty"):
        adapt.adabn(model, torch.zeros(0, 1, 8, 8), device="cpu")
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


def test_proxy_a_distance_separates_same_from_different_domains():
    same = adapt.proxy_a_distance(gaussian(200, seed=0), gaussian(200, seed=1))
    apart = adapt.proxy_a_distance(gaussian(200, seed=0), gaussian(200, shift=4.0, seed=1))
    assert same < 0.5 and apart > 1.8


@pytest.mark.parametrize("n_source, n_target", [(900, 100), (100, 900), (500, 797)])
def test_proxy_a_distance_balances_domains_of_unequal_size(n_source, n_target):
    """One distribution sampled twice scores ≈ 0 whatever the sizes (it scored 1.63 at 900 vs 100 unbalanced)."""
    same = [adapt.proxy_a_distance(gaussian(n_source, d=16, seed=s), gaussian(n_target, d=16, seed=s + 100), seed=s)
            for s in range(3)]
    apart = adapt.proxy_a_distance(gaussian(n_source, d=16, seed=0), gaussian(n_target, d=16, shift=2.0, seed=1))
    assert np.mean(same) < 0.3 and apart > 1.9


def test_confident_pseudo_labels_keep_only_sure_predictions():
    model = nn.Linear(2, 2)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[10.0, 0.0], [0.0, 10.0]]))
        model.bias.zero_()
    X = torch.tensor([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    idx, labels = adapt.confident_pseudo_labels(model, X, threshold=0.9, device="cpu")
    assert idx.tolist() == [0, 1] and labels.tolist() == [0, 1]


@pytest.mark.parametrize("method", [None, "coral", "mmd", "dann"])
def test_train_adapted_runs_every_method(method):
    source = data.render_characters(64, seed=0, digits_format=True)
    target = data.load_digits().subset(torch.arange(64))
    torch.manual_seed(0)
    model = models.SmallCNN(10)
    history = adapt.train_adapted(model, (source.X, source.y), target.unlabelled(), method=method, steps=6,
                                  batch_size=16, pseudo_threshold=0.0, pseudo_from=3, device="cpu", progress=False)
    assert len(history["class_loss"]) == 6 and np.isfinite(history["class_loss"]).all()
    assert (method is None) == (max(history["align_loss"]) == 0)


def test_train_adapted_returns_a_history_that_also_reads_like_the_old_dict():
    source = data.render_characters(32, seed=0, digits_format=True)
    target = data.load_digits().subset(torch.arange(32)).unlabelled()
    torch.manual_seed(0)
    history = adapt.train_adapted(models.SmallCNN(10, width=4), (source.X, source.y), target, method="coral", steps=3,
                                  batch_size=8, device="cpu", progress=False)
    assert isinstance(history, adapt.AdaptHistory)
    assert history["class_loss"] is history.class_loss and history["align_loss"] is history.align_loss
    assert len(history.class_loss) == len(history.align_loss) == 3
    with pytest.raises(KeyError, match="'class_loss' and 'align_loss'"):
        history["loss"]


@pytest.mark.parametrize("name, weight, module", [
    ("coral", 3.0, lambda num_features, seed: adapt.CoralLoss(weight=3.0)),
    ("mmd", 0.5, lambda num_features, seed: adapt.MMDLoss(weight=0.5)),
    ("dann", 0.3, lambda num_features, seed: adapt.DomainAdversarialLoss(num_features, weight=0.3, seed=seed)),
])
def test_a_loss_module_as_method_trains_exactly_as_its_name(name, weight, module):
    source = data.render_characters(32, seed=0, digits_format=True)
    target = data.load_digits().subset(torch.arange(32)).unlabelled()
    runs = []
    for method in (name, module(16, 2)):
        torch.manual_seed(0)
        model = models.SmallCNN(10, width=4)
        history = adapt.train_adapted(model, (source.X, source.y), target, method=method,
                                      weight=weight if isinstance(method, str) else 1.0, steps=4, batch_size=8, seed=2,
                                      device="cpu", progress=False)
        runs.append((history, model.state_dict()))
    (h1, s1), (h2, s2) = runs
    assert h1 == h2 and all(torch.equal(s1[k], s2[k]) for k in s1)


def test_adaptation_cannot_receive_target_labels():
    source = data.render_characters(16, seed=0, digits_format=True)
    target = data.load_digits().subset(torch.arange(16))
    model = models.SmallCNN(10)
    for leaky in (target, (target.X, target.y), [target.X, target.y]):
        with pytest.raises(TypeError, match="must not see target labels"):
            adapt.train_adapted(model, (source.X, source.y), leaky, steps=1, device="cpu", progress=False)
        with pytest.raises(TypeError, match="must not see target labels"):
            adapt.adabn(model, leaky, device="cpu")
    with pytest.raises(ValueError, match="Unknown method"):
        adapt.train_adapted(model, (source.X, source.y), target.X, method="magic", steps=1, device="cpu")


def test_dann_does_not_depend_on_the_global_random_state():
    source = data.render_characters(64, seed=0, digits_format=True)
    target = data.load_digits().subset(torch.arange(64)).unlabelled()
    runs = []
    for global_seed in (1, 2):
        torch.manual_seed(0)
        model = models.SmallCNN(10)
        torch.manual_seed(global_seed)               # whatever ran before must not change the result
        adapt.train_adapted(model, (source.X, source.y), target, method="dann", steps=5, batch_size=16,
                            seed=3, device="cpu", progress=False)
        runs.append(model.head.weight.detach().clone())
    assert torch.equal(runs[0], runs[1])


def test_importance_weighted_accuracy_recovers_the_target_accuracy_under_covariate_shift():
    # 1-D source N(0, 1), target N(1, 1); the "model" is right exactly when x > 0.5.
    # Source accuracy is P(N(0,1) > 0.5) = 0.309, target accuracy P(N(1,1) > 0.5) = 0.691.
    Fs, Ft = gaussian(4000, d=1, seed=1), gaussian(4000, d=1, shift=1.0, seed=2)
    correct = (Fs[:, 0] > 0.5).numpy()
    w = adapt.importance_weights(Fs, Ft)
    assert w.mean() == pytest.approx(1.0)
    true_ratio = np.exp(Fs[:, 0].numpy() - 0.5)      # N(1,1) / N(0,1) density ratio
    assert np.corrcoef(w, true_ratio)[0, 1] > 0.95
    estimate, ess = adapt.importance_weighted_accuracy(correct, w)
    assert correct.mean() == pytest.approx(0.309, abs=0.03)
    assert estimate == pytest.approx(0.691, abs=0.04)
    assert 0.2 * len(Fs) < ess < 0.8 * len(Fs)


def test_effective_sample_size_collapses_when_the_domains_do_not_overlap():
    same = adapt.importance_weights(gaussian(1000, seed=1), gaussian(1000, seed=2))
    apart = adapt.importance_weights(gaussian(1000, seed=1), gaussian(1000, shift=2.0, seed=2))
    ones = np.ones(1000)
    assert adapt.importance_weighted_accuracy(ones, same)[1] > 800          # nearly every sample counts
    assert adapt.importance_weighted_accuracy(ones, apart)[1] < 50          # a handful carry the estimate
    assert adapt.importance_weighted_accuracy([1, 0], [3.0, 1.0]) == (0.75, pytest.approx(1.6))


def test_reverse_validation_rewards_pseudo_labels_consistent_with_the_source():
    torch.manual_seed(0)
    X = torch.cat([gaussian(200, d=2, shift=-2.0, seed=1), gaussian(200, d=2, shift=2.0, seed=2)])
    y = torch.cat([torch.zeros(200), torch.ones(200)]).long()
    right = nn.Linear(2, 2)
    with torch.no_grad():
        right.weight.copy_(torch.tensor([[-1.0, -1.0], [1.0, 1.0]]))
        right.bias.zero_()
    flipped = nn.Linear(2, 2)
    with torch.no_grad():
        flipped.weight.copy_(-right.weight)
        flipped.bias.zero_()
    make = lambda: nn.Linear(2, 2)  # noqa: E731
    target = X + 0.5                                                    # shifted, unlabelled
    good = adapt.reverse_validation(right, target, (X, y), make, steps=100, lr=0.05)
    bad = adapt.reverse_validation(flipped, target, (X, y), make, steps=100, lr=0.05)
    assert good > 0.95 and bad < 0.05
    with pytest.raises(TypeError, match="must not see target labels"):
        adapt.reverse_validation(right, (target, y), (X, y), make)


def _small_pair(seed=0):
    """Lesson 05's pair with a 200-image pool and 2 dev images per class: quick to train on."""
    return data.printed_to_handwritten(seed, pool=200, dev_per_class=2)


def _spy_on(monkeypatch, name):
    """Record the keyword arguments of every call to `adapt.<name>` (then make the real call)."""
    calls, real = [], getattr(adapt, name)

    def spy(model, *args, **kwargs):
        calls.append(kwargs)
        return real(model, *args, **kwargs)

    monkeypatch.setattr(adapt, name, spy)
    return calls


def test_compare_on_pair_runs_every_method_on_the_same_seeds_without_target_labels(monkeypatch):
    digits = data.load_digits()
    pool, rest = digits.subset(torch.arange(200)), digits.subset(torch.arange(200, len(digits)))
    pair = data.DomainPair(source=data.render_characters(200, seed=0, digits_format=True),
                           source_val=data.render_characters(50, seed=1, digits_format=True),
                           target_pool=pool.unlabelled(), target_dev=rest.subset(data.few_shot_indices(rest.y, 2)),
                           target_test=rest, target_labelled=pool)
    seen = []
    real = adapt.train_adapted

    def spy(model, source, target, **kwargs):
        assert not isinstance(target, (data.ImageData, tuple, list)), "a method was handed target labels"
        seen.append(kwargs.get("method"))
        return real(model, source, target, **kwargs)

    monkeypatch.setattr(adapt, "train_adapted", spy)
    results = adapt.compare_on_pair(pair, seeds=(0, 1), pretrain_steps=5, steps=3, batch_size=16, device="cpu")
    assert list(results) == ["source only", "AdaBN", "MMD", "DANN", "oracle (target labels)"]
    assert all(len(r) == 2 and all(0 <= a <= 1 for a in r) for r in results.values())
    assert seen == [None, "mmd", "mmd", "dann", "dann"] * 2          # both weights of each method, per seed


def test_compare_on_pair_pretrains_one_model_per_seed_without_a_source_model(monkeypatch):
    """What section 8 of lesson 05 runs at full scale (SVHN → MNIST), on a small pair: no source model given."""
    fits = _spy_on(monkeypatch, "fit_steps")
    result = adapt.compare_on_pair(_small_pair(), seeds=(0, 1), pretrain_steps=4, steps=2, batch_size=8,
                                   device="cpu")
    assert [f["desc"] for f in fits] == ["seed 0: source", "seed 1: source", "seed 0: oracle", "seed 1: oracle"]
    assert [f["steps"] for f in fits] == [4, 4, 2, 2]
    assert dict(result) == result.accuracy and len(result) == 5 and all(len(r) == 2 for r in result.values())
    starts = [result.run("source only", s).model for s in (0, 1)]
    assert not torch.equal(*(next(m.parameters()) for m in starts))  # each seed trained its own source model


def test_compare_on_pair_starts_every_run_from_a_copy_of_the_source_model(monkeypatch):
    source_model = models.SmallCNN(10, width=4)
    before = copy.deepcopy(source_model.state_dict())
    fits = _spy_on(monkeypatch, "fit_steps")
    result = adapt.compare_on_pair(_small_pair, seeds=(0, 1), source_model=source_model, steps=2, batch_size=8,
                                   candidates={"MMD": ("mmd", [0.3, 1.0])}, device="cpu")
    assert [f["desc"] for f in fits] == ["seed 0: oracle", "seed 1: oracle"]     # nothing is pretrained
    assert all(torch.equal(before[k], v) for k, v in source_model.state_dict().items())
    assert [(r.name, r.weight, r.seed) for r in result.runs] == [
        ("source only", None, 0), ("MMD", 0.3, 0), ("MMD", 1.0, 0), ("source only", None, 1), ("MMD", 0.3, 1),
        ("MMD", 1.0, 1)]
    for i, seed in enumerate((0, 1)):                                            # the dev set chose, per seed
        runs = {r.weight: r for r in result.runs if r.name == "MMD" and r.seed == seed}
        assert result.chosen["MMD"][i] == max(runs, key=lambda w: runs[w].dev)
        assert result["MMD"][i] == runs[result.chosen["MMD"][i]].test == result.run("MMD", seed).test


def test_compare_on_pair_score_sees_the_target_as_images_only_and_is_kept():
    calls = []

    def score(name, weight, model, pair, seed):
        for hidden in ("target_test", "target_labelled", "target_pool"):
            with pytest.raises(AttributeError, match="hidden"):
                getattr(pair, hidden).y                                          # documented: images only
        assert len(pair.target_dev) == 20 and len(pair.source_val) == 500       # documented: labelled
        calls.append((name, weight, seed))
        return {"pool size": len(pair.target_pool), "training": model.training}

    result = adapt.compare_on_pair(_small_pair, seeds=(3,), source_model=models.SmallCNN(10, width=4), steps=2,
                                   batch_size=8, candidates={"MMD": ("mmd", [1.0])}, score=score, device="cpu")
    assert calls == [("source only", None, 3), ("MMD", 1.0, 3)]
    assert [r.score for r in result.runs] == [{"pool size": 200, "training": False}] * 2
    assert 0 <= result.runs[0].dev <= 1 and result.runs[0].test == result["source only"][0]


def test_compare_on_pair_adds_pseudo_labels_to_the_chosen_weight(monkeypatch):
    adapted = _spy_on(monkeypatch, "train_adapted")
    result = adapt.compare_on_pair(_small_pair, seeds=(0,), source_model=models.SmallCNN(10, width=4), steps=2,
                                   batch_size=8, candidates={"MMD": ("mmd", [0.3, 1.0])}, pseudo_threshold=0.5,
                                   pseudo={"pseudo-labels": None, "MMD + pseudo-labels": "MMD"}, device="cpu")
    later = [{k: a.get(k) for k in ("method", "weight", "pseudo_threshold")} for a in adapted[3:]]
    assert later == [dict(method=None, weight=None, pseudo_threshold=0.5),
                     dict(method="mmd", weight=result.chosen["MMD"][0], pseudo_threshold=0.5)]
    assert list(result)[-3:] == ["pseudo-labels", "MMD + pseudo-labels", "oracle (target labels)"]
    with pytest.raises(ValueError, match="builds on 'DANN', which is not a candidate"):
        adapt.compare_on_pair(_small_pair, candidates={"MMD": ("mmd", [1.0])}, pseudo={"DANN + pseudo": "DANN"})


def test_compare_on_pair_gives_the_same_numbers_whatever_map_runs_its_trainings():
    from tl_course import runtime

    maps = [lambda fn, *args, desc: runtime.parallel_map(fn, *args, workers=n, desc=desc) for n in (1, 2)]
    kwargs = dict(seeds=(0, 1), source_model=models.SmallCNN(10, width=4), steps=3, batch_size=8, device="cpu",
                  candidates={"DANN": ("dann", [0.1, 0.3])}, score=lambda *args: args[-1])
    serial, parallel = (adapt.compare_on_pair(_small_pair, map=m, **kwargs) for m in maps)
    assert serial.accuracy == parallel.accuracy and serial.chosen == parallel.chosen
    assert [r.score for r in parallel.runs] == [0, 0, 0, 1, 1, 1]


