"""The coding workbench: one project (one engine) served to the browser.

Build with :func:`create_app`; ``theorize serve`` runs it on 127.0.0.1.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from theorize.errors import TheorizeError
from theorize.web.errors import theorize_error
from theorize.web.people import Person
from theorize.web.render import HERE, make_templates
from theorize.web.security import Guard

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass
class WorkbenchSettings:
    """What the workbench is built from.

    Args:
        project: a ``.theorize`` file or a PostgreSQL URL.
        user: who works (recorded in the audit trail); default THEORIZE_USER or the login name.
        hosts: the Host names the app answers to (loopback only unless asked otherwise).
        secret: signs the CSRF cookie; a fresh random one per start by default.
    """

    project: str | Path
    user: str | None = None
    hosts: set[str] = field(default_factory=lambda: set(LOOPBACK))
    secret: str = field(default_factory=lambda: secrets.token_hex(32))


_settled: list[bool] = []


def _settle() -> None:
    """Leave what the server was built from out of the garbage collector's full passes: they would
    walk the libraries' hundred thousand objects again and again (tens of ms, a request's worth).
    Once per process: what the first start leaves is the libraries, not a later app's garbage."""
    import gc

    if not _settled:
        _settled.append(True)
        gc.collect()
        gc.freeze()


def create_app(settings: WorkbenchSettings | dict | str | Path, *, study=None) -> FastAPI:
    """The workbench app for one project.

    Args:
        settings: :class:`WorkbenchSettings`, a dict of its fields, or just the project's location.
        study: an already open project to serve (it then stays open after the app).

    Examples:
        >>> app = create_app({"project": "demo-study/demo-study.theorize"})  # doctest: +SKIP
    """
    import theorize
    from theorize.services.project import default_user
    from theorize.web import live
    from theorize.web.auth import Accounts
    from theorize.web.routes import ROUTERS
    from theorize.web.routes import team as team_routes

    if not isinstance(settings, WorkbenchSettings):
        settings = WorkbenchSettings(**settings) if isinstance(settings, dict) else WorkbenchSettings(settings)
    user = settings.user or default_user()
    own = study is None
    if own:
        study = theorize.open_project(settings.project, user=user)
    app = FastAPI(title="theorize workbench", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.study = study
    app.state.person = Person(user, "owner")
    app.state.study_title = study.study["title"]
    app.state.templates = make_templates()
    app.state.settings = settings
    # Starlette types every handler as taking Exception; this one is registered for TheorizeError only
    app.add_exception_handler(TheorizeError, theorize_error)  # type: ignore[arg-type]
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for router in ROUTERS + [team_routes.router, live.router]:
        app.include_router(router)
    if own:
        app.router.add_event_handler("shutdown", study.close)
    app.router.add_event_handler("startup", _settle)
    # A team server's workers share the key kept in the project; a local workbench makes one per start.
    secret = study.server_key() if study.has_accounts() else settings.secret
    # every route, in the order the app tries them (FastAPI keeps included routers as branches)
    app.state.routes = [r for router in ROUTERS + [team_routes.router, live.router] for r in router.routes]
    app.add_middleware(Accounts, study=study, routes=app.state.routes)  # inside the CSRF guard
    app.add_middleware(Guard, secret=secret, hosts=settings.hosts)
    return app
