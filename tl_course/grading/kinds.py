"""The kinds of graded problem: a value, a function run on hidden cases, a custom check, a choice, a thought."""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path

import numpy as np

from .outcomes import (ANSWER, ERROR, FAIL, NOT_ATTEMPTED, PASS, CheckFailed, LearnerError, NotAttempted, Result,
                       _holds_blank, call_learner, learner_traceback, require_returned)
from .viewing import record_view


class Problem:
    """One graded question. Subclasses implement `check_values(**values)` by raising `CheckFailed`.

    `vars` names the notebook variables the problem reads; `hints` go from gentle to explicit; the `id` comes
    from `with_ids` in the lesson module.
    """

    vars: tuple = ()
    hints: tuple = ()
    graded: bool = True

    def __init__(self, *, vars=(), hints=(), solution: str = "", id: str = ""):
        self.id = id
        self.vars = tuple(vars) if vars else self.vars
        self.hints = tuple(hints) if hints else self.hints
        self._solution_text = solution

    @property
    def solution_text(self) -> str:
        """The model solution: `solution` if given, else this question's block in its solution notebook (shipped in
        problems/solutions.json, read when first shown); reading it counts as viewing it (the grader reports it)."""
        record_view(self.id, "solution")
        return self._solution_text or shipped_solutions().get(self.id, "")

    @solution_text.setter
    def solution_text(self, text: str) -> None:
        self._solution_text = text

    def check_values(self, **values):
        raise NotImplementedError

    def grade(self, namespace: dict) -> Result:
        """Read this problem's variables from `namespace` and return a `Result` (never raises).

        Whatever the learner's answer makes a check raise is a FAIL with a one-line reason, so one strange
        answer never stops the other questions from being graded.
        """
        try:
            values = {}
            for name in self.vars:
                if name not in namespace:
                    raise NotAttempted(f"`{name}` is not defined yet: run the cell where you set it.")
                value = namespace[name]
                if _holds_blank(value):
                    raise NotAttempted(f"`{name}` still holds the blank ____.")
                values[name] = value
            self.check_values(**values)
        except NotAttempted as exc:
            return Result(self.id, NOT_ATTEMPTED, str(exc))
        except CheckFailed as exc:
            return Result(self.id, FAIL, str(exc))
        except LearnerError as err:
            if isinstance(err.exc, TypeError) and "blank (____)" in str(err.exc):
                return Result(self.id, NOT_ATTEMPTED, "your function still contains the blank ____.")
            return Result(self.id, ERROR, "your code raised an error:\n" + learner_traceback(err.exc))
        except (Exception, SystemExit) as exc:  # a check tripped over an answer of an unexpected kind
            return Result(self.id, FAIL, f"{_names(self.vars)} could not be checked: {_one_line(exc)}")
        return Result(self.id, PASS, "")


@functools.cache
def shipped_solutions() -> dict:
    """Return the model answer of every question by id, copied from solutions/ by `python -m tl_course.authoring`."""
    return json.loads((Path(__file__).parents[1] / "problems" / "solutions.json").read_text(encoding="utf-8"))


def _names(names) -> str:
    """Name a problem's variables for a sentence: "`a`" or "`a`, `b`"."""
    return ", ".join(f"`{n}`" for n in names) or "the answer"


def _one_line(exc: BaseException) -> str:
    """Say what `exc` was on one short line."""
    text = str(exc).strip().splitlines()
    text = text[0] if text else ""
    return f"{type(exc).__name__}: {text}"[:200] if text else type(exc).__name__


def _describe(value) -> str:
    """Describe a value briefly for a feedback sentence."""
    if isinstance(value, (np.ndarray,)) or hasattr(value, "shape") and hasattr(value, "dtype"):
        return f"an array of shape {tuple(value.shape)}"
    if isinstance(value, float):
        return f"{value:.4g}"
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "..."


class ValueProblem(Problem):
    """The learner sets one variable to a number (or array); it must match `expected` within a tolerance.

    `fraction=True` adds "you gave a percentage" feedback; `lo`/`hi` give a range instead of a value.
    """

    def __init__(self, var: str, expected=None, *, rtol: float = 1e-6, atol: float = 1e-8,
                 lo: float | None = None, hi: float | None = None, fraction: bool = False,
                 integer: bool = False, shape=None, **kwargs):
        super().__init__(vars=(var,), **kwargs)
        self.var, self.expected, self.rtol, self.atol = var, expected, rtol, atol
        self.lo, self.hi, self.fraction, self.integer, self.shape = lo, hi, fraction, integer, shape

    def expected_value(self):
        """Return the expected value (subclasses may compute it lazily)."""
        return self.expected() if callable(self.expected) else self.expected

    def check_values(self, **values):
        value = values[self.var]
        name = f"`{self.var}`"
        if self.shape is not None:
            arr = np.asarray(value)
            if arr.shape != tuple(self.shape):
                raise CheckFailed(f"{name} should have shape {tuple(self.shape)}, but has shape {arr.shape}.")
            return self._compare_array(arr, name)
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise CheckFailed(f"{name} should be a number, but you gave {_describe(value)}.") from None
        if math.isnan(number):
            raise CheckFailed(f"{name} is NaN: something in the computation divided by zero or failed.")
        if self.integer and number != round(number):
            raise CheckFailed(f"{name} should be a whole number, but you gave {number:g}.")
        if self.fraction and 1 < number <= 100:
            raise CheckFailed(f"{name} looks like a percentage ({number:g}); give a fraction between 0 and 1.")
        if self.lo is not None or self.hi is not None:
            lo = -math.inf if self.lo is None else self.lo
            hi = math.inf if self.hi is None else self.hi
            if not lo <= number <= hi:
                raise CheckFailed(f"{name} = {number:.4g} is outside the expected range [{lo:g}, {hi:g}].")
            return
        expected = float(self.expected_value())
        if not math.isclose(number, expected, rel_tol=self.rtol, abs_tol=self.atol):
            direction = "too high" if number > expected else "too low"
            raise CheckFailed(f"{name} = {number:.6g} is {direction}: off by {abs(number - expected):.3g}.")

    def _compare_array(self, arr, name):
        expected = np.asarray(self.expected_value())
        if not np.allclose(arr, expected, rtol=self.rtol, atol=self.atol):
            worst = np.abs(arr.astype(float) - expected.astype(float)).max()
            raise CheckFailed(f"{name} has the right shape but wrong values (largest difference {worst:.3g}).")


