"""Exercise 03 — feature extraction: pooling, a frozen extractor with a new head, choosing a layer."""

import numpy as np
import torch

from ..grading import CheckFailed, ChoiceProblem, ThoughtProblem, call_learner, with_ids
from ._checks import (CustomCheck, Function, accuracy, head_similarity, kind_of, require_cnn, require_split,
                      require_untouched, same_tensor, self_check)

MIN_HELD_OUT_ACC = 0.75  # frozen printed-digit features + a trained head: 0.80-0.85 over seeds; untrained 0.04-0.08
MAX_HELD_OUT_ACC = 0.90  # ... and at most 0.87 with other rates and epochs; a head trained on test or on every
MAX_GAP = 0.06           # non-test digit: 0.93-0.99. Honest: test and unseen digits within 0.02 of each other.
PRETRAINED_HEAD_COS = 0.8  # cosine with the pretrained head: 0.95 after a gentle fine-tune of it, 0.35-0.52 for new
MAX_PRINTED_ACC = 0.85  # on printed digits (the source's data, never given): a new head 0.68-0.79 (lr 1e-3 to 1e-1),
                        # the old head fine-tuned at lr 1e-2: 0.87-0.91 (at lr 0.1 it forgets them: 0.53)


def _global_average_pool(fmap):
    return torch.as_tensor(fmap).float().mean((2, 3))


def _pool_cases():
    gen = torch.Generator().manual_seed(0)
    return [(torch.arange(24.0).reshape(1, 2, 3, 4),), (torch.rand(5, 7, 4, 4, generator=gen),),
            (torch.rand(2, 3, 1, 1, generator=gen),), (torch.rand(3, 4, 2, 6, generator=gen) - 0.5,),
            (torch.rand(1, 1, 3, 5, generator=gen),),            # N = 1 and C = 1: a `squeeze()` would drop them
            (torch.rand(2, 5, 5, 3, generator=gen),)]            # H ≠ W, W ≠ C


def _require_tensor_output(fn):
    """`global_average_pool` must return a torch tensor for a tensor input (it is used inside a model)."""
    out = fn(torch.rand(2, 3, 4, 4))
    if out is not None and not isinstance(out, torch.Tensor):
        raise CheckFailed(f"`global_average_pool` returned {kind_of(out)} for a tensor: return a torch tensor, so it "
                          "can be used inside a model (no `.numpy()`).")


class _Pool(Function):
    """Global average pooling: the values, shape (N, C), and a tensor back for a tensor in."""

    def check_values(self, **values):
        super().check_values(**values)
        _require_tensor_output(lambda x: call_learner(values[self.var], x))


def printed_digit_accuracy(model) -> float:
    """Accuracy on printed digits like the source's (data the learner never had): high only for the source's head."""
    from ..data import render_characters

    printed = render_characters(300, seed=20_261_202, digits_format=True)
    return accuracy(model, printed.X, printed.y)


def held_out_accuracies(model, digits, test_idx, train_idx=None):
    """Accuracy on the test split and on the digits the learner was never asked to use (neither train nor test)."""
    n = len(digits.y)
    seen = set(np.asarray(test_idx).tolist()) | (set(np.asarray(train_idx).tolist()) if train_idx is not None else set())
    rest = torch.tensor([i for i in range(n) if i not in seen])
    test_idx = torch.as_tensor(np.asarray(test_idx))
    return (accuracy(model, digits.X[test_idx], digits.y[test_idx]),
            accuracy(model, digits.X[rest], digits.y[rest]) if len(rest) else None)


def require_honest_accuracy(acc, rest_acc, lo, hi, gap, low_hint):
    """Held-out accuracy within [lo, hi], and about the same on the test split as on digits never used."""
    if acc < lo:
        raise CheckFailed(f"Held-out accuracy is {acc:.3f}; this recipe reaches at least {lo}. {low_hint}")
    best = max(acc, rest_acc if rest_acc is not None else acc)
    if best > hi:
        raise CheckFailed(f"Held-out accuracy is {acc:.3f} (and {rest_acc:.3f} on digits no split uses): more than "
                          f"{hi:g}, which a model trained on the few training images does not reach. Train "
                          "on `digits.X[train_idx]` only — not on the test images, nor on all the digits.")
    if rest_acc is not None and abs(acc - rest_acc) > gap:
        where = "the test images" if acc > rest_acc else "the other digits"
        raise CheckFailed(f"Accuracy on the test split ({acc:.3f}) and on digits no split uses ({rest_acc:.3f}) differ "
                          f"by more than {gap}: the model has seen {where}. Train on `digits.X[train_idx]` only.")


