"""Pages from Jinja2 templates (every value escaped), and memo Markdown made safe to show."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markdown_it import MarkdownIt

from theorize.web.layout import clock, colour_of
from theorize.web.people import current_person

HERE = Path(__file__).parent
NAV = (
    ("study", "/", "Study"),
    ("codebook", "/codes", "Codebook"),
    ("compare", "/compare", "Compare"),
    ("memos", "/memos", "Memos"),
    ("model", "/model", "Model"),
    ("analyses", "/analyses", "Analyses"),
    ("history", "/history", "History"),
    ("out", "/out", "Out"),
    ("assist", "/suggestions", "Machine help"),
)

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")


def markdown(text: str) -> str:
    """A memo's Markdown as HTML; raw HTML in the memo is shown as text, never run."""
    return _markdown.render(text or "")


def percent(share: float) -> str:
    return f"{share:.0%}"


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.autoescape = True
    env.filters.update(markdown=markdown, clock=clock, percent=percent, colour=colour_of)
    env.globals["NAV"] = NAV
    # |tojson without sorting keys: the transcript hands its script hundreds of codings, and their
    # keys' order means nothing to it (a third less time)
    env.policies["json.dumps_kwargs"] = {}
    return templates


def page(request: Request, name: str, context: dict, *, status_code: int = 200):
    """A whole page: the template with the person, the CSRF token and the navigation."""
    app = request.app
    state = request.scope.get("state", {})
    ctx = {
        "person": current_person(request),
        "csrf": state.get("csrf", ""),
        "title_of_study": app.state.study_title,
        **context,
    }
    if state.get("team"):  # where the trail ended as this page was drawn: its live stream starts there
        ctx["trail"] = app.state.study.events_after(None)[0]
    return app.state.templates.TemplateResponse(request, name, ctx, status_code=status_code)
