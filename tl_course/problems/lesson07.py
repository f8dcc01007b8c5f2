"""Exercise 07 — more than one task: a weighted multi-task loss, out-of-fold stacking, a frozen column, forgetting."""

import copy

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from ..grading import ChoiceProblem, CheckFailed, ThoughtProblem, call_learner, require_returned, with_ids
from ._checks import CustomCheck, as_float_array, as_number, kind_of, self_check


# ----------------------------------------------------------------------------------------------
# q1 · the weighted multi-task loss


def _loss_cases():
    gen = torch.Generator().manual_seed(7)
    logits = lambda n, c: torch.randn(n, c, generator=gen)                    # noqa: E731
    labels = lambda n, c: torch.randint(0, c, (n,), generator=gen)            # noqa: E731
    return [
        ({"digits": logits(6, 10), "letters": logits(6, 21)}, {"digits": labels(6, 10), "letters": labels(6, 21)},
         {"digits": 1.0, "letters": 1.0}),
        ({"digits": logits(4, 10), "letters": logits(12, 21)}, {"digits": labels(4, 10), "letters": labels(12, 21)},
         {"digits": 1.0, "letters": 0.3}),                                    # unequal batch sizes and weights
        ({"a": logits(5, 3), "b": logits(7, 4)}, {"a": labels(5, 3), "b": labels(7, 4)},
         {"b": 0.25, "a": 2.0}),                                              # the weights list the tasks in another order
        ({"x": logits(3, 5), "y": logits(8, 2), "z": logits(2, 6)}, {"x": labels(3, 5), "y": labels(8, 2),
                                                                      "z": labels(2, 6)}, {"x": 1.0, "y": 0.0, "z": 3.0}),
        ({"only": logits(9, 4)}, {"only": labels(9, 4)}, {"only": 2.0}),
        ({"p": logits(6, 3), "q": logits(6, 3)}, {"q": labels(6, 3), "p": labels(6, 3)},
         {"q": 1.0, "p": 0.5}),                                               # labels and weights in another order
    ]


def _loss_reference(logits, labels, weights):
    return sum(weights[t] * F.cross_entropy(logits[t], labels[t]) for t in logits)


def _check_loss(multitask_loss):
    if not callable(multitask_loss):
        raise CheckFailed(f"`multitask_loss` should be a function, but it is {kind_of(multitask_loss)}.")
    for i, (logits, labels, weights) in enumerate(_loss_cases(), start=1):
        want = _loss_reference(logits, labels, weights)
        plain = {t: v.clone() for t, v in logits.items()}                    # scores without gradients, as in eval
        call_learner(multitask_loss, plain, copy.deepcopy(labels), dict(weights))
        if any(not torch.equal(plain[t], logits[t]) for t in logits):
            raise CheckFailed(f"On test case {i}, `multitask_loss` changed the scores it was given in place: work on "
                              "new tensors, so the caller's data stay as they were.")
        given = {t: v.clone().requires_grad_(True) for t, v in logits.items()}
        given_labels = copy.deepcopy(labels)
        got = require_returned(call_learner(multitask_loss, given, given_labels, dict(weights)), "multitask_loss")
        if any(not torch.equal(given[t].detach(), logits[t]) or not torch.equal(given_labels[t], labels[t])
               for t in logits):
            raise CheckFailed(f"On test case {i}, `multitask_loss` changed the scores or labels it was given in place: "
                              "work on new tensors, so the caller's data stay as they were.")
        value = as_float_array(got, f"On test case {i}, `multitask_loss` returned")
        if value.shape not in ((), (1,)):
            raise CheckFailed(f"On test case {i}, `multitask_loss` returned shape {value.shape}; return one number "
                              "(the loss of the whole batch).")
        if not np.isclose(float(value.reshape(-1)[0]), float(want), rtol=1e-5, atol=1e-6):
            raise CheckFailed(f"On test case {i} (tasks {list(logits)}, weights {weights}), `multitask_loss` returned "
                              f"{float(value.reshape(-1)[0]):.4f}, expected {float(want):.4f}.")
        if not (isinstance(got, torch.Tensor) and got.requires_grad):
            raise CheckFailed("`multitask_loss` must return a torch tensor that gradients can flow through (no "
                              "`.item()`, `float(...)` or NumPy): training calls `.backward()` on it.")
        reference = {t: v.clone().requires_grad_(True) for t, v in logits.items()}
        _loss_reference(reference, labels, weights).backward()
        got.backward()
        for t in logits:
            if given[t].grad is None or not torch.allclose(given[t].grad, reference[t].grad, atol=1e-6):
                raise CheckFailed(f"On test case {i}, the gradient reaching task {t!r}'s scores is not w_t × the "
                                  "gradient of its mean cross-entropy.")


