"""Check a lesson's claims at several base seeds: every `assert`, its values, its margin.

    python -m tl_course.claims lessons/05_*.ipynb --seeds 0 100 200 [--threads 1] [--scale fast] [--json out.json]

Each notebook runs once per base seed on a fresh kernel (cwd = the notebook's folder, env `TL_COURSE_SEED`).
Before its cells run, an IPython AST transformer (in the kernel only; the notebook file is not touched)
rewrites every `assert test, msg` into a call that records PASS or FAIL — and, for comparisons, the values
compared — so a failing assert does not stop the run. An exception anywhere else stops that run and is
reported as ERROR with its cell. Prints one table per notebook (one row per assert, one column per seed,
the threshold and the smallest margin) and exits with status 1 if any assert failed or any run errored.
For course authors; not part of the test run.
"""

from __future__ import annotations

import argparse
import ast
import json
import operator
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

RECORDER = "__claims_record__"
_OPS = {ast.Gt: ">", ast.GtE: ">=", ast.Lt: "<", ast.LtE: "<=", ast.Eq: "==", ast.NotEq: "!=",
        ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in"}
_FUNCS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "==": operator.eq,
          "!=": operator.ne, "is": operator.is_, "is not": operator.is_not,
          "in": lambda a, b: a in b, "not in": lambda a, b: a not in b}


# ------------------------------------------------------------------------------------------------
# Reading an assert: clauses (joined by `and`), each a comparison, an `all(...)` of comparisons or anything else


def _clauses(test: ast.expr) -> list[ast.expr]:
    """Split `a and b and c` into its clauses (one clause otherwise)."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return list(test.values)
    return [test]


def _kind(clause: ast.expr) -> str:
    """Name the clause's shape: "cmp" (a OP b [OP c]), "cmp_all" ((a OP b).all()), "all" (all(a OP b for ...)), "bool"."""
    if isinstance(clause, ast.Compare) and all(type(op) in _OPS for op in clause.ops):
        return "cmp"
    if (isinstance(clause, ast.Call) and not clause.args and not clause.keywords
            and isinstance(clause.func, ast.Attribute) and clause.func.attr == "all"
            and isinstance(clause.func.value, ast.Compare) and len(clause.func.value.ops) == 1
            and type(clause.func.value.ops[0]) in _OPS):
        return "cmp_all"
    if (isinstance(clause, ast.Call) and isinstance(clause.func, ast.Name) and clause.func.id == "all"
            and len(clause.args) == 1 and not clause.keywords
            and isinstance(clause.args[0], (ast.GeneratorExp, ast.ListComp))
            and isinstance(clause.args[0].elt, ast.Compare) and len(clause.args[0].elt.ops) == 1
            and type(clause.args[0].elt.ops[0]) in _OPS):
        return "all"
    return "bool"


def _compare_of(clause: ast.expr, kind: str) -> ast.Compare | None:
    """The comparison inside a clause of shape `kind` (None for "bool")."""
    return {"cmp": lambda: clause, "cmp_all": lambda: clause.func.value,
            "all": lambda: clause.args[0].elt, "bool": lambda: None}[kind]()


def _is_literal(node: ast.expr) -> bool:
    """Tell whether an operand is a number written out (0.08, -1, 1 / 3): a threshold rather than a value."""
    return all(isinstance(n, (ast.Constant, ast.UnaryOp, ast.BinOp, ast.unaryop, ast.operator, ast.Tuple,
                              ast.expr_context)) for n in ast.walk(node))


def pattern(text: str) -> str:
    """Return the assert's threshold pattern: values as `·`, written-out numbers kept (`· > 0.9 and · < 0.5`)."""
    try:
        test = ast.parse(text, mode="eval").body
    except SyntaxError:
        return "?"
    parts = []
    for clause in _clauses(test):
        kind = _kind(clause)
        cmp = _compare_of(clause, kind)
        if cmp is None:
            parts.append("true")
            continue
        items = [ast.unparse(o) if _is_literal(o) else "·" for o in [cmp.left, *cmp.comparators]]
        body = " ".join([items[0], *(f"{_OPS[type(op)]} {item}" for op, item in zip(cmp.ops, items[1:]))])
        parts.append({"cmp": body, "cmp_all": f"({body}).all()", "all": f"all({body})"}[kind])
    return " and ".join(parts)


