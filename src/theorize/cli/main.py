"""`theorize`: the command line entry point."""

from __future__ import annotations

import logging

import click

from theorize import __version__, settings

#: The command groups, in the order `theorize --help` has always listed them; the optional ones may be
#: missing from an installation (a part of theorize that has not landed, or was left out).
MODULES = (
    "sources",
    "codes",
    "memos",
    "history",
    "tables",
    "analysis_cmds",
    "model_cmds",
    "report_cmds",
    "demo_cmds",
    "web_cmds",
    "team_cmds",
    "deid_cmds",
    "assist_cmds",
    "theory_cmds",
)
OPTIONAL = frozenset(MODULES[5:])

#: Where a command lives, so that running it imports only its own module (start-up time). A name
#: not here (a new command) makes every module load, so this table is a shortcut, never a gate.
WHERE = {
    **dict.fromkeys(("init", "import", "sources", "show", "edit", "participants", "assign"), "sources"),
    **dict.fromkeys(("code", "codes", "uncode", "decide", "review"), "codes"),
    **dict.fromkeys(("memo", "relate"), "memos"),
    **dict.fromkeys(("snapshot", "diff", "undo", "audit"), "history"),
    "export": "tables",
    **dict.fromkeys(("agreement", "saturation", "matrix", "cooccurrence", "adjudicate"), "analysis_cmds"),
    "model": "model_cmds",
    **dict.fromkeys(("report", "trace"), "report_cmds"),
    "demo": "demo_cmds",
    "serve": "web_cmds",
}


class LazyGroup(click.Group):
    """The top-level group: a command group's module is imported when one of its commands runs (or
    when every command is listed, for --help), not at start-up."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._loaded: set[str] = set()

    def _load(self, name: str) -> None:
        import importlib

        if name in self._loaded:
            return
        self._loaded.add(name)
        try:
            module = importlib.import_module(f"theorize.cli.{name}")
        except ModuleNotFoundError as exc:
            if name in OPTIONAL and exc.name == f"theorize.cli.{name}":
                return
            raise
        module.register(self)

    def load_all(self) -> None:
        for name in MODULES:
            self._load(name)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in WHERE:
            self._load(WHERE[cmd_name])
        if cmd_name not in self.commands:
            self.load_all()
        return self.commands.get(cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self.load_all()
        return sorted(self.commands)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--project", "-p", default=None, metavar="FILE|URL", help=settings.setting("project").help)
@click.option("--user", "-u", default=None, metavar="NAME", help=settings.setting("user").help)
@click.option("--verbose", "-v", is_flag=True, help="Log what the services do.")
@click.version_option(__version__, prog_name="theorize")
def cli(project, user, verbose) -> None:
    """theorize: from interview transcripts to a grounded theory, offline."""
    if verbose:
        logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")


def main() -> None:
    cli(prog_name="theorize")


if __name__ == "__main__":  # pragma: no cover
    main()
