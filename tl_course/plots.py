"""Plots: learning curves, comparisons with error bars, image grids, confusion matrices, reliability diagrams and
attribution heatmaps. Every helper returns its figure."""

from __future__ import annotations

import math

import numpy as np

from . import checks


def _figure(ax=None, figsize=(6, 3.5)):
    """Return (fig, ax), making a new figure unless an axis is given."""
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=figsize)
    return fig, ax


def plot_history(histories, metric: str = "acc", ax=None, title: str | None = None):
    """Plot train (dashed) and validation (solid) `metric` per epoch for one History or a dict of them."""
    if not isinstance(histories, dict):
        histories = {"model": histories}
    fig, ax = _figure(ax)
    for i, (name, h) in enumerate(histories.items()):
        color = f"C{i}"
        train = getattr(h, f"train_{metric}")
        epochs = np.arange(1, len(train) + 1)
        ax.plot(epochs, train, "--", color=color, alpha=0.7, label=f"{name} (train)")
        val = getattr(h, f"val_{metric}")
        if val:
            ax.plot(epochs, val, "-", color=color, label=f"{name} (val)")
    ax.set_xlabel("epoch")
    ax.set_ylabel({"acc": "accuracy", "loss": "loss"}.get(metric, metric))
    ax.set_title(title or f"learning curves ({metric})")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def plot_comparison(results: dict, ylabel: str = "accuracy", ax=None, title: str | None = None):
    """Bar chart of `{name: value or list of values over seeds}`, with mean ± sd error bars."""
    fig, ax = _figure(ax)
    names = list(results)
    values = [np.atleast_1d(np.asarray(results[n], dtype=float)) for n in names]
    means = [v.mean() for v in values]
    sds = [v.std(ddof=1) if len(v) > 1 else 0.0 for v in values]
    bars = ax.bar(names, means, yerr=sds, capsize=4, color=[f"C{i}" for i in range(len(names))])
    for bar, m in zip(bars, means):
        ax.annotate(f"{m:.3g}", (bar.get_x() + bar.get_width() / 2, m), ha="center", va="bottom",
                    xytext=(0, 3), textcoords="offset points", fontsize=8)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(axis="y", alpha=0.3)
    return fig


def plot_curves(x, curves: dict, xlabel: str, ylabel: str = "accuracy", ax=None, title: str | None = None,
                logx: bool = False):
    """Plot `{name: array (seeds, len(x))}` as mean lines with a ±1 sd band."""
    fig, ax = _figure(ax)
    for i, (name, ys) in enumerate(curves.items()):
        ys = np.atleast_2d(np.asarray(ys, dtype=float))
        mean, sd = ys.mean(0), ys.std(0, ddof=1) if len(ys) > 1 else np.zeros(ys.shape[1])
        ax.plot(x, mean, "o-", color=f"C{i}", label=name)
        ax.fill_between(x, mean - sd, mean + sd, color=f"C{i}", alpha=0.2)
    if logx:
        ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def _image_grid(n: int, ncols: int, scale: float):
    """A figure with `n` image axes, `ncols` to a row, axes hidden: (figure, the n axes in reading order)."""
    import matplotlib.pyplot as plt

    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * scale, nrows * scale * 1.1), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    return fig, list(axes.flat)[:n]


