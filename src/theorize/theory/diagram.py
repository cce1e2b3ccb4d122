"""Draw a theory model as a figure: SVG for the web report, PNG at print resolution.

matplotlib is used through its object API with the Agg canvas attached inside :func:`draw`, so
importing this module changes no global backend and opens no window. SVG text is written as text
(``svg.fonttype = "none"``) so category names stay searchable and selectable.

Examples:
    >>> from theorize.domain.theory import CategoryRole, ModelCategory, ModelStage, TheoryModel
    >>> m = TheoryModel("t", [ModelCategory("a", "Testing the counselor", CategoryRole.STAGE)],
    ...                 [ModelStage(1, "Stage 1", ("a",))])
    >>> "Testing the counselor" in to_svg(m)
    True
"""

from __future__ import annotations

import io
import os
import re
from typing import TYPE_CHECKING

from theorize.domain.theory import CategoryRole, TheoryModel
from theorize.theory.layout import LINE_SPACING, Layout, layout

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# One restrained colour per role; each also differs in lightness or border so the figure
# survives greyscale printing: conditions and consequences are tinted, stages white with a dark
# border, context dashed, the core band dark with white text.
ROLE_STYLE: dict[CategoryRole, dict[str, object]] = {
    CategoryRole.CONDITION: {"face": "#E4EAF1", "edge": "#4A6785", "text": "#1B2733", "ls": "solid", "lw": 0.8},
    CategoryRole.STAGE: {"face": "#FFFFFF", "edge": "#37414B", "text": "#141A20", "ls": "solid", "lw": 0.9},
    CategoryRole.CONSEQUENCE: {"face": "#E6EFE3", "edge": "#4C7145", "text": "#1A2A17", "ls": "solid", "lw": 0.8},
    CategoryRole.CONTEXT: {"face": "#F5EFE3", "edge": "#8A6A3A", "text": "#2D2414", "ls": (0, (3, 1.6)), "lw": 0.8},
    CategoryRole.CORE: {"face": "#2E3D4D", "edge": "#2E3D4D", "text": "#FFFFFF", "ls": "solid", "lw": 0.8},
}
EDGE_COLOR = "#3C434A"
LABEL_COLOR = "#2B3137"
HEADER_COLOR = "#2B3137"
COLUMN_SHADE = "#F1F2F4"


