"""Exercise 04 — fine-tuning: discriminative learning rates, a partly frozen fine-tune, pitfalls, choosing a rate."""

import math

import numpy as np
import torch

from ..grading import CheckFailed, ChoiceProblem, CustomProblem, ThoughtProblem, with_ids
from ._checks import (CustomCheck, Function, accuracy, as_number, head_similarity, kind_of, require_cnn,
                      require_split, require_untouched, same_tensor, self_check)
from .lesson03 import held_out_accuracies, require_honest_accuracy

MIN_HELD_OUT_ACC = 0.85  # solution: 0.88-0.92 over 6 seeds (30 epochs of `fit`: 0.87-0.89); lr 1e-5: far below
MAX_HELD_OUT_ACC = 0.94  # solution at most 0.92; on train + val (15 per class) 0.955; on the test split 0.999
MAX_GAP = 0.08           # honest: test and never-used digits within 0.04 of each other
PRETRAINED_HEAD_COS = 0.8  # cosine with the pretrained head: a new head after training 0.1-0.5
RESULTS = {1e-4: {"val": 0.80, "test": 0.79}, 1e-3: {"val": 0.87, "test": 0.82}, 1e-2: {"val": 0.84, "test": 0.83}}


def _layer_learning_rates(head_lr, num_blocks, mult):
    return [head_lr / mult ** (num_blocks - i) for i in range(num_blocks)] + [head_lr]


def _rate_cases():
    return [(1e-2, 3, 10), (1e-3, 1, 2), (0.1, 0, 10), (3e-3, 4, 2.6)]


def _relative_change(before, after):
    num = sum(float(((torch.as_tensor(after[k]) - torch.as_tensor(before[k])) ** 2).sum()) for k in before)
    den = sum(float((torch.as_tensor(before[k]) ** 2).sum()) for k in before)
    return math.sqrt(num / den)


def _change_cases():
    gen = torch.Generator().manual_seed(0)
    w = {"a": torch.tensor([3.0, 4.0])}
    two = {"conv": torch.randn(4, 3, generator=gen), "bias": torch.randn(4, generator=gen) * 10}
    moved = {"conv": two["conv"] + 1.0, "bias": two["bias"]}  # one tensor moves, the other does not
    reordered = {"bias": moved["bias"], "conv": moved["conv"]}  # the same keys in another order
    return [(w, {"a": torch.tensor([3.0, 4.0])}), (w, {"a": torch.tensor([0.0, 0.0])}), (two, moved),
            ({"x": torch.ones(2, 2)}, {"x": 3 * torch.ones(2, 2)}), (two, reordered)]


def _require_kept_on_validation(model, best, digits, val, test, reference):
    """`best`, what `train.fit_steps(..., val=...)` returned, is an accuracy on the validation split, and `model`
    is the step it kept: the best step was chosen on validation, not on the test split.

    A step kept by its test accuracy gives a model that looks right in every other way (its held-out accuracy is
    at most a point optimistic); its record gives it away. One image's worth of slack on validation allows for a
    model trained on a GPU and checked here on the CPU.
    """
    if not isinstance(best, dict) or "val_acc" not in best:
        raise CheckFailed("`best` should be what `train.fit_steps(..., val=(X_val, y_val))` returned (a dict with "
                          f"'val_acc', 'step' and 'curve'), not {kind_of(best)}: write `best = train.fit_steps(...)`.")
    if not best.get("curve"):
        raise CheckFailed("`best` records no validation accuracy: `train.fit_steps` ran without `val=`, so it kept the "
                          "last step, not the best one. Pass `val=(digits.X[val_idx], digits.y[val_idx])`.")
    kept = as_number(best["val_acc"], "best['val_acc']", fraction=True)
    n_val, n_test = len(val), len(test)
    on_val = accuracy(model, digits.X[val], digits.y[val])
    on_grid = abs(kept * n_val - round(kept * n_val)) < 1e-6        # a whole number of validation images
    if on_grid and abs(on_val - kept) <= 1 / n_val + 1e-9:
        _require_step_count(model, best, reference)
        return
    on_test = accuracy(model, digits.X[test], digits.y[test])
    if abs(on_test - kept) <= 1 / n_test + 1e-9:
        raise CheckFailed(f"The step was kept for its accuracy on the test split ({kept:.3f}, what `model` scores on "
                          "`test_idx`): the test images chose it, so its test score is optimistic. Pass the "
                          "validation split to `fit_steps`: `val=(digits.X[val_idx], digits.y[val_idx])`.")
    if not on_grid:
        raise CheckFailed(f"`best['val_acc']` = {kept:.4f} is not an accuracy on the {n_val} validation images: "
                          "`fit_steps` chose the step on other images. Pass `val=(digits.X[val_idx], digits.y[val_idx])`.")
    raise CheckFailed(f"`model` scores {on_val:.3f} on the validation split, but the step `fit_steps` kept scored "
                      f"{kept:.3f} there: `model` is not the model it kept (trained again afterwards, or `best` comes "
                      "from another run).")


