"""The verified download helper, against a file server on loopback (never the internet)."""

import hashlib
import http.server
import threading
from functools import partial

import pytest

from tl_course import download
from tl_course.download import DownloadError, Entry, fetch

PAYLOAD = bytes(range(256)) * 400  # 100 kB


class RangeHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files with Range support; counts requests."""

    requests = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        RangeHandler.requests.append((self.path, self.headers.get("Range")))
        path = self.translate_path(self.path)
        try:
            body = open(path, "rb").read()
        except OSError:
            self.send_error(404)
            return
        start = 0
        if self.headers.get("Range"):
            start = int(self.headers["Range"].split("=")[1].split("-")[0])
            self.send_response(206)
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        self.wfile.write(body[start:])


@pytest.fixture()
def server(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    (root / "data.bin").write_bytes(PAYLOAD)
    (root / "bad.bin").write_bytes(b"not what you expected")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(RangeHandler, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    RangeHandler.requests = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def registry(base):
    good = hashlib.sha256(PAYLOAD).hexdigest()
    return {"data": Entry("data", f"{base}/data.bin", good, len(PAYLOAD)),
            "bad": Entry("bad", f"{base}/bad.bin", good),
            "gone": Entry("gone", f"{base}/missing.bin", good)}


def test_download_verifies_and_caches(server, tmp_path, monkeypatch):
    monkeypatch.delenv("TL_COURSE_OFFLINE", raising=False)
    path = fetch("data", tmp_path / "cache", registry(server))
    assert path.read_bytes() == PAYLOAD and not path.with_name("data.bin.part").exists()
    fetch("data", tmp_path / "cache", registry(server))
    assert len(RangeHandler.requests) == 1  # second call served from the verified cache


def test_download_shows_a_byte_progress_bar_unless_quiet(server, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("TL_COURSE_OFFLINE", raising=False)
    monkeypatch.setenv("TL_COURSE_QUIET", "0")
    fetch("data", tmp_path / "loud", registry(server))
    err = capsys.readouterr().err
    assert "data.bin" in err and "/102k" in err                               # name and total size (102,400 bytes)
    monkeypatch.setenv("TL_COURSE_QUIET", "1")
    fetch("data", tmp_path / "quiet", registry(server))
    assert "data.bin" not in capsys.readouterr().err


def test_corrupt_cache_is_replaced(server, tmp_path, monkeypatch):
    monkeypatch.delenv("TL_COURSE_OFFLINE", raising=False)
    cached = tmp_path / "cache" / "downloads" / "data.bin"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"corrupt")
    assert fetch("data", tmp_path / "cache", registry(server)).read_bytes() == PAYLOAD


def test_partial_download_resumes(server, tmp_path, monkeypatch):
    monkeypatch.delenv("TL_COURSE_OFFLINE", raising=False)
    part = tmp_path / "cache" / "downloads" / "data.bin.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(PAYLOAD[:1000])
    assert fetch("data", tmp_path / "cache", registry(server)).read_bytes() == PAYLOAD
    assert RangeHandler.requests[0][1] == "bytes=1000-"


def test_checksum_mismatch_is_one_clear_sentence(server, tmp_path, monkeypatch):
    monkeypatch.delenv("TL_COURSE_OFFLINE", raising=False)
    with pytest.raises(DownloadError) as err:
        fetch("bad", tmp_path / "cache", registry(server), retries=1)
    msg = str(err.value)
    assert "checksum" in msg and "bad.bin" in msg and str(tmp_path / "cache") in msg and "\n" not in msg
    assert not (tmp_path / "cache" / "downloads" / "bad.bin").exists()
    assert len(RangeHandler.requests) == 2  # clean retry, not a resume of bad bytes


def test_missing_file_and_unknown_name(server, tmp_path, monkeypatch):
    monkeypatch.delenv("TL_COURSE_OFFLINE", raising=False)
    with pytest.raises(DownloadError, match="Could not fetch missing.bin"):
        fetch("gone", tmp_path, registry(server), retries=0)
    with pytest.raises(DownloadError, match="known names: bad, data, gone"):
        fetch("nope", tmp_path, registry(server))


def test_offline_says_where_and_how(tmp_path, monkeypatch):
    monkeypatch.setenv("TL_COURSE_OFFLINE", "1")
    reg = {"data": Entry("data", "http://127.0.0.1:9/data.bin", "0" * 64)}
    with pytest.raises(DownloadError) as err:
        fetch("data", tmp_path, reg)
    msg = str(err.value)
    assert "TL_COURSE_OFFLINE" in msg and str(tmp_path / "downloads") in msg and "data.bin" in msg


def test_packaged_registry_loads():
    assert isinstance(download.load_registry(), dict)


def test_packaged_registry_pins_mnist_by_sha256():
    reg = download.load_registry()
    for split in ("train", "test"):
        for part in ("images", "labels"):
            entry = reg[f"mnist-{split}-{part}"]
            assert entry.url.startswith("https://") and len(entry.sha256) == 64 and entry.size > 0


def test_packaged_registry_pins_every_file_by_sha256_and_size():
    reg = download.load_registry()
    assert {"svhn-train", "svhn-test", "cifar10"} <= set(reg)
    for entry in reg.values():
        assert entry.url.startswith(("https://", "http://")) and entry.size > 0
        assert len(entry.sha256) == 64 and int(entry.sha256, 16) >= 0     # a full sha256, not an md5
