"""Runtime: device, seeds, scale and environment — the first cell of every notebook.

Taught in lesson 00. Nothing happens at import; `setup()` does the work and says what it chose.
"""

from __future__ import annotations

import os
import random
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

SCALES = ("fast", "full")
"""Allowed values of `TL_COURSE_SCALE`: `fast` (small, CPU, minutes) and `full` (GPU, real data)."""

_state: dict = {}  # what the last `setup()` chose; read by `get_device()` and friends


@dataclass(frozen=True)
class Config:
    """What `setup()` chose: the few settings a notebook needs."""

    device: "object"  # torch.device; kept loose so this module imports without torch
    scale: str
    seed: int
    data_dir: Path
    colab: bool = False
    offline: bool = False
    quiet: bool = False
    notes: tuple = field(default=(), compare=False)

    @property
    def fast(self) -> bool:
        """True at the fast (small, CPU-friendly) scale."""
        return self.scale == "fast"

    def pick(self, *, fast, full):
        """Return `fast` or `full` according to the scale — the only place a notebook branches on it."""
        return fast if self.scale == "fast" else full

    def seeds(self, n: int) -> list[int]:
        """Return the lesson's `n` seeds: `seed, seed + 1, …` (set the base with env `TL_COURSE_SEED`)."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"seeds(n) needs a positive whole number of seeds, not {n!r}.")
        return list(range(self.seed, self.seed + n))


def in_colab() -> bool:
    """Tell whether this code runs inside Google Colab."""
    return "google.colab" in sys.modules


def pick_device(prefer: str | None = None):
    """Return the best available torch device: CUDA, then Apple MPS, then CPU.

    `prefer` (or env `TL_COURSE_DEVICE`) forces one, e.g. "cpu" to compare speeds.
    """
    import torch

    prefer = prefer or os.environ.get("TL_COURSE_DEVICE")
    if prefer:
        return torch.device(prefer)
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch (CPU and every GPU) so a run can be repeated."""
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device


def get_seed(seed: int | None = None) -> int:
    """Return the base seed: the argument, else env `TL_COURSE_SEED`, else 0."""
    if seed is not None:
        return int(seed)
    text = os.environ.get("TL_COURSE_SEED", "").strip()
    if not text:
        return 0
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"TL_COURSE_SEED must be a whole number such as 0 or 100, not {text!r}.") from None


@contextmanager
def seeded(seed: int):
    """Run the block with torch's global generator seeded by `seed`, then restore the generator.

    Use it to build a network whose initial weights depend on its seed alone:
    `with runtime.seeded(seed): model = models.SmallCNN()`.
    """
    import torch

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


def get_scale(scale: str | None = None, device=None) -> str:
    """Return the scale: the argument, else env `TL_COURSE_SCALE`, else `full` on a GPU and `fast` on a CPU."""
    chosen = scale or os.environ.get("TL_COURSE_SCALE") or None
    if chosen is None:
        kind = getattr(device, "type", str(device)) if device is not None else pick_device().type
        return "full" if kind == "cuda" else "fast"
    chosen = chosen.strip().lower()
    if chosen not in SCALES:
        raise ValueError(
            f"Unknown scale {chosen!r}: use one of {', '.join(SCALES)} "
            "(set TL_COURSE_SCALE or pass scale= to setup())."
        )
    return chosen


