"""Exercise 00 — warm-up: how checks work."""

import numpy as np
import torch

from ..grading import CheckFailed, CustomProblem, with_ids
from ._checks import as_number, kind_of, self_check

NUM_DIGITS = 1797  # images in scikit-learn's `load_digits()`


def _check_num_images(num_images):
    number = as_number(num_images, "num_images", integer=True)
    if number != NUM_DIGITS:
        direction = "too high" if number > NUM_DIGITS else "too low"
        hint = {64: " That is the pixels per image.", 10: " That is the number of classes.",
                9: " That is the largest label.", NUM_DIGITS * 64: " That counts pixels, not images."}.get(int(number), "")
        raise CheckFailed(f"`num_images` = {number:g} is {direction}: count the images (the first axis).{hint}")


def _check_array(arr, x):
    # Compared with fresh values, not with `x`: the learner may have re-assigned or changed `x` since.
    expected = torch.arange(6.0).reshape(2, 3).numpy()
    if hasattr(arr, "detach"):
        raise CheckFailed("`arr` is still a torch tensor: convert it with `.numpy()` (after `.cpu()`).")
    if not isinstance(arr, np.ndarray):
        raise CheckFailed(f"`arr` should be a NumPy array, but it is {kind_of(arr)}.")
    if arr.shape != expected.shape:
        raise CheckFailed(f"`arr` has shape {arr.shape}, but `x` has shape {expected.shape}: convert all of it, "
                          "without reshaping.")
    if not np.issubdtype(arr.dtype, np.floating):
        raise CheckFailed(f"`arr` has dtype {arr.dtype}; `x` holds floating-point numbers: convert, don't cast.")
    if not np.allclose(arr, expected):
        raise CheckFailed("`arr` has the right shape but not the values of `x` = [[0, 1, 2], [3, 4, 5]]: convert "
                          "`x` itself, and leave `x` unchanged.")


PROBLEMS = with_ids(__name__, {
    "q1": CustomProblem(
        ("num_images",), _check_num_images,
        hints=("`load_digits()` returns a bunch with an `images` array; how long is it?",
               "`len(load_digits().images)`")),
    "q2": CustomProblem(
        ("arr", "x"), _check_array,
        hints=("A tensor on a GPU must come back to the CPU before it can become a NumPy array.",
               "`x.cpu().numpy()`")),
})


QUIZ = with_ids(__name__, {
    "c1": self_check(
        "why_several_seeds", "b", ["a", "b", "c"],
        why=("Seeding makes one run repeatable, not representative: a single run can be lucky, so lessons report the "
             "mean and spread over cfg.seeds(n), and every asserted claim must hold whatever the base seed.")),
    "c2": self_check(
        "same_with_workers", "a", ["a", "b", "c"],
        why=("Each run seeds itself from its own seed (runtime.seeded), uses one torch thread and returns its result, "
             "so cfg.map gives exactly the plain loop's numbers (asserted) however many workers run side by side.")),
    "c3": self_check(
        "epochs_by_scale", "c", ["a", "b", "c"],
        why=("A notebook never writes `if scale == ...` itself: cfg.pick(fast=5, full=30) returns the value for the "
             "current scale (5 epochs at the fast scale).")),
    "c4": self_check(
        "gpu_to_numpy", "a", ["a", "b", "c"],
        why=("A CUDA tensor cannot become a NumPy array directly: bring it back with .cpu() first, as the lesson does "
             "with `y.cpu().item()`.")),
})
