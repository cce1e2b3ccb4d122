"""Machine help: `theorize embed`, `similar`, `suggest`, `suggestions`, `propose`, `in-vivo-candidates`.

Everything runs on this machine; suggestions wait as pending until a person accepts them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from theorize.cli.common import (
    console,
    err_console,
    friendly,
    listing_options,
    open_study,
    output_mode,
    parse_span,
    print_frame,
)
from theorize.errors import InvalidInput

STAGES = click.Choice(["initial", "focused", "category", "theoretical"])


@contextmanager
def _bar(what: str) -> Iterator:
    """A progress bar on stderr (so --json output stays clean), shown once the work has a size."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task(what, total=None)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield tick


def _passage(source, span, coding, text) -> dict:
    given = sum(x is not None for x in (span, coding, text))
    if given != 1:
        raise InvalidInput('Say which passage: --span START-END of a source, --coding N, or --text "words".')
    if span is not None and source is None:
        raise InvalidInput("--span needs the source it is in: theorize similar SOURCE --span START-END.")
    return {"span": parse_span(span) if span else None, "coding": coding, "text": text}


@click.command()
@click.argument("sources", nargs=-1)
@click.pass_context
@friendly
def embed(ctx, sources) -> None:
    """Embed the sentences and turns of the sources (default: all) for machine help.

    Done once per text version; units whose words did not change keep their vectors.
    """
    with open_study(ctx) as study, _bar("Embedding passages") as tick:
        run = study.embed_units(list(sources) or None, progress=tick)
    console.print(
        f"{run.units:,} passages: {run.computed:,} embedded, {run.reused:,} reused from earlier "
        f"versions, {run.units - run.computed - run.reused:,} already done ({run.model_id})",
        markup=False,
    )


@click.command()
@click.argument("source", required=False)
@click.option("--span", default=None, help="The passage as characters START-END of SOURCE.")
@click.option("--coding", type=int, default=None, help="The passage a coding marks (its number).")
@click.option("--text", default=None, help="Any words to compare.")
@click.option("-k", "k", type=int, default=10, show_default=True, help="How many passages to list.")
@click.option("--unit", type=click.Choice(["sentence", "turn"]), default="sentence", show_default=True)
@click.option("--group", default=None, help="Only participants of this group.")
@click.option("--attribute", default=None, metavar="NAME=VALUE", help="Only participants with this attribute value.")
@click.option("--coded/--uncoded", "coded", default=None, help="Only passages already coded, or not yet coded.")
@click.option("--other-participants", is_flag=True, help="Leave out the passage's own participant.")
@listing_options
@click.pass_context
@friendly
def similar(ctx, source, span, coding, text, k, unit, group, attribute, coded, other_participants) -> None:
    """Passages most like a passage: constant comparison, incident with incident."""
    passage = _passage(source, span, coding, text)
    attr = None
    if attribute:
        if "=" not in attribute:
            raise InvalidInput(f"{attribute!r} is not NAME=VALUE, e.g. program_phase=early.")
        attr = tuple(part.strip() for part in attribute.split("=", 1))
    with open_study(ctx) as study, _bar("Embedding passages") as tick:
        found = study.similar(
            source,
            k=k,
            unit=unit,
            group=group,
            attribute=attr,
            coded=coded,
            other_participants=other_participants,
            progress=tick,
            **passage,
        )
    if found.empty and output_mode() == "text":
        console.print("No passage matches those filters.")
        return
    print_frame(found, max_width=70)


