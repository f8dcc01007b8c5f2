"""Exercise 05 — domain adaptation: the CORAL loss, AdaBN, the proxy A-distance, choosing without test labels."""

import numpy as np
import torch

from ..grading import CheckFailed, ChoiceProblem, CustomProblem, ThoughtProblem, call_learner, with_ids
from ._checks import Function, kind_of, require_cnn, same_tensor, self_check

TARGET_IMAGES = 300  # the notebook's `target_images = data.load_digits().X[:300]`
STAT_TOLERANCE = 0.1  # |stat − target's| / |source's − target's|: other batch sizes 0.00, a cumulative average
                      # over unequal batches (momentum=None) up to 0.07; all 1797 digits instead of the 300: up to
                      # 0.45; one pass at the default momentum 0.1: 0.9


class _Loss(Function):
    """A loss used for training: the right values on every case, and a tensor that gradients flow through."""

    def check_values(self, **values):
        super().check_values(**values)
        gen = torch.Generator().manual_seed(1)
        fs = torch.randn(12, 3, generator=gen, requires_grad=True)
        ft = torch.randn(9, 3, generator=gen)
        out = call_learner(values[self.var], fs, ft)
        if not isinstance(out, torch.Tensor) or out.grad_fn is None:
            raise CheckFailed(f"`{self.var}` returned {kind_of(out)} that no gradient flows through: compute it with "
                              "torch operations on the tensors (no `.numpy()`, `.item()` or `float`), so it can be "
                              "used as a training loss.")


def _coral(f_source, f_target):
    from ..adapt import coral_loss

    return coral_loss(torch.as_tensor(f_source).double(), torch.as_tensor(f_target).double())


def _coral_cases():
    gen = torch.Generator().manual_seed(0)
    fs = torch.randn(40, 5, generator=gen)
    return [(torch.tensor([[1.0, 0.0], [-1.0, 0.0]]), torch.tensor([[0.0, 1.0], [0.0, -1.0]])),
            (fs, fs + 2.0),                                      # same covariance, shifted mean: 0
            (fs, torch.randn(30, 5, generator=gen) * 3),          # different sizes and scales
            (fs[:, :3], torch.randn(50, 3, generator=gen) @ torch.tensor([[1.0, 0.8, 0.0], [0.0, 1.0, 0.0],
                                                                            [0.0, 0.0, 0.3]])),
            (torch.randn(4, 3, generator=gen), torch.randn(7, 3, generator=gen) + 1.0),  # tiny batches: n − 1 matters
            (torch.randn(6, 2, generator=gen) * torch.tensor([1.0, 5.0]), torch.randn(6, 2, generator=gen))]


def _pad(error):
    return 2.0 * (1.0 - 2.0 * min(float(error), 0.5))


def _pad_cases():
    return [(0.0,), (0.25,), (0.1,), (0.5,), (0.7,), (0.3,), (0.95,), (np.float64(0.42),)]


def _batchnorm_layers(model):
    return [(name, m) for name, m in model.named_modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]


