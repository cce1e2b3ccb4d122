"""Real-browser tests: Debian's Chromium driven by Playwright against the workbench served on
127.0.0.1 from a thread of this process (so the test reads the same project in Python).

Every page a test opens is watched: a request to anywhere but the workbench is blocked and fails
the test, and so does any console error. axe-core comes from npm (``npm ci`` at the repo root)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

import theorize
from tests.helpers import Served

CHROMIUM = os.environ.get("THEORIZE_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-dev-shm-usage",
]

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


def fixture_study(tmp_path: Path, location: str | Path | None = None):
    """The fixture transcript, three codes and three codings, in a new project at ``location`` (a
    SQLite file in ``tmp_path`` by default; a PostgreSQL URL for the team tests)."""
    from tests.integration.test_web_app import fixture_source

    study = theorize.create_project(location or tmp_path / "browser.theorize", title="Browser study", user="lena")
    study.import_parsed(fixture_source(), participant="P01", group="client")
    study.set_attributes("P01", {"age": 34})
    study.add_code("relief", stage="initial")
    study.add_code("serving time", stage="focused")
    study.add_code("fear of jail", stage="initial")
    sid = int(study.sources().iloc[0].id)
    study.code(sid, "relief", quote="so relieved", coder="lena")
    study.code(sid, "serving time", quote="doing my time", coder="sam")
    study.code(sid, "fear of jail", quote="I was doing my time", coder="lena")
    return study


@pytest.fixture
def served(tmp_path):
    study = fixture_study(tmp_path)
    server = Served(study)
    yield server
    server.stop()
    study.close()


@pytest.fixture(scope="session")
def demo_served(tmp_path_factory):
    from theorize.demo import build_demo

    folder = tmp_path_factory.mktemp("demo")
    result = build_demo(folder / "demo-study")
    study = theorize.open_project(result.project, user="Dr. Lena Marsh")
    server = Served(study)
    yield server
    server.stop()
    study.close()


class Watch:
    """What a page did that it should not: requests off the machine, console errors."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.offsite: list[str] = []
        self.errors: list[str] = []

    def route(self, route) -> None:
        url = route.request.url
        if url.startswith(self.base + "/") or url == self.base or url.startswith(("data:", "blob:", "about:")):
            route.continue_()
        else:
            self.offsite.append(url)
            route.abort()


def open_context(chromium, server, **options):
    context = chromium.new_context(viewport={"width": 1400, "height": 900}, **options)
    watch = Watch(server.url)
    context.route("**/*", watch.route)
    page = context.new_page()
    page.on("console", lambda m: watch.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: watch.errors.append(str(e)))
    page.set_default_timeout(10000)
    return context, page, watch


@pytest.fixture
def page(chromium, served):
    context, page, watch = open_context(chromium, served)
    page.base = served.url
    yield page
    context.close()
    assert watch.offsite == [], f"requests left 127.0.0.1: {watch.offsite}"
    assert watch.errors == [], f"console errors: {watch.errors}"


def axe_violations(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed; run npm ci at the repository root")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))  # through DevTools: the page's CSP still holds for it
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,"
        " target: v.nodes[0] && v.nodes[0].target.join(' ')}))"
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]
