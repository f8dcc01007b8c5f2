"""Input checks shared by the package's public functions: bad input gives one clear sentence, never a wrong number.

Each check names the argument, says what was expected and what was given, and returns the value in the form the
caller computes with (a NumPy array, a tensor, an int). Functions validate once, at their entry, never per batch.
Tensors (on any device), NumPy arrays and lists are all accepted where an array is expected.
"""

from __future__ import annotations

import numbers

import numpy as np


def _shape(a: np.ndarray) -> str:
    return "(" + ", ".join(str(s) for s in a.shape) + (",)" if a.ndim == 1 else ")")


def _example(values: np.ndarray) -> str:
    """A short quote of the first offending value(s) for an error message."""
    shown = [f"{v:g}" if isinstance(v, (float, np.floating)) else repr(v) for v in values.ravel()[:2].tolist()]
    return " and ".join(shown)


def to_numpy(x, name: str) -> np.ndarray:
    """`x` (tensor, array, list or number) as a NumPy array; a TypeError or ValueError naming `name` otherwise."""
    if x is None or isinstance(x, (str, bytes, dict, set)):
        raise TypeError(f"`{name}` must be an array (a tensor, a NumPy array or a list); got {type(x).__name__}.")
    if hasattr(x, "detach"):                                      # a torch tensor, on any device
        x = x.detach().cpu()
        return (x.float() if str(x.dtype) in ("torch.float16", "torch.bfloat16") else x).numpy()
    try:
        a = np.asarray(x)
    except (ValueError, TypeError):
        raise ValueError(f"`{name}` must be a rectangular array; got rows of different lengths.") from None
    if a.dtype == object:
        raise TypeError(f"`{name}` must be an array of numbers; got a mix of {_types(a)}.")
    return a


def _types(a: np.ndarray) -> str:
    names = sorted({type(v).__name__ for v in a.ravel()[:100].tolist()})
    return " and ".join(names) if names else "objects"


def as_numbers(x, name: str) -> np.ndarray:
    """`x` as a NumPy array of numbers (booleans, integers or floats): strings and objects are refused."""
    a = to_numpy(x, name)
    if a.dtype.kind not in "biuf":
        what = "strings" if a.dtype.kind in "USO" else f"values of type {a.dtype}"
        raise TypeError(f"`{name}` must be numbers; got {what} such as {_example(a)}.")
    return a


def finite(a: np.ndarray, name: str) -> np.ndarray:
    """Refuse NaN and infinite values, saying where the first one is."""
    if a.dtype.kind == "f":
        bad = ~np.isfinite(a)
        if bad.any():
            where = np.argwhere(bad)[0]
            at = f" (first at row {where[0]})" if a.ndim >= 1 else ""
            kind = "NaN" if np.isnan(a[tuple(where)]) else "infinite values"
            raise ValueError(f"`{name}` must be finite numbers; got {kind}{at}.")
    return a


def as_features(F, name: str, min_rows: int = 1) -> np.ndarray:
    """Features as a finite float64 array (N, D), one row per example (trailing dimensions are flattened)."""
    a = as_numbers(F, name)
    if a.ndim == 0:
        raise ValueError(f"`{name}` must have one row of features per example; got a single number.")
    if len(a) < min_rows:
        raise ValueError(f"`{name}` must have at least {min_rows} row{'s' if min_rows > 1 else ''} (one per example); "
                         f"got {len(a)}.")
    a = a.reshape(len(a), -1)
    if a.shape[1] == 0:
        raise ValueError(f"`{name}` must have at least one feature per row; got shape {_shape(a)}.")
    return finite(a.astype(np.float64, copy=False), name)


def same_width(name_a: str, a: np.ndarray, name_b: str, b: np.ndarray) -> None:
    """Two feature arrays must describe the same features (same number of columns)."""
    if a.shape[1:] != b.shape[1:]:
        raise ValueError(f"`{name_a}` and `{name_b}` must have the same number of features per row; "
                         f"got {a.shape[1]} and {b.shape[1]}.")


def feature_batches(a, name_a: str, b, name_b: str) -> None:
    """Two batches of features as tensors (N, D) and (M, D), non-empty; shapes only, so it is cheap at every step."""
    import torch

    for name, f in ((name_a, a), (name_b, b)):
        if not isinstance(f, torch.Tensor):
            raise TypeError(f"`{name}` must be a tensor of features (N, D); got {type(f).__name__}.")
        if f.dim() != 2 or len(f) == 0:
            raise ValueError(f"`{name}` must be a non-empty batch of features (N, D); got shape {tuple(f.shape)}.")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"`{name_a}` and `{name_b}` must have the same number of features per row; "
                         f"got {a.shape[1]} and {b.shape[1]}.")


