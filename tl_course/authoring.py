"""Authoring: generate the learner's exercise notebooks from the solution notebooks (the one source).

Markers in a solution notebook:

* in a code cell, the lines between `# BEGIN SOLUTION` and `# END SOLUTION` are replaced by
  `# YOUR CODE HERE` and a stub: `name = ____` for every variable the block assigns at its own
  indentation, and `return ____` if the block returns;
* a cell tagged `solution-only` is dropped, and so is a Markdown line containing `<!-- solution-only -->`.

The same blocks are the model answers that `ex.q1.solution()` shows: the block of the cell that calls
`ex.q1.check()`, under the `def` line of the function it completes. The installed package has no solutions/,
so they are copied into `tl_course/problems/solutions.json`.

Run `python -m tl_course.authoring` from the repository root to regenerate `exercises/` and that file (a test
fails when they are out of date).
"""

from __future__ import annotations

import ast
import copy
import json
import re
import sys
from pathlib import Path

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
SOLUTION_ONLY = "solution-only"
CHECK = re.compile(r"\bex\.(q\d+)\.check\(\)")
# The model answers `ex.qN.solution()` shows, copied from solutions/ into the package (which ships without them).
SOLUTION_TEXTS = Path("tl_course") / "problems" / "solutions.json"
GENERATED_NOTE = ("<!-- Generated from solutions/{name} by `python -m tl_course.authoring`: "
                  "edit the solution notebook, not this file. -->")


def _assigned_names(block: list[str]) -> tuple[list[str], bool]:
    """Return the names a code block assigns at its top level, and whether it returns."""
    indent = min((len(line) - len(line.lstrip()) for line in block if line.strip()), default=0)
    source = "\n".join(line[indent:] for line in block)
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        # A block inside a function body may `return` at top level; parse it inside a function.
        try:
            tree = ast.parse("def _f():\n" + "\n".join("    " + line for line in source.splitlines())).body[0]
        except SyntaxError:
            raise ValueError(f"Solution block does not parse: {exc}") from None
    names, returns = [], False
    for node in tree.body:
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        elif isinstance(node, ast.Return):
            returns = True
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.append(node.name)
        for target in targets:
            if isinstance(target, (ast.Attribute, ast.Subscript)):      # `self.old = ...` → `self.old = ____`
                names.append(ast.unparse(target))
                continue
            for sub in ast.walk(target):
                if isinstance(sub, ast.Name) and sub.id not in names:
                    names.append(sub.id)
    return names, returns


def solution_blocks(lines: list[str]) -> list[tuple[int, int, str]]:
    """Find the marked solution blocks of a cell's lines: (BEGIN line, END line, indentation) for each."""
    blocks, begin = [], None
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped == BEGIN:
            if begin is not None:
                raise ValueError("Nested `# BEGIN SOLUTION` markers.")
            begin = i
        elif stripped == END:
            if begin is None:
                raise ValueError("`# END SOLUTION` without a matching `# BEGIN SOLUTION`.")
            blocks.append((begin, i, lines[begin][: len(lines[begin]) - len(lines[begin].lstrip())]))
            begin = None
    if begin is not None:
        raise ValueError("`# BEGIN SOLUTION` without a matching `# END SOLUTION`.")
    return blocks


def stub_code(source: str) -> str:
    """Replace every marked solution block in a code cell's source by a `# YOUR CODE HERE` stub."""
    lines = source.splitlines()
    out, rest = [], 0
    for begin, end, indent in solution_blocks(lines):
        names, returns = _assigned_names(lines[begin + 1:end])
        out += lines[rest:begin] + [f"{indent}# YOUR CODE HERE"] + [f"{indent}{name} = ____" for name in names]
        out += [f"{indent}return ____"] if returns else []
        rest = end + 1
    return "\n".join(out + lines[rest:])