def is_offline() -> bool:
    """Tell whether downloads are forbidden (env `TL_COURSE_OFFLINE=1`)."""
    return os.environ.get("TL_COURSE_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def is_quiet() -> bool:
    """Tell whether progress bars and chatter should be hidden (env `TL_COURSE_QUIET=1`, set by the tests)."""
    if _state.get("quiet") is not None:
        return _state["quiet"]
    return os.environ.get("TL_COURSE_QUIET", "").strip().lower() in {"1", "true", "yes", "on"}


def default_data_dir() -> Path:
    """Return where datasets and downloads are cached (env `TL_COURSE_DATA`, else `~/.cache/tl_course`)."""
    env = os.environ.get("TL_COURSE_DATA")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "tl_course"


def get_device():
    """Return the device chosen by the last `setup()`, or the best available one."""
    return _state.get("device") or pick_device()


def get_config() -> Config:
    """Return the last `setup()`'s config, running `setup(quiet=True)` first if needed."""
    return _state.get("config") or setup(verbose=False)


def setup(seed: int | None = None, scale: str | None = None, device: str | None = None,
          quiet: bool | None = None, verbose: bool = True) -> Config:
    """Pick the device, seed everything, read the scale and return a `Config`.

    The base seed is `seed`, else env `TL_COURSE_SEED`, else 0; `cfg.seeds(n)` gives a lesson's seeds from it.
    Prints one line saying what it chose (unless `verbose=False`).
    """
    import torch

    dev = pick_device(device)
    chosen_scale = get_scale(scale, dev)
    seed = get_seed(seed)
    seed_everything(seed)
    data_dir = default_data_dir()
    offline = is_offline()
    notes = []
    if chosen_scale == "full" and offline:
        notes.append("offline: full scale uses the largest offline data and the offline pretrained weights")
    if chosen_scale == "full" and dev.type == "cpu":
        notes.append("full scale on a CPU will be slow; set TL_COURSE_SCALE=fast for the quick version")
    cfg = Config(device=dev, scale=chosen_scale, seed=seed, data_dir=data_dir, colab=in_colab(),
                 offline=offline, quiet=is_quiet() if quiet is None else quiet, notes=tuple(notes))
    _state.update(device=dev, config=cfg, quiet=cfg.quiet)
    if verbose:
        print(describe(cfg))
    return cfg


def describe(cfg: Config) -> str:
    """Return the one-line summary `setup()` prints."""
    import torch

    name = cfg.device.type
    if name == "cuda":
        name = f"cuda ({torch.cuda.get_device_name(cfg.device)})"
    where = "Colab" if cfg.colab else "local"
    line = f"tl_course: device={name}, scale={cfg.scale}, seed={cfg.seed}, {where}, torch {torch.__version__}"
    return "\n".join([line, *(f"  note: {n}" for n in cfg.notes)])


@dataclass(frozen=True)
class PackageStatus:
    """One line of the environment check."""

    name: str
    wanted: str
    installed: str | None
    extra: str | None
    ok: bool

    def advice(self) -> str:
        """Say how to fix this line, in one sentence."""
        target = f'pip install -e ".[{self.extra}]"' if self.extra else f'pip install "{self.name}{self.wanted}"'
        state = "is missing" if self.installed is None else f"is {self.installed}, too old"
        return f"{self.name} {state} (need {self.wanted or 'any version'}): run {target}"


def _requirements():
    """Yield (requirement, extra) pairs read from the installed package's own metadata."""
    from importlib import metadata

    from packaging.requirements import Requirement

    for line in metadata.requires("tl_course") or []:
        req = Requirement(line)
        extra = None
        if req.marker is not None:
            text = str(req.marker)
            if "extra" not in text:
                continue
            extra = text.split("==")[-1].strip().strip("'\"")
        if req.name.replace("_", "-") == "tl-course":
            continue  # an extra that includes other extras
        yield req, extra


def check_environment(extras=("imagenet", "text", "widgets"), verbose: bool = True) -> list[PackageStatus]:
    """Check every required (and the named optional) package is installed and new enough.

    Reads the version ranges from the installed `tl_course` metadata, so pyproject is the one source.
    """
    from importlib import metadata

    rows = []
    for req, extra in _requirements():
        if extra is not None and extra not in extras:
            continue
        try:
            version = metadata.version(req.name)
        except metadata.PackageNotFoundError:
            version = None
        ok = version is not None and (not req.specifier or req.specifier.contains(version, prereleases=True))
        rows.append(PackageStatus(req.name, str(req.specifier), version, extra, ok))
    if verbose:
        for row in rows:
            mark = "ok " if row.ok else "!! "
            tag = f"  [{row.extra}]" if row.extra else ""
            print(f"{mark}{row.name:<34}{row.installed or 'missing':<12}{row.wanted}{tag}")
        problems = [r for r in rows if not r.ok]
        print("All packages present." if not problems else "\n".join(r.advice() for r in problems))
    return rows
