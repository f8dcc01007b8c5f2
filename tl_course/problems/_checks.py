"""Checks shared by the problems of several exercises: numbers, functions run on copies, models, splits.

Every helper raises `CheckFailed` with one sentence naming the variable and what is wrong with it, so a checker
never crashes on an answer of the wrong type.
"""

import copy
import numbers

import numpy as np
import torch

from ..grading import (ChoiceProblem, CheckFailed, CustomProblem, FunctionProblem, _holds_blank, call_learner,
                       require_returned)


# ----------------------------------------------------------------------------------------------
# Values


def kind_of(value) -> str:
    """Name the kind of `value` for a feedback sentence ("a list", "the string '96%'", "an array of shape (3,)")."""
    if isinstance(value, (bool, np.bool_)):
        return f"the boolean {bool(value)}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if callable(value) and not isinstance(value, torch.nn.Module):
        return f"the function {getattr(value, '__name__', type(value).__name__)!r} itself (call it, with parentheses)"
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        return f"{'a tensor' if hasattr(value, 'detach') else 'an array'} of shape {tuple(value.shape)}"
    if isinstance(value, (list, tuple, dict, set)):
        return f"a {type(value).__name__} of {len(value)} item{'s' if len(value) != 1 else ''}"
    return f"a {type(value).__name__}"


def as_number(value, name: str, *, fraction: bool = False, integer: bool = False) -> float:
    """Return the learner's single number `value` as a float; fail with a sentence for anything else."""
    label = f"`{name}`"
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype != bool:
        value = value.item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        extra = ""
        if isinstance(value, str) and value.strip().endswith("%"):
            extra = " Give a plain number (a fraction between 0 and 1), not text with a % sign."
        elif isinstance(value, str):
            extra = " Give the number itself, not text."
        elif hasattr(value, "shape") and getattr(value, "dtype", None) == bool:
            extra = " Average it (`.mean()`) to get one number."
        raise CheckFailed(f"{label} should be a single number, but it is {kind_of(value)}.{extra}")
    number = float(value)
    if np.isnan(number):
        raise CheckFailed(f"{label} is NaN: something in the computation divided by zero or failed.")
    if integer and number != round(number):
        raise CheckFailed(f"{label} should be a whole number, but you gave {number:g}.")
    if fraction and 1 < number <= 100:
        raise CheckFailed(f"{label} = {number:g} looks like a percentage; give a fraction between 0 and 1.")
    if fraction and not 0 <= number <= 1:
        raise CheckFailed(f"{label} = {number:g} is not a fraction between 0 and 1.")
    return number


def as_float_array(value, what: str) -> np.ndarray:
    """Return `value` (a number, array, tensor, or list/tuple of them) as a float array; fail for anything else."""
    if isinstance(value, (str, bytes, dict, set)) or isinstance(value, (bool, np.bool_)) or callable(value):
        raise CheckFailed(f"{what} {kind_of(value)}, not a number or an array of numbers.")
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    if isinstance(value, (list, tuple)):
        value = [v.detach().cpu().numpy() if hasattr(v, "detach") else v for v in value]
    try:
        arr = np.asarray(value)
        if arr.dtype == bool:
            raise CheckFailed(f"{what} True/False values, not numbers.")
        if arr.dtype.kind in "USO":
            raise CheckFailed(f"{what} {kind_of(value)} holding text or other objects, not numbers.")
        return arr.astype(float)
    except (TypeError, ValueError):
        raise CheckFailed(f"{what} {kind_of(value)}, not a number or an array of numbers.") from None


def as_index_array(value, what: str) -> np.ndarray:
    """Return `value` (a list, array or tensor of whole numbers) as a 1-D integer array; fail for anything else."""
    if isinstance(value, (str, bytes, dict, set, bool)) or callable(value):
        raise CheckFailed(f"{what} {kind_of(value)}, not a list or array of indices.")
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        raise CheckFailed(f"{what} {kind_of(value)}, not a list or array of indices.") from None
    if arr.dtype == bool:
        raise CheckFailed(f"{what} a boolean mask; give the positions (e.g. with `np.flatnonzero`).")
    if arr.ndim != 1 or (arr.size and not np.issubdtype(arr.dtype, np.integer)):
        raise CheckFailed(f"{what} an array of dtype {arr.dtype} and shape {arr.shape}, not a 1-D array of "
                          "integer indices.")
    return arr.astype(np.int64)


