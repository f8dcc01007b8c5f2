"""What the learner looked at: hints and solutions, reported by the command-line grader."""

_views: dict = {}  # problem id → {"hint", "solution"} viewed in this process


def record_view(problem_id: str, kind: str) -> None:
    """Note that the hint or the solution of `problem_id` was shown."""
    _views.setdefault(problem_id, set()).add(kind)


def views() -> dict:
    """Return `{problem id: ["hint", "solution"]}`: what was viewed in this process."""
    return {pid: sorted(kinds) for pid, kinds in _views.items()}
