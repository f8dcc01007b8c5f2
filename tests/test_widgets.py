import matplotlib
import pytest

from tl_course import widgets

matplotlib.use("Agg")


def _plot(k, lr=1):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.set_title(f"k={k} lr={lr}")
    return fig


def test_headless_falls_back_to_a_static_figure_at_the_defaults():
    import matplotlib.pyplot as plt

    fig = widgets.explore(_plot, defaults={"k": 5}, k=[1, 5, 10], lr=[1, 2])
    assert fig.axes[0].get_title() == "k=5 lr=1"
    assert not plt.fignum_exists(fig.number), "closed, so a notebook does not draw it twice"


def test_interactive_builds_one_slider_per_control():
    pytest.importorskip("ipywidgets")
    w = widgets.explore(_plot, interactive=True, k=[1, 5, 10], lr=[1, 2])
    sliders = [c for c in w.children if hasattr(c, "options")]
    assert [s.description for s in sliders] == ["k", "lr"]
    assert sliders[0].value == 1
    sliders[0].value = 10  # moving the knob redraws without error
    assert w.kwargs["k"] == 10


def test_widgets_off_when_quiet(monkeypatch):
    monkeypatch.setenv("TL_COURSE_QUIET", "1")
    assert not widgets.widgets_available()


def test_bad_controls_are_reported():
    with pytest.raises(ValueError, match="at least one control"):
        widgets.explore(_plot)
    with pytest.raises(ValueError, match="'k'"):
        widgets.explore(_plot, defaults={"k": 3}, k=[1, 5])
