"""Who may do what on a team server: sessions, and the one place where every route's permission is
checked.

When the project has accounts (``theorize users add``), :class:`Accounts` (an ASGI middleware
inside the CSRF guard) finds the person from their signed session cookie, sends anyone without one
to the sign-in page (or answers 401 to scripts), and checks the permission the matched route needs
(:data:`ROUTE_PERMISSIONS`, keyed by method and path template; a write route not listed there is an
owner's). A coder in an open blind round may read only the pages that show their own codings.
Each worker process remembers who a session is for :data:`SESSION_RECHECK_SECONDS` (a request
then asks the database nothing about its person); a change to an account made in the process is
heard at once. Without accounts (one researcher on their own machine) it lets everything through unchanged.
"""

from __future__ import annotations

import json
import secrets
import time
import weakref
from http.cookies import SimpleCookie
from urllib.parse import quote

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import event
from starlette.concurrency import run_in_threadpool
from starlette.routing import Match

from theorize.web.people import ROLES, Person

SESSION_COOKIE = "theorize_session"
SESSION_HOURS = 12
#: How long a worker process trusts what it found for a session (who, in which role) before it
#: asks the project again. A change to an account made in this process (a new password, a role, a
#: removal; through the web or the library) is heard at the next request; one made by another
#: worker or by the CLI, within this many seconds.
SESSION_RECHECK_SECONDS = 2.0
#: Statements that change who may do what (``account`` and ``account_secret`` rows).
_ACCOUNT_WRITES = ("UPDATE account", "INSERT INTO account", "DELETE FROM account")
SAFE = {"GET", "HEAD", "OPTIONS"}
#: Paths anyone may reach: the sign-in page and the static files it needs.
PUBLIC = ("/login", "/static/")

#: The permission (a key of :data:`theorize.web.people.ROLES`, or ``"owner"`` / ``"self"``) each
#: route needs, by method and path template. A read not listed needs ``read``; a write not listed is
#: an owner's, so that a new route is closed until someone says who may use it.
ROUTE_PERMISSIONS: dict[tuple[str, str], str] = {
    ("POST", "/logout"): "self",
    ("GET", "/account"): "self",
    ("POST", "/account/password"): "self",
    ("POST", "/api/sources/{source_id}/codings"): "code",
    ("POST", "/api/sources/{source_id}/in-vivo"): "code",
    ("DELETE", "/api/codings/{coding_id}"): "code",
    ("POST", "/api/memos"): "memo",
    ("POST", "/api/memos/{memo_id}"): "memo",
    ("POST", "/api/markdown"): "memo",
    ("POST", "/api/undo"): "undo",
    ("POST", "/api/codes"): "codebook",
    ("POST", "/api/codes/{code_id}/{change}"): "codebook",
    ("POST", "/api/snapshots"): "codebook",
    ("POST", "/api/study"): "codebook",
    ("POST", "/api/sources"): "import",
    ("POST", "/api/model/{change}"): "model",
    ("POST", "/api/adjudicate"): "adjudicate",
    ("GET", "/out/{fmt}"): "export",
    ("GET", "/deid"): "owner",
    ("GET", "/api/deid"): "owner",
    ("POST", "/api/deid/decide"): "owner",
    ("POST", "/api/suggestions/run"): "code",  # machine help proposes; a coder may ask for it
    ("POST", "/api/suggestions/decide"): "code",
    ("POST", "/api/codings/{coding_id}/review"): "code",
    ("POST", "/api/proposals/accept"): "codebook",
    ("POST", "/api/sources/{source_id}/text"): "owner",  # correcting a transcript
    ("GET", "/team"): "owner",
    ("GET", "/api/team/rounds"): "owner",
}