@click.command()
@click.argument("sources", nargs=-1)
@click.option("--stage", type=STAGES, default="focused", show_default=True, help="The stage of codes to suggest.")
@click.option("--learn-from", default=None, metavar="CODER", help="Whose codings teach the machine (default: you).")
@click.option("--learn-source", "learn_sources", multiple=True, help="Learn only from these sources (repeatable).")
@click.option(
    "--method",
    type=click.Choice(["auto", "knn", "prototype", "linear", "linear+knn"]),
    default="auto",
    show_default=True,
    help="How to learn: nearest neighbours, prototypes, a linear model, the mean of linear and neighbours, "
    "or the best by cross-validation.",
)
@click.option("--all-units", is_flag=True, help="Suggest for coded sentences too, not only uncoded ones.")
@click.option("--per-unit", type=int, default=2, show_default=True, help="At most this many codes per sentence.")
@listing_options
@click.pass_context
@friendly
def suggest(ctx, sources, stage, learn_from, learn_sources, method, all_units, per_unit) -> None:
    """Suggest codes for sentences, learned from a researcher's own codings.

    Suggestions are stored as the machine's codings, pending: they count nowhere until accepted
    (`theorize suggestions accept`). A rejected suggestion is not made again.
    """
    with open_study(ctx) as study, _bar("Embedding passages") as tick:
        run = study.suggest(
            list(sources) or None,
            stage=stage,
            learn_from=learn_from,
            learn_sources=list(learn_sources) or None,
            method=method,
            only_uncoded=not all_units,
            per_unit=per_unit,
            progress=tick,
        )
        listing = study.suggestions(status="pending")
    listing = listing[listing.id.isin(run.ids)]
    if output_mode() != "text":
        print_frame(listing)
        return
    console.print(f"{len(run.ids)} suggestions by {run.coder} ({run.model_id}), pending your decision.", markup=False)
    console.print(
        f"Learned {len(run.codes)} codes; threshold {run.threshold:.2f}, chosen by cross-validation over "
        f"interviews: precision {run.precision:.2f}, recall {run.recall:.2f}.",
        markup=False,
    )
    for note in run.notes:
        console.print(f"Note: {note}", markup=False)
    if len(listing):
        print_frame(listing[["id", "source", "code", "confidence", "quote"]], max_width=70)


@click.group()
def suggestions() -> None:
    """The machine's code suggestions: list them, accept or reject them (one, some or all)."""


@suggestions.command("list")
@click.option(
    "--status", type=click.Choice(["pending", "accepted", "rejected", "all"]), default="pending", show_default=True
)
@click.option("--source", default=None, help="Only this source.")
@listing_options
@click.pass_context
@friendly
def list_suggestions(ctx, status, source) -> None:
    """List the machine's suggestions."""
    with open_study(ctx) as study:
        found = study.suggestions(status=None if status == "all" else status, source=source)
    if found.empty and output_mode() == "text":
        console.print(f"No {'' if status == 'all' else status + ' '}suggestions.")
        return
    print_frame(found, max_width=70)


def _decide(ctx, ids, source, code, min_confidence, accept: bool) -> None:
    if not (ids or source or code or min_confidence is not None):
        raise InvalidInput("Say which suggestions: their numbers, --source, --code or --min-confidence.")
    with open_study(ctx) as study:
        n = study.decide_suggestions(
            list(ids) or None, accept=accept, source=source, code=code, min_confidence=min_confidence
        )
    console.print(f"{'Accepted' if accept else 'Rejected'} {n} suggestion{'s' if n != 1 else ''}")


def _decide_options(fn):
    fn = click.option("--min-confidence", type=float, default=None, help="Those at or above this confidence.")(fn)
    fn = click.option("--code", default=None, help="Every pending suggestion of this code.")(fn)
    fn = click.option("--source", default=None, help="Every pending suggestion in this source.")(fn)
    return click.argument("ids", nargs=-1, type=int)(fn)


@suggestions.command("accept")
@_decide_options
@click.pass_context
@friendly
def accept(ctx, ids, source, code, min_confidence) -> None:
    """Accept suggestions (in one action: one undo takes them back)."""
    _decide(ctx, ids, source, code, min_confidence, True)


@suggestions.command("reject")
@_decide_options
@click.pass_context
@friendly
def reject(ctx, ids, source, code, min_confidence) -> None:
    """Reject suggestions (in one action); a rejected one is not suggested again."""
    _decide(ctx, ids, source, code, min_confidence, False)


@click.group()
def propose() -> None:
    """Proposals from the machine: focused codes, gerund labels, memo drafts."""


