"""Each lesson's header gives its time, and it ends with ≥ 3 self-check questions checked in place (`quiz`)."""

import importlib
import re
from pathlib import Path

import nbformat
import pytest

from tl_course.grading import FAIL, NOT_ATTEMPTED, PASS, ChoiceProblem, ____, quiz

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))


def quizzes() -> dict:
    """Every lesson's QUIZ problems by id."""
    found = {}
    for path in LESSONS:
        module = importlib.import_module(f"tl_course.problems.lesson{path.name[:2]}")
        found.update({p.id: p for p in getattr(module, "QUIZ", {}).values()})
    return found


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_states_its_time_and_checks_its_quiz_in_place(path):
    number = path.name[:2]
    cells = nbformat.read(path, as_version=4).cells
    assert re.search(r"\*\*Time:\*\* about \d+ minutes", cells[0].source), f"{path.name}: no '**Time:** about N minutes'"
    module = importlib.import_module(f"tl_course.problems.lesson{number}")
    questions = getattr(module, "QUIZ", {})
    assert len(questions) >= 3, f"{path.name}: fewer than 3 self-check questions (QUIZ in problems/lesson{number}.py)"
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    markdown = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    assert f'quiz("{number}")' in code and "## Check yourself" in markdown
    for key, problem in questions.items():
        assert problem.id == f"{number}.{key}" and key.startswith("c")
        assert f"check.{key}.check()" in code, f"{path.name}: check.{key} is never checked"
        assert re.search(rf"^{problem.var} = ____", code, re.M), f"{path.name}: no blank for `{problem.var}`"


@pytest.mark.parametrize("pid", sorted(quizzes()))
def test_self_check_passes_its_answer_and_explains_every_miss(pid):
    problem = quizzes()[pid]
    assert isinstance(problem, ChoiceProblem) and problem.why, "a self-check question explains its answer"
    var, correct = problem.var, problem.correct
    assert problem.grade({var: correct}).status == PASS
    assert problem.grade({var: f" {correct.upper()} "}).status == PASS
    for other in problem.options:
        if other != correct:
            result = problem.grade({var: other})
            assert result.status == FAIL and problem.why in result.message
    assert problem.grade({var: "zz"}).status == FAIL
    assert problem.grade({var: ____}).status == NOT_ATTEMPTED and problem.grade({}).status == NOT_ATTEMPTED
    assert problem.solution_text.startswith(f'{var} = "{correct}"')


def test_quiz_names_the_lessons_that_have_one():
    with pytest.raises(ValueError, match="self-check"):
        quiz("99", namespace={})
    check = quiz("09", namespace={"rare_metric": "b"})
    assert check.c1.passed() and not check.c2.passed()


def test_answers_are_spread_over_the_options():
    """Not every right answer is the same letter: a learner guessing 'b' everywhere must not pass a lesson's quiz."""
    for path in LESSONS:
        module = importlib.import_module(f"tl_course.problems.lesson{path.name[:2]}")
        answers = [p.correct for p in getattr(module, "QUIZ", {}).values()]
        if len(answers) >= 3:
            assert len(set(answers)) >= 2, f"{path.name}: every self-check answer is {answers[0]!r}"
