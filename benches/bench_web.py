"""Workbench speed on loopback: transcript page render and one coding POST (beside Taguette 1.5's
highlight POST on the same text, in the same run), and in Chromium keypress-to-stripe and the
compare view of a code with 500 passages.

Prints figures; it passes or fails nothing. Taguette is looked for in /tmp/taguette-venv
(``python3 -m venv /tmp/taguette-venv && /tmp/taguette-venv/bin/pip install taguette``) or at
$TAGUETTE; without it that comparison is skipped with a message.

    .venv/bin/python benches/bench_web.py
"""

from __future__ import annotations

import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

import theorize
from theorize.domain.sources import ParsedSource, Role, Turn

WORDS = (
    "the judge said I was doing my time and we talked about trust and the program felt like a cage "
    "but my counselor listened when I told her about my son"
).split()
TAGUETTE = Path(os.environ.get("TAGUETTE", "/tmp/taguette-venv/bin/taguette"))
CHROMIUM = "/usr/bin/chromium"
COMPARE_LOADS = 30


def interview(seed: int = 7, words: int = 10_000) -> tuple[str, list[Turn]]:
    """A 10,000-word interview: alternating turns, one to six sentences each."""
    rnd = random.Random(seed)
    text, turns, n, i = "", [], 0, 0
    while n < words:
        speaker, role = ("Interviewer", Role.INTERVIEWER) if i % 2 == 0 else ("Maria", Role.PARTICIPANT)
        sentences = []
        for _ in range(rnd.randint(1, 6) if i % 2 else 1):
            k = rnd.randint(6, 18)
            sentences.append(" ".join(rnd.choice(WORDS) for _ in range(k)).capitalize() + ".")
            n += k
        label, body = f"{speaker}: ", " ".join(sentences)
        start = len(text) + len(label)
        text += label + body + "\n"
        turns.append(Turn(start, start + len(body), speaker, role, started_at=i * 20.0))
        i += 1
    return text, turns


def build(folder: Path):
    text, turns = interview()
    study = theorize.create_project(folder / "bench.theorize", title="Web bench", user="bench")
    study.import_parsed(ParsedSource(name="long.txt", text=text, turns=turns), participant="P1")
    study.import_parsed(
        ParsedSource(name="other.txt", text=text.replace("judge", "magistrate"), turns=turns), participant="P2"
    )
    for k in range(30):
        study.add_code(f"code {k}")
    study.add_code("compared")
    rnd = random.Random(3)
    items = [
        {
            "source": "long.txt",
            "code": f"code {k % 30}",
            "start": (s := rnd.randrange(0, len(text) - 400)),
            "end": s + rnd.randint(10, 400),
        }
        for k in range(300)
    ]
    items += [
        {
            "source": "other.txt",
            "code": "compared",
            "start": (s := rnd.randrange(0, len(text) - 200)),
            "end": s + rnd.randint(20, 200),
        }
        for _ in range(500)
    ]
    study.code_many(items)
    return study, text