# ----------------------------------------------------------------------------------------------
# q2 · out-of-fold predictions


class _Log(dict):
    """What the recording probes saw; copying it (as `sklearn.base.clone` does) gives the same log."""

    def __deepcopy__(self, memo):
        return self


def _fingerprint(rows, index: int, num_classes: int) -> np.ndarray:
    """The probabilities the `index`-th fitted recording probe gives `rows`: they name the probe and the row."""
    probs = np.ones((len(rows), num_classes))
    probs[np.arange(len(rows)), (np.asarray(rows) + index) % num_classes] += 2.0
    return probs / probs.sum(1, keepdims=True)


def _recorder_class():
    from sklearn.base import BaseEstimator, ClassifierMixin

    class Recorder(ClassifierMixin, BaseEstimator):
        """A classifier recording the rows (ids in column 0) it is fitted on and the rows it predicts."""

        index = None

        def __init__(self, log=None):
            self.log = log

        def fit(self, F_, y):
            self.classes_ = np.unique(np.asarray(y))
            self.index = len(self.log["fits"])
            self.log["fits"].append(set(np.asarray(F_)[:, 0].astype(int).tolist()))
            self.log["classes"].append(self.classes_)
            return self

        def predict_proba(self, F_):
            if self.index is None:
                raise RuntimeError("predict_proba called before fit")
            rows = np.asarray(F_)[:, 0].astype(int).tolist()
            self.log["predictions"].append((self.index, rows))
            return _fingerprint(rows, self.index, len(self.classes_))

        def predict(self, F_):
            return self.classes_[self.predict_proba(F_).argmax(1)]

    return Recorder


def _held(log, n: int) -> list:
    """The rows each recorded probe was *not* fitted on, in the order they were fitted."""
    return [set(range(n)) - fitted for fitted in log["fits"]]


def _recorded_run(out_of_fold, y, folds, seed):
    """Run the learner's function with recording probes; return (its result, the log)."""
    log = _Log(fits=[], classes=[], predictions=[])
    F_ = np.column_stack([np.arange(len(y)), np.random.default_rng(seed).normal(size=(len(y), 3))])
    recorder = _recorder_class()
    got = require_returned(call_learner(out_of_fold, lambda: recorder(log), F_, np.array(y), folds, seed),
                           "out_of_fold")
    return got, log


def _check_oof(out_of_fold):
    if not callable(out_of_fold):
        raise CheckFailed(f"`out_of_fold` should be a function, but it is {kind_of(out_of_fold)}.")
    cases = [(np.repeat(np.arange(3), 8), 4), (np.tile(np.arange(4), 6), 5), (np.r_[[0] * 12, [1] * 5, [2] * 7], 5)]
    for i, (y, folds) in enumerate(cases, start=1):
        got, log = _recorded_run(out_of_fold, y, folds, seed=i)
        probs = as_float_array(got, f"On test case {i}, `out_of_fold` returned")
        classes = np.unique(y)
        if probs.shape != (len(y), len(classes)):
            raise CheckFailed(f"On test case {i}, `out_of_fold` returned shape {probs.shape}; expected "
                              f"{(len(y), len(classes))}: one row of class probabilities per training row.")
        if len(log["fits"]) != folds:
            raise CheckFailed(f"On test case {i} (folds={folds}), `make_probe()` was fitted {len(log['fits'])} times; "
                              "fit one fresh probe per fold.")
        for fitted, fit_classes in zip(log["fits"], log["classes"]):
            if len(fit_classes) != len(classes):
                raise CheckFailed(f"On test case {i}, a fold trained on only some classes ({len(fit_classes)} of "
                                  f"{len(classes)}): its probability columns do not line up. Use stratified folds "
                                  "(`StratifiedKFold`).")
        leaked = [(k, r) for k, rows in log["predictions"] for r in rows if r in log["fits"][k]]
        if leaked:
            raise CheckFailed(f"On test case {i}, row {leaked[0][1]} was predicted by a probe that was fitted on it: "
                              "each row must be predicted only by the probe trained on the *other* folds.")
        held = _held(log, len(y))
        if sum(len(h) for h in held) != len(y) or set().union(*held) != set(range(len(y))):
            raise CheckFailed(f"On test case {i}, the folds do not split the rows: fit each probe on all rows but "
                              "one fold's, so that every row is held out exactly once.")
        for rows in held:
            counts = np.array([(y[sorted(rows)] == c).sum() for c in classes])
            if (np.abs(counts - (y[:, None] == classes).sum(0) / folds) >= 1).any():
                raise CheckFailed(f"On test case {i}, a held-out fold has {counts.tolist()} rows of the classes "
                                  f"{classes.tolist()}: stratify the folds (`StratifiedKFold(...).split(F, y)`), so every "
                                  "fold has each class in its share.")
        for k, rows in enumerate(held):
            rows = sorted(rows)
            if not np.allclose(probs[rows], _fingerprint(rows, k, len(classes))):
                raise CheckFailed(f"On test case {i}, the probabilities in row {rows[0]} are not those of the probe "
                                  "that held it out: put each fold's predictions back at its own rows.")
    y, folds = cases[0]
    first, second = (_held_of(out_of_fold, y, folds, seed=1) for _ in range(2))
    if first != second:
        raise CheckFailed("`out_of_fold` made different folds for the same seed: shuffle with `random_state=seed`.")
    if len({tuple(map(frozenset, _held_of(out_of_fold, y, folds, seed))) for seed in range(5)}) == 1:
        raise CheckFailed("`out_of_fold` made the same folds for five different seeds: shuffle the rows with the "
                          "seed (`StratifiedKFold(folds, shuffle=True, random_state=seed)`).")


