"""Command-line grading: finished, untouched, broken, bogus and hostile notebooks, each in a batch that goes on.

Hostile notebooks are a solved (or blank) exercise 00 with one cell added. Notebooks whose names start
with `00_` are graded as exercise 00 without binding it, so the cheap ones need no torch in their kernel.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from tl_course import grade, grading

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def private_package(tmp_path_factory, monkeypatch):
    """Grade against a copy of the package, so that edits to the working tree during a test change nothing."""
    copy = tmp_path_factory.getbasetemp() / "installed" / "tl_course"
    if not copy.exists():
        grade.write_package(grade.package_files(), copy.parent)
    monkeypatch.setattr(grade, "PACKAGE_DIR", copy)


def _notebook(path, *, solved=True, first=None, last=None, lean=False):
    """Write exercise 00 (solved or blank) to `path`, with a cell added first and/or last.

    `lean` keeps only the answers (no setup cell, no torch): `num_images` and `arr` set with NumPy.
    """
    nb = nbformat.read(ROOT / ("solutions" if solved else "exercises") / "00_setup.ipynb", as_version=4)
    if lean:
        nb.cells = [nbformat.v4.new_code_cell("import numpy as np\nnum_images = 1797\n"
                                              "arr = np.arange(6.0).reshape(2, 3)")]
    if first:
        nb.cells.insert(0, nbformat.v4.new_code_cell(first))
    if last:
        nb.cells.append(nbformat.v4.new_code_cell(last))
    nbformat.write(nb, path)
    return path


def _rows(path):
    return {(Path(r["notebook"]).name, r["id"]): r for r in json.loads(Path(path).read_text())}


def _write_own_pid(path):
    """Code for a cell that writes its kernel's pid to `path` in one step (written aside, then renamed), so a
    test that waits for the file never reads it empty."""
    return (f"open({str(path) + '.part'!r}, 'w').write(str(os.getpid()))\n"
            f"os.replace({str(path) + '.part'!r}, {str(path)!r})\n")


def _gone(pid):
    """True when process `pid` no longer runs (a zombie waiting for its reaper counts as gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] in "ZX"
    except (FileNotFoundError, ProcessLookupError):
        return True


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
    assert (tmp_path / "g.csv").read_text().startswith("notebook,id,status,message,viewed,counted")


