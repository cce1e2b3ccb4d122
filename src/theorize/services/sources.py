"""Bringing transcripts in, editing their text, and who they belong to."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, bindparam, select

from theorize.domain.anchoring import TextDiff
from theorize.domain.sources import ParsedSource, Role, SourceKind, Turn
from theorize.errors import Conflict, InvalidInput
from theorize.services.base import Action, ProjectBase, new_guid, now
from theorize.store import schema as t
from theorize.store.changes import LongText, text_sha256

_SAME_TEXT_OR_NAME = (
    select(t.source.c.name, t.source.c.imported_sha256)
    .where((t.source.c.imported_sha256 == bindparam("digest")) | (t.source.c.name == bindparam("name")))
    .order_by((t.source.c.imported_sha256 == bindparam("digest")).desc())
    .limit(1)
)


@dataclass(frozen=True)
class Imported:
    """One source brought into the project."""

    source_id: int
    name: str
    turns: int
    words: int
    speakers: tuple[str, ...] = ()  # the speakers heard that were not taken for the interviewer
    interviewer_found: bool = True  # False: a transcript with speakers but none recognised as interviewer
    notes: tuple[str, ...] = ()  # what the reader dropped or guessed, with where: for the researcher to read


@dataclass
class FolderImport:
    """What importing many files did: each file imported, already there, or refused and why."""

    imported: list[Imported] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (file, message)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, message)
    interviewers_remembered: list[str] = field(default_factory=list)  # labels newly remembered as the interviewer


@dataclass(frozen=True)
class TextEdit:
    """What editing a source's text did to its codings."""

    source_id: int
    version: int
    moved: int
    changed: int
    orphaned: int


SEGMENT_COLUMNS = ["source_version_id", "position", "start", "end", "speaker", "role", "started_at", "ended_at"]


SEGMENT_BATCH = 10_000  # rows per executemany: a very long transcript's rows are not all built at once


def _segment_rows(parsed_turns, version_id: int, first: int = 1) -> list[tuple]:
    """Segment rows (in the order of SEGMENT_COLUMNS) from Turn objects, or from
    (start, end, speaker, role, started_at, ended_at) tuples; positions count from ``first``."""
    if parsed_turns and isinstance(parsed_turns[0], tuple):
        return [(version_id, i, *turn) for i, turn in enumerate(parsed_turns, start=first)]
    roles = {r: r.value for r in Role}
    return [
        (
            version_id,
            i,
            turn.start,
            turn.end,
            turn.speaker,
            roles[turn.role] if turn.role in roles else str(turn.role),
            turn.started_at,
            turn.ended_at,
        )
        for i, turn in enumerate(parsed_turns, start=first)
    ]


class _TurnColumns:
    """Turns as columns, for the segment rows of a long transcript: about 50 bytes a turn where
    a Turn object with its two offsets takes 150 (a 100 MB transcript has 400,000 turns)."""

    __slots__ = ("end", "ended_at", "role", "speaker", "start", "started_at")

    def __init__(self, turns: list[Turn]) -> None:
        roles = {r: r.value for r in Role}
        self.start = array("q", [x.start for x in turns])
        self.end = array("q", [x.end for x in turns])
        self.speaker = [x.speaker for x in turns]
        self.role = [roles[x.role] if x.role in roles else str(x.role) for x in turns]
        self.started_at = [x.started_at for x in turns]
        self.ended_at = [x.ended_at for x in turns]

    def __len__(self) -> int:
        return len(self.start)

    def rows(self, version_id: int, lo: int, hi: int) -> list[tuple]:
        """Segment rows (in the order of SEGMENT_COLUMNS) of turns ``lo`` to ``hi``, numbered from 1."""
        hi = min(hi, len(self.start))
        return [
            (
                version_id,
                i + 1,
                self.start[i],
                self.end[i],
                self.speaker[i],
                self.role[i],
                self.started_at[i],
                self.ended_at[i],
            )
            for i in range(lo, hi)
        ]


