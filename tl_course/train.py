"""Training plumbing: `fit`, `evaluate`, `predict`, `extract_features`, with progress bars and a history.

The loop itself is taught in lesson 01; later lessons call `fit` so they can show the idea, not the loop.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, Dataset, TensorDataset

from . import checks, runtime


@dataclass
class History:
    """Per-epoch record of a `fit` run: losses, accuracies (fractions in [0, 1]) and wall time (s)."""

    train_loss: list = field(default_factory=list)
    train_acc: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_acc: list = field(default_factory=list)
    epoch_time: list = field(default_factory=list)
    best_epoch: int | None = None

    @property
    def num_epochs(self) -> int:
        """Number of epochs actually run (early stopping may cut it short)."""
        return len(self.train_loss)

    @property
    def wall_time(self) -> float:
        """Total training time in seconds."""
        return float(sum(self.epoch_time))

    def epochs_to_reach(self, acc: float, split: str = "val") -> int | None:
        """Return the first epoch (1-based) whose accuracy on `split` is at least `acc`, or None."""
        acc = checks.fraction(acc, "acc", example=0.9)
        checks.choice(split, "split", ("train", "val"))
        for i, a in enumerate(getattr(self, f"{split}_acc")):
            if a >= acc:
                return i + 1
        return None

    def time_to_reach(self, acc: float, split: str = "val") -> float | None:
        """Return the wall time (s) until accuracy on `split` first reached `acc`, or None."""
        epoch = self.epochs_to_reach(acc, split)
        return None if epoch is None else float(sum(self.epoch_time[:epoch]))


def as_loader(data, batch_size: int = 64, shuffle: bool = False, seed: int | None = None,
              pin_memory: bool = False) -> DataLoader:
    """Turn a DataLoader, a Dataset or an `(X, y)` pair of tensors/arrays into a DataLoader.

    `pin_memory=True` hands out batches in page-locked memory when the data are CPU tensors, so that copying
    them to a CUDA device with `non_blocking=True` does not stop the program until the copy is done.
    """
    if isinstance(data, DataLoader):
        return data
    batch_size = checks.whole(batch_size, "batch_size")
    if isinstance(data, (tuple, list)) and len(data) == 2:
        data = TensorDataset(*checks.as_pair(data, "data", keep_integers=True))
    if not isinstance(data, Dataset):
        hint = " (pass `(d.X, d.y)` or `d.dataset()`)" if hasattr(data, "X") and hasattr(data, "y") else ""
        raise TypeError(f"Expected a DataLoader, a Dataset or an (X, y) pair; got {type(data).__name__}{hint}.")
    if hasattr(data, "__len__") and len(data) == 0:
        raise ValueError("`data` is empty: give at least one example.")
    generator = torch.Generator().manual_seed(seed) if seed is not None else None
    return DataLoader(data, batch_size=batch_size, shuffle=shuffle, generator=generator,
                      pin_memory=pin_memory and _on_the_cpu(data))


def _on_the_cpu(dataset: Dataset) -> bool:
    """Tell whether `dataset` is a TensorDataset of CPU tensors: the one kind a loader can safely pin."""
    return isinstance(dataset, TensorDataset) and all(t.device.type == "cpu" for t in dataset.tensors)


def _pins(device) -> bool:
    """Tell whether batches for `device` should be pinned: only a CUDA device copies faster from pinned memory."""
    return torch.device(device).type == "cuda"


def _place(model: nn.Module, device) -> nn.Module:
    """Move `model` to `device`; on a CPU also store its conv weights channels-last (NHWC).

    The same numbers up to float rounding, and 1.3-1.6× faster for the course's small conv nets and for
    EfficientNet on a CPU (measured with torch 2.14): the CPU conv kernels prefer that layout.
    """
    model.to(device)
    if torch.device(device).type == "cpu" and any(isinstance(m, nn.Conv2d) for m in model.modules()):
        model.to(memory_format=torch.channels_last)
    return model


def _progress(iterable, desc: str, progress: bool | None, total: int | None = None):
    """Wrap `iterable` in a tqdm.auto bar (a widget in Jupyter, text in a terminal) unless quiet."""
    from tqdm.auto import tqdm

    show = (not runtime.is_quiet()) if progress is None else progress
    return tqdm(iterable, desc=desc, total=total, disable=not show, leave=False)


def _run_epoch(model, loader, loss_fn, device, optimizer=None, augment=None, generator=None):
    """Run one pass over `loader`; train if an optimizer is given. Return (mean loss, accuracy).

    `augment(X, generator)` transforms each batch before the forward pass (training only). The batch losses and
    counts stay on the device until the pass ends: reading one (`.item()`) would make a GPU wait on every batch.
    """
    losses, corrects, sizes = [], [], []
    for X, y in loader:
        if augment is not None:
            X = augment(X, generator)
        X, y = X.to(device, non_blocking=True), y.to(device, non_blocking=True)
        with torch.set_grad_enabled(optimizer is not None):
            logits = model(X)
            loss = loss_fn(logits, y)
        if optimizer is not None:
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        losses.append(loss.detach())
        corrects.append((logits.argmax(1) == y).sum())
        sizes.append(len(y))
    return _pass_means(losses, corrects, sizes)


def _pass_means(losses: list, corrects: list, sizes: list) -> tuple[float, float]:
    """Return (mean loss, accuracy) of a pass from its per-batch losses, correct counts and sizes.

    One copy from the device for the whole pass; the sum runs in Python in batch order, as a `.item()` per batch
    did, so the numbers are the same to the last bit.
    """
    if not sizes:
        return 0.0, 0.0
    total_loss = 0.0
    for loss, size in zip(torch.stack(losses).reshape(len(sizes)).tolist(), sizes):
        total_loss += loss * size
    count = sum(sizes)
    return total_loss / count, sum(torch.stack(corrects).tolist()) / count


def _adam(model: nn.Module, lr: float, weight_decay: float, caller: str) -> torch.optim.Optimizer:
    """The default optimizer: Adam over the trainable parameters (an error if every one is frozen)."""
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError(f"Every parameter of the model is frozen: there is nothing for {caller}() to train.")
    return torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)


def fit(model: nn.Module, train_data, val_data=None, *, num_epochs: int = 10, lr: float = 1e-3,
        optimizer: torch.optim.Optimizer | None = None, loss_fn=None, batch_size: int = 64,
        weight_decay: float = 0.0, patience: int | None = None, augment=None, device=None,
        seed: int | None = None, progress: bool | None = None, desc: str = "fit") -> History:
    """Train `model` for `num_epochs` and return its `History`.

    `optimizer` defaults to Adam over the trainable parameters with `lr`; pass one built from
    parameter groups for discriminative learning rates. With `patience` and `val_data`, stop after
    `patience` epochs without a better validation loss and restore the best weights (early stopping).
    `augment(X, generator)` transforms every training batch (e.g. `data.random_flip_shift`); the
    recorded training loss and accuracy are then those of the augmented batches.
    """
    num_epochs = checks.whole(num_epochs, "num_epochs", 0)
    lr, weight_decay = checks.number(lr, "lr", low=0.0, low_open=True), checks.number(weight_decay, "weight_decay", 0.0)
    patience = None if patience is None else checks.whole(patience, "patience")
    device = device or runtime.get_device()
    _place(model, device)
    pin = _pins(device)
    train_loader = as_loader(train_data, batch_size, shuffle=True, seed=seed, pin_memory=pin)
    val_loader = as_loader(val_data, batch_size, pin_memory=pin) if val_data is not None else None
    loss_fn = loss_fn or nn.CrossEntropyLoss()
    optimizer = optimizer or _adam(model, lr, weight_decay, caller="fit")
    history, best_loss, best_state, waited = History(), float("inf"), None, 0
    gen = torch.Generator().manual_seed(0 if seed is None else seed)
    bar = _progress(range(num_epochs), desc, progress)
    for epoch in bar:
        start = time.perf_counter()
        model.train()
        loss, acc = _run_epoch(model, train_loader, loss_fn, device, optimizer, augment, gen)
        history.train_loss.append(loss)
        history.train_acc.append(acc)
        if val_loader is not None:
            model.eval()
            val_loss, val_acc = _run_epoch(model, val_loader, loss_fn, device)
            history.val_loss.append(val_loss)
            history.val_acc.append(val_acc)
            if val_loss < best_loss:
                best_loss, waited, history.best_epoch = val_loss, 0, epoch + 1
                if patience is not None:
                    best_state = copy.deepcopy(model.state_dict())
            else:
                waited += 1
        history.epoch_time.append(time.perf_counter() - start)
        bar.set_postfix(loss=f"{loss:.3f}", acc=f"{acc:.3f}",
                        **({"val_acc": f"{history.val_acc[-1]:.3f}"} if val_loader is not None else {}))
        if patience is not None and val_loader is not None and waited >= patience:
            break
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    return history


def fit_steps(model: nn.Module, X: torch.Tensor, y: torch.Tensor, val=None, *, steps: int = 300, lr: float = 1e-3,
              batch_size: int = 32, augment=None, eval_every: int = 25, weight_decay: float = 0.0,
              optimizer: torch.optim.Optimizer | None = None, objective=None, seed: int = 0, device=None,
              progress: bool | None = None, desc: str = "fit") -> dict:
    """Train on a small labelled set for `steps` optimizer steps, batches drawn with replacement.

    Made for few-shot training, where an "epoch" of two images means little. `augment(X, generator)` is
    applied to every batch. With `val=(X_val, y_val)` the weights with the best validation accuracy are
    kept: the number of steps is chosen on validation data, never on the test set.
    `objective(model, X_batch, y_batch, batch)` → loss replaces the cross-entropy of `model(X_batch)`
    (`batch`: the rows of X drawn); lesson 07 trains multi-task and LwF models this way.
    Returns `{"val_acc": best validation accuracy, "step": its step, "curve": [(step, val_acc), ...]}`.
    """
    X, y = checks.as_pair((X, y), "(X, y)")
    if val is not None:
        checks.as_pair(val, "val")
    steps, batch_size = checks.whole(steps, "steps", 0), checks.whole(batch_size, "batch_size")
    eval_every = checks.whole(eval_every, "eval_every")
    lr, weight_decay = checks.number(lr, "lr", low=0.0, low_open=True), checks.number(weight_decay, "weight_decay", 0.0)
    device = device or runtime.get_device()
    _place(model, device)
    gen = torch.Generator().manual_seed(seed)
    optimizer = optimizer or _adam(model, lr, weight_decay, caller="fit_steps")
    objective = objective or _cross_entropy
    best = {"val_acc": -1.0, "step": 0, "curve": []}
    best_state = None
    for step in _progress(range(1, steps + 1), desc, progress):
        model.train()
        batch = torch.randint(0, len(X), (batch_size,), generator=gen)
        Xb = X[batch] if augment is None else augment(X[batch], gen)
        loss = objective(model, Xb.to(device), y[batch].to(device), batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if val is not None and (step % eval_every == 0 or step == steps):
            acc = evaluate(model, val, device=device)["acc"]
            best["curve"].append((step, acc))
            if acc > best["val_acc"]:
                best.update(val_acc=acc, step=step)
                best_state = copy.deepcopy(model.state_dict())
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    return best


def _cross_entropy(model: nn.Module, X: torch.Tensor, y: torch.Tensor, batch: torch.Tensor) -> torch.Tensor:
    """The default objective of `fit_steps`: cross-entropy of the model's scores."""
    return F.cross_entropy(model(X), y)