def _same_value(a, b) -> bool:
    """Tell whether two test-case arguments hold the same values (arrays, tensors, dicts of them, scalars)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_value(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b))
    if hasattr(a, "detach") or hasattr(b, "detach") or isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        x = np.asarray(a.detach().cpu() if hasattr(a, "detach") else a)
        y = np.asarray(b.detach().cpu() if hasattr(b, "detach") else b)
        return x.shape == y.shape and np.array_equal(x, y, equal_nan=True)
    return a == b


class Function(FunctionProblem):
    """A `FunctionProblem` that runs the reference and the learner's function each on its own copy of a case.

    So an answer that updates an argument in place is compared with the reference on the original values;
    with `pure=True` such an answer fails (the function must not change what it was given). A returned value of
    the wrong type fails with a sentence instead of crashing the check.
    """

    def __init__(self, *args, pure: bool = False, returns_float: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.pure, self.returns_float = pure, returns_float

    def check_values(self, **values):
        fn = values[self.var]
        if not callable(fn):
            raise CheckFailed(f"`{self.var}` should be a function, but it is {kind_of(fn)}.")
        cases = self.cases() if callable(self.cases) else self.cases
        for i, args in enumerate(cases, start=1):
            want = np.asarray(self.reference(*copy.deepcopy(args)), dtype=float)
            given = copy.deepcopy(args)
            got = require_returned(call_learner(fn, *given), self.var)
            if self.pure and not _same_value(given, args):
                raise CheckFailed(f"On test case {i}, `{self.var}` changed its arguments in place: work on a copy "
                                  "(or on new arrays), so the caller's data stay as they were.")
            if self.returns_float and (isinstance(got, (bool, np.bool_)) or not isinstance(got, numbers.Real)):
                raise CheckFailed(f"On test case {i}, `{self.var}` returned {kind_of(got)}; return a float "
                                  "(e.g. with `float(...)`).")
            self.require_close(i, args, as_float_array(got, f"On test case {i}, `{self.var}` returned"), want)


# ----------------------------------------------------------------------------------------------
# Models


def require_cnn(model, num_classes: int | None = None) -> None:
    """`model` must be a network with the course's `features`/`head` split (and `num_classes` outputs)."""
    if not isinstance(model, torch.nn.Module) or not hasattr(model, "features") or not hasattr(model, "head"):
        raise CheckFailed("`model` should be the pretrained CNN (with `.features` and `.head`), not "
                          f"{kind_of(model)}.")
    if num_classes is not None:
        out = getattr(model.head, "out_features", None)
        if not isinstance(model.head, torch.nn.Linear):
            raise CheckFailed(f"`model.head` should be one linear layer (`models.replace_head`), not "
                              f"{type(model.head).__name__}.")
        if out != num_classes:
            raise CheckFailed(f"`model.head` has {out} outputs; the digits have {num_classes} classes "
                              f"(`models.replace_head(model, {num_classes})`).")


def cpu_copy(model):
    """A copy of the learner's model on the CPU, so a check never moves or switches the learner's own model."""
    try:
        return copy.deepcopy(model).cpu()
    except Exception as exc:  # a model holding something that cannot be copied: say so instead of crashing
        raise CheckFailed(f"`model` could not be copied for checking ({type(exc).__name__}: {exc}).") from None


def same_tensor(a, b) -> bool:
    """Equal shape and values (on the CPU, as floats)."""
    return a.shape == b.shape and torch.allclose(a.detach().float().cpu(), b.detach().float().cpu())


def require_untouched(module, reference, what: str) -> None:
    """A frozen `module` must hold exactly `reference`'s weights and BatchNorm statistics; `what` names it."""
    state, ref_state = module.state_dict(), reference.state_dict()
    changed = [k for k in ref_state if k not in state or not same_tensor(state[k], ref_state[k])]
    if changed and all("running_" in k or "num_batches" in k for k in changed):
        raise CheckFailed(f"{what}'s BatchNorm statistics drifted during training ({changed[0]}): "
                          "`requires_grad=False` is not enough — `models.freeze` also keeps frozen layers in "
                          "evaluation mode, so their statistics stay fixed.")
    if changed:
        raise CheckFailed(f"{what}'s weights changed ({changed[0]}): it was trained, not frozen, or it is not the "
                          "`cnn-printed-digits` model.")