def _require_step_count(model, best, reference):
    """The trained blocks' BatchNorm layers count the training batches they saw (`num_batches_tracked`), and
    `fit_steps` keeps the count with the weights of the step it restores: since the pretrained weights, `model` must
    have seen exactly `best['step']` batches. A model trained again afterwards, or paired with another run's
    record, has another count."""
    step = best.get("step")
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)) and not (
            isinstance(step, float) and step.is_integer()):
        raise CheckFailed(f"`best['step']` should be the whole number of the step `fit_steps` kept, not "
                          f"{kind_of(step)}: keep its record unchanged.")
    was = {name: m.num_batches_tracked for name, m in reference.named_modules()
           if isinstance(m, torch.nn.modules.batchnorm._BatchNorm) and m.num_batches_tracked is not None}
    first = {id(m) for m in model.features[0].modules()}          # the frozen block: its count must not move
    seen = {name: int(m.num_batches_tracked) - int(was[name]) for name, m in model.named_modules()
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm) and id(m) not in first and name in was
            and m.num_batches_tracked is not None}
    wrong = {name: n for name, n in seen.items() if n != int(step)}
    if wrong:
        name, n = next(iter(wrong.items()))
        raise CheckFailed(f"`model`'s BatchNorm layer {name} has seen {n} training batches since the pretrained "
                          f"weights, but `best` says `fit_steps` kept step {int(step)}: `model` is not the model it "
                          "kept (trained again afterwards, or `best` comes from another run).")


def _check_partial_fine_tune(model, best, digits, val_idx, test_idx, train_idx=None):
    """Behaviour: first conv block frozen and untouched (BatchNorm included); later blocks and a new head trained;
    the step kept on validation (`best`); held-out accuracy in the honest band, on the test split and on digits
    no split uses."""
    from ..data import load_digits
    from ..models import load_pretrained

    require_cnn(model, num_classes=10)
    fresh = load_digits()
    if not hasattr(digits, "X") or not torch.equal(torch.as_tensor(digits.y), fresh.y):
        raise CheckFailed("`digits` is no longer `data.load_digits()`: re-run the cell that loads it.")
    parts = {"val_idx": val_idx, "test_idx": test_idx}
    parts.update({"train_idx": train_idx} if train_idx is not None else {})
    split = require_split(parts, fresh.y, {"train_idx": 5, "val_idx": 10, "test_idx": 100})
    reference = load_pretrained("cnn-printed-digits")
    if any(p.requires_grad for p in model.features[0].parameters()):
        raise CheckFailed("The first conv block is not frozen: its parameters still have requires_grad=True. "
                          "Use `models.freeze(model, up_to=1)`.")
    require_untouched(model.features[0], reference.features[0], "The first block")
    later = {name: p for name, p in model.features.named_parameters() if not name.startswith("0.")}
    if not all(p.requires_grad for p in later.values()):
        raise CheckFailed("Blocks 2 and 3 are frozen too: that is feature extraction, not fine-tuning. Freeze only "
                          "the first block (`up_to=1`).")
    ref_params = dict(reference.features.named_parameters())
    if all(same_tensor(p, ref_params[name]) for name, p in later.items()):
        raise CheckFailed("Blocks 2 and 3 are exactly as pretrained: they are trainable but were never trained. "
                          "Train the model after freezing the first block.")
    if same_tensor(model.head.weight, reference.head.weight) or \
            head_similarity(model.head, reference.head) > PRETRAINED_HEAD_COS:
        raise CheckFailed("The head is still the pretrained one (fine-tuned, perhaps): give the model a new head "
                          "(`models.replace_head(model, 10)`).")
    _require_kept_on_validation(model, best, fresh, split["val_idx"], split["test_idx"], reference)
    seen = split.get("train_idx"), split["val_idx"]
    used = np.concatenate([s for s in seen if s is not None])
    acc, rest_acc = held_out_accuracies(model, fresh, split["test_idx"], used)
    require_honest_accuracy(acc, rest_acc, MIN_HELD_OUT_ACC, MAX_HELD_OUT_ACC, MAX_GAP,
                            "Was the learning rate too high (it erases the pretrained features) or too low?")


def _check_chosen_lr(chosen_lr):
    if isinstance(chosen_lr, str):
        raise CheckFailed(f"`chosen_lr` should be a number such as 1e-3, not the text {chosen_lr!r}.")
    lr = as_number(chosen_lr, "chosen_lr")
    best_val = max(RESULTS, key=lambda k: RESULTS[k]["val"])
    best_test = max(RESULTS, key=lambda k: RESULTS[k]["test"])
    match = [k for k in RESULTS if math.isclose(lr, k, rel_tol=1e-6)]
    if not match:
        raise CheckFailed(f"`chosen_lr` should be one of the rates that were tried: {', '.join(f'{k:g}' for k in RESULTS)}.")
    if match[0] == best_test and best_test != best_val:
        raise CheckFailed(f"{lr:g} has the best *test* accuracy. Choosing by test accuracy uses the test set to "
                          "make a decision, so the reported number is optimistic: choose on validation data.")
    if match[0] != best_val:
        raise CheckFailed(f"{lr:g} is not the rate with the best validation accuracy.")