def test_timeouts_and_crashes_are_reported_and_the_batch_goes_on(tmp_path, capsys):
    loop = _notebook(tmp_path / "00_loop.ipynb", first=(
        "import os, signal\n" + _write_own_pid(tmp_path / "loop.pid") +
        "signal.signal(signal.SIGINT, signal.SIG_IGN)\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "while True:\n    pass"))
    sleeps = _notebook(tmp_path / "00_sleep.ipynb", first="import time\ntime.sleep(20)")
    exits = _notebook(tmp_path / "00_exit.ipynb", first="import os\nos._exit(0)")
    slow = _notebook(tmp_path / "00_slow.ipynb", lean=True)
    nb = nbformat.read(slow, as_version=4)
    nb.cells += [nbformat.v4.new_code_cell("import time\ntime.sleep(1)") for _ in range(20)]
    nbformat.write(nb, slow)
    lean = _notebook(tmp_path / "00_lean.ipynb", lean=True)
    pipe = _notebook(tmp_path / "00_pipe.ipynb", lean=True, last=(  # writes into the grader's channel
        "import os\nnum_images = 0\nwith open(f'/proc/{os.getppid()}/fd/1', 'w') as f:\n"
        "    f.write('TL_GRADE_EVENT 00 {\"event\": \"done\", \"outcome\": \"GRADED\", \"results\": [], '\n"
        "            '\"failed_cells\": 0, \"bound\": [], \"views\": {}}\\n')"))

    code = grade.main([str(p) for p in (loop, sleeps, exits, slow, lean, pipe)]
                      + ["--timeout", "3", "--notebook-timeout", "8", "--jobs", "2",
                         "--json", str(tmp_path / "g.json")])
    out = capsys.readouterr().out
    assert code == 1
    assert f"{loop}: TIMED OUT — cell 1: 'import os, signal' ran past the 3 s per-cell limit" in out
    assert f"{sleeps}: TIMED OUT — cell 1: 'import time' ran past the 3 s per-cell limit" in out
    assert f"{exits}: CRASHED — the kernel died in cell 1" in out
    assert f"{slow}: TIMED OUT — the notebook ran past its 8 s limit (in cell " in out
    assert f"{lean}: " in out and "passed (exercise 00" in out
    assert f"{pipe}: REFUSED — a forged message reached the grader from its notebook" in out
    assert _gone(int((tmp_path / "loop.pid").read_text()))  # the kernel that ignored signals was killed
    rows = _rows(tmp_path / "g.json")
    assert rows[("00_loop.ipynb", "")]["status"] == "TIMED OUT" and rows[("00_lean.ipynb", "00.q1")]["status"] == "PASS"


REWRITE = """import os, pathlib, tl_course
always_pass = "\\nfor _p in PROBLEMS.values():\\n    _p.check_values = lambda **values: None\\n"
# the kernel's own copy of the package, and the grader's: found through the parent's environment
paths = [pathlib.Path(tl_course.__file__).parent]
environ = open(f"/proc/{os.getppid()}/environ", "rb").read().split(b"\\0")
paths += [pathlib.Path(e[11:].decode()) / "tl_course" for e in environ if e.startswith(b"PYTHONPATH=")]
for p in paths:
    target = p / "problems" / "lesson00.py"
    target.write_text(target.read_text() + always_pass)"""

FORGE = """import tl_course.grading as g
g.Problem.grade = lambda self, namespace: g.Result(self.id, "PASS", "")
g.report_json = lambda: '[{"id": "00.q1", "status": "PASS", "message": ""}]'
g._views.clear()"""

FAKE_LINE = """import json
print("TL_COURSE_RESULTS:" + json.dumps([{"id": f"00.q{i}", "status": "PASS", "message": ""} for i in (1, 2)]))
print('TL_GRADE_EVENT {"event": "done", "outcome": "GRADED", "results": [], "bound": [], "views": {}}')"""


def test_hostile_notebooks_cannot_forge_or_spoil_grades(tmp_path, capsys):
    rewriter = _notebook(tmp_path / "rewriter.ipynb", solved=False, last=REWRITE)
    forger = _notebook(tmp_path / "forger.ipynb", solved=False, last=FORGE)
    fake = _notebook(tmp_path / "fake.ipynb", solved=False, last=FAKE_LINE)
    victim = tmp_path / "victim.ipynb"
    deleter = _notebook(tmp_path / "deleter.ipynb", last=(
        "import glob, os, pathlib\nfor p in glob.glob('*.ipynb') + glob.glob('../*.ipynb'):\n    os.remove(p)\n"
        f"pathlib.Path({str(victim)!r}).unlink()"))
    ten = _notebook(tmp_path / "ten.ipynb", last=(
        'for _ in range(10):\n    ex = exercise("00")\nclass Odd:\n    pass\narr = Odd()'))
    peeked = _notebook(tmp_path / "peeked.ipynb", last=(
        'ex.q1.hint()\nex.q1.solution()\nview = getattr(ex.q2.problem, "sol" + "ution_text")'))
    renamed = tmp_path / "03_feature_extraction.ipynb"
    shutil.copy(ROOT / "solutions" / "00_setup.ipynb", renamed)
    shutil.copy(ROOT / "solutions" / "00_setup.ipynb", victim)
    paths = (rewriter, forger, fake, deleter, ten, peeked, renamed, victim)

    code = grade.main([str(p) for p in paths] + ["--jobs", "2", "--timeout", "120", "--solution-viewed-fails",
                                                 "--json", str(tmp_path / "g.json")])
    out = capsys.readouterr().out
    assert code == 1
    assert f"{rewriter}: REFUSED — it changed the grader's copy of tl_course (problems/lesson00.py)" in out
    assert f"{forger}: 0/2 passed" in out and f"{fake}: 0/2 passed" in out  # blank answers stay blank
    assert f"{deleter}: 2/2 passed" in out
    assert f"{victim}: 2/2 passed" in out and not victim.exists()  # read before the batch began
    assert f"{ten}: 1/2 passed" in out and "`arr` could not be passed to the grader" in out
    assert f"{peeked}: 0/2 passed" in out and "PASS · hint and solution viewed (not counted)" in out
    assert f"{renamed}: REFUSED — it is graded as exercise 03 but binds exercise 00" in out
    rows = _rows(tmp_path / "g.json")
    assert rows[("peeked.ipynb", "00.q1")]["viewed"] == "hint, solution"
    assert rows[("peeked.ipynb", "00.q2")] == dict(rows[("peeked.ipynb", "00.q2")], status="PASS",
                                                   viewed="solution", counted=False)
    assert rows[("deleter.ipynb", "00.q1")]["viewed"] == "" and rows[("deleter.ipynb", "00.q1")]["counted"]
    assert (ROOT / "tl_course" / "problems" / "lesson00.py").read_text().count("always_pass") == 0


def test_a_notebook_that_changes_the_installed_package_is_refused(tmp_path, capsys):
    installer = _notebook(tmp_path / "00_installer.ipynb", lean=True, last=(
        f"open({str(grade.PACKAGE_DIR / 'sneaky.py')!r}, 'w').write('PASS = True')"))
    after = _notebook(tmp_path / "alice.ipynb", lean=True)  # no NN_ in its name, no binding: --exercise says
    try:  # one at a time: a change is charged to every notebook running when it happens
        grade.main([str(installer), str(after), "--jobs", "1", "--timeout", "60", "--exercise", "00"])
    finally:
        (grade.PACKAGE_DIR / "sneaky.py").unlink(missing_ok=True)
    out = capsys.readouterr().out
    assert f"{installer}: REFUSED — the installed tl_course changed while it ran (sneaky.py)" in out
    assert f"{after}: " in out and "passed (exercise 00" in out


@pytest.mark.parametrize("inherited", ["nothing", "SIGINT blocked"])
def test_ctrl_c_keeps_what_was_graded_and_kills_the_rest(tmp_path, inherited):
    lean = _notebook(tmp_path / "00_lean.ipynb", lean=True)
    loop = _notebook(tmp_path / "00_loop.ipynb", lean=True, last=(
        "import os\n" + _write_own_pid(tmp_path / "loop.pid") + "while True:\n    pass"))
    out = tmp_path / "g.json"
    block = (lambda: signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})) \
        if inherited == "SIGINT blocked" else None      # a parent (a test runner, a tool) may pass on a blocked mask
    proc = subprocess.Popen([sys.executable, "-m", "tl_course.grade", str(lean), str(loop), "--jobs", "1",
                             "--json", str(out)], stdout=subprocess.PIPE, text=True, cwd=tmp_path, preexec_fn=block)
    deadline = time.monotonic() + 60
    while not (tmp_path / "loop.pid").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    try:
        stdout, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:             # never leave a grader (and its looping kernel) behind
            proc.kill()
            if (tmp_path / "loop.pid").exists():
                try:
                    os.kill(int((tmp_path / "loop.pid").read_text()), signal.SIGKILL)
                except (OSError, ValueError):
                    pass
    assert proc.returncode == 130 and "Interrupted" in stdout
    assert _rows(out)[("00_lean.ipynb", "00.q1")]["status"] == "PASS"
    assert ("00_loop.ipynb", "") not in _rows(out)
    assert _gone(int((tmp_path / "loop.pid").read_text()))


