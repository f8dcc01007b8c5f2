"""Plot and table helpers: figures come back, tables and summaries read right."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from tl_course import plots, train  # noqa: E402


def test_mean_sd_uses_the_sample_standard_deviation():
    assert plots.mean_sd([0.8, 0.9, 1.0]) == "0.900 ± 0.100"
    assert plots.mean_sd([0.5]) == "0.500 ± 0.000"
    assert plots.mean_sd(np.array([1, 3]), digits=1) == "2.0 ± 1.4"


def test_format_table_aligns_columns_and_formats_floats():
    table = plots.format_table([{"name": "a", "acc": 0.91234}, {"name": "longer", "acc": 1.0}])
    lines = table.splitlines()
    assert "0.912" in table and "1.000" in table
    assert len({len(line) for line in lines if set(line) != {"-"}}) == 1


def test_plot_history_and_curves_return_figures():
    h = train.History(train_loss=[1.0, 0.5], train_acc=[0.5, 0.8], val_loss=[1.1, 0.7], val_acc=[0.4, 0.7])
    fig = plots.plot_history({"ft": h}, metric="loss")
    assert len(fig.axes[0].lines) == 2
    fig = plots.plot_curves([1, 2, 5], {"a": [[0.1, 0.2, 0.3], [0.2, 0.3, 0.4]]}, xlabel="k")
    assert fig.axes[0].get_xlabel() == "k"


def _titles(fig):
    return [ax.get_title() for ax in fig.axes if ax.get_title()]


def _suptitle(fig):
    return "".join(t.get_text() for t in fig.texts)                   # Figure.get_suptitle needs matplotlib 3.8


def test_show_mistakes_titles_each_panel_with_true_and_said_labels_most_confident_first():
    def row(said, p):                                                  # probabilities: p for `said`, the rest shared
        r = np.full(10, (1 - p) / 9)
        r[said] = p
        return r

    images = np.random.default_rng(0).random((5, 1, 8, 8))             # grey, (N, 1, H, W)
    y = [3, 4, 3, 9, 3]
    probs = np.stack([row(8, 0.6), row(4, 0.8), row(8, 0.9), row(4, 0.7), row(5, 0.55)])   # index 1 is right
    fig = plots.show_mistakes(images, y, probs=probs, k=3)
    assert _titles(fig) == ["true 3\nsaid 8 (0.90)", "true 9\nsaid 4 (0.70)", "true 3\nsaid 8 (0.60)"]
    assert _suptitle(fig) == "4 of 5 wrong; most often 3→8 ×2"


def test_show_mistakes_takes_class_names_colour_images_and_predictions_without_probabilities():
    images = np.random.default_rng(1).random((3, 3, 6, 6))             # colour, (N, 3, H, W)
    fig = plots.show_mistakes(images, [0, 1, 1], [0, 0, 1], class_names=["cat", "dog"], title="a model")
    assert _titles(fig) == ["true dog\nsaid cat"]
    assert _suptitle(fig) == "a model\n1 of 3 wrong"


def test_show_mistakes_says_so_when_there_are_none_and_rejects_mismatched_inputs():
    fig = plots.show_mistakes(np.zeros((4, 8, 8)), [1, 2, 3, 4], [1, 2, 3, 4])
    text = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "no mistakes" in text and "all 4" in text and "0 of 4 wrong" in fig.axes[0].get_title()
    with pytest.raises(ValueError, match="same length"):
        plots.show_mistakes(np.zeros((3, 8, 8)), [1, 2, 3, 4], [1, 2, 3, 3])
    with pytest.raises(ValueError, match="y_pred"):
        plots.show_mistakes(np.zeros((4, 8, 8)), [1, 2, 3, 4])