class FunctionProblem(Problem):
    """The learner writes a function; it is run on hidden cases and compared with a reference.

    `cases` is a list of argument tuples (edge cases included); `reference` computes the right answer.
    """

    def __init__(self, var: str, reference, cases, *, rtol: float = 1e-5, atol: float = 1e-6,
                 **kwargs):
        super().__init__(vars=(var,), **kwargs)
        self.var, self.reference, self.cases, self.rtol, self.atol = var, reference, cases, rtol, atol

    def check_values(self, **values):
        fn = values[self.var]
        if not callable(fn):
            raise CheckFailed(f"`{self.var}` should be a function, but you gave {_describe(fn)}.")
        cases = self.cases() if callable(self.cases) else self.cases
        for i, args in enumerate(cases):
            got = require_returned(call_learner(fn, *args), self.var)
            want = self.reference(*args)
            got_arr = np.asarray(got.detach().cpu() if hasattr(got, "detach") else got, dtype=float)
            want_arr = np.asarray(want.detach().cpu() if hasattr(want, "detach") else want, dtype=float)
            self.require_close(i + 1, args, got_arr, want_arr)

    def require_close(self, case: int, args, got: np.ndarray, want: np.ndarray) -> None:
        """Fail unless test case number `case` returned `want`'s shape and values (within rtol/atol)."""
        if got.shape != want.shape:
            raise CheckFailed(f"On test case {case}, `{self.var}` returned shape {got.shape}; expected {want.shape}.")
        if not np.allclose(got, want, rtol=self.rtol, atol=self.atol, equal_nan=False):
            if got.size > 1:
                worst = np.nanmax(np.abs(got - want)) if np.isfinite(got).all() else float("nan")
                raise CheckFailed(f"On test case {case} ({_describe_args(args)}), `{self.var}` returned the right shape "
                                  f"{got.shape} but wrong values (largest difference {worst:.3g}).")
            raise CheckFailed(f"On test case {case} ({_describe_args(args)}), `{self.var}` returned "
                              f"{_describe(float(got))}, expected {_describe(float(want))}.")


def _describe_args(args) -> str:
    """Describe a test case's arguments briefly."""
    return ", ".join(_describe(a) for a in args)


class CustomProblem(Problem):
    """A problem checked by a function `check(**values)` that raises `CheckFailed` with a sentence.

    Use it for behaviour: "the backbone is frozen", "held-out accuracy ≥ X".
    """

    def __init__(self, vars, check, **kwargs):
        super().__init__(vars=vars, **kwargs)
        self._check = check

    def check_values(self, **values):
        self._check(**values)


class ChoiceProblem(Problem):
    """The learner picks one of `options` (a string, case-insensitive); `why` explains the right answer on a miss."""

    def __init__(self, var: str, correct: str, options, *, why: str = "", **kwargs):
        super().__init__(vars=(var,), **kwargs)
        self.var, self.correct, self.options, self.why = var, correct.lower(), [o.lower() for o in options], why

    def check_values(self, **values):
        value = values[self.var]
        choice = str(value).strip().lower()
        if choice not in self.options:
            raise CheckFailed(f"`{self.var}` should be one of {', '.join(map(repr, self.options))}; you gave {value!r}.")
        if choice != self.correct:
            raise CheckFailed(f"{value!r} is not the best answer. {self.why}".strip())


class ThoughtProblem(Problem):
    """A question to think about: no grade; `check()` shows the model answer."""

    graded = False

    def __init__(self, answer: str, **kwargs):
        super().__init__(solution=answer, **kwargs)
        self.answer = answer

    def grade(self, namespace):
        return Result(self.id, ANSWER, self.answer)


def with_ids(module: str, problems: dict) -> dict:
    """Give the problems of a lesson module their stable ids ("03.q1" for key "q1" in `lesson03`); return them."""
    lesson = module.rpartition(".lesson")[2]
    for key, problem in problems.items():
        problem.id = f"{lesson}.{key}"
    return problems
