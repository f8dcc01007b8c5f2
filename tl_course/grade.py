"""Grade finished exercise notebooks from the command line.

    python -m tl_course.grade exercises/01_landscape.ipynb submissions/*.ipynb --json grades.json --csv grades.csv

Each notebook runs on a fresh kernel (a learner's failing cell does not stop the rest), then every
problem of every exercise it bound is graded. Prints a per-question table and a total; a notebook
that cannot be read or executed gets one line saying why, the others are still graded, and the exit
status is 1.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

MARKER = "TL_COURSE_RESULTS:"
REPORT_CELL = f"import tl_course.grading as _tl_grading\nprint({MARKER!r} + _tl_grading.report_json())"


@dataclass
class NotebookGrade:
    """The grade of one notebook: per-question results, or why it could not be graded."""

    path: str
    results: list = field(default_factory=list)
    error: str | None = None
    failed_cells: int = 0
    seconds: float = 0.0

    @property
    def passed(self) -> int:
        return sum(r["status"] == "PASS" for r in self.results)

    @property
    def graded(self) -> int:
        return sum(r["status"] != "ANSWER SHOWN" for r in self.results)


def _current_env_kernel():
    """Return a kernel manager that starts a kernel with this Python (so the grader's packages are used)."""
    import ipykernel.kernelspec
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

    class CurrentEnvSpecs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            return KernelSpec(resource_dir=ipykernel.kernelspec.RESOURCES, **ipykernel.kernelspec.get_kernel_dict())

    return KernelManager(kernel_name="python3", kernel_spec_manager=CurrentEnvSpecs())


def grade_notebook(path: Path, timeout: int = 600) -> NotebookGrade:
    """Execute one notebook and grade it; never raises for a bad notebook."""
    import nbformat
    from nbclient import NotebookClient

    start = time.perf_counter()
    grade = NotebookGrade(str(path))
    try:
        if not path.exists():
            raise FileNotFoundError(f"no such file: {path}")
        if path.suffix != ".ipynb":
            raise ValueError(f"not a notebook (expected a .ipynb file): {path}")
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as exc:  # nbformat raises several types for broken JSON/schema
            raise ValueError(f"not a readable notebook ({type(exc).__name__}: {str(exc).splitlines()[0]})") from None
        nb.cells.append(nbformat.v4.new_code_cell(REPORT_CELL))
        km = _current_env_kernel()
        client = NotebookClient(nb, km=km, timeout=timeout, allow_errors=True,
                                resources={"metadata": {"path": str(path.parent.resolve())}})
        try:
            client.execute()
        finally:
            if km.has_kernel:
                km.shutdown_kernel(now=True)  # we started it, so we stop it
        grade.failed_cells = sum(any(o.get("output_type") == "error" for o in c.get("outputs", []))
                                 for c in nb.cells[:-1] if c.cell_type == "code")
        text = "".join(o.get("text", "") for o in nb.cells[-1].get("outputs", []) if o.get("output_type") == "stream")
        if MARKER not in text:
            raise RuntimeError("the notebook ran but the grader could not read its results")
        grade.results = json.loads(text.split(MARKER, 1)[1].strip().splitlines()[0])
        if not grade.results:
            raise RuntimeError("no exercise was bound: the notebook never ran `ex = exercise(...)`")
    except Exception as exc:  # one broken notebook must not stop the batch
        grade.error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    grade.seconds = time.perf_counter() - start
    return grade


def format_report(grades: list[NotebookGrade]) -> str:
    """Return the per-question table and totals for a batch of notebooks."""
    lines = []
    for g in grades:
        if g.error:
            lines.append(f"{g.path}: NOT GRADED — {g.error}")
            continue
        note = f", {g.failed_cells} cell(s) raised errors" if g.failed_cells else ""
        lines.append(f"{g.path}: {g.passed}/{g.graded} passed ({g.seconds:.1f} s{note})")
        lines += [f"    {r['id']:<8}{r['status']:<15}{r['message'].splitlines()[0] if r['message'] else ''}"[:160]
                  for r in g.results]
    ok = [g for g in grades if not g.error]
    lines.append(f"Total: {sum(g.passed for g in ok)}/{sum(g.graded for g in ok)} questions passed "
                 f"in {len(ok)} notebook(s); {len(grades) - len(ok)} could not be graded.")
    return "\n".join(lines)


def write_outputs(grades, json_path=None, csv_path=None) -> None:
    """Write the class's results as JSON and/or CSV (one row per notebook and question)."""
    rows = [{"notebook": g.path, "id": r["id"], "status": r["status"], "message": r["message"]}
            for g in grades for r in g.results]
    rows += [{"notebook": g.path, "id": "", "status": "NOT GRADED", "message": g.error} for g in grades if g.error]
    if json_path:
        Path(json_path).write_text(json.dumps(rows, indent=1))
    if csv_path:
        with open(csv_path, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=["notebook", "id", "status", "message"])
            writer.writeheader()
            writer.writerows(rows)


def main(argv=None) -> int:
    """Grade the notebooks named on the command line; exit 1 if any could not be graded."""
    parser = argparse.ArgumentParser(prog="python -m tl_course.grade", description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path, help="exercise notebooks to grade")
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell (default 600)")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="notebooks graded at once")
    parser.add_argument("--json", help="write results to this JSON file")
    parser.add_argument("--csv", help="write results to this CSV file")
    args = parser.parse_args(argv)
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ.setdefault("TL_COURSE_QUIET", "1")
    if args.jobs > 1 and len(args.paths) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(args.jobs) as pool:
            grades = list(pool.map(lambda p: grade_notebook(p, args.timeout), args.paths))
    else:
        grades = [grade_notebook(p, args.timeout) for p in args.paths]
    print(format_report(grades))
    write_outputs(grades, args.json, args.csv)
    return 1 if any(g.error for g in grades) else 0


if __name__ == "__main__":
    sys.exit(main())
