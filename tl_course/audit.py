"""A record of every file opened in an unseen-photos folder (`data.write_unseen_photos`), kept from import on.

An audit hook (PEP 578; it cannot be removed once added) sees each `open` in this Python process — by `open`,
PIL, NumPy or the course's own readers — and keeps the paths under a folder named `UNSEEN_PREFIX…`; it also
keeps the command of any process started with "unseen" in it (a subprocess would open the files unseen). The
capstone's checker reads the record: photos it grades on must not have been opened before it wrote them.
Importing `tl_course` installs the hook, so the record starts with the notebook's first cell.
"""

from __future__ import annotations

import os
import sys

UNSEEN_PREFIX = "tl_course_unseen_"
_opened: list[str] = []


_STARTS = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn")


def _audit(event: str, args: tuple) -> None:
    """Keep the path of an `open` in an unseen-photos folder, and any new process whose command mentions unseen
    photos (runs on every audit event: stays cheap)."""
    if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        path = os.fsdecode(os.fspath(args[0]))
        if UNSEEN_PREFIX in path:
            _opened.append(path)
    elif event in _STARTS:
        command = repr(args)
        if "unseen" in command:
            _opened.append(f"a new process: {command[:200]}")


def unseen_opened() -> list[str]:
    """Every file this Python process has opened in an unseen-photos folder so far, in order (read or written)."""
    return list(_opened)


if not getattr(sys, "_tl_course_audit", False):  # once per process, even if this module is imported again
    sys.addaudithook(_audit)
    sys._tl_course_audit = True
