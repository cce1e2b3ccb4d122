"""`theorize serve`: the coding workbench in the browser, on this machine."""

from __future__ import annotations

import click

from theorize.cli.common import console, friendly, project_location


@click.command()
@click.argument("project", required=False, metavar="[PROJECT]")
@click.option(
    "--port",
    default=8765,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="The port on 127.0.0.1 to serve on (0: any free port).",
)
@click.option("--no-browser", is_flag=True, help="Do not open the workbench in a browser.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The address to listen on; 0.0.0.0 serves a team (behind a TLS reverse proxy).",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes; more than one needs a PostgreSQL project.",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    help="A Host name the server answers to besides loopback, e.g. the proxy's (repeatable).",
)
@click.pass_context
@friendly
def serve(
    ctx: click.Context,
    project: str | None,
    port: int,
    no_browser: bool,
    host: str,
    workers: int,
    allow_hosts: tuple[str, ...],
) -> None:
    """Serve the coding workbench for PROJECT on 127.0.0.1 (Ctrl-C stops it)."""
    import socket
    import webbrowser

    import uvicorn

    from theorize import settings
    from theorize.errors import InvalidInput
    from theorize.web import WorkbenchSettings, create_app

    location = project or project_location(ctx)
    user = settings.resolve("user", ctx.find_root().params.get("user"))
    if host != "127.0.0.1" or workers > 1:
        from theorize.cli.team_cmds import serve_team

        return serve_team(location, user, host=host, port=port, workers=workers, allow_hosts=allow_hosts)
    app = create_app(WorkbenchSettings(project=location, user=user))
    # proto given: asyncio turns Nagle off (TCP_NODELAY) only on sockets that say they are TCP
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError:
        sock.close()
        raise InvalidInput(f"Port {port} on 127.0.0.1 is in use; choose another with --port.") from None
    port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    console.print(f"The workbench for {location} is at {url} (Ctrl-C stops it).", markup=False)
    if not no_browser:
        webbrowser.open(url)
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])


def register(cli: click.Group) -> None:
    cli.add_command(serve)