def shown_solution(lines: list[str], begin: int, end: int, indent: str) -> str:
    """The model answer a learner is shown for one block: its lines, under the `def` line of the function it
    completes (the signature, without the docstring)."""
    shown = lines[begin + 1:end]
    if indent:
        header = next((line for line in reversed(lines[:begin])
                       if line.strip() and len(line) - len(line.lstrip()) < len(indent)), "")
        if header.lstrip().startswith("def "):
            shown.insert(0, header)
    margin = min(len(line) - len(line.lstrip()) for line in shown if line.strip())
    return "\n".join(line[margin:] for line in shown)


def solution_texts(solution_nb) -> dict:
    """Return `{"q1": model answer, ...}` of a solution notebook: each block answers the question its cell checks
    (`ex.q1.check()`)."""
    texts = {}
    for cell in solution_nb.cells:
        if cell.cell_type != "code":
            continue
        lines = cell.source.splitlines()
        blocks = solution_blocks(lines)
        if not blocks:
            continue
        questions = CHECK.findall(cell.source)
        if len(questions) != 1:
            raise ValueError(f"A cell with a solution block must check exactly one question (`ex.qN.check()`), "
                             f"not {len(questions)}: {lines[0]!r}")
        if questions[0] in texts:
            raise ValueError(f"Question {questions[0]} has solution blocks in more than one cell.")
        texts[questions[0]] = "\n\n".join(shown_solution(lines, *block) for block in blocks)
    return texts


def make_exercise(solution_nb, name: str):
    """Return the exercise notebook generated from a solution notebook (nbformat object)."""
    nb = copy.deepcopy(solution_nb)
    cells = []
    for cell in nb.cells:
        if SOLUTION_ONLY in cell.get("metadata", {}).get("tags", []):
            continue
        if cell.cell_type == "code":
            cell.source = stub_code(cell.source)
        elif cell.cell_type == "markdown":
            cell.source = "\n".join(line for line in cell.source.splitlines()
                                    if "<!-- solution-only -->" not in line)
        cells.append(cell)
    if cells and cells[0].cell_type == "markdown":
        cells[0].source = GENERATED_NOTE.format(name=name) + "\n" + cells[0].source
    nb.cells = cells
    return nb


def generate_all(root: Path = Path("."), check: bool = False) -> list[str]:
    """Write (or with `check`, only compare) every `exercises/NN_*.ipynb` and the shipped model answers;
    return the stale ones."""
    import nbformat

    from . import colab

    stale, texts = [], {}
    for solution in sorted((root / "solutions").glob("*.ipynb")):
        target = root / "exercises" / solution.name
        solution_nb = nbformat.read(solution, as_version=4)
        texts.update({f"{solution.name[:2]}.{q}": text for q, text in solution_texts(solution_nb).items()})
        nb = make_exercise(solution_nb, solution.name)
        colab.sync_notebook(nb, target.relative_to(root).as_posix())
        stale += _write_if_changed(target, nbformat.writes(nb) + "\n", check)
    shipped = json.dumps(dict(sorted(texts.items())), indent=1, ensure_ascii=False) + "\n"
    return stale + _write_if_changed(root / SOLUTION_TEXTS, shipped, check)


def _write_if_changed(target: Path, text: str, check: bool) -> list[str]:
    """Write `text` to `target` unless it holds it already (with `check`, never write); return [target] if stale."""
    if target.exists() and target.read_text(encoding="utf-8") == text:
        return []
    if not check:
        target.write_text(text, encoding="utf-8")
    return [str(target)]


def main(argv=None) -> int:
    """Regenerate `exercises/` and the shipped model answers from `solutions/` (`--check`: only report what is stale)."""
    argv = sys.argv[1:] if argv is None else argv
    check = "--check" in argv
    stale = generate_all(Path("."), check=check)
    verb = "out of date" if check else "written"
    print("\n".join(f"{verb}: {s}" for s in stale) or f"exercises/ and {SOLUTION_TEXTS} are up to date with solutions/.")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