def _check_adabn(model, target_images):
    """Behaviour: same weights as the source model; every BatchNorm layer's statistics those of the given target
    images (recomputed here, on copies, from fresh data); every layer in evaluation mode."""
    from ..adapt import adabn
    from ..data import load_digits
    from ..models import load_pretrained

    require_cnn(model)
    given = load_digits().X[:TARGET_IMAGES]  # what the notebook gave, read afresh: the learner may have changed it
    source = load_pretrained("cnn-printed-digits")
    params, ref_params = dict(model.named_parameters()), dict(source.named_parameters())
    moved = [k for k in ref_params if k not in params or not same_tensor(params[k], ref_params[k])]
    if moved:
        raise CheckFailed(f"Weights changed ({moved[0]}): AdaBN updates BatchNorm statistics only — no training, "
                          "no gradient step.")
    if hasattr(target_images, "shape") and tuple(target_images.shape) == tuple(given.shape) and \
            not torch.allclose(torch.as_tensor(target_images).float().cpu(), given):
        raise CheckFailed("`target_images` were changed (normalised or shifted in place?): AdaBN takes the target "
                          "images as they are; re-run the cell that loads them.")
    reference = adabn(load_pretrained("cnn-printed-digits"), given.clone(), device="cpu")
    layers, ref_layers, src_layers = (dict(_batchnorm_layers(m)) for m in (model, reference, source))
    for name, ref in ref_layers.items():
        bn = layers.get(name)
        if bn is None:
            raise CheckFailed(f"The model has no BatchNorm layer {name}: it is not the `cnn-printed-digits` CNN.")
        for stat in ("running_mean", "running_var"):
            got, want = getattr(bn, stat).detach().cpu(), getattr(ref, stat)
            src = getattr(src_layers[name], stat)
            off, shift = (got - want).norm(), (src - want).norm()
            if same_tensor(got, src):
                raise CheckFailed(f"BatchNorm layer {name} still has the source's {stat}: run the target images through "
                                  "the network with its BatchNorm layers in train mode (or use `adapt.adabn`) — every "
                                  "BatchNorm layer, not only the first.")
            if off > STAT_TOLERANCE * shift:
                raise CheckFailed(f"BatchNorm layer {name}'s {stat} is not that of the {TARGET_IMAGES} target images "
                                  f"(it is {float(off / shift):.0%} of the way back to the source's): with the default "
                                  "momentum each batch only nudges it; reset the statistics and average them over "
                                  "exactly the given `target_images`, every layer in train mode, as `adapt.adabn` does.")
    training = [name or "model" for name, m in model.named_modules() if m.training]
    if training:
        raise CheckFailed(f"Part of the model is still in train mode ({training[0]}): call `model.eval()` so every "
                          "BatchNorm layer uses its new statistics.")


def _iw_accuracy(correct, weights):
    from ..adapt import importance_weighted_accuracy

    return importance_weighted_accuracy(correct, weights)[0]


def _ess(weights):
    from ..adapt import importance_weighted_accuracy

    return importance_weighted_accuracy(np.ones(len(weights)), weights)[1]


def _iw_cases():
    rng = np.random.default_rng(0)
    return [(np.array([1, 0, 1, 1]), np.array([1.0, 1.0, 1.0, 1.0])),
            (np.array([1, 0]), np.array([3.0, 1.0])),                      # weights need not average 1
            (np.array([1, 1, 0, 0, 1]), np.array([0.5, 0.5, 4.0, 4.0, 1.0])),
            (rng.integers(0, 2, 50), rng.exponential(2.0, 50)),
            (np.array([0, 1, 1, 0]), np.array([2, 1, 1, 4]))]               # integer weights


def _ess_cases():
    rng = np.random.default_rng(1)
    return [(np.array([1.0, 1.0, 1.0, 1.0]),), (np.array([5.0, 0.0, 0.0, 0.0]),), (np.array([2.0, 2.0, 2.0]),),
            (np.array([3.0, 1.0]),), (rng.exponential(1.0, 100),), (np.array([1.0, 1.0, 100.0]),),
            (np.array([0.5, 2.0, 2.0, 0.1]),), (np.array([1, 2]),)]


