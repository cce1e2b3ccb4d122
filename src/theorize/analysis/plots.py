"""Figures for a report: the discovery curve, agreement per code, the co-occurrence heat map.

Each function takes the data and a path, writes a PNG or an SVG (chosen by the file's suffix) and
returns the path. Figures are drawn on matplotlib's Agg canvas created inside the function, never
through pyplot, so importing this module touches no backend and a notebook's own pyplot state is
left alone. SVG text stays text (``svg.fonttype: none``), so code names can be searched and edited.
Long code names are wrapped onto two lines and cut with an ellipsis.
"""

from __future__ import annotations

import textwrap
from collections.abc import Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from theorize.errors import InvalidInput

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from theorize.analysis.saturation import GuestSaturation, SaturationBootstrap

__all__ = ["plot_agreement", "plot_cooccurrence_heatmap", "plot_discovery_curve", "short_label"]

_FORMATS = {".png": "png", ".svg": "svg"}


def short_label(text: Any, width: int = 28, lines: int = 2) -> str:
    """A code name fitted to ``lines`` lines of ``width`` characters, cut with an ellipsis.

    Examples:
        >>> short_label("feeling judged by the drug court staff and the judge", width=20)
        'feeling judged by\\nthe drug court…'
        >>> short_label("trust")
        'trust'
    """
    words = textwrap.wrap(" ".join(str(text).split()), width=width) or [""]
    if len(words) <= lines:
        return "\n".join(words)
    rest = " ".join(words[lines - 1 :])
    last = textwrap.shorten(rest, width=width, placeholder="\u2026")
    if last == "\u2026":  # one word longer than the line
        last = rest[: width - 1] + "\u2026"
    return "\n".join([*words[: lines - 1], last])


def _target(path: str | Path) -> tuple[Path, str]:
    target = Path(path)
    fmt = _FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise InvalidInput(f"{target.name}: a figure is written as .png or .svg; got {target.suffix or 'no suffix'}")
    if not target.parent.exists():
        raise InvalidInput(f"the folder {target.parent} does not exist; create it first")
    return target, fmt


@contextmanager
def _figure(width: float, height: float) -> Iterator[Figure]:
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "theorize", "font.size": 9}):
        fig = Figure(figsize=(width, height), dpi=150)
        FigureCanvasAgg(fig)
        yield fig


def _save(fig: Figure, target: Path, fmt: str) -> Path:
    from theorize.store.files import open_private

    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    with open_private(target, "wb") as fh:  # owner-only: a plot can carry participants' words
        fig.savefig(fh, format=fmt, bbox_inches="tight", metadata=metadata)
    return target


