"""Grade finished exercise notebooks from the command line.

    python -m tl_course.grade submissions/*.ipynb --json grades.json --csv grades.csv --jobs 2

Each submission runs on a fresh kernel in its own temporary folder (holding only a copy of it), driven by
a child process that the grader kills outright when the notebook runs past its wall-clock limit; a cell
that runs past `--timeout` stops the notebook there. When the learner's cells are done, the answers are
exported from the kernel as values and judged by the grader's own code, loaded from a private copy of
tl_course taken before the batch: nothing the notebook prints, and no object it patched, decides a
verdict. Results are written as each notebook finishes; Ctrl-C stops and keeps what was graded. The
README's "Exercises and grading" section says what a submission can and cannot do.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import hmac
import importlib
import io
import json
import os
import pickle
import re
import secrets
import selectors
import shutil
import signal
import site
import subprocess
import sys
import tempfile
import threading
import time
import types
from dataclasses import dataclass, field
from pathlib import Path

GRADED, NOT_GRADED, TIMED_OUT, CRASHED, REFUSED = "GRADED", "NOT GRADED", "TIMED OUT", "CRASHED", "REFUSED"
PACKAGE_DIR = Path(__file__).resolve().parent
EVENT = "TL_GRADE_EVENT "  # prefix of the child's messages on its stdout, each signed with the batch's key


@dataclass
class NotebookGrade:
    """The grade of one notebook: per-question results, or why it could not be graded."""

    path: str
    outcome: str = GRADED
    error: str | None = None
    lesson: str | None = None
    results: list = field(default_factory=list)  # {"id", "status", "message", "viewed", "counted"}
    failed_cells: int = 0
    seconds: float = 0.0

    @property
    def passed(self) -> int:
        return sum(bool(r["counted"]) for r in self.results)

    @property
    def graded(self) -> int:
        return sum(r["status"] != "ANSWER SHOWN" for r in self.results)


class _NotGraded(Exception):
    """Why a notebook gets no per-question grades: `outcome` (NOT GRADED, REFUSED, ...) and a sentence."""

    def __init__(self, outcome: str, message: str):
        super().__init__(message)
        self.outcome = outcome


# ----------------------------------------------------------------------------------------------
# The grader's own files: a snapshot taken before the batch, private copies, and a check for changes


def package_files(root: Path | None = None) -> dict:
    """Read every file of the tl_course package (under `root`; compiled caches left out): path → bytes."""
    root = root or PACKAGE_DIR
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}


def write_package(files: dict, dest: Path) -> Path:
    """Write a private copy of the package into `dest/tl_course` and return `dest`."""
    for rel, data in files.items():
        target = dest / "tl_course" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return dest


def changed_files(files: dict, root: Path) -> list:
    """List the files under `root` that differ from the snapshot `files` (changed, missing or added)."""
    now = package_files(root) if root.is_dir() else {}
    digest = lambda data: hashlib.sha256(data).digest()  # noqa: E731
    return sorted(rel for rel in set(files) | set(now)
                  if rel not in files or rel not in now or digest(files[rel]) != digest(now[rel]))


# ----------------------------------------------------------------------------------------------
# What the notebook file itself says: which exercise, which hints and solutions were shown


_BINDING = re.compile(r"""exercise\(\s*["'](\d+)["']""")
_QUESTION = re.compile(r"\b(q\d+)\b")
# A call, an attribute or a string naming it; touching the record of views counts as seeing the solutions.
_LOOKS = {"hint": re.compile(r"""\.hints?\b|["']hints?\b"""),
          "solution": re.compile(r"""\.solution\s*\(|solution_text|["']_?solution|\b_views\b|record_view""")}


def _code_lines(nb):
    """Yield the code lines of `nb`, comments removed (a commented-out `ex.q1.solution()` is not a view)."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            for line in cell.source.splitlines():
                yield line.split("#", 1)[0]


def static_bindings(nb) -> set:
    """Return the exercises the notebook's code binds, e.g. {"00"}."""
    return {m for line in _code_lines(nb) for m in _BINDING.findall(line)}


def static_views(nb, questions) -> dict:
    """Return `{"q1": {"hint", "solution"}}`: what the code asks to see, and what its saved outputs showed.

    A line that reaches a solution or hint without naming a question (`solution_text`, `getattr(..., "solution")`)
    counts for every question, as the grader cannot tell which answer it helped.
    """
    seen = {}
    for line in _code_lines(nb):
        for kind, pattern in _LOOKS.items():
            if pattern.search(line):
                named = [q for q in _QUESTION.findall(line) if q in questions]
                for q in named or questions:
                    seen.setdefault(q, set()).add(kind)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("metadata", {}).get("tl_course_view", {})
            if isinstance(view, dict) and view.get("kind") in ("hint", "solution"):
                q = str(view.get("id", "")).split(".")[-1]
                if q in questions:
                    seen.setdefault(q, set()).add(view["kind"])
    return seen


def claimed_lesson(path: Path, nb, forced: str | None) -> str:
    """Return the exercise a notebook is graded as: `forced`, else its file name's `NN_`, else its binding.

    A notebook that binds another exercise than the one it is named as is refused.
    """
    bound = static_bindings(nb)
    named = re.match(r"(\d{2})[_\-. ]", path.name)
    claim = forced or (named.group(1) if named else None)
    if claim is None:
        if len(bound) > 1:
            raise _NotGraded(REFUSED, f"it binds several exercises ({', '.join(sorted(bound))}); "
                                      "grade it with --exercise")
        if not bound:
            raise _NotGraded(NOT_GRADED, 'no exercise was bound: the notebook never runs `ex = exercise("NN")`')
        claim = bound.pop()
    other = bound - {claim}
    if other:
        raise _NotGraded(REFUSED, f"it is graded as exercise {claim} but binds exercise {', '.join(sorted(other))}")
    from .grading import problems_for

    try:
        problems_for(claim)
    except ValueError as exc:
        raise _NotGraded(NOT_GRADED, str(exc)) from None
    return claim


def read_submission(path: Path, data: bytes | None = None):
    """Parse a submitted notebook (from `data` when the grader read it earlier); one sentence if it can't."""
    import nbformat

    if data is None:
        if not path.exists():
            raise _NotGraded(NOT_GRADED, f"no such file: {path}")
        if path.suffix != ".ipynb":
            raise _NotGraded(NOT_GRADED, f"not a notebook (expected a .ipynb file): {path}")
        data = path.read_bytes()
    try:
        return nbformat.reads(data.decode("utf-8"), as_version=4)
    except Exception as exc:  # nbformat raises several types for broken JSON/schema
        raise _NotGraded(NOT_GRADED, f"not a readable notebook ({type(exc).__name__}: "
                                     f"{(str(exc).splitlines() or [''])[0]})") from None


# ----------------------------------------------------------------------------------------------
# Running one submission: a child process per notebook, killed with its kernel at the deadline


_running: dict = {}  # child pid → process groups to kill (the child's and its kernel's)
_running_lock = threading.Lock()
_stopping = threading.Event()


def _kill_group(pgid: int) -> None:
    """Kill a process group outright (it may be gone already)."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def kill_running() -> None:
    """Kill every child and kernel this grader started (used on Ctrl-C)."""
    with _running_lock:
        groups = [g for gs in _running.values() for g in gs]
    for pgid in groups:
        _kill_group(pgid)


STARTUP_LIMIT = 300  # seconds for the child and its kernel to start, before the notebook's own limit runs


def _run_child(config: dict, root: Path, limit: float):
    """Run the child for one notebook; return (its final event or None, the last cell it started, whether
    it ran out of time, its stderr). The notebook's `limit` starts once its kernel is ready."""
    env = dict(os.environ, PYTHONPATH=str(root / "judge"), PYTHONDONTWRITEBYTECODE="1", PYTHONNOUSERSITE="1")
    errors = open(root / "child.err", "wb")
    proc = subprocess.Popen([sys.executable, "-c", "from tl_course.grade import child_main; child_main()"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, cwd=root,
                            env=env, start_new_session=True)
    with _running_lock:
        _running[proc.pid] = [proc.pid]
    if _stopping.is_set():  # Ctrl-C came while this one was starting
        _kill_group(proc.pid)
    done, cell, forged, buffer = None, None, False, b""
    deadline = time.monotonic() + STARTUP_LIMIT
    # Learner code running as the same user could write into the child's stdout (/proc/PID/fd/1): only
    # messages signed with this key, which the child gets on its stdin before any learner code runs, count.
    key = secrets.token_bytes(32)
    try:
        proc.stdin.write(json.dumps(dict(config, key=key.hex())).encode() + b"\n")
        proc.stdin.close()
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            while done is None and time.monotonic() < deadline:
                if not sel.select(timeout=min(deadline - time.monotonic(), 1.0)):
                    continue
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                buffer += chunk
                *lines, buffer = buffer.split(b"\n")
                for line in lines:
                    if not line.startswith(EVENT.encode()):
                        continue
                    mac, _, payload = line[len(EVENT):].partition(b" ")
                    if not hmac.compare_digest(mac, _sign(key, payload).encode()):
                        forged = True
                        continue
                    event = json.loads(payload)
                    if event["event"] == "kernel":
                        with _running_lock:
                            _running[proc.pid].append(int(event["pid"]))
                    elif event["event"] == "ready":
                        deadline = time.monotonic() + limit
                    elif event["event"] == "cell":
                        cell = event
                    elif event["event"] == "done":
                        done = event
    finally:
        with _running_lock:
            groups = _running.pop(proc.pid, [])
        for pgid in groups:  # the kernel runs in its own group: killed too, even if the child is gone
            _kill_group(pgid)
        proc.wait()
        errors.close()
    timed_out = done is None and time.monotonic() >= deadline
    if forged:
        done = {"outcome": REFUSED, "message": "a forged message reached the grader from its notebook"}
    return done, cell, timed_out and not forged, (root / "child.err").read_text(errors="replace")[-2000:]


def _sign(key: bytes, payload: bytes) -> str:
    """The signature of one message from the child."""
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def grade_notebook(path: Path, timeout: float = 600, *, notebook_timeout: float | None = None,
                   exercise: str | None = None, solution_viewed_fails: bool = False, package: dict | None = None,
                   data: bytes | None = None, sandbox: bool = False, hide=()) -> NotebookGrade:
    """Run one notebook in isolation and grade its answers; never raises for a bad or hostile notebook.

    `package` is the snapshot of tl_course taken before the batch, `data` the submission's bytes read then;
    `hide` lists the files a `sandbox`ed kernel must not see (the batch's submissions and results).
    """
    start = time.perf_counter()
    path = Path(path)
    grade = NotebookGrade(str(path))
    package = package if package is not None else package_files()
    limit = notebook_timeout or max(4 * timeout, 120)
    try:
        nb = read_submission(path, data)
        grade.lesson = claimed_lesson(path, nb, exercise)
        data = data if data is not None else path.read_bytes()
        options = {"timeout": timeout, "sandbox": {"hide": [str(Path(h).resolve()) for h in hide]} if sandbox else None}
        done = _run_isolated(path.name, data, grade.lesson, package, limit, options)
        _record(grade, done, nb, solution_viewed_fails)
    except _NotGraded as exc:
        grade.outcome, grade.error = exc.outcome, str(exc)
    except Exception as exc:  # a fault of the grader itself must not stop the batch
        grade.outcome, grade.error = NOT_GRADED, f"grader error: {type(exc).__name__}: {exc}"
    grade.seconds = time.perf_counter() - start
    return grade


def _run_isolated(name: str, data: bytes, lesson: str, package: dict, limit: float, options: dict) -> dict:
    """Run a submission in a fresh temporary folder with fresh copies of tl_course; return the child's final
    event, or raise `_NotGraded` when it timed out, crashed or changed the grader's files."""
    with tempfile.TemporaryDirectory(prefix="tl_grade_", ignore_cleanup_errors=True) as tmp:
        root = Path(tmp)
        os.chmod(root, 0o700)
        write_package(package, root / "judge")
        write_package(package, root / "kernel")
        for folder in ("work", "io"):
            (root / folder).mkdir()
        (root / "work" / name).write_bytes(data)
        installed_before = set(changed_files(package, PACKAGE_DIR))
        config = dict(options, notebook=str(root / "work" / name), lesson=lesson, io=str(root / "io"),
                      kernel_path=str(root / "kernel"))
        done, cell, timed_out, errors = _run_child(config, root, limit)
        tampered = sorted(set(changed_files(package, root / "judge" / "tl_course"))
                          | set(changed_files(package, root / "kernel" / "tl_course")))
        installed = sorted(set(changed_files(package, PACKAGE_DIR)) - installed_before)
    if _stopping.is_set():
        raise _NotGraded(NOT_GRADED, "interrupted")
    if installed:
        raise _NotGraded(REFUSED, f"the installed tl_course changed while it ran ({', '.join(installed[:3])}); "
                                  "reinstall the package before grading again")
    if tampered:
        raise _NotGraded(REFUSED, f"it changed the grader's copy of tl_course ({', '.join(tampered[:3])})")
    if timed_out:
        where = f" (in {_cell_name(cell)})" if cell else ""
        raise _NotGraded(TIMED_OUT, f"the notebook ran past its {limit:g} s limit{where}")
    if done is None:
        last = (errors.strip().splitlines() or ["no message"])[-1]
        raise _NotGraded(CRASHED, f"the grader's child process ended unexpectedly ({last})")
    if done["outcome"] != GRADED:
        raise _NotGraded(done["outcome"], done["message"])
    return done


def _record(grade: NotebookGrade, done: dict, nb, solution_viewed_fails: bool) -> None:
    """Fill in `grade` from the child's verdicts, with what was viewed; refuse a notebook that bound
    another exercise while it ran."""
    from .grading import problems_for

    lesson, questions = grade.lesson, list(problems_for(grade.lesson))
    other = (set(done["bound"]) | static_bindings(nb)) - {lesson}
    if other:
        raise _NotGraded(REFUSED, f"it is graded as exercise {lesson} but binds exercise {', '.join(sorted(other))}")
    seen = static_views(nb, questions)
    for pid, kinds in done["views"].items():
        if pid.split(".")[0] == lesson and pid.split(".")[-1] in questions:
            seen.setdefault(pid.split(".")[-1], set()).update(k for k in kinds if k in ("hint", "solution"))
    grade.failed_cells = done["failed_cells"]
    for r in done["results"]:
        viewed = sorted(seen.get(r["id"].split(".")[-1], ()))
        counted = r["status"] == "PASS" and not (solution_viewed_fails and "solution" in viewed)
        grade.results.append(dict(r, viewed=", ".join(viewed), counted=counted))


def _cell_name(cell: dict) -> str:
    """Name a cell for a sentence: its number in the notebook and its first line."""
    return f"cell {cell['number']}: {cell['first_line'][:60]!r}"


# ----------------------------------------------------------------------------------------------
# The child: runs the learner's cells on a kernel, exports the answers, judges them with trusted code


_key = b""  # the batch's signing key, from the grader


def _emit(**event) -> None:
    """Send a signed event to the grader on the child's stdout."""
    payload = json.dumps(event)
    sys.stdout.write(f"{EVENT}{_sign(_key, payload.encode())} {payload}\n")
    sys.stdout.flush()


def child_main() -> None:
    """Entry point of the per-notebook child process (started by `grade_notebook`)."""
    global _key
    config = json.loads(sys.stdin.readline())
    _key = bytes.fromhex(config.pop("key"))
    try:
        _emit(event="done", **_execute_and_judge(config))
    except _NotGraded as exc:
        _emit(event="done", outcome=exc.outcome, message=str(exc))
    os._exit(0)  # the grader kills the kernel's process group; no need to wait for a tidy shutdown


def _preload(lesson: str):
    """Import the lesson's problems, and every tl_course module its checks import later, before any learner
    code runs; return the problems."""
    from . import grading

    problems = grading.problems_for(lesson)
    sources = [Path(sys.modules[f"tl_course.problems.lesson{lesson}"].__file__)]
    sources += list(sources[0].parent.glob("_*.py"))
    for name in sorted({m for f in sources for m in re.findall(r"from \.\.(\w+) import", f.read_text())}):
        try:
            importlib.import_module(f"tl_course.{name}")
        except ImportError:  # an optional extra is missing: the checks that need it say so
            pass
    return problems


def _kernel_manager(config: dict):
    """Return an async kernel manager that starts a kernel with this Python (in a sandbox if asked)."""
    import ipykernel.kernelspec
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

    prefix = sandbox_command(config) if config.get("sandbox") else []

    class CurrentEnvSpecs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            spec = ipykernel.kernelspec.get_kernel_dict()
            return KernelSpec(resource_dir=ipykernel.kernelspec.RESOURCES, **dict(spec, argv=prefix + spec["argv"]))

    km = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=CurrentEnvSpecs())
    if prefix:  # no network in the sandbox: the kernel's sockets are files in the submission's io folder
        km.transport, km.ip = "ipc", str(Path(config["io"]) / "kernel")
        km.connection_file = str(Path(config["io"]) / "kernel.json")  # where the sandbox can read it
    return km


def sandbox_command(config: dict) -> list:
    """The bubblewrap prefix of a sandboxed kernel: the file system read-only, a private /tmp holding only
    this submission's folders, the batch's submissions and results hidden, no network, its own processes,
    no capabilities, killed with its parent."""
    root = Path(config["io"]).parent
    args = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    tmps = sorted({"/tmp", tempfile.gettempdir()})
    for tmp in tmps:
        args += ["--tmpfs", tmp]
    for keep in sorted({sys.prefix, sys.base_prefix, sys.exec_prefix, *site.getsitepackages()}):
        if Path(keep).exists() and any(Path(keep).is_relative_to(t) for t in tmps):
            args += ["--ro-bind", keep, keep]    # a Python environment under /tmp must stay visible (read-only)
    args += ["--ro-bind", str(root / "kernel"), str(root / "kernel")]
    for name in ("work", "io"):
        args += ["--bind", str(root / name), str(root / name)]
    for path in config["sandbox"].get("hide", []):
        if Path(path).is_file() and not any(Path(path).is_relative_to(t) for t in ("/tmp", tempfile.gettempdir())):
            args += ["--ro-bind", "/dev/null", path]
    # bwrap is the kernel's parent inside: no parent polling (its pid 1 looks like a dead parent); it dies with bwrap
    return args + ["--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
                   "--unsetenv", "JPY_PARENT_PID", "--"]


def _execute_and_judge(config: dict) -> dict:
    """Run the notebook's cells, then export and judge its answers; return the child's final event."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    nb = nbformat.read(config["notebook"], as_version=4)
    work = str(Path(config["notebook"]).parent)
    env = {k: v for k, v in os.environ.items() if not k.startswith("JPY_")}
    # The kernel's IPython profile lives in the submission's folder: no startup file left by an earlier one runs.
    env.update(PYTHONPATH=config["kernel_path"], MPLBACKEND="Agg", TL_COURSE_QUIET="1", PYTHONNOUSERSITE="1",
               IPYTHONDIR=str(Path(config["io"]) / "ipython"), MPLCONFIGDIR=str(Path(config["io"]) / "mpl"),
               XDG_CACHE_HOME=str(Path(config["io"]) / "cache"))
    km = _kernel_manager(config)
    client = NotebookClient(nb, km=km, timeout=config["timeout"], allow_errors=True, interrupt_on_timeout=False,
                            startup_timeout=120, shutdown_kernel="immediate")
    client.start_new_kernel(cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _emit(event="kernel", pid=km.provisioner.process.pid)
    problems = _preload(config["lesson"])  # while the kernel starts; before any learner code runs
    with client.setup_kernel():
        _emit(event="ready")
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            where = {"number": index + 1, "first_line": (cell.source.strip().splitlines() or [""])[0]}
            _emit(event="cell", **where)
            try:
                client.execute_cell(cell, index)
            except CellTimeoutError:
                raise _NotGraded(TIMED_OUT, f"{_cell_name(where)} ran past the {config['timeout']:g} s per-cell "
                                            "limit") from None
            except DeadKernelError:
                raise _NotGraded(CRASHED, f"the kernel died in {_cell_name(where)} (the notebook exited or "
                                          "crashed Python)") from None
        failed = sum(any(o.get("output_type") == "error" for o in c.get("outputs", []))
                     for c in nb.cells if c.cell_type == "code")
        kernel = _Kernel(client, Path(config["io"]), config["timeout"])
        os.environ["TL_COURSE_SCRATCH"] = config["io"]  # files a check writes for the kernel (a sandbox sees io/)
        exported = kernel.export(answer_names(problems))
        results = judge(problems, exported["values"], kernel)
    return {"outcome": GRADED, "results": results, "failed_cells": failed,
            "bound": [str(b) for b in exported["bound"]],
            "views": {str(k): [str(x) for x in v] for k, v in dict(exported["views"]).items()}}


def answer_names(problems: dict) -> list:
    """The kernel variables the problems read: their answers and the optional evidence some checks use when it
    exists (`CustomCheck(..., optional=...)`: e.g. the `train_idx` an accuracy check leaves out)."""
    return sorted({v for p in problems.values() for v in (*p.vars, *getattr(p, "optional", ()))})


def judge(problems: dict, exported: dict, kernel=None) -> list:
    """Grade each problem once on the exported answers; an answer that could not be exported is a FAIL, and so is
    optional evidence that exists in the kernel but could not be exported (absent evidence is fine)."""
    from .grading import FAIL, Result

    values, broken = {}, {}
    for name, (status, payload) in exported.items():
        try:
            if status != "ok":
                raise ValueError(payload)
            values[name] = load_answer(payload, kernel)
        except Exception as exc:  # anything wrong with one answer's bytes only costs that answer
            broken[name] = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    rows = []
    for problem in problems.values():
        names = (*problem.vars, *getattr(problem, "optional", ()))
        bad = [v for v in names if v in broken]
        if getattr(problem, "in_kernel", False) and kernel is not None:
            result = kernel.check(problem.id)
        elif bad and problem.graded:
            result = Result(problem.id, FAIL, f"`{bad[0]}` could not be passed to the grader ({broken[bad[0]]}): "
                            "answers must be numbers, strings, arrays, tensors, tl_course/torch models, "
                            "lists or dicts of those, or functions.")
        else:
            result = problem.grade({k: v for k, v in values.items() if k in names})
            result = _recheck(problem, result, kernel)
        rows.append({"id": result.problem_id, "status": result.status, "message": result.message})
    return rows


def _recheck(problem, result, kernel):
    """A problem with a `recheck(result, record)` (exercise 10's `predict`) sees the kernel's record of unseen
    photos once more after it called the learner's function: what that call opened, the judge cannot see otherwise."""
    recheck = getattr(problem, "recheck", None)
    if recheck is None or kernel is None or result.status != "PASS":
        return result
    try:
        status, payload = kernel.export(["__tl_unseen_opened__"])["values"]["__tl_unseen_opened__"]
        record = load_answer(payload, None) if status == "ok" else None
    except Exception:  # the kernel is the learner's: a record that cannot be read is a FAIL, not a crash
        record = None
    return recheck(result, record)


class _Kernel:
    """The learner's kernel seen from the judge: export answers, call the learner's functions."""

    def __init__(self, client, io_dir: Path, timeout: float):
        self.client, self.io, self.timeout, self.calls, self.dead = client, io_dir, timeout, 0, None
        self._run(_kernel_source())

    def _run(self, code: str) -> None:
        import nbformat
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        if self.dead:
            raise TimeoutError(self.dead)
        cells = self.client.nb.cells
        cells.append(nbformat.v4.new_code_cell(code))  # a scratch cell after the learner's: nbclient fills it in
        try:
            self.client.execute_cell(cells[-1], len(cells) - 1)
        except CellTimeoutError:
            self.dead = f"an earlier call did not return within {self.timeout:g} s"
            raise TimeoutError(f"it did not return within {self.timeout:g} s") from None
        except DeadKernelError:
            self.dead = "the kernel died during an earlier call"
            raise RuntimeError("the kernel died while it ran") from None

    def export(self, names: list) -> dict:
        """Return `{"values": {name: ("ok", bytes) | ("error", why)}, "bound": [...], "views": {...}}`."""
        out = self.io / "answers.pkl"
        try:
            self._run(f"__tl_grader.export({names!r}, {str(out)!r})")
            exported = load_answer(out.read_bytes(), None)
            if not (isinstance(exported, dict) and isinstance(exported.get("values"), dict)):
                raise ValueError("the export is malformed")
            values = {n: v for n, v in exported["values"].items() if n in names and isinstance(v, tuple)
                      and len(v) == 2 and isinstance(v[1], (bytes, str))}
            return {"values": values, "bound": list(exported.get("bound", [])),
                    "views": dict(exported.get("views", {}))}
        except Exception as exc:  # the kernel's side is the learner's: anything can go wrong there
            raise _NotGraded(NOT_GRADED, f"the answers could not be read from the notebook ({exc})") from None

    def check(self, pid: str):
        """Run problem `pid`'s check in the kernel, on the learner's live objects; return its verdict as a Result.

        For the few checks that cannot work on exported values (`CustomCheck(..., in_kernel=True)`). The verdict
        comes from the kernel's copy of tl_course, which the grader compares with its snapshot afterwards; a
        notebook that patches that copy in memory can forge these verdicts (README, trust model).
        """
        from .grading import ANSWER, ERROR, FAIL, NOT_ATTEMPTED, PASS, Result

        self.calls += 1
        target = self.io / f"check{self.calls}.out"
        try:
            self._run(f"__tl_grader.check({str(pid)!r}, {str(target)!r})")
            outcome = load_answer(target.read_bytes(), None)
        except Exception as exc:  # a stuck or dead kernel, or bytes that are not a verdict
            return Result(pid, ERROR, f"the check could not run in the notebook's kernel: {exc}")
        if isinstance(outcome, tuple) and len(outcome) == 3 and outcome[0] == "ok" \
                and outcome[1] in (PASS, FAIL, ERROR, NOT_ATTEMPTED, ANSWER) and isinstance(outcome[2], str):
            return Result(pid, outcome[1], outcome[2][:4000])
        why = outcome[-1] if isinstance(outcome, tuple) and outcome else "no verdict"
        return Result(pid, ERROR, f"the check could not run in the notebook's kernel ({str(why)[:200]})")

    def call(self, fid: int, args: tuple, kwargs: dict):
        """Call learner function `fid` in the kernel on the grader's inputs; return its result as a value."""
        self.calls += 1
        source, result = self.io / f"call{self.calls}.in", self.io / f"call{self.calls}.out"
        source.write_bytes(pickle.dumps((args, kwargs), protocol=4))
        self._run(f"__tl_grader.call({int(fid)}, {str(source)!r}, {str(result)!r})")
        outcome = load_answer(result.read_bytes(), self)
        if not isinstance(outcome, tuple) or not outcome:
            raise ValueError("the function's result could not be read")
        if outcome[0] == "ok" and len(outcome) == 3:
            write_back((args, kwargs), outcome[2])  # what the function changed in place, it changes here too
            return outcome[1]
        if outcome[0] == "raise" and len(outcome) == 4:
            raise _learner_exception(*map(str, outcome[1:]))
        raise ValueError(f"its result could not be passed to the grader ({str(outcome[-1])[:120]})")


def write_back(original, changed) -> None:
    """Copy into the grader's arguments `original` what the learner's function changed in place in the
    kernel's copies `changed`: arrays, tensors, lists and dicts, nested in tuples, lists and dicts."""
    import numpy as np

    torch = sys.modules.get("torch")
    containers = (np.ndarray, list, dict, tuple) + ((torch.Tensor,) if torch else ())
    try:
        if isinstance(original, np.ndarray) and isinstance(changed, np.ndarray) and original.shape == changed.shape:
            if not np.array_equal(original, changed, equal_nan=True):
                original[...] = changed
        elif torch and isinstance(original, torch.Tensor) and isinstance(changed, torch.Tensor) \
                and original.shape == changed.shape:
            if not torch.equal(original.detach(), changed.detach()):
                with torch.no_grad():
                    original.copy_(changed)
        elif isinstance(original, (list, tuple)) and isinstance(changed, (list, tuple)) \
                and len(original) == len(changed):
            for i, (o, c) in enumerate(zip(original, changed)):
                if isinstance(o, containers):
                    write_back(o, c)
                elif isinstance(original, list) and o != c:
                    original[i] = c
        elif isinstance(original, list) and isinstance(changed, list):
            original[:] = changed
        elif isinstance(original, dict) and isinstance(changed, dict):
            for key in [k for k in original if k not in changed]:
                del original[key]
            for key, c in changed.items():
                if key in original and isinstance(original[key], containers):
                    write_back(original[key], c)
                else:
                    original[key] = c
    except Exception:  # an argument of a type that cannot take the change: it keeps the grader's value
        pass


def _learner_exception(name: str, message: str, text: str) -> Exception:
    """Rebuild an exception the learner's function raised in the kernel (built-in types keep their type)."""
    import builtins

    kind = getattr(builtins, name, None)
    try:
        exc = kind(message) if isinstance(kind, type) and issubclass(kind, Exception) else None
    except Exception:  # an exception type that needs other arguments
        exc = None
    if exc is None:
        exc = Exception(f"{name}: {message}")
    exc.learner_traceback = text
    return exc


class _RemoteFunction:
    """A learner function that stays in the kernel: calling it sends the arguments there."""

    def __init__(self, kernel, fid: int, name: str):
        self._kernel, self._fid, self.__name__ = kernel, fid, name

    def __call__(self, *args, **kwargs):
        if self._kernel is None:
            raise RuntimeError("the learner's function cannot be called here")
        return self._kernel.call(self._fid, args, kwargs)

    def __repr__(self):
        return f"<function {self.__name__}>"


# ----------------------------------------------------------------------------------------------
# Loading the kernel's bytes: only plain values, arrays, tensors and library objects; nothing runs


_ROOTS = ("numpy", "torch", "sklearn", "scipy", "tl_course", "collections", "builtins", "copyreg")
_BUILTIN_TYPES = {"set", "frozenset", "list", "dict", "tuple", "int", "float", "complex", "bool", "str", "bytes",
                  "bytearray", "slice", "range", "object", "NoneType"}
_CALLABLES = {("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
              ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"), ("numpy", "dtype"),
              ("collections", "OrderedDict"), ("torch", "device"), ("torch", "Size"), ("copyreg", "_reconstructor")}


class _AnswerUnpickler(pickle._Unpickler):
    """Unpickle the kernel's export without letting it run code: no calls but a short list of constructors,
    classes only from numpy/torch/sklearn/scipy/tl_course, and state set only on objects it just made."""

    dispatch = dict(pickle._Unpickler.dispatch)

    def __init__(self, file, kernel):
        super().__init__(file)
        self._kernel, self._made, self._callables = kernel, set(), set()

    def find_class(self, module, name):
        if "." in name or module.split(".")[0] not in _ROOTS or (module == "builtins" and name not in _BUILTIN_TYPES):
            raise pickle.UnpicklingError(f"{module}.{name} is not something the grader accepts")
        obj = getattr(importlib.import_module(module), name, None)
        if (module, name) in _CALLABLES or module == "builtins":  # the only things a pickle may call
            self._callables.add(id(obj))
            return obj
        if isinstance(obj, type) and str(obj.__module__).split(".")[0] in _ROOTS and not _risky_class(obj):
            return obj
        if _is_dtype(obj) or (isinstance(obj, types.FunctionType) and obj.__module__.startswith("tl_course.")):
            return obj  # a dtype, or a tl_course function stored as data (a frozen layer's hook): never called here
        raise pickle.UnpicklingError(f"{module}.{name} is not something the grader accepts")

    def persistent_load(self, pid):
        if isinstance(pid, tuple) and len(pid) == 6 and pid[0] == "tensor":
            return _tensor(*pid[1:])
        if isinstance(pid, tuple) and len(pid) == 3 and pid[0] == "function":
            return _RemoteFunction(self._kernel, int(pid[1]), str(pid[2])[:80])
        raise pickle.UnpicklingError("unknown reference in the answers")

    def load_reduce(self):
        args = self.stack.pop()
        func = self.stack[-1]
        if id(func) not in self._callables or not isinstance(args, tuple):
            raise pickle.UnpicklingError(f"calling {getattr(func, '__name__', func)!r} is not allowed in answers")
        if getattr(func, "__name__", "") == "_reconstructor" and (len(args) != 3 or args[1] is not object):
            raise pickle.UnpicklingError("copyreg._reconstructor is allowed on plain objects only")
        self.stack[-1] = func(*args)
        self._made.add(id(self.stack[-1]))

    def load_newobj(self):
        args = self.stack.pop()
        cls = self.stack.pop()
        self._new(cls, args, {})

    def load_newobj_ex(self):
        kwargs = self.stack.pop()
        args = self.stack.pop()
        cls = self.stack.pop()
        self._new(cls, args, kwargs)

    def _new(self, cls, args, kwargs):
        if not isinstance(cls, type) or _risky_class(cls) or str(cls.__module__).split(".")[0] not in _ROOTS:
            raise pickle.UnpicklingError(f"making {cls!r} is not allowed in answers")
        obj = cls.__new__(cls, *args, **kwargs)
        self._made.add(id(obj))
        self.append(obj)

    def load_build(self):
        if id(self.stack[-2]) not in self._made:  # never patch a class, function or module of the grader
            raise pickle.UnpicklingError("answers may only fill in objects they create")
        super().load_build()

    def _refuse(self):
        raise pickle.UnpicklingError("this kind of pickle is not accepted in answers")

    dispatch[pickle.REDUCE[0]] = load_reduce
    dispatch[pickle.NEWOBJ[0]] = load_newobj
    dispatch[pickle.NEWOBJ_EX[0]] = load_newobj_ex
    dispatch[pickle.BUILD[0]] = load_build
    for _code in (pickle.INST, pickle.OBJ, pickle.EXT1, pickle.EXT2, pickle.EXT4):
        dispatch[_code[0]] = _refuse


def _risky_class(cls) -> bool:
    """Classes whose construction touches files (numpy.memmap), metaclasses, and the grader's own."""
    import numpy as np

    return issubclass(cls, (np.memmap, type)) or cls.__module__ == "tl_course.grade"


def _is_dtype(obj) -> bool:
    import numpy as np

    torch = sys.modules.get("torch")
    return isinstance(obj, np.dtype) or (torch is not None and isinstance(obj, torch.dtype))


def _tensor(dtype: str, array, requires_grad, parameter, computed):
    """Rebuild a tensor the kernel exported as (dtype, NumPy array, requires_grad, is a Parameter, had a grad_fn).

    A tensor computed with autograd in the kernel comes back computed from a leaf here (it has a `grad_fn`),
    but its graph stays in the kernel: gradients do not flow back to the grader's inputs.
    """
    import numpy as np
    import torch

    if not isinstance(array, np.ndarray) or array.dtype == object:
        raise pickle.UnpicklingError("a tensor must come as a numeric array")
    target = getattr(torch, str(dtype).removeprefix("torch."), None)
    if not isinstance(target, torch.dtype):
        raise pickle.UnpicklingError(f"unknown tensor type {dtype!r}")
    t = torch.from_numpy(np.array(array, copy=True)).to(target)
    if parameter:
        return torch.nn.Parameter(t, requires_grad=bool(requires_grad))
    if not (t.is_floating_point() or t.is_complex()):
        return t
    return t.requires_grad_() * 1 if computed else t.requires_grad_(bool(requires_grad))


def load_answer(data: bytes, kernel=None):
    """Load bytes exported from a learner's kernel (see `_AnswerUnpickler`); learner functions stay remote."""
    return _AnswerUnpickler(io.BytesIO(data), kernel).load()


def _kernel_helpers(ns: dict):
    """Runs in the learner's kernel on its namespace `ns` (its code, so nothing here is trusted): export the
    answers, call the learner's functions on the grader's inputs."""
    import io as _io
    import pickle as _pickle
    import sys as _sys
    import traceback as _traceback
    import types as _types

    functions = []
    library = ("numpy", "torch", "sklearn", "scipy", "tl_course", "collections", "copyreg", "builtins")

    class Exporter(_pickle.Pickler):
        def persistent_id(self, obj):
            torch = _sys.modules.get("torch")
            if torch is not None and isinstance(obj, torch.Tensor):
                t = obj.detach().cpu()
                array = t.numpy() if t.dtype != torch.bfloat16 else t.float().numpy()
                return ("tensor", str(t.dtype), array.copy(), bool(obj.requires_grad),
                        isinstance(obj, torch.nn.Parameter), obj.grad_fn is not None)
            if isinstance(obj, type) or not callable(obj) or (torch is not None and isinstance(obj, torch.nn.Module)):
                return None
            module, qualname = getattr(obj, "__module__", None) or "", getattr(obj, "__qualname__", "") or ""
            if module.split(".")[0] in library and qualname and "<locals>" not in qualname:
                return None  # a library function: pickled by name
            if type(obj).__module__.split(".")[0] in library and not isinstance(
                    obj, (_types.FunctionType, _types.MethodType, _types.BuiltinFunctionType)):
                return None  # a library object that happens to be callable
            functions.append(obj)
            return ("function", len(functions) - 1, getattr(obj, "__name__", "function"))

    def dumps(obj):
        buffer = _io.BytesIO()
        Exporter(buffer, protocol=4).dump(obj)
        return buffer.getvalue()

    def export(names, path):
        values = {}
        for name in names:
            if name == "__tl_unseen_opened__":  # the course's record of unseen photos opened, not a variable
                audit = _sys.modules.get("tl_course.audit")
                values[name] = ("ok", dumps([str(p) for p in getattr(audit, "_opened", [])]))
            elif name in ns:
                try:
                    values[name] = ("ok", dumps(ns[name]))
                except BaseException as exc:
                    values[name] = ("error", f"{type(exc).__name__}: {exc}"[:200])
        grading = _sys.modules.get("tl_course.grading")
        bound = [str(getattr(ex, "lesson", "")) for ex in getattr(grading, "_bound", [])]
        seen = grading.views() if hasattr(grading, "views") else {}
        with open(path, "wb") as f:
            f.write(dumps({"values": values, "bound": bound, "views": seen}))

    def call(fid, source, target):
        with open(source, "rb") as f:
            args, kwargs = _pickle.load(f)
        try:
            result = ("ok", functions[fid](*args, **kwargs), (args, kwargs))
        except BaseException as exc:
            frames = _traceback.extract_tb(exc.__traceback__)[1:]  # the first frame is this helper
            frames = [fr for fr in frames if "site-packages" not in fr.filename][-2:]
            text = "".join(_traceback.format_list(frames)) + f"{type(exc).__name__}: {exc}"
            result = ("raise", type(exc).__name__, str(exc), text)
        try:
            data = dumps(result)
        except BaseException as exc:
            data = dumps(("unexportable", f"{type(exc).__name__}: {exc}"[:200]))
        with open(target, "wb") as f:
            f.write(data)

    def check(pid, target):
        try:
            from tl_course import grading as _grading
            result = _grading.registry()[pid].grade(dict(ns))
            outcome = ("ok", str(result.status), str(result.message))
        except BaseException as exc:
            outcome = ("raise", f"{type(exc).__name__}: {exc}"[:200])
        with open(target, "wb") as f:
            f.write(dumps(outcome))

    return _types.SimpleNamespace(export=export, call=call, check=check)


def _kernel_source() -> str:
    """The code that installs `_kernel_helpers` in the kernel as `__tl_grader`."""
    import inspect

    return (inspect.getsource(_kernel_helpers)
            + "\n__tl_grader = _kernel_helpers(get_ipython().user_ns)\ndel _kernel_helpers\n")


# ----------------------------------------------------------------------------------------------
# The batch: reports, files written as notebooks finish, Ctrl-C


def _label(r: dict) -> str:
    """A question's status as the report shows it, e.g. "PASS · solution viewed (not counted)"."""
    text = r["status"]
    if r.get("viewed"):
        text += f" · {r['viewed'].replace(', ', ' and ')} viewed"
    if r["status"] == "PASS" and not r.get("counted", True):
        text += " (not counted)"
    return text


def format_notebook(g: NotebookGrade) -> str:
    """Return the report lines of one notebook."""
    if g.outcome != GRADED:
        return f"{g.path}: {g.outcome} — {g.error}"
    note = f", {g.failed_cells} cell(s) raised errors" if g.failed_cells else ""
    lines = [f"{g.path}: {g.passed}/{g.graded} passed (exercise {g.lesson}, {g.seconds:.1f} s{note})"]
    lines += [f"    {r['id']:<8}{_label(r):<36}{r['message'].splitlines()[0] if r['message'] else ''}"[:180]
              for r in g.results]
    return "\n".join(lines)


def format_total(grades: list) -> str:
    """Return the closing line: questions passed, notebooks graded and not graded."""
    ok = [g for g in grades if g.outcome == GRADED]
    return (f"Total: {sum(g.passed for g in ok)}/{sum(g.graded for g in ok)} questions passed "
            f"in {len(ok)} notebook(s); {len(grades) - len(ok)} could not be graded.")


def format_report(grades: list) -> str:
    """Return the per-question table and totals for a batch of notebooks."""
    return "\n".join([format_notebook(g) for g in grades] + [format_total(grades)])


FIELDS = ["notebook", "id", "status", "message", "viewed", "counted", "exercise"]


def write_outputs(grades, json_path=None, csv_path=None) -> None:
    """Write the results as JSON and/or CSV, one row per notebook and question (replaced atomically)."""
    rows = []
    for g in grades:
        if g.outcome != GRADED:
            rows.append({"notebook": g.path, "id": "", "status": g.outcome, "message": g.error, "viewed": "",
                         "counted": False, "exercise": g.lesson or ""})
        rows += [{"notebook": g.path, "id": r["id"], "status": r["status"], "message": r["message"],
                  "viewed": r["viewed"], "counted": r["counted"], "exercise": g.lesson} for r in g.results]
    for path, write in ((json_path, _write_json), (csv_path, _write_csv)):
        if path:
            tmp = Path(f"{path}.partial")
            write(tmp, rows)
            os.replace(tmp, path)


def _write_json(path: Path, rows) -> None:
    path.write_text(json.dumps(rows, indent=1))


def _write_csv(path: Path, rows) -> None:
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)


def grade_batch(paths, *, jobs: int = 1, on_done=None, **options) -> list:
    """Grade `paths` with `jobs` notebooks at once; call `on_done(grades so far)` as each one finishes.

    Every submission is read before the first one runs, so a notebook that deletes or rewrites another
    submission changes nothing. On Ctrl-C the running notebooks are killed and what finished is returned.
    """
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    package = package_files()
    data = {}
    for p in paths:
        try:
            if p.exists() and p.suffix == ".ipynb":
                data[p] = p.read_bytes()
        except OSError:
            pass
    grades = [None] * len(paths)
    pool = ThreadPoolExecutor(max(1, jobs))
    futures = {pool.submit(grade_notebook, p, package=package, data=data.get(p), **options): i
               for i, p in enumerate(paths)}
    pending = set(futures)
    try:
        while pending:
            done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for fut in done:
                grades[futures[fut]] = fut.result()
                if on_done:
                    on_done(grades[futures[fut]], [g for g in grades if g is not None])
    except KeyboardInterrupt:
        _stopping.set()
        pool.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + 20
        while not all(f.done() for f in futures) and time.monotonic() < deadline:
            kill_running()                  # again and again: a child may register just after the first kill
            time.sleep(0.2)
        raise
    pool.shutdown(wait=True)
    return grades


def _interrupt(signum, frame):
    """Turn SIGTERM into the same clean stop as Ctrl-C."""
    raise KeyboardInterrupt


def main(argv=None) -> int:
    """Grade the notebooks named on the command line; exit 1 if any could not be graded, 130 on Ctrl-C."""
    parser = argparse.ArgumentParser(prog="python -m tl_course.grade", description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path, help="exercise notebooks to grade")
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed per cell (default 600)")
    parser.add_argument("--notebook-timeout", type=float, default=None,
                        help="seconds allowed per notebook, kernel start included (default: 4 × --timeout, ≥ 120)")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="notebooks graded at once")
    parser.add_argument("--exercise", help='grade every notebook as this exercise, e.g. "01" (default: from its '
                                           "file name NN_…, else from its `exercise(...)` line)")
    parser.add_argument("--solution-viewed-fails", action="store_true",
                        help="a passed question whose solution was viewed does not count as passed")
    parser.add_argument("--sandbox", action="store_true",
                        help="run each kernel in a bubblewrap sandbox (read-only files, no network; see the README)")
    parser.add_argument("--json", help="write results to this JSON file (rewritten as each notebook finishes)")
    parser.add_argument("--csv", help="write results to this CSV file (rewritten as each notebook finishes)")
    args = parser.parse_args(argv)
    _stopping.clear()
    if args.sandbox and not shutil.which("bwrap"):
        parser.error("--sandbox needs bubblewrap (`apt-get install bubblewrap`)")
    hide = [*args.paths, *filter(None, (args.json, args.csv))]

    def on_done(grade, finished):
        print(format_notebook(grade), flush=True)
        write_outputs(finished, args.json, args.csv)

    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if main_thread else None  # `kill`: as clean as Ctrl-C
    # Ctrl-C must stop the batch even when this process inherited an ignored SIGINT (Python then installs no
    # handler of its own: a grader started by another tool would be impossible to interrupt).
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler) if main_thread else None
    # ... and when it inherited a mask that blocks SIGINT/SIGTERM (a blocked signal is never delivered: the batch
    # could not be stopped; seen inside the full test suite).
    previous_mask = signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM}) if main_thread else None
    try:
        grades = grade_batch(args.paths, jobs=args.jobs, on_done=on_done, timeout=args.timeout,
                             notebook_timeout=args.notebook_timeout, exercise=args.exercise,
                             solution_viewed_fails=args.solution_viewed_fails, sandbox=args.sandbox, hide=hide)
    except KeyboardInterrupt:
        print(f"Interrupted: the notebooks graded so far are in the report above"
              f"{' and in ' + ' / '.join(filter(None, (args.json, args.csv))) if args.json or args.csv else ''}.",
              flush=True)
        return 130
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
            signal.signal(signal.SIGINT, previous_int)
            signal.pthread_sigmask(signal.SIG_SETMASK, previous_mask)
    print(format_total(grades))
    return 1 if any(g.outcome != GRADED for g in grades) else 0


if __name__ == "__main__":
    code = main()
    if code == 130:                         # interrupted: don't wait at exit for a worker thread still unwinding
        sys.stdout.flush()
        os._exit(code)
    sys.exit(code)
