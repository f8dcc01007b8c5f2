"""Authoring: generate the learner's exercise notebooks from the solution notebooks (the one source).

Markers in a solution notebook:

* in a code cell, the lines between `# BEGIN SOLUTION` and `# END SOLUTION` are replaced by
  `# YOUR CODE HERE` and a stub: `name = ____` for every variable the block assigns at its own
  indentation, and `return ____` if the block returns;
* a cell tagged `solution-only` is dropped, and so is a Markdown line containing `<!-- solution-only -->`.

Run `python -m tl_course.authoring` from the repository root to regenerate `exercises/` (a test fails
when they are out of date).
"""

from __future__ import annotations

import ast
import copy
import sys
from pathlib import Path

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
SOLUTION_ONLY = "solution-only"
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
            for sub in ast.walk(target):
                if isinstance(sub, ast.Name) and sub.id not in names:
                    names.append(sub.id)
    return names, returns


def stub_code(source: str) -> str:
    """Replace every marked solution block in a code cell's source by a `# YOUR CODE HERE` stub."""
    out, block, indent, inside = [], [], "", False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise ValueError("Nested `# BEGIN SOLUTION` markers.")
            inside, block, indent = True, [], line[: len(line) - len(line.lstrip())]
        elif stripped == END:
            if not inside:
                raise ValueError("`# END SOLUTION` without a matching `# BEGIN SOLUTION`.")
            names, returns = _assigned_names(block)
            out.append(f"{indent}# YOUR CODE HERE")
            out.extend(f"{indent}{name} = ____" for name in names)
            if returns:
                out.append(f"{indent}return ____")
            inside = False
        elif not inside:
            out.append(line)
        else:
            block.append(line)
    if inside:
        raise ValueError("`# BEGIN SOLUTION` without a matching `# END SOLUTION`.")
    return "\n".join(out)


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
    """Write (or with `check`, only compare) every `exercises/NN_*.ipynb`; return the stale ones."""
    import nbformat

    from . import colab

    stale = []
    for solution in sorted((root / "solutions").glob("*.ipynb")):
        target = root / "exercises" / solution.name
        nb = make_exercise(nbformat.read(solution, as_version=4), solution.name)
        colab.sync_notebook(nb, target.relative_to(root).as_posix())
        text = nbformat.writes(nb) + "\n"
        if not target.exists() or target.read_text() != text:
            stale.append(str(target))
            if not check:
                target.write_text(text)
    return stale


def main(argv=None) -> int:
    """Regenerate `exercises/` from `solutions/` (`--check`: only report what is stale)."""
    argv = sys.argv[1:] if argv is None else argv
    check = "--check" in argv
    stale = generate_all(Path("."), check=check)
    verb = "out of date" if check else "written"
    print("\n".join(f"{verb}: {s}" for s in stale) or "exercises/ is up to date with solutions/.")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
