"""Showing verdicts, hints and solutions: coloured and tagged in Jupyter, plain text elsewhere."""

from __future__ import annotations

from .outcomes import ANSWER, ERROR, FAIL, NOT_ATTEMPTED, PASS, Result


_COLOURS = {PASS: "#2e7d32", FAIL: "#c62828", ERROR: "#c62828", NOT_ATTEMPTED: "#6d6d6d", ANSWER: "#1565c0"}


def show(result: Result) -> None:
    """Print a result; in Jupyter also colour it."""
    text = str(result)
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display

        if get_ipython() is not None and "IPKernelApp" in get_ipython().config:
            import html

            colour = _COLOURS.get(result.status, "black")
            display(HTML(f'<pre style="color:{colour};white-space:pre-wrap">{html.escape(text)}</pre>'),
                    metadata={"tl_course_result": {"id": result.problem_id, "status": result.status}})
            return
    except ImportError:
        pass
    print(text)


def show_view(text: str, problem_id: str, kind: str) -> None:
    """Print a hint or solution; in Jupyter also tag the output, so a saved notebook keeps the record."""
    try:
        from IPython import get_ipython
        from IPython.display import display

        if get_ipython() is not None and "IPKernelApp" in get_ipython().config:
            display({"text/plain": text}, raw=True, metadata={"tl_course_view": {"id": problem_id, "kind": kind}})
            return
    except ImportError:
        pass
    print(text)