def as_labels(y, name: str, n: int | None = None, of: str | None = None, indices: bool = False) -> np.ndarray:
    """Class labels as an int64 array (N,) of whole numbers (1.0 is accepted as 1); `n` rows of `of` if given.

    With `indices`, labels must also be ≥ 0 (they index a model's outputs, as cross-entropy needs).
    """
    a = as_numbers(y, name)
    if a.ndim != 1:
        raise ValueError(f"`{name}` must be one class index per example (a 1-D array); got shape {_shape(a)}.")
    if len(a) == 0:
        raise ValueError(f"`{name}` is empty: give one class index per example.")
    if a.dtype.kind == "f":
        finite(a, name)
        fractional = a != np.round(a)
        if fractional.any():
            raise ValueError(f"labels `{name}` must be whole numbers (class indices); got floats such as "
                             f"{_example(a[fractional])}.")
    if indices and (a < 0).any():
        raise ValueError(f"labels `{name}` must be class indices ≥ 0; got {_example(a[a < 0])}.")
    if n is not None and len(a) != n:
        raise ValueError(f"`{name}` must have one label per row of `{of}` ({n}); got {len(a)}.")
    return a.astype(np.int64)


def _vector(x, name: str, what: str) -> np.ndarray:
    a = as_numbers(x, name)
    if a.ndim != 1:
        raise ValueError(f"`{name}` must be {what} (a 1-D array); got shape {_shape(a)}.")
    if len(a) == 0:
        raise ValueError(f"`{name}` is empty: give {what}.")
    return finite(a, name)


def as_flags(x, name: str) -> np.ndarray:
    """Right/wrong flags as a float array (N,) of 0s and 1s (booleans accepted)."""
    a = _vector(x, name, "0 or 1 per example")
    bad = (a != 0) & (a != 1)
    if bad.any():
        raise ValueError(f"`{name}` must be 0 or 1 per example (wrong or right); got {_example(a[bad])}.")
    return a.astype(np.float64)


def as_weights(x, name: str) -> np.ndarray:
    """Non-negative weights as a float array (N,) with a positive sum."""
    a = _vector(x, name, "one weight per example").astype(np.float64)
    if (a < 0).any():
        raise ValueError(f"`{name}` must be weights ≥ 0; got {_example(a[a < 0])}.")
    if a.sum() <= 0:
        raise ValueError(f"`{name}` must not all be zero: their sum divides the estimate.")
    return a


def as_values(x, name: str, min_len: int = 1) -> np.ndarray:
    """A 1-D array of finite numbers (e.g. one error per seed), at least `min_len` long, as float64."""
    a = _vector(x, name, "one number per entry").astype(np.float64)
    if len(a) < min_len:
        raise ValueError(f"`{name}` must have at least {min_len} entries; got {len(a)}.")
    return a


def as_probabilities(P, name: str, n: int | None = None, of: str | None = None) -> np.ndarray:
    """Class probabilities as a float64 array (N, K): each row in [0, 1] and summing to 1."""
    a = as_numbers(P, name)
    if a.ndim != 2:
        raise ValueError(f"`{name}` must be one row of class probabilities per example (a 2-D array); "
                         f"got shape {_shape(a)}.")
    a = as_features(a, name)
    if a.min() < 0 or a.max() > 1:
        raise ValueError(f"`{name}` must be probabilities in [0, 1] (apply softmax to logits first); "
                         f"got values from {a.min():g} to {a.max():g}.")
    sums = a.sum(1)
    off = np.abs(sums - 1) > 1e-3
    if off.any():
        row = int(np.argmax(off))
        raise ValueError(f"each row of `{name}` must sum to 1 (class probabilities, e.g. a softmax); "
                         f"row {row} sums to {sums[row]:g}.")
    if n is not None and len(a) != n:
        raise ValueError(f"`{name}` must have one row per entry of `{of}` ({n}); got {len(a)}.")
    return a


