"""What a check can say: the `____` blank, the statuses, `CheckFailed`, and the learner's own errors."""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path


class _Placeholder:
    """The `____` blank in exercise cells: a value the learner has not filled in yet."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self):
        return "____"

    def __bool__(self):
        raise TypeError("A blank (____) is still in this code: replace it with your answer first.")

    def __call__(self, *args, **kwargs):
        raise TypeError("A blank (____) is still in this code: replace it with your answer first.")


____ = _Placeholder()

PASS, FAIL, NOT_ATTEMPTED, ERROR, ANSWER = "PASS", "FAIL", "NOT ATTEMPTED", "ERROR", "ANSWER SHOWN"


class CheckFailed(AssertionError):
    """Raised by a problem's check with a sentence for the learner."""


class NotAttempted(Exception):
    """Raised when a variable still holds the blank, or does not exist yet."""


class LearnerError(Exception):
    """Wraps an exception raised by the learner's own code (a function under test)."""

    def __init__(self, exc: BaseException):
        super().__init__(str(exc))
        self.exc = exc


@dataclass
class Result:
    """The outcome of one check: a status and a sentence."""

    problem_id: str
    status: str
    message: str = ""

    def __str__(self):
        return f"[{self.problem_id}] {self.status}" + (f": {self.message}" if self.message else "")


def learner_traceback(exc: BaseException) -> str:
    """Format `exc` showing only the learner's frames, not tl_course's or a library's internals."""
    if getattr(exc, "learner_traceback", None):  # raised in the learner's kernel, formatted there
        return exc.learner_traceback
    package_dir = str(Path(__file__).resolve().parents[1])  # tl_course/
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if not str(Path(f.filename).resolve()).startswith(package_dir) and "site-packages" not in f.filename]
    lines = traceback.format_list(frames[-2:]) if frames else []
    return "".join(lines) + f"{type(exc).__name__}: {exc}"


def call_learner(fn, *args, **kwargs):
    """Call the learner's function; wrap anything it raises in `LearnerError`."""
    try:
        return fn(*args, **kwargs)
    except (Exception, SystemExit) as exc:  # the learner's code may raise anything; we report it, not crash
        raise LearnerError(exc) from exc


def _holds_blank(value) -> bool:
    """Tell whether `value` is the blank, or a tuple/list/dict containing it."""
    if value is ____:
        return True
    if isinstance(value, (tuple, list)):
        return any(v is ____ for v in value)
    if isinstance(value, dict):
        return any(v is ____ for v in value.values())
    return False


def require_returned(got, var: str, none_ok: bool = False):
    """Return what the learner's function `var` returned; the blank means not attempted, None a missing `return`."""
    if got is ____:
        raise NotAttempted(f"`{var}` still returns the blank ____.")
    if got is None and not none_ok:
        raise CheckFailed(f"`{var}` returned None: did you forget `return`?")
    return got
