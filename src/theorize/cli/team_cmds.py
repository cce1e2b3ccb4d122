"""`theorize users` and `theorize rounds`: the people on a team server, and blind coding rounds."""

from __future__ import annotations

import click

from theorize.cli.common import console, friendly, listing_options, open_study, output_mode, print_frame

ROLE = click.Choice(["owner", "coder", "viewer"])


@click.group()
def users() -> None:
    """The people who may sign in to the workbench, and their roles."""


@users.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=ROLE,
    default="coder",
    show_default=True,
    help="owner: people, codebook, rounds, exports; coder: code and memo; viewer: read.",
)
@click.pass_context
@friendly
def users_add(ctx: click.Context, name: str, role: str) -> None:
    """Add NAME to the team and print a one-time password (the first person added is an owner)."""
    with open_study(ctx) as study:
        role, password = study.add_user(name, role=role)
    console.print(
        f"Added {name} as {role}. One-time password (shown once; change it after signing in): {password}",
        markup=False,
        soft_wrap=True,
    )


@users.command("list")
@listing_options
@click.pass_context
@friendly
def users_list(ctx: click.Context) -> None:
    """List the people on the team."""
    with open_study(ctx) as study:
        people = study.users()
    if output_mode() == "text" and not people:
        console.print(
            "No one can sign in yet: the workbench is open to whoever runs it. "
            "Add the first owner with `theorize users add NAME`.",
            markup=False,
        )
        return
    print_frame(
        [
            {
                "name": p["name"],
                "role": p["role"],
                "created": str(p["created_at"])[:16],
                "removed": "yes" if p["disabled"] else "",
            }
            for p in people
        ]
    )


@users.command("role")
@click.argument("name")
@click.argument("role", type=ROLE)
@click.pass_context
@friendly
def users_role(ctx: click.Context, name: str, role: str) -> None:
    """Give NAME another ROLE (owner, coder or viewer)."""
    with open_study(ctx) as study:
        study.set_role(name, role)
    console.print(f"{name} is now {role}.", markup=False)


@users.command("remove")
@click.argument("name")
@click.pass_context
@friendly
def users_remove(ctx: click.Context, name: str) -> None:
    """Stop NAME from signing in (their name stays on what they did)."""
    with open_study(ctx) as study:
        study.remove_user(name)
    console.print(f"{name} can no longer sign in.", markup=False)


@users.command("reset-password")
@click.argument("name")
@click.pass_context
@friendly
def users_reset(ctx: click.Context, name: str) -> None:
    """Give NAME a new one-time password (their sessions end)."""
    with open_study(ctx) as study:
        password = study.reset_password(name)
    console.print(f"New one-time password for {name}: {password}", markup=False, soft_wrap=True)


@click.group()
def rounds() -> None:
    """Blind coding rounds: each coder sees only their own codings on the round's sources."""


@rounds.command("open")
@click.argument("name")
@click.option("--source", "sources", multiple=True, required=True, help="A source in the round (repeatable).")
@click.option("--coder", "coders", multiple=True, required=True, help="A coder in the round (repeatable).")
@click.option("--frozen", is_flag=True, help="Freeze the codebook for the round (coders use existing codes).")
@click.pass_context
@friendly
def rounds_open(ctx: click.Context, name: str, sources: tuple[str, ...], coders: tuple[str, ...], frozen: bool) -> None:
    """Open the blind round NAME."""
    with open_study(ctx) as study:
        study.open_round(
            name,
            sources=[int(s) if s.isdigit() else s for s in sources],
            coders=list(coders),
            codebook="frozen" if frozen else "open",
        )
    console.print(f"Opened the blind round {name} for {', '.join(coders)}.", markup=False)


@rounds.command("close")
@click.argument("name")
@click.pass_context
@friendly
def rounds_close(ctx: click.Context, name: str) -> None:
    """Close the round NAME and print agreement per code."""
    with open_study(ctx) as study:
        results = study.close_round(name)
    console.print(f"Closed the round {name}.", markup=False)
    if results["note"]:
        console.print(results["note"], markup=False)
    elif results["codes"]:
        print_frame(results["codes"])


@rounds.command("list")
@listing_options
@click.pass_context
@friendly
def rounds_list(ctx: click.Context) -> None:
    """List the rounds, open and closed."""
    with open_study(ctx) as study:
        found = study.rounds()
    if output_mode() == "text" and not found:
        console.print(
            "No rounds yet; open one with `theorize rounds open NAME --source S --coder A --coder B`.", markup=False
        )
        return
    print_frame(
        [
            {
                "name": r["name"],
                "coders": ", ".join(r["coders"]),
                "sources": len(r["sources"]),
                "codebook": r["codebook"],
                "state": "closed" if r["closed_at"] else "open",
                "opened_by": r["opened_by"],
                "closed_by": r["closed_by"] or "",
            }
            for r in found
        ]
    )


def register(cli: click.Group) -> None:
    cli.add_command(users)
    cli.add_command(rounds)


def serve_team(location: str, user: str, *, host: str, port: int, workers: int, allow_hosts: tuple[str, ...]) -> None:
    """`theorize serve --host/--workers`: a team server (stateless workers; the project holds everything)."""
    import os

    import uvicorn

    import theorize
    from theorize.errors import InvalidInput
    from theorize.store.engine import is_url
    from theorize.web.app import LOOPBACK
    from theorize.web.auth import SERVE_ENV

    if workers > 1 and not is_url(location):
        raise InvalidInput("Several workers need a PostgreSQL project; serve a .theorize file with one worker.")
    beyond = host not in LOOPBACK
    with theorize.open_project(location, user=user) as study:
        if beyond and not study.has_accounts():
            raise InvalidInput(
                "Add people with `theorize users add NAME` before serving beyond this machine: "
                "without accounts, anyone who reaches the server acts as you."
            )
        secret = study.server_key()
    hosts = set(LOOPBACK) | set(allow_hosts) | ({host} if host not in ("0.0.0.0", "::") else set())
    os.environ.update(zip(SERVE_ENV, (location, user, ",".join(sorted(hosts)), secret)))
    if beyond:
        console.print(
            "Serving beyond this machine over plain HTTP: put a reverse proxy with TLS in front "
            "(README: for a team), and name it with --allow-host.",
            markup=False,
        )
    shown = location.split("@")[-1] if is_url(location) else location
    console.print(
        f"The workbench for {shown} is at http://{host}:{port}/ with {workers} worker(s) (Ctrl-C stops it).",
        markup=False,
    )
    uvicorn.run(
        "theorize.web.auth:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
    )