def head_similarity(head, reference_head) -> float:
    """Cosine similarity of two heads' weight matrices: near 1 for a fine-tuned old head, near 0 for a new one."""
    w, w0 = head.weight.detach().float().cpu().flatten(), reference_head.weight.detach().float().cpu().flatten()
    if w.shape != w0.shape:
        return 0.0
    return float(w @ w0 / (w.norm() * w0.norm() + 1e-12))


def accuracy(model, X, y) -> float:
    """Accuracy of (a CPU copy of) `model` on (X, y), in evaluation mode."""
    from ..train import evaluate

    return evaluate(cpu_copy(model), (X, y), device="cpu")["acc"]


# ----------------------------------------------------------------------------------------------
# Splits


def require_split(parts: dict, y, per_class: dict, unit: str = "images") -> dict:
    """The given index sets must be disjoint, valid, and hold `per_class[name]` examples of every class of `y`.

    `parts` maps a variable name to the learner's indices; returns them as integer arrays. This catches an answer
    that re-assigned a split (e.g. `val_idx = test_idx`) before the reference is computed from it.
    """
    y = np.asarray(y.detach().cpu() if hasattr(y, "detach") else y)
    arrays = {name: as_index_array(idx, f"`{name}` is") for name, idx in parts.items()}
    classes = np.unique(y)
    for name, idx in arrays.items():
        if len(idx) and (idx.min() < 0 or idx.max() >= len(y)):
            raise CheckFailed(f"`{name}` holds index {idx.max()}, outside the {len(y)} {unit}: keep the split given.")
        if len(set(idx.tolist())) != len(idx):
            raise CheckFailed(f"`{name}` holds an index twice: keep the split given in the notebook.")
        counts = np.array([(y[idx] == c).sum() for c in classes])
        if (counts != per_class[name]).any():
            raise CheckFailed(f"`{name}` should hold {per_class[name]} {unit} of every class, as the notebook made "
                              f"it, but it holds {counts.min()}-{counts.max()}: keep the split given.")
    names = list(arrays)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            if set(arrays[a].tolist()) & set(arrays[b].tolist()):
                raise CheckFailed(f"`{a}` and `{b}` share {unit}: the splits must stay disjoint, as the notebook "
                                  "made them.")
    return arrays


class CustomCheck(CustomProblem):
    """A `CustomProblem` that also passes `optional` variables to its check: their value, or None if unset.

    For evidence a check can use when the learner kept it (e.g. the fitted `probe` behind a `probe_acc`)
    without marking an answer as not attempted when it is missing. `in_kernel=True` marks a check that must run
    where the learner's objects live (it back-propagates through the learner's function, instantiates a class the
    notebook defined, or gets back objects that cannot be sent as values): the command-line grader runs it in the
    learner's kernel and reads back its verdict.
    """

    def __init__(self, vars, check, *, optional=(), in_kernel=False, **kwargs):
        super().__init__(vars, check, **kwargs)
        self.optional = tuple(optional)
        self.in_kernel = in_kernel  # the check needs the learner's live objects (see `tl_course.grade.judge`)
        self._extra = {}

    def grade(self, namespace):
        self._extra = {name: namespace.get(name) for name in self.optional}
        self._extra = {k: (None if _holds_blank(v) else v) for k, v in self._extra.items()}
        try:
            return super().grade(namespace)
        finally:
            self._extra = {}

    def check_values(self, **values):
        self._check(**values, **self._extra)


# ----------------------------------------------------------------------------------------------
# Self-check questions at the end of a lesson


def self_check(var: str, correct: str, options, why: str, hints=()) -> ChoiceProblem:
    """A multiple-choice question checked in place in a lesson (`QUIZ` of its problems module): its solution is the
    right letter and `why`, shown on a miss as well."""
    return ChoiceProblem(var, correct, options, why=why, hints=tuple(hints),
                         solution=f'{var} = "{correct}"\n# {why}')


# ----------------------------------------------------------------------------------------------
# Grader-built problems on which a choice made on the test rows gives another number (02.q3, 08.q3)