@propose.command("focused")
@click.option(
    "--distance",
    type=float,
    default=0.6,
    show_default=True,
    help="How far apart codes in one group may be (cosine distance, 0 to 2).",
)
@click.option("--all", "all_codes", is_flag=True, help="Group every initial code, also those already placed.")
@listing_options
@click.pass_context
@friendly
def propose_focused(ctx, distance, all_codes) -> None:
    """Groups of initial codes that might become one focused code, with their passages."""
    with open_study(ctx) as study, _bar("Embedding codes") as _:
        found = study.propose_focused_codes(distance=distance, unplaced_only=not all_codes)
    rows = [
        {
            "proposal": n,
            "name": p.name,
            "codes": "; ".join(p.codes),
            "cohesion": p.cohesion,
            "quotes": " | ".join(p.quotes),
        }
        for n, p in enumerate(found, start=1)
    ]
    if not rows and output_mode() == "text":
        console.print("No group of initial codes is close enough to propose; try a larger --distance.")
        return
    print_frame(rows, max_width=70)


@propose.command("accept")
@click.argument("codes", nargs=-1, required=True)
@click.option("--name", required=True, help="The focused code's name.")
@click.option("--merge", is_flag=True, help="Merge the codes into it instead of nesting them under it.")
@click.pass_context
@friendly
def propose_accept(ctx, codes, name, merge) -> None:
    """Make a focused code from initial codes: nest them under it, or merge them into it."""
    with open_study(ctx) as study:
        study.accept_proposal(list(codes), name, how="merge" if merge else "nest")
    console.print(
        f"{'Merged' if merge else 'Placed'} {len(codes)} codes {'into' if merge else 'under'} {name!r}", markup=False
    )


_MODEL = click.option(
    "--model",
    "model",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A GGUF model file (default: the small SmolLM2 model, if installed).",
)


@propose.command("labels")
@click.argument("source", required=False)
@click.option("--span", default=None, help="The passage as characters START-END of SOURCE.")
@click.option("--coding", type=int, default=None, help="The passage a coding marks.")
@_MODEL
@click.pass_context
@friendly
def propose_labels(ctx, source, span, coding, model) -> None:
    """Gerund code labels for a passage from a local language model (prompt and answer audited)."""
    passage = _passage(source, span, coding, None)
    with open_study(ctx) as study:
        draft = study.propose_labels(source, span=passage["span"], coding=coding, model=str(model) if model else None)
    if not draft.labels:
        console.print(f"{draft.model_id} proposed no gerund label.", markup=False)
    for label in draft.labels:
        console.print(label, markup=False)


@propose.command("memo")
@click.argument("code")
@click.option("--passages", type=int, default=8, show_default=True, help="How many of its passages to give.")
@_MODEL
@click.pass_context
@friendly
def propose_memo(ctx, code, passages, model) -> None:
    """A memo draft for a category from its passages; quotations not verbatim are removed."""
    with open_study(ctx) as study:
        draft = study.draft_memo(code, passages=passages, model=str(model) if model else None)
    console.print(draft.text, markup=False)
    console.print(
        f"({draft.model_id}; {len(draft.quotes_kept)} quotations checked against the transcripts, "
        f"{len(draft.quotes_dropped)} removed as not verbatim; a draft, not saved as a memo)",
        markup=False,
    )


@click.command("in-vivo-candidates")
@click.argument("source")
@click.option("--limit", type=int, default=20, show_default=True)
@listing_options
@click.pass_context
@friendly
def in_vivo_candidates(ctx, source, limit) -> None:
    """Phrases of the participant that stand out: quoted, repeated, or distinctively theirs."""
    with open_study(ctx) as study:
        found = study.in_vivo_candidates(source, limit=limit)
    if found.empty and output_mode() == "text":
        console.print("No phrase stands out in this transcript.")
        return
    print_frame(found)


def register(cli: click.Group) -> None:
    for cmd in (embed, similar, suggest, suggestions, propose, in_vivo_candidates):
        cli.add_command(cmd)