PROBLEMS = with_ids(__name__, {
    "q1": Function(
        "layer_learning_rates", _layer_learning_rates, _rate_cases,
        hints=("The head gets `head_lr`; the last block `head_lr / mult`; the one before `head_lr / mult**2`; ...",
               "Return the list in network order: first block first, head last; its length is num_blocks + 1.",
               "`[head_lr / mult ** (num_blocks - i) for i in range(num_blocks)] + [head_lr]`")),
    "q2": CustomCheck(
        ("model", "best", "digits", "val_idx", "test_idx"), _check_partial_fine_tune, optional=("train_idx",),
        hints=("Load the pretrained model, give it a new 10-class head, freeze only its first block, then train.",
               "`models.freeze(model, up_to=1)` freezes the backbone's first block (`models.blocks(model)[0]`: the "
               "first conv block).",
               "model = models.load_pretrained('cnn-printed-digits'); models.replace_head(model, 10); "
               "models.freeze(model, up_to=1); best = train.fit_steps(model, digits.X[train_idx], digits.y[train_idx], "
               "val=(digits.X[val_idx], digits.y[val_idx]), steps=200, lr=1e-3, seed=cfg.seed)")),
    "q3": ChoiceProblem(
        "bn_pitfall", "b", ["a", "b", "c", "d"],
        why=("Gradients were off, so no weight moved; but BatchNorm layers in train mode overwrite their running "
             "mean and variance with the statistics of the batches they see. Lesson 04 measured the features "
             "changing by about 45 %."),
        hints=("Which numbers in a BatchNorm layer are not parameters, and are updated without any gradient?",)),
    "q4": Function(
        "relative_change", _relative_change, _change_cases, pure=True, returns_float=True,
        hints=("Treat all tensors together as one long vector of weights.",
               "Sum the squared differences over every tensor, and the squared weights of `before`; divide; square root.",
               "`math.sqrt(sum(((after[k] - before[k]) ** 2).sum() for k in before) / "
               "sum((before[k] ** 2).sum() for k in before))`")),
    "q5": CustomProblem(
        ("chosen_lr",), _check_chosen_lr,
        hints=("Which of the two columns may you look at when you choose?",)),
    "q6": ThoughtProblem(
        answer=("A new head starts random, so its first gradients are large and point in arbitrary directions; "
                "fine-tuning everything at once pushes those gradients into the pretrained backbone and distorts the "
                "features before the head has learned to use them. Training the head first on the frozen backbone "
                "(a linear probe) means fine-tuning starts from a sensible head, with small gradients, so the "
                "backbone moves less — lesson 04 measured a smaller weight change at the same accuracy, and Kumar et "
                "al. (2022) found that this keeps more robustness out of distribution."),
        hints=("What do the head's weights look like at step 0 of plain fine-tuning, and where do its gradients go?",)),
})


QUIZ = with_ids(__name__, {
    "c1": self_check(
        "lr_too_high_effect", "b", ["a", "b", "c"],
        why=("The source probe says so: at 10^-1 the backbone's weights moved furthest and a linear probe on its "
             "features no longer reads printed digits (1.0 before, well below 0.8 after) — the pretrained features "
             "were erased, so the model ended below scratch. The head learning nothing is what happened at 10^-5.")),
    "c2": self_check(
        "naive_freeze_effect", "c", ["a", "b", "c"],
        why=("requires_grad_(False) stops the weights, not BatchNorm: in train mode it overwrote its running "
             "statistics with the target's, so the 'frozen' features changed (at least 20 %, asserted) and the head, "
             "put back on the original backbone, lost points on every seed. models.freeze changed nothing.")),
    "c3": self_check(
        "why_fine_tuning_won", "a", ["a", "b", "c"],
        why=("Printed and handwritten digits are different domains: the last block has to adapt to handwriting, "
             "which a frozen extractor cannot do, so feature extraction trailed by about 10 points (at least 5 "
             "asserted) even with 20 images; freezing the generic first block cost nothing measurable.")),
    "c4": self_check(
        "early_stopping_gain", "b", ["a", "b", "c"],
        why=("The validation loss levelled off rather than climbed, so stopping early kept the same test accuracy "
             "(asserted within 4 points) in a fraction of the 150 epochs: here its gain was time. On a longer run "
             "the validation curve turns up and early stopping saves accuracy too.")),
})