def _check_frozen_extractor(model, digits, test_idx, train_idx=None):
    """Behaviour of a trained feature extractor: frozen, unchanged base; a new, trained head; honest accuracy."""
    from ..data import load_digits
    from ..models import load_pretrained

    require_cnn(model, num_classes=10)
    fresh = load_digits()
    if not hasattr(digits, "X") or not torch.equal(torch.as_tensor(digits.y), fresh.y):
        raise CheckFailed("`digits` is no longer `data.load_digits()`: re-run the cell that loads it.")
    parts = {"test_idx": test_idx} if train_idx is None else {"train_idx": train_idx, "test_idx": test_idx}
    split = require_split(parts, fresh.y, {"train_idx": 10, "test_idx": 100})
    reference = load_pretrained("cnn-printed-digits")
    trainable = [name for name, p in model.features.named_parameters() if p.requires_grad]
    if trainable:
        raise CheckFailed(f"The backbone is not frozen: {len(trainable)} of its parameter tensors still have "
                          f"requires_grad=True (e.g. {trainable[0]}). Call `models.freeze(model)`.")
    require_untouched(model.features, reference.features, "The backbone")
    if not any(p.requires_grad for p in model.head.parameters()):
        raise CheckFailed("The head is frozen too: only the backbone should be frozen.")
    if same_tensor(model.head.weight, reference.head.weight):
        raise CheckFailed("The head is still the pretrained one: give the model a new head (`models.replace_head`) "
                          "and train it.")
    if head_similarity(model.head, reference.head) > PRETRAINED_HEAD_COS:
        raise CheckFailed("The head is the pretrained printed-digit head, fine-tuned: its weights still point the "
                          "same way. Give the model a *new* head (`models.replace_head(model, 10)`), then train it.")
    if printed_digit_accuracy(model) > MAX_PRINTED_ACC:
        raise CheckFailed("The head still recognises the *printed* digits it was pretrained on far better than a new head "
                          "trained on 100 handwritten digits can: it is the pretrained head, fine-tuned. Give the "
                          "model a *new* head (`models.replace_head(model, 10)`), then train it.")
    acc, rest_acc = held_out_accuracies(model, fresh, split["test_idx"], split.get("train_idx"))
    require_honest_accuracy(acc, rest_acc, MIN_HELD_OUT_ACC, MAX_HELD_OUT_ACC, MAX_GAP,
                            "Did you train the new head (`train.fit`) on the training split?")


PROBLEMS = with_ids(__name__, {
    "q1": _Pool(
        "global_average_pool", _global_average_pool, _pool_cases, pure=True,
        hints=("A feature map has shape (N, C, H, W): one H×W map per channel per image.",
               "Average over the two spatial dimensions only, keeping N and C.",
               "`fmap.mean((2, 3))`")),
    "q2": CustomCheck(
        ("model", "digits", "test_idx"), _check_frozen_extractor, optional=("train_idx",),
        hints=("Three steps: load the pretrained model, freeze its backbone, give it a new head for 10 classes; then train.",
               "`models.freeze(model)` then `models.replace_head(model, 10)`; train with `train.fit(model, (X, y), ...)`.",
               "model = models.load_pretrained('cnn-printed-digits'); models.freeze(model); models.replace_head(model, 10); "
               "train.fit(model, (digits.X[train_idx], digits.y[train_idx]), num_epochs=30, lr=1e-2, seed=cfg.seed)")),
    "q3": ChoiceProblem(
        "best_depth", "middle", ["early", "middle", "last"],
        why=("In lesson 03 the probe on middle blocks (3-11) beat the last layer by at least 8 points (16-18 at base "
             "seeds 0, 100 and 200) on the texture patches, and the first blocks too: textures are mid-level patterns."),
        hints=("Look at the depth plot of lesson 03: where is the pretrained curve highest?",)),
    "q4": ThoughtProblem(
        answer=("Caching is exact when the base is a fixed function of fixed inputs: frozen weights, evaluation "
                "mode, and no random augmentation. With random crops/flips every epoch sees new inputs, so cached "
                "features of the un-augmented images train a different (less regularised) head; and when the base "
                "is fine-tuned its features change every step, so a cache goes stale immediately."),
        hints=("What must stay the same between epochs for the stored features to be the ones the model would compute?",)),
})


QUIZ = with_ids(__name__, {
    "c1": self_check(
        "cache_exact", "a", ["a", "b", "c"],
        why=("A frozen base in evaluation mode is a fixed function: every epoch would compute the same features, so "
             "computing them once changes only the cost — the test accuracy was identical (asserted), the head "
             "trained more than 10 times faster.")),
    "c2": self_check(
        "cache_breaks", "b", ["a", "b", "c"],
        why=("Caching is exact only for fixed inputs and a fixed base: random augmentation feeds new images every "
             "epoch, and fine-tuning changes the base itself. Anything about the head can change freely.")),
    "c3": self_check(
        "random_control", "c", ["a", "b", "c"],
        why=("The same architecture with random weights was at least 10 points behind the best pretrained layer "
             "(asserted), and got worse with depth: what transfers is the pretraining, not the architecture.")),
    "c4": self_check(
        "middle_beats_last", "b", ["a", "b", "c"],
        why=("Middle layers encode textures and motifs, which is what these patches are; the last layer specialises "
             "in ImageNet's objects and sees only a 2×2 grid here. Middle beat last by at least 8 points (asserted; "
             "16–18 at base seeds 0, 100, 200).")),
    "c5": self_check(
        "raw_pixels_fail", "a", ["a", "b", "c"],
        why=("Training patches come from the left half of each photo and test patches from the right, so they share "
             "no pixels: raw pixels barely beat chance, while the best pretrained layer was at least 40 points "
             "higher (asserted).")),
})
