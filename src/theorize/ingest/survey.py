"""Open-ended survey answers (.csv, .xlsx) as sources.

``per="respondent"``: one source per respondent; its text is one paragraph per answered
question, ``Question: answer``, a blank line between them; each answer is a turn whose speaker is
the question (the column header, white space collapsed), role participant; the source's
participant is the respondent id. ``per="question"``: one source per question; its text is one
paragraph per answer, ``R001: answer``; each answer is a turn whose speaker is the respondent id.
Empty answers are skipped, and so are respondents or questions left with none. Sources are of
kind SURVEY_RESPONSE.

The respondent id column is the one named by the caller, else the first column named like an
id (participant, id, pseudonym, respondent) whose values are filled and unique, else the first
column whose values are filled and unique, else the row number. The questions are the columns
named by the caller, else every column (but the id) whose values read as free text (see
``attributes.infer_type``) and that is not a form's bookkeeping (timestamp, e-mail address...);
when no column reads as free text, every column but the id.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import PurePath

import pandas as pd

from theorize.domain.sources import ParsedSource, Role, SourceKind, Turn
from theorize.errors import InvalidInput
from theorize.ingest.attributes import ID_COLUMN_NAMES, infer_type
from theorize.ingest.files import DEFAULT_MAX_BYTES, check_size, load_bytes
from theorize.ingest.layout import TextLayout
from theorize.ingest.spreadsheet import cell_text, load_table

PER = ("respondent", "question")
_BOOKKEEPING = frozenset(
    {
        "timestamp",
        "email",
        "e-mail",
        "email address",
        "ip address",
        "ipaddress",
        "start date",
        "end date",
        "startdate",
        "enddate",
        "recorded date",
        "recordeddate",
        "submitted",
        "submitted at",
        "submission date",
        "response id",
        "responseid",
        "progress",
        "finished",
        "duration",
        "duration (in seconds)",
    }
)


def read_survey(
    path: str | os.PathLike[str],
    *,
    per: str = "respondent",
    id_column: str | None = None,
    question_columns: Sequence[str] | None = None,
    sheet: str | int = 0,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> list[ParsedSource]:
    """Read open-ended survey answers, one source per respondent or per question.

    Args:
        path: a .csv or .xlsx file, one row per respondent, one column per question.
        per: "respondent" or "question".
        id_column: the respondent id column; chosen automatically when None.
        question_columns: the columns holding answers; free-text columns when None.
        sheet: the .xlsx sheet, by name or 0-based position.
        encoding: the .csv file's encoding, when guessing would go wrong.
        max_bytes: refuse larger files.

    Raises:
        InvalidInput: ``per`` or a named column is wrong, or the file holds no answers.

    Examples:
        >>> sources = read_survey("exit_survey.csv")  # doctest: +SKIP
        >>> sources[0].participant, sources[0].text  # doctest: +SKIP
        ('R001', 'What helped most?: My counselor listened.')
    """
    data = load_bytes(path, max_bytes)
    return read_survey_bytes(
        data,
        PurePath(path).name,
        per=per,
        id_column=id_column,
        question_columns=question_columns,
        sheet=sheet,
        encoding=encoding,
    )


def read_survey_bytes(
    data: bytes,
    filename: str,
    *,
    per: str = "respondent",
    id_column: str | None = None,
    question_columns: Sequence[str] | None = None,
    sheet: str | int = 0,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> list[ParsedSource]:
    """``read_survey`` for bytes already in memory (an upload); ``filename`` gives the suffix."""
    if per not in PER:
        raise InvalidInput(f"per must be 'respondent' or 'question', not {per!r}")
    check_size(len(data), filename, max_bytes)
    suffix = PurePath(filename).suffix.lower()
    table = load_table(data, filename, suffix, sheet=sheet, encoding=encoding)
    id_col, ids = _respondents(table, id_column, filename)
    questions = _questions(table, id_col, question_columns, filename)
    answers = {q: [cell_text(v) for v in table[q].tolist()] for q in questions}
    stem, file_format = PurePath(filename).stem, suffix.lstrip(".")
    if per == "respondent":
        sources = _per_respondent(stem, file_format, ids, answers, id_col)
    else:
        sources = _per_question(stem, file_format, ids, answers)
    if not sources:
        raise InvalidInput(
            f"{filename} has no answers in the columns {', '.join(questions)}; "
            "name the answer columns with question_columns"
        )
    return sources


def _respondents(table: pd.DataFrame, id_column: str | None, filename: str) -> tuple[str | None, list[str]]:
    columns = list(table.columns)
    if id_column is not None:
        if id_column not in columns:
            raise InvalidInput(f"{filename} has no column named {id_column!r}; its columns are: {', '.join(columns)}")
        ids = [cell_text(v) for v in table[id_column].tolist()]
        if "" in ids or len(set(ids)) < len(ids):
            raise InvalidInput(
                f"{filename} has empty or repeated values in the {id_column} column; "
                "choose a column with one id per respondent"
            )
        return id_column, ids
    named = [c for c in columns if c.strip().casefold() in ID_COLUMN_NAMES]
    for col in named + [c for c in columns if c not in named]:
        ids = [cell_text(v) for v in table[col].tolist()]
        if "" not in ids and len(set(ids)) == len(ids):
            return col, ids
    return None, [str(i + 1) for i in range(len(table))]


def _questions(table: pd.DataFrame, id_col: str | None, chosen: Sequence[str] | None, filename: str) -> list[str]:
    others = [c for c in table.columns if c != id_col]
    if chosen is not None:
        missing = [c for c in chosen if c not in table.columns]
        if missing:
            raise InvalidInput(
                f"{filename} has no column named {missing[0]!r}; its columns are: {', '.join(table.columns)}"
            )
        return list(chosen)
    free_text = [
        c for c in others if c.strip().casefold() not in _BOOKKEEPING and infer_type(table[c].tolist()) == "text"
    ]
    return free_text or others


def _label(header: str) -> str:
    return " ".join(header.split())


def _per_respondent(
    stem: str,
    file_format: str,
    ids: list[str],
    answers: dict[str, list[str]],
    id_col: str | None,
) -> list[ParsedSource]:
    sources = []
    for i, rid in enumerate(ids):
        layout = TextLayout()
        turns = []
        for question, column in answers.items():
            answer = column[i]
            if not answer:
                continue
            label = _label(question)
            start = layout.add(f"{label}: {answer}") + len(label) + 2
            turns.append(Turn(start, start + len(answer), speaker=label, role=Role.PARTICIPANT))
        if turns:
            metadata = {"respondent": rid} | ({"id column": id_col} if id_col else {})
            sources.append(
                ParsedSource(
                    name=f"{stem} - {rid}",
                    text=layout.text(),
                    turns=turns,
                    file_format=file_format,
                    kind=SourceKind.SURVEY_RESPONSE,
                    participant=rid,
                    metadata=metadata,
                )
            )
    return sources


def _per_question(stem: str, file_format: str, ids: list[str], answers: dict[str, list[str]]) -> list[ParsedSource]:
    sources = []
    for question, column in answers.items():
        layout = TextLayout()
        turns = []
        for rid, answer in zip(ids, column):
            if not answer:
                continue
            start = layout.add(f"{rid}: {answer}") + len(rid) + 2
            turns.append(Turn(start, start + len(answer), speaker=rid, role=Role.PARTICIPANT))
        if turns:
            label = _label(question)
            title = label if len(label) <= 80 else label[:77] + "..."
            sources.append(
                ParsedSource(
                    name=f"{stem} - {title}",
                    text=layout.text(),
                    turns=turns,
                    file_format=file_format,
                    kind=SourceKind.SURVEY_RESPONSE,
                    metadata={"question": label},
                )
            )
    return sources
