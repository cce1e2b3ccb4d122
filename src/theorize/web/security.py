"""What keeps the workbench to its person: the Host it answers to, a token against cross-site
writes (CSRF), and a strict Content-Security-Policy (no inline script, nothing off the machine).

A pure ASGI middleware, so that it costs little on every request.
"""

from __future__ import annotations

import json
import secrets
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

from itsdangerous import BadSignature, Signer

CSRF_COOKIE = "theorize_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self'; frame-src 'self'; font-src 'self'"
)

HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class Guard:
    """ASGI middleware: refuse unknown Host headers, check the CSRF token of every write, and add
    the security headers to every response.

    The token is random per browser, kept in a signed cookie (SameSite=Strict, HttpOnly) and
    repeated by the page (a ``<meta>`` the scripts send back as ``X-CSRF-Token``, or a form field
    ``csrf``). A cross-site page can neither read the token nor send the cookie.
    """

    def __init__(self, app, *, secret: str, hosts: set[str]) -> None:
        self.app = app
        self.signer = Signer(secret, salt="theorize-csrf")
        self.hosts = hosts

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "").rsplit(":", 1)[0].strip("[]")
        if host not in self.hosts:
            return await _plain(send, 400, f"This workbench answers only to {', '.join(sorted(self.hosts))}.")
        token, fresh = self._token(headers.get("cookie", ""))
        scope.setdefault("state", {})["csrf"] = token
        if scope["method"] not in SAFE_METHODS:
            origin = headers.get("origin")
            if origin and urlsplit(origin).hostname not in self.hosts:
                return await _plain(
                    send,
                    403,
                    "This change was refused: it came from another site.",
                    json_body="application/json" in headers.get("accept", ""),
                )
            given = headers.get(CSRF_HEADER) or None
            kind = headers.get("content-type", "")
            if given is None and kind.startswith("application/x-www-form-urlencoded"):
                body, receive = await _buffer(receive)
                given = (parse_qs(body.decode("utf-8", "replace")).get(CSRF_FIELD) or [None])[0]
            elif given is None and kind.startswith("multipart/form-data"):  # a plain upload form
                body, receive = await _buffer(receive)
                given = multipart_field(body, kind, CSRF_FIELD)
            if fresh or not given or not secrets.compare_digest(given, token):
                return await _plain(
                    send,
                    403,
                    "This change was refused: the page was out of date or came from "
                    "elsewhere (no valid CSRF token). Reload the page and try again.",
                    json_body="application/json" in headers.get("accept", ""),
                )

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                extra = list(HEADERS)
                if fresh:
                    cookie = f"{CSRF_COOKIE}={self.signer.sign(token).decode()}; Path=/; HttpOnly; SameSite=Strict"
                    extra.append((b"set-cookie", cookie.encode()))
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        return await self.app(scope, receive, send_with_headers)

    def _token(self, cookie_header: str) -> tuple[str, bool]:
        """The browser's token from its cookie, or a new one (and whether it is new)."""
        jar = SimpleCookie()
        try:
            jar.load(cookie_header)
        except Exception:  # a malformed Cookie header from some other page: start afresh
            jar = SimpleCookie()
        if CSRF_COOKIE in jar:
            try:
                return self.signer.unsign(jar[CSRF_COOKIE].value).decode(), False
            except BadSignature:
                pass
        return secrets.token_urlsafe(24), True


async def _buffer(receive):
    """Read the whole request body, and a receive that replays it."""
    chunks, more = [], True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    body = b"".join(chunks)
    sent = False

    async def replay():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


def multipart_field(body: bytes, content_type: str, name: str) -> str | None:
    """One plain (not file) field of a multipart/form-data body, or None."""
    boundary = next(
        (
            p.split("=", 1)[1].strip().strip('"')
            for p in content_type.split(";")[1:]
            if p.strip().lower().startswith("boundary=")
        ),
        None,
    )
    if not boundary:
        return None
    wanted = f'name="{name}"'.encode()
    for part in body.split(b"--" + boundary.encode()):
        head, sep, value = part.partition(b"\r\n\r\n")
        if not sep or b"filename=" in head:
            continue
        if any(line.lower().startswith(b"content-disposition") and wanted in line for line in head.split(b"\r\n")):
            return value.removesuffix(b"\r\n").decode("utf-8", "replace")
    return None


async def _plain(send, status: int, sentence: str, *, json_body: bool = False) -> None:
    if json_body:
        body, kind = json.dumps({"error": sentence}).encode(), b"application/json"
    else:
        body, kind = sentence.encode(), b"text/plain; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode()), *HEADERS],
        }
    )
    await send({"type": "http.response.body", "body": body})