def draw(model: TheoryModel | Layout, *, width_in: float = 7.0, dpi: float = 300, **layout_options) -> Figure:
    """Draw the model (or a ready :class:`Layout`) on a new matplotlib Figure with an Agg canvas.

    Args:
        model: a model, laid out with :func:`theorize.theory.layout.layout`, or a layout.
        width_in: figure width in inches when ``model`` is a model.
        dpi: the figure's resolution (only raster output depends on it).
        **layout_options: passed on to :func:`theorize.theory.layout.layout`.

    Returns:
        The Figure; ``fig.canvas`` is an Agg canvas, so ``fig.canvas.get_renderer()`` works.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyBboxPatch, PathPatch, Polygon
    from matplotlib.path import Path

    lay = model if isinstance(model, Layout) else layout(model, width_in, **layout_options)
    fig = Figure(figsize=(lay.width_in, lay.height_in), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, lay.width_in)
    ax.set_ylim(0, lay.height_in)
    ax.set_axis_off()
    family = [lay.font_family, "sans-serif"]  # as measured by the layout; SVG readers get fallbacks
    pt = 1 / 72

    for r in lay.stage_columns:
        ax.add_patch(
            FancyBboxPatch(
                (r.x, r.y),
                r.w,
                r.h,
                boxstyle=f"round,pad=0,rounding_size={4 * pt}",
                facecolor=COLUMN_SHADE,
                edgecolor="none",
                zorder=0,
            )
        )
    for h in lay.headers:
        ax.text(
            h.x,
            h.y,
            "\n".join(h.lines),
            ha="center",
            va="center",
            fontsize=h.font_size,
            fontweight="bold" if h.bold else "normal",
            color=HEADER_COLOR,
            family=family,
            linespacing=LINE_SPACING,
            parse_math=False,
            zorder=5,
        )

    head_len, head_w = 5 * pt, 3.6 * pt
    for i, e in enumerate(lay.edges):
        pts = list(e.points)
        if len(pts) < 2:
            continue
        (x1, y1), (x0, y0) = pts[-1], pts[-2]
        seg = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5 or 1.0
        ux, uy = (x1 - x0) / seg, (y1 - y0) / seg
        base = (x1 - ux * head_len, y1 - uy * head_len) if e.directed else (x1, y1)
        line = [*pts[:-1], base]
        ax.add_patch(
            PathPatch(
                Path(line),
                fill=False,
                edgecolor=EDGE_COLOR,
                linewidth=0.8,
                capstyle="butt",
                joinstyle="round",
                linestyle=(0, (3.5, 2)) if e.dashed else "solid",
                zorder=1,
                gid=f"relation-{i}",
            )
        )
        if e.directed:
            tip = [
                (x1, y1),
                (base[0] - uy * head_w / 2, base[1] + ux * head_w / 2),
                (base[0] + uy * head_w / 2, base[1] - ux * head_w / 2),
            ]
            ax.add_patch(Polygon(tip, closed=True, facecolor=EDGE_COLOR, edgecolor=EDGE_COLOR, linewidth=0.3, zorder=2))
        if e.label_lines:
            ax.text(
                e.label_x,
                e.label_y,
                "\n".join(e.label_lines),
                ha="center",
                va="center",
                fontsize=lay.label_size,
                fontstyle="italic",
                color=LABEL_COLOR,
                family=family,
                linespacing=LINE_SPACING,
                parse_math=False,
                zorder=6,
                bbox=(
                    {"boxstyle": "square,pad=0.12", "facecolor": "white", "edgecolor": "none", "alpha": 0.9}
                    if e.label_backdrop
                    else None
                ),
                gid=f"relation-{i}-label",
            )

    for b in lay.boxes:
        style = ROLE_STYLE[b.role]
        gid = "category-" + re.sub(r"[^A-Za-z0-9_.-]", "_", b.category_id)
        if b.role == CategoryRole.CORE:
            notch = min(9 * pt, b.h / 2)
            ax.add_patch(
                Polygon(
                    [
                        (b.x, b.y),
                        (b.x + b.w - notch, b.y),
                        (b.x + b.w, b.y + b.h / 2),
                        (b.x + b.w - notch, b.y + b.h),
                        (b.x, b.y + b.h),
                    ],
                    closed=True,
                    facecolor=style["face"],
                    edgecolor=style["edge"],
                    linewidth=style["lw"],
                    joinstyle="round",
                    zorder=3,
                    gid=gid,
                )
            )
            cx = b.x + (b.w - notch) / 2
        else:
            ax.add_patch(
                FancyBboxPatch(
                    (b.x, b.y),
                    b.w,
                    b.h,
                    boxstyle=f"round,pad=0,rounding_size={3 * pt}",
                    facecolor=style["face"],
                    edgecolor=style["edge"],
                    linewidth=style["lw"],
                    linestyle=style["ls"],
                    zorder=3,
                    gid=gid,
                )
            )
            cx = b.x + b.w / 2
        ax.text(
            cx,
            b.y + b.h / 2,
            "\n".join(b.lines),
            ha="center",
            va="center",
            fontsize=b.font_size,
            fontweight="bold" if b.bold else "normal",
            color=style["text"],
            family=family,
            linespacing=LINE_SPACING,
            parse_math=False,
            zorder=4,
            gid=f"{gid}-name",
        )
    return fig


def _save(fig: Figure, target, fmt: str, dpi: float) -> None:
    from matplotlib import rc_context

    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "theorize"}):
        fig.savefig(target, format=fmt, dpi=dpi, metadata=metadata, facecolor="white")


def to_svg(model: TheoryModel | Layout, *, width_in: float = 7.0, standalone: bool = True, **layout_options) -> str:
    """The diagram as SVG text.

    Args:
        model: a model or a ready layout.
        width_in: figure width in inches when ``model`` is a model.
        standalone: a whole SVG file (XML declaration and doctype); False gives just the
            ``<svg>`` element, to put inline in an HTML report.
        **layout_options: passed on to :func:`theorize.theory.layout.layout`.
    """
    buf = io.StringIO()
    _save(draw(model, width_in=width_in, dpi=72, **layout_options), buf, "svg", 72)
    text = buf.getvalue()
    return text if standalone else text[text.index("<svg") :]


def to_png(model: TheoryModel | Layout, *, dpi: float = 300, width_in: float = 7.0, **layout_options) -> bytes:
    """The diagram as PNG bytes, ``width_in * dpi`` pixels wide."""
    buf = io.BytesIO()
    _save(draw(model, width_in=width_in, dpi=dpi, **layout_options), buf, "png", dpi)
    return buf.getvalue()


def render_svg(
    model: TheoryModel | Layout, path: str | os.PathLike[str], *, width_in: float = 7.0, **layout_options
) -> None:
    """Write the diagram to ``path`` as SVG."""
    from theorize.store.files import write_private

    write_private(os.fspath(path), to_svg(model, width_in=width_in, **layout_options))


def render_png(
    model: TheoryModel | Layout,
    path: str | os.PathLike[str],
    *,
    dpi: float = 300,
    width_in: float = 7.0,
    **layout_options,
) -> None:
    """Write the diagram to ``path`` as PNG at ``dpi`` (300 for print)."""
    from theorize.store.files import write_private

    write_private(os.fspath(path), to_png(model, dpi=dpi, width_in=width_in, **layout_options))


#: The drawing each file suffix asks for.
DRAWING_FORMATS: dict[str, str] = {
    ".svg": "svg",
    ".png": "png",
    ".dot": "dot",
    ".gv": "dot",
    ".mmd": "mermaid",
    ".mermaid": "mermaid",
}


def drawing_format(path: str | os.PathLike[str]) -> str:
    """The drawing a file's suffix asks for: svg, png, dot (Graphviz) or mermaid.

    Examples:
        >>> drawing_format("model.SVG"), drawing_format("model.gv"), drawing_format("model.mmd")
        ('svg', 'dot', 'mermaid')
    """
    from theorize.errors import InvalidInput

    name = os.fspath(path)
    fmt = DRAWING_FORMATS.get(os.path.splitext(name)[1].lower())
    if fmt is None:
        raise InvalidInput(f"{os.path.basename(name)}: the model is drawn as .svg, .png, .dot or .mmd.")
    return fmt


def draw_model(model: TheoryModel, path: str | os.PathLike[str], *, width_in: float = 7.0) -> str:
    """Draw ``model`` to ``path`` in the format its suffix names; returns that format."""
    from theorize.errors import InvalidInput
    from theorize.store.files import write_private

    fmt = drawing_format(path)
    if not model.categories:
        raise InvalidInput("The model is empty; place categories first (theorize model place).")
    if fmt == "svg":
        render_svg(model, path, width_in=width_in)
    elif fmt == "png":
        render_png(model, path, width_in=width_in)
    else:
        from theorize.theory import text_formats

        write_private(os.fspath(path), text_formats.to_dot(model) if fmt == "dot" else text_formats.to_mermaid(model))
    return fmt
