"""Small builders for tests: a parsed transcript made in code, a CLI runner, the workbench served."""

from __future__ import annotations

import socket
import threading
import time

from theorize.domain.sources import ParsedSource, Role, Turn


def transcript(name: str, turns: list[tuple[str, str]]) -> ParsedSource:
    """A ParsedSource laid out as 'Speaker: words' paragraphs, with turns over the words."""
    parts, spans, pos = [], [], 0
    for speaker, words in turns:
        label = f"{speaker}: "
        start = pos + len(label)
        parts.append(label + words)
        spans.append(
            Turn(
                start,
                start + len(words),
                speaker,
                Role.INTERVIEWER if speaker.lower().startswith("interviewer") else Role.PARTICIPANT,
            )
        )
        pos += len(label) + len(words) + 2
    return ParsedSource(name=name, text="\n\n".join(parts), turns=spans)


C03 = transcript(
    "C03_interview",
    [
        ("Interviewer", "Tell me about your first weeks in the program."),
        (
            "Participant",
            "Honestly? I was just doing my time. I said what they wanted to hear so the judge wouldn't send me back.",
        ),
        ("Interviewer", "What was that like with your counselor?"),
        (
            "Participant",
            "Luis, he writes stuff down, you know, and I figured it all goes to Judge Whitfield. So I kept it short.",
        ),
    ],
)


def cli_runner(monkeypatch, workdir=None, *, columns: int | None = None):
    """``run(*args)``: the CLI through click's runner as lena, in ``workdir``, with no project from the
    environment (the tests name it); exceptions are not caught, so a traceback fails the test."""
    from click.testing import CliRunner

    from theorize.cli.main import cli

    if workdir is not None:
        monkeypatch.chdir(workdir)
    monkeypatch.setenv("THEORIZE_USER", "lena")
    if columns is not None:
        monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.delenv("THEORIZE_PROJECT", raising=False)
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, list(args), catch_exceptions=False)


class Served:
    """The workbench over ``study`` on a free loopback port, served from a thread of this process
    until :meth:`stop`. It opens as the study's user, or, with ``team``, asks who signs in."""

    def __init__(self, study, *, team: bool = False) -> None:
        import uvicorn

        from theorize.web import create_app

        self.study = study
        settings = {"project": study.location} if team else {"project": study.location, "user": study.user}
        self.app = create_app(settings, study=study)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # TCP: Nagle off
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)
        self.thread.start()
        deadline = time.time() + 10
        while not self.server.started and time.time() < deadline:
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(5)
