"""Reproduce the course-trained weights shipped in `tl_course/weights/`.

    python -m tl_course.pretrain NAME        # or: python -m tl_course.pretrain all

Each recipe trains a small CNN on a rendered source, prints its accuracy on held-out source images,
and writes `weights/NAME.pt` plus its sha256 and accuracy into `weights/index.json`.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import torch

from . import data, runtime
from .models import SmallCNN
from .train import evaluate, fit, fit_steps

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"

RECIPES = {
    "cnn-printed-digits": dict(chars=data.DIGIT_CHARS, random_labels=False,
                               about="printed digits rendered from matplotlib's fonts, 8×8 like the real digits"),
    "cnn-printed-letters": dict(chars=data.LETTER_CHARS, random_labels=False,
                                about="printed capital letters: a related format, an unrelated task"),
    "cnn-random-labels": dict(chars=data.DIGIT_CHARS, random_labels=True,
                              about="printed digits with every label replaced by a random one: a useless source"),
}
SETTINGS = dict(num_train=20_000, num_test=2_000, num_epochs=6, lr=2e-3, batch_size=128, width=32, seed=0)

NOISE_LEVELS = (0, 25, 50, 75, 100)
"""Lesson 06's sources: the same 1,000 printed digits with 0-100 % of their labels replaced at random."""
NOISY = {f"cnn-printed-noise-{p}": p for p in NOISE_LEVELS}
NOISY_SETTINGS = dict(num_train=1_000, render_seed=41, noise_seed=1, steps=800, lr=2e-3, batch_size=64, width=32,
                      seed=0)
RECIPES.update({name: dict(chars=data.DIGIT_CHARS, random_labels=False,
                           about=f"1,000 printed digits, {p} % of the labels replaced at random, trained until it "
                                 "fits them (source_accuracy: on its own noisy labels)")
                for name, p in NOISY.items()})


def source_data(name: str, split: str) -> data.ImageData:
    """Return the rendered source set of recipe `name` ('train' or 'test'), 8×8 in the digits' format."""
    recipe = RECIPES[name]
    n = SETTINGS["num_train"] if split == "train" else SETTINGS["num_test"]
    seed = SETTINGS["seed"] + (0 if split == "train" else 1)
    source = data.render_characters(n, chars=recipe["chars"], seed=seed, digits_format=True)
    if recipe["random_labels"]:
        gen = torch.Generator().manual_seed(seed + 100)
        source.y = torch.randint(len(recipe["chars"]), (n,), generator=gen)
    return source


def noisy_source_data(name: str) -> data.ImageData:
    """Return the training set of noisy recipe `name`: 1,000 printed digits with its share of labels corrupted."""
    s = NOISY_SETTINGS
    source = data.render_characters(s["num_train"], seed=s["render_seed"], digits_format=True)
    source.y = data.corrupt_labels(source.y, NOISY[name] / 100, seed=s["noise_seed"])
    return source


def train_noisy(name: str, progress: bool | None = None) -> tuple[SmallCNN, float]:
    """Train noisy recipe `name`; return the model and its accuracy on its own (noisy) training labels."""
    s = NOISY_SETTINGS
    source = noisy_source_data(name)
    with runtime.seeded(s["seed"]):
        model = SmallCNN(num_classes=10, width=s["width"])
    fit_steps(model, source.X, source.y, steps=s["steps"], lr=s["lr"], batch_size=s["batch_size"], seed=s["seed"],
              device="cpu", progress=progress, desc=name)
    return model, evaluate(model, source.dataset(), device="cpu")["acc"]


def train_recipe(name: str, progress: bool | None = None) -> tuple[SmallCNN, float]:
    """Train recipe `name` from scratch; return the model and its held-out source accuracy."""
    if name in NOISY:
        return train_noisy(name, progress)
    runtime.seed_everything(SETTINGS["seed"])
    train, test = source_data(name, "train"), source_data(name, "test")
    model = SmallCNN(num_classes=len(RECIPES[name]["chars"]), width=SETTINGS["width"])
    fit(model, train.dataset(), num_epochs=SETTINGS["num_epochs"], lr=SETTINGS["lr"],
        batch_size=SETTINGS["batch_size"], seed=SETTINGS["seed"], device="cpu", progress=progress, desc=name)
    return model, evaluate(model, test.dataset(), device="cpu")["acc"]


def main(argv=None) -> int:
    """Train the named recipes (or `all`) and record their weights' sha256 and source accuracy."""
    from .download import sha256_of

    argv = sys.argv[1:] if argv is None else argv
    names = list(RECIPES) if argv in ([], ["all"]) else argv
    unknown = [n for n in names if n not in RECIPES]
    if unknown:
        print(f"Unknown recipe {unknown[0]!r}: choose from {', '.join(RECIPES)} or 'all'.")
        return 2
    index_path = WEIGHTS_DIR / "index.json"
    index = json.loads(index_path.read_text()) if index_path.exists() else {}
    WEIGHTS_DIR.mkdir(exist_ok=True)
    for name in names:
        start = time.perf_counter()
        model, acc = train_recipe(name)
        path = WEIGHTS_DIR / f"{name}.pt"
        torch.save(model.state_dict(), path)
        index[name] = {"file": path.name, "sha256": sha256_of(path), "source_accuracy": round(acc, 4),
                       "num_classes": len(RECIPES[name]["chars"]), "width": SETTINGS["width"],
                       "about": RECIPES[name]["about"], "settings": NOISY_SETTINGS if name in NOISY else SETTINGS}
        print(f"{name}: held-out source accuracy {acc:.3f} in {time.perf_counter() - start:.0f} s → {path}")
    index_path.write_text(json.dumps(index, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