class Loopback:
    """A keep-alive HTTP/1.1 client with Nagle's algorithm off, as a browser's connection is; a
    minimal cookie jar. (httpx here adds ~40 ms to every request on loopback: Nagle and delayed
    ACKs; the figures below are the server's, not the client library's.)"""

    def __init__(self, base: str) -> None:
        from urllib.parse import urlsplit

        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}
        self.headers: dict[str, str] = {}
        self.conn = None

    def request(self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None):
        import http.client
        import json as _json

        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            self.conn.connect()
            self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        h = {**self.headers, **(headers or {})}
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.conn.request(method, path, body=body, headers=h)
        r = self.conn.getresponse()
        data = r.read()
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        r.content, r.status_code = data, r.status
        r.json = lambda: _json.loads(data)
        return r

    def get(self, path: str, headers: dict | None = None):
        return self.request("GET", path, headers=headers)

    def post_json(self, path: str, obj, headers: dict | None = None):
        import json as _json

        return self.request(
            "POST",
            path,
            body=_json.dumps(obj).encode(),
            headers={"Content-Type": "application/json", **(headers or {})},
        )

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def percentiles(ms: list[float]) -> str:
    cpu, who = getattr(ms, "cpu_ms", float("nan")), getattr(ms, "who", "server")
    ms = sorted(x for x in ms if x == x)  # a paint not yet reported is left out
    p = lambda q: ms[min(len(ms) - 1, int(round(q * (len(ms) - 1))))]  # noqa: E731
    server = "" if cpu != cpu else f"  {who} CPU {cpu:5.1f} ms/request"
    return f"p50 {p(0.5):6.1f} ms  p95 {p(0.95):6.1f} ms  (n={len(ms)}){server}"


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far, from /proc (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Timings(list):
    """Wall milliseconds of each request, and the serving process's (or the browser page's) CPU
    milliseconds per request: its total over the run divided by the requests."""

    cpu_ms: float = float("nan")
    who: str = "server"


def timed(fn, n: int, warm: int = 5, pid: int | None = None) -> Timings:
    for _ in range(warm):
        fn()
    out = Timings()
    cpu = cpu_seconds(pid) if pid else 0.0
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    if pid:
        out.cpu_ms = (cpu_seconds(pid) - cpu) * 1000 / n
    return out


def bench_theorize(study, text: str, url: str, pid: int) -> dict:
    client = Loopback(url)
    client.get("/")
    client.headers.update({"X-CSRF-Token": client.get("/api/session").json()["csrf"], "Accept": "application/json"})
    sid = int(study.sources().set_index("name").loc["long.txt", "id"])
    code = int(study.codes().set_index("name").loc["code 1", "id"])

    def page():
        r = client.get(f"/sources/{sid}", headers={"Accept": "text/html"})
        assert r.status_code == 200 and len(r.content) > 100_000

    rnd = random.Random(11)

    def post():
        s = rnd.randrange(0, len(text) - 2000)  # as for Taguette below
        r = client.post_json(f"/api/sources/{sid}/codings", {"start": s, "end": s + 40, "code_id": code})
        assert r.status_code == 201, r.content

    compared = int(study.codes().set_index("name").loc["compared", "id"])

    def compare():
        r = client.get(f"/compare?code={compared}", headers={"Accept": "text/html"})
        assert r.status_code == 200 and r.content.count(b'class="passage"') == 500

    figures = {
        "page": timed(page, 60, pid=pid),
        "post": timed(post, 100, pid=pid),
        "compare": timed(compare, 40, pid=pid),
    }
    client.close()
    return figures


def as_html(text: str) -> str:
    """The same text as HTML paragraphs: Taguette reads .html itself (plain text needs Calibre)."""
    from html import escape

    return "<html><body>" + "".join(f"<p>{escape(line)}</p>" for line in text.splitlines()) + "</body></html>"


def bench_taguette(text: str, folder: Path) -> list[float] | str:
    if not TAGUETTE.exists():
        return f"Taguette is not installed at {TAGUETTE}; skipped (see this file's docstring)."
    port = free_port()
    log = open(folder / "taguette.log", "w+")
    proc = subprocess.Popen(
        [
            str(TAGUETTE),
            "--no-browser",
            "-p",
            str(port),
            "-b",
            "127.0.0.1",
            "--database",
            str(folder / "taguette.sqlite3"),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "HOME": str(folder)},
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/health")
        deadline = time.time() + 20
        token = None
        while time.time() < deadline and token is None:
            log.seek(0)
            found = re.search(r"\?token=([0-9a-f]+)", log.read())
            token = found and found.group(1)
            time.sleep(0.1)
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30, follow_redirects=True)
        client.get(f"/?token={token}")
        client.get("/project/new")
        xsrf = client.cookies.get("_xsrf")
        r = client.post("/project/new", data={"name": "bench", "description": "", "_xsrf": xsrf})
        project = int(re.search(r"/project/(\d+)", str(r.url)).group(1))
        headers = {"X-XSRFToken": xsrf}
        r = client.post(
            f"/api/project/{project}/document/new",
            headers=headers,
            data={"name": "long", "description": "", "_xsrf": xsrf},
            files={"file": ("long.html", as_html(text).encode("utf-8"), "text/html")},
        )
        if r.status_code != 200 or "created" not in r.json():
            return f"Taguette did not take the document ({r.status_code}: {r.text[:200]}); skipped."
        document = r.json()["created"]
        tag = client.post(
            f"/api/project/{project}/tag/new", headers=headers, json={"path": "code 1", "description": ""}
        ).json()["id"]
        timed_client = Loopback(f"http://127.0.0.1:{port}")  # the same client as for theorize
        timed_client.cookies.update(dict(client.cookies.items()))
        timed_client.headers.update(headers)
        size = len(text)
        rnd = random.Random(11)

        def post():
            s = rnd.randrange(0, size - 2000)  # its offsets count the text without line ends
            r = timed_client.post_json(
                f"/api/project/{project}/document/{document}/highlight/new",
                {"start_offset": s, "end_offset": s + 40, "tags": [tag]},
            )
            assert r.status_code == 200, r.content

        figures = timed(post, 100, pid=proc.pid)
        timed_client.close()
        return figures
    finally:
        proc.terminate()
        proc.wait(10)


def bench_browser(study, url: str) -> dict | str:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return "playwright is not installed; browser figures skipped."
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is not installed; browser figures skipped."
    sid = int(study.sources().set_index("name").loc["long.txt", "id"])
    compared = int(study.codes().set_index("name").loc["compared", "id"])
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")

        def renderer_cpu_ms() -> float:
            """CPU time the page's renderer process has used so far (Chromium's ProcessTime; its
            ThreadTime starts again with some navigations)."""
            metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
            return metrics.get("ProcessTime", float("nan")) * 1000

        page.goto(f"{url}/sources/{sid}")
        page.wait_for_selector("body[data-ready='1']")
        # the first coding through the picker makes "code 1" recent code number 1
        for key in ("j", "s", "c"):
            page.keyboard.press(key)
        page.wait_for_selector("#picker[open]")
        page.keyboard.type("code 1")
        page.keyboard.press("ArrowDown")  # "code 1" then "code 10".. : the first is "code 1"
        page.keyboard.press("ArrowUp")
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.getElementById('toast').textContent.startsWith('Coded')")
        stripe_ms = Timings()
        cpu = renderer_cpu_ms()
        for _ in range(25):
            page.keyboard.press("j")
            page.keyboard.press("s")
            page.evaluate("""() => {
                window.__t = new Promise((resolve) => {
                    const before = document.querySelectorAll('.margin .s').length;
                    let t0 = 0;
                    document.addEventListener('keydown', () => { t0 = performance.now(); }, {capture: true, once: true});
                    const seen = new MutationObserver(() => {
                        if (document.querySelectorAll('.margin .s').length > before) {
                            seen.disconnect(); requestAnimationFrame(() => resolve(performance.now() - t0));
                        }
                    });
                    seen.observe(document.getElementById('rows'), {childList: true, subtree: true});
                });
            }""")
            page.keyboard.press("1")
            stripe_ms.append(page.evaluate("() => window.__t"))
        stripe_ms.cpu_ms = (renderer_cpu_ms() - cpu) / 25  # j, s and the coding key each time
        stripe_ms.who = "renderer"
        compare = {"response": Timings(), "paint": Timings(), "load": Timings()}
        cpu = renderer_cpu_ms()
        for _ in range(COMPARE_LOADS):
            page.goto(f"{url}/compare?code={compared}")
            page.wait_for_load_state("load")
            assert page.locator(".passage").count() == 500
            times = page.evaluate("""() => {
                const n = performance.getEntriesByType('navigation')[0];
                const p = performance.getEntriesByName('first-contentful-paint')[0];
                return [n.responseEnd - n.startTime, p ? p.startTime : NaN, n.loadEventEnd - n.startTime]; }""")
            for key, value in zip(("response", "paint", "load"), times):
                compare[key].append(value)
        compare["load"].cpu_ms = (renderer_cpu_ms() - cpu) / COMPARE_LOADS
        compare["load"].who = "renderer"
        browser.close()
    return {"stripe": stripe_ms, "compare": compare}


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        folder = Path(tmp)
        study, text = build(folder)
        words = len(text.split())
        codings = len(study.codings(source="long.txt"))
        study.close()
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "theorize.cli.main",
                "--user",
                "bench",
                "serve",
                str(folder / "bench.theorize"),
                "--port",
                str(port),
                "--no-browser",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for(url + "/api/session")
            study = theorize.open_project(folder / "bench.theorize", user="bench")
            print(f"transcript: {words:,} words, {codings} codings; server on {url} (a separate process)")
            ours = bench_theorize(study, text, url, server.pid)
            print(f"transcript page render (GET, loopback)   {percentiles(ours['page'])}   target p95 <= 80 ms")
            print(f"one coding POST (to stored, loopback)    {percentiles(ours['post'])}   target p95 <= 15 ms")
            print(f"compare page, 500 passages (GET, whole)  {percentiles(ours['compare'])}")
            theirs = bench_taguette(text, folder)
            if isinstance(theirs, str):
                print(theirs)
            else:
                print(f"Taguette 1.5 highlight POST, same text   {percentiles(theirs)}")
                ratio = sorted(theirs)[len(theirs) // 2] / sorted(ours["post"])[len(ours["post"]) // 2]
                print(f"  Taguette / theorize, medians: {ratio:.1f}x   target >= 3x")
            browser = bench_browser(study, url)
            if isinstance(browser, str):
                print(browser)
            else:
                print(f"keypress to stripe shown (Chromium)      {percentiles(browser['stripe'])}   target <= 100 ms")
                compare = browser["compare"]
                print(f"compare view, 500 passages: page received {percentiles(compare['response'])}")
                print(f"                      first passages shown {percentiles(compare['paint'])}   target <= 150 ms")
                print(f"                       loaded with scripts {percentiles(compare['load'])}")
            study.close()
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