def fine_tune(model: nn.Module, train_data, val_data=None, *, num_classes: int | None = None, freeze_up_to: int = 0,
              steps: int = 200, lr: float = 1e-3, lr_mult: float | None = None, head_first: int = 0,
              head_lr: float | None = None, augment=None, batch_size: int = 32, seed: int = 0, device=None,
              progress: bool | None = None) -> dict:
    """The course's fine-tuning recipe (lesson 04) on a model with a `features`/`head` split, trained in place.

    1. `num_classes` given: a new head with that many outputs, its weights drawn from `seed` alone;
    2. the backbone's first `freeze_up_to` blocks frozen (`models.blocks`: no gradients, evaluation mode);
    3. `head_first` > 0: that many of the `steps` train the head alone at `head_lr` (default 10 × `lr`) —
       linear probe, then fine-tune (LP-FT, Kumar et al., 2022);
    4. the rest of the `steps` train every unfrozen weight with Adam at `lr`, or with discriminative rates
       when `lr_mult` is given (head `lr`, each earlier block `lr_mult` times less; Howard & Ruder, 2018).
    `train_data`/`val_data` are ImageData or (X, y) pairs; with `val_data` the step with the best validation
    accuracy is kept (`fit_steps`). Returns fit_steps' result of the last stage.
    """
    from . import models

    X, y = _pair_of(train_data, "train_data")
    val = None if val_data is None else _pair_of(val_data, "val_data")
    steps, head_first = checks.whole(steps, "steps"), checks.whole(head_first, "head_first", 0)
    if head_first >= steps:
        raise ValueError(f"`head_first` ({head_first}) must be fewer than `steps` ({steps}): the rest fine-tunes.")
    if num_classes is not None:
        with runtime.seeded(seed):
            models.replace_head(model, num_classes=num_classes)
    if freeze_up_to:
        models.freeze(model, up_to=freeze_up_to)
    settings = dict(val=val, augment=augment, batch_size=batch_size, seed=seed, device=device, progress=progress)
    if head_first:
        models.freeze(model)                                    # the head alone ...
        fit_steps(model, X, y, steps=head_first, lr=10 * lr if head_lr is None else head_lr, desc="head", **settings)
        models.unfreeze(model, freeze_up_to)                    # ... then everything that was to train
    optimizer = torch.optim.Adam(models.param_groups(model, lr, lr_mult)) if lr_mult else None
    return fit_steps(model, X, y, steps=steps - head_first, lr=lr, optimizer=optimizer, desc="fine-tune", **settings)


