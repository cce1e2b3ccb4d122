"""`theorize`: the command line entry point."""

from __future__ import annotations

import logging

import click

from theorize import __version__, settings
from theorize.cli import codes, history, memos, sources, tables


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--project", "-p", default=None, metavar="FILE|URL", help=settings.setting("project").help)
@click.option("--user", "-u", default=None, metavar="NAME", help=settings.setting("user").help)
@click.option("--verbose", "-v", is_flag=True, help="Log what the services do.")
@click.version_option(__version__, prog_name="theorize")
def cli(project, user, verbose) -> None:
    """theorize: from interview transcripts to a grounded theory, offline."""
    if verbose:
        logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")


for module in (sources, codes, memos, history, tables):
    module.register(cli)


def _register_optional() -> None:
    """Command groups from parts of theorize that may land later register themselves here."""
    import importlib

    for name in ("analysis_cmds", "model_cmds", "report_cmds", "demo_cmds", "web_cmds", "team_cmds",
                 "deid_cmds", "assist_cmds", "theory_cmds"):
        try:
            mod = importlib.import_module(f"theorize.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"theorize.cli.{name}":
                raise
            continue
        mod.register(cli)


_register_optional()


def main() -> None:
    cli(prog_name="theorize")


if __name__ == "__main__":  # pragma: no cover
    main()
