"""The theoretical saturation figure: each category's properties and dimension values, accumulating
interview by interview, with the point after which nothing new appeared."""

from __future__ import annotations

from pathlib import Path

from theorize.errors import InvalidInput


def plot_property_saturation(result, path: str | Path, *, title: str = "") -> Path:
    """Draw the cumulative properties and dimension values of each category in interview order
    (.png or .svg, by the suffix), one line per category, a ring where its last new element came.

    Args:
        result: a :class:`~theorize.services.theory_insights.TheoreticalSaturation`.
        path: the file to write.

    Examples:
        >>> plot_property_saturation(study.theoretical_saturation(), "properties.png")  # doctest: +SKIP
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg"):
        raise InvalidInput(f"{path.name}: curves are drawn as .png or .svg.")
    d = result.discovery
    n = len(result.interviews)
    fig = Figure(figsize=(7.0, 3.6), dpi=200)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.08, 0.2, 0.6, 0.7))
    for category, part in d.groupby("category_id", sort=True):
        part = part.sort_values("position")
        (line,) = ax.plot(
            part["position"],
            part["cumulative_elements"],
            marker="o",
            markersize=2.5,
            linewidth=1.1,
            label=result.categories.get(int(category), str(category)),
        )
        added = part[part["new_elements"] > 0]
        if len(added):
            last = added.iloc[-1]
            ax.plot(
                [last["position"]],
                [last["cumulative_elements"]],
                marker="o",
                markersize=7,
                fillstyle="none",
                color=line.get_color(),
            )
    ax.set_xticks(range(1, n + 1))
    ax.set_xticklabels([Path(name).stem.split("_")[0] for name in result.interviews], rotation=60, fontsize=6.5)
    ax.set_xlabel("interviews in the order held", fontsize=8)
    ax.set_ylabel("properties and dimension values", fontsize=8)
    ax.tick_params(axis="y", labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title, fontsize=9)
    ax.legend(
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
        fontsize=6.5,
        frameon=False,
        title="ring: last new element",
        title_fontsize=6.5,
    )
    fig.savefig(
        path, format=path.suffix.lower()[1:], metadata={"Software": "theorize"} if path.suffix == ".png" else None
    )
    return path
