"""Command-line grading: finished, untouched, broken and bogus notebooks in one batch."""

import json
import shutil
from pathlib import Path

import nbformat

from tl_course import grade

ROOT = Path(__file__).resolve().parents[1]


def test_batch_grades_good_notebooks_and_reports_bad_ones(tmp_path, capsys):
    solved = tmp_path / "solved.ipynb"
    shutil.copy(ROOT / "solutions" / "00_setup.ipynb", solved)
    blank = tmp_path / "blank.ipynb"
    shutil.copy(ROOT / "exercises" / "00_setup.ipynb", blank)
    wrong = tmp_path / "wrong.ipynb"
    nb = nbformat.read(ROOT / "solutions" / "00_setup.ipynb", as_version=4)
    for cell in nb.cells:
        cell.source = cell.source.replace("num_images = len(load_digits().images)", "num_images = 10 / 0")
    nbformat.write(nb, wrong)
    corrupt = tmp_path / "corrupt.ipynb"
    corrupt.write_text("{ this is not json")
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    missing = tmp_path / "missing.ipynb"

    code = grade.main([str(p) for p in (solved, blank, wrong, corrupt, text, missing)]
                      + ["--json", str(tmp_path / "g.json"), "--csv", str(tmp_path / "g.csv"), "--jobs", "2"])
    out = capsys.readouterr().out
    assert code == 1
    assert f"{solved}: 2/2 passed" in out
    assert f"{blank}: 0/2 passed" in out and "NOT ATTEMPTED" in out
    assert f"{wrong}: 1/2 passed" in out and "1 cell(s) raised errors" in out
    assert f"{corrupt}: NOT GRADED — not a readable notebook" in out
    assert f"{text}: NOT GRADED — not a notebook" in out
    assert f"{missing}: NOT GRADED — no such file" in out
    assert "Total: 3/6 questions passed in 3 notebook(s); 3 could not be graded." in out
    rows = json.loads((tmp_path / "g.json").read_text())
    assert {r["status"] for r in rows} >= {"PASS", "NOT ATTEMPTED", "NOT GRADED"}
    assert (tmp_path / "g.csv").read_text().startswith("notebook,id,status,message")


def test_all_good_exits_zero(tmp_path, capsys):
    solved = tmp_path / "s.ipynb"
    shutil.copy(ROOT / "solutions" / "00_setup.ipynb", solved)
    assert grade.main([str(solved), "--jobs", "1"]) == 0
    assert "Total: 2/2" in capsys.readouterr().out