def show_images(images, labels=None, ncols: int = 10, cmap: str = "gray", title: str | None = None,
                scale: float = 1.0):
    """Show a grid of images (N, H, W) or (N, C, H, W), tensors or arrays, with optional labels."""
    images = np.asarray(images.detach().cpu() if hasattr(images, "detach") else images)
    if images.ndim == 4:
        images = images.transpose(0, 2, 3, 1)
        if images.shape[-1] == 1:
            images = images[..., 0]
    fig, axes = _image_grid(len(images), ncols, scale)
    for i, ax in enumerate(axes):
        img = images[i]
        if img.ndim == 3:  # colour: rescale each image into [0, 1] for display
            img = (img - img.min()) / (np.ptp(img) + 1e-8)
        ax.imshow(img, cmap=cmap if img.ndim == 2 else None)
        if labels is not None:
            ax.set_title(str(labels[i]), fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def _frequent_confusions(y_true, y_pred, name, top: int = 3) -> list[str]:
    """Up to `top` (true, said) pairs seen at least twice, most frequent first, as "true→said ×count"."""
    pairs, counts = np.unique(np.stack([y_true, y_pred], 1), axis=0, return_counts=True)
    order = np.argsort(-counts, kind="stable")[:top]
    return [f"{name(pairs[j, 0])}→{name(pairs[j, 1])} ×{counts[j]}" for j in order if counts[j] >= 2]


def show_mistakes(images, y_true, y_pred=None, probs=None, class_names=None, k: int = 8, ncols: int = 8,
                  cmap: str = "gray", scale: float = 1.2, title: str | None = None):
    """Show up to `k` wrongly predicted images (N, H, W) or (N, C, H, W), each titled "true 3 / said 8 (0.93)".

    With `probs` (N, classes) the most confident mistakes come first, each with the probability of the class it
    was given (`y_pred` defaults to the argmax of `probs`); with `y_pred` alone, the first `k` mistakes in order.
    The figure's title counts the mistakes and names the (true → said) pairs seen at least twice, most frequent
    first. With no mistakes the figure says so.
    """
    if y_pred is None and probs is None:
        raise ValueError("Give the predicted classes `y_pred`, the class probabilities `probs`, or both.")
    k, y_true = checks.whole(k, "k"), checks.as_labels(y_true, "y_true", indices=True)
    probs = None if probs is None else checks.as_probabilities(probs, "probs", len(y_true), "y_true")
    y_pred = probs.argmax(1) if y_pred is None else checks.as_labels(y_pred, "y_pred", len(y_true), "y_true")
    images = np.asarray(images.detach().cpu() if hasattr(images, "detach") else images)
    checks.same_length("one image per label", images=images, y_true=y_true)
    name = (lambda c: str(class_names[c])) if class_names is not None else str
    wrong = np.flatnonzero(y_pred != y_true)
    confidence = None if probs is None else probs[np.arange(len(probs)), y_pred]
    if confidence is not None:                       # most confident first; ties keep the lower index first
        wrong = wrong[np.argsort(-confidence[wrong], kind="stable")]
    frequent = _frequent_confusions(y_true[wrong], y_pred[wrong], name)
    summary = f"{len(wrong)} of {len(y_true)} wrong" + ("; most often " + ", ".join(frequent) if frequent else "")
    title = f"{title}\n{summary}" if title else summary
    title_width = 0.09 * max(len(line) for line in title.split("\n"))    # inches, at the title's font size
    if not len(wrong):
        fig, ax = _figure(figsize=(max(4, title_width), 1))
        ax.axis("off")
        ax.text(0.5, 0.5, f"no mistakes: all {len(y_true)} predictions are right", ha="center", va="center")
        ax.set_title(title, fontsize=9)
        fig.tight_layout()
        return fig
    shown = wrong[:k]
    labels = [f"true {name(y_true[i])}\nsaid {name(y_pred[i])}"
              + ("" if confidence is None else f" ({confidence[i]:.2f})") for i in shown]
    longest = max(len(line) for label in labels for line in label.split("\n"))
    fig = show_images(images[shown], labels, ncols=ncols, cmap=cmap, title=title, scale=max(scale, 0.08 * longest))
    rows = math.ceil(len(shown) / min(ncols, len(shown)))
    fig.set_size_inches(max(fig.get_figwidth(), title_width),
                        fig.get_figheight() + 0.3 * rows + 0.2 * title.count("\n") + 0.3)
    fig.tight_layout()                                   # room for the panels' two-line titles and the summary
    return fig


def plot_confusion(cm, classes, ax=None, title: str | None = None):
    """Heatmap of a confusion matrix (C, C) (rows = true, columns = predicted) with the count in every cell."""
    cm = np.asarray(cm.detach().cpu() if hasattr(cm, "detach") else cm)
    size = 0.55 * len(classes) + 2
    fig, ax = _figure(ax, figsize=(size + 0.5, size))
    ax.imshow(cm, cmap="Blues")
    for (i, j), count in np.ndenumerate(cm):
        ax.text(j, i, f"{count:g}", ha="center", va="center", fontsize=8,
                color="white" if count > cm.max() / 2 else "black")
    ticks = np.arange(len(classes))
    ax.set_xticks(ticks, [str(c) for c in classes], rotation=45, ha="right", fontsize=8)
    ax.set_yticks(ticks, [str(c) for c in classes], fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title or "confusion matrix")
    return fig


def plot_reliability(curves: dict, ax=None, title: str | None = None):
    """Accuracy against mean confidence per bin for `{label: evaluate.reliability(...)}`, with the diagonal.

    Points on the diagonal are calibrated; below it, over-confident. Empty bins are left out. One dict
    from `reliability` may also be given alone.
    """
    if "accuracy" in curves:
        curves = {"model": curves}
    fig, ax = _figure(ax, figsize=(4.5, 4.5))
    ax.plot([0, 1], [0, 1], ":", color="gray", label="calibrated")
    for i, (label, r) in enumerate(curves.items()):
        conf, acc = np.asarray(r["confidence"], dtype=float), np.asarray(r["accuracy"], dtype=float)
        full = np.isfinite(conf) & np.isfinite(acc)
        ax.plot(conf[full], acc[full], "o-", color=f"C{i}", label=label)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("confidence")
    ax.set_ylabel("accuracy")
    ax.set_title(title or "reliability")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def show_heatmaps(images, maps, titles=None, ncols: int = 8, alpha: float = 0.5, cmap: str = "RdBu_r",
                  scale: float = 1.5):
    """Show images (N, C, H, W) in [0, 1] (C = 1 or 3) each with its map (N, h, w) stretched over it (bilinear).

    One colour scale for all maps, symmetric around 0 (red = positive, e.g. the probability fell when the
    patch was hidden), so maps can be compared across images. Images are clipped to [0, 1] for display.
    """
    images = np.asarray(images.detach().cpu() if hasattr(images, "detach") else images, dtype=float)
    maps = np.asarray(maps.detach().cpu() if hasattr(maps, "detach") else maps, dtype=float)
    if images.ndim != 4 or maps.ndim != 3 or len(images) != len(maps):
        raise ValueError(f"`images` (N, C, H, W) and `maps` (N, h, w) must describe the same N images; got shapes "
                         f"{images.shape} and {maps.shape}.")
    n, (H, W) = len(images), images.shape[2:]
    images = np.clip(images.transpose(0, 2, 3, 1), 0, 1)
    limit = float(np.abs(maps).max()) or 1.0
    fig, axes = _image_grid(n, ncols, scale)
    for i, ax in enumerate(axes):
        img = images[i, ..., 0] if images.shape[-1] == 1 else images[i]
        ax.imshow(img, cmap="gray" if img.ndim == 2 else None, vmin=0, vmax=1)
        ax.imshow(maps[i], cmap=cmap, vmin=-limit, vmax=limit, alpha=alpha, interpolation="bilinear",
                  extent=(-0.5, W - 0.5, H - 0.5, -0.5))
        if titles is not None:
            ax.set_title(str(titles[i]), fontsize=8)
    fig.tight_layout()
    return fig


def mean_sd(values, digits: int = 3) -> str:
    """`"mean ± sd"` of a list of values over seeds (sample standard deviation; 0 for a single value)."""
    v = np.asarray(values, dtype=float)
    sd = v.std(ddof=1) if len(v) > 1 else 0.0
    return f"{v.mean():.{digits}f} ± {sd:.{digits}f}"


def format_table(rows: list[dict], floatfmt: str = ".3f") -> str:
    """Return `rows` (a list of dicts with the same keys) as a plain-text table."""
    if not rows:
        return ""
    keys = list(rows[0])

    def cell(v):
        return format(v, floatfmt) if isinstance(v, float) else str(v)

    cells = [[cell(r.get(k, "")) for k in keys] for r in rows]
    widths = [max(len(k), *(len(c[i]) for c in cells)) for i, k in enumerate(keys)]
    line = "  ".join(k.ljust(w) for k, w in zip(keys, widths))
    sep = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in cells]
    return "\n".join([line, sep, *body])
