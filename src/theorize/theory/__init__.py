"""The grounded theory model: where its categories go on the page, the drawn diagram, DOT and Mermaid.

Examples:
    >>> from theorize.domain.theory import CategoryRole, ModelCategory, ModelStage, TheoryModel
    >>> from theorize.theory import to_mermaid, to_svg
    >>> m = TheoryModel("t", [ModelCategory("a", "Testing the counselor", CategoryRole.STAGE)],
    ...                 [ModelStage(1, "Stage 1", ("a",))])
    >>> "Testing the counselor" in to_svg(m) and to_mermaid(m).startswith("---")
    True
"""

from theorize.theory.diagram import draw, render_png, render_svg, to_png, to_svg
from theorize.theory.layout import Box, EdgeRoute, Layout, Rect, TextBlock, layout
from theorize.theory.text_formats import to_dot, to_mermaid

__all__ = [
    "Box",
    "EdgeRoute",
    "Layout",
    "Rect",
    "TextBlock",
    "draw",
    "layout",
    "render_png",
    "render_svg",
    "to_dot",
    "to_mermaid",
    "to_png",
    "to_svg",
]