def plot_discovery_curve(
    curve: pd.DataFrame,
    path: str | Path,
    *,
    bootstrap: SaturationBootstrap | None = None,
    saturation: GuestSaturation | None = None,
    title: str = "Code discovery",
) -> Path:
    """Cumulative and new codes per interview, with the band over random orders and the saturation point.

    Args:
        curve: from :func:`theorize.analysis.saturation.discovery_curve` (columns ``interview``,
            ``new_codes``, ``cumulative_codes``; a ``stage`` column draws one line per stage).
        path: where to write; ``.png`` or ``.svg``.
        bootstrap: optional, from ``bootstrap_saturation``: its percentile band and median are drawn.
        saturation: optional, from ``guest_saturation``: a line marks the interview reported.
        title: the figure's title.

    Returns:
        The path written.

    Raises:
        InvalidInput: an empty curve, missing columns, or a suffix other than .png/.svg.

    Examples:
        >>> from theorize.analysis.saturation import discovery_curve
        >>> import tempfile, pathlib
        >>> out = pathlib.Path(tempfile.mkdtemp()) / "curve.svg"
        >>> plot_discovery_curve(discovery_curve([{"a"}, {"a", "b"}, {"c"}]), out).exists()
        True
    """
    target, fmt = _target(path)
    needed = {"interview", "new_codes", "cumulative_codes"}
    if not isinstance(curve, pd.DataFrame) or curve.empty or not needed <= set(curve.columns):
        raise InvalidInput(
            "the discovery curve must be a non-empty table with interview, new_codes and cumulative_codes"
        )
    with _figure(7, 4) as fig:
        ax = fig.add_subplot()
        if bootstrap is not None:
            band = bootstrap.curve
            pct = f"{bootstrap.level * 100:g}%"
            ax.fill_between(
                band["interview"],
                band["low"],
                band["high"],
                color="#9ecae1",
                alpha=0.5,
                label=f"{pct} of {bootstrap.n_orders:,} random orders",
            )
            ax.plot(
                band["interview"],
                band["median"],
                color="#6baed6",
                linestyle="--",
                linewidth=1,
                label="median over random orders",
            )
        groups = curve.groupby("stage", sort=False) if "stage" in curve.columns else [(None, curve)]
        for stage, part in groups:
            label = "codes observed" if stage is None else short_label(stage, 24, 1)
            ax.plot(part["interview"], part["cumulative_codes"], marker="o", markersize=3, linewidth=1.8, label=label)
        if "stage" not in curve.columns:
            ax.bar(curve["interview"], curve["new_codes"], color="#fdae6b", alpha=0.8, width=0.6, label="new codes")
        if saturation is not None and saturation.reached and saturation.interview is not None:
            ax.axvline(
                saturation.interview,
                color="#d62728",
                linestyle=":",
                linewidth=1.5,
                label=f"saturation (interview {saturation.interview})",
            )
        ax.set_xlabel("Interview (in order)")
        ax.set_ylabel("Codes")
        ax.set_title(title)
        n = int(curve["interview"].max())
        ax.set_xticks(range(1, n + 1, max(1, int(np.ceil(n / 20)))))
        ax.set_xlim(0.5, n + 0.5)
        ax.set_ylim(bottom=0)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(loc="lower right", fontsize=8, frameon=False)
        return _save(fig, target, fmt)


def plot_agreement(
    frame: pd.DataFrame,
    path: str | Path,
    *,
    value_label: str = "Agreement",
    reference_lines: Sequence[float] = (),
    labels: Mapping[Hashable, str] | None = None,
    title: str = "Agreement per code",
) -> Path:
    """Horizontal bars of an agreement coefficient per code, with confidence intervals when given.

    Args:
        frame: columns ``code`` and ``value``, optionally ``ci_low`` and ``ci_high``; one row per code,
            drawn top to bottom in the frame's order.
        path: where to write; ``.png`` or ``.svg``.
        value_label: the axis label (e.g. "Krippendorff's alpha").
        reference_lines: values marked with vertical lines (e.g. (0.667, 0.8) for alpha).
        labels: optional code -> display name (default: the ``code`` column as it is).
        title: the figure's title.

    Returns:
        The path written.

    Raises:
        InvalidInput: an empty frame, missing columns, values that are not numbers, or a bad suffix.

    Examples:
        >>> import tempfile, pathlib
        >>> out = pathlib.Path(tempfile.mkdtemp()) / "agreement.png"
        >>> plot_agreement(pd.DataFrame({"code": ["fear", "trust"], "value": [0.8, 0.55]}), out).name
        'agreement.png'
    """
    target, fmt = _target(path)
    if not isinstance(frame, pd.DataFrame) or frame.empty or not {"code", "value"} <= set(frame.columns):
        raise InvalidInput("the agreement table must be non-empty with columns code and value")
    try:
        values = frame["value"].to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise InvalidInput("the agreement values must be numbers") from exc
    if not np.isfinite(values).all():
        raise InvalidInput("some agreement values are missing or infinite; leave those codes out")
    has_ci = {"ci_low", "ci_high"} <= set(frame.columns)
    names = [short_label(labels.get(c, c) if labels else c, 32) for c in frame["code"]]
    y = np.arange(len(frame))[::-1]
    with _figure(7, 0.9 + 0.38 * len(frame)) as fig:
        ax = fig.add_subplot()
        ax.barh(y, values, color=np.where(values >= 0, "#4c72b0", "#c44e52"), height=0.6)
        if has_ci:
            low = frame["ci_low"].to_numpy(dtype=float)
            high = frame["ci_high"].to_numpy(dtype=float)
            ok = np.isfinite(low) & np.isfinite(high)
            ax.errorbar(
                values[ok],
                y[ok],
                xerr=[values[ok] - low[ok], high[ok] - values[ok]],
                fmt="none",
                ecolor="black",
                elinewidth=1,
                capsize=3,
            )
        for ref in reference_lines:
            ax.axvline(ref, color="grey", linestyle="--", linewidth=1)
        ax.set_yticks(y, names)
        lowest = min(0.0, float(values.min()), float(np.nanmin(frame["ci_low"])) if has_ci else 0.0)
        ax.set_xlim(max(-1.0, lowest - 0.05), 1.0)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlabel(value_label)
        ax.set_title(title)
        ax.grid(axis="x", alpha=0.3)
        return _save(fig, target, fmt)