def _pair_of(data, name: str):
    """(X, y) from an ImageData-like object (`.X`, `.y`) or a pair."""
    if hasattr(data, "X") and hasattr(data, "y"):
        return data.X, data.y
    if isinstance(data, (tuple, list)) and len(data) == 2:
        return data
    raise TypeError(f"`{name}` must be an ImageData (with .X and .y) or an (X, y) pair; got {type(data).__name__}.")


def linear_probe(F_train, y_train, F_val=None, y_val=None, Cs=(0.1, 1.0, 10.0), class_weight=None):
    """Fit a logistic-regression head on (cached) features, its regularisation `C` chosen on validation.

    Taught in lesson 03. Each feature vector is scaled to unit length first, so one grid of `C` suits every
    backbone. Returns a fitted scikit-learn pipeline (use `.predict`/`.score` on raw features);
    `probe[-1].C` is the value chosen. Without validation data the middle value of `Cs` is used.
    `class_weight="balanced"` weighs each class's errors by the inverse of its frequency: a rare class is not
    ignored (lesson 09).
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import Normalizer

    F_train = checks.as_features(F_train, "F_train")
    y_train = checks.as_labels(y_train, "y_train", len(F_train), "F_train")
    if (F_val is None) != (y_val is None):
        raise ValueError("Give both `F_val` and `y_val` (to choose C on validation data) or neither.")
    if F_val is not None:
        F_val = checks.as_features(F_val, "F_val")
        checks.same_width("F_train", F_train, "F_val", F_val)
        y_val = checks.as_labels(y_val, "y_val", len(F_val), "F_val")

    def fit_one(C):
        return make_pipeline(Normalizer(), LogisticRegression(C=C, class_weight=class_weight, max_iter=5000)).fit(
            F_train, y_train)

    return _fit_choosing_C(fit_one, Cs, None if F_val is None else (F_val, y_val))


def _fit_choosing_C(fit_one, Cs, val=None):
    """`fit_one(C)` for every C, keeping the model with the best `.score(*val)` (ties: the smallest C, the simplest
    model); without `val`, the model of the middle C. Fitted with one BLAS thread (`runtime.one_blas_thread`)."""
    Cs = sorted(checks.number(C, "Cs", low=0.0, low_open=True) for C in Cs)
    if not Cs:
        raise ValueError("`Cs` is empty: give at least one regularisation strength, e.g. (0.1, 1.0, 10.0).")
    with runtime.one_blas_thread():
        if val is None:
            return fit_one(Cs[len(Cs) // 2])
        fitted = [fit_one(C) for C in Cs]
        scores = [model.score(*val) for model in fitted]
    return fitted[int(np.argmax(scores))]


@torch.no_grad()
def evaluate(model: nn.Module, data, *, loss_fn=None, batch_size: int = 256, device=None) -> dict:
    """Return `{"loss": ..., "acc": ...}` of `model` on `data` (accuracy as a fraction)."""
    device = device or runtime.get_device()
    _place(model, device).eval()
    loader = as_loader(data, batch_size, pin_memory=_pins(device))
    loss, acc = _run_epoch(model, loader, loss_fn or nn.CrossEntropyLoss(), device)
    return {"loss": loss, "acc": acc}


@torch.no_grad()
def predict(model: nn.Module, data, *, batch_size: int = 256, device=None, probs: bool = False) -> torch.Tensor:
    """Return predicted classes (N,) — or class probabilities (N, C) with `probs=True` — on the CPU."""
    outputs = _forward_all(model, data, batch_size, device)
    return outputs.softmax(1) if probs else outputs.argmax(1)


@torch.no_grad()
def logits(model: nn.Module, data, *, batch_size: int = 256, device=None) -> torch.Tensor:
    """Return the model's raw class scores (N, C) on the CPU, before the softmax: what temperature scaling rescales."""
    return _forward_all(model, data, batch_size, device)