FUNCTIONS = """import numpy as np

def cluster_purity(clusters, labels):
    return sum(np.bincount(labels[clusters == c]).max() for c in np.unique(clusters)) / len(labels)

def q_update(Q, state, action, reward, next_state, done, alpha, gamma):
    return reward / 0

robot_vacuum = "reinforcement"
new_clinic = "supervised"
"""


def test_learner_functions_are_called_in_the_kernel_on_the_graders_inputs(tmp_path, capsys):
    functions = tmp_path / "01_functions.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FUNCTIONS)]), functions)
    loops = tmp_path / "01_loops.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FUNCTIONS.replace(
        "    return sum(", "    while True:\n        pass\n    return sum("))]), loops)

    assert grade.main([str(functions), str(loops), "--jobs", "2", "--timeout", "10",
                       "--json", str(tmp_path / "g.json")]) == 0
    rows = _rows(tmp_path / "g.json")
    status = {(nb, q): rows[(nb, f"01.{q}")]["status"] for nb in ("01_functions.ipynb", "01_loops.ipynb")
              for q in ("q1", "q2", "q3", "q4", "q5")}
    assert [status["01_functions.ipynb", q] for q in ("q1", "q2", "q3", "q4", "q5")] == [
        "NOT ATTEMPTED", "PASS", "ERROR", "PASS", "FAIL"]
    assert "return reward / 0" in rows[("01_functions.ipynb", "01.q3")]["message"]
    assert "ZeroDivisionError" in rows[("01_functions.ipynb", "01.q3")]["message"]
    assert status["01_loops.ipynb", "q2"] == "ERROR" and "did not return within 10 s" in rows[
        ("01_loops.ipynb", "01.q2")]["message"]
    assert status["01_loops.ipynb", "q4"] == "PASS"  # the choices are values: judged without the kernel