PROBLEMS = with_ids(__name__, {
    "q1": _Loss(
        "coral_loss", _coral, _coral_cases, pure=True,
        hints=("Compute each batch's d×d feature covariance (`torch.cov(f.T)`), then the squared distance between them.",
               "Sum the squared differences of the two covariance matrices and divide by 4·d².",
               "`d = f_source.shape[1]; return ((torch.cov(f_source.T) - torch.cov(f_target.T)) ** 2).sum() / (4 * d * d)`")),
    "q2": CustomProblem(
        ("model", "target_images"), _check_adabn,
        hints=("AdaBN needs no labels and no optimizer: only the BatchNorm running statistics change.",
               "`adapt.adabn(model, target_images)` resets them and recomputes them on the target images.",
               "model = models.load_pretrained('cnn-printed-digits'); adapt.adabn(model, target_images)")),
    "q3": Function(
        "proxy_a_distance", _pad, _pad_cases,
        hints=("The proxy A-distance is 2(1 − 2ε), ε being the domain classifier's held-out error.",
               "An error above 0.5 is no better than chance (flip the predictions): treat it as 0.5.",
               "`return 2 * (1 - 2 * min(error, 0.5))`")),
    "q4": ChoiceProblem(
        "choose_with", "b", ["a", "b", "c", "d"],
        why=("Only target labels can tell whether an alignment weight helps on the target; the test set must stay "
             "untouched, and source validation scored every candidate near 100 % in lesson 05. So: a small, explicit, "
             "labelled target dev set."),
        hints=("Which of these sees the target domain with labels, and is not the set you report on?",)),
    "q5": ChoiceProblem(
        "label_shift", "c", ["a", "b", "c"],
        why=("Alignment pulls the whole target distribution onto the whole source distribution; when the target holds "
             "only some classes, their features get pushed towards the other classes. Lesson 05 measured MMD losing "
             "accuracy with a target of digits 0-4 only."),
        hints=("What does MMD match — classes, or whole distributions?",)),
    "q6": ThoughtProblem(
        answer=("Source validation measures how well the model does on the source domain, and every reasonable "
                "alignment weight keeps that near perfect — it cannot see whether the target got better or worse. "
                "Choosing on the target test set would make the reported number optimistic (selection bias). "
                "What is left is a small labelled target dev set, said out loud. Criteria designed for the unlabelled "
                "case (importance-weighted, reverse validation) rest on assumptions — overlapping domains, correct "
                "pseudo-labels — and lesson 05 measured both ranking the candidates far worse than the dev set "
                "(Kendall's tau between about -0.1 and +0.3, against 0.7-0.85)."),
        hints=("What does a source-validation score measure, and what did it show for every candidate in lesson 05?",)),
    "q7": Function(
        "iw_accuracy", _iw_accuracy, _iw_cases, pure=True,
        hints=("Each source validation image counts in proportion to its weight: a weighted average of `correct`.",
               "Divide by the sum of the weights, not by the number of images — the weights need not average 1.",
               "`return (weights * correct).sum() / weights.sum()` (with NumPy arrays)")),
    "q8": Function(
        "effective_sample_size", _ess, _ess_cases, pure=True,
        hints=("n equal weights should give n; one non-zero weight should give 1; scaling all weights changes nothing.",
               "The square of the sum of the weights, divided by the sum of their squares.",
               "`return weights.sum() ** 2 / (weights ** 2).sum()` (with a NumPy array)")),
})


QUIZ = with_ids(__name__, {
    "c1": self_check(
        "adabn_limit", "b", ["a", "b", "c"],
        why=("AdaBN re-estimates the activation statistics BatchNorm tracks: it undid most of a contrast shift and "
             "part of a noise shift, but not a rotation. Printed → handwritten differs in the strokes' shapes, a "
             "change of geometry, so AdaBN closed almost none of the gap (within ±15 %, asserted).")),
    "c2": self_check(
        "why_not_source_val", "a", ["a", "b", "c"],
        why=("Every candidate reads printed digits almost perfectly (~100 %), so source validation cannot tell them "
             "apart; only target labels can — here the 50-image dev set, whose ranking agreed with the test set "
             "far better (Kendall τ 0.68–0.85 against −0.13 to +0.33 for the label-free criteria).")),
    "c3": self_check(
        "iwcv_failure", "c", ["a", "b", "c"],
        why=("Importance weighting can only re-weight the errors a model makes on the source, and there are almost "
             "none; the domains barely overlap (proxy A-distance ≈ 2), so a few printed images carry all the weight "
             "(median effective sample size at most a fifth of the 500, asserted) and the estimates overstate the "
             "target accuracy by 25 points or more on average.")),
    "c4": self_check(
        "label_shift_effect", "b", ["a", "b", "c"],
        why=("MMD pulls the whole target cloud onto the whole source cloud, so handwritten 0–4s get pushed towards "
             "printed 5–9s: it gained nothing (on average it lost 7 to 14 points) where it gained about 30 with the "
             "full class mix. Check the class mix before aligning.")),
})
