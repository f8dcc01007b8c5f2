"""Installing the course on Colab, tested here: a throwaway environment that already has torch (as Colab does),
the course installed from this checkout, and a notebook's setup cell run with a stand-in `google.colab`.

Each test builds the course offline (`--no-index --no-build-isolation`, with the setuptools the `dev` extra
installs), so pip can only use what is installed: had it wanted another torch, the install would fail instead of
downloading one. About 13 s per test on 2 cores.
"""

import importlib.util
import json
import os
import shutil
import site
import subprocess
import sys
import venv
from importlib import metadata
from pathlib import Path

import nbformat
import pytest
from packaging.version import Version

from tl_course import colab

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "lessons" / "00_setup.ipynb"   # its setup cell, then its environment check

# Runs in the throwaway environment: what Colab has imported before any cell runs, then the notebook's cells in
# an IPython shell (for `%pip`), then a report of where things came from.
DRIVER = """\
import json, sys
import google.colab
from IPython.core.interactiveshell import InteractiveShell

shell = InteractiveShell.instance(colors="nocolor")
for source in json.load(open(sys.argv[1])):
    result = shell.run_cell(source)
    if not result.success or shell.user_ns.get("_exit_code", 0):
        sys.exit(f"a cell failed (%pip exit status {shell.user_ns.get('_exit_code', 0)}):\\n{source}")
import tl_course, torch
print(json.dumps({"colab": shell.user_ns["cfg"].colab, "tl_course": tl_course.__file__,
                  "torch": [torch.__version__, torch.__file__]}))
"""


def _copy_package(dest: Path) -> Path:
    """Copy what pip builds the course from into `dest`, so the build leaves no files in the checkout."""
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, dest / name)
    shutil.copytree(ROOT / "tl_course", dest / "tl_course", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dest


def _site_dirs() -> list[str]:
    """This environment's package folders, torch's first: the throwaway environment sees them as Colab's.

    Read from sys.path, not site.getsitepackages(), which misses folders that a .pth file or the system adds.
    """
    import torch

    found = [p for p in sys.path if Path(p).name in ("site-packages", "dist-packages") and Path(p).is_dir()]
    return list(dict.fromkeys([str(Path(torch.__file__).parents[1]), *site.getsitepackages(), *found]))


def _pip_flags() -> list[str]:
    """Offline flags when this environment can build a wheel of the course; else pip fetches setuptools itself.

    setuptools builds wheels on its own from 70.1; older releases need the `wheel` package beside them.
    """
    try:
        version = Version(metadata.version("setuptools"))
    except metadata.PackageNotFoundError:
        return []
    builds = version >= Version("70.1") or importlib.util.find_spec("wheel") is not None
    return ["--no-index", "--no-build-isolation"] if builds else []


@pytest.fixture
def colab_like(tmp_path):
    """A throwaway environment that sees this one's packages (torch among them) but has none of its own.

    Returns (python, its site-packages folder, a clean environment for its subprocesses, the package source).
    """
    if importlib.util.find_spec("pip") is None:
        pytest.skip("pip is not installed in this environment: cannot test installing the course.")
    env_dir = tmp_path / "env"
    try:
        venv.create(env_dir, with_pip=False, symlinks=os.name != "nt")
    except Exception as err:  # noqa: BLE001 — e.g. Debian's python without python3-venv
        pytest.skip(f"cannot create a virtual environment here ({err}).")
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    own_site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                   capture_output=True, text=True, check=True).stdout.strip())
    (own_site / "colab_system.pth").write_text("\n".join(_site_dirs()) + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(PYTHONNOUSERSITE="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    src = tmp_path / "src"
    src.mkdir()
    return python, own_site, env, _copy_package(src)


def _run(python, args, env, timeout=120) -> subprocess.CompletedProcess:
    """Run `python args` and fail the test with its output if it fails."""
    done = subprocess.run([str(python), *args], env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, args))} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _torch_where(python, env) -> list[str]:
    """Return [version, file] of the torch that `python` imports."""
    done = _run(python, ["-c", "import json, torch; print(json.dumps([torch.__version__, torch.__file__]))"], env)
    return json.loads(done.stdout)


def _own_packages(own_site: Path) -> set[str]:
    """Names of the distributions installed in the throwaway environment itself."""
    return {p.name.split("-")[0].lower() for p in own_site.glob("*.dist-info")}


def test_installing_the_course_keeps_the_torch_already_there(colab_like):
    python, own_site, env, src = colab_like
    before = _torch_where(python, env)
    _run(python, ["-m", "pip", "install", "-q", *_pip_flags(), f"tl_course[{colab.EXTRA}] @ {src.as_uri()}"], env)
    assert _torch_where(python, env) == before, "installing the course replaced the torch that was already there"
    assert _own_packages(own_site) == {"tl_course"}, (
        f"installing the course also installed {sorted(_own_packages(own_site) - {'tl_course'})}: "
        "everything it needs was already there")


def _cells_with_local_install(src: Path) -> list[str]:
    """The notebook's setup cell, installing from `src` instead of GitHub, and its next code cell."""
    cells = [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"][:2]
    line = f'%pip install -q {" ".join(_pip_flags())} "tl_course[{colab.EXTRA}] @ {src.as_uri()}"'
    setup, count = colab.INSTALL_RE.subn(line, cells[0])
    assert count == 1, f"{NOTEBOOK.name}: no Colab install line in the setup cell"
    return [setup, cells[1]]


def test_setup_cell_installs_the_course_on_a_stand_in_colab(colab_like, tmp_path):
    python, own_site, env, src = colab_like
    fake = tmp_path / "fake"
    (fake / "google" / "colab").mkdir(parents=True)      # a namespace portion: google.protobuf still imports
    (fake / "google" / "colab" / "__init__.py").write_text('"""Stand-in for Colab\'s own module."""\n')
    (tmp_path / "cells.json").write_text(json.dumps(_cells_with_local_install(src)))
    (tmp_path / "driver.py").write_text(DRIVER)
    before = _torch_where(python, env)
    env = {**env, "PYTHONPATH": str(fake), "MPLBACKEND": "Agg", "TL_COURSE_DEVICE": "cpu"}
    done = _run(python, [tmp_path / "driver.py", tmp_path / "cells.json"], env, timeout=180)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["colab"] is True and ", Colab, torch" in done.stdout, f"setup() did not report Colab:\n{done.stdout}"
    assert Path(report["tl_course"]).is_relative_to(own_site), f"tl_course came from {report['tl_course']}"
    assert report["torch"] == before, "the setup cell replaced the torch that was already there"