def _bwrap_works():
    try:
        return subprocess.run(["bwrap", "--ro-bind", "/", "/", "--unshare-all", "--cap-drop", "ALL", "--", "true"],
                              capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.mark.skipif(not _bwrap_works(), reason="bubblewrap is not installed or cannot create namespaces here")
def test_sandboxed_kernel_cannot_touch_the_package_the_network_the_grader_or_other_submissions(tmp_path, capsys):
    import socket

    other = _notebook(tmp_path / "00_other.ipynb", lean=True)
    probe_file = ROOT / "tl_course" / "_sandbox_probe.py"
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        probe = _notebook(tmp_path / "00_probe.ipynb", lean=True, last=f"""import os, pathlib, socket
blocked = []
for name, attempt in [("package", lambda: pathlib.Path({str(probe_file)!r}).write_text("")),
                      ("neighbour", lambda: pathlib.Path({str(other)!r}).read_bytes()),
                      ("network", lambda: socket.create_connection(("127.0.0.1", {listener.getsockname()[1]}), 2)),
                      ("grader", lambda: os.kill({os.getpid()}, 0))]:
    try:
        attempt()
    except OSError:
        blocked.append(name)
num_images = 1797 if len(blocked) == 4 else blocked""")
        try:
            grade.main([str(probe), str(other), "--sandbox", "--jobs", "2", "--timeout", "60",
                        "--json", str(tmp_path / "g.json")])
        finally:
            existed = probe_file.exists()
            probe_file.unlink(missing_ok=True)
    rows = _rows(tmp_path / "g.json")
    assert not existed and rows[("00_probe.ipynb", "00.q1")]["status"] == "PASS", rows[("00_probe.ipynb", "00.q1")]
    assert rows[("00_other.ipynb", "00.q1")]["status"] == "PASS"


def test_exported_answers_cannot_run_code_in_the_grader(tmp_path):
    """The judge's unpickler refuses calls, foreign classes and patching the grader's classes."""
    import pickle

    class Boom:
        def __reduce__(self):
            return (os.system, (f"touch {tmp_path / 'pwned'}",))

    with pytest.raises(pickle.UnpicklingError):
        grade.load_answer(pickle.dumps(Boom()))
    patch = (b"\x80\x04\x8c\x11tl_course.grading\x94\x8c\x07Problem\x93N}\x8c\x05grade\x94N\x86\x86b.")
    with pytest.raises(pickle.UnpicklingError):
        grade.load_answer(patch)
    assert not (tmp_path / "pwned").exists() and grading.Problem.grade is not None


def test_answers_come_back_as_values_and_functions_stay_in_the_kernel(tmp_path):
    import numpy as np
    import torch

    from tl_course import models

    model = models.freeze(models.load_pretrained("cnn-printed-digits"), up_to=1)
    ns = {"a": np.arange(3.0), "t": torch.ones(2, dtype=torch.bfloat16), "model": model, "blank": grading.____,
          "f": lambda x: x + 1, "w": {"w": torch.nn.Parameter(torch.zeros(2))},
          "loss": (torch.ones(2, requires_grad=True) * 2).sum()}
    helpers = grade._kernel_helpers(ns)
    helpers.export(sorted(ns), tmp_path / "out.pkl")
    exported = grade.load_answer((tmp_path / "out.pkl").read_bytes())["values"]
    loaded = {name: grade.load_answer(data) for name, (status, data) in exported.items()}
    assert np.array_equal(loaded["a"], ns["a"]) and loaded["t"].dtype == torch.bfloat16
    assert loaded["blank"] is grading.____ and isinstance(loaded["w"]["w"], torch.nn.Parameter)
    assert loaded["loss"].grad_fn is not None and loaded["loss"].item() == 4.0  # computed with autograd there
    assert [p.requires_grad for p in loaded["model"].parameters()] == [p.requires_grad for p in model.parameters()]
    x = torch.rand(4, 1, 28, 28)
    assert torch.allclose(loaded["model"].train()(x), model.train()(x))  # the frozen block's hook came along
    with pytest.raises(RuntimeError):
        loaded["f"](1)  # a learner function is only ever called in the learner's kernel


def test_what_a_learner_function_changes_in_place_in_the_kernel_changes_in_the_grader_too():
    import numpy as np
    import torch

    args = (np.zeros(3), {"w": torch.zeros(2), "n": 1}, [np.ones(2), 5])
    changed = (np.arange(3.0), {"w": torch.ones(2), "n": 2}, [np.zeros(2), 6])
    kept = args[0], args[1]["w"], args[2][0]
    grade.write_back(args, changed)
    assert np.array_equal(args[0], [0, 1, 2]) and args[1]["n"] == 2 and args[2][1] == 6
    assert torch.equal(args[1]["w"], torch.ones(2)) and np.array_equal(args[2][0], [0, 0])
    assert kept == (args[0], args[1]["w"], args[2][0])  # the same objects, changed in place


def test_optional_evidence_is_exported_from_the_kernel_and_reaches_the_check(tmp_path):
    """`CustomCheck(..., optional=...)` variables the notebook holds are exported and judged; absent ones are fine."""
    import numpy as np

    from tl_course.problems._checks import CustomCheck

    def check(answer, evidence=None):
        if evidence is not None and not np.array_equal(evidence, answer):
            raise grading.CheckFailed("the evidence disagrees with the answer")

    problems = {"q1": CustomCheck(("answer",), check, optional=("evidence",), id="99.q1")}
    assert grade.answer_names(problems) == ["answer", "evidence"]
    assert {"train_idx", "val_idx"} <= set(grade.answer_names(grading.problems_for("04")))  # exercise 04 q2's

    def judged(ns):
        grade._kernel_helpers(ns).export(grade.answer_names(problems), tmp_path / "out.pkl")
        exported = grade.load_answer((tmp_path / "out.pkl").read_bytes())["values"]
        row, = grade.judge(problems, exported)
        return row["status"], row["message"]

    assert judged({"answer": np.arange(3), "evidence": np.arange(3)}) == ("PASS", "")
    assert judged({"answer": np.arange(3)}) == ("PASS", "")  # absent evidence: still graded
    assert judged({"answer": np.arange(3), "evidence": np.zeros(3)}) == ("FAIL", "the evidence disagrees with the answer")
    status, message = judged({"answer": np.arange(3), "evidence": type("Local", (), {})()})
    assert status == "FAIL" and "`evidence` could not be passed to the grader" in message


def test_a_check_that_crashes_on_an_answer_fails_that_question_only():
    def fussy(answer):
        return {"a": 1}[answer]  # a KeyError on an unexpected answer

    result = grading.CustomProblem(("answer",), fussy, id="99.q1").grade({"answer": "b"})
    assert result.status == grading.FAIL and result.message == "`answer` could not be checked: KeyError: 'b'"


def test_the_graders_snapshot_holds_the_grading_modules_and_the_model_answers():
    """The trusted copy judges with every module of tl_course.grading, and a kernel shows the shipped answers."""
    snapshot = grade.package_files(ROOT / "tl_course")
    modules = {f"grading/{p.name}" for p in (ROOT / "tl_course" / "grading").glob("*.py")}
    assert "grading/__init__.py" in modules and "grading/kinds.py" in modules
    assert modules | {"problems/solutions.json"} <= set(snapshot)


MODEL = """import torch
from tl_course import data
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3 * 48 * 48, 8))   # an untrained chosen model
CLASSES, SIZE = tuple(data.TEXTURE_IMAGES), 48

def predict(paths):                                       # reads the grader's files, as training read images
    X = torch.stack([data.read_image(p, SIZE) for p in paths])
    return [CLASSES[i] for i in model(X).argmax(1).tolist()]
"""
PEEKED = MODEL + """
from PIL import Image
paths, labels = data.write_unseen_photos(1, seed=0)      # forbidden: photos like the ones graded on
Image.open(paths[0]).load()
"""
HONEST = MODEL


@pytest.mark.parametrize("sandbox", [False, pytest.param(True, marks=pytest.mark.skipif(
    not _bwrap_works(), reason="bubblewrap is not installed or cannot create namespaces here"))])
def test_capstone_predict_reads_the_graders_unseen_photos_and_a_peek_before_grading_fails(tmp_path, sandbox):
    paths = []
    for name, code in (("10_peeked.ipynb", PEEKED), ("10_honest.ipynb", HONEST)):
        paths.append(tmp_path / name)
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)]), paths[-1])
    grade.main([*map(str, paths), "--jobs", "2", "--timeout", "120", "--json", str(tmp_path / "g.json")]
               + (["--sandbox"] if sandbox else []))
    rows = _rows(tmp_path / "g.json")
    peeked, honest = rows[("10_peeked.ipynb", "10.q4")], rows[("10_honest.ipynb", "10.q4")]
    assert peeked["status"] == "FAIL" and "before grading" in peeked["message"], peeked
    assert honest["status"] == "FAIL" and "unseen photos right" in honest["message"], honest
    assert rows[("10_honest.ipynb", "10.q1")]["status"] == "NOT ATTEMPTED"


