"""The exercise generator, on small fixture notebooks."""

import shutil
from pathlib import Path

import nbformat
import pytest

from tl_course import authoring, grading
from tl_course.authoring import make_exercise, solution_texts, stub_code

ROOT = Path(__file__).resolve().parents[1]


def test_assignment_block_becomes_blank():
    src = "x = 1\n# BEGIN SOLUTION\na = x + 1\nb, c = 2, 3\na += 1\n# END SOLUTION\nex.q1.check()"
    out = stub_code(src)
    assert out == "x = 1\n# YOUR CODE HERE\na = ____\nb = ____\nc = ____\nex.q1.check()"


def test_function_body_keeps_signature_and_returns_blank():
    src = ('def f(x):\n    """Doc."""\n    # BEGIN SOLUTION\n    y = x * 2\n    return y\n    # END SOLUTION\n')
    out = stub_code(src)
    assert out == 'def f(x):\n    """Doc."""\n    # YOUR CODE HERE\n    y = ____\n    return ____'


def test_statements_without_assignment_leave_only_the_marker():
    assert stub_code("# BEGIN SOLUTION\nmodel.fit(X)\n# END SOLUTION") == "# YOUR CODE HERE"


@pytest.mark.parametrize("bad", ["# BEGIN SOLUTION\nx = 1", "x = 1\n# END SOLUTION",
                                 "# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION"])
def test_unbalanced_markers_raise(bad):
    with pytest.raises(ValueError, match="SOLUTION"):
        stub_code(bad)


def test_solution_only_cells_and_lines_are_dropped():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title\nSolution notebook <!-- solution-only -->\nKeep me"),
        nbformat.v4.new_code_cell("secret = 42", metadata={"tags": ["solution-only"]}),
        nbformat.v4.new_code_cell("# BEGIN SOLUTION\nanswer = 1\n# END SOLUTION"),
    ])
    out = make_exercise(nb, "07_demo.ipynb")
    assert len(out.cells) == 2
    assert "Solution notebook" not in out.cells[0].source and "Keep me" in out.cells[0].source
    assert "solutions/07_demo.ipynb" in out.cells[0].source
    assert out.cells[1].source == "# YOUR CODE HERE\nanswer = ____"
    assert "secret" not in nbformat.writes(out)


def test_model_answer_is_the_block_of_the_cell_that_checks_the_question():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1\n# BEGIN SOLUTION\ntotal = x + 1\n# END SOLUTION\nex.q2.check()"),
        nbformat.v4.new_code_cell('import numpy as np\n\ndef f(x):\n    """Doc."""\n    # BEGIN SOLUTION\n'
                                  "    if x:\n        return 2 * x\n    return 0\n    # END SOLUTION\n\nex.q1.check()"),
        nbformat.v4.new_code_cell("ex.q3.check()"),
    ])
    assert solution_texts(nb) == {"q2": "total = x + 1",
                                  "q1": "def f(x):\n    if x:\n        return 2 * x\n    return 0"}


def test_a_class_with_two_blocks_keeps_its_skeleton_and_shows_both_blocks():
    src = ("class Net(nn.Module):\n    def __init__(self, old):\n        super().__init__()\n        # BEGIN SOLUTION\n"
           "        self.old = freeze(old)\n        self.parts[0] = 1\n        # END SOLUTION\n\n"
           "    def forward(self, x):\n        # BEGIN SOLUTION\n        return self.old(x)\n        # END SOLUTION\n\n"
           "ex.q3.check()")
    assert stub_code(src) == ("class Net(nn.Module):\n    def __init__(self, old):\n        super().__init__()\n"
                              "        # YOUR CODE HERE\n        self.old = ____\n        self.parts[0] = ____\n\n"
                              "    def forward(self, x):\n        # YOUR CODE HERE\n        return ____\n\nex.q3.check()")
    text = solution_texts(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src)]))["q3"]
    assert text == ("def __init__(self, old):\n    self.old = freeze(old)\n    self.parts[0] = 1\n\n"
                    "def forward(self, x):\n    return self.old(x)")


@pytest.mark.parametrize("cells", [["# BEGIN SOLUTION\na = 1\n# END SOLUTION"],
                                   ["# BEGIN SOLUTION\na = 1\n# END SOLUTION\nex.q1.check()\nex.q2.check()"],
                                   ["# BEGIN SOLUTION\na = 1\n# END SOLUTION\nex.q1.check()"] * 2])
def test_a_block_must_answer_exactly_one_question_once(cells):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    with pytest.raises(ValueError, match="(?i)question"):
        solution_texts(nb)


@pytest.mark.parametrize("lesson", grading.all_lessons())
def test_every_question_shows_the_block_of_its_solution_notebook(lesson):
    (path,) = (ROOT / "solutions").glob(f"{lesson}_*.ipynb")
    blocks = solution_texts(nbformat.read(path, as_version=4))
    problems = grading.problems_for(lesson)
    assert set(blocks) == {key for key, problem in problems.items() if problem.graded}
    for key, text in blocks.items():
        assert problems[key].solution_text == text, f"{lesson}.{key} differs: run python -m tl_course.authoring"


def test_a_changed_solution_block_makes_the_shipped_answers_stale(tmp_path):
    for folder in ("solutions", "exercises"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shipped = tmp_path / authoring.SOLUTION_TEXTS
    shipped.parent.mkdir(parents=True)
    shutil.copy(ROOT / authoring.SOLUTION_TEXTS, shipped)
    assert authoring.generate_all(tmp_path, check=True) == []
    notebook = tmp_path / "solutions" / "03_feature_extraction.ipynb"
    notebook.write_text(notebook.read_text().replace("return fmap.mean((2, 3))", "return fmap.mean(dim=(2, 3))"))
    assert authoring.generate_all(tmp_path, check=True) == [str(shipped)]
    authoring.generate_all(tmp_path)
    assert "fmap.mean(dim=(2, 3))" in shipped.read_text()
