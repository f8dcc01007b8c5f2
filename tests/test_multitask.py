"""Multi-task learning, stacking and continual learning (lesson 07): each mechanism on a case whose answer is known."""

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn import functional as F

from tl_course import continual, models, multitask, stacking, train


def images(n, seed=0, classes=10):
    gen = torch.Generator().manual_seed(seed)
    return torch.rand(n, 1, 8, 8, generator=gen), torch.randint(0, classes, (n,), generator=gen)


def two_task_net(seed=0):
    torch.manual_seed(seed)
    return multitask.MultiTaskNet(models.SmallCNN(10, width=8).features, 32, {"digits": 10, "letters": 21}, "digits")


# ------------------------------------------------------------------------------------------------
# Multi-task


def test_each_head_sees_only_its_own_tasks_loss():
    model = two_task_net()
    (Xd, yd), (Xl, yl) = images(16), images(16, seed=1, classes=21)

    def grads(letter_labels, letter_weight=1.0):
        model.zero_grad()
        multitask.multitask_loss(model, [(Xd, yd, "digits"), (Xl, letter_labels, "letters")], [1.0, letter_weight]).backward()
        return {name: p.grad.clone() for name, p in model.heads.named_parameters()}

    g, g_relabelled, g_unweighted = grads(yl), grads((yl + 1) % 21), grads(yl, letter_weight=0.0)
    for name in ("digits.weight", "digits.bias"):          # the letters' labels never reach the digits head
        assert torch.equal(g[name], g_relabelled[name])
    assert not torch.equal(g["letters.weight"], g_relabelled["letters.weight"])
    assert torch.count_nonzero(g_unweighted["letters.weight"]) == 0   # weight 0: the letters head learns nothing


def test_multitask_loss_is_the_weighted_sum_of_the_tasks_losses():
    model = two_task_net().eval()          # evaluation mode: BatchNorm does not mix the tasks' rows
    (Xd, yd), (Xl, yl) = images(8), images(12, seed=1, classes=21)
    got = multitask.multitask_loss(model, [(Xd, yd, "digits"), (Xl, yl, "letters")], [1.0, 0.3])
    want = F.cross_entropy(model(Xd), yd) + 0.3 * F.cross_entropy(model(Xl, head="letters"), yl)
    assert float(got.detach()) == pytest.approx(float(want.detach()), rel=1e-5)


def test_a_shared_head_is_one_head_trained_by_both_tasks():
    model = two_task_net()
    (Xd, yd), (Xp, yp) = images(8), images(8, seed=2)
    multitask.multitask_loss(model, [(Xd, yd, "digits"), (Xp, yp, "digits")], [1.0, 1.0]).backward()
    assert model.heads["letters"].weight.grad is None and model.heads["digits"].weight.grad is not None


def test_joint_training_depends_on_its_seeds_alone_and_trains_the_main_head():
    (X, y), (Xa, ya) = images(20), images(50, seed=3, classes=21)

    def run():
        model = two_task_net()
        objective = multitask.joint_objective([(Xa, ya, "letters")], [0.5], batch_size=8, seed=4)
        train.fit_steps(model, X, y, steps=5, batch_size=8, objective=objective, seed=4, device="cpu")
        return model

    a, b = run(), run()
    assert all(torch.equal(p, q) for p, q in zip(a.state_dict().values(), b.state_dict().values()))
    assert not torch.equal(a.head.weight, two_task_net().head.weight)


@pytest.mark.parametrize("build, words", [
    (lambda: multitask.MultiTaskNet(nn.Identity(), 4, {"a": 2}, main="b"), "main"),
    (lambda: multitask.joint_objective([(torch.rand(4, 1, 8, 8), torch.zeros(4, dtype=torch.long), "a")], []),
     "one weight per auxiliary task"),
    (lambda: multitask.joint_objective([(torch.rand(4, 1, 8, 8), torch.zeros(4, dtype=torch.long), "a")], [-1.0]),
     "weights"),
])
def test_multitask_refuses_bad_settings_in_one_sentence(build, words):
    with pytest.raises(ValueError, match=words):
        build()


# ------------------------------------------------------------------------------------------------
# Stacking


class Recorder:
    """A classifier that remembers which rows (by their id in column 0) it was fitted on, and checks predictions."""

    fitted: list = []

    def fit(self, F_, y):
        self.rows = set(F_[:, 0].astype(int).tolist())
        self.classes_ = np.unique(y)
        Recorder.fitted.append(self.rows)
        return self

    def predict_proba(self, F_):
        ids = set(F_[:, 0].astype(int).tolist())
        assert not ids & self.rows, "a row was predicted by a model fitted on it"
        return np.full((len(F_), len(self.classes_)), 1.0 / len(self.classes_))


