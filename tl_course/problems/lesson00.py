"""Exercise 00 — warm-up: how checks work."""

import numpy as np

from ..grading import CheckFailed, CustomProblem, ValueProblem


def _check_array(arr, x):
    if hasattr(arr, "detach"):
        raise CheckFailed("`arr` is still a torch tensor: convert it with `.numpy()` (after `.cpu()`).")
    if not isinstance(arr, np.ndarray):
        raise CheckFailed(f"`arr` should be a NumPy array, but it is a {type(arr).__name__}.")
    expected = x.detach().cpu().numpy()
    if arr.shape != expected.shape:
        raise CheckFailed(f"`arr` has shape {arr.shape}, but `x` has shape {expected.shape}: convert all of it.")
    if not np.allclose(arr, expected):
        raise CheckFailed("`arr` has the right shape but not the values of `x`: convert `x` itself.")


PROBLEMS = {
    "q1": ValueProblem(
        "00.q1", "num_images", 1797, integer=True,
        hints=("`load_digits()` returns a bunch with an `images` array; how long is it?",
               "`len(load_digits().images)`"),
        solution="from sklearn.datasets import load_digits\nnum_images = len(load_digits().images)"),
    "q2": CustomProblem(
        "00.q2", ("arr", "x"), _check_array,
        hints=("A tensor on a GPU must come back to the CPU before it can become a NumPy array.",
               "`x.cpu().numpy()`"),
        solution="arr = x.cpu().numpy()"),
}