def plot_cooccurrence_heatmap(
    matrix: pd.DataFrame,
    path: str | Path,
    *,
    labels: Mapping[Hashable, str] | None = None,
    annotate: bool | None = None,
    show_diagonal: bool = False,
    title: str = "Code co-occurrence",
) -> Path:
    """A heat map of a code x code co-occurrence matrix (counts or Jaccard).

    Args:
        matrix: square DataFrame from :func:`theorize.analysis.cooccurrence.cooccurrence`.
        path: where to write; ``.png`` or ``.svg``.
        labels: optional code id -> display name (default: the matrix's labels).
        annotate: write the number in each cell (default: when there are at most 20 codes).
        show_diagonal: colour the diagonal too (default: blank it, since it holds each code's own total).
        title: the figure's title.

    Returns:
        The path written.

    Raises:
        InvalidInput: an empty or non-square matrix, or a suffix other than .png/.svg.

    Examples:
        >>> import tempfile, pathlib
        >>> m = pd.DataFrame([[3, 1], [1, 2]], index=["a", "b"], columns=["a", "b"])
        >>> out = pathlib.Path(tempfile.mkdtemp()) / "heat.svg"
        >>> plot_cooccurrence_heatmap(m, out).suffix
        '.svg'
    """
    target, fmt = _target(path)
    if not isinstance(matrix, pd.DataFrame) or matrix.empty or matrix.shape[0] != matrix.shape[1]:
        raise InvalidInput("the co-occurrence matrix must be a non-empty square table (codes x codes)")
    values = matrix.to_numpy(dtype=float).copy()
    k = values.shape[0]
    if not show_diagonal:
        np.fill_diagonal(values, np.nan)
    names = [short_label(labels.get(c, c) if labels else c, 24) for c in matrix.index]
    annotate = k <= 20 if annotate is None else annotate
    size = min(4 + 0.35 * k, 24)
    with _figure(size + 1.5, size) as fig:
        ax = fig.add_subplot()
        shown = np.ma.masked_invalid(values)
        from matplotlib import colormaps

        cmap = colormaps["Blues"].with_extremes(bad="#eeeeee")
        image = ax.imshow(shown, cmap=cmap, vmin=0, aspect="equal")
        fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
        ax.set_xticks(range(k), names, rotation=90, fontsize=8)
        ax.set_yticks(range(k), names, fontsize=8)
        if annotate:
            integral = np.allclose(matrix.to_numpy(dtype=float), np.round(matrix.to_numpy(dtype=float)))
            top = np.nanmax(values) if np.isfinite(values).any() else 0.0
            for i in range(k):
                for j in range(k):
                    if np.isnan(values[i, j]):
                        continue
                    text = f"{values[i, j]:.0f}" if integral else f"{values[i, j]:.2f}"
                    ax.text(
                        j,
                        i,
                        text,
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="white" if top and values[i, j] > 0.6 * top else "black",
                    )
        ax.set_title(title)
        return _save(fig, target, fmt)