IN_KERNEL = """from tl_course.grading import exercise
import torch.nn.functional as F
ex = exercise("07")

def multitask_loss(logits, labels, weights):
    return sum(weights[t] * F.cross_entropy(logits[t], labels[t]) for t in logits)
"""


def test_checks_that_need_the_learners_live_objects_run_in_the_kernel(tmp_path):
    """07.q1 back-propagates through the learner's loss: it cannot work on exported values, so the grader runs it
    in the kernel (`in_kernel=True`) and reads back the verdict — right passes, `.item()` fails with its reason."""
    right, detached = tmp_path / "07_right.ipynb", tmp_path / "07_detached.ipynb"
    for path, code in ((right, IN_KERNEL), (detached, IN_KERNEL.replace("for t in logits)", "for t in logits).item()"))):
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)]), path)
    assert grade.main([str(right), str(detached), "--jobs", "2", "--timeout", "60",
                       "--json", str(tmp_path / "g.json")]) == 0
    rows = _rows(tmp_path / "g.json")
    assert rows[("07_right.ipynb", "07.q1")]["status"] == "PASS", rows[("07_right.ipynb", "07.q1")]
    assert rows[("07_detached.ipynb", "07.q1")]["status"] == "FAIL"
    assert "gradients can flow" in rows[("07_detached.ipynb", "07.q1")]["message"]
    assert rows[("07_right.ipynb", "07.q3")]["status"] == "NOT ATTEMPTED"   # in the kernel too: no TwoColumns


def test_every_solution_passes_every_graded_question_from_the_command_line(tmp_path):
    """The model answers, graded as a teacher grades (kernel, export, learner functions called in the kernel): each
    graded question passes. Checks run in-process by the notebooks' own `check()` calls, so this is what finds a
    check whose inputs cannot travel to the kernel or whose answer cannot travel back (07, 08 q4 and 09 q4 once
    failed right answers here only). Exercises 00 and 10 are graded by the tests above."""
    paths = []
    for source in sorted((ROOT / "solutions").glob("0[1-9]_*.ipynb")):
        shutil.copy(source, tmp_path / source.name)
        paths.append(str(tmp_path / source.name))
    assert grade.main(paths + ["--jobs", "2", "--timeout", "600", "--json", str(tmp_path / "g.json")]) == 0
    rows = json.loads((tmp_path / "g.json").read_text())
    graded = [r for r in rows if r["status"] != "ANSWER SHOWN"]
    assert {Path(r["notebook"]).name[:2] for r in graded} == {f"0{i}" for i in range(1, 10)}
    assert all(r["status"] == "PASS" for r in graded), [(r["id"], r["status"], r["message"][:200])
                                                        for r in graded if r["status"] != "PASS"]
