"""The same base seed gives the same numbers: lesson 05's core experiment (DANN and MMD on printed → handwritten
digits) twice in this process, with unrelated random draws in between, and once in a fresh process."""

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch

STEPS = 30


def experiment(seed: int = 0) -> dict:
    """Adapt the printed-digit CNN to handwritten digits with DANN and with MMD, as lesson 05 does (fewer steps).

    Returns `{method: [target test accuracy, last alignment loss, last classification loss]}` as exact floats.
    """
    from tl_course import adapt, data, models, train

    source = data.render_characters(400, seed=21, digits_format=True)
    digits = data.load_digits()
    order = torch.randperm(len(digits), generator=torch.Generator().manual_seed(seed))
    pool, test = digits.subset(order[:1000]), digits.subset(order[1000:])
    numbers = {}
    for method, weight in (("dann", 0.3), ("mmd", 1.0)):
        model = models.load_pretrained("cnn-printed-digits")
        history = adapt.train_adapted(model, (source.X, source.y), pool.unlabelled(), method=method, weight=weight,
                                      steps=STEPS, batch_size=32, seed=seed, progress=False)
        numbers[method] = [train.evaluate(model, (test.X, test.y))["acc"], history["align_loss"][-1],
                           history["class_loss"][-1]]
    return numbers


def _unrelated_draws():
    """What a lesson does between two experiments: draw from every global generator."""
    torch.rand(17)
    torch.randn(3, 3).sum()
    np.random.rand(5)
    random.random()
    torch.manual_seed(12345)


def _printed(numbers: dict) -> dict:
    return {method: [f"{v:.4f}" for v in values] for method, values in numbers.items()}


def test_the_same_seed_gives_the_same_numbers_in_one_process_and_in_two():
    # One thread here and in the subprocess: the same setting both times, and fast on a shared 2-core machine
    # (two OpenMP threads competing with other processes make this test 20× slower).
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        first = experiment()
        _unrelated_draws()
        second = experiment()
    finally:
        torch.set_num_threads(threads)
    code = ("import json, sys, torch; torch.set_num_threads(1); sys.path.insert(0, sys.argv[1]); "
            "import test_determinism as t; print(json.dumps(t.experiment()))")
    env = {**os.environ, "PYTHONHASHSEED": "123", "OMP_NUM_THREADS": "1"}  # nor may string hashing (set order)
    done = subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent)], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    other = json.loads(done.stdout.strip().splitlines()[-1])

    assert _printed(second) == _printed(first), "two runs in one process differ"
    assert _printed(other) == _printed(first), "a run in a fresh process differs"
    assert first == second == other  # exact floats, not just the printed digits
    assert first["dann"] != first["mmd"]  # the two methods really ran differently