#: What a coder in an open blind round may read: pages that show only their own codings (filtered
#: in the library) or no codings at all. Everything else waits until the round is closed.
ROUND_READABLE = frozenset(
    {
        "/",
        "/api/study",
        "/api/session",
        "/sources/{source_id}",
        "/api/sources/{source_id}",
        "/api/sources/{source_id}/codings",
        "/api/codings/{coding_id}",
        "/codes",
        "/api/codes",
        "/codes.css",
        "/memos",
        "/memos/new",
        "/memos/{memo_id}",
        "/api/memos",
        "/api/memos/{memo_id}",
        "/model",
        "/api/model",
        "/model.{fmt}",
        "/account",
        "/events",
    }
)


class Sessions:
    """Signed session cookies: a random session id, the account id and its password epoch (a new
    password ends every older session)."""

    def __init__(self, secret: str) -> None:
        self.serializer = URLSafeTimedSerializer(secret, salt="theorize-session")

    def make(self, account_id: int, epoch: int) -> str:
        return self.serializer.dumps({"sid": secrets.token_urlsafe(16), "a": account_id, "e": epoch})

    def read(self, value: str) -> dict | None:
        try:
            data = self.serializer.loads(value, max_age=SESSION_HOURS * 3600)
        except BadSignature:
            return None
        return data if isinstance(data, dict) and {"a", "e"} <= data.keys() else None


class AccountWrites:
    """Counts the commits on one engine that changed an account, so that what a process remembers
    about sessions is forgotten as soon as it changed something about them itself."""

    def __init__(self, engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)
        event.listen(engine, "rollback", self._rollback)

    def _statement(self, conn, _cursor, statement: str, *_args) -> None:
        if statement.startswith(_ACCOUNT_WRITES):
            conn.info["account_written"] = True

    def _commit(self, conn) -> None:
        if conn.info.pop("account_written", False):
            self.count += 1

    def _rollback(self, conn) -> None:
        conn.info.pop("account_written", None)


_WATCHED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def account_writes(engine) -> AccountWrites:
    """The one counter of account changes for an engine (made on first use)."""
    if engine not in _WATCHED:
        _WATCHED[engine] = AccountWrites(engine)
    return _WATCHED[engine]