def c_sensitive_rows(P, rng, tie: bool = False):
    """Pick validation and test rows from a pool scored by three fits (`P`: their predictions, low to high C).

    Validation rows: 6 where the low C alone predicts differently (labelled as it predicts) and 12 where all three
    agree (10 labelled as predicted, 2 against), so validation chooses the low C; with `tie`, 18 agreeing rows
    instead (16 as predicted), so the three tie on validation and the rule "ties go to the smallest C" chooses the
    low C (an answer that breaks the tie with the test rows does not). Test rows: 8 where the high C alone differs
    and 6 where the low C alone differs (both labelled as the high C predicts), 19 where all agree (16 as
    predicted, 3 against), so the test set would choose the high C. Returns `(val, val_y, test, test_y, unused)`:
    pool rows and their labels, and 20 agreeing rows for no split.
    """
    agree = rng.permutation(np.flatnonzero((P[0] == P[1]) & (P[1] == P[2])))
    only_low = rng.permutation(np.flatnonzero((P[0] != P[1]) & (P[1] == P[2])))   # the low C alone predicts these
    only_high = rng.permutation(np.flatnonzero((P[2] != P[1]) & (P[1] == P[0])))  # the high C alone predicts these
    val = agree[60:78] if tie else np.r_[only_low[:6], agree[:12]]
    val_y = np.r_[P[0, val[:16]], 1 - P[0, val[16:]]]
    test = np.r_[only_high[:8], only_low[6:12], agree[12:31]]
    test_y = np.r_[P[2, test[:30]], 1 - P[2, test[30:]]]
    unused = agree[31:51]
    return val, val_y, test, test_y, unused


def shuffled_split(rng, n_train: int, n_val: int, n_test: int, n: int):
    """Shuffle `n` rows laid out as train, validation, test, then rows in no split: return the new order and each
    split's row numbers in it (int64 arrays, themselves in no order)."""
    order = rng.permutation(n)
    where = np.argsort(order)  # row i of the layout is row where[i] of the shuffled set
    bounds = np.cumsum([0, n_train, n_val, n_test])
    return order, [rng.permutation(where[a:b]).astype(np.int64) for a, b in zip(bounds[:-1], bounds[1:])]


def call_on_copies(fn, args, names, fn_name: str, what: str) -> float:
    """Call the learner's `fn` on copies of `args` (named `names`); it must leave them unchanged and return a
    fraction."""
    given = copy.deepcopy(args)
    got = require_returned(call_learner(fn, *given), fn_name)
    changed = [name for name, a, b in zip(names, given, args) if not _same_value(a, b)]
    if changed:
        raise CheckFailed(f"On {what}, `{fn_name}` changed its argument `{changed[0]}` in place: work on copies "
                          "(indexing makes new arrays), so the caller's data stay as they were.")
    return as_number(got, f"{fn_name}(...) on {what}", fraction=True)


def reordered(args):
    """The same problem `(data, y, train_idx, val_idx, test_idx)` with each index array in another order (tensors
    stay tensors): an accuracy must not change, unless the labels were picked out of line with the rows."""
    out = list(args)
    for k in (2, 3, 4):
        idx = args[k]
        perm = np.random.default_rng(k).permutation(len(idx))
        out[k] = idx[torch.as_tensor(perm)] if isinstance(idx, torch.Tensor) else np.asarray(idx)[perm]
    return tuple(out)


def require_order_free(fn, args, first: float, names, fn_name: str, what: str) -> None:
    """Call `fn` on `reordered(args)`: its result must be `first` again."""
    again = call_on_copies(fn, reordered(args), names, fn_name, what)
    if not np.isclose(again, first, rtol=0, atol=1e-6):
        raise CheckFailed(f"On {what}, `{fn_name}` returned {first:.4f}, and {again:.4f} for the same rows given in "
                          "another order: an accuracy cannot depend on the order of the indices. Pick the labels "
                          "with the same indices as the rows (`y[test_idx]`, not sorted or sliced).")