def test_out_of_fold_predictions_never_come_from_a_model_fitted_on_their_row():
    y = np.repeat(np.arange(3), 7)[::-1].copy()          # unbalanced order, 7 per class
    F_ = np.column_stack([np.arange(len(y)), np.random.default_rng(0).normal(size=len(y))])
    Recorder.fitted = []
    probs = stacking.out_of_fold(Recorder, F_, y, folds=5, seed=1)
    assert probs.shape == (21, 3) and np.allclose(probs.sum(1), 1)
    assert len(Recorder.fitted) == 5
    held_once = [sum(i not in rows for rows in Recorder.fitted) for i in range(len(y))]
    assert held_once == [1] * len(y), "each row is held out exactly once"


def test_out_of_fold_differs_from_in_fold_for_a_model_that_memorises():
    from sklearn.neighbors import KNeighborsClassifier

    rng = np.random.default_rng(0)
    F_, y = rng.normal(size=(60, 5)), np.tile(np.arange(3), 20)           # labels carry no signal
    in_fold = KNeighborsClassifier(1).fit(F_, y).predict_proba(F_)
    oof = stacking.out_of_fold(lambda: KNeighborsClassifier(1), F_, y, folds=5)
    assert (in_fold.argmax(1) == y).mean() == 1.0                          # memory looks perfect ...
    assert (oof.argmax(1) == y).mean() < 0.6                               # ... out of fold it is chance


def test_out_of_fold_refuses_folds_a_class_cannot_fill():
    with pytest.raises(ValueError, match="folds"):
        stacking.out_of_fold(Recorder, np.zeros((6, 2)), np.array([0, 0, 0, 1, 1, 1]), folds=4)


# ------------------------------------------------------------------------------------------------
# Continual learning


def small_old(seed=0):
    torch.manual_seed(seed)
    return models.SmallCNN(10, width=8).eval()


def test_progressive_network_never_changes_the_old_column():
    old = small_old()
    model = continual.ProgressiveNet(old, num_classes=5, width=4)
    X, y = images(40, classes=5)
    train._place(model, "cpu")                  # the layout training uses (channels-last on a CPU), then measure
    before = model.old(X)
    model.train()
    loss = F.cross_entropy(model(X), y)
    loss.backward()
    assert all(p.grad is None for p in model.old.parameters()), "the old column must get no gradient"
    assert all(p.grad is not None for p in [*model.blocks.parameters(), *model.laterals.parameters()])
    train.fit_steps(model, X, y, steps=10, batch_size=8, lr=1e-2, device="cpu")
    assert torch.equal(model.old(X), before), "the old task's outputs must stay exactly as they were"
    assert all(torch.equal(a, b) for a, b in zip(model.old.state_dict().values(), old.state_dict().values())), \
        "every old weight and BatchNorm statistic must be bit-for-bit what it was"


def test_progressive_network_reads_the_old_column_through_its_laterals():
    model = continual.ProgressiveNet(small_old(), num_classes=5, width=4).eval()
    X = images(6)[0]
    out = model(X)
    with torch.no_grad():
        model.old.features[0][0].weight.mul_(2.0)     # change what the old column computes ...
    assert not torch.allclose(model(X), out)          # ... and the new task's scores change with it
    counts = models.count_parameters(model), models.count_parameters(model, trainable_only=False)
    assert counts[1] - counts[0] == models.count_parameters(small_old(), trainable_only=False)


def test_progressive_network_needs_a_smallcnn():
    with pytest.raises(TypeError, match="SmallCNN"):
        continual.ProgressiveNet(models.SmallResNet(10), 5)


def test_distillation_loss_is_zero_when_the_answers_have_not_moved_and_scales_with_t_squared():
    logits = torch.randn(6, 4, generator=torch.Generator().manual_seed(0))
    assert float(continual.distillation_loss(logits, logits)) == pytest.approx(0.0, abs=1e-7)
    assert float(continual.distillation_loss(logits, logits + 5.0)) == pytest.approx(0.0, abs=1e-6)  # a shift
    moved = logits.flip(1)
    kl = lambda t: F.kl_div(F.log_softmax(moved / t, 1), F.softmax(logits / t, 1), reduction="batchmean")
    assert float(continual.distillation_loss(moved, logits, 3.0)) == pytest.approx(9 * float(kl(3.0)), rel=1e-5)
    with pytest.raises(ValueError, match="same shape"):
        continual.distillation_loss(logits, logits[:, :3])


def test_lwf_objective_adds_the_weighted_distillation_to_the_new_tasks_loss():
    model, old_head = small_old(), nn.Linear(32, 7)
    X, y = images(10)
    recorded = torch.randn(10, 7, generator=torch.Generator().manual_seed(1))
    batch = torch.arange(10)
    plain = continual.lwf_objective(old_head, recorded, weight=0.0)(model, X, y, batch)
    assert float(plain) == pytest.approx(float(F.cross_entropy(model(X), y)), rel=1e-6)
    full = continual.lwf_objective(old_head, recorded, weight=2.0)(model, X, y, batch)
    extra = continual.distillation_loss(old_head(model.features(X)), recorded)
    assert float(full) == pytest.approx(float(plain + 2.0 * extra), rel=1e-5)
