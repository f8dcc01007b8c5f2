"""Widgets: an explorer with a knob per setting, that falls back to a static figure without a widget front-end.

In JupyterLab, Colab or VS Code, `explore` shows sliders and redraws the plot as they move. Headless runs
(nbval, `nbconvert --execute`, CI, `TL_COURSE_QUIET=1`), or `TL_COURSE_WIDGETS=0`, or no `ipywidgets`
installed → the same plot drawn once at the default settings, so every notebook still shows a picture.
"""

from __future__ import annotations

import os

from . import runtime


def widgets_available() -> bool:
    """Whether interactive widgets can be shown: ipywidgets installed, a Jupyter kernel, not headless."""
    if os.environ.get("TL_COURSE_WIDGETS", "1") == "0" or runtime.is_quiet():
        return False
    try:
        import ipywidgets  # noqa: F401
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def explore(plot, defaults: dict | None = None, interactive: bool | None = None, **controls):
    """Show `plot(**settings)` with one slider per control; or, headless, the figure at the defaults.

    `controls` maps each keyword of `plot` to the list of values it may take, e.g.
    `explore(show_k, k=[1, 2, 5, 10, 40])`; `defaults` picks the starting values (first value otherwise).
    `plot` must return a matplotlib figure. Returns the widget, or the static figure (closed, so that a
    notebook shows it once, as the cell's result).
    """
    if not controls:
        raise ValueError("explore() needs at least one control, e.g. explore(plot, k=[1, 2, 5]).")
    defaults = {name: values[0] for name, values in controls.items()} | (defaults or {})
    unknown = [name for name, value in defaults.items() if name not in controls or value not in controls[name]]
    if unknown:
        raise ValueError(f"Default for {unknown[0]!r} is not one of its control's values.")
    import matplotlib.pyplot as plt

    if not (widgets_available() if interactive is None else interactive):
        fig = plot(**defaults)
        plt.close(fig)  # shown once, as the cell's result, not a second time by the inline backend
        return fig
    import ipywidgets
    from IPython.display import display

    def redraw(**settings):
        fig = plot(**settings)
        display(fig)
        plt.close(fig)

    sliders = {name: ipywidgets.SelectionSlider(options=list(values), value=defaults[name], description=name,
                                                continuous_update=False)
               for name, values in controls.items()}
    return ipywidgets.interactive(redraw, **sliders)
