"""Test-wide settings and the per-notebook timing report.

Lives at the repository root so it applies to the notebooks in lessons/, exercises/ and solutions/ too.
"""

import os
import time
from collections import defaultdict

# Headless plots, quiet progress bars and the fast scale for every test and every notebook kernel
# (kernels inherit this environment). Set TL_COURSE_SCALE=full yourself to test the full scale.
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TL_COURSE_QUIET", "1")
os.environ.setdefault("TL_COURSE_SCALE", "fast")

_notebook_seconds = defaultdict(float)
_session_start = time.perf_counter()


def pytest_runtest_logreport(report):
    """Add up the time of every cell of every notebook."""
    path = report.nodeid.split("::")[0]
    if path.endswith(".ipynb"):
        _notebook_seconds[path] += report.duration


def pytest_terminal_summary(terminalreporter):
    """Print the per-notebook timing report, slowest first."""
    if not _notebook_seconds:
        return
    budget = float(os.environ.get("TL_COURSE_NOTEBOOK_BUDGET", "120"))
    tr = terminalreporter
    tr.section("notebook timings (slowest first)")
    for path, seconds in sorted(_notebook_seconds.items(), key=lambda kv: -kv[1]):
        flag = "  OVER BUDGET" if seconds > budget else ""
        tr.write_line(f"{seconds:8.1f} s  {path}{flag}")
    total = sum(_notebook_seconds.values())
    tr.write_line(f"{total:8.1f} s  all {len(_notebook_seconds)} notebooks "
                  f"(whole run {time.perf_counter() - _session_start:.0f} s; budget {budget:.0f} s per notebook)")