def shown_operands(text: str) -> list[list[bool]]:
    """For each clause, which operands are values to show (True) rather than written-out thresholds."""
    try:
        test = ast.parse(text, mode="eval").body
    except SyntaxError:
        return []
    shown = []
    for clause in _clauses(test):
        cmp = _compare_of(clause, _kind(clause))
        shown.append([] if cmp is None else [not _is_literal(o) for o in [cmp.left, *cmp.comparators]])
    return shown


# ------------------------------------------------------------------------------------------------
# The rewrite: `assert test, msg` → __claims_record__(cell, line, col, text, clauses, lambda: msg)


def _lambda(body: ast.expr) -> ast.Lambda:
    args = ast.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None,
                         defaults=[])
    return ast.copy_location(ast.Lambda(args=args, body=body), body)


def _clause_spec(clause: ast.expr) -> ast.Tuple:
    """Build `(kind, ops, thunks)` for one clause; operands become lambdas so they are evaluated lazily, once."""
    kind = _kind(clause)
    cmp = _compare_of(clause, kind)
    ops = ast.Tuple([ast.Constant(_OPS[type(op)]) for op in cmp.ops] if cmp else [], ast.Load())
    if kind in ("cmp", "cmp_all"):
        thunks = ast.Tuple([_lambda(o) for o in [cmp.left, *cmp.comparators]], ast.Load())
    elif kind == "all":
        comp = clause.args[0]  # all(a OP b for ...) → lambda: [(a, b) for ...]
        pairs = ast.ListComp(elt=ast.Tuple([cmp.left, cmp.comparators[0]], ast.Load()), generators=comp.generators)
        thunks = _lambda(ast.copy_location(pairs, comp))
    else:
        thunks = _lambda(clause)
    return ast.Tuple([ast.Constant(kind), ops, thunks], ast.Load())


def _rewritable(node: ast.Assert) -> bool:
    """Leave alone asserts whose test binds a name (`:=`) or yields: a lambda would change what they mean."""
    return not any(isinstance(n, (ast.NamedExpr, ast.Yield, ast.YieldFrom, ast.Await)) for n in ast.walk(node.test))


class AssertRecorder(ast.NodeTransformer):
    """Rewrite every assert of a cell (nested ones too) into a call of the recorder; collect what it found.

    Asserts inside a `try` body are left alone: the cell may rely on them raising.
    """

    def __init__(self, cell: int, source: str | None = None):
        self.cell, self.source = cell, source
        self.found: list[dict] = []
        self._in_try = 0

    def visit_Try(self, node):
        self._in_try += 1
        node.body = [self.visit(n) for n in node.body]
        self._in_try -= 1
        for name in ("handlers", "orelse", "finalbody"):
            setattr(node, name, [self.visit(n) for n in getattr(node, name)])
        return node

    visit_TryStar = visit_Try

    def visit_Assert(self, node: ast.Assert):
        if self._in_try or not _rewritable(node):
            return node
        text = ast.unparse(node.test)
        written = ast.get_source_segment(self.source, node.test) if self.source else None
        self.found.append({"cell": self.cell, "line": node.lineno, "col": node.col_offset, "text": text,
                           "shown": " ".join(written.replace("\\\n", " ").split()) if written else text})
        message = _lambda(node.msg) if node.msg is not None else ast.Constant(None)
        call = ast.Call(func=ast.Name(RECORDER, ast.Load()),
                        args=[ast.Constant(self.cell), ast.Constant(node.lineno), ast.Constant(node.col_offset),
                              ast.Constant(text), ast.Tuple([_clause_spec(c) for c in _clauses(node.test)], ast.Load()),
                              message], keywords=[])
        return ast.copy_location(ast.Expr(call), node)

    def visit_Module(self, node):
        self.generic_visit(node)
        return ast.fix_missing_locations(node)