def _held_of(out_of_fold, y, folds, seed):
    return _held(_recorded_run(out_of_fold, y, folds, seed)[1], len(y))


# ----------------------------------------------------------------------------------------------
# q3 · a frozen old column beside a new one


def _old_network():
    from ..models import SmallCNN

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(11)
        old = SmallCNN(10, width=8)
        for m in old.modules():                  # statistics unlike a batch's, so train mode shows
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.normal_(0.0, 0.05)
                m.running_var.uniform_(0.05, 0.2)
    return old.eval()


def _same_state(a, b) -> list:
    sa, sb = a.state_dict(), b.state_dict()
    return [k for k in sb if k not in sa or sa[k].shape != sb[k].shape or not torch.equal(sa[k].float(), sb[k].float())]


def _check_columns(TwoColumns):
    from ..train import fit_steps

    if not isinstance(TwoColumns, type) or not issubclass(TwoColumns, nn.Module):
        raise CheckFailed(f"`TwoColumns` should be the class (an nn.Module), not {kind_of(TwoColumns)}.")
    old = _old_network()
    given = copy.deepcopy(old)
    model = require_returned(call_learner(TwoColumns, given, 5), "TwoColumns")
    if not isinstance(getattr(model, "old", None), nn.Module):
        raise CheckFailed("`TwoColumns(old, num_classes)` should keep the old network as `self.old`.")
    gen = torch.Generator().manual_seed(0)
    X, y = torch.rand(48, 1, 8, 8, generator=gen), torch.randint(0, 5, (48,), generator=gen)
    model.eval()
    out = call_learner(model, X)
    if not isinstance(out, torch.Tensor) or tuple(out.shape) != (48, 5):
        raise CheckFailed(f"`TwoColumns(old, 5)(X)` should give scores of shape (48, 5), not {kind_of(out)}.")
    if not all(p.requires_grad for p in given.parameters()) or given.training != old.training:
        raise CheckFailed("`TwoColumns(old, ...)` froze the network it was given: freeze a copy "
                          "(`copy.deepcopy(old)`), so the caller's model stays as it was and can still be trained.")
    if torch.allclose(out.sum(1), torch.ones(48), atol=1e-4) and (out >= 0).all():
        raise CheckFailed("`forward` returns probabilities: return the head's scores (logits) — `F.cross_entropy` "
                          "applies the softmax itself.")
    before = copy.deepcopy(model)
    model.train()
    loss = F.cross_entropy(call_learner(model, X), y)
    loss.backward()
    graded = [name for name, p in model.old.named_parameters() if p.grad is not None and p.grad.abs().sum() > 0]
    if graded:
        raise CheckFailed(f"The old column still receives gradients ({graded[0]}): freeze it "
                          "(`models.freeze(...)` and `.requires_grad_(False)`), so it can never change.")
    model.zero_grad()
    call_learner(fit_steps, model, X, y, steps=8, batch_size=16, lr=1e-2, device="cpu", progress=False)
    changed = _same_state(model.old, before.old)
    if changed and all("running_" in k or "num_batches" in k for k in changed):
        raise CheckFailed(f"The old column's BatchNorm statistics drifted during training ({changed[0]}): no "
                          "gradient is not enough — keep it in evaluation mode while the rest trains (`models.freeze`).")
    if changed:
        raise CheckFailed(f"The old column's weights changed during training ({changed[0]}): it must stay frozen.")
    new = getattr(model, "new", None)
    moved = lambda a, b: any(not torch.equal(p.detach(), q.detach()) for p, q in zip(a.parameters(), b.parameters()))
    if isinstance(new, nn.Module) and not moved(new, before.new):
        raise CheckFailed("The new column did not change during training: its features must reach the head with "
                          "their gradients (no `.detach()`), so the new column learns the new task.")
    if not [k for k in _same_state(model, before) if not k.startswith("old.")]:
        raise CheckFailed("Nothing outside the old column changed during training: the new column and the head must "
                          "train.")
    model.eval()
    reference, trained = model(X).detach(), copy.deepcopy(model.state_dict())
    if isinstance(new, nn.Module):
        with torch.no_grad():
            for m in new.modules():
                if isinstance(m, nn.Conv2d):
                    m.weight.mul_(-1.0)
        if torch.allclose(model(X).detach(), reference):
            raise CheckFailed("The new task's scores do not depend on the new column: the head should read both "
                              "columns' features, side by side.")
        model.load_state_dict(trained)
    with torch.no_grad():
        convs = [m for m in model.old.modules() if isinstance(m, nn.Conv2d)]
        convs[-1].weight.mul_(-1.0)
    if torch.allclose(model(X).detach(), reference):
        raise CheckFailed("The new task's scores do not depend on the old column: the head should read both "
                          "columns' features, side by side (`torch.cat([..., ...], dim=1)`).")


