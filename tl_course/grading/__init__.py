"""Grading: Kaggle-Learn-style checks for the exercise notebooks.

In a notebook::

    from tl_course.grading import ____, exercise
    ex = exercise("01")
    ...
    ex.q1.check()   # PASS / FAIL (with a reason) / NOT ATTEMPTED / ERROR
    ex.q1.hint()    # ex.q1.hint(2) for a stronger hint
    ex.q1.solution()   # recorded: the teacher's grade sheet says the solution was viewed

Problems are declared in `tl_course.problems` (one module per lesson); each has a stable id such as
"01.q2" (lesson module and question key, given by `with_ids`). A problem reads the learner's variable(s)
from the notebook's globals, so checks need no arguments. `python -m tl_course.grade` grades finished
notebooks from the command line, calling the same `Problem.grade` in its own process on values exported
from the notebook's kernel.

The modules: `outcomes` (the blank, statuses, `CheckFailed`), `kinds` (the problem kinds), `binding`
(`exercise()`: problems bound to a notebook's globals), `viewing` (which hints and solutions were shown),
`display` (how verdicts are printed). Everything a notebook, a lesson's problems or the grader uses is
imported from here.
"""

from .binding import (BoundProblem, Exercise, _bound, all_lessons, exercise, problems_for, quiz, registry,
                      report_json)
from .kinds import (ChoiceProblem, CustomProblem, FunctionProblem, Problem, ThoughtProblem, ValueProblem,
                    shipped_solutions, with_ids)
from .outcomes import (ANSWER, ERROR, FAIL, NOT_ATTEMPTED, PASS, CheckFailed, LearnerError, NotAttempted, Result,
                       ____, _holds_blank, call_learner, learner_traceback, require_returned)
from .viewing import _views, record_view, views