def find_asserts(source: str, cell: int = 0) -> list[dict]:
    """List the asserts of one code cell as the kernel will see them: `{cell, line, col, text}`."""
    from IPython.core.inputtransformer2 import TransformerManager

    python = TransformerManager().transform_cell(source)
    try:
        tree = ast.parse(python)
    except SyntaxError:
        return []
    finder = AssertRecorder(cell, python)
    finder.visit(tree)
    return finder.found


# ------------------------------------------------------------------------------------------------
# Kernel side: the recorder and the transformer that calls it


_kernel: dict = {"path": None, "cell": -1}  # the records file and the cell now running (set by `install`)


def _numbers(value):
    """`value` as a float array, or None when it is not numeric."""
    import numpy as np

    if isinstance(value, (str, bytes)):
        return None  # np.asarray("0.5", dtype=float) would read a number into text
    try:
        if hasattr(value, "detach"):
            value = value.detach().cpu().numpy()
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError, RuntimeError):
        return None
    return array if array.size else None


def _summary(value):
    """A JSON-friendly, short form of an operand: a rounded float, `{min, max, n}` for arrays, else a repr."""
    array = _numbers(value)
    if array is None:
        text = repr(value)
        return text if len(text) <= 40 else text[:39] + "…"
    if array.size == 1:
        return round(float(array.reshape(-1)[0]), 6)
    return {"min": round(float(array.min()), 6), "max": round(float(array.max()), 6), "n": int(array.size)}


def _margin(op: str, a, b):
    """How far `a OP b` is from failing (positive: holds with room; elementwise minimum for arrays)."""
    import numpy as np

    x, y = _numbers(a), _numbers(b)
    if x is None or y is None or op not in (">", ">=", "<", "<=", "==", "!="):
        return None
    try:
        diff = {">": x - y, ">=": x - y, "<": y - x, "<=": y - x, "==": -np.abs(x - y), "!=": np.abs(x - y)}[op]
    except ValueError:  # shapes that do not broadcast
        return None
    return float(np.min(diff))


def _evaluate(kind, ops, thunks):
    """Evaluate one clause as Python would (chains short-circuit); return (passed, operand summaries, margin)."""
    if kind == "bool":
        return bool(thunks()), [], None
    if kind == "all":
        pairs = thunks()
        lefts, rights = [p[0] for p in pairs], [p[1] for p in pairs]
        passed = all(_FUNCS[ops[0]](a, b) for a, b in pairs)
        margins = [_margin(ops[0], a, b) for a, b in pairs]
        margin = min(margins) if margins and None not in margins else None
        return passed, [_summary(lefts), _summary(rights)], margin
    values, margins, passed = [thunks[0]()], [], True
    for op, thunk in zip(ops, thunks[1:]):
        values.append(thunk())
        result = _FUNCS[op](values[-2], values[-1])
        margins.append(_margin(op, values[-2], values[-1]))
        if not bool(result.all() if kind == "cmp_all" else result):
            passed = False
            break
    margin = min(margins) if None not in margins else None
    return passed, [_summary(v) for v in values], margin


def _record(cell, line, col, text, clauses, message):
    """Record one assert's outcome in the records file; never raise for a failing assert."""
    entry = {"cell": cell, "line": line, "col": col, "text": text, "status": "PASS", "clauses": [], "margin": None}
    try:
        for kind, ops, thunks in clauses:
            passed, values, margin = _evaluate(kind, ops, thunks)
            entry["clauses"].append({"values": values, "margin": margin, "passed": passed})
            if not passed:
                entry["status"] = "FAIL"
                break  # `and` stops at the first false clause
    except Exception as exc:
        entry.update(status="ERROR", error=f"{type(exc).__name__}: {exc}")
        _write(entry)
        raise
    known = [c["margin"] for c in entry["clauses"] if c["margin"] is not None]
    opaque_failure = any(c["margin"] is None and not c["passed"] for c in entry["clauses"])
    entry["margin"] = min(known) if known and not opaque_failure else None
    if entry["status"] == "FAIL" and message is not None:
        try:
            entry["message"] = str(message())
        except Exception as exc:
            entry["message"] = f"(the message raised {type(exc).__name__})"
    _write(entry)


