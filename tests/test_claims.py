"""The claims checker (`python -m tl_course.claims`): the assert rewrite in-process, then the tool on a tiny notebook."""

import ast
import json

import nbformat
import pytest

from tl_course import claims


def test_find_asserts_sees_nested_asserts_and_ipython_syntax():
    source = ("%matplotlib inline\n"
              "def check(x):\n"
              "    assert x > 0.5, 'too small'\n"
              "assert 0 <= y <= 1\n"
              "try:\n"
              "    assert z\n"          # the cell relies on this one raising: left alone
              "except AssertionError:\n"
              "    pass\n")
    found = claims.find_asserts(source, cell=3)
    assert [(f["cell"], f["line"], f["text"]) for f in found] == [(3, 3, "x > 0.5"), (3, 4, "0 <= y <= 1")]


@pytest.mark.parametrize("text, expected", [
    ("acc > 0.93", "· > 0.93"),
    ("0.2 <= gap <= 1 / 3", "0.2 <= · <= 1 / 3"),
    ("purity > 0.6 and purity > 3 * random_purity", "· > 0.6 and · > ·"),
    ("abs(a - b) <= 0.03", "· <= 0.03"),
    ("(gains > 0).all()", "(· > 0).all()"),
    ("all(g > -0.02 for g in gains)", "all(· > -0.02)"),
    ("torch.allclose(a, b)", "true"),
])
def test_pattern_shows_thresholds_and_hides_values(text, expected):
    assert claims.pattern(text) == expected


def _run_rewritten(source, tmp_path, monkeypatch, **names):
    """Rewrite `source` as the kernel would, run it, return the records."""
    path = tmp_path / "records.jsonl"
    monkeypatch.setitem(claims._kernel, "path", str(path))
    tree = claims.AssertRecorder(cell=1).visit(ast.parse(source))
    exec(compile(tree, "<cell>", "exec"), {claims.RECORDER: claims._record, **names})
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_failing_assert_is_recorded_with_its_values_and_does_not_raise(tmp_path, monkeypatch):
    asked = []

    def message():
        asked.append(1)
        return "gain too small"

    records = _run_rewritten("gain = 0.05\n"
                             "assert gain >= 0.08, message()\n"
                             "assert gain >= 0.01, message()\n"
                             "after = True\n", tmp_path, monkeypatch, message=message)
    failed, passed = records
    assert (failed["line"], failed["status"], failed["message"]) == (2, "FAIL", "gain too small")
    assert failed["clauses"][0]["values"] == [0.05, 0.08] and failed["margin"] == pytest.approx(-0.03)
    assert passed["status"] == "PASS" and passed["margin"] == pytest.approx(0.04)
    assert asked == [1]  # the message is built only when the assert fails, as Python does


def test_chains_and_clauses_short_circuit_like_python(tmp_path, monkeypatch):
    seen = []

    def value(x):
        seen.append(x)
        return x

    records = _run_rewritten("assert value(0.5) <= value(0.2) <= value(0.9)\n"
                             "assert value(1) > 2 and value(3) > 0\n"
                             "assert 0 <= value(0.4) <= 1\n", tmp_path, monkeypatch, value=value)
    assert [r["status"] for r in records] == ["FAIL", "FAIL", "PASS"]
    assert seen == [0.5, 0.2, 1, 0.4]  # 0.9 and 3 never evaluated
    assert records[2]["clauses"][0]["values"] == [0, 0.4, 1] and records[2]["margin"] == pytest.approx(0.4)


def test_all_and_elementwise_claims_report_their_worst_element(tmp_path, monkeypatch):
    import numpy as np

    records = _run_rewritten("assert all(g > 0.05 for g in gains)\n"
                             "assert (gains > 0).all()\n", tmp_path, monkeypatch, gains=np.array([0.1, 0.03, 0.2]))
    assert [r["status"] for r in records] == ["FAIL", "PASS"]
    assert [r["margin"] for r in records] == [pytest.approx(-0.02), pytest.approx(0.03)]
    assert records[0]["clauses"][0]["values"][0] == {"min": 0.03, "max": 0.2, "n": 3}