@torch.no_grad()
def extract_features(model: nn.Module, data, *, batch_size: int = 256, device=None) -> torch.Tensor:
    """Return `model(X)` for every X in `data`, stacked on the CPU: shape (N, ...)."""
    return _forward_all(model, data, batch_size, device)


@torch.no_grad()
def extract_layer_features(model: nn.Module, data, layers: dict, *, batch_size: int = 256, device=None) -> dict:
    """Return `{name: (N, C) features}`: each named layer's output, averaged over its spatial positions.

    Taught in lesson 03. One forward pass over `data` with a hook on every layer of `layers`
    (`{name: module inside model}`), so early, middle and late features come from the same run.
    """
    if not isinstance(layers, dict) or not layers:
        raise TypeError(f"`layers` must be a non-empty dict {{name: module inside model}}; got {layers!r}.")
    inside = set(map(id, model.modules()))
    for name, module in layers.items():
        if not isinstance(module, nn.Module) or id(module) not in inside:
            raise ValueError(f"`layers[{name!r}]` must be a module inside `model`; got {type(module).__name__}.")
    outputs = {name: [] for name in layers}

    def keep(name):
        def hook(module, inputs, out):
            outputs[name].append((out.mean((2, 3)) if out.dim() == 4 else out).cpu())
        return hook

    handles = [module.register_forward_hook(keep(name)) for name, module in layers.items()]
    try:
        _forward_all(model, data, batch_size, device)
    finally:
        for handle in handles:
            handle.remove()
    return {name: torch.cat(chunks) for name, chunks in outputs.items()}


def _forward_all(model, data, batch_size, device):
    """Run `model` in eval mode over `data` (labels ignored) and return outputs on the CPU."""
    device = device or runtime.get_device()
    _place(model, device).eval()
    loader = data if isinstance(data, DataLoader) else None
    if loader is None:
        if isinstance(data, torch.Tensor) or hasattr(data, "__array__") and not isinstance(data, Dataset):
            data = TensorDataset(checks.as_inputs(data, "data"))
        loader = as_loader(data, batch_size)
    outs = []
    for batch in loader:
        X = batch[0] if isinstance(batch, (tuple, list)) else batch
        outs.append(model(X.to(device)).cpu())
    return torch.cat(outs)