# ----------------------------------------------------------------------------------------------
# q4 · measuring forgetting


def _forgetting_cases():
    from ..models import SmallCNN

    cases = []
    for seed, before, n in ((0, 1.0, 60), (1, 0.95, 600), (2, 0.2, 60)):      # the last: A got better, not worse
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(100 + seed)
            net = SmallCNN(4, width=8)
            for m in net.modules():
                if isinstance(m, nn.BatchNorm2d):
                    m.running_mean.normal_(0.0, 0.05)
                    m.running_var.uniform_(0.05, 0.2)
            X = torch.rand(n, 1, 8, 8)
            with torch.no_grad():                                    # a head that tells these images apart
                f = net.eval().features(X)
                net.head.weight.mul_(20.0)
                net.head.bias.copy_(-net.head.weight @ f.mean(0))
                scores = net(X)
            y = scores.argmax(1)
            flip = torch.rand(n) < 0.3 + 0.1 * seed                  # a known accuracy below 1
            y[flip] = (y[flip] + 1) % 4
        cases.append((net.features.train(), net.head, X, y, before))
    return cases


def _forgetting_reference(backbone, head_a, X, y, accuracy_before):
    backbone, head_a = copy.deepcopy(backbone).eval(), copy.deepcopy(head_a).eval()
    with torch.no_grad():
        after = (head_a(backbone(X)).argmax(1) == y).float().mean().item()
    return accuracy_before - after


def _check_forgetting(forgetting):
    if not callable(forgetting):
        raise CheckFailed(f"`forgetting` should be a function, but it is {kind_of(forgetting)}.")
    for i, (backbone, head, X, y, before) in enumerate(_forgetting_cases(), start=1):
        want = _forgetting_reference(backbone, head, X, y, before)
        got = require_returned(call_learner(forgetting, copy.deepcopy(backbone), copy.deepcopy(head), X.clone(),
                                            y.clone(), before), "forgetting")
        value = as_number(got, "forgetting")
        if np.isclose(value, -want, atol=1e-6) and abs(want) > 1e-6:
            raise CheckFailed(f"On test case {i}, `forgetting` returned {value:.4f}, expected {want:.4f}: the sign is "
                              "the wrong way round (before − after: positive means task A was lost).")
        if np.isclose(value, 100 * want, atol=1e-4) and abs(want) > 1e-6:
            raise CheckFailed(f"On test case {i}, `forgetting` returned {value:.4f}: give a fraction of the images, "
                              "not percentage points.")
        if not np.isclose(value, want, atol=1e-6):
            raise CheckFailed(f"On test case {i}, `forgetting` returned {value:.4f}, expected {want:.4f}: A's "
                              "accuracy with A's head on the backbone, in evaluation mode (`.eval()`), subtracted "
                              "from the accuracy before.")