def test_text_and_sets_are_shown_but_have_no_margin(tmp_path, monkeypatch):
    records = _run_rewritten("assert '10' == '1.0'\nassert {1, 2} == {2, 1}\n", tmp_path, monkeypatch)
    assert [(r["status"], r["margin"]) for r in records] == [("FAIL", None), ("PASS", None)]
    assert records[0]["clauses"][0]["values"] == ["'10'", "'1.0'"]


def test_an_error_inside_an_assert_is_recorded_and_still_raised(tmp_path, monkeypatch):
    path = tmp_path / "records.jsonl"
    with pytest.raises(KeyError):
        _run_rewritten("assert {}['missing'] > 0\n", tmp_path, monkeypatch)
    record = json.loads(path.read_text())
    assert record["status"] == "ERROR" and "KeyError" in record["error"]


CELLS = [
    ("markdown", "# A tiny lesson"),
    ("code", "import os\n"
             "seed = int(os.environ['TL_COURSE_SEED'])\n"
             "assert open('data.txt').read() == 'next to the notebook'\n"   # cwd is the notebook's folder
             "assert os.environ['OMP_NUM_THREADS'] == '1' and os.environ['TL_COURSE_SCALE'] == 'fast'"),
    ("code", "import torch\n"
             "value = seed / 100\n"
             "assert torch.get_num_threads() == 1\n"
             "assert value < 0.5, f'value {value} is too big'\n"             # fails at seed 100
             "assert 0 <= value <= 1\n"
             "print('still running')"),
    ("code", "if seed >= 100:\n    raise RuntimeError('boom')"),
    ("code", "assert seed < 100"),                                             # not reached at seed 100
]


def test_the_tool_reports_every_assert_at_every_seed(tmp_path, capsys):
    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / "data.txt").write_text("next to the notebook")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(s) if kind == "markdown" else nbformat.v4.new_code_cell(s)
                for kind, s in CELLS]
    path = folder / "tiny.ipynb"
    nbformat.write(nb, path)
    before = path.read_bytes()

    status = claims.main([str(path), "--seeds", "0", "100", "--threads", "1", "--json", str(tmp_path / "out.json")])

    out, err = capsys.readouterr()
    assert status == 1
    assert path.read_bytes() == before  # the rewrite happened in the kernel only
    assert err.count("[claims]") == 2 and "seed=100" in err
    rows = {line.split()[0] + ":" + line.split()[1]: line for line in out.splitlines() if line[:1].isdigit()}
    assert "PASS" in rows["1:3"] and "FAIL" not in rows["1:3"]
    assert "0 PASS" in rows["2:4"] and "1 FAIL" in rows["2:4"] and "· < 0.5" in rows["2:4"] and "-0.5000" in rows["2:4"]
    assert "0 <= · <= 1" in rows["2:5"] and rows["2:5"].count("PASS") == 2      # the run went on after the FAIL
    assert "PASS" in rows["4:1"] and "not reached" in rows["4:1"]
    assert "seed 100: ERROR in cell 3 — RuntimeError: boom" in out
    assert "value 1.0 is too big" in out
    assert out.strip().splitlines()[-1] == ("6 asserts, 1 failed at some seed, 1 not reached at some seed, "
                                            "1 run(s) stopped by an error")
    data = json.loads((tmp_path / "out.json").read_text())[str(path)]
    assert [r["error_cell"] for r in data["runs"]] == [None, 3]
    failing = next(a for a in data["asserts"] if a["text"] == "value < 0.5")
    assert failing["results"]["100"]["clauses"][0]["values"] == [1.0, 0.5] and failing["min_margin"] == -0.5
