"""Static checks of the notebooks: no outputs, Colab badges, single source, lesson shape."""

import json
import re
from pathlib import Path

import nbformat
import pytest

from tl_course import authoring, colab

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for d in colab.NOTEBOOK_DIRS for p in (ROOT / d).glob("*.ipynb"))
LESSONS = sorted((ROOT / "lessons").glob("*.ipynb"))


def rel(path):
    return path.relative_to(ROOT).as_posix()


def test_there_are_notebooks():
    assert LESSONS and NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=rel)
def test_committed_without_outputs(path):
    nb = json.loads(path.read_text())
    dirty = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"
             and (c.get("outputs") or c.get("execution_count"))]
    assert not dirty, f"{rel(path)} has outputs in cells {dirty}: clear them before committing."


@pytest.mark.parametrize("path", NOTEBOOKS, ids=rel)
def test_colab_badge_and_install_point_at_this_notebook(path):
    nb = nbformat.read(path, as_version=4)
    repo = colab.repo_url(ROOT)
    first = nb.cells[0].source
    match = colab.BADGE_RE.search(first)
    assert match, f"{rel(path)}: the first cell has no 'Open In Colab' badge."
    assert match["url"] == colab.badge_url(repo, rel(path)), f"{rel(path)}: badge points elsewhere; run python -m tl_course.colab"
    setup = nb.cells[1].source
    install = colab.INSTALL_RE.search(setup)
    assert install and install["url"] == repo, f"{rel(path)}: Colab install line missing or not {repo}"
    assert install["extra"] == colab.EXTRA, f"{rel(path)}: Colab installs tl_course[{install['extra']}], not [colab]"
    # Every setup cell starts the same way, so running one on a stand-in Colab (test_colab_install) tests them all.
    assert setup.startswith(colab.setup_head(repo)), f"{rel(path)}: the setup cell does not start as colab.SETUP_HEAD"


def test_a_fork_rewrites_only_the_badge_and_the_install_line(tmp_path):
    source = ROOT / "lessons" / "09_workflow.ipynb"
    copy = tmp_path / source.name
    copy.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    fork = "https://github.com/someone/fork"
    nb = nbformat.read(copy, as_version=4)
    assert colab.sync_notebook(nb, "lessons/09_workflow.ipynb", fork)
    colab.write_sources(copy, nb)
    before, after = source.read_text().splitlines(), copy.read_text().splitlines()
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert len(before) == len(after) and len(changed) == 2, changed
    assert "colab.research.google.com/github/someone/fork/blob/main/lessons/09_workflow.ipynb" in changed[0][1]
    assert f"tl_course[colab] @ git+{fork}" in changed[1][1]


@pytest.mark.parametrize("path", LESSONS, ids=rel)
def test_lesson_shape(path):
    text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
    assert "**You will learn**" in text
    for heading in ("## Summary", "## When not to use this", "## Exercises"):
        assert heading in text, f"{rel(path)} lacks a '{heading}' section"


def test_every_lesson_with_exercise_has_solution_and_vice_versa():
    exercises = {p.name for p in (ROOT / "exercises").glob("*.ipynb")}
    solutions = {p.name for p in (ROOT / "solutions").glob("*.ipynb")}
    lessons = {p.name for p in LESSONS}
    assert exercises == solutions
    assert solutions <= lessons, f"solutions without a lesson: {solutions - lessons}"


def test_exercises_are_generated_from_solutions():
    stale = authoring.generate_all(ROOT, check=True)
    assert not stale, f"out of date: {stale}; run python -m tl_course.authoring"


def test_exercises_hold_no_solution_code():
    for path in sorted((ROOT / "exercises").glob("*.ipynb")):
        text = path.read_text()
        assert "BEGIN SOLUTION" not in text and "solution-only" not in text, rel(path)


@pytest.mark.parametrize("path", sorted((ROOT / "solutions").glob("*.ipynb")), ids=rel)
def test_solution_binds_its_own_exercise(path):
    number = path.name[:2]
    text = path.read_text()
    assert re.search(rf'exercise\(\\?"{number}\\?"\)', text), f"{rel(path)} should call exercise(\"{number}\")"
