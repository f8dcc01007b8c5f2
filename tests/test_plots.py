"""Plot and table helpers: figures come back, tables and summaries read right."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

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