def same_length(what: str = "one entry per example", **arrays) -> int:
    """Arrays given as `name=array` must have the same length (`what` says why); return it."""
    lengths = {name: len(a) for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        names = " and ".join(f"`{k}`" for k in lengths)
        got = " and ".join(str(v) for v in lengths.values())
        raise ValueError(f"{names} must have the same length ({what}); got {got}.")
    return next(iter(lengths.values()))


def number(x, name: str, low: float | None = None, high: float | None = None, low_open: bool = False,
           high_open: bool = False) -> float:
    """A finite real number (not a bool), optionally within [low, high] (or open at either end)."""
    x = _scalar(x)
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"`{name}` must be a number; got {type(x).__name__}.")
    x = float(x)
    if not np.isfinite(x):
        raise ValueError(f"`{name}` must be a finite number; got {x}.")
    too_low = low is not None and (x <= low if low_open else x < low)
    too_high = high is not None and (x >= high if high_open else x > high)
    if too_low or too_high:
        left, right = "(" if low_open else "[", ")" if high_open else "]"
        if low is not None and high is not None:
            span = f"in {left}{low:g}, {high:g}{right}"
        elif low is not None:
            span = f"{'>' if low_open else '≥'} {low:g}"
        else:
            span = f"{'<' if high_open else '≤'} {high:g}"
        raise ValueError(f"`{name}` must be {span}; got {x:g}.")
    return x


def _scalar(x):
    """A 0-D tensor or NumPy scalar as a Python number (anything else unchanged)."""
    if hasattr(x, "item") and getattr(x, "shape", None) == () or isinstance(x, np.generic):
        return x.item()
    return x


def fraction(x, name: str, example: float = 0.9, open_ends: bool = False) -> float:
    """A fraction in [0, 1] (in (0, 1) with `open_ends`); a percentage such as 95 is refused with a hint."""
    value = number(x, name)
    inside = 0 < value < 1 if open_ends else 0 <= value <= 1
    if not inside:
        span = "(0, 1)" if open_ends else "[0, 1]"
        hint = f" (a percentage? write {value / 100:g} for {value:g} %)" if 1 < value <= 100 else ""
        raise ValueError(f"`{name}` must be a fraction in {span} such as {example:g}; got {value:g}{hint}.")
    return value


def whole(x, name: str, minimum: int = 1) -> int:
    """A whole number ≥ `minimum` (a count, a size, a number of steps); 3.0 is accepted as 3, True is not."""
    x = _scalar(x)
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"`{name}` must be a whole number; got {type(x).__name__}.")
    if not float(x).is_integer():
        raise ValueError(f"`{name}` must be a whole number; got {x:g}.")
    if x < minimum:
        raise ValueError(f"`{name}` must be at least {minimum}; got {int(x)}.")
    return int(x)


def as_inputs(X, name: str, keep_integers: bool = False):
    """Model inputs as a float32 tensor with one row (image, feature vector) per example: non-empty, finite.

    With `keep_integers`, an integer tensor (e.g. token indices) keeps its dtype.
    """
    import torch

    if isinstance(X, torch.Tensor):
        if not (X.is_floating_point() or X.dtype in (torch.uint8, torch.int8, torch.int16, torch.int32,
                                                     torch.int64, torch.bool)):
            raise TypeError(f"`{name}` must be a tensor of numbers; got dtype {X.dtype}.")
        if X.dim() == 0 or len(X) == 0:
            raise ValueError(f"`{name}` is empty: give at least one example (one row per image or feature vector); "
                             f"got shape {tuple(X.shape)}.")
        if X.is_floating_point() and not bool(torch.isfinite(X).all()):
            kind = "NaN" if bool(torch.isnan(X).any()) else "infinite values"
            raise ValueError(f"`{name}` must be finite numbers; got {kind}.")
        return X if X.dtype == torch.float32 or (keep_integers and not X.is_floating_point()) else X.float()
    a = as_numbers(X, name)
    if a.ndim == 0 or len(a) == 0:
        raise ValueError(f"`{name}` is empty: give at least one example (one row per image or feature vector); "
                         f"got shape {_shape(a)}.")
    return as_inputs(torch.as_tensor(finite(a, name)), name, keep_integers)


def as_label_tensor(y, name: str, n: int | None = None, of: str | None = None):
    """Class indices (≥ 0) as an int64 tensor (N,) on the CPU, checked like `as_labels`."""
    import torch

    return torch.as_tensor(as_labels(y, name, n, of, indices=True))


def as_pair(data, name: str, keep_integers: bool = False):
    """A labelled set given as `(X, y)`: returns (inputs as float tensor, labels as int64 tensor), checked together."""
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError(f"`{name}` must be an (X, y) pair of inputs and labels; got {type(data).__name__}"
                        f"{f' of length {len(data)}' if isinstance(data, (tuple, list)) else ''}.")
    X = as_inputs(data[0], f"{name}[0]", keep_integers)
    return X, as_label_tensor(data[1], f"{name}[1]", len(X), f"{name}[0]")


def choice(x, name: str, options) -> None:
    """`x` must be one of `options`."""
    if x not in options:
        listed = ", ".join(repr(o) for o in options)
        raise ValueError(f"`{name}` must be one of {listed}; got {x!r}.")