def _write(entry: dict) -> None:
    with open(_kernel["path"], "a") as f:
        f.write(json.dumps(entry, default=str) + "\n")


class _KernelTransformer(ast.NodeTransformer):
    """The IPython AST transformer: rewrite the asserts of the cell now running."""

    def visit(self, node):
        try:
            return AssertRecorder(_kernel["cell"]).visit(node)
        except Exception:  # IPython would unregister a transformer that raises; run the cell as written
            return node


def install(records_path: str, threads: int | None = None) -> None:
    """In the kernel: record every assert of the cells that follow into `records_path` (JSON lines)."""
    from IPython import get_ipython

    shell = get_ipython()
    _kernel["path"] = records_path
    shell.user_ns[RECORDER] = _record
    shell.ast_transformers.append(_KernelTransformer())
    if threads:
        import torch

        torch.set_num_threads(threads)


def set_cell(index: int) -> None:
    """In the kernel: say which notebook cell runs next (the transformer stamps it on that cell's asserts)."""
    _kernel["cell"] = index


# ------------------------------------------------------------------------------------------------
# Client side: run a notebook at one seed


@dataclass
class Run:
    """One notebook at one base seed: the assert records, and the error that stopped it, if any."""

    notebook: str
    seed: int
    records: list = field(default_factory=list)
    error: str | None = None
    error_cell: int | None = None
    seconds: float = 0.0


