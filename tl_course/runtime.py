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
    workers: int = 1
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

    def map(self, fn, *iterables, desc: str = "runs") -> list:
        """Return `[fn(*args) for args in zip(*iterables)]`, run by `cfg.workers` processes at once.

        Independent training runs (one per seed, per learning rate, ...) share nothing, so on a CPU with
        several cores they can run side by side; see `parallel_map`.
        """
        return parallel_map(fn, *iterables, workers=self.workers, desc=desc)

    def map_grid(self, fn, settings, seeds, desc: str = "runs") -> dict:
        """Return `{s: [fn(s, seed) for seed in seeds] for s in settings}`, every run side by side (`cfg.map`).

        One call for a whole grid keeps every core busy: e.g. learning rates × seeds.
        """
        settings, seeds = list(settings), list(seeds)
        jobs = [(s, seed) for s in settings for seed in seeds]
        results = iter(self.map(fn, [s for s, _ in jobs], [seed for _, seed in jobs], desc=desc))
        return {s: [next(results) for _ in seeds] for s in settings}


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


@contextmanager
def one_blas_thread():
    """Run the block with numpy/scipy's BLAS on one thread.

    scikit-learn's solvers call BLAS on small matrices; with torch's threads holding the cores, a multi-threaded
    BLAS waits on them: a logistic regression on 1,000 × 128 features took 3.4 s instead of 0.06 s (measured,
    2 cores). The numbers are the same.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


def _usable_cpus() -> int:
    """Number of CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:                 # not on Linux
        return os.cpu_count() or 1


def get_workers(workers: int | None = None, device=None) -> int:
    """Return how many runs may go side by side: the argument, else env `TL_COURSE_WORKERS`, else a default.

    The default is one process per CPU core (at most 8) on a Linux CPU, and 1 elsewhere: on a GPU the runs
    share one device, and forking a process is not safe on macOS or possible on Windows.
    """
    text = os.environ.get("TL_COURSE_WORKERS", "").strip() if workers is None else str(workers)
    if text:
        try:
            value = int(text)
        except ValueError:
            value = 0
        if value < 1:
            raise ValueError(f"TL_COURSE_WORKERS (workers) must be a whole number ≥ 1 such as 1 or 4, not {text!r}.")
        return value
    kind = getattr(device, "type", str(device)) if device is not None else pick_device().type
    return min(_usable_cpus(), 8) if kind == "cpu" and sys.platform.startswith("linux") else 1


_task: dict = {}  # the function and arguments of the running `parallel_map`, inherited by forked workers
_task_ran = False  # whether a task of `parallel_map` has run in this process


def _start_worker() -> None:
    """In a new worker process: one thread (the cores go to the workers) and no progress bars."""
    import torch

    torch.set_num_threads(1)
    _state["quiet"] = True


def _run_task(i: int):
    """Run task `i` from the global random state of the `parallel_map` call, then put the old state back.

    So a task that draws from the global generators gets the same numbers in a worker and in a loop.
    """
    import numpy as np
    import torch

    global _task_ran
    saved = random.getstate(), np.random.get_state()
    with torch.random.fork_rng(devices=[]):
        start = _task["random state"]
        random.setstate(start[0])
        np.random.set_state(start[1])
        torch.set_rng_state(start[2])
        try:
            _task_ran = True
            return _task["fn"](*_task["args"][i])
        finally:
            random.setstate(saved[0])
            np.random.set_state(saved[1])


def parallel_map(fn, *iterables, workers: int | None = None, desc: str = "runs") -> list:
    """Return `[fn(*args) for args in zip(*iterables)]`, computed by up to `workers` processes at once.

    Each task must seed itself (e.g. a `seed` argument) and return its result: changes a task makes to
    global variables stay in its worker. Every task runs with one torch thread, wherever it runs, so the
    numbers do not depend on the number of workers; small networks use a second thread poorly, a second
    core well. The workers start as copies of this process; the first task ever mapped runs here first,
    so that they inherit what it imported and warmed up (torch's optimizers alone import for ~2 s). Results
    come back in order; an error in a task is raised here.
    `workers` defaults to `cfg.workers` (env `TL_COURSE_WORKERS`).
    """
    import multiprocessing

    import numpy as np
    import torch
    from tqdm.auto import tqdm

    if not callable(fn):
        raise TypeError(f"parallel_map needs a function to call, not {type(fn).__name__}.")
    if not iterables:
        raise TypeError("parallel_map needs at least one list of arguments, e.g. parallel_map(run, seeds).")
    args = list(zip(*iterables))
    if workers is None and "config" in _state:
        workers = _state["config"].workers
    workers = 1 if _task else min(get_workers(workers), len(args))   # a task that maps again: its inner tasks in turn
    outer, threads = dict(_task), torch.get_num_threads()
    _task.update(fn=fn, args=args, **{"random state": (random.getstate(), np.random.get_state(), torch.get_rng_state())})
    bar = tqdm(total=len(args), desc=desc, disable=is_quiet(), leave=False)
    results = []
    try:
        torch.set_num_threads(1)
        # The first task runs here when no task has run in this process yet (so the workers inherit what it
        # imported and warmed up) or when it costs no time (one task left over after equal shares).
        here = len(args) if workers <= 1 else int(not _task_ran or len(args) % workers == 1)
        for i in range(here):
            results.append(_run_task(i))
            bar.update()
        if len(results) < len(args):
            with multiprocessing.get_context("fork").Pool(workers, initializer=_start_worker) as pool:
                for result in pool.imap(_run_task, range(len(results), len(args))):
                    results.append(result)
                    bar.update()
        return results
    finally:
        torch.set_num_threads(threads)
        bar.close()
        _task.clear()
        _task.update(outer)


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
          quiet: bool | None = None, workers: int | None = None, verbose: bool = True) -> Config:
    """Pick the device, seed everything, read the scale and return a `Config`.

    The base seed is `seed`, else env `TL_COURSE_SEED`, else 0; `cfg.seeds(n)` gives a lesson's seeds from it.
    `cfg.map` runs independent runs side by side in `workers` processes (env `TL_COURSE_WORKERS`).
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
                 offline=offline, quiet=is_quiet() if quiet is None else quiet, workers=get_workers(workers, dev),
                 notes=tuple(notes))
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
    line = (f"tl_course: device={name}, scale={cfg.scale}, seed={cfg.seed}, workers={cfg.workers}, {where}, "
            f"torch {torch.__version__}")
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