class SourcesMixin(ProjectBase):
    """Services for sources and participants."""

    def import_file(
        self,
        path: str | Path,
        *,
        participant: str | None = None,
        group: str = "",
        kind: str | SourceKind | None = None,
        name: str | None = None,
        interviewer: Iterable[str] | None = None,
        max_bytes: int | None = None,
    ) -> Imported:
        """Import one transcript file as a new source.

        Args:
            path: a .txt, .md, .docx, .pdf, .odt, .rtf, .html, .vtt or .srt file.
            participant: the pseudonym id of the participant it belongs to (created if new).
            group: the participant's group (client, counselor) when the participant is new.
            kind: interview (default), focus group, field note or document.
            name: the source's name; by default the file name.
            interviewer: speaker labels that are the interviewer, where the usual ones are not.
            max_bytes: refuse files larger than this (default 100 MB).

        Raises:
            InvalidInput: the file cannot be read; the message says why and what to do.
            Conflict: the same text is already in the project.

        Examples:
            >>> study.import_file("interviews/C03_interview.txt", participant="C03")  # doctest: +SKIP
            Imported(source_id=3, name='C03_interview.txt', turns=58, words=3120)
        """
        from theorize.ingest import read_source

        given = list(interviewer or ())
        options = {"interviewer": given + self.interviewers(), "max_bytes": max_bytes}
        parsed = read_source(Path(path), **_reader_options(options))
        if name:
            parsed.name = name
        if kind:
            parsed.kind = SourceKind(kind)
        with self._action("import source") as act:
            item = self._add_parsed(act, parsed, participant=participant, group=group, origin=str(path), hand_over=True)
            self._remember_interviewers(act, given)
            act.summary = f"imported {item.name} ({item.turns} turns, {item.words} words)"
        return item

    def interviewers(self) -> list[str]:
        """The speaker labels this project takes for the interviewer in every import, besides the
        usual ones (Interviewer, I, Q, Moderator, Therapist, ...): each label once given with
        ``interviewer=`` (``--interviewer``), or found in a folder as the one named speaker who
        talks in several transcripts."""
        with self._read() as conn:
            return list(conn.execute(select(t.interviewer.c.name).order_by(t.interviewer.c.id)).scalars())

    def _remember_interviewers(self, act: Action, names: Iterable[str]) -> list[str]:
        """Remember new interviewer labels (compared loosely) inside an action; returns those added."""
        from theorize.ingest.turns import label_key

        known = {label_key(n) for n in act.conn.execute(select(t.interviewer.c.name)).scalars()}
        added = []
        for name in names:
            name = " ".join(str(name).split())
            if name and label_key(name) not in known:
                known.add(label_key(name))
                act.changes.insert(t.interviewer, {"name": name, "remembered_at": now()})
                added.append(name)
        return added

    def import_parsed(
        self, parsed: ParsedSource, *, participant: str | None = None, group: str = "", origin: str | None = None
    ) -> Imported:
        """Add an already parsed source (from an importer, a survey sheet or a REFI-QDA file)."""
        with self._action("import source") as act:
            item = self._add_parsed(act, parsed, participant=participant, group=group, origin=origin)
            act.summary = f"imported {item.name} ({item.turns} turns, {item.words} words)"
        return item

    def _add_parsed(
        self,
        act: Action,
        parsed: ParsedSource,
        *,
        participant: str | None = None,
        group: str = "",
        origin: str | None = None,
        turns: list[tuple] | None = None,
        words: int | None = None,
        hand_over: bool = False,
    ) -> Imported:
        """Insert one parsed source inside an action; a duplicate raises Conflict before any write.

        ``hand_over=True`` (a file read for this import) gives the text to the database:
        ``parsed.text`` is emptied once its UTF-8 is made, so one copy of the text is alive at
        a time besides the database's own. No local name here holds the text for that reason.
        """
        if not parsed.text or parsed.text.isspace():  # strip() would copy the whole text
            raise InvalidInput(f"{origin or parsed.name} has no text to import.")
        digest = text_sha256(parsed.text)
        existing = act.conn.execute(_SAME_TEXT_OR_NAME, {"digest": digest, "name": parsed.name}).first()
        if existing and existing.imported_sha256 == digest:
            raise Conflict(
                f"{origin or parsed.name} is already in the project as {existing.name!r} (same text); it was not imported again."
            )
        if existing:
            raise Conflict(
                f"A source called {parsed.name!r} already exists; import this file under another name (--name)."
            )
        if words is None:
            from theorize.ingest.text import count_words

            words = count_words(parsed.text)
        # who speaks in which role, once per speaker: no list as long as the transcript
        pairs = (
            dict.fromkeys((x.speaker, getattr(x.role, "value", x.role)) for x in parsed.turns)
            if turns is None
            else dict.fromkeys((x[2], x[3]) for x in turns)
        )
        count = len(parsed.turns) if turns is None else len(turns)
        source_id = self._insert_source(act, parsed, digest, turns=turns, hand_over=hand_over)
        who = participant or parsed.participant
        if who:
            pid = self._participant_id(act.conn, who, act.changes, group)
            act.changes.insert_link(t.source_participant, {"source_id": source_id, "participant_id": pid})
        others = tuple(dict.fromkeys(sp for sp, role in pairs if sp and role != "interviewer"))
        found = any(role == "interviewer" for _, role in pairs) or len(others) < 2
        return Imported(source_id, parsed.name, count, words, others, found, tuple(parsed.notes))

    def _insert_source(
        self,
        act: Action,
        parsed: ParsedSource,
        digest: str,
        guid: str | None = None,
        turns: list[tuple] | None = None,
        hand_over: bool = False,
    ) -> int:
        every: list | _TurnColumns = parsed.turns if turns is None else turns
        if hand_over and turns is None:  # the turns as columns, before the text goes in
            every, parsed.turns = _TurnColumns(parsed.turns), []
        source_id = act.changes.insert(
            t.source,
            {
                "name": parsed.name,
                "kind": SourceKind(parsed.kind).value,
                "file_format": parsed.file_format,
                "imported_sha256": digest,
                "current_version": 1,
                "guid": guid or new_guid(),
                "imported_at": now(),
            },
        )
        version_id = act.changes.insert(
            t.source_version,
            {
                "source_id": source_id,
                "version": 1,
                "text": _handed_over(parsed, digest) if hand_over else parsed.text,
                "text_sha256": digest,
                "reason": "imported",
                "created_at": now(),
            },
        )
        for lo in range(0, max(len(every), 1), SEGMENT_BATCH):
            act.changes.insert_many(
                t.segment,
                every.rows(version_id, lo, lo + SEGMENT_BATCH)
                if isinstance(every, _TurnColumns)
                else _segment_rows(every[lo : lo + SEGMENT_BATCH], version_id, lo + 1),
                scope={"source_version_id": version_id},
                columns=SEGMENT_COLUMNS,
            )
        return source_id

    def import_survey(
        self, path: str | Path, *, per: str = "respondent", id_column: str | None = None
    ) -> list[Imported]:
        """Import open-ended survey answers (.csv/.xlsx): one source per respondent or per question.

        In per-respondent mode each source belongs to the respondent (a participant, created if new).
        All sources come in as one action.
        """
        from theorize.ingest import read_survey

        if per not in ("respondent", "question"):
            raise InvalidInput("A survey is imported per respondent or per question.")
        parsed_sources = read_survey(Path(path), per=per, id_column=id_column)
        done = []
        with self._action("import survey") as act:
            for parsed in parsed_sources:
                digest = text_sha256(parsed.text)
                if act.conn.execute(
                    select(t.source.c.id).where(
                        (t.source.c.imported_sha256 == digest) | (t.source.c.name == parsed.name)
                    )
                ).first():
                    raise Conflict(
                        f"{parsed.name} from {Path(path).name} is already in the project; nothing was imported."
                    )
                source_id = self._insert_source(act, parsed, digest)
                if parsed.participant:
                    pid = self._participant_id(act.conn, parsed.participant, act.changes)
                    act.changes.insert_link(t.source_participant, {"source_id": source_id, "participant_id": pid})
                done.append(Imported(source_id, parsed.name, len(parsed.turns), len(parsed.text.split())))
            act.summary = f"imported {len(done)} survey sources from {Path(path).name}"
        return done

    def import_folder(
        self,
        folder: str | Path,
        *,
        progress: Callable[[str, int, int], None] | None = None,
        workers: int | None = None,
        start_method: str | None = None,
        **options,
    ) -> FolderImport:
        """Import every readable file in a folder (not its hidden files), reporting each bad one.

        The whole folder is one action (one audit event; `undo` takes the folder back). A bad file
        never stops the rest: its sentence goes to ``failed``; a file whose text is already in the
        project goes to ``duplicates``. Files are read in a separate process while the previous
        ones are written, so both cores work (``workers=0`` reads them in this process;
        ``start_method`` "fork" or "spawn" says how the worker starts). The worker ends with
        this process, even when this process is killed.
        """
        from theorize.ingest import supported_suffixes
        from theorize.ingest.folder import read_many
        from theorize.ingest.interviewers import InterviewerFinder

        known = set(supported_suffixes())
        folder = Path(folder)
        if not folder.is_dir():
            raise InvalidInput(f"{folder} is not a folder.")
        files = sorted(
            p
            for p in folder.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        )
        result = FolderImport()
        readable = []
        for path in files:
            if path.suffix.lower() in known:
                readable.append(path)
            else:
                result.failed.append(
                    (
                        str(path),
                        f"{path.name} has a suffix theorize cannot read ({path.suffix or 'none'}); it was skipped.",
                    )
                )
        given = list(options.get("interviewer") or ())
        remembered = self.interviewers()
        reader_options = _reader_options({**options, "interviewer": given + remembered})
        with self._action("import folder") as act:
            reading = read_many(readable, reader_options, workers=workers, start_method=start_method)
            finder = InterviewerFinder(given + remembered)

            def write(path: Path, parsed) -> None:
                if isinstance(parsed, str):
                    result.failed.append((str(path), parsed))
                    return
                try:
                    result.imported.append(self._import_read(act, parsed, path, options))
                except Conflict as exc:
                    result.duplicates.append((str(path), str(exc)))
                except InvalidInput as exc:
                    result.failed.append((str(path), str(exc)))

            for i, (path, parsed) in enumerate(reading, start=1):
                if progress:
                    progress(path.name, i, len(readable))
                for ready in finder.add(path, parsed):
                    write(*ready)
            for ready in finder.finish():
                write(*ready)
            result.interviewers_remembered = self._remember_interviewers(act, [*given, *finder.found.values()])
            words = sum(item.words for item in result.imported)
            act.summary = f"imported {len(result.imported)} sources ({words:,} words) from the folder {folder.name}"
        return result

    def _import_read(self, act: Action, parsed, path: Path, options: dict) -> Imported:
        turns = words = None
        if isinstance(parsed, tuple):  # the compact form a worker process sends back
            fields, turns, words = parsed
            parsed = ParsedSource(**fields)
        if options.get("name"):
            parsed.name = options["name"]
        if options.get("kind"):
            parsed.kind = SourceKind(options["kind"])
        return self._add_parsed(
            act,
            parsed,
            participant=options.get("participant"),
            group=options.get("group", ""),
            origin=str(path),
            turns=turns,
            words=words,
            hand_over=True,
        )

    def edit_text(self, source: int | str, new_text: str, *, reason: str = "") -> TextEdit:
        """Save a corrected text as a new version and carry every coding over to it.

        Codings whose words changed are marked "changed" and those whose words were deleted
        "orphaned"; none is dropped. Speaker turns are carried over the same way.
        """
        with self._action("edit text") as act:
            src = self._source_row(act.conn, source)
            version, counts = self._save_version(act, src, new_text, reason)
            act.summary = (
                f"edited the text of {src['name']} (version {version}): {counts['moved']} codings carried over, "
                f"{counts['changed']} changed, {counts['orphaned']} orphaned"
            )
        return TextEdit(src["id"], version, counts["moved"], counts["changed"], counts["orphaned"])

    def _save_version(self, act: Action, src, new_text: str, reason: str = "") -> tuple[int, dict[str, int]]:
        """Inside an action: save ``new_text`` as the source's next version, carry its turns and
        codings over by a word diff; (the new version's number, codings moved/changed/orphaned)."""
        old_version_id, old_text = self._source_text(act.conn, src["id"])
        if new_text == old_text:
            raise InvalidInput(f"The new text of {src['name']} is the same as the current one; nothing to save.")
        diff = TextDiff(old_text, new_text)
        version = src["current_version"] + 1
        version_id = act.changes.insert(
            t.source_version,
            {
                "source_id": src["id"],
                "version": version,
                "text": new_text,
                "text_sha256": text_sha256(new_text),
                "reason": reason,
                "created_at": now(),
            },
        )
        act.changes.update(t.source, src["id"], {"current_version": version})
        turns = (
            act.conn.execute(
                select(t.segment).where(t.segment.c.source_version_id == old_version_id).order_by(t.segment.c.position)
            )
            .mappings()
            .all()
        )
        rows = []
        for turn in turns:
            a = diff.anchor(turn["start"], turn["end"])
            row = dict(turn)
            row.pop("id")
            row.update(source_version_id=version_id, start=a.start, end=a.end)
            rows.append(row)
        act.changes.insert_many(t.segment, rows, scope={"source_version_id": version_id})
        counts = {"moved": 0, "changed": 0, "orphaned": 0}
        # read them all first: updating a row's span while a cursor walks the codings (by an index on the
        # span) brings it round again, and each pass carried it further until it fell off the end
        codings = act.conn.execute(select(t.coding).where(t.coding.c.source_id == src["id"])).mappings().all()
        for c in codings:
            a = diff.anchor(c["start"], c["end"])
            review = a.review or c["review"]
            act.changes.update(
                t.coding, c["id"], {"start": a.start, "end": a.end, "source_version": version, "review": review}
            )
            counts["changed" if a.review == "changed" else "orphaned" if a.review else "moved"] += 1
        return version, counts


def _handed_over(parsed: ParsedSource, digest: str) -> LongText:
    """The text of ``parsed`` as UTF-8 for the database, ``parsed.text`` emptied (freeing the str)."""
    text = LongText.of(parsed.text, digest)
    parsed.text = ""
    return text


def _reader_options(options: dict) -> dict:
    out = {}
    if options.get("interviewer"):
        out["speaker_override"] = {"interviewer": list(options["interviewer"])}
    if options.get("max_bytes"):
        out["max_bytes"] = options["max_bytes"]
    return out


def source_participants(conn: Connection, source_id: int) -> list[str]:
    rows = conn.execute(
        select(t.participant.c.pseudonym)
        .join(t.source_participant, t.source_participant.c.participant_id == t.participant.c.id)
        .where(t.source_participant.c.source_id == source_id)
    )
    return [r.pseudonym for r in rows]