def _this_python_kernel():
    """Return a kernel manager whose kernel runs this Python (so the lesson sees the packages the tool sees)."""
    import ipykernel.kernelspec
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

    class ThisPython(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            return KernelSpec(resource_dir=ipykernel.kernelspec.RESOURCES, **ipykernel.kernelspec.get_kernel_dict())

    return KernelManager(kernel_name="python3", kernel_spec_manager=ThisPython())


def run_notebook(path, seed: int, *, scale: str = "fast", threads: int | None = None, timeout: int = 1800) -> Run:
    """Execute the notebook at base seed `seed` on a fresh kernel, recording every assert; never raises."""
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    run = Run(str(path), seed)
    start = time.perf_counter()
    env = {**os.environ, "TL_COURSE_SEED": str(seed), "TL_COURSE_SCALE": scale, "TL_COURSE_QUIET": "1",
           "MPLBACKEND": "Agg"}
    if threads:
        env.update(OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    handle, records_path = tempfile.mkstemp(prefix="claims-", suffix=".jsonl")
    os.close(handle)
    km = None
    try:
        nb = nbformat.read(path, as_version=4)
        km = _this_python_kernel()
        client = NotebookClient(nb, km=km, timeout=timeout, allow_errors=False,
                                resources={"metadata": {"path": str(path.parent.resolve())}})
        hidden = nbformat.v4.new_code_cell
        with client.setup_kernel(env=env, stderr=subprocess.DEVNULL):  # not the kernel's start-up chatter
            client.execute_cell(hidden(f"import tl_course.claims as _claims\n"
                                       f"_claims.install({records_path!r}, threads={threads!r})"), 0)
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                client.execute_cell(hidden(f"_claims.set_cell({index})"), index)
                run.error_cell = index
                client.execute_cell(cell, index)
            run.error_cell = None
    except Exception as exc:  # a cell's error, a dead kernel, a timeout, an unreadable notebook
        name, value = getattr(exc, "ename", None), getattr(exc, "evalue", None)
        run.error = f"{name}: {value}" if name else (str(exc).splitlines() or [type(exc).__name__])[0]
        if run.error_cell is None:
            run.error_cell = -1  # before the first cell
    finally:
        if km is not None and km.has_kernel:
            km.shutdown_kernel(now=True)
        run.records = [json.loads(line) for line in Path(records_path).read_text().splitlines() if line.strip()]
        os.unlink(records_path)
        run.seconds = time.perf_counter() - start
    return run


# ------------------------------------------------------------------------------------------------
# The report


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e-3 and value else f"{value:.4f}".rstrip("0").rstrip(".") or "0"
    if isinstance(value, dict):
        return _fmt(value["min"]) if value["min"] == value["max"] else f"{_fmt(value['min'])}…{_fmt(value['max'])}"
    return str(value)


def _signed(margin: float) -> str:
    return f"{margin:+.2e}" if margin and abs(margin) < 1e-3 else f"{margin:+.4f}"


def _shown_values(text: str, clauses: list) -> str:
    """The values of one record, thresholds left out: `0.79/0.33`."""
    shown = shown_operands(text)
    out = []
    for flags, clause in zip(shown, clauses):
        out += [_fmt(v) for v, keep in zip(clause["values"], flags) if keep]
    return "/".join(out)


def _merge(records: list) -> dict | None:
    """One assert evaluated several times in a run (a loop): keep the worst evaluation."""
    if not records:
        return None
    rank = {"ERROR": 0, "FAIL": 1, "PASS": 2}
    worst = min(records, key=lambda r: (rank[r["status"]], r["margin"] if r["margin"] is not None else 0))
    return {**worst, "times": len(records)}


def collect(path, runs: list[Run]) -> list[dict]:
    """Rows of the report for one notebook: each assert found in it (or recorded by it) with its result per run."""
    import nbformat

    rows: dict = {}
    try:
        nb = nbformat.read(path, as_version=4)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                for found in find_asserts(cell.source, index):
                    rows[(found["cell"], found["line"], found["col"])] = {**found, "results": {}}
    except Exception:  # the runs say why the notebook could not be read
        pass
    for run in runs:
        for record in run.records:  # e.g. asserts inside a %%cell magic, which the static reading cannot see
            key = (record["cell"], record["line"], record["col"])
            rows.setdefault(key, {k: record[k] for k in ("cell", "line", "col", "text")}
                            | {"shown": record["text"], "results": {}})
    for row in rows.values():
        for run in runs:
            mine = [r for r in run.records if (r["cell"], r["line"], r["col"]) == (row["cell"], row["line"], row["col"])]
            row["results"][run.seed] = _merge(mine)
        margins = [r["margin"] for r in row["results"].values() if r and r["margin"] is not None]
        row["min_margin"] = min(margins) if margins else None
        row["threshold"] = pattern(row["text"])
        row["failed"] = any(r and r["status"] != "PASS" for r in row["results"].values())
    return sorted(rows.values(), key=lambda r: (r["cell"], r["line"], r["col"]))


def _short(text: str, width: int = 44) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def format_notebook(path, runs: list[Run], rows: list[dict]) -> str:
    """Return one notebook's table: a row per assert, a column per seed, the threshold and the smallest margin."""
    header = ["cell", "line", "assert", *(f"seed {r.seed}" for r in runs), "threshold", "min margin"]
    table = []
    for row in rows:
        cells = [str(row["cell"]), str(row["line"]), _short(row["shown"])]
        for run in runs:
            result = row["results"][run.seed]
            if result is None:
                cells.append("not reached")
                continue
            values = _shown_values(row["text"], result["clauses"])
            times = f" ×{result['times']}" if result["times"] > 1 else ""
            cells.append(" ".join(filter(None, [_short(values, 30), result["status"] + times])))
        margin = row["min_margin"]
        cells += [_short(row["threshold"], 36), "" if margin is None else _signed(margin)]
        table.append(cells)
    widths = [max(len(h), *(len(c[i]) for c in table)) if table else len(h) for i, h in enumerate(header)]
    lines = [f"{path}", "  ".join(h.ljust(w) for h, w in zip(header, widths)), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip() for cells in table]
    for row in rows:  # why each failure failed, in the lesson's own words
        for seed, result in row["results"].items():
            if result and result["status"] != "PASS":
                why = result.get("message") or result.get("error") or ""
                lines.append(f"  cell {row['cell']} line {row['line']}, seed {seed}: {result['status']}"
                             + (f" — {_short(why.splitlines()[0] if why else '', 100)}" if why else ""))
    for run in runs:
        if run.error:
            where = "before the first cell" if run.error_cell == -1 else f"in cell {run.error_cell}"
            lines.append(f"  seed {run.seed}: ERROR {where} — {_short(run.error, 120)} (later asserts not reached)")
    return "\n".join(lines)


def check(paths, seeds, *, scale: str = "fast", threads: int | None = None, timeout: int = 1800,
          progress=None) -> dict:
    """Run every notebook at every seed; return `{notebook: {"runs": [...], "rows": [...]}}`."""
    report = {}
    for path in paths:
        runs = []
        for seed in seeds:
            run = run_notebook(path, seed, scale=scale, threads=threads, timeout=timeout)
            if progress:
                failed = sum(r["status"] != "PASS" for r in run.records)
                state = f", ERROR in cell {run.error_cell}" if run.error else ""
                progress(f"[claims] {path} seed={seed}: {run.seconds:.1f} s, {len(run.records)} assert checks, "
                         f"{failed} failed{state}")
            runs.append(run)
        report[str(path)] = {"runs": runs, "rows": collect(path, runs)}
    return report


def summary(report: dict) -> str:
    """The last line: how many asserts, how many failed at some seed, how many runs errored."""
    rows = [row for nb in report.values() for row in nb["rows"]]
    errors = sum(run.error is not None for nb in report.values() for run in nb["runs"])
    unreached = sum(any(r is None for r in row["results"].values()) for row in rows)
    line = f"{len(rows)} asserts, {sum(row['failed'] for row in rows)} failed at some seed"
    if unreached:
        line += f", {unreached} not reached at some seed"
    if errors:
        line += f", {errors} run(s) stopped by an error"
    return line


def to_json(report: dict) -> dict:
    """The report as plain data (for `--json`)."""
    return {path: {"runs": [{"seed": r.seed, "seconds": round(r.seconds, 2), "error": r.error,
                             "error_cell": r.error_cell} for r in nb["runs"]],
                   "asserts": [{**row, "results": {str(k): v for k, v in row["results"].items()}}
                               for row in nb["rows"]]}
            for path, nb in report.items()}


def main(argv=None) -> int:
    """Check the claims of the notebooks named on the command line; exit 1 if any assert failed or errored."""
    parser = argparse.ArgumentParser(prog="python -m tl_course.claims", description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path, help="lesson notebooks")
    parser.add_argument("--seeds", nargs="+", type=int, default=[0], help="base seeds (env TL_COURSE_SEED), e.g. 0 100 200")
    parser.add_argument("--threads", type=int, default=None, help="torch/OpenMP/MKL threads in the kernel")
    parser.add_argument("--scale", choices=("fast", "full"), default="fast", help="TL_COURSE_SCALE (default fast)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed per cell (default 1800)")
    parser.add_argument("--json", help="write the full results to this JSON file")
    args = parser.parse_args(argv)
    report = check(args.paths, args.seeds, scale=args.scale, threads=args.threads, timeout=args.timeout,
                   progress=lambda line: print(line, file=sys.stderr, flush=True))
    print("\n\n".join(format_notebook(path, nb["runs"], nb["rows"]) for path, nb in report.items()))
    print(summary(report))
    if args.json:
        Path(args.json).write_text(json.dumps(to_json(report), indent=1, default=str))
    failed = any(row["failed"] for nb in report.values() for row in nb["rows"])
    errored = any(run.error for nb in report.values() for run in nb["runs"])
    return 1 if failed or errored else 0


if __name__ == "__main__":
    sys.exit(main())
