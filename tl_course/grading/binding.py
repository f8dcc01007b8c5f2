"""Binding a lesson's problems to a notebook: `exercise("01")` reads the notebook's globals as `ex.q1`, `ex.q2`, ..."""

from __future__ import annotations

import importlib
import json
import sys

from .display import show, show_view
from .kinds import Problem
from .outcomes import ANSWER, PASS, Result
from .viewing import record_view


class BoundProblem:
    """A problem bound to the notebook's globals: what the learner calls as `ex.q1`."""

    def __init__(self, problem: Problem, namespace: dict):
        self.problem, self._ns, self.result = problem, namespace, None

    def check(self) -> None:
        """Grade the current answer and print the verdict (kept in `.result`)."""
        self.result = self.problem.grade(self._ns)
        show(self.result)

    def passed(self) -> bool:
        """Tell, without printing, whether the current answer passes."""
        return self.problem.grade(self._ns).status == PASS

    def hint(self, level: int = 1) -> str:
        """Print hint number `level` (1 = gentlest)."""
        hints = self.problem.hints or ("No hint for this one: re-read the lesson section it links to.",)
        level = max(1, min(level, len(hints)))
        more = f" (ex.{self.problem.id.split('.')[-1]}.hint({level + 1}) for more)" if level < len(hints) else ""
        text = f"Hint {level}/{len(hints)}: {hints[level - 1]}{more}"
        record_view(self.problem.id, "hint")
        show_view(text, self.problem.id, "hint")
        return text

    def solution(self) -> str:
        """Print the model solution (the grader reports that it was viewed)."""
        text = f"Solution:\n{self.problem.solution_text}"
        show_view(text, self.problem.id, "solution")
        return text

    def __repr__(self):
        return f"<problem {self.problem.id}: call .check(), .hint() or .solution()>"


class Exercise:
    """The problems of one lesson, bound to a notebook namespace (`ex.q1`, `ex.q2`, ...)."""

    def __init__(self, lesson: str, problems: dict, namespace: dict):
        self.lesson, self._problems, self._ns = lesson, problems, namespace
        for key, problem in problems.items():
            setattr(self, key, BoundProblem(problem, namespace))

    def grade_all(self) -> list[Result]:
        """Grade every problem against the current namespace (without printing)."""
        return [p.grade(self._ns) for p in self._problems.values()]

    def progress(self) -> None:
        """Print a one-line-per-question summary of where the learner stands."""
        results = self.grade_all()
        graded = [r for r in results if r.status != ANSWER]
        done = sum(r.status == PASS for r in graded)
        lines = [f"Exercise {self.lesson}: {done}/{len(graded)} graded questions passed"]
        lines += [f"  {r.problem_id:<8}{r.status}" for r in results]
        print("\n".join(lines))

    def __repr__(self):
        return f"<exercise {self.lesson}: {', '.join(self._problems)}>"


_bound: list = []  # every Exercise bound in this process; the command-line grader reports a mismatch


def problems_for(lesson: str) -> dict:
    """Return the `{"q1": Problem, ...}` registry of one lesson, e.g. "01"."""
    try:
        module = importlib.import_module(f"tl_course.problems.lesson{lesson}")
    except ModuleNotFoundError:
        known = ", ".join(all_lessons()) or "none"
        raise ValueError(f"No exercise {lesson!r}: the lessons with exercises are {known}.") from None
    return module.PROBLEMS


def quiz(lesson: str, namespace: dict | None = None) -> Exercise:
    """Bind a lesson's self-check questions (`QUIZ` in its problems module: `check.c1`, `check.c2`, ...) to the notebook.

    The questions at the end of a lesson, checked in place; they are not part of the graded exercise.
    """
    module = importlib.import_module(f"tl_course.problems.lesson{lesson}") if lesson in all_lessons() else None
    questions = getattr(module, "QUIZ", None)
    if not questions:
        with_quiz = ", ".join(n for n in all_lessons() if getattr(importlib.import_module(
            f"tl_course.problems.lesson{n}"), "QUIZ", None)) or "none"
        raise ValueError(f"Lesson {lesson!r} has no self-check questions; the lessons with them are {with_quiz}.")
    return Exercise(f"{lesson} self-check", questions, sys._getframe(1).f_globals if namespace is None else namespace)


def all_lessons() -> list[str]:
    """List the lessons that have graded exercises."""
    import pkgutil

    from .. import problems

    return sorted(m.name.removeprefix("lesson") for m in pkgutil.iter_modules(problems.__path__)
                  if m.name.startswith("lesson"))


def registry() -> dict:
    """Return every problem of every lesson by its stable id, e.g. `{"01.q1": Problem, ...}`."""
    return {p.id: p for lesson in all_lessons() for p in problems_for(lesson).values()}


def exercise(lesson: str, namespace: dict | None = None) -> Exercise:
    """Bind the problems of `lesson` to the calling notebook's globals and return them."""
    if namespace is None:
        namespace = sys._getframe(1).f_globals  # the notebook's (or script's) globals
    ex = Exercise(lesson, problems_for(lesson), namespace)
    _bound.append(ex)
    return ex


def report_json() -> str:
    """Grade every bound exercise and return the results as JSON.

    Kept for notebooks that call it; `python -m tl_course.grade` does not read it (a notebook could forge it).
    """
    rows = [{"id": r.problem_id, "status": r.status, "message": r.message}
            for ex in _bound for r in ex.grade_all()]
    return json.dumps(rows)