PROBLEMS = with_ids(__name__, {
    "q1": CustomCheck(
        ("multitask_loss",), _check_loss, in_kernel=True,
        hints=("One term per task: its weight times the cross-entropy of its own scores and labels.",
               "Look the weight up by the task's name (the dicts need not list the tasks in the same order); "
               "`F.cross_entropy` already averages over the task's rows.",
               "`return sum(weights[t] * F.cross_entropy(logits[t], labels[t]) for t in logits)`")),
    "q2": CustomCheck(
        ("out_of_fold",), _check_oof, in_kernel=True,
        hints=("Split the rows into stratified folds; for each fold, fit a *fresh* `make_probe()` on the other folds "
               "and predict the held-out fold's probabilities.",
               "`StratifiedKFold(folds, shuffle=True, random_state=seed).split(F, y)` gives (fitted rows, held rows) "
               "per fold; write each fold's `predict_proba` into `probs[held_rows]`.",
               "Never predict a row with a probe that was fitted on it — that is the in-fold leak.")),
    "q3": CustomCheck(
        ("TwoColumns",), _check_columns, in_kernel=True,
        hints=("The old column must never change: no gradients, and BatchNorm statistics fixed while the rest "
               "trains.",
               "`self.old = models.freeze(copy.deepcopy(old)).requires_grad_(False)`: `freeze` keeps its layers in "
               "evaluation mode, `requires_grad_(False)` stops every gradient (its head too).",
               "`return self.head(torch.cat([self.new(x), self.old.features(x)], dim=1))`")),
    "q4": CustomCheck(
        ("forgetting",), _check_forgetting,
        hints=("Forgetting = A's accuracy before − A's accuracy now, measured with A's own head on the current "
               "backbone.",
               "Evaluate in evaluation mode (`backbone.eval()`): in training mode BatchNorm would use the batch's "
               "statistics, and the accuracy would be another number.",
               "`with torch.no_grad(): after = (head_a(backbone.eval()(X)).argmax(1) == y).float().mean().item()`")),
    "q5": ChoiceProblem(
        "remedy", "c", ["a", "b", "c", "d"],
        why=("Only two remedies keep A exactly: a frozen backbone and a progressive network. The frozen backbone "
             "paid about ten points on B in lesson 07; the progressive network learned B as well as fine-tuning, "
             "at the price of a new column. LwF moves A a little, and fine-tuning forgets."),
        hints=("Which remedies leave A's weights bit for bit as they were, and which of those learns B well?",)),
    "q6": ChoiceProblem(
        "honest_score", "b", ["a", "b", "c"],
        why=("The in-fold meta-learner is scored on probabilities its probes made on their own training rows — "
             "memory, not skill (100 % in lesson 07). Out-of-fold probabilities come from probes that never saw the "
             "row, so that meta-learner's own score stayed within a few points of its test accuracy."),
        hints=("Which meta-learner was trained on predictions made the way test predictions are made?",)),
    "q7": ThoughtProblem(
        answer=("The shared head turns the printed digits' 3,000 labels into labels for the target's own classifier: "
                "with one real image per class, the head is the bottleneck, and it now learns from thousands of "
                "digits in another style. With a head of its own, the auxiliary task only shapes the backbone; the "
                "target head still learns from ten images, and features tuned to printed digits are not what "
                "handwriting needs. Sharing the head needs the same label space — letters could not share it."),
        hints=("Which part of the network learns from the target's ten labels alone in each setup?",)),
})


QUIZ = with_ids(__name__, {
    "c1": self_check(
        "shared_head_reason", "b", ["a", "b", "c"],
        why=("The shared head turns the 3,000 printed labels into labels for the target's own classifier: about ten "
             "points at one label per class. Through a head of their own they only shape the backbone, and the "
             "target's head, still learning from ten images, is the bottleneck.")),
    "c2": self_check(
        "three_labels_reading", "c", ["a", "b", "c"],
        why=("At 3 labels per class the gain fell to about a point, its interval spanning zero: no sign of harm, just "
             "little left to add — the target's own labels already did most of what the printed ones did.")),
    "c3": self_check(
        "averaging_vs_meta", "a", ["a", "b", "c"],
        why=("A meta-learner must learn whom to trust from the same 100 training images; averaging needs no data. "
             "Combined, the probes beat the best single one by about five points either way (the meta-learner was "
             "trained out-of-fold, without the leak).")),
    "c4": self_check(
        "leaky_own_score", "d", ["a", "b", "c", "d"],
        why=("The in-fold meta-learner is scored on probabilities the probes made on their own training images — "
             "memory, not skill — so its 100 % says nothing about new images; here the leak did not even change the "
             "test accuracy. The out-of-fold one's own score stayed within a few points of its test accuracy.")),
    "c5": self_check(
        "forgetting_lr", "b", ["a", "b", "c"],
        why=("B was learned about equally well at both rates, so B's validation set cannot tell them apart; A fell by "
             "a few points at 1e-3 and by many more at 3e-3. Measure A too: a gentler rate is the cheapest remedy.")),
})