class HonestSplit:
    """The exercise "fit on the training rows, choose C on the validation rows, score the test rows" (02.q3, 08.q3).

    `fit(rows, val_rows=None, Cs=None)` returns a probe fitted on `rows` (C chosen on `val_rows`, or the middle of
    `Cs` without them), `score(probe, rows)` its accuracy on `rows`; `fn_name` is the learner's function, `probe_name`
    the package function it should call, `unit` what a row is ("rows", "sentences"), `tol` how far a right number may
    be from the reference (float32 arithmetic, never a rounding).
    """

    def __init__(self, fn_name: str, names, probe_name: str, unit: str, Cs, tol: float):
        self.fn_name, self.names, self.probe_name = fn_name, names, probe_name
        self.unit, self.Cs, self.tol = unit, Cs, tol

    def close(self, a: float, b: float) -> bool:
        return bool(np.isclose(a, b, rtol=0, atol=self.tol))

    def reference(self, fit, score, tr, va, te) -> float:
        return score(fit(tr, va), te)

    def mistake(self, value: float, fit, score, tr, va, te) -> str:
        """Name the usual slip whose number `value` is, or return ""."""
        unit, probe = self.unit, fit(tr, va)
        both = np.concatenate([tr, va])
        candidates = [
            (lambda: score(fit(tr, te), te),
             f"the test accuracy of a probe whose C was chosen on the *test* {unit}: choose C on `val_idx`, and use "
             f"the test {unit} for the final score only"),
            (lambda: max(score(fit(tr, Cs=(C,)), te) for C in self.Cs),
             "the best test accuracy over the values of C: the test set chose C"),
            (lambda: score(probe, va),
             f"the validation accuracy; the validation {unit} chose C, score the test {unit}"),
            (lambda: score(probe, tr), f"the training accuracy; score the test {unit} instead"),
            (lambda: score(fit(both, va), te),
             f"the score of a probe trained on the training *and* validation {unit}: train on `train_idx` only"),
            (lambda: score(fit(te, va), te),
             f"the score of a probe trained on the test {unit}: train on `train_idx` only"),
            (lambda: score(fit(tr), te), f"the score of a probe with the default C: pass the validation {unit} so "
             f"that `{self.probe_name}` chooses C"),
            (lambda: 1 - score(probe, te), "the error rate (1 − accuracy), not the accuracy"),
        ]
        for number, why in candidates:
            if self.close(value, number()):
                return why
        honest = score(probe, te)
        if any(self.close(value, round(honest, digits)) for digits in (2, 3, 4)):
            return "the accuracy rounded: return the exact fraction"
        return ""

    def check_function(self, fn, cases, task, *, own_value: float, own_args, own_names: str) -> None:
        """Run the learner's `fn` on the grader's problems and on the notebook's split.

        `cases` are `(args, what)` pairs (grader-built problems on which a slip gives another number), `task(args)`
        returns `(fit, score, tr, va, te)` for a problem. On each, `fn` must return the reference's number and the
        same number for the indices in another order. Then `fn(*own_args)` (the notebook's split, `own_names` in
        words) must return `own_value`, the reference's number there; a function that returns that number on the
        grader's problems ignores its arguments.
        """
        if not callable(fn):
            raise CheckFailed(f"`{self.fn_name}` should be a function, but it is {kind_of(fn)}.")
        for args, what in cases:
            got = call_on_copies(fn, args, self.names, self.fn_name, what)
            fit, score, tr, va, te = task(args)
            expected = self.reference(fit, score, tr, va, te)
            if self.close(got, expected):
                require_order_free(fn, args, got, self.names, self.fn_name, what)
                continue
            why = self.mistake(got, fit, score, tr, va, te)
            if not why and self.close(got, own_value):
                why = (f"the number of the notebook's own split: the function must use its arguments, not the "
                       f"notebook's {own_names}")
            raise CheckFailed(f"On {what}, `{self.fn_name}` returned {got:.4f}, expected {expected:.4f}"
                              + (f": that is {why}." if why else f": fit `{self.probe_name}` on the training "
                                 f"{self.unit} with C chosen on the validation {self.unit}, and score it on the test "
                                 f"{self.unit}."))
        got = call_on_copies(fn, own_args, self.names, self.fn_name, "the notebook's split")
        if not self.close(got, own_value):
            raise CheckFailed(f"On the notebook's {own_names} and split, `{self.fn_name}` returned {got:.4f}, but "
                              f"`{self.probe_name}` trained on `train_idx`, C chosen on `val_idx`, scores "
                              f"{own_value:.4f} on `test_idx`.")

    def check_number(self, value: float, var: str, own_value: float, fit, score, tr, va, te, call: str) -> None:
        """`value` (the learner's `var`) must be `own_value`, the reference's number on the notebook's split."""
        if self.close(value, own_value):
            return
        why = self.mistake(value, fit, score, tr, va, te)
        if why:
            raise CheckFailed(f"`{var}` is {why}.")
        raise CheckFailed(f"`{var}` = {value:.4f} is not the test accuracy of `{self.probe_name}` trained on "
                          f"`train_idx` with C chosen on `val_idx` (your function scores {own_value:.4f} on the "
                          f"notebook's split): set it with `{call}`.")
