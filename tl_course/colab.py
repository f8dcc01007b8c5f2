"""Colab: the badge and install line at the top of every notebook, derived from one repository URL.

The URL lives in pyproject's `[project.urls] Repository`. After changing it (e.g. in a fork), run
`python -m tl_course.colab` from the repository root to rewrite every notebook; a test checks they agree.
The install line asks for the `colab` extra: only what Colab lacks, so Colab's own torch stays.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
BRANCH = "main"
BADGE_RE = re.compile(r"\[!\[Open In Colab\]\([^)]*\)\]\((?P<url>[^)]*)\)")
INSTALL_RE = re.compile(r'(?P<head>%pip install -q ")tl_course\[(?P<extra>[\w,-]+)\] @ git\+(?P<url>[^"]*)(?P<tail>")')
EXTRA = "colab"
NOTEBOOK_DIRS = ("lessons", "exercises", "solutions")
# How every notebook's setup cell starts: a test checks each one against it and runs one on a stand-in Colab.
SETUP_HEAD = """\
# Setup: on Colab, install the course package first (skipped elsewhere); then pick device, seed and scale.
import sys
if "google.colab" in sys.modules:
    %pip install -q "{requirement}"
from tl_course import runtime
cfg = runtime.setup()"""


def repo_url(root: Path = Path(".")) -> str:
    """Return the repository URL from pyproject.toml (or from the installed package's metadata)."""
    pyproject = root / "pyproject.toml"
    if pyproject.exists():
        match = re.search(r'^Repository\s*=\s*"([^"]+)"', pyproject.read_text(), re.MULTILINE)
        if match:
            return match.group(1).rstrip("/")
    from importlib import metadata

    for entry in metadata.metadata("tl_course").get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "repository":
            return url.strip().rstrip("/")
    raise RuntimeError("No Repository URL in pyproject.toml [project.urls]: add one so Colab badges can point at it.")


def badge_url(repo: str, path: str) -> str:
    """Return the Colab URL that opens `path` (relative to the repo root) from GitHub repo `repo`."""
    slug = repo.removeprefix("https://github.com/")
    return f"https://colab.research.google.com/github/{slug}/blob/{BRANCH}/{path}"


def badge(repo: str, path: str) -> str:
    """Return the Markdown of the 'Open in Colab' badge for `path`."""
    return f"[![Open In Colab]({BADGE_IMAGE})]({badge_url(repo, path)})"


def requirement(repo: str) -> str:
    """Return what the Colab install line asks pip for: the `colab` extra from GitHub repo `repo`."""
    return f"tl_course[{EXTRA}] @ git+{repo}"


def setup_head(repo: str) -> str:
    """Return the lines every notebook's setup cell starts with (install on Colab, then `runtime.setup()`)."""
    return SETUP_HEAD.format(requirement=requirement(repo))


def sync_notebook(nb, path: str, repo: str | None = None) -> bool:
    """Point `nb`'s badge at `path` and its Colab install line at `repo`; return True if anything changed."""
    repo = repo or repo_url()
    changed = False
    for cell in nb.cells:
        new = cell.source
        if cell.cell_type == "markdown":
            new = BADGE_RE.sub(lambda m: badge(repo, path), new)
        elif cell.cell_type == "code":
            new = INSTALL_RE.sub(lambda m: f"{m['head']}{requirement(repo)}{m['tail']}", new)
        if new != cell.source:
            cell.source, changed = new, True
    return changed


def write_sources(path: Path, nb) -> None:
    """Write `nb`'s cell sources into the notebook file at `path`, leaving the rest of the file byte for byte.

    `nbformat.writes` would also sort every cell's keys: a diff of hundreds of lines for a one-line change.
    """
    raw = json.loads(path.read_text(encoding="utf-8"))
    for cell, new in zip(raw["cells"], nb.cells, strict=True):
        if "".join(cell["source"]) != new.source:
            cell["source"] = new.source.splitlines(keepends=True)
    path.write_text(json.dumps(raw, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv=None) -> int:
    """Rewrite the badge and install line of every notebook from pyproject's Repository URL."""
    import nbformat

    root = Path(".")
    repo = repo_url(root)
    for folder in NOTEBOOK_DIRS:
        for path in sorted((root / folder).glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            if sync_notebook(nb, path.as_posix(), repo):
                write_sources(path, nb)
                print(f"updated {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
