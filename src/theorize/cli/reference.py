"""The CLI reference (docs/cli.md) generated from the commands' own --help, and the settings table.

python -m theorize.cli.reference > docs/cli.md
"""

from __future__ import annotations

import click

from theorize.settings import SETTINGS


def _walk(command: click.Command, path: list[str], ctx: click.Context):
    yield path, command, ctx
    if isinstance(command, click.Group):
        for name in sorted(command.list_commands(ctx)):
            sub = command.get_command(ctx, name)
            if sub is None:
                continue
            yield from _walk(sub, [*path, name], sub.make_context(name, [], parent=ctx, resilient_parsing=True))


def cli_reference() -> str:
    """Markdown: every setting, then every command's help text."""
    from theorize.cli.main import cli

    out = [
        "# Command line reference",
        "",
        "Generated from `theorize --help`; do not edit by hand.",
        "",
        "## Settings",
        "",
        "| setting | environment variable | default | meaning |",
        "|---|---|---|---|",
    ]
    for s in SETTINGS:
        out.append(f"| {s.name} | `{s.env}` | {s.default if s.default is not None else '-'} | {s.help} |")
    out.append("")
    # make_context applies the group's context settings (-h as well as --help) the way a real
    # invocation does; a fixed width keeps the text the same on every terminal.
    root = cli.make_context("theorize", [], resilient_parsing=True, terminal_width=80, max_content_width=80)
    for path, command, ctx in _walk(cli, ["theorize"], root):
        out += [f"## {' '.join(path)}", "", "```", command.get_help(ctx).rstrip(), "```", ""]
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover
    print(cli_reference())