def session_cookie(value: str, *, secure: bool, max_age: int | None = None) -> str:
    """The Set-Cookie value: HttpOnly, SameSite=Lax, Secure behind TLS."""
    parts = [f"{SESSION_COOKIE}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


def behind_tls(scope) -> bool:
    """Whether the browser reached us over HTTPS (directly, or through a proxy that says so)."""
    if scope.get("scheme") == "https":
        return True
    for key, value in scope.get("headers", []):
        if key == b"x-forwarded-proto":
            return value.decode("latin-1").split(",")[0].strip() == "https"
    return False


def may(person: Person, need: str) -> bool:
    if need == "self":
        return True
    if need == "owner":
        return person.role == "owner"
    return need in ROLES.get(person.role, frozenset())


class Accounts:
    """ASGI middleware: on a project with accounts, the person behind each request and whether the
    route they asked for is theirs to use."""

    def __init__(self, app, *, study, routes: list, sessions: Sessions | None = None) -> None:
        self.app = app
        self.study = study
        self.routes = routes
        self._sessions = sessions
        self._team: tuple[float, bool] = (0.0, False)
        #: session cookie -> (trusted until, account changes counted then, the person or None)
        self._people: dict[str, tuple[float, int, Person | None]] = {}
        self._writes = account_writes(study.engine)

    @property
    def sessions(self) -> Sessions:
        if self._sessions is None:
            self._sessions = Sessions(self.study.server_key())
        return self._sessions

    async def team(self) -> bool:
        """Whether the project has accounts (asked again every 2 seconds)."""
        at, answer = self._team
        if time.monotonic() - at > 2.0:
            answer = await run_in_threadpool(self.study.has_accounts)
            self._team = (time.monotonic(), answer)
        return answer

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not await self.team():
            return await self.app(scope, receive, send)
        path, method = scope["path"], scope["method"]
        state = scope.setdefault("state", {})
        state["team"] = True
        if path == PUBLIC[0] or path.startswith(PUBLIC[1]):
            state["person"] = Person("", "viewer")  # no one yet
            return await self.app(scope, receive, send)
        person = await self.person(scope)
        if person is None:
            if method in SAFE and not path.startswith("/api/") and not _wants_json(scope):
                target = path + (f"?{scope['query_string'].decode('latin-1')}" if scope.get("query_string") else "")
                return await _answer(send, 303, "", location=f"/login?next={quote(target, safe='')}")
            return await _answer(
                send, 401, "Sign in first: this workbench is for the members of its team.", json_body=True
            )
        state["person"] = person
        template = self.template(scope)
        if template is not None:
            asked = "GET" if method == "HEAD" else method  # a HEAD needs what its GET needs
            need = ROUTE_PERMISSIONS.get((asked, template)) or ("read" if method in SAFE else "owner")
            if not may(person, need):
                return await _answer(
                    send,
                    403,
                    f"{person.name} ({person.role}) may not do this.",
                    json_body=path.startswith("/api/") or _wants_json(scope),
                )
            if person.role != "owner" and method in SAFE and template not in ROUND_READABLE:
                if await run_in_threadpool(self.study.in_open_round, person.name):
                    return await _answer(
                        send,
                        403,
                        "While your blind coding round is open, this page waits: it would show other coders' codings.",
                        json_body=path.startswith("/api/") or _wants_json(scope),
                    )
        return await self.app(scope, receive, send)

    async def person(self, scope) -> Person | None:
        jar = SimpleCookie()
        for key, value in scope.get("headers", []):
            if key == b"cookie":
                try:
                    jar.load(value.decode("latin-1"))
                except Exception:  # a malformed cookie from another page: no session
                    return None
        if SESSION_COOKIE not in jar:
            return None
        value = jar[SESSION_COOKIE].value
        now, writes = time.monotonic(), self._writes.count
        known = self._people.get(value)
        if known is not None and known[0] > now and known[1] == writes:
            return known[2]
        data = self.sessions.read(value)
        if data is None:  # not ours or too old: nothing to remember
            return None
        found = await run_in_threadpool(self.study.signed_in, data["a"], data["e"])
        person = Person(found["name"], found["role"]) if found else None
        if self._writes.count == writes:  # no account changed here while we asked
            if len(self._people) >= 10_000:
                self._people.clear()
            self._people[value] = (now + SESSION_RECHECK_SECONDS, writes, person)
        return person

    def template(self, scope) -> str | None:
        """The path template of the route this request reaches (None: no route, a 404 or 405)."""
        for route in self.routes:
            match, _ = route.matches(scope)
            if match == Match.FULL:
                return getattr(route, "path", None)
        return None


def _wants_json(scope) -> bool:
    return any(k == b"accept" and b"application/json" in v for k, v in scope.get("headers", []))


async def _answer(send, status: int, sentence: str, *, json_body: bool = False, location: str | None = None):
    if json_body:
        body, kind = json.dumps({"error": sentence}).encode(), b"application/json"
    else:
        body, kind = sentence.encode(), b"text/plain; charset=utf-8"
    headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode())]  # Guard adds the rest
    if location:
        headers.append((b"location", location.encode("latin-1")))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


#: What ``theorize serve --workers N`` hands each worker process (they keep no state of their own).
SERVE_ENV = ("THEORIZE_SERVE_PROJECT", "THEORIZE_SERVE_USER", "THEORIZE_SERVE_HOSTS", "THEORIZE_SERVE_SECRET")


def app_from_environment():
    """The workbench app of one worker of ``theorize serve --workers N`` (a uvicorn factory)."""
    import os

    from theorize.web.app import WorkbenchSettings, create_app

    project, user, hosts, secret = (os.environ[name] for name in SERVE_ENV)
    return create_app(WorkbenchSettings(project=project, user=user, hosts=set(hosts.split(",")), secret=secret))
